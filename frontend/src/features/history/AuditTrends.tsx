import {useEffect, useState} from 'react'
import {GitCompare} from 'lucide-react'
import type {DriftBetween} from '../../api'
import {Badge, Button, Card, Field, Select} from '../../components/ui'
import {useHistory} from '../../stores/history'
import {formatWhen} from '../../lib/time'
import {TrendChart} from './TrendChart'

const signed = (n: number) => (n > 0 ? `+${n}` : String(n))

function DriftView({d}: {d: DriftBetween}) {
  const x = d.drift
  return (
    <section aria-label="Drift between audits" className="mt-4 space-y-3 text-sm">
      <p>
        From {formatWhen(String(d.from.createdAt))} to {formatWhen(String(d.to.createdAt))}: account risk <strong>{signed(x.riskScoreChange)}</strong>
      </p>
      <div className="grid gap-3 md:grid-cols-2">
        <div>
          <h4 className="font-semibold">New principals ({x.newPrincipals.length})</h4>
          <ul aria-label="New principals" className="font-mono text-xs">
            {x.newPrincipals.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ul>
        </div>
        <div>
          <h4 className="font-semibold">Removed principals ({x.removedPrincipals.length})</h4>
          <ul aria-label="Removed principals" className="font-mono text-xs">
            {x.removedPrincipals.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ul>
        </div>
      </div>
      <table className="w-full text-left text-xs" aria-label="Changed principals">
        <thead>
          <tr>
            <th>Principal</th>
            <th>Score change</th>
            <th>New permissions</th>
            <th>Removed permissions</th>
          </tr>
        </thead>
        <tbody>
          {x.principals.map((p) => (
            <tr key={p.arn} className="align-top">
              <td className="font-mono">{p.arn}</td>
              <td>
                <Badge tone={p.riskScoreChange > 0 ? 'high' : p.riskScoreChange < 0 ? 'ok' : 'neutral'}>{signed(p.riskScoreChange)}</Badge>
              </td>
              <td className="font-mono text-emerald-700 dark:text-emerald-300">{p.newPermissions.join(', ')}</td>
              <td className="font-mono text-rose-700 dark:text-rose-300">{p.removedPermissions.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {x.principals.length === 0 && <p className="text-muted">No principal in both audits changed.</p>}
      <p>
        New escalation paths: {x.newEscalationPaths.length} · new external access: {x.newExternalAccess.length}
      </p>
    </section>
  )
}

/** AuditTrends charts an account's scores over its saved audits and compares any two of them. */
export function AuditTrends() {
  const {audits, account, trend, drift, loadAudits, showAccount, compare} = useHistory()
  // The pair the user picked, for the account it was picked for; another account starts from its two newest audits.
  const [picked, setPicked] = useState<{account: string; from: string; to: string} | null>(null)
  useEffect(() => {
    void loadAudits()
  }, [loadAudits])
  const accounts = [...new Set(audits.map((a) => a.account))]
  const ofAccount = audits.filter((a) => a.account === account)
  const from = picked?.account === account ? picked.from : (ofAccount[1]?.id ?? '')
  const to = picked?.account === account ? picked.to : (ofAccount[0]?.id ?? '')
  const setFrom = (id: string) => setPicked({account, from: id, to})
  const setTo = (id: string) => setPicked({account, from, to: id})
  if (audits.length === 0) return null
  const options = ofAccount.map((a) => ({value: a.id, label: `${formatWhen(String(a.createdAt))} · ${a.summary}`}))
  return (
    <Card title="Audits over time" description="Risk scores of an account and its riskiest principals, and what changed between any two audits.">
      <div className="mb-3 max-w-sm">
        <Field label="Account">
          <Select value={account} onChange={(e) => void showAccount(e.target.value)} options={accounts.map((a) => ({value: a, label: a}))} />
        </Field>
      </div>
      {trend && trend.points.length > 0 && <TrendChart trend={trend} />}
      {ofAccount.length < 2 ? (
        <p className="text-muted mt-3 text-sm">Audit this account again to compare two audits.</p>
      ) : (
        <form
          className="mt-4 grid items-end gap-3 md:grid-cols-[1fr_1fr_auto]"
          onSubmit={(e) => {
            e.preventDefault()
            void compare(from, to)
          }}
        >
          <Field label="From audit">
            <Select value={from} onChange={(e) => setFrom(e.target.value)} options={options} />
          </Field>
          <Field label="To audit">
            <Select value={to} onChange={(e) => setTo(e.target.value)} options={options} />
          </Field>
          <Button type="submit" variant="primary" className="mb-5" icon={<GitCompare aria-hidden className="size-4" />} disabled={!from || !to || from === to}>
            Compare
          </Button>
        </form>
      )}
      {drift && <DriftView d={drift} />}
    </Card>
  )
}
