import {useMemo, useState, type ReactNode} from 'react'
import {ArrowDown, ArrowUp, ArrowUpDown} from 'lucide-react'
import {cn} from '../../lib/cn'

export interface Column<T> {
  id: string
  header: string
  cell: (row: T) => ReactNode
  /** sortValue makes the column sortable. */
  sortValue?: (row: T) => string | number
  className?: string
}

export interface TableProps<T> {
  caption: string
  columns: readonly Column<T>[]
  rows: readonly T[]
  rowKey: (row: T) => string
  initialSort?: {column: string; direction: 'asc' | 'desc'}
  onRowClick?: (row: T) => void
}

type Sort = {column: string; direction: 'asc' | 'desc'} | null

/** sortRows orders rows by a column's sort value; ties keep their input order. */
export function sortRows<T>(rows: readonly T[], value: (row: T) => string | number, direction: 'asc' | 'desc'): T[] {
  const sign = direction === 'asc' ? 1 : -1
  return rows
    .map((row, i) => ({row, i, v: value(row)}))
    .sort((a, b) => {
      const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v))
      return c !== 0 ? sign * c : a.i - b.i
    })
    .map((x) => x.row)
}

export function Table<T>({caption, columns, rows, rowKey, initialSort, onRowClick}: TableProps<T>) {
  const [sort, setSort] = useState<Sort>(initialSort ?? null)
  const sorted = useMemo(() => {
    const col = sort && columns.find((c) => c.id === sort.column)
    return col?.sortValue && sort ? sortRows(rows, col.sortValue, sort.direction) : rows
  }, [rows, columns, sort])

  const toggle = (id: string) =>
    setSort((s) => (s?.column === id ? {column: id, direction: s.direction === 'asc' ? 'desc' : 'asc'} : {column: id, direction: 'asc'}))

  return (
    <div className="overflow-auto rounded-xl border border-line">
      <table className="w-full border-collapse text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-panel-strong text-xs uppercase tracking-wide text-muted">
          <tr>
            {columns.map((c) => {
              const active = sort?.column === c.id
              const ariaSort = active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : c.sortValue ? 'none' : undefined
              return (
                <th key={c.id} scope="col" aria-sort={ariaSort} className={cn('px-3 py-2 font-semibold', c.className)}>
                  {c.sortValue ? (
                    <button
                      type="button"
                      onClick={() => toggle(c.id)}
                      className="inline-flex items-center gap-1 rounded uppercase hover:text-fg focus-visible:outline-2 focus-visible:outline-ring"
                    >
                      {c.header}
                      {active ? (
                        sort.direction === 'asc' ? <ArrowUp aria-hidden className="size-3.5" /> : <ArrowDown aria-hidden className="size-3.5" />
                      ) : (
                        <ArrowUpDown aria-hidden className="size-3.5 opacity-50" />
                      )}
                    </button>
                  ) : (
                    c.header
                  )}
                </th>
              )
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((row) => (
            <tr
              key={rowKey(row)}
              onClick={onRowClick ? () => onRowClick(row) : undefined}
              className={cn('border-t border-line', onRowClick && 'cursor-pointer hover:bg-accent-soft')}
            >
              {columns.map((c) => (
                <td key={c.id} className={cn('px-3 py-2.5 align-top text-fg', c.className)}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
