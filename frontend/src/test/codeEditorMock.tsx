// A stand-in for the CodeMirror editor (src/components/ui/CodeEditor), which
// needs layout jsdom does not have: a textarea with the editor's test ID, and
// what the page passes to the editor rendered as text for assertions.
// Use it with: vi.mock('<path to>/components/ui/CodeEditor', () => import('<path to>/test/codeEditorMock'))
import type {CodeEditorProps} from '../components/ui/CodeEditor'

export default function CodeEditorMock({value, onChange, markers, focusAt, language, label, testId}: CodeEditorProps) {
  return (
    <div>
      <textarea aria-label={label} data-testid={testId} data-language={language} value={value} onChange={(e) => onChange(e.target.value)} />
      <ol data-testid="editor-markers">
        {markers.map((m, i) => (
          <li key={i}>{`${m.line}:${m.column} ${m.severity} ${m.message} | ${m.detail ?? ''}`}</li>
        ))}
      </ol>
      {focusAt && <span data-testid="editor-focus">{`${focusAt.line}:${focusAt.column}`}</span>}
    </div>
  )
}
