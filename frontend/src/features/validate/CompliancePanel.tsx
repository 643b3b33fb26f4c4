import {Badge, type Tone} from '../../components/ui'
import type {FrameworkStatus} from '../../api'

const statusTone: Record<string, Tone> = {FAIL: 'critical', PASS: 'ok', 'NOT-APPLICABLE': 'neutral', MANUAL: 'accent'}
const statusLabel: Record<string, string> = {FAIL: 'FAIL', PASS: 'PASS', 'NOT-APPLICABLE': 'N/A', MANUAL: 'MANUAL'}

/** CompliancePanel is the framework → control → status matrix; failing frameworks open first. */
export function CompliancePanel({frameworks}: {frameworks: readonly FrameworkStatus[]}) {
  return (
    <div className="flex flex-col gap-2" data-testid="compliance">
      {frameworks.map((fw) => (
        <details key={fw.id} open={fw.fail > 0} className="group rounded-xl border border-line bg-panel" data-framework={fw.id}>
          <summary className="flex cursor-pointer flex-wrap items-center gap-2 rounded-xl px-3 py-2.5 focus-visible:outline-2 focus-visible:outline-ring">
            <span className="font-medium text-fg">{fw.name}</span>
            <span className="text-xs text-subtle">{fw.version}</span>
            <span className="flex-1" />
            <Badge tone={fw.fail > 0 ? 'critical' : 'neutral'}>{fw.fail} fail</Badge>
            <Badge tone="ok">{fw.pass} pass</Badge>
            <Badge tone="neutral">{fw.notApplicable} n/a</Badge>
            <Badge tone="accent">{fw.manual} manual</Badge>
          </summary>
          <table className="w-full border-t border-line text-sm">
            <caption className="sr-only">{fw.name} controls</caption>
            <thead>
              <tr className="text-left text-xs text-muted">
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Control
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Title
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Status
                </th>
              </tr>
            </thead>
            <tbody>
              {fw.controls.map((c) => (
                <tr key={c.id} className="border-t border-line/60" data-control={c.id}>
                  <td className="px-3 py-1.5 font-mono text-xs whitespace-nowrap">{c.id}</td>
                  <td className="px-3 py-1.5">{c.title}</td>
                  <td className="px-3 py-1.5 whitespace-nowrap">
                    <Badge tone={statusTone[c.status] ?? 'neutral'} title={c.worst ? `worst finding: ${c.worst}` : undefined}>
                      {statusLabel[c.status] ?? c.status}
                    </Badge>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
    </div>
  )
}
