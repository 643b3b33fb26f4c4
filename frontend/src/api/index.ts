// Package api is the frontend's only door to Go: every call to a bound
// service and every runtime event goes through here, so tests mock this one
// module and the rest of the app never sees window.go or wailsjs.
import {Info} from '../../wailsjs/go/app/AppService'
import {CheckMCPServer, Get, PurgeHistory, Save} from '../../wailsjs/go/app/SettingsService'
import {CancelSSOLogin, CompleteSSOLogin, List as ListProfiles, StartSSOLogin, TestConnection} from '../../wailsjs/go/app/ProfilesService'
import {Delete as DeleteHistory, Get as GetHistory, List as ListHistory} from '../../wailsjs/go/app/HistoryService'
import {Export as ExportReport, Fix as FixFinding, Validate} from '../../wailsjs/go/app/ValidateService'
import {app} from '../../wailsjs/go/models'
import type {
  AppInfo,
  ConnectionRequest,
  ConnectionResult,
  HistoryEntry,
  MCPServer,
  Profile,
  PurgeResult,
  Settings,
  SSOLogin,
  ExportResult,
  FixRequest,
  FixResult,
  ValidateRequest,
  ValidateResult,
  ServerReport,
} from './types'

export * from './types'
export * from './generate'
export * from './audit'
export * from './assistant'
export * from './remediation'
export {onEvent, request, type EventMap, type MenuAction, type OpenedFile, type SSOStatus} from './events'

// Go encodes nil slices as null; the frontend always sees arrays.
const list = <T,>(xs: T[] | null | undefined): T[] => xs ?? []

const settingsOf = (s: Settings): Settings => ({
  ...s,
  mcpServers: list(s.mcpServers).map((m) => ({...m, args: list(m.args), env: list(m.env)})),
})

export const api = {
  appInfo: (): Promise<AppInfo> => Info(),
  getSettings: async (): Promise<Settings> => settingsOf(await Get()),
  saveSettings: async (s: Settings): Promise<Settings> => settingsOf(await Save(app.Settings.createFrom(s))),
  purgeHistory: (): Promise<PurgeResult> => PurgeHistory(),
  checkMCPServer: async (m: MCPServer): Promise<ServerReport> => {
    const r = await CheckMCPServer(app.MCPServer.createFrom(m))
    return {...r, tools: list(r.tools), provides: list(r.provides), lacks: list(r.lacks)}
  },
  listProfiles: async (): Promise<Profile[]> => list(await ListProfiles()),
  testConnection: (req: ConnectionRequest): Promise<ConnectionResult> => TestConnection(app.ConnectionRequest.createFrom(req)),
  startSSOLogin: (profile: string): Promise<SSOLogin> => StartSSOLogin(profile),
  completeSSOLogin: (profile: string): Promise<ConnectionResult> => CompleteSSOLogin(profile),
  cancelSSOLogin: (profile: string): Promise<void> => CancelSSOLogin(profile),
  listHistory: async (kind: string, limit: number): Promise<HistoryEntry[]> => list(await ListHistory(kind, limit)),
  getHistory: (id: string): Promise<HistoryEntry> => GetHistory(id),
  deleteHistory: (id: string): Promise<void> => DeleteHistory(id),
  validatePolicy: async (req: ValidateRequest): Promise<ValidateResult> => validateResultOf(await Validate(app.ValidateRequest.createFrom(req))),
  fixFinding: async (req: FixRequest): Promise<FixResult> => {
    const r = await FixFinding(app.FixRequest.createFrom(req))
    return {...r, result: validateResultOf(r.result)}
  },
  exportReport: (req: ValidateRequest, format: ReportFormat): Promise<ExportResult> => ExportReport(app.ValidateRequest.createFrom(req), format),
}

/** The report formats Export renders (backend/report). */
export type ReportFormat = 'json' | 'sarif' | 'markdown' | 'html'

const validateResultOf = (r: app.ValidateResult): ValidateResult => ({
  ...r,
  policies: list(r.policies).map((p) => ({
    ...p,
    score: scoreOf(p.score),
    findings: list(p.findings).map((f) => ({...f, compliance: list(f.compliance), fix: f.fix ?? null})),
    errors: list(p.errors),
  })),
  compliance: list(r.compliance).map((fw) => ({...fw, controls: list(fw.controls)})),
  notes: list(r.notes),
  score: scoreOf(r.score),
})

const scoreOf = (s: app.RiskScore): ValidateResult['score'] => ({...s, reasons: list(s.reasons)})

export type Api = typeof api
