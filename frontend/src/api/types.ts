import type {app, collect} from '../../wailsjs/go/models'

/**
 * Plain strips the helper methods Wails adds to generated model classes, so
 * the rest of the frontend works with plain data shaped exactly like the Go
 * DTOs' JSON. The Go structs stay the single source of truth.
 */
export type Plain<T> = T extends (infer U)[]
  ? Plain<U>[]
  : T extends object
    ? {[K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: Plain<T[K]>}
    : T

export type AppInfo = Plain<app.AppInfo>
export type Diagnostic = Plain<app.Diagnostic>
export type Settings = Plain<app.Settings>
export type MCPServer = Plain<app.MCPServer>
/** What an MCP server offers the auditor: the needs its tools meet and why it cannot meet the others. */
export type ServerReport = Plain<collect.ServerReport>
export type Profile = Plain<app.Profile>
export type ConnectionRequest = Plain<app.ConnectionRequest>
export type ConnectionResult = Plain<app.ConnectionResult>
export type SSOLogin = Plain<app.SSOLogin>
// Payload is a json.RawMessage: any JSON value, not the byte array Wails' generator assumes.
export type HistoryEntry = Omit<Plain<app.HistoryEntry>, 'payload'> & {payload: unknown}
export type PurgeResult = Plain<app.PurgeResult>
export type ValidateRequest = Plain<app.ValidateRequest>
// A finding without a mechanical fix carries null (Go's nil pointer).
export type Finding = Omit<Plain<app.Finding>, 'fix'> & {fix: FixOffer | null}
export type FixOffer = Plain<app.FixOffer>
export type PolicyReport = Omit<Plain<app.PolicyReport>, 'findings'> & {findings: Finding[]}
export type ValidateResult = Omit<Plain<app.ValidateResult>, 'policies'> & {policies: PolicyReport[]}
export type RiskScore = Plain<app.RiskScore>
export type FrameworkStatus = Plain<app.FrameworkStatus>
export type ControlStatus = Plain<app.ControlStatus>
export type FixRequest = Plain<app.FixRequest>
export type FixResult = Omit<Plain<app.FixResult>, 'result'> & {result: ValidateResult}
export type ExportResult = Plain<app.ExportResult>
