import type {ButtonHTMLAttributes, ReactNode} from 'react'
import {cn} from '../../lib/cn'

type Variant = 'primary' | 'secondary' | 'ghost' | 'danger'
type Size = 'sm' | 'md'

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant
  size?: Size
  icon?: ReactNode
  busy?: boolean
}

const variants: Record<Variant, string> = {
  primary:
    'bg-accent text-accent-fg shadow-sm shadow-indigo-900/20 hover:brightness-110 active:brightness-95 border border-transparent',
  secondary: 'glass text-fg hover:bg-panel-strong',
  ghost: 'text-muted hover:text-fg hover:bg-accent-soft border border-transparent',
  danger: 'text-danger border border-current/30 bg-danger-soft hover:brightness-110',
}

const sizes: Record<Size, string> = {
  sm: 'h-8 px-3 text-sm gap-1.5',
  md: 'h-10 px-4 text-sm gap-2',
}

export function Button({variant = 'secondary', size = 'md', icon, busy, className, children, disabled, type, ...rest}: ButtonProps) {
  return (
    <button
      type={type ?? 'button'}
      className={cn(
        'inline-flex items-center justify-center rounded-xl font-medium whitespace-nowrap select-none',
        'motion-safe:transition focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring',
        'disabled:opacity-50 disabled:cursor-not-allowed',
        variants[variant],
        sizes[size],
        className,
      )}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      {...rest}
    >
      {busy ? <span aria-hidden className="size-4 rounded-full border-2 border-current border-r-transparent motion-safe:animate-spin" /> : icon}
      {children}
    </button>
  )
}
