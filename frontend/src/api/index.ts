// Package api is the frontend's only door to Go: every call to a bound
// service and every runtime event goes through here, so tests mock this one
// module and the rest of the app never sees window.go or wailsjs.
import {Info} from '../../wailsjs/go/app/AppService'
import {Format} from '../../wailsjs/go/app/PolicyService'
import {Get, PurgeHistory, Save} from '../../wailsjs/go/app/SettingsService'
import {CancelSSOLogin, CompleteSSOLogin, List as ListProfiles, StartSSOLogin, TestConnection} from '../../wailsjs/go/app/ProfilesService'
import {Delete as DeleteHistory, Get as GetHistory, List as ListHistory} from '../../wailsjs/go/app/HistoryService'
import {app} from '../../wailsjs/go/models'
import type {
  AppInfo,
  ConnectionRequest,
  ConnectionResult,
  FormatRequest,
  FormatResult,
  HistoryEntry,
  Profile,
  PurgeResult,
  Settings,
  SSOLogin,
} from './types'

export * from './types'
export {onEvent, request, type EventMap, type MenuAction, type OpenedFile, type SSOStatus} from './events'

// Go encodes nil slices as null; the frontend always sees arrays.
const list = <T,>(xs: T[] | null | undefined): T[] => xs ?? []

const settingsOf = (s: Settings): Settings => ({
  ...s,
  mcpServers: list(s.mcpServers).map((m) => ({...m, args: list(m.args)})),
})

export const api = {
  appInfo: (): Promise<AppInfo> => Info(),
  formatPolicy: async (req: FormatRequest): Promise<FormatResult> => {
    const r = await Format(app.FormatRequest.createFrom(req))
    return {...r, errors: list(r.errors)}
  },
  getSettings: async (): Promise<Settings> => settingsOf(await Get()),
  saveSettings: async (s: Settings): Promise<Settings> => settingsOf(await Save(app.Settings.createFrom(s))),
  purgeHistory: (): Promise<PurgeResult> => PurgeHistory(),
  listProfiles: async (): Promise<Profile[]> => list(await ListProfiles()),
  testConnection: (req: ConnectionRequest): Promise<ConnectionResult> => TestConnection(app.ConnectionRequest.createFrom(req)),
  startSSOLogin: (profile: string): Promise<SSOLogin> => StartSSOLogin(profile),
  completeSSOLogin: (profile: string): Promise<ConnectionResult> => CompleteSSOLogin(profile),
  cancelSSOLogin: (profile: string): Promise<void> => CancelSSOLogin(profile),
  listHistory: async (kind: string, limit: number): Promise<HistoryEntry[]> => list(await ListHistory(kind, limit)),
  getHistory: (id: string): Promise<HistoryEntry> => GetHistory(id),
  deleteHistory: (id: string): Promise<void> => DeleteHistory(id),
}

export type Api = typeof api
