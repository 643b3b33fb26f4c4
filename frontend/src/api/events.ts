import {EventsEmit, EventsOn} from '../../wailsjs/runtime/runtime'

/** Events the Go side emits (see backend/app and main.go). */
export interface SSOStatus {
  profile: string
  state: 'pending' | 'approved' | 'expired' | 'denied'
  message: string
}

export interface MenuAction {
  action: 'open-policy' | 'save-policy' | 'navigate'
  path?: string
  route?: string
}

export interface OpenedFile {
  path: string
  text: string
}

export interface SavedFile {
  path: string
}

export interface FileError {
  message: string
}

export interface EventMap {
  'sso:status': SSOStatus
  'app:menu': MenuAction
  'app:file-opened': OpenedFile
  'app:file-saved': SavedFile
  'app:file-error': FileError
  /** A piece of the model's reply while the Generate page waits (backend/app EventGenerateText). */
  'generate:text': {text: string}
  /** An offline audit's progress (backend/app EventAuditProgress). */
  'audit:progress': import('./audit').AuditProgress
  /** The file or folder the user picked for a page's input (answers 'app:pick-path'). */
  'app:path-picked': {field: string; path: string}
}

/** onEvent subscribes to a Go event and returns the unsubscribe function. */
export function onEvent<K extends keyof EventMap>(name: K, handler: (payload: EventMap[K]) => void): () => void {
  return EventsOn(name, (payload: EventMap[K]) => handler(payload))
}

/** Requests the desktop shell handles: native file dialogs live in Go. */
export interface RequestMap {
  'app:open-policy': Record<string, never>
  'app:save-policy': {text: string; suggestedName: string}
  /** Pick a file (or a folder) for a page's input; the answer is 'app:path-picked' with the same field. */
  'app:pick-path': {field: string; title: string; directory: boolean}
  /** The first frame is painted; pageMillis is the page's own clock (performance.now()). */
  'app:ready': {pageMillis: number}
}

export function request<K extends keyof RequestMap>(name: K, payload: RequestMap[K]): void {
  EventsEmit(name, payload)
}
