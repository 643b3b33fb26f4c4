import {useEffect, useState, type FormEvent} from 'react'
import {Copy, Download, LayoutTemplate, MessageSquare, Send, ShieldCheck, Sparkles} from 'lucide-react'
import {Badge, Button, Card, EmptyState, Input, PolicyViewer, RiskGauge, SeverityBadge, Tabs, Textarea, type Severity} from '../../components/ui'
import {onEvent, request} from '../../api'
import type {Conversation, GenerateFormat, GenerateQuestion, GenerateTemplate} from '../../api/generate'
import {useGenerate} from '../../stores/generate'
import {useToasts} from '../../stores/toast'

/** The seed example: a complete pair with no question asked. */
export const exampleDescription = "Lambda function that reads from DynamoDB table 'users' and writes to S3 bucket 'uploads'"

const formats: {id: GenerateFormat; label: string}[] = [
  {id: 'json', label: 'JSON'},
  {id: 'terraform', label: 'Terraform'},
  {id: 'cloudformation', label: 'CloudFormation'},
  {id: 'cdk', label: 'CDK'},
]

/** GeneratePage turns a description (or a template) into a verified permissions and trust policy pair. */
export function GeneratePage() {
  const appendStream = useGenerate((s) => s.appendStream)
  useEffect(() => onEvent('generate:text', (p) => appendStream(p.text)), [appendStream])
  const [tab, setTab] = useState<'describe' | 'templates'>('describe')
  const conversation = useGenerate((s) => s.conversation)
  const done = conversation?.status === 'complete' && conversation.id ? conversation : null
  return (
    <div className="flex flex-col gap-5">
      <div className="grid gap-5 xl:grid-cols-[minmax(22rem,2fr)_3fr]">
        <Card title="Conversation" description="Describe what the workload does; the offline engine builds and verifies the policies." icon={<Sparkles className="size-5" aria-hidden />}>
          <Tabs
            label="Start from"
            value={tab}
            onChange={setTab}
            items={[
              {id: 'describe', label: 'Describe'},
              {id: 'templates', label: 'Templates'},
            ]}
            panel={tab === 'describe' ? <Chat /> : <TemplateBrowser onStarted={() => setTab('describe')} />}
          />
        </Card>
        <div className="flex min-w-0 flex-col gap-5">{done ? <Verdict c={done} /> : <Waiting asked={conversation?.status === 'needs-input'} />}</div>
      </div>
      {done && <Policies c={done} />}
    </div>
  )
}

function Waiting({asked}: {asked: boolean}) {
  return (
    <Card>
      <EmptyState icon={<ShieldCheck aria-hidden className="size-6" />} title={asked ? 'Waiting for your answers' : 'No policies yet'}>
        <p>{asked ? 'Answer the questions; nothing is assumed silently.' : `Try: “${exampleDescription}”.`}</p>
      </EmptyState>
    </Card>
  )
}

function Chat() {
  const {conversation, busy, streaming, start, send} = useGenerate()
  const [text, setText] = useState('')
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const t = text.trim()
    if (!t || busy) return
    setText('')
    void (conversation?.id ? send(t) : start(t))
  }
  const messages = conversation?.messages ?? []
  return (
    <div className="flex flex-col gap-4">
      {messages.length > 0 && (
        <ol className="flex max-h-[28rem] flex-col gap-2 overflow-y-auto" aria-label="Conversation">
          {messages.map((m, i) => (
            <li
              key={i}
              className={
                m.role === 'user'
                  ? 'ml-8 self-end rounded-2xl bg-accent-soft px-3 py-2 text-sm text-fg'
                  : m.role === 'notice'
                    ? 'rounded-xl border border-line px-3 py-2 text-sm text-muted'
                    : 'mr-8 rounded-2xl glass px-3 py-2 text-sm text-fg'
              }
              data-role={m.role}
            >
              {m.text}
            </li>
          ))}
        </ol>
      )}
      <div aria-live="polite" className="text-sm text-muted" data-testid="generate-stream">
        {busy && (streaming || 'Working…')}
      </div>
      {conversation?.status === 'consent' && conversation.consent && <ConsentPanel />}
      {conversation?.status === 'needs-input' && <Questions questions={conversation.questions} />}
      <form onSubmit={submit} className="flex flex-col gap-2">
        <label htmlFor="generate-input" className="text-sm font-medium text-fg">
          {conversation?.id ? 'Message' : 'Describe the workload'}
        </label>
        <Textarea
          id="generate-input"
          rows={3}
          value={text}
          placeholder={exampleDescription}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) submit(e)
          }}
        />
        <div className="flex flex-wrap gap-2">
          <Button type="submit" variant="primary" icon={<Send className="size-4" aria-hidden />} busy={busy} disabled={busy || !text.trim()}>
            {conversation?.id ? 'Send' : 'Generate'}
          </Button>
          {conversation?.id && (
            <Button variant="ghost" icon={<MessageSquare className="size-4" aria-hidden />} onClick={() => useGenerate.getState().reset()}>
              New conversation
            </Button>
          )}
        </div>
      </form>
    </div>
  )
}

function ConsentPanel() {
  const {conversation, consent, busy} = useGenerate()
  const p = conversation?.consent
  if (!p) return null
  return (
    <section aria-label="Send to the model?" className="flex flex-col gap-2 rounded-xl border border-line p-3">
      <p className="text-sm text-fg">
        This message will be sent to <strong>{p.provider}</strong> ({p.model}) at <code className="break-all">{p.url}</code>. Account IDs and ARNs are
        replaced by placeholders. This is exactly what will be sent:
      </p>
      <pre className="max-h-48 overflow-auto rounded-lg bg-code p-2 font-mono text-xs" data-testid="consent-body">
        {p.body}
      </pre>
      <div className="flex flex-wrap gap-2">
        <Button variant="primary" busy={busy} onClick={() => void consent(true)}>
          Send to the model
        </Button>
        <Button variant="ghost" disabled={busy} onClick={() => void consent(false)}>
          Use the offline engine
        </Button>
      </div>
    </section>
  )
}

function Questions({questions}: {questions: GenerateQuestion[]}) {
  return (
    <section aria-label="Questions" className="flex flex-col gap-3">
      {questions.map((q) => (
        <QuestionItem key={q.id} q={q} />
      ))}
    </section>
  )
}

function QuestionItem({q}: {q: GenerateQuestion}) {
  const {answer, busy} = useGenerate()
  const [value, setValue] = useState(q.default ?? '')
  const inputId = `answer-${q.id}`
  return (
    <div className="flex flex-col gap-2 rounded-xl border border-line p-3" role="group" aria-labelledby={`${inputId}-text`}>
      <p id={`${inputId}-text`} className="text-sm font-medium text-fg">
        {q.text}
      </p>
      {q.options.length > 0 && (
        <div className="flex flex-wrap gap-2">
          {q.options.map((o) => (
            <Button key={o} size="sm" disabled={busy} onClick={() => void answer(q.id, o)} data-testid="question-chip">
              {o}
            </Button>
          ))}
        </div>
      )}
      <form
        className="flex gap-2"
        onSubmit={(e) => {
          e.preventDefault()
          if (value.trim()) void answer(q.id, value.trim())
        }}
      >
        <Input id={inputId} aria-label={`Answer: ${q.text}`} value={value} onChange={(e) => setValue(e.target.value)} className="flex-1" />
        <Button type="submit" size="sm" disabled={busy || !value.trim()}>
          Answer
        </Button>
      </form>
    </div>
  )
}

function TemplateBrowser({onStarted}: {onStarted: () => void}) {
  const {templates, loadTemplates, startTemplate, busy} = useGenerate()
  const [chosen, setChosen] = useState<GenerateTemplate | null>(null)
  const [values, setValues] = useState<Record<string, string>>({})
  useEffect(() => void loadTemplates(), [loadTemplates])
  if (chosen) {
    return (
      <form
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault()
          void startTemplate(chosen.id, values).then(onStarted)
        }}
      >
        <h3 className="text-sm font-semibold text-fg">{chosen.title}</h3>
        <p className="text-sm text-muted">{chosen.summary}</p>
        {chosen.params.map((p) => (
          <label key={p.name} className="flex flex-col gap-1 text-sm text-fg">
            {p.text}
            <Input value={values[p.name] ?? p.default} onChange={(e) => setValues({...values, [p.name]: e.target.value})} />
          </label>
        ))}
        <div className="flex gap-2">
          <Button type="submit" variant="primary" busy={busy}>
            Generate from template
          </Button>
          <Button variant="ghost" onClick={() => setChosen(null)}>
            Back
          </Button>
        </div>
      </form>
    )
  }
  return (
    <ul className="grid max-h-[32rem] gap-2 overflow-y-auto sm:grid-cols-2" aria-label="Templates">
      {templates.map((t) => (
        <li key={t.id}>
          <button
            type="button"
            className="glass h-full w-full rounded-xl p-3 text-left hover:bg-panel-strong focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring motion-safe:transition"
            onClick={() => {
              setChosen(t)
              setValues({})
            }}
          >
            <span className="flex items-center gap-2 text-sm font-semibold text-fg">
              <LayoutTemplate className="size-4 shrink-0" aria-hidden />
              {t.title}
            </span>
            <span className="mt-1 block text-xs text-muted">{t.summary}</span>
          </button>
        </li>
      ))}
    </ul>
  )
}

const severities = new Set(['critical', 'high', 'medium', 'low', 'info'])

function Policies({c}: {c: Conversation}) {
  const {exportAs, exporting} = useGenerate()
  const push = useToasts((s) => s.push)
  const copy = async (text: string, what: string) => {
    try {
      await navigator.clipboard.writeText(text)
      push({tone: 'success', title: `${what} copied`})
    } catch {
      push({tone: 'error', title: `Could not copy the ${what.toLowerCase()}`})
    }
  }
  const save = async (format: GenerateFormat) => {
    const r = await exportAs(format)
    if (r) request('app:save-policy', r)
  }
  return (
    <Card title="Policies" description={c.model ? `Read by ${c.model}; built and verified by the offline engine.` : 'Built and verified by the offline engine.'}>
      <div className="mb-4 flex flex-wrap items-center gap-2" role="group" aria-label="Export">
        <span className="text-sm text-muted">Export</span>
        {formats.map((f) => (
          <Button key={f.id} size="sm" icon={<Download className="size-4" aria-hidden />} busy={exporting === f.id} onClick={() => void save(f.id)}>
            {f.label}
          </Button>
        ))}
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <PolicyPane title="Permissions policy" json={c.permissionsPolicy} onCopy={() => void copy(c.permissionsPolicy, 'Permissions policy')} />
        {c.trustPolicy ? (
          <PolicyPane title="Trust policy" json={c.trustPolicy} onCopy={() => void copy(c.trustPolicy, 'Trust policy')} />
        ) : (
          <p className="text-sm text-muted">No trust policy: people are given permissions, they assume nothing.</p>
        )}
      </div>
    </Card>
  )
}

function Verdict({c}: {c: Conversation}) {
  return (
    <>
      <Card title="Validation" description="The validator's verdict on the generated permissions.">
        <div className="flex flex-wrap items-start gap-6">
          <RiskGauge score={c.riskScore} />
          <div className="flex min-w-0 flex-1 flex-col gap-2">
            <p className="text-sm text-fg" data-testid="generate-risk">
              Risk {c.riskScore} ({c.riskBand}), {c.findings.length} {c.findings.length === 1 ? 'finding' : 'findings'}
            </p>
            <ul className="flex flex-col gap-1">
              {c.findings.map((f, i) => (
                <li key={i} className="flex items-start gap-2 text-sm">
                  {severities.has(f.severity) && <SeverityBadge severity={f.severity as Severity} />}
                  <span>
                    <strong>{f.title}</strong> {f.sid && <code>{f.sid}</code>}: {f.message}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        </div>
      </Card>
      <Card title="Why each permission" description="Every statement and action, explained.">
        <ul className="flex flex-col gap-3" aria-label="Statement explanations">
          {c.explanations.map((e) => (
            <li key={e.sid}>
              <details className="rounded-xl border border-line p-3">
                <summary className="cursor-pointer text-sm text-fg">
                  <code className="font-semibold">{e.sid}</code> — {e.summary}
                </summary>
                <ul className="mt-2 flex flex-col gap-1">
                  {e.actions.map((a) => (
                    <li key={a.action} className="text-xs text-muted">
                      <code className="text-fg">{a.action}</code> <Badge>{a.accessLevel}</Badge> {a.description}
                    </li>
                  ))}
                </ul>
              </details>
            </li>
          ))}
        </ul>
        {(c.decisions.length > 0 || c.defaults.length > 0) && (
          <ul className="mt-4 list-disc pl-5 text-sm text-muted">
            {[...c.decisions, ...c.defaults].map((d, i) => (
              <li key={i}>{d}</li>
            ))}
          </ul>
        )}
        {c.suggestions.length > 0 && (
          <>
            <h3 className="mt-4 text-sm font-semibold text-fg">Refinements you may apply</h3>
            <ul className="mt-2 flex flex-col gap-2">
              {c.suggestions.map((s) => (
                <li key={s.id} className="text-sm">
                  <strong className="text-fg">{s.title}</strong> <span className="text-muted">{s.detail}</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </Card>
    </>
  )
}

function PolicyPane({title, json, onCopy}: {title: string; json: string; onCopy: () => void}) {
  return (
    <section className="flex min-w-0 flex-col gap-2" aria-label={title}>
      <div className="flex items-center justify-between gap-2">
        <h3 className="text-sm font-semibold text-fg">{title}</h3>
        <Button size="sm" variant="ghost" icon={<Copy className="size-4" aria-hidden />} onClick={onCopy} aria-label={`Copy ${title.toLowerCase()}`}>
          Copy
        </Button>
      </div>
      <PolicyViewer json={json} label={title} className="max-h-[32rem]" />
    </section>
  )
}
