import {useEffect, useRef, useState} from 'react'
import {Download, X} from 'lucide-react'
import type {Audit, AuditExportFormat, AuditPrincipal} from '../../api'
import {Badge, Button, Card, Tabs} from '../../components/ui'
import {useAudit} from '../../stores/audit'
import {byService, policyDiffs, remediation, shortName, type PermissionState} from './model'
import {RemediatePanel} from './RemediatePanel'

const stateTone = {used: 'ok', unused: 'medium', unknown: 'neutral', tooNew: 'info'} as const
const stateLabel: Record<PermissionState, string> = {used: 'used', unused: 'unused', unknown: 'unknown', tooNew: 'too new'}

/** UsageBar shows used, unused and unknown grants as one stacked bar. */
export function UsageBar({used, unused, unknown}: {used: number; unused: number; unknown: number}) {
  const total = used + unused + unknown
  const pct = (n: number) => (total === 0 ? 0 : (n / total) * 100)
  return (
    <div className="flex items-center gap-2" title={`${used} used, ${unused} unused, ${unknown} unknown`}>
      <svg width="96" height="8" role="img" aria-label={`${used} used, ${unused} unused, ${unknown} unknown`} className="bg-panel-strong rounded">
        <rect x="0" width={`${pct(used)}%`} height="8" className="fill-emerald-500" />
        <rect x={`${pct(used)}%`} width={`${pct(unused)}%`} height="8" className="fill-amber-500" />
        <rect x={`${pct(used) + pct(unused)}%`} width={`${pct(unknown)}%`} height="8" className="fill-slate-400" />
      </svg>
      <span className="text-muted text-xs tabular-nums">
        {used}/{unused}/{unknown}
        {used + unused > 0 && ` · ${Math.round((unused / (used + unused)) * 100)}% unused`}
      </span>
    </div>
  )
}

function Permissions({principal}: {principal: AuditPrincipal}) {
  const services = byService(principal)
  const reasons = Object.entries(principal.permissions.unknownReasons)
  return (
    <div className="space-y-3">
      <p className="text-muted text-sm">Granted today, by service: what was used in the window, what was not, and what cannot be judged.</p>
      <ul className="space-y-1" aria-label="Permissions by service">
        {services.map((s) => (
          <li key={s.service}>
            <details data-service={s.service}>
              <summary className="flex cursor-pointer items-center gap-3 text-sm">
                <span className="w-40 font-mono">{s.service}</span>
                <UsageBar used={s.counts.used} unused={s.counts.unused} unknown={s.counts.unknown + s.counts.tooNew} />
              </summary>
              <ul className="mt-1 ml-6 grid gap-x-4 font-mono text-xs md:grid-cols-2">
                {s.actions.map((a) => (
                  <li key={a.action} className="flex items-center gap-2">
                    <Badge tone={stateTone[a.state]}>{stateLabel[a.state]}</Badge> {a.action}
                  </li>
                ))}
              </ul>
            </details>
          </li>
        ))}
      </ul>
      {services.length === 0 && <p className="text-muted text-sm">No live grant.</p>}
      {reasons.length > 0 && (
        <ul className="text-muted text-xs" aria-label="Why unknown">
          {reasons.map(([reason, n]) => (
            <li key={reason}>
              {reason}: {n}
            </li>
          ))}
        </ul>
      )}
      {principal.permissions.dead.length > 0 && (
        <p className="text-muted text-xs">Dead grants (blocked by an SCP, RCP or boundary): {principal.permissions.dead.join(', ')}</p>
      )}
      {principal.permissions.denied.length > 0 && <p className="text-muted text-xs">Denied in the window: {principal.permissions.denied.join(', ')}</p>}
    </div>
  )
}

const changeTone = {unchanged: 'neutral', rewritten: 'accent', new: 'ok', removed: 'high'} as const

function RightSized({principal}: {principal: AuditPrincipal}) {
  const rec = principal.recommendation
  if (!rec) return <p className="text-muted text-sm">None: some of the principal's policies could not be read.</p>
  const p = principal.permissions
  const proven = rec.proof.noNewAccess === 'no-new-access'
  const reasons = rec.proof.reasons ?? []
  const lost = rec.proof.lost ?? []
  return (
    <div className="space-y-3">
      <section aria-label="Proofs" className="grid gap-2 md:grid-cols-2">
        <div className="glass rounded-lg p-3 text-sm">
          <p className="flex items-center gap-2 font-semibold">
            <Badge tone={proven ? 'ok' : 'high'}>{proven ? 'grants nothing new' : rec.proof.noNewAccess}</Badge>
          </p>
          <p className="text-muted mt-1 text-xs">The evaluator proved every request the new set allows is allowed today (containment).</p>
          {reasons.length > 0 && <p className="mt-1 text-xs">{reasons.join('; ')}</p>}
        </div>
        <div className="glass rounded-lg p-3 text-sm">
          <p className="flex items-center gap-2 font-semibold">
            <Badge tone={rec.proof.coversUsage ? 'ok' : 'high'}>{rec.proof.coversUsage ? 'covers all usage' : 'loses used access'}</Badge>
          </p>
          <p className="text-muted mt-1 text-xs">Every used, unknown and too-new permission stays allowed on the resources it is granted on today.</p>
          {lost.length > 0 && <p className="text-danger mt-1 text-xs">Lost: {lost.join(', ')}</p>}
        </div>
      </section>
      <p className="text-sm">
        <Badge tone="accent">{rec.kind}</Badge>
        {rec.addressTo && <> in the permission set {rec.addressTo}</>} — against today: removes {p.unused.length} unused{' '}
        {p.unused.length === 1 ? 'permission' : 'permissions'}
        {rec.detach.length > 0 && `; detaches ${rec.detach.map(shortName).join(', ')}`}
        {rec.replace.length > 0 && `; replaces ${rec.replace.join(', ')}`}
        {rec.delete.length > 0 && `; deletes ${rec.delete.join(', ')}`}.
      </p>
      <div className="space-y-3" aria-label="Policy diff" role="region">
        {policyDiffs(principal).map((d) => (
          <figure key={d.name} data-policy={d.name}>
            <figcaption className="mb-1 flex items-center gap-2 text-sm font-medium">
              {d.name} <Badge tone={changeTone[d.change]}>{d.change}</Badge>
            </figcaption>
            <pre className="bg-panel-strong max-h-72 overflow-auto rounded-lg p-2 font-mono text-xs leading-5">
              {d.lines.map((l, i) => (
                <div
                  key={i}
                  data-op={l.op}
                  className={l.op === '+' ? 'bg-emerald-500/15 text-emerald-800 dark:text-emerald-200' : l.op === '-' ? 'bg-rose-500/15 text-rose-800 dark:text-rose-200' : ''}
                >
                  {l.op} {l.text}
                </div>
              ))}
            </pre>
          </figure>
        ))}
      </div>
      {rec.notes.length > 0 && (
        <ul className="text-muted list-disc pl-5 text-xs">
          {rec.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      <RemediatePanel principal={principal} />
    </div>
  )
}

function Paths({audit, principal}: {audit: Audit; principal: AuditPrincipal}) {
  const paths = audit.escalationPaths.filter((e) => e.from === principal.arn || e.to === principal.arn || e.hops.some((h) => h.to === principal.arn))
  const external = audit.externalAccess.filter((x) => x.resource === principal.arn)
  return (
    <div className="space-y-4">
      {principal.admin && (
        <p className="text-sm">
          <Badge tone="critical">admin</Badge> {principal.admin}
        </p>
      )}
      {paths.length === 0 ? (
        <p className="text-muted text-sm">No escalation path through this principal.</p>
      ) : (
        <ol className="space-y-3" aria-label="Principal escalation paths">
          {paths.map((e) => (
            <li key={e.from + e.to}>
              <p className="text-sm font-medium">
                {shortName(e.from)} → {shortName(e.to)} in {e.hops.length} {e.hops.length === 1 ? 'hop' : 'hops'}
              </p>
              <ol className="mt-1 flex flex-wrap items-center gap-2 text-xs">
                {e.hops.map((h, i) => (
                  <li key={i} className="flex items-center gap-2">
                    <span className="glass rounded-md px-2 py-1 font-mono">{shortName(h.from)}</span>
                    <span aria-hidden>→</span>
                    <code>{h.via}</code>
                    {h.conditional && <Badge>conditional</Badge>}
                    <span aria-hidden>→</span>
                    <span className="glass rounded-md px-2 py-1 font-mono">{shortName(h.to)}</span>
                  </li>
                ))}
              </ol>
            </li>
          ))}
        </ol>
      )}
      <div>
        <h4 className="mb-1 text-sm font-semibold">External access</h4>
        {external.length === 0 ? (
          <p className="text-muted text-sm">Nobody outside the account and its organization can assume or use it.</p>
        ) : (
          <ul className="space-y-1 text-sm" aria-label="Principal external access">
            {external.map((x) => (
              <li key={x.principal}>
                <Badge tone={x.principal === '*' ? 'critical' : 'high'}>{x.principal}</Badge> {x.actions.join(', ')} {x.conditional && <Badge>conditional</Badge>}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  )
}

function Findings({principal}: {principal: AuditPrincipal}) {
  if (principal.findings.length === 0) return <p className="text-muted text-sm">No finding.</p>
  return (
    <ul className="space-y-2 text-sm" aria-label="Findings">
      {principal.findings.map((f) => (
        <li key={f.id + f.message} data-finding={f.id}>
          <p>
            <Badge tone={f.severity}>{f.severity}</Badge> <code className="text-xs">{f.id}</code> {f.message}
          </p>
          {remediation[f.id] && <p className="text-muted ml-2 text-xs">Remediation: {remediation[f.id]}</p>}
        </li>
      ))}
    </ul>
  )
}

const exports: {format: AuditExportFormat; label: string}[] = [
  {format: 'json', label: 'JSON'},
  {format: 'terraform', label: 'Terraform'},
  {format: 'cloudformation', label: 'CloudFormation'},
  {format: 'cli', label: 'AWS CLI'},
]

type Tab = 'permissions' | 'policy' | 'paths' | 'findings'

/** PrincipalDetail shows one principal: permissions by service, the right-sized policy as a diff with its proofs, paths, findings, exports. */
export function PrincipalDetail({audit, principal, onClose}: {audit: Audit; principal: AuditPrincipal; onClose: () => void}) {
  const [tab, setTab] = useState<Tab>('permissions')
  const {exportFor, exporting} = useAudit()
  // The detail opens below the table: bring it into view.
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    // A block body: Chromium's scrollIntoView may return a promise, which React would take for a cleanup.
    void ref.current?.scrollIntoView?.({block: 'start', behavior: 'smooth'})
  }, [principal.arn])
  const last = principal.activity.lastUsed ? String(principal.activity.lastUsed).slice(0, 10) : 'never in the window'
  return (
    <div ref={ref}>
      <Card
        title={principal.name}
        description={`${principal.arn} · risk ${principal.riskScore} · last used ${last}`}
        actions={
          <>
            {exports.map((x) => (
              <Button
                key={x.format}
                size="sm"
                variant="ghost"
                busy={exporting === x.format}
                disabled={x.format !== 'json' && !principal.recommendation}
                icon={<Download aria-hidden className="size-4" />}
                onClick={() => void exportFor(principal.arn, x.format)}
                title={`Export as ${x.label}`}
              >
                {x.label}
              </Button>
            ))}
            <Button variant="ghost" size="sm" icon={<X aria-hidden className="size-4" />} aria-label="Close the principal" onClick={onClose} />
          </>
        }
      >
        <Tabs
          label="Principal"
          value={tab}
          onChange={setTab}
          items={[
            {id: 'permissions', label: 'Permissions'},
            {id: 'policy', label: 'Right-sized policy'},
            {id: 'paths', label: 'Escalation & external access'},
            {id: 'findings', label: `Findings (${principal.findings.length})`},
          ]}
          panel={
            tab === 'permissions' ? <Permissions principal={principal} />
            : tab === 'policy' ? <RightSized principal={principal} />
            : tab === 'paths' ? <Paths audit={audit} principal={principal} />
            : <Findings principal={principal} />
          }
        />
      </Card>
    </div>
  )
}
