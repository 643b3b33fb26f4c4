import {useEffect} from 'react'
import {ArrowLeft, History, RefreshCw, Trash2} from 'lucide-react'
import {Badge, Button, Card, EmptyState, Input, PolicyViewer, Select, Table, type Column} from '../../components/ui'
import type {HistoryEntry} from '../../api'
import {useHistory} from '../../stores/history'
import {formatWhen} from '../../lib/time'
import {ResumeConversationButton} from '../generate/ResumeConversationButton'
import {OpenAuditButton} from '../audit/OpenAuditButton'
import {AuditTrends} from './AuditTrends'

const kinds = [
  {value: '', label: 'All kinds'},
  {value: 'validation', label: 'Validations'},
  {value: 'audit', label: 'Audits'},
  {value: 'session', label: 'Sessions'},
] as const

export function HistoryPage() {
  const {entries, kind, query, loaded, loading, selected, load, select, remove} = useHistory()
  useEffect(() => {
    void load()
  }, [load])

  if (selected) return <EntryDetail entry={selected} onBack={() => void select(null)} onDelete={() => void remove(selected.id)} />

  const columns: Column<HistoryEntry>[] = [
    {id: 'createdAt', header: 'When', cell: (e) => <span className="whitespace-nowrap tabular-nums">{formatWhen(e.createdAt)}</span>, sortValue: (e) => e.createdAt},
    {id: 'kind', header: 'Kind', cell: (e) => <Badge tone="accent">{e.kind}</Badge>, sortValue: (e) => e.kind},
    {id: 'title', header: 'Title', cell: (e) => <span className="font-medium">{e.title}</span>, sortValue: (e) => e.title.toLowerCase()},
    {id: 'summary', header: 'Summary', cell: (e) => <span className="text-muted">{e.summary}</span>},
  ]
  return (
    <div className="space-y-4">
      <Card
        title="Saved work"
        description="Validations, audits and sessions kept in the local database."
        actions={
          <>
            <Select aria-label="Filter by kind" className="w-40" value={kind} onChange={(e) => void load(e.target.value)} options={kinds} />
            <Button size="md" variant="ghost" busy={loading} icon={<RefreshCw aria-hidden className="size-4" />} onClick={() => void load()}>
              Refresh
            </Button>
          </>
        }
      >
        <Input aria-label="Search history" type="search" placeholder="Search titles and summaries" className="mb-3 max-w-md" value={query} onChange={(e) => void load(kind, e.target.value)} />
        {loaded && entries.length === 0 ? (
          <EmptyState icon={<History aria-hidden className="size-6" />} title="No history yet">
            {query ? 'Nothing matches the search.' : kind ? 'Nothing of this kind has been saved.' : 'Validations and audits you run are kept here, on this machine only.'}
          </EmptyState>
        ) : (
          <Table
            caption="History"
            columns={columns}
            rows={entries}
            rowKey={(e) => e.id}
            initialSort={{column: 'createdAt', direction: 'desc'}}
            onRowClick={(e) => void select(e.id)}
          />
        )}
      </Card>
      <AuditTrends />
    </div>
  )
}

function EntryDetail({entry, onBack, onDelete}: {entry: HistoryEntry; onBack: () => void; onDelete: () => void}) {
  const payload = entry.payload === undefined || entry.payload === null ? '' : JSON.stringify(entry.payload, null, 2)
  return (
    <Card
      title={entry.title}
      description={`${entry.kind} · ${formatWhen(entry.createdAt)}`}
      actions={
        <>
          {entry.kind === 'session' && <ResumeConversationButton id={entry.id} />}
          {entry.kind === 'audit' && <OpenAuditButton id={entry.id} />}
          <Button size="sm" variant="ghost" icon={<ArrowLeft aria-hidden className="size-4" />} onClick={onBack}>
            Back
          </Button>
          <Button size="sm" variant="danger" icon={<Trash2 aria-hidden className="size-4" />} onClick={onDelete}>
            Delete
          </Button>
        </>
      }
    >
      {entry.summary && <p className="mb-4 text-sm text-muted">{entry.summary}</p>}
      {payload && <PolicyViewer json={payload} label="Saved data" />}
    </Card>
  )
}
