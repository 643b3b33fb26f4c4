import type {ReactNode} from 'react'
import {cn} from '../../lib/cn'

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info'
export type Tone = Severity | 'neutral' | 'accent' | 'ok'

// Text/background pairs chosen for 4.5:1 contrast in both themes.
const tones: Record<Tone, string> = {
  critical: 'bg-rose-600 text-white border-rose-700',
  high: 'bg-orange-100 text-orange-900 border-orange-300 dark:bg-orange-500/20 dark:text-orange-200 dark:border-orange-400/40',
  medium: 'bg-amber-100 text-amber-900 border-amber-300 dark:bg-amber-400/15 dark:text-amber-200 dark:border-amber-300/40',
  low: 'bg-sky-100 text-sky-900 border-sky-300 dark:bg-sky-400/15 dark:text-sky-200 dark:border-sky-300/40',
  info: 'bg-slate-100 text-slate-800 border-slate-300 dark:bg-slate-400/15 dark:text-slate-200 dark:border-slate-300/30',
  neutral: 'bg-panel-strong text-muted border-line',
  accent: 'bg-accent-soft text-indigo-800 border-indigo-300/60 dark:text-indigo-200 dark:border-indigo-300/30',
  ok: 'bg-ok-soft text-ok border-emerald-400/40',
}

export interface BadgeProps {
  tone?: Tone
  children: ReactNode
  className?: string
  title?: string
}

export function Badge({tone = 'neutral', children, className, title}: BadgeProps) {
  return (
    <span
      title={title}
      className={cn('inline-flex items-center gap-1 rounded-full border px-2 py-0.5 text-xs font-semibold leading-5', tones[tone], className)}
    >
      {children}
    </span>
  )
}

/** SeverityBadge names the severity in words, never by colour alone. */
export function SeverityBadge({severity}: {severity: Severity}) {
  return (
    <Badge tone={severity} className="uppercase tracking-wide">
      {severity}
    </Badge>
  )
}
