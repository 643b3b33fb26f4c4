// CodeEditor is CodeMirror 6 with the app's look: JSON or YAML highlighting,
// line numbers, undo history, and lint markers the caller supplies (it runs
// no linter itself). It is a module of its own so that pages load it lazily:
// CodeMirror is most of the Validate page's weight and none of first paint.
import {useEffect, useRef} from 'react'
import {Compartment, EditorState, type Extension} from '@codemirror/state'
import {EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers, placeholder as placeholderText} from '@codemirror/view'
import {defaultKeymap, history, historyKeymap} from '@codemirror/commands'
import {bracketMatching, syntaxHighlighting} from '@codemirror/language'
import {json} from '@codemirror/lang-json'
import {yaml} from '@codemirror/lang-yaml'
import {lintGutter, setDiagnostics, type Diagnostic} from '@codemirror/lint'
import {classHighlighter} from '@lezer/highlight'
import {indexFromLineColumn} from '../../lib/inputName'
import {styleNonce} from '../../lib/csp'
import './codeEditor.css'

export type MarkerSeverity = 'critical' | 'high' | 'medium' | 'low' | 'info'

/** A marker is a problem at a Go position (1-based line, byte column). */
export interface EditorMarker {
  line: number
  column: number
  severity: MarkerSeverity
  message: string
  /** Shown under the message in the hover, e.g. the remediation. */
  detail?: string
}

export interface CodeEditorProps {
  value: string
  onChange: (text: string) => void
  language: 'json' | 'yaml' | 'plain'
  markers: readonly EditorMarker[]
  /** Moves the caret to a position and focuses the editor; seq changes on every request. */
  focusAt: {line: number; column: number; seq: number} | null
  label: string
  placeholder?: string
  testId?: string
}

const lintSeverity: Record<MarkerSeverity, Diagnostic['severity']> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'info',
  info: 'hint',
}

function languageExtension(language: CodeEditorProps['language']): Extension {
  if (language === 'json') return json()
  if (language === 'yaml') return yaml()
  return []
}

/** markerRange underlines the token at the marker: a quoted string, or a word. */
export function markerRange(text: string, m: EditorMarker): {from: number; to: number} {
  const from = Math.min(indexFromLineColumn(text, Math.max(1, m.line), Math.max(1, m.column)), text.length)
  let to = from
  if (text[from] === '"') {
    to = text.indexOf('"', from + 1)
    to = to < 0 ? from + 1 : to + 1
  } else {
    while (to < text.length && /[^\s,:{}[\]"]/.test(text[to] ?? '')) to++
  }
  const nl = text.indexOf('\n', from)
  if (nl >= 0 && to > nl) to = nl
  return {from, to: Math.max(to, Math.min(from + 1, text.length))}
}

export function diagnosticsOf(text: string, markers: readonly EditorMarker[]): Diagnostic[] {
  return markers
    .filter((m) => m.line > 0)
    .map((m) => ({
      ...markerRange(text, m),
      severity: lintSeverity[m.severity],
      markClass: `cm-sev-${m.severity}`,
      message: m.detail ? `${m.message}\n\nFix: ${m.detail}` : m.message,
    }))
    .sort((a, b) => a.from - b.from)
}

export default function CodeEditor({value, onChange, language, markers, focusAt, label, placeholder, testId}: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null)
  const view = useRef<EditorView | null>(null)
  const lang = useRef(new Compartment())
  const changed = useRef(onChange)
  changed.current = onChange

  useEffect(() => {
    if (!host.current) return
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightActiveLine(),
          drawSelection(),
          history(),
          bracketMatching(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          lang.current.of(languageExtension(language)),
          syntaxHighlighting(classHighlighter),
          lintGutter(),
          placeholderText(placeholder ?? ''),
          EditorView.lineWrapping,
          EditorView.cspNonce.of(styleNonce()),
          EditorView.contentAttributes.of({'aria-label': label, ...(testId ? {'data-testid': testId} : {})}),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) changed.current(u.state.doc.toString())
          }),
        ],
      }),
    })
    view.current = v
    v.focus()
    return () => {
      v.destroy()
      view.current = null
    }
    // The editor is built once; later props are applied by the effects below.
  }, [])

  useEffect(() => {
    const v = view.current
    if (v && v.state.doc.toString() !== value) v.dispatch({changes: {from: 0, to: v.state.doc.length, insert: value}})
  }, [value])

  useEffect(() => {
    view.current?.dispatch({effects: lang.current.reconfigure(languageExtension(language))})
  }, [language])

  useEffect(() => {
    const v = view.current
    if (v) v.dispatch(setDiagnostics(v.state, diagnosticsOf(v.state.doc.toString(), markers)))
  }, [markers, value])

  useEffect(() => {
    const v = view.current
    if (!v || !focusAt) return
    const at = indexFromLineColumn(v.state.doc.toString(), focusAt.line, focusAt.column)
    v.dispatch({selection: {anchor: at}, scrollIntoView: true})
    v.focus()
  }, [focusAt])

  return <div ref={host} className="aegis-code min-h-0 flex-1 overflow-hidden rounded-xl border border-line bg-code focus-within:outline-2 focus-within:outline-offset-1 focus-within:outline-ring" />
}
