import {useId, useRef, type KeyboardEvent, type ReactNode} from 'react'
import {cn} from '../../lib/cn'

export interface TabItem<T extends string> {
  id: T
  label: ReactNode
}

export interface TabsProps<T extends string> {
  label: string
  items: readonly TabItem<T>[]
  value: T
  onChange: (id: T) => void
  panel: ReactNode
}

/** Tabs follows the WAI-ARIA tabs pattern: arrow keys, Home and End move focus and select. */
export function Tabs<T extends string>({label, items, value, onChange, panel}: TabsProps<T>) {
  const base = useId()
  const refs = useRef<Array<HTMLButtonElement | null>>([])
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = items.findIndex((t) => t.id === value)
    const next =
      e.key === 'ArrowRight' ? (i + 1) % items.length
      : e.key === 'ArrowLeft' ? (i - 1 + items.length) % items.length
      : e.key === 'Home' ? 0
      : e.key === 'End' ? items.length - 1
      : -1
    const item = items[next]
    if (next < 0 || !item) return
    e.preventDefault()
    onChange(item.id)
    refs.current[next]?.focus()
  }
  return (
    <div>
      <div role="tablist" aria-label={label} onKeyDown={onKeyDown} className="inline-flex gap-1 rounded-xl border border-line bg-panel p-1">
        {items.map((t, i) => {
          const selected = t.id === value
          return (
            <button
              key={t.id}
              ref={(el) => {
                refs.current[i] = el
              }}
              role="tab"
              type="button"
              id={`${base}-tab-${t.id}`}
              aria-selected={selected}
              aria-controls={`${base}-panel`}
              tabIndex={selected ? 0 : -1}
              onClick={() => onChange(t.id)}
              className={cn(
                'rounded-lg px-3 py-1.5 text-sm font-medium motion-safe:transition',
                'focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring',
                selected ? 'bg-panel-strong text-fg shadow-sm' : 'text-muted hover:text-fg',
              )}
            >
              {t.label}
            </button>
          )
        })}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${value}`} className="mt-4">
        {panel}
      </div>
    </div>
  )
}
