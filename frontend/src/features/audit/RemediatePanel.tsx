import {useCallback, useEffect, useState} from 'react'
import {RotateCcw, Search, ShieldAlert} from 'lucide-react'
import {remediationApi, type AuditPrincipal, type Remediation, type RemediationRun, type RollbackSuggestion} from '../../api'
import {Badge, Button} from '../../components/ui'
import {useAudit} from '../../stores/audit'
import {useSettings} from '../../stores/settings'

const statusTone = {
  previewed: 'info',
  applied: 'ok',
  'apply-failed': 'high',
  'rolled-back': 'neutral',
  'rollback-failed': 'critical',
} as const

const canRollBack = (r: Remediation) => r.status === 'applied' || r.status === 'apply-failed' || r.status === 'rollback-failed'

const message = (err: unknown) => (err instanceof Error ? err.message : String(err))

/** RunReport shows what an apply or a rollback did: the calls made, the one that failed, those not attempted, the read-back. */
function RunReport({label, run}: {label: string; run: RemediationRun}) {
  return (
    <section aria-label={label} className="space-y-1 text-xs">
      <p className="text-sm font-medium">{label}</p>
      <ol className="space-y-0.5">
        {run.done.map((d, i) => (
          <li key={i} data-ok={d.ok}>
            {d.ok ? '✓' : '✗'} {d.why}
            {!d.ok && (
              <span className="text-danger">
                {' '}
                — {d.code || 'error'}: {d.error}
              </span>
            )}
          </li>
        ))}
        {run.pending.map((p, i) => (
          <li key={`p${i}`} className="text-muted">
            ○ not attempted: {p.why}
          </li>
        ))}
      </ol>
      {run.error && <p className="text-danger">{run.error}</p>}
      {!run.error &&
        (run.verified ? (
          <p>
            <Badge tone="ok">verified</Badge> read back from AWS: the state is the one wanted.
          </p>
        ) : (
          <p className="text-danger">Read back differs: {run.mismatches.join('; ')}</p>
        ))}
    </section>
  )
}

/**
 * RemediatePanel applies the principal's right-sized policy to the account: a preview of the exact IAM calls,
 * a confirmation, the apply and its report, and a one-click rollback (docs/remediation.md). Off unless
 * "Allow remediation writes" is on in Settings.
 */
export function RemediatePanel({principal}: {principal: AuditPrincipal}) {
  const run = useAudit((s) => s.run)
  const enabled = useSettings((s) => s.settings?.allowRemediation ?? false)
  const [records, setRecords] = useState<Remediation[]>([])
  const [suggestions, setSuggestions] = useState<RollbackSuggestion[]>([])
  const [current, setCurrent] = useState<Remediation | null>(null)
  const [confirmed, setConfirmed] = useState(false)
  const [busy, setBusy] = useState<'preview' | 'apply' | 'rollback' | null>(null)
  const [error, setError] = useState('')
  const auditId = run?.id ?? ''
  const sample = run?.audit.sample ?? false
  const rec = principal.recommendation
  const applicable = !!rec && rec.kind !== 'keep' && rec.kind !== 'remove' && !rec.addressTo

  const refresh = useCallback(async () => {
    const [list, sugg] = await Promise.all([remediationApi.list(principal.arn), auditId ? remediationApi.suggestions(auditId) : Promise.resolve([])])
    setRecords(list)
    setSuggestions(sugg.filter((s) => s.principal === principal.arn))
  }, [principal.arn, auditId])

  useEffect(() => {
    setCurrent(null)
    setConfirmed(false)
    setError('')
    if (enabled && !sample && applicable) refresh().catch((err) => setError(message(err)))
  }, [enabled, sample, applicable, refresh])

  const act = async (what: 'preview' | 'apply' | 'rollback', call: () => Promise<Remediation>) => {
    setBusy(what)
    setError('')
    try {
      setCurrent(await call())
      setConfirmed(false)
      await refresh()
    } catch (err) {
      setError(message(err))
    } finally {
      setBusy(null)
    }
  }

  if (!applicable) return null
  return (
    <section aria-label="Apply to the account" className="glass space-y-3 rounded-lg p-3">
      <h4 className="flex items-center gap-2 text-sm font-semibold">
        <ShieldAlert aria-hidden className="size-4" /> Apply to the account
      </h4>
      {!enabled ? (
        <p className="text-muted text-sm">Remediation writes are off. Turn on “Allow remediation writes” in Settings to apply this policy to the account, with a preview and a rollback.</p>
      ) : sample ? (
        <p className="text-muted text-sm">This is the sample account: there is no AWS account to change.</p>
      ) : (
        <>
          {suggestions.map((s) => (
            <div key={s.recordId} role="alert" className="text-danger flex flex-wrap items-center gap-2 text-sm">
              <span>{s.message}</span>
              <Button size="sm" variant="danger" busy={busy === 'rollback'} icon={<RotateCcw aria-hidden className="size-4" />} onClick={() => void act('rollback', () => remediationApi.rollback(s.recordId))}>
                Roll back
              </Button>
            </div>
          ))}
          <Button size="sm" busy={busy === 'preview'} icon={<Search aria-hidden className="size-4" />} onClick={() => void act('preview', () => remediationApi.preview(auditId, principal.arn))}>
            Preview the changes
          </Button>
          {current && (
            <div className="space-y-2" data-remediation={current.id}>
              <p className="text-sm">
                <Badge tone={statusTone[current.status]}>{current.status}</Badge> {current.steps.length} IAM {current.steps.length === 1 ? 'call' : 'calls'} on {principal.name}
              </p>
              <ol aria-label="Planned calls" className="space-y-2">
                {current.steps.map((s, i) => (
                  <li key={i} className="text-xs">
                    <p>
                      {i + 1}. {s.why}
                    </p>
                    <pre className="bg-panel-strong overflow-auto rounded p-2 font-mono whitespace-pre-wrap">{s.cli}</pre>
                  </li>
                ))}
              </ol>
              {current.notes.length > 0 && (
                <ul className="text-muted list-disc pl-5 text-xs">
                  {current.notes.map((n) => (
                    <li key={n}>{n}</li>
                  ))}
                </ul>
              )}
              {current.status === 'previewed' && (
                <div className="flex flex-wrap items-center gap-3">
                  <label className="flex items-center gap-2 text-sm">
                    <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />
                    I reviewed these calls; the current state is saved first and can be rolled back.
                  </label>
                  <Button size="sm" variant="danger" disabled={!confirmed} busy={busy === 'apply'} onClick={() => void act('apply', () => remediationApi.apply(current.id, current.token))}>
                    Apply {current.steps.length} {current.steps.length === 1 ? 'call' : 'calls'}
                  </Button>
                </div>
              )}
              {current.apply && <RunReport label="Apply" run={current.apply} />}
              {current.rollback && <RunReport label="Rollback" run={current.rollback} />}
              {canRollBack(current) && (
                <Button size="sm" variant="danger" busy={busy === 'rollback'} icon={<RotateCcw aria-hidden className="size-4" />} onClick={() => void act('rollback', () => remediationApi.rollback(current.id))}>
                  Roll back
                </Button>
              )}
            </div>
          )}
          {records.length > 0 && (
            <details>
              <summary className="cursor-pointer text-sm">Earlier remediations ({records.length})</summary>
              <ul aria-label="Earlier remediations" className="mt-1 space-y-1 text-xs">
                {records.map((r) => (
                  <li key={r.id} className="flex items-center gap-2">
                    <Badge tone={statusTone[r.status]}>{r.status}</Badge> {String(r.createdAt).slice(0, 19).replace('T', ' ')} · {r.steps.length} calls
                    <Button size="sm" variant="ghost" onClick={() => setCurrent(r)}>
                      Show
                    </Button>
                  </li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
      {error && (
        <p role="alert" className="text-danger text-sm">
          {error}
        </p>
      )}
    </section>
  )
}
