import {create} from 'zustand'
import {generateApi, type Conversation, type GenerateFormat, type GenerateTemplate} from '../api/generate'
import {errorText, useToasts} from './toast'

/** What the user last asked, kept to repeat it once consent is given or refused. */
type Pending = {kind: 'start'; description: string; templateId: string; params: Record<string, string>} | {kind: 'send'; text: string}

interface GenerateState {
  conversation: Conversation | null
  templates: GenerateTemplate[]
  busy: boolean
  /** The model's reply as it streams; cleared when the answer arrives. */
  streaming: string
  pending: Pending | null
  exporting: GenerateFormat | null
  loadTemplates: () => Promise<void>
  start: (description: string) => Promise<void>
  startTemplate: (templateId: string, params: Record<string, string>) => Promise<void>
  /** send is a follow-up message, or the first one when no conversation is open. */
  send: (text: string) => Promise<void>
  answer: (questionId: string, value: string) => Promise<void>
  /** consent repeats the pending request with the model (true) or offline (false). */
  consent: (agree: boolean) => Promise<void>
  resume: (id: string) => Promise<void>
  exportAs: (format: GenerateFormat) => Promise<{text: string; suggestedName: string} | null>
  appendStream: (text: string) => void
  reset: () => void
}

const toastError = (title: string, err: unknown) => useToasts.getState().push({tone: 'error', title, detail: errorText(err)})

export const useGenerate = create<GenerateState>()((set, get) => {
  // run performs one call; a consent answer keeps the request pending.
  const run = async (pending: Pending | null, call: () => Promise<Conversation>, failure: string) => {
    set({busy: true, streaming: ''})
    try {
      const c = await call()
      if (c.status === 'consent') {
        set((s) => ({pending, conversation: s.conversation ? {...s.conversation, consent: c.consent, status: 'consent'} : c}))
      } else {
        set({conversation: c, pending: null})
      }
    } catch (err) {
      toastError(failure, err)
    } finally {
      set({busy: false, streaming: ''})
    }
  }
  const dispatch = (p: Pending, flags: {consent?: boolean; offline?: boolean}) => {
    const id = get().conversation?.id
    if (p.kind === 'start' || !id) {
      const start = p.kind === 'start' ? p : {description: p.text, templateId: '', params: {}}
      const req = {description: start.description, templateId: start.templateId, params: start.params, consent: !!flags.consent, offline: !!flags.offline}
      return run({kind: 'start', ...start}, () => generateApi.start(req), 'Could not generate the policies')
    }
    return run(p, () => generateApi.send({conversationId: id, text: p.text, consent: !!flags.consent, offline: !!flags.offline}), 'Could not send the message')
  }
  return {
    conversation: null,
    templates: [],
    busy: false,
    streaming: '',
    pending: null,
    exporting: null,
    loadTemplates: async () => {
      if (get().templates.length > 0) return
      try {
        set({templates: await generateApi.templates()})
      } catch (err) {
        toastError('Could not load the templates', err)
      }
    },
    start: (description) => {
      set({conversation: null})
      return dispatch({kind: 'start', description, templateId: '', params: {}}, {})
    },
    startTemplate: (templateId, params) => {
      set({conversation: null})
      return dispatch({kind: 'start', description: '', templateId, params}, {})
    },
    send: (text) => dispatch({kind: 'send', text}, {}),
    answer: async (questionId, value) => {
      const id = get().conversation?.id
      if (!id) return
      await run(null, () => generateApi.answer(id, [{id: questionId, value}]), 'Could not record the answer')
    },
    consent: async (agree) => {
      const p = get().pending
      if (!p) return
      await dispatch(p, agree ? {consent: true} : {offline: true})
    },
    resume: (id) => run(null, () => generateApi.resume(id), 'Could not reopen the conversation'),
    exportAs: async (format) => {
      const id = get().conversation?.id
      if (!id) return null
      set({exporting: format})
      try {
        return await generateApi.exportAs(id, format)
      } catch (err) {
        toastError(`Could not export ${format}`, err)
        return null
      } finally {
        set({exporting: null})
      }
    },
    appendStream: (text) => set((s) => ({streaming: s.streaming + text})),
    reset: () => set({conversation: null, pending: null, streaming: ''}),
  }
})
