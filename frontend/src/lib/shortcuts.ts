import type {Route} from './routes'
import {routes} from './routes'

/** A command the keyboard can trigger anywhere in the app. */
export type Command = {type: 'navigate'; route: Route} | {type: 'open'} | {type: 'save'} | {type: 'run'}

export interface KeyLike {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
  shiftKey: boolean
}

/**
 * commandFor maps a key press to a command: Ctrl/Cmd+1..5 open the pages in
 * navigation order, Ctrl/Cmd+O opens a policy, Ctrl/Cmd+S saves it and
 * Ctrl/Cmd+Enter runs the current page's action.
 */
export function commandFor(e: KeyLike): Command | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return null
  if (e.key === 'Enter') return {type: 'run'}
  if (e.shiftKey) return null
  const key = e.key.toLowerCase()
  if (key === 'o') return {type: 'open'}
  if (key === 's') return {type: 'save'}
  const n = Number.parseInt(key, 10)
  const r = routes[n - 1]
  if (String(n) === key && r) return {type: 'navigate', route: r.id}
  return null
}
