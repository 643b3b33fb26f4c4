import {useState, type FormEvent} from 'react'
import {Search} from 'lucide-react'
import {auditApi, type Audit, type QueryAnswer} from '../../api'
import {Badge, Button, Card, Input} from '../../components/ui'
import {useAudit} from '../../stores/audit'
import {shortName} from './model'

const examples = ['who can iam:PassRole', 'who can s3:GetObject on arn:aws:s3:::bucket/*', 'what can role/NAME do']

const viaLabel: Record<string, string> = {
  policies: 'its policies',
  admin: 'can grant itself',
  escalation: 'by escalation',
  'resource-policy': 'resource policy',
}

/** QueryCard asks "who can … on …" and "what can … do" about the audit shown; matches that are principals of the audit open their detail. */
export function QueryCard({auditId, audit}: {auditId: string; audit: Audit}) {
  const select = useAudit((s) => s.select)
  const [text, setText] = useState('')
  const [answer, setAnswer] = useState<QueryAnswer | null>(null)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const known = new Set(audit.principals.map((p) => p.arn))

  const ask = async (e: FormEvent) => {
    e.preventDefault()
    if (text.trim() === '') return
    setBusy(true)
    setError('')
    try {
      setAnswer(await auditApi.query(auditId, text))
    } catch (err) {
      setAnswer(null)
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Card title="Queries" description="Who can do something, or what a principal can do: decided by the evaluator with boundaries, SCPs, RCPs and resource policies.">
      <form className="flex flex-wrap gap-2" onSubmit={ask}>
        <Input
          aria-label="Query"
          className="min-w-72 flex-1 font-mono"
          placeholder={examples[0]}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={error !== ''}
          aria-describedby={error ? 'audit-query-error' : undefined}
        />
        <Button type="submit" variant="primary" icon={<Search aria-hidden className="size-4" />} busy={busy}>
          Ask
        </Button>
      </form>
      <p className="text-muted mt-1 text-xs">
        For example: {examples.map((x, i) => (
          <span key={x}>
            {i > 0 && ' · '}
            <code>{x}</code>
          </span>
        ))}
      </p>
      {error && (
        <p id="audit-query-error" role="alert" className="text-danger mt-2 text-sm">
          {error}
        </p>
      )}
      {answer && (
        <div className="mt-3 text-sm" aria-label="Query answer">
          <p className="text-muted">
            {answer.matches.length} {answer.matches.length === 1 ? 'match' : 'matches'}
            {answer.resource !== '*' && <> on <code>{answer.resource}</code></>}
            {answer.resourcePolicies.length > 0 && <> (with {answer.resourcePolicies.map(shortName).join(', ')})</>}
          </p>
          <ul className="mt-2 space-y-2">
            {answer.matches.map((m) => (
              <li key={m.principal + m.via}>
                {known.has(m.principal) ? (
                  <button type="button" className="font-medium underline-offset-2 hover:underline" onClick={() => select(m.principal)}>
                    {shortName(m.principal)}
                  </button>
                ) : (
                  <span className="font-medium">{m.principal}</span>
                )}{' '}
                <Badge tone={m.via === 'policies' ? 'neutral' : 'high'}>{viaLabel[m.via] ?? m.via}</Badge>{' '}
                <span className="text-muted font-mono text-xs">{m.actions.join(', ')}</span>
                {m.conditional.length > 0 && <Badge>conditional: {m.conditional.join(', ')}</Badge>}
                {m.path.length > 0 && (
                  <ol className="text-muted ml-4 list-decimal text-xs">
                    {m.path.map((h, i) => (
                      <li key={i}>
                        {shortName(h.from)} → {shortName(h.to)} via <code>{h.via}</code> {h.conditional && <Badge>conditional</Badge>}
                      </li>
                    ))}
                  </ol>
                )}
              </li>
            ))}
          </ul>
          {answer.problems.length > 0 && (
            <ul className="text-danger mt-2 list-disc pl-5 text-xs" aria-label="Query problems">
              {answer.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Card>
  )
}
