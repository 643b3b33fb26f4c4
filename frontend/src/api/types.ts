import type {app} from '../../wailsjs/go/models'

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
export type FormatRequest = Plain<app.FormatRequest>
export type FormatResult = Plain<app.FormatResult>
export type Diagnostic = Plain<app.Diagnostic>
export type Settings = Plain<app.Settings>
export type MCPServer = Plain<app.MCPServer>
export type Profile = Plain<app.Profile>
export type ConnectionRequest = Plain<app.ConnectionRequest>
export type ConnectionResult = Plain<app.ConnectionResult>
export type SSOLogin = Plain<app.SSOLogin>
// Payload is a json.RawMessage: any JSON value, not the byte array Wails' generator assumes.
export type HistoryEntry = Omit<Plain<app.HistoryEntry>, 'payload'> & {payload: unknown}
export type PurgeResult = Plain<app.PurgeResult>
