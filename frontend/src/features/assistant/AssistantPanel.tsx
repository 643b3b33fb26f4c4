import {useEffect, useState, type FormEvent} from 'react'
import {Bot, Send, Settings as SettingsIcon, ShieldAlert} from 'lucide-react'
import {assistantApi, type AssistantCitation, type AssistantConsent, type AssistantStatus, type AssistantTurn, type ValidateRequest} from '../../api'
import {Badge, Button, Card, Input, type Severity} from '../../components/ui'
import {errorText} from '../../stores/toast'
import {useNavigation} from '../../stores/navigation'

/**
 * AssistantSubject is the result the assistant answers about. key changes
 * whenever the result does (another input, another audit): the
 * conversation and the consent start over.
 */
export interface AssistantSubject {
  key: string
  validation?: ValidateRequest
  auditId?: string
  principal?: string
}

interface AnsweredTurn extends AssistantTurn {
  cites: AssistantCitation[]
}

/** A question waiting for the person's consent to what will be sent. */
interface PendingConsent {
  question: string
  consent: AssistantConsent
}

const severities: readonly string[] = ['critical', 'high', 'medium', 'low', 'info']

/**
 * AssistantPanel answers questions about the result on the page with the
 * configured model. Nothing is sent before the person has seen exactly what
 * will be sent and agreed; every answer is checked by the backend against
 * the result before it is shown, with the facts it cites resolved from the
 * result itself.
 */
export function AssistantPanel({subject, placeholder}: {subject: AssistantSubject; placeholder: string}) {
  const [status, setStatus] = useState<AssistantStatus | null>(null)
  const [turns, setTurns] = useState<AnsweredTurn[]>([])
  const [agreed, setAgreed] = useState<{key: string; digest: string} | null>(null)
  const [pending, setPending] = useState<PendingConsent | null>(null)
  const [question, setQuestion] = useState('')
  const [busy, setBusy] = useState(false)
  const [notice, setNotice] = useState('')
  const navigate = useNavigation((s) => s.navigate)

  useEffect(() => {
    let live = true
    assistantApi.status().then(
      (s) => live && setStatus(s),
      (err: unknown) => live && setNotice(errorText(err)),
    )
    return () => {
      live = false
    }
  }, [])

  // Another result: the conversation and the consent belong to the old one.
  useEffect(() => {
    setTurns([])
    setPending(null)
    setNotice('')
  }, [subject.key])

  const ask = async (text: string, digest: string) => {
    setBusy(true)
    setNotice('')
    try {
      const reply = await assistantApi.ask({
        validation: subject.validation,
        auditId: subject.auditId ?? '',
        principal: subject.principal ?? '',
        question: text,
        history: turns.map(({question, answer}) => ({question, answer})),
        consent: digest,
      })
      switch (reply.status) {
        case 'consent':
          if (reply.consent) setPending({question: text, consent: reply.consent})
          break
        case 'answer':
          setTurns((ts) => [...ts, {question: text, answer: reply.answer, cites: reply.cites}])
          setQuestion('')
          break
        case 'unconfigured':
          setStatus({configured: false, provider: '', model: '', hint: reply.notice, warning: ''})
          break
        default:
          setNotice(reply.notice)
      }
    } catch (err) {
      setNotice(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  const submit = (e: FormEvent) => {
    e.preventDefault()
    const text = question.trim()
    if (!text || busy) return
    void ask(text, agreed?.key === subject.key ? agreed.digest : '')
  }

  const agree = () => {
    if (!pending) return
    setAgreed({key: subject.key, digest: pending.consent.digest})
    setPending(null)
    void ask(pending.question, pending.consent.digest)
  }

  const title = 'Ask the assistant'
  const icon = <Bot aria-hidden className="size-5" />
  if (!status) return null
  if (!status.configured) {
    return (
      <Card title={title} icon={icon} aria-label="Assistant" data-testid="assistant-unconfigured">
        <p className="text-sm text-muted">{status.hint}</p>
        <Button className="mt-3" size="sm" icon={<SettingsIcon aria-hidden className="size-4" />} onClick={() => navigate('settings')}>
          Open Settings
        </Button>
      </Card>
    )
  }
  return (
    <Card
      title={title}
      icon={icon}
      aria-label="Assistant"
      description={`${status.provider} ${status.model}. Answers are checked against this result; the engines, not the model, decide what is allowed.`}
    >
      {status.warning && (
        <p className="mb-3 flex items-start gap-2 text-sm text-danger">
          <ShieldAlert aria-hidden className="mt-0.5 size-4 shrink-0" /> {status.warning}
        </p>
      )}
      <ol className="flex flex-col gap-3" aria-label="Conversation">
        {turns.map((t, i) => (
          <li key={i} className="flex flex-col gap-1.5">
            <p className="text-sm font-medium text-fg">{t.question}</p>
            <p className="whitespace-pre-wrap text-sm text-fg" data-testid="assistant-answer">
              {t.answer}
            </p>
            {t.cites.length > 0 && (
              <ul className="flex flex-wrap gap-1.5" aria-label="Cited from the result">
                {t.cites.map((c) => (
                  <li key={c.kind + c.id}>
                    <Badge tone={severities.includes(c.severity ?? '') ? (c.severity as Severity) : 'neutral'} title={c.title}>
                      {c.kind === 'principal' ? c.title : c.id}
                    </Badge>
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
      {pending && <ConsentStep pending={pending} busy={busy} onAgree={agree} onCancel={() => setPending(null)} />}
      {notice && (
        <p role="status" className="mt-3 text-sm text-danger">
          {notice}
        </p>
      )}
      {!pending && (
        <form className="mt-3 flex gap-2" onSubmit={submit}>
          <Input aria-label="Question" value={question} placeholder={placeholder} onChange={(e) => setQuestion(e.target.value)} disabled={busy} />
          <Button type="submit" variant="primary" busy={busy} disabled={!question.trim()} icon={<Send aria-hidden className="size-4" />}>
            Ask
          </Button>
        </form>
      )}
    </Card>
  )
}

function ConsentStep({pending, busy, onAgree, onCancel}: {pending: PendingConsent; busy: boolean; onAgree: () => void; onCancel: () => void}) {
  const {preview, tools} = pending.consent
  return (
    <section aria-label="Send to the model?" className="mt-3 flex flex-col gap-2 rounded-xl border border-line p-3">
      <p className="text-sm text-fg">
        Your question and this result will be sent to <strong>{preview.provider}</strong> ({preview.model}) at{' '}
        <code className="break-all">{preview.url}</code>. Account IDs and ARNs are replaced by placeholders. This is exactly what the first request
        sends:
      </p>
      <pre className="max-h-48 overflow-auto rounded-lg bg-code p-2 font-mono text-xs" data-testid="assistant-consent-body">
        {preview.body}
      </pre>
      <p className="text-sm text-fg">While answering, the model may also read more of this same result through these tools (nothing else, and nothing from AWS):</p>
      <ul className="list-disc pl-5 text-sm text-muted">
        {tools.map((t) => (
          <li key={t.name}>
            <code>{t.name}</code>: {t.description}
          </li>
        ))}
      </ul>
      <p className="text-sm text-muted">Further questions about this result are sent without asking again; another result asks again.</p>
      <div className="flex flex-wrap gap-2">
        <Button variant="primary" busy={busy} onClick={onAgree}>
          Send to the model
        </Button>
        <Button variant="ghost" disabled={busy} onClick={onCancel}>
          Don't send
        </Button>
      </div>
    </section>
  )
}
