import type {HTMLAttributes, ReactNode} from 'react'
import {cn} from '../../lib/cn'

export interface CardProps extends Omit<HTMLAttributes<HTMLElement>, 'title'> {
  title?: ReactNode
  description?: ReactNode
  actions?: ReactNode
  icon?: ReactNode
}

/** Card is the translucent panel every page section sits on. */
export function Card({title, description, actions, icon, className, children, ...rest}: CardProps) {
  return (
    <section className={cn('glass rounded-2xl p-5', className)} {...rest}>
      {(title || actions) && (
        <header className="mb-4 flex items-start justify-between gap-4">
          <div className="flex min-w-0 items-start gap-3">
            {icon && <span className="mt-0.5 text-accent dark:text-indigo-300">{icon}</span>}
            <div className="min-w-0">
              {title && <h2 className="text-base font-semibold tracking-tight text-fg">{title}</h2>}
              {description && <p className="mt-0.5 text-sm text-muted">{description}</p>}
            </div>
          </div>
          {actions && <div className="flex shrink-0 items-center gap-2">{actions}</div>}
        </header>
      )}
      {children}
    </section>
  )
}
