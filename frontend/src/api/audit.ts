// The Audit and History pages' door to Go (backend/app AuditService, and
// HistoryService's audit methods: search, drift, trend).
import {Cancel, Export, LakeStores, List, Open, Query, Regions, Run} from '../../wailsjs/go/app/AuditService'
import {Drift, Search, Trend} from '../../wailsjs/go/app/HistoryService'
import {app, type query, type result} from '../../wailsjs/go/models'
import type {HistoryEntry, Plain} from './types'

export type AuditSource = 'sample' | 'aws' | 'mcp' | 'files'
/** Where a live AWS audit's usage comes from: CloudTrail event history, Athena over the trail's logs, or a CloudTrail Lake store. */
export type UsageSource = 'lookup' | 'athena' | 'lake'
export type AthenaSource = Plain<app.AthenaSource>
/** A CloudTrail Lake event data store a profile sees (backend/app LakeStore). */
export type LakeStore = Plain<app.LakeStore>
// region is the single region of requests made before regions: the frontend sends regions only.
export type AuditRequest = Omit<Plain<app.AuditRequest>, 'source' | 'usage' | 'region'> & {source: AuditSource; usage: UsageSource}
export type AuditSummary = Plain<app.AuditSummary>
export type AuditPhase = 'discover' | 'usage' | 'analyse' | 'done'
/** An audit's progress (backend/app AuditProgress): done of total units of the phase's step; etaSeconds -1 while unknown. */
export type AuditProgress = {phase: AuditPhase; step: string; done: number; total: number; etaSeconds: number}
export type AuditDrift = Plain<result.Drift>
/** AuditFinding's severity is check.Severity's JSON name (Wails types it as its Go int). */
export type AuditFinding = Omit<Plain<result.Finding>, 'severity'> & {severity: 'critical' | 'high' | 'medium' | 'low' | 'info'}
/** AuditPolicy's document is the policy JSON itself (Wails types a json.RawMessage as bytes). */
export type AuditPolicy = Omit<Plain<result.Policy>, 'document'> & {document: unknown}
export type AuditRecommendation = Omit<Plain<result.Recommendation>, 'policies'> & {policies: AuditPolicy[]}
export type AuditPrincipal = Omit<Plain<result.Principal>, 'findings' | 'recommendation' | 'current'> & {
  findings: AuditFinding[]
  current: AuditPolicy[]
  recommendation?: AuditRecommendation
}
export type Audit = Omit<Plain<result.Audit>, 'principals' | 'drift'> & {principals: AuditPrincipal[]; drift: AuditDrift | null}
export type AuditGap = Audit['coverage']['gaps'][number]
/** A live collection's failed call: what it would have returned is unknown. */
export type CollectionGap = {tool: string; target?: string; api?: string; reason: string; message: string}
export interface AuditRun {
  id: string
  previousId: string
  source: string
  gaps: CollectionGap[]
  audit: Audit
}
export type AuditExportFormat = 'json' | 'terraform' | 'cloudformation' | 'cli'
export type AuditExport = Plain<app.ExportResult>
export type DriftBetween = {from: AuditSummary; to: AuditSummary; drift: AuditDrift}
export type AuditTrend = Plain<app.AuditTrend>
/** A query's answer (backend/audit/query Answer): who can act, or what a principal can do, and how. */
export type QueryMatch = Omit<Plain<query.Match>, 'path'> & {path: Plain<query.Hop>[]}
export type QueryAnswer = Omit<Plain<query.Answer>, 'matches'> & {matches: QueryMatch[]}

/** A data source that could not be reached (backend/app SourceError). */
export interface Unreachable {
  source: AuditSource
  name: string
  message: string
}

/** unreachableOf reads a rejected Run's text: the source it names, or null for any other failure. */
export function unreachableOf(err: unknown): Unreachable | null {
  const text = err instanceof Error ? err.message : typeof err === 'string' ? err : ''
  try {
    const v = JSON.parse(text) as {message?: string; unreachable?: {source?: string; name?: string}}
    if (v.unreachable?.source && v.unreachable.name) return {source: v.unreachable.source as AuditSource, name: v.unreachable.name, message: v.message ?? ''}
  } catch {
    // not JSON: an ordinary failure
  }
  return null
}

/** isCancelled says a rejected Run was cancelled (backend/app ErrAuditCancelled). */
export const isCancelled = (err: unknown): boolean => (err instanceof Error ? err.message : String(err)) === 'audit cancelled'

const list = <T,>(xs: T[] | null | undefined): T[] => xs ?? []

// Go encodes nil slices and maps as null: normalise once here.
const policyOf = (pol: result.Policy): AuditPolicy => ({...pol, document: pol.document as unknown})

const principalOf = (p: result.Principal): AuditPrincipal => ({
  ...p,
  findings: list(p.findings).map((f) => ({...f, severity: f.severity as unknown as AuditFinding['severity']})),
  current: list(p.current).map(policyOf),
  permissions: {
    ...p.permissions,
    used: list(p.permissions.used),
    unused: list(p.permissions.unused),
    unknown: list(p.permissions.unknown),
    tooNew: list(p.permissions.tooNew),
    dead: list(p.permissions.dead),
    denied: list(p.permissions.denied),
    unknownReasons: p.permissions.unknownReasons ?? {},
    unusedByAccessLevel: p.permissions.unusedByAccessLevel ?? {},
    unusedBySensitivity: p.permissions.unusedBySensitivity ?? {},
  },
  recommendation: p.recommendation && {
    ...p.recommendation,
    policies: list(p.recommendation.policies).map(policyOf),
    detach: list(p.recommendation.detach),
    replace: list(p.recommendation.replace),
    delete: list(p.recommendation.delete),
    notes: list(p.recommendation.notes),
    proof: {...p.recommendation.proof, reasons: list(p.recommendation.proof.reasons), lost: list(p.recommendation.proof.lost)},
  },
})

const driftOf = (d: result.Drift): AuditDrift => ({
  ...d,
  newPrincipals: list(d.newPrincipals),
  removedPrincipals: list(d.removedPrincipals),
  principals: list(d.principals).map((p) => ({...p, newPermissions: list(p.newPermissions), removedPermissions: list(p.removedPermissions)})),
  newEscalationPaths: list(d.newEscalationPaths).map((e) => ({...e, hops: list(e.hops)})),
  newExternalAccess: list(d.newExternalAccess).map((e) => ({...e, actions: list(e.actions)})),
})

export const auditRunOf = (r: app.AuditRun): AuditRun => {
  const a = r.audit
  if (!a) throw new Error(`audit ${r.id}: the answer holds no audit`)
  return {
    id: r.id,
    previousId: r.previousId,
    source: r.source ?? '',
    gaps: list(r.gaps as CollectionGap[] | null),
    audit: {
      ...a,
      sample: a.sample ?? false,
      coverage: {...a.coverage, sources: list(a.coverage.sources), gaps: list(a.coverage.gaps), dataEventTypes: list(a.coverage.dataEventTypes), regions: list(a.coverage.regions)},
      problems: list(a.problems),
      principals: list(a.principals).map(principalOf),
      escalationPaths: list(a.escalationPaths).map((e) => ({...e, hops: list(e.hops)})),
      externalAccess: list(a.externalAccess).map((e) => ({...e, actions: list(e.actions)})),
      drift: a.drift ? driftOf(a.drift) : null,
    },
  }
}

export const auditApi = {
  run: async (req: AuditRequest): Promise<AuditRun> => auditRunOf(await Run(app.AuditRequest.createFrom(req))),
  cancel: (): Promise<boolean> => Cancel(),
  regions: async (): Promise<string[]> => list(await Regions()),
  lakeStores: async (profile: string, region: string): Promise<LakeStore[]> => list(await LakeStores(profile, region)),
  list: async (): Promise<AuditSummary[]> => list(await List()),
  open: async (id: string): Promise<AuditRun> => auditRunOf(await Open(id)),
  export: (id: string, principal: string, format: AuditExportFormat): Promise<AuditExport> =>
    Export(app.AuditExportRequest.createFrom({id, principal, format})),
  query: async (id: string, text: string): Promise<QueryAnswer> => {
    const a = await Query(id, text)
    return {
      ...a,
      resourcePolicies: list(a.resourcePolicies),
      problems: list(a.problems),
      matches: list(a.matches).map((m) => ({...m, actions: list(m.actions), conditional: list(m.conditional), path: list(m.path)})),
    }
  },
  search: async (kind: string, query: string, limit: number): Promise<HistoryEntry[]> => list(await Search(kind, query, limit)),
  drift: async (from: string, to: string): Promise<DriftBetween> => {
    const d = await Drift(from, to)
    if (!d.drift) throw new Error('the answer holds no drift')
    return {from: d.from, to: d.to, drift: driftOf(d.drift)}
  },
  trend: async (account: string, top: number): Promise<AuditTrend> => {
    const t = await Trend(account, top)
    return {...t, points: list(t.points), principals: list(t.principals).map((p) => ({...p, scores: list(p.scores)}))}
  },
}
