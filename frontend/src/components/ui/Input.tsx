import {forwardRef, type InputHTMLAttributes, type SelectHTMLAttributes, type TextareaHTMLAttributes} from 'react'
import {ChevronDown} from 'lucide-react'
import {cn} from '../../lib/cn'

export const controlClass = cn(
  'w-full rounded-xl border border-line bg-panel-strong text-fg placeholder:text-subtle',
  'focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring',
  'aria-[invalid=true]:border-danger disabled:opacity-60',
)

export const Input = forwardRef<HTMLInputElement, InputHTMLAttributes<HTMLInputElement>>(function Input({className, ...rest}, ref) {
  return <input ref={ref} className={cn(controlClass, 'h-10 px-3 text-sm', className)} {...rest} />
})

export const Textarea = forwardRef<HTMLTextAreaElement, TextareaHTMLAttributes<HTMLTextAreaElement>>(function Textarea(
  {className, ...rest},
  ref,
) {
  return <textarea ref={ref} className={cn(controlClass, 'px-3 py-2.5 text-sm leading-6', className)} {...rest} />
})

export interface SelectOption {
  value: string
  label: string
}

export interface SelectProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'children'> {
  options: readonly SelectOption[]
}

/** Select is a native select (keyboard and screen-reader behaviour for free) with the app's look. */
export const Select = forwardRef<HTMLSelectElement, SelectProps>(function Select({className, options, ...rest}, ref) {
  return (
    <div className={cn('relative', className)}>
      <select ref={ref} className={cn(controlClass, 'h-10 cursor-pointer appearance-none pr-9 pl-3 text-sm')} {...rest}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <ChevronDown aria-hidden className="pointer-events-none absolute top-1/2 right-3 size-4 -translate-y-1/2 text-muted" />
    </div>
  )
})
