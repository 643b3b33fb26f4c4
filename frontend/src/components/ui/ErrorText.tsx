import type {ReactNode} from 'react'

/** ErrorText announces an error next to what it is about; nothing when there is none. */
export function ErrorText({id, children}: {id?: string; children?: ReactNode}) {
  if (!children) return null
  return (
    <p id={id} role="alert" className="text-xs font-medium text-danger">
      {children}
    </p>
  )
}
