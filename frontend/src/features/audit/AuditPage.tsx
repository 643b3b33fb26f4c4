import {useEffect, useMemo, useRef, useState} from 'react'
import {Activity, FileWarning, FlaskConical, FolderOpen, Play, Square} from 'lucide-react'
import {onEvent, request as requestShell, type Audit, type AuditPrincipal, type AuditRun, type AuditSource} from '../../api'
import {Badge, Button, Card, ChoiceCards, EmptyState, Field, Input, RiskGauge, Select, Table, type Choice, type Column} from '../../components/ui'
import {auditPhases, useAudit} from '../../stores/audit'
import {useProfiles} from '../../stores/profiles'
import {useSettings} from '../../stores/settings'
import {PrincipalDetail, UsageBar} from './PrincipalDetail'
import {QueryCard} from './QueryCard'
import {RegionPicker} from './RegionPicker'
import {UsageSourceFields} from './UsageSourceFields'
import {eta, severityCounts, shortName, worstSeverity} from './model'

const phaseLabels = {discover: 'Discover', usage: 'Usage', analyse: 'Analyse'} as const

/** unusedShare is the share of a principal's judged permissions that went unused, 0–1. */
export function unusedShare(p: AuditPrincipal): number {
  const judged = p.permissions.used.length + p.permissions.unused.length
  return judged === 0 ? 0 : p.permissions.unused.length / judged
}

const severityRank = {critical: 5, high: 4, medium: 3, low: 2, info: 1} as const

const columns: Column<AuditPrincipal>[] = [
  {id: 'name', header: 'Principal', cell: (p) => <span className="font-medium">{p.name}</span>, sortValue: (p) => p.name},
  {id: 'type', header: 'Type', cell: (p) => p.type, sortValue: (p) => p.type},
  {id: 'risk', header: 'Risk', cell: (p) => p.riskScore, sortValue: (p) => p.riskScore},
  {
    id: 'severity',
    header: 'Worst finding',
    cell: (p) => {
      const s = worstSeverity(p)
      return s ? <Badge tone={s}>{s}</Badge> : <span className="text-muted">none</span>
    },
    sortValue: (p) => {
      const s = worstSeverity(p)
      return s ? severityRank[s] : 0
    },
  },
  {
    id: 'usage',
    header: 'Used / unused / unknown',
    cell: (p) => <UsageBar used={p.permissions.used.length} unused={p.permissions.unused.length} unknown={p.permissions.unknown.length + p.permissions.tooNew.length} />,
    sortValue: unusedShare,
  },
  {
    id: 'lastUsed',
    header: 'Last used',
    cell: (p) => (p.activity.lastUsed ? String(p.activity.lastUsed).slice(0, 10) : <span className="text-muted">{p.activity.state}</span>),
    sortValue: (p) => String(p.activity.lastUsed ?? ''),
  },
  {id: 'findings', header: 'Findings', cell: (p) => p.findings.length, sortValue: (p) => p.findings.length},
]

const pathFields = ['authz', 'credentialReport', 'organization', 'passwordPolicy', 'resourcePolicies', 'accessAdvisor', 'eventSelectors', 'cloudTrailDir', 'bundle'] as const
type PathField = (typeof pathFields)[number]

const sources: Choice<AuditSource>[] = [
  {id: 'sample', label: 'Sample account', hint: 'Generated data: explore without AWS access'},
  {id: 'aws', label: 'Built-in AWS server', hint: 'Read-only, with a local AWS profile'},
  {id: 'mcp', label: 'External MCP server', hint: 'A server from Settings'},
  {id: 'files', label: 'Exported files', hint: 'AWS CLI exports or a snapshot bundle'},
]

function PathInput({field, label, hint}: {field: PathField; label: string; hint: string}) {
  const {request, setRequest} = useAudit()
  return (
    <div className="flex items-end gap-2">
      <div className="flex-1">
        <Field label={label} hint={hint}>
          <Input value={request[field]} onChange={(e) => setRequest({[field]: e.target.value})} placeholder="/path/to/file" />
        </Field>
      </div>
      <Button
        variant="ghost"
        size="sm"
        className="mb-5"
        aria-label={`Browse for ${label}`}
        icon={<FolderOpen aria-hidden className="size-4" />}
        onClick={() => requestShell('app:pick-path', {field, title: label, directory: field === 'cloudTrailDir'})}
      />
    </div>
  )
}

function Progress() {
  const {progress, busy} = useAudit()
  if (!busy) return null
  const reached = Math.max(...auditPhases.map((ph, i) => (progress[ph] ? i : -1)))
  return (
    <ul className="grid gap-2 md:col-span-2 md:grid-cols-3" aria-label="Audit progress">
      {auditPhases.map((ph, i) => {
        const p = progress[ph]
        const skipped = p?.total === 0 || (!p && i < reached)
        const pct = !p ? 0 : p.total === 0 ? 100 : Math.round((p.done / p.total) * 100)
        const detail = skipped ? `skipped${p?.step ? `: ${p.step}` : ''}` : !p ? 'waiting' : `${p.step} ${p.total > 1 ? `${p.done}/${p.total}` : ''} ${eta(p.etaSeconds)}`
        return (
          <li key={ph} data-phase={ph}>
            <p className="text-sm font-medium">{phaseLabels[ph]}</p>
            <div role="progressbar" aria-label={`${phaseLabels[ph]} progress`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} className="bg-panel-strong h-2 rounded-full">
              <div className="bg-accent h-2 rounded-full transition-all" style={{width: `${pct}%`}} />
            </div>
            <p className="text-muted text-xs">{detail}</p>
          </li>
        )
      })}
    </ul>
  )
}

function SourceCard() {
  const {request, setRequest, start, cancel, busy, cancelling, fieldErrors} = useAudit()
  const settings = useSettings((s) => s.settings)
  const loadSettings = useSettings((s) => s.load)
  const {profiles, loaded, load: loadProfiles} = useProfiles()
  useEffect(() => {
    if (!settings) void loadSettings()
    if (!loaded) void loadProfiles()
  }, [settings, loadSettings, loaded, loadProfiles])
  // Settings' profile and region fill an untouched request once.
  const seeded = useRef(false)
  useEffect(() => {
    if (!settings || seeded.current) return
    seeded.current = true
    if (!request.profile && request.regions.length === 0 && !request.allRegions)
      setRequest({profile: settings.profile, regions: settings.defaultRegion ? [settings.defaultRegion] : []})
  }, [settings, request.profile, request.regions.length, request.allRegions, setRequest])
  useEffect(
    () =>
      onEvent('app:path-picked', ({field, path}) => {
        if (pathFields.includes(field as PathField)) setRequest({[field]: path})
      }),
    [setRequest],
  )
  const servers = (settings?.mcpServers ?? []).filter((m) => m.enabled)
  const live = request.source === 'aws' || request.source === 'mcp'
  return (
    <Card title="Audit an account" description="Pick where the account's data comes from, then start. Nothing is written to AWS.">
      <form
        className="grid gap-3 md:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault()
          void start()
        }}
      >
        <ChoiceCards legend="Data source" name="source" choices={sources} value={request.source} onChange={(source) => setRequest({source})} columns={4} />
        {request.source === 'aws' && (
          <>
            <Field label="AWS profile" hint="From ~/.aws/config; test it in Settings" error={fieldErrors['profile']}>
              <Select
                value={request.profile}
                onChange={(e) => setRequest({profile: e.target.value})}
                options={[{value: '', label: 'Choose a profile'}, ...profiles.map((p) => ({value: p.name, label: `${p.name} (${p.kind})`}))]}
              />
            </Field>
            <RegionPicker />
            <UsageSourceFields />
          </>
        )}
        {request.source === 'mcp' && (
          <Field label="MCP server" hint={servers.length ? 'Enabled servers from Settings' : 'Add one in Settings → MCP servers'}>
            <Select
              value={request.mcpServer}
              onChange={(e) => setRequest({mcpServer: e.target.value})}
              options={[{value: '', label: 'Choose a server'}, ...servers.map((m) => ({value: m.name, label: m.name}))]}
            />
          </Field>
        )}
        {request.source === 'files' && (
          <>
            <PathInput field="authz" label="Authorization details (GAAD)" hint="aws iam get-account-authorization-details output" />
            <PathInput field="bundle" label="Or a snapshot bundle" hint="written by aegis audit --write-bundle" />
            <PathInput field="credentialReport" label="Credential report" hint="optional: CSV or get-credential-report JSON" />
            <PathInput field="organization" label="Organizations export" hint="optional: docs/bundle.md" />
            <PathInput field="eventSelectors" label="Trail event selectors" hint="optional: get-event-selectors output; tells which data events are logged" />
            <PathInput field="resourcePolicies" label="Resource policies" hint='optional: [{"Arn", "Policy"}], for external access' />
            <PathInput field="accessAdvisor" label="Access Advisor" hint="optional: {ARN: get-service-last-accessed-details output}" />
            <PathInput field="passwordPolicy" label="Password policy" hint="optional: get-account-password-policy output" />
          </>
        )}
        {(live || request.source === 'files') && <PathInput field="cloudTrailDir" label="CloudTrail log directory" hint="optional: the S3 layout, AWSLogs/…" />}
        {request.source === 'sample' ? (
          <p className="text-muted text-sm md:col-span-2">
            The sample account is generated by Aegis: 14 principals, a month of CloudTrail usage, escalation paths and a vendor's cross-account role. Its window is fixed.
          </p>
        ) : (
          <div className="grid grid-cols-2 gap-3">
            <Field label="Window (days)" error={fieldErrors['windowDays']}>
              <Input type="number" min={1} max={3650} value={request.windowDays} onChange={(e) => setRequest({windowDays: Number(e.target.value)})} />
            </Field>
            <Field label="Window end" hint="empty: now" error={fieldErrors['end']}>
              <Input type="date" value={request.end} onChange={(e) => setRequest({end: e.target.value})} />
            </Field>
          </div>
        )}
        <div className="flex items-center gap-3 md:col-span-2">
          <Button type="submit" variant="primary" busy={busy} icon={<Play aria-hidden className="size-4" />}>
            {request.source === 'sample' ? 'Audit the sample account' : 'Start audit'}
          </Button>
          {busy && (
            <Button variant="danger" busy={cancelling} icon={<Square aria-hidden className="size-4" />} onClick={() => void cancel()}>
              Cancel
            </Button>
          )}
        </div>
        <Progress />
      </form>
    </Card>
  )
}

function UnreachableNotice() {
  const {unreachable, setRequest, start} = useAudit()
  if (!unreachable) return null
  return (
    <Card>
      <div role="alert" className="flex flex-wrap items-start gap-3">
        <FileWarning aria-hidden className="text-danger size-6" />
        <div className="flex-1 text-sm">
          <p className="font-semibold">{unreachable.name[0]?.toUpperCase() + unreachable.name.slice(1)} could not be reached.</p>
          <p className="text-muted">{unreachable.message}</p>
          <div className="mt-2 flex gap-2">
            <Button
              size="sm"
              variant="primary"
              icon={<FlaskConical aria-hidden className="size-4" />}
              onClick={() => {
                setRequest({source: 'sample'})
                void start()
              }}
            >
              Explore the sample account
            </Button>
            <Button size="sm" variant="ghost" icon={<FolderOpen aria-hidden className="size-4" />} onClick={() => setRequest({source: 'files'})}>
              Use exported files
            </Button>
          </div>
        </div>
      </div>
    </Card>
  )
}

function SampleBanner() {
  return (
    <div role="note" aria-label="Sample data" className="flex items-center gap-2 rounded-lg border border-amber-400/50 bg-amber-100 p-3 text-sm text-amber-950 dark:bg-amber-400/15 dark:text-amber-100">
      <FlaskConical aria-hidden className="size-5" />
      <p>
        <strong>Sample data.</strong> This is the built-in sample account, generated by Aegis IAM. It is not a real AWS account.
      </p>
    </div>
  )
}

function OverviewCard({run}: {run: AuditRun}) {
  const audit = run.audit
  const c = audit.coverage
  const counts = severityCounts(audit)
  const reasons: Record<string, number> = {}
  for (const p of audit.principals) for (const [r, n] of Object.entries(p.permissions.unknownReasons)) reasons[r] = (reasons[r] ?? 0) + n
  const regions = [...new Set(c.gaps.map((g) => g.region))]
  return (
    <Card
      title={audit.sample ? `Sample account ${audit.account}` : `Account ${audit.account}`}
      description={`Window ${String(audit.window.start).slice(0, 10)} – ${String(audit.window.end).slice(0, 10)} · source: ${run.source || 'files'}`}
    >
      <div className="flex flex-wrap items-start gap-6">
        <RiskGauge score={audit.riskScore} label="Account risk" />
        <ul className="flex flex-col gap-1 text-sm" aria-label="Findings by severity">
          {(['critical', 'high', 'medium', 'low', 'info'] as const).map((s) => (
            <li key={s} className="flex items-center gap-2">
              <Badge tone={s}>{s}</Badge> <span className="tabular-nums">{counts[s]}</span>
            </li>
          ))}
        </ul>
        <dl className="grid flex-1 grid-cols-[auto_1fr] gap-x-6 gap-y-1 text-sm" aria-label="Coverage">
          <dt className="text-muted">Seen</dt>
          <dd>
            {audit.principals.length} principals, {audit.escalationPaths.length} escalation paths, {audit.externalAccess.length} external grants
          </dd>
          <dt className="text-muted">Days with complete logs</dt>
          <dd>
            {c.completeDays} / {c.days}
            {regions.length > 0 && ` (gaps in ${regions.join(', ')})`}
          </dd>
          <dt className="text-muted">Regions with logs</dt>
          <dd>
            {c.regions.length === 0
              ? 'none'
              : c.regions.map((r) => `${r.region}: ${r.completeDays} / ${c.days} days complete${r.days > r.completeDays ? `, ${r.days - r.completeDays} partly read` : ''}`).join('; ')}
          </dd>
          <dt className="text-muted">Usage sources</dt>
          <dd>{c.sources.length ? c.sources.join(', ') : 'none: every permission is unknown'}</dd>
          <dt className="text-muted">Data events</dt>
          <dd>{c.dataEventTypes.length ? `logged: ${c.dataEventTypes.join(', ')}` : <Badge tone="medium">not logged</Badge>}</dd>
          <dt className="text-muted">Unreadable log files or queries</dt>
          <dd>{c.failures}</dd>
          <dt className="text-muted">Unknown, and why</dt>
          <dd>
            {Object.keys(reasons).length === 0
              ? 'nothing unknown'
              : Object.entries(reasons)
                  .map(([r, n]) => `${r}: ${n}`)
                  .join(', ')}
          </dd>
        </dl>
      </div>
      {c.gaps.length > 0 && (
        <ul className="mt-3 text-sm" aria-label="Gaps">
          {c.gaps.map((g) => (
            <li key={`${g.account}${g.region}${g.from}`}>
              Gap {g.account} {g.region}: {String(g.from).slice(0, 10)} – {String(g.to).slice(0, 10)} ({g.reason})
            </li>
          ))}
        </ul>
      )}
      {run.gaps.length > 0 && (
        <ul className="mt-3 text-sm" aria-label="Collection gaps">
          {run.gaps.map((g, i) => (
            <li key={i}>
              <Badge tone="medium">{g.reason}</Badge> {g.tool} {g.target} {g.api && `(${g.api})`}: {g.message}
            </li>
          ))}
        </ul>
      )}
      {audit.problems.length > 0 && (
        <ul className="text-danger mt-3 list-disc pl-5 text-sm" aria-label="Problems">
          {audit.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </Card>
  )
}

function PrincipalsCard({audit}: {audit: Audit}) {
  const select = useAudit((s) => s.select)
  const [query, setQuery] = useState('')
  const [minRisk, setMinRisk] = useState(0)
  const rows = useMemo(
    () => audit.principals.filter((p) => p.riskScore >= minRisk && (query === '' || p.arn.toLowerCase().includes(query.toLowerCase()))),
    [audit, query, minRisk],
  )
  return (
    <Card title="Principals" description={`${rows.length} of ${audit.principals.length}`}>
      <div className="mb-3 flex flex-wrap gap-2">
        <Input aria-label="Filter principals" placeholder="Filter by name" className="w-56" value={query} onChange={(e) => setQuery(e.target.value)} />
        <Select
          aria-label="Minimum risk"
          className="w-40"
          value={String(minRisk)}
          onChange={(e) => setMinRisk(Number(e.target.value))}
          options={[
            {value: '0', label: 'Any risk'},
            {value: '25', label: 'Risk ≥ 25'},
            {value: '50', label: 'Risk ≥ 50'},
            {value: '75', label: 'Risk ≥ 75'},
          ]}
        />
      </div>
      <Table caption="Principals by risk" columns={columns} rows={rows} rowKey={(p) => p.arn} initialSort={{column: 'risk', direction: 'desc'}} onRowClick={(p) => select(p.arn)} />
    </Card>
  )
}

function PathsCard({audit}: {audit: Audit}) {
  const select = useAudit((s) => s.select)
  return (
    <Card title="Escalation paths and external access">
      {audit.escalationPaths.length === 0 ? (
        <p className="text-muted text-sm">No escalation path to an administrator.</p>
      ) : (
        <ol className="space-y-2 text-sm" aria-label="Escalation paths">
          {audit.escalationPaths.map((e) => (
            <li key={e.from + e.to}>
              <button type="button" className="font-medium underline-offset-2 hover:underline" onClick={() => select(e.from)}>
                {shortName(e.from)}
              </button>{' '}
              →{' '}
              <button type="button" className="font-medium underline-offset-2 hover:underline" onClick={() => select(e.to)}>
                {shortName(e.to)}
              </button>
              <ol className="text-muted ml-4 list-decimal text-xs">
                {e.hops.map((h, i) => (
                  <li key={i}>
                    {shortName(h.from)} → {shortName(h.to)} via <code>{h.via}</code> {h.conditional && <Badge>conditional</Badge>}
                  </li>
                ))}
              </ol>
            </li>
          ))}
        </ol>
      )}
      <h4 className="mt-4 mb-1 text-sm font-semibold">External access</h4>
      {audit.externalAccess.length === 0 ? (
        <p className="text-muted text-sm">Nothing is reachable from outside the account and its organization.</p>
      ) : (
        <ul className="space-y-1 text-sm" aria-label="External access">
          {audit.externalAccess.map((x) => (
            <li key={x.resource + x.principal}>
              <Badge tone={x.principal === '*' ? 'critical' : 'high'}>{x.principal}</Badge> {x.resource}: {x.actions.join(', ')} {x.conditional && <Badge>conditional</Badge>}
            </li>
          ))}
        </ul>
      )}
    </Card>
  )
}

function DriftCard({audit}: {audit: Audit}) {
  const d = audit.drift
  if (!d) return <Card title="Drift">No earlier audit of this account: the next run will show what changed.</Card>
  const changed = d.principals.filter((p) => p.newPermissions.length > 0 || p.removedPermissions.length > 0 || p.riskScoreChange !== 0)
  return (
    <Card title="Drift since the previous audit" description={`Previous window ended ${String(d.previous.end).slice(0, 10)}`}>
      <ul className="space-y-1 text-sm" aria-label="Drift">
        <li>Risk score change: {d.riskScoreChange > 0 ? `+${d.riskScoreChange}` : d.riskScoreChange}</li>
        <li>New principals: {d.newPrincipals.length ? d.newPrincipals.join(', ') : 'none'}</li>
        <li>Removed principals: {d.removedPrincipals.length ? d.removedPrincipals.join(', ') : 'none'}</li>
        <li>New escalation paths: {d.newEscalationPaths.length}</li>
        <li>New external access: {d.newExternalAccess.length}</li>
        {changed.map((p) => (
          <li key={p.arn}>
            {p.arn}: {p.newPermissions.length} granted since, {p.removedPermissions.length} removed, risk {p.riskScoreChange > 0 ? '+' : ''}
            {p.riskScoreChange}
          </li>
        ))}
      </ul>
    </Card>
  )
}

function SavedAudits() {
  const {saved, open} = useAudit()
  if (saved.length === 0) return null
  return (
    <Card title="Saved audits">
      <ul className="space-y-1 text-sm">
        {saved.slice(0, 8).map((s) => (
          <li key={s.id}>
            <Button variant="ghost" size="sm" onClick={() => void open(s.id)}>
              {s.account} · {String(s.createdAt).slice(0, 16).replace('T', ' ')} · {s.summary}
            </Button>
          </li>
        ))}
      </ul>
    </Card>
  )
}

/** AuditPage runs an audit from the sample, a live source or files and shows its risk, coverage, principals, paths and drift. */
export function AuditPage() {
  const {run, selected, select, loadSaved} = useAudit()
  useEffect(() => {
    void loadSaved()
  }, [loadSaved])
  const audit = run?.audit
  const principal = audit?.principals.find((p) => p.arn === selected)
  return (
    <div className="space-y-4">
      <SourceCard />
      <UnreachableNotice />
      {!run || !audit ? (
        <>
          <SavedAudits />
          <Card>
            <EmptyState icon={<Activity aria-hidden className="size-6" />} title="No audit yet">
              <p>Audit the sample account, a live account or exported files to see unused permissions, right-sized policies proven to grant nothing new, escalation paths and risk.</p>
            </EmptyState>
          </Card>
        </>
      ) : (
        <>
          {audit.sample && <SampleBanner />}
          <OverviewCard run={run} />
          <PrincipalsCard audit={audit} />
          {principal && <PrincipalDetail audit={audit} principal={principal} onClose={() => select(null)} />}
          <PathsCard audit={audit} />
          <QueryCard auditId={run.id} audit={audit} />
          <DriftCard audit={audit} />
          <SavedAudits />
        </>
      )}
    </div>
  )
}
