import {useEffect, useMemo, useState, type DragEvent} from 'react'
import {CheckCircle2, Download, FileJson2, FolderOpen, Save, ShieldCheck} from 'lucide-react'
import {Badge, Button, Card, EmptyState, Select, Tabs} from '../../components/ui'
import type {EditorMarker, MarkerSeverity} from '../../components/ui/CodeEditor'
import type {ReportFormat} from '../../api'
import {inputName, languageOf} from '../../lib/inputName'
import {policyKinds, useValidate} from '../../stores/validate'
import {PolicyEditor} from './PolicyEditor'
import {DiagnosticList} from './DiagnosticList'
import {FindingsPanel} from './FindingsPanel'
import {CompliancePanel} from './CompliancePanel'
import {ScoreSummary} from './ScoreSummary'
import {ValidateAssistant} from '../assistant/ValidateAssistant'

/** How long typing must pause before the policy is checked again. */
export const validateDebounceMillis = 300
/** How long the text must stay unchanged before the run is saved to History. */
export const saveDebounceMillis = 2500

const exports: Array<{format: ReportFormat; label: string}> = [
  {format: 'json', label: 'JSON'},
  {format: 'sarif', label: 'SARIF'},
  {format: 'markdown', label: 'Markdown'},
  {format: 'html', label: 'HTML'},
]

/** Files the page reads when dropped: policies, templates and Terraform. */
const dropTypes = /\.(json|ya?ml|tf|template)$/i

type Tab = 'findings' | 'compliance'

export function ValidatePage() {
  const {text, kind, path, result, busy, fixing, exporting, focused, setText, setKind, validate, focus, loadFile, applyFix, exportReport, requestOpen, requestSave} =
    useValidate()
  const [tab, setTab] = useState<Tab>('findings')
  const [dragging, setDragging] = useState(false)

  useEffect(() => {
    const check = setTimeout(() => void validate(false), validateDebounceMillis)
    const save = setTimeout(() => void validate(true), saveDebounceMillis)
    return () => {
      clearTimeout(check)
      clearTimeout(save)
    }
  }, [text, kind, validate])

  const findings = useMemo(() => result?.policies.flatMap((p) => p.findings) ?? [], [result])
  const errors = useMemo(() => result?.policies.flatMap((p) => p.errors) ?? [], [result])
  const markers = useMemo<EditorMarker[]>(
    () => [
      ...findings.map((f) => ({line: f.line, column: f.column, severity: f.severity as MarkerSeverity, message: `${f.id} ${f.title}: ${f.message}`, detail: f.remediation})),
      ...errors.map((e) => ({line: e.line, column: e.column, severity: 'high' as const, message: e.message})),
    ],
    [findings, errors],
  )

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault()
    setDragging(false)
    const file = e.dataTransfer.files[0]
    if (!file) return
    if (!dropTypes.test(file.name)) {
      void loadFile(file.name, '')
      return
    }
    void file.text().then((t) => loadFile(file.name, t))
  }

  const name = inputName(path, text)
  const policyCount = result?.policies.length ?? 0
  return (
    <div className="grid h-full min-h-[520px] grid-cols-1 gap-5 xl:grid-cols-2">
      <Card
        title="Policy"
        description={path ? <span className="font-mono text-xs break-all">{path}</span> : 'Paste or type a policy, template or Terraform file, or drop one here.'}
        icon={<FileJson2 aria-hidden className="size-5" />}
        className="flex min-h-0 flex-col"
        actions={
          <>
            <Button size="sm" variant="ghost" icon={<FolderOpen aria-hidden className="size-4" />} onClick={requestOpen} title="Open a policy (Ctrl+O)">
              Open…
            </Button>
            <Button size="sm" variant="ghost" icon={<Save aria-hidden className="size-4" />} onClick={requestSave} title="Save the policy (Ctrl+S)">
              Save…
            </Button>
          </>
        }
      >
        <div className="mb-3 flex items-center gap-3">
          <label htmlFor="policy-kind" className="text-sm font-medium text-muted">
            Kind
          </label>
          <Select id="policy-kind" className="max-w-60" value={kind} onChange={(e) => setKind(e.target.value)} options={policyKinds} />
          <span className="flex-1" />
          <span className="font-mono text-xs text-subtle" title="The format is decided from this name">
            {name}
          </span>
          <Button variant="primary" icon={<ShieldCheck aria-hidden className="size-4" />} busy={busy} onClick={() => void validate(true)} title="Validate now (Ctrl+Enter)">
            Validate
          </Button>
        </div>
        <div
          className={`flex min-h-0 flex-1 flex-col rounded-xl ${dragging ? 'outline-2 outline-offset-2 outline-accent outline-dashed' : ''}`}
          onDragOver={(e) => {
            e.preventDefault()
            setDragging(true)
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
          data-testid="drop-zone"
        >
          <PolicyEditor value={text} onChange={setText} language={languageOf(name)} markers={markers} focusAt={focused} />
        </div>
      </Card>

      <Card
        title="Result"
        description={result ? `${policyCount} ${policyCount === 1 ? 'policy' : 'policies'} · ${result.format}` : 'Risk, findings and compliance, as you type.'}
        className="flex min-h-0 flex-col"
        actions={
          result && (
            <div className="flex flex-wrap items-center gap-1" role="group" aria-label="Export the report">
              <Download aria-hidden className="size-4 text-muted" />
              {exports.map((x) => (
                <Button key={x.format} size="sm" variant="ghost" busy={exporting === x.format} onClick={() => void exportReport(x.format)} title={`Export as ${x.label}`}>
                  {x.label}
                </Button>
              ))}
            </div>
          )
        }
      >
        <div className="min-h-0 flex-1 overflow-auto" aria-live="polite" data-testid="validate-result">
          {!result && (
            <EmptyState icon={<FileJson2 aria-hidden className="size-6" />} title="Nothing checked yet">
              Type or paste an IAM policy on the left, or drop a CloudFormation template or Terraform file. It is checked as you type;{' '}
              <kbd className="font-semibold">Ctrl+Enter</kbd> checks it now and saves the run to History.
            </EmptyState>
          )}
          {result && (
            <div className="flex flex-col gap-5">
              <ScoreSummary score={result.score} />
              {result.notes.map((n) => (
                <p key={n} className="rounded-xl border border-line bg-panel px-3 py-2 text-sm text-muted">
                  {n}
                </p>
              ))}
              {errors.length > 0 && <DiagnosticList diagnostics={errors} onPick={(d) => focus(d.line, d.column)} />}
              <Tabs<Tab>
                label="Result views"
                items={[
                  {id: 'findings', label: `Findings (${findings.length})`},
                  {id: 'compliance', label: 'Compliance'},
                ]}
                value={tab}
                onChange={setTab}
                panel={
                  tab === 'findings' ? (
                    findings.length === 0 ? (
                      <p className="flex items-center gap-2 py-4 text-sm text-muted">
                        <Badge tone="ok">
                          <CheckCircle2 aria-hidden className="size-3.5" /> No findings
                        </Badge>
                        {policyCount > 0 ? 'Every check passed.' : 'No policy was found in the input.'}
                      </p>
                    ) : (
                      <FindingsPanel findings={findings} fixing={fixing} onJump={focus} onFix={applyFix} />
                    )
                  ) : (
                    <CompliancePanel frameworks={result.compliance} />
                  )
                }
              />
              <ValidateAssistant />
            </div>
          )}
        </div>
      </Card>
    </div>
  )
}
