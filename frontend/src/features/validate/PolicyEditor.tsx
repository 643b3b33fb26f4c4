import {lazy, Suspense, useEffect, useState} from 'react'
import type {CodeEditorProps} from '../../components/ui/CodeEditor'

// CodeMirror loads in its own chunk, fetched only once the first frame is
// on screen: first paint neither waits for it nor competes with its parsing.
const CodeEditor = lazy(() => import('../../components/ui/CodeEditor'))

/** useAfterFirstFrame turns true once the browser has painted a frame. */
function useAfterFirstFrame(): boolean {
  const [painted, setPainted] = useState(false)
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setPainted(true), 0)
    })
    return () => {
      cancelAnimationFrame(frame)
      if (timer !== undefined) clearTimeout(timer)
    }
  }, [])
  return painted
}

export const editorTestId = 'policy-input'

/**
 * PolicyEditor is the Validate page's code editor. Until the editor chunk
 * has loaded, a plain textarea bound to the same text stands in, so nothing
 * typed in the first moments is lost.
 */
export function PolicyEditor(props: Omit<CodeEditorProps, 'label' | 'testId' | 'placeholder'>) {
  const placeholder = 'Paste a policy, a CloudFormation template or Terraform — or drop a file here.'
  const painted = useAfterFirstFrame()
  const fallback = (
    <textarea
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
      autoFocus
      spellCheck={false}
      aria-label="Policy"
      data-testid={editorTestId}
      placeholder={placeholder}
      className="min-h-0 flex-1 resize-none rounded-xl border border-line bg-code p-3 font-mono text-[13px] text-fg outline-none focus-visible:outline-2 focus-visible:outline-ring"
    />
  )
  if (!painted) return fallback
  return (
    <Suspense fallback={fallback}>
      <CodeEditor {...props} label="Policy" testId={editorTestId} placeholder={placeholder} />
    </Suspense>
  )
}
