import {Badge, RiskGauge, SeverityBadge, type Severity} from '../../components/ui'
import type {RiskScore} from '../../api'

const severities: Severity[] = ['critical', 'high', 'medium', 'low', 'info']

/** ScoreSummary shows the input's risk gauge, its severity breakdown and the score's explanation. */
export function ScoreSummary({score}: {score: RiskScore}) {
  return (
    <section aria-label="Risk" className="flex flex-wrap items-center gap-5" data-testid="risk-summary">
      <RiskGauge score={score.value} size={116} />
      <div className="min-w-0 flex-1">
        <ul aria-label="Findings by severity" className="flex flex-wrap gap-2">
          {severities.map((s) => (
            <li key={s} className="flex items-center gap-1.5">
              <SeverityBadge severity={s} />
              <span className="text-sm font-semibold tabular-nums" data-testid={`count-${s}`}>
                {score.counts[s]}
              </span>
            </li>
          ))}
        </ul>
        <p className="mt-3 text-sm text-muted" data-testid="risk-explanation">
          {score.explanation}
        </p>
        {score.band === 'none' && (
          <Badge tone="ok" className="mt-2">
            No risk found
          </Badge>
        )}
      </div>
    </section>
  )
}
