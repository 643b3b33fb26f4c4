import {CircleAlert} from 'lucide-react'
import type {Diagnostic} from '../../api'

export interface DiagnosticListProps {
  diagnostics: readonly Diagnostic[]
  onPick: (d: Diagnostic) => void
}

/** DiagnosticList shows each syntax error with its position; clicking one moves the editor's caret there. */
export function DiagnosticList({diagnostics, onPick}: DiagnosticListProps) {
  return (
    <ol aria-label="Syntax errors" className="flex flex-col gap-2" data-testid="diagnostics">
      {diagnostics.map((d, i) => (
        <li key={`${d.offset}-${d.code}-${i}`}>
          <button
            type="button"
            onClick={() => onPick(d)}
            className="flex w-full items-start gap-3 rounded-xl border border-line bg-danger-soft px-3 py-2.5 text-left hover:brightness-105 focus-visible:outline-2 focus-visible:outline-ring"
          >
            <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-danger" />
            <span className="min-w-0 flex-1">
              <span className="flex flex-wrap items-baseline gap-x-2">
                <span className="font-mono text-xs font-semibold text-danger tabular-nums">
                  {d.line > 0 ? `${d.line}:${d.column}` : '—'}
                </span>
                {d.path && <span className="font-mono text-xs text-muted">{d.path}</span>}
              </span>
              <span className="mt-0.5 block text-sm text-fg">{d.message}</span>
              {d.code && <span className="mt-0.5 block font-mono text-[11px] text-subtle">{d.code}</span>}
            </span>
          </button>
        </li>
      ))}
    </ol>
  )
}
