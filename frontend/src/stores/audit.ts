import {create} from 'zustand'
import {
  auditApi,
  isCancelled,
  onEvent,
  request as requestShell,
  unreachableOf,
  type AuditExportFormat,
  type AuditPhase,
  type AuditProgress,
  type AthenaSource,
  type AuditRequest,
  type AuditRun,
  type AuditSummary,
  type Unreachable,
} from '../api'
import {parseFieldErrors, type FieldErrors} from '../lib/fieldErrors'
import {errorText, useToasts} from './toast'

/** The phases with a progress bar, in order. */
export const auditPhases = ['discover', 'usage', 'analyse'] as const satisfies readonly AuditPhase[]

interface AuditState {
  request: AuditRequest
  run: AuditRun | null
  saved: AuditSummary[]
  busy: boolean
  cancelling: boolean
  /** The last progress of each phase of the running audit. */
  progress: Partial<Record<AuditPhase, AuditProgress>>
  /** The data source the last run could not reach. */
  unreachable: Unreachable | null
  /** The principal whose detail panel is open (its ARN). */
  selected: string | null
  exporting: AuditExportFormat | null
  /** The request's fields Go rejected (AuditService.Run's ValidationError), by JSON name ("regions[0]", "athena.table"). */
  fieldErrors: FieldErrors
  setRequest: (patch: Partial<AuditRequest>) => void
  start: () => Promise<void>
  cancel: () => Promise<void>
  loadSaved: () => Promise<void>
  open: (id: string) => Promise<void>
  select: (arn: string | null) => void
  exportFor: (principal: string, format: AuditExportFormat) => Promise<void>
}

export const emptyAthena: AthenaSource = {database: '', table: '', bucket: '', prefix: '', org: '', since: '', workgroup: '', output: '', roleArn: ''}

export const emptyRequest: AuditRequest = {
  source: 'sample',
  profile: '',
  regions: [],
  allRegions: false,
  usage: 'lookup',
  athena: emptyAthena,
  lakeEventDataStore: '',
  mcpServer: '',
  authz: '',
  credentialReport: '',
  organization: '',
  passwordPolicy: '',
  resourcePolicies: '',
  accessAdvisor: '',
  eventSelectors: '',
  cloudTrailDir: '',
  bundle: '',
  windowDays: 90,
  end: '',
}

/** requestFor keeps only what req's source reads: a live audit sends no file paths, the sample nothing. */
export function requestFor(req: AuditRequest): AuditRequest {
  const clear = {...emptyRequest, source: req.source, windowDays: req.windowDays, end: req.end}
  switch (req.source) {
    case 'sample':
      return clear
    case 'aws':
      return {
        ...clear,
        profile: req.profile,
        regions: req.allRegions ? [] : req.regions,
        allRegions: req.allRegions,
        usage: req.usage,
        athena: req.usage === 'athena' ? req.athena : emptyAthena,
        lakeEventDataStore: req.usage === 'lake' ? req.lakeEventDataStore : '',
        cloudTrailDir: req.cloudTrailDir,
      }
    case 'mcp':
      return {...clear, mcpServer: req.mcpServer, cloudTrailDir: req.cloudTrailDir}
    case 'files':
      return {...req, profile: '', regions: [], allRegions: false, usage: 'lookup', athena: emptyAthena, lakeEventDataStore: '', mcpServer: ''}
  }
}

const fail = (title: string, err: unknown) => useToasts.getState().push({tone: 'error', title, detail: errorText(err)})

export const useAudit = create<AuditState>()((set, get) => ({
  request: emptyRequest,
  run: null,
  saved: [],
  busy: false,
  cancelling: false,
  progress: {},
  unreachable: null,
  selected: null,
  exporting: null,
  fieldErrors: {},
  setRequest: (patch) => set((s) => ({request: {...s.request, ...patch}})),
  start: async () => {
    set({busy: true, cancelling: false, progress: {}, unreachable: null, fieldErrors: {}})
    const off = onEvent('audit:progress', (p) => set((s) => ({progress: {...s.progress, [p.phase]: p}})))
    try {
      const run = await auditApi.run(requestFor(get().request))
      set({run, selected: null})
      await get().loadSaved()
    } catch (err) {
      const unreachable = unreachableOf(err)
      const invalid = parseFieldErrors(err)
      if (unreachable) set({unreachable})
      else if (Object.keys(invalid.fields).length > 0) {
        set({fieldErrors: invalid.fields})
        useToasts.getState().push({tone: 'error', title: 'Check the audit form', detail: Object.values(invalid.fields).join(' ')})
      }
      else if (isCancelled(err)) useToasts.getState().push({tone: 'info', title: 'Audit cancelled', detail: 'Nothing was saved.'})
      else fail('The audit failed', err)
    } finally {
      off()
      set({busy: false, cancelling: false, progress: {}})
    }
  },
  cancel: async () => {
    set({cancelling: true})
    try {
      await auditApi.cancel()
    } catch (err) {
      fail('Could not cancel the audit', err)
    }
  },
  loadSaved: async () => {
    try {
      set({saved: await auditApi.list()})
    } catch (err) {
      fail('Could not list saved audits', err)
    }
  },
  open: async (id) => {
    try {
      set({run: await auditApi.open(id), selected: null})
    } catch (err) {
      fail('Could not open the audit', err)
    }
  },
  select: (selected) => set({selected}),
  exportFor: async (principal, format) => {
    const run = get().run
    if (!run) return
    set({exporting: format})
    try {
      const r = await auditApi.export(run.id, principal, format)
      requestShell('app:save-policy', {text: r.text, suggestedName: r.suggestedName})
    } catch (err) {
      fail('Could not export', err)
    } finally {
      set({exporting: null})
    }
  },
}))
