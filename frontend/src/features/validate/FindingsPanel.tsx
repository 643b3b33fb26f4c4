import {useState} from 'react'
import {MapPin, Wrench} from 'lucide-react'
import {Button, Input, SeverityBadge, type Severity} from '../../components/ui'
import type {Finding} from '../../api'
import {findingKey} from '../../stores/validate'

export interface FindingsPanelProps {
  findings: readonly Finding[]
  /** The key of the finding whose fix is running, if any. */
  fixing: string | null
  onJump: (line: number, column: number) => void
  onFix: (f: Finding, value: string) => Promise<boolean>
}

const severityRank: Record<string, number> = {critical: 0, high: 1, medium: 2, low: 3, info: 4}

/** groupByCategory groups findings by category, the worst group first, each worst finding first. */
export function groupByCategory(findings: readonly Finding[]): Array<{category: string; findings: Finding[]}> {
  const groups = new Map<string, Finding[]>()
  for (const f of findings) groups.set(f.category, [...(groups.get(f.category) ?? []), f])
  const worst = (fs: Finding[]) => Math.min(...fs.map((f) => severityRank[f.severity] ?? 5))
  return [...groups.entries()]
    .map(([category, fs]) => ({category, findings: [...fs].sort((a, b) => (severityRank[a.severity] ?? 5) - (severityRank[b.severity] ?? 5) || a.line - b.line)}))
    .sort((a, b) => worst(a.findings) - worst(b.findings) || a.category.localeCompare(b.category))
}

const categoryTitle = (c: string) => c.charAt(0).toUpperCase() + c.slice(1).replace(/-/g, ' ')

/** FindingsPanel lists findings grouped by category, each with its place, remediation and one-click fix. */
export function FindingsPanel({findings, fixing, onJump, onFix}: FindingsPanelProps) {
  return (
    <div className="flex flex-col gap-5" data-testid="findings">
      {groupByCategory(findings).map((g) => (
        <section key={g.category} aria-label={categoryTitle(g.category)}>
          <h3 className="mb-2 text-xs font-semibold tracking-wide text-muted uppercase">
            {categoryTitle(g.category)} <span className="tabular-nums">({g.findings.length})</span>
          </h3>
          <ol className="flex flex-col gap-2">
            {g.findings.map((f) => (
              <FindingItem key={findingKey(f)} finding={f} busy={fixing === findingKey(f)} onJump={onJump} onFix={onFix} />
            ))}
          </ol>
        </section>
      ))}
    </div>
  )
}

function FindingItem({finding: f, busy, onJump, onFix}: {finding: Finding; busy: boolean} & Pick<FindingsPanelProps, 'onJump' | 'onFix'>) {
  const [value, setValue] = useState(f.fix?.paramSuggestion ?? '')
  const where = f.line > 0 ? `${f.line}:${f.column}` : '—'
  return (
    <li className="rounded-xl border border-line bg-panel px-3 py-2.5" data-finding={f.id}>
      <div className="flex flex-wrap items-center gap-2">
        <SeverityBadge severity={f.severity as Severity} />
        <span className="font-medium text-fg">{f.title}</span>
        <span className="font-mono text-xs text-subtle">{f.id}</span>
        <span className="flex-1" />
        {f.line > 0 && (
          <button
            type="button"
            onClick={() => onJump(f.line, f.column)}
            className="inline-flex items-center gap-1 rounded-lg px-1.5 font-mono text-xs text-muted tabular-nums hover:text-fg focus-visible:outline-2 focus-visible:outline-ring"
            aria-label={`Go to line ${f.line}, column ${f.column}`}
          >
            <MapPin aria-hidden className="size-3.5" />
            {where}
            {f.statement >= 0 && ` · Statement[${f.statement}]${f.sid ? ` (${f.sid})` : ''}`}
          </button>
        )}
      </div>
      <p className="mt-1.5 text-sm [overflow-wrap:anywhere] text-fg">{f.message}</p>
      <p className="mt-1 text-sm [overflow-wrap:anywhere] text-muted">
        <span className="font-semibold">Fix: </span>
        {f.remediation}
      </p>
      {f.fix && (
        <form
          className="mt-2 flex flex-wrap items-center gap-2"
          onSubmit={(e) => {
            e.preventDefault()
            void onFix(f, value)
          }}
        >
          {f.fix.paramLabel && (
            <Input aria-label={f.fix.paramLabel} placeholder={f.fix.paramLabel} value={value} onChange={(e) => setValue(e.target.value)} className="max-w-96 min-w-56 flex-1 font-mono text-xs" />
          )}
          <Button type="submit" size="sm" variant="primary" busy={busy} icon={<Wrench aria-hidden className="size-3.5" />}>
            {f.fix.label}
          </Button>
        </form>
      )}
    </li>
  )
}
