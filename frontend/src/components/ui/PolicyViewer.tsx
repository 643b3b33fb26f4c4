import {useMemo} from 'react'
import {tokenizeJSON, type TokenKind} from '../../lib/jsonTokens'
import {cn} from '../../lib/cn'

const tokenClass: Record<TokenKind, string> = {
  key: 'text-tok-key',
  string: 'text-tok-string',
  number: 'text-tok-number',
  literal: 'text-tok-literal font-semibold',
  punct: 'text-tok-punct',
  space: '',
}

export interface PolicyViewerProps {
  json: string
  label: string
  className?: string
}

/** PolicyViewer shows JSON with line numbers and syntax colours; it never evaluates it. */
export function PolicyViewer({json, label, className}: PolicyViewerProps) {
  // A final newline ends the last line; it does not start an empty one.
  const text = json.endsWith('\n') ? json.slice(0, -1) : json
  const tokens = useMemo(() => tokenizeJSON(text), [text])
  const lines = useMemo(() => text.split('\n').length, [text])
  return (
    <figure className={cn('overflow-auto rounded-xl border border-line bg-code', className)} aria-label={label}>
      <div className="flex min-w-max font-mono text-[13px] leading-6">
        <div aria-hidden className="select-none border-r border-line px-3 py-3 text-right text-subtle tabular-nums">
          {Array.from({length: lines}, (_, i) => (
            <div key={i}>{i + 1}</div>
          ))}
        </div>
        <pre className="m-0 px-4 py-3" data-testid="policy-viewer">
          <code>
            {tokens.map((t, i) =>
              t.kind === 'space' ? (
                t.text
              ) : (
                <span key={i} className={tokenClass[t.kind]}>
                  {t.text}
                </span>
              ),
            )}
          </code>
        </pre>
      </div>
    </figure>
  )
}
