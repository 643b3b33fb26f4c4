import {create} from 'zustand'
import {api, request, type Diagnostic, type FormatResult} from '../api'
import {errorText, useToasts} from './toast'

/** Policy kinds the parser knows (backend/policy.Kind names). */
export const policyKinds = [
  {value: 'any', label: 'Any kind'},
  {value: 'identity', label: 'Identity policy'},
  {value: 'resource', label: 'Resource policy'},
  {value: 'trust', label: 'Trust policy'},
  {value: 'scp', label: 'Service control policy'},
  {value: 'rcp', label: 'Resource control policy'},
  {value: 'boundary', label: 'Permissions boundary'},
  {value: 'session', label: 'Session policy'},
  {value: 'vpc-endpoint', label: 'VPC endpoint policy'},
] as const

interface ValidateState {
  text: string
  kind: string
  path: string | null
  result: FormatResult | null
  busy: boolean
  /** The diagnostic the user picked; the editor moves its caret there. */
  focused: {diagnostic: Diagnostic; seq: number} | null
  setText: (text: string) => void
  setKind: (kind: string) => void
  format: () => Promise<void>
  focus: (d: Diagnostic) => void
  loadFile: (path: string, text: string) => Promise<void>
  requestOpen: () => void
  requestSave: () => void
}

export const useValidate = create<ValidateState>()((set, get) => ({
  text: '',
  kind: 'any',
  path: null,
  result: null,
  busy: false,
  focused: null,
  setText: (text) => set({text}),
  setKind: (kind) => set({kind}),
  format: async () => {
    const {text, kind} = get()
    if (text.trim() === '') {
      set({result: null})
      return
    }
    set({busy: true})
    try {
      set({result: await api.formatPolicy({text, kind})})
    } catch (err) {
      useToasts.getState().push({tone: 'error', title: 'Could not format the policy', detail: errorText(err)})
    } finally {
      set({busy: false})
    }
  },
  focus: (diagnostic) => set((s) => ({focused: {diagnostic, seq: (s.focused?.seq ?? 0) + 1}})),
  loadFile: async (path, text) => {
    set({path, text, result: null})
    await get().format()
  },
  requestOpen: () => request('app:open-policy', {}),
  requestSave: () => {
    const {text, result, path} = get()
    const body = result?.ok ? result.canonical : text
    if (body.trim() === '') {
      useToasts.getState().push({tone: 'info', title: 'Nothing to save', detail: 'Paste or open a policy first.'})
      return
    }
    request('app:save-policy', {text: body, suggestedName: baseName(path) ?? 'policy.json'})
  },
}))

function baseName(path: string | null): string | null {
  if (!path) return null
  return path.split(/[\\/]/).pop() ?? null
}
