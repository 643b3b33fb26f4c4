import {useId, type ReactElement, type ReactNode} from 'react'
import {cloneElement} from 'react'
import {ErrorText} from './ErrorText'

export interface FieldProps {
  label: ReactNode
  hint?: ReactNode
  error?: string | undefined
  children: ReactElement<{id?: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean}>
}

/** Field labels a control and wires its hint and error for assistive tech. */
export function Field({label, hint, error, children}: FieldProps) {
  const id = useId()
  const hintId = `${id}-hint`
  const errorId = `${id}-error`
  const describedBy = [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined
  return (
    <div className="flex flex-col gap-1.5">
      <label htmlFor={id} className="text-sm font-medium text-fg">
        {label}
      </label>
      {cloneElement(children, {id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined})}
      {hint && !error && (
        <p id={hintId} className="text-xs text-muted">
          {hint}
        </p>
      )}
      <ErrorText id={errorId}>{error}</ErrorText>
    </div>
  )
}
