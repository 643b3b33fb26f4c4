import type {ReactNode} from 'react'

export interface EmptyStateProps {
  icon: ReactNode
  title: ReactNode
  children?: ReactNode
  action?: ReactNode
}

export function EmptyState({icon, title, children, action}: EmptyStateProps) {
  return (
    <div className="flex flex-col items-center justify-center gap-3 px-6 py-14 text-center">
      <div className="grid size-14 place-items-center rounded-2xl border border-line bg-accent-soft text-accent dark:text-indigo-300">
        {icon}
      </div>
      <h3 className="text-base font-semibold text-fg">{title}</h3>
      {children && <div className="max-w-md text-sm leading-6 text-muted">{children}</div>}
      {action}
    </div>
  )
}
