import {useEffect, useMemo, useRef} from 'react'
import type {Diagnostic} from '../../api'
import {indexFromByteOffset} from '../../lib/textPosition'
import {cn} from '../../lib/cn'

export interface PolicyEditorProps {
  value: string
  onChange: (text: string) => void
  diagnostics: readonly Diagnostic[]
  /** The diagnostic to jump to; seq changes on every click so repeated clicks jump again. */
  focused: {diagnostic: Diagnostic; seq: number} | null
}

const lineHeight = 24

/** PolicyEditor is a monospace textarea with a line gutter that marks lines holding errors. */
export function PolicyEditor({value, onChange, diagnostics, focused}: PolicyEditorProps) {
  const area = useRef<HTMLTextAreaElement>(null)
  const gutter = useRef<HTMLDivElement>(null)
  const lines = useMemo(() => value.split('\n').length, [value])
  const errorLines = useMemo(() => new Set(diagnostics.map((d) => d.line)), [diagnostics])

  useEffect(() => {
    const el = area.current
    if (!focused || !el) return
    const d = focused.diagnostic
    const at = indexFromByteOffset(value, d.offset)
    el.focus()
    el.setSelectionRange(at, at)
    el.scrollTop = Math.max(0, (d.line - 3) * lineHeight)
    // The value is read at jump time only; typing must not re-jump.
  }, [focused])

  return (
    <div className="flex min-h-0 flex-1 overflow-hidden rounded-xl border border-line bg-code focus-within:outline-2 focus-within:outline-offset-1 focus-within:outline-ring">
      <div
        ref={gutter}
        aria-hidden
        className="w-12 shrink-0 overflow-hidden border-r border-line py-3 text-right font-mono text-[13px] text-subtle tabular-nums select-none"
        style={{lineHeight: `${lineHeight}px`}}
      >
        {Array.from({length: lines}, (_, i) => (
          <div key={i} className={cn('pr-2.5', errorLines.has(i + 1) && 'bg-danger-soft font-semibold text-danger')}>
            {i + 1}
          </div>
        ))}
      </div>
      <textarea
        ref={area}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onScroll={(e) => {
          if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop
        }}
        autoFocus
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        aria-label="Policy JSON"
        aria-invalid={diagnostics.length > 0 || undefined}
        placeholder={'{\n  "Version": "2012-10-17",\n  "Statement": [ … ]\n}'}
        data-testid="policy-input"
        className="min-h-0 flex-1 resize-none border-l-[14px] border-transparent bg-transparent py-3 pr-4 font-mono text-[13px] whitespace-pre text-fg outline-none placeholder:text-subtle"
        style={{lineHeight: `${lineHeight}px`}}
      />
    </div>
  )
}
