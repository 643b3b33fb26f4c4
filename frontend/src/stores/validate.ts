import {create} from 'zustand'
import {api, request, type Finding, type ReportFormat, type ValidateRequest, type ValidateResult} from '../api'
import {inputName} from '../lib/inputName'
import {errorText, useToasts} from './toast'

/** Policy kinds the parser knows (backend/policy.Kind names). */
export const policyKinds = [
  {value: 'any', label: 'Detect kind'},
  {value: 'identity', label: 'Identity policy'},
  {value: 'resource', label: 'Resource policy'},
  {value: 'trust', label: 'Trust policy'},
  {value: 'scp', label: 'Service control policy'},
  {value: 'rcp', label: 'Resource control policy'},
  {value: 'boundary', label: 'Permissions boundary'},
  {value: 'session', label: 'Session policy'},
  {value: 'vpc-endpoint', label: 'VPC endpoint policy'},
] as const

/** A position the editor should move its caret to; seq changes on every request. */
export interface FocusRequest {
  line: number
  column: number
  seq: number
}

interface ValidateState {
  text: string
  kind: string
  /** The file the text came from (opened or dropped), if any. */
  path: string | null
  result: ValidateResult | null
  busy: boolean
  /** The finding whose fix is being applied (findingKey). */
  fixing: string | null
  exporting: ReportFormat | null
  focused: FocusRequest | null
  setText: (text: string) => void
  setKind: (kind: string) => void
  /** validate checks the text; save records the run in History. */
  validate: (save?: boolean) => Promise<void>
  focus: (line: number, column: number) => void
  loadFile: (path: string, text: string) => Promise<void>
  applyFix: (f: Finding, value: string) => Promise<boolean>
  exportReport: (format: ReportFormat) => Promise<void>
  requestOpen: () => void
  requestSave: () => void
}

/** findingKey identifies a finding within one result. */
export const findingKey = (f: Finding): string => `${f.id}@${f.line}:${f.column}#${f.statement}`

function requestOf(s: Pick<ValidateState, 'text' | 'kind' | 'path'>, save: boolean): ValidateRequest {
  return {text: s.text, fileName: inputName(s.path, s.text), kind: s.kind === 'any' ? '' : s.kind, save}
}

const toastError = (title: string, err: unknown) => useToasts.getState().push({tone: 'error', title, detail: errorText(err)})

export const useValidate = create<ValidateState>()((set, get) => ({
  text: '',
  kind: 'any',
  path: null,
  result: null,
  busy: false,
  fixing: null,
  exporting: null,
  focused: null,
  setText: (text) => set({text}),
  setKind: (kind) => set({kind}),
  validate: async (save = false) => {
    const s = get()
    if (s.text.trim() === '') {
      set({result: null})
      return
    }
    set({busy: true})
    try {
      const result = await api.validatePolicy(requestOf(s, save))
      // A slow answer for text that has changed since is stale.
      if (get().text === s.text && get().kind === s.kind) set({result})
    } catch (err) {
      toastError('Could not validate the policy', err)
    } finally {
      set({busy: false})
    }
  },
  focus: (line, column) => set((s) => ({focused: {line, column, seq: (s.focused?.seq ?? 0) + 1}})),
  loadFile: async (path, text) => {
    set({path, text, result: null})
    await get().validate(true)
  },
  applyFix: async (f, value) => {
    const s = get()
    set({fixing: findingKey(f)})
    try {
      const r = await api.fixFinding({input: requestOf(s, true), findingId: f.id, line: f.line, column: f.column, statement: f.statement, value})
      set({text: r.text, result: r.result})
      useToasts.getState().push({tone: 'success', title: `Applied: ${f.fix?.label ?? 'fix'}`, detail: `${f.id} is fixed; the policy was checked again.`})
      return true
    } catch (err) {
      toastError('Could not apply the fix', err)
      return false
    } finally {
      set({fixing: null})
    }
  },
  exportReport: async (format) => {
    const s = get()
    if (s.text.trim() === '') return
    set({exporting: format})
    try {
      const r = await api.exportReport(requestOf(s, true), format)
      request('app:save-policy', {text: r.text, suggestedName: r.suggestedName})
    } catch (err) {
      toastError('Could not export the report', err)
    } finally {
      set({exporting: null})
    }
  },
  requestOpen: () => request('app:open-policy', {}),
  requestSave: () => {
    const {text, result, path} = get()
    const body = result?.canonical ? result.canonical : text
    if (body.trim() === '') {
      useToasts.getState().push({tone: 'info', title: 'Nothing to save', detail: 'Paste or open a policy first.'})
      return
    }
    request('app:save-policy', {text: body, suggestedName: inputName(path, text)})
  },
}))
