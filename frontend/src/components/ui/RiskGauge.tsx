import {cn} from '../../lib/cn'

export interface RiskGaugeProps {
  /** 0 (no risk) to 100 (critical); values outside are clamped. */
  score: number
  label?: string
  size?: number
}

export type RiskBand = 'low' | 'medium' | 'high' | 'critical'

/** riskBand names the band a score falls in (the bands of docs/report-schema.md); the gauge shows it in words. */
export function riskBand(score: number): RiskBand {
  if (score >= 75) return 'critical'
  if (score >= 50) return 'high'
  if (score >= 25) return 'medium'
  return 'low'
}

const bandColour: Record<RiskBand, string> = {
  low: 'text-emerald-600 dark:text-emerald-300',
  medium: 'text-amber-600 dark:text-amber-300',
  high: 'text-orange-600 dark:text-orange-300',
  critical: 'text-rose-600 dark:text-rose-300',
}

/** RiskGauge draws a 270° arc filled to the score, with the number and band as text. */
export function RiskGauge({score, label = 'Risk score', size = 132}: RiskGaugeProps) {
  const value = Math.round(Math.min(100, Math.max(0, Number.isFinite(score) ? score : 0)))
  const band = riskBand(value)
  const r = 52
  const circumference = 2 * Math.PI * r
  const arc = circumference * 0.75
  const filled = (arc * value) / 100
  return (
    <div
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={value}
      aria-valuetext={`${value} of 100, ${band}`}
      className="relative inline-grid place-items-center"
      style={{width: size, height: size}}
    >
      <svg viewBox="0 0 120 120" className="absolute inset-0 -rotate-[225deg]" aria-hidden>
        <circle cx="60" cy="60" r={r} fill="none" strokeWidth="10" strokeLinecap="round" className="stroke-line" strokeDasharray={`${arc} ${circumference}`} />
        <circle
          cx="60"
          cy="60"
          r={r}
          fill="none"
          strokeWidth="10"
          strokeLinecap="round"
          stroke="currentColor"
          className={cn(bandColour[band], 'motion-safe:transition-[stroke-dasharray] motion-safe:duration-700')}
          strokeDasharray={`${filled} ${circumference}`}
        />
      </svg>
      <div className="relative text-center">
        <div className="text-3xl font-semibold tabular-nums text-fg">{value}</div>
        <div className={cn('text-xs font-semibold uppercase tracking-wide', bandColour[band])}>{band}</div>
      </div>
    </div>
  )
}
