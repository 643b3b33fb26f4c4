import {useEffect} from 'react'
import {CheckCircle2, FileJson2, FolderOpen, Save, Wand2} from 'lucide-react'
import {Badge, Button, Card, EmptyState, PolicyViewer, Select} from '../../components/ui'
import {policyKinds, useValidate} from '../../stores/validate'
import {PolicyEditor} from './PolicyEditor'
import {DiagnosticList} from './DiagnosticList'

/** How long typing must pause before the policy is re-checked. */
export const formatDebounceMillis = 350

export function ValidatePage() {
  const {text, kind, path, result, busy, focused, setText, setKind, format, focus, requestOpen, requestSave} = useValidate()

  useEffect(() => {
    const t = setTimeout(() => void format(), formatDebounceMillis)
    return () => clearTimeout(t)
  }, [text, kind, format])

  const errors = result && !result.ok ? result.errors : []
  return (
    <div className="grid h-full min-h-[520px] grid-cols-1 gap-5 xl:grid-cols-2">
      <Card
        title="Policy"
        description={path ? <span className="font-mono text-xs break-all">{path}</span> : 'Paste a policy or open a file.'}
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
          <div className="flex-1" />
          <Button variant="primary" icon={<Wand2 aria-hidden className="size-4" />} busy={busy} onClick={() => void format()} title="Format (Ctrl+Enter)">
            Format
          </Button>
        </div>
        <PolicyEditor value={text} onChange={setText} diagnostics={errors} focused={focused} />
      </Card>

      <Card
        title="Result"
        description="Canonical JSON, or each error where it is."
        className="flex min-h-0 flex-col"
        actions={
          result &&
          (result.ok ? (
            <Badge tone="ok">
              <CheckCircle2 aria-hidden className="size-3.5" /> Valid syntax
            </Badge>
          ) : (
            <Badge tone="critical">
              {errors.length} {errors.length === 1 ? 'error' : 'errors'}
            </Badge>
          ))
        }
      >
        <div className="min-h-0 flex-1 overflow-auto" aria-live="polite" data-testid="validate-result">
          {!result && (
            <EmptyState icon={<FileJson2 aria-hidden className="size-6" />} title="Nothing checked yet">
              Type or paste an IAM policy on the left. It is checked as you type; <kbd className="font-semibold">Ctrl+Enter</kbd> checks
              it now.
            </EmptyState>
          )}
          {result?.ok && <PolicyViewer json={result.canonical} label="Canonical policy" />}
          {result && !result.ok && <DiagnosticList diagnostics={errors} onPick={focus} />}
        </div>
      </Card>
    </div>
  )
}
