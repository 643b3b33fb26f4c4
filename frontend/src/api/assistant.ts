// The assistant panel's door to Go (backend/app AssistantService).
import {Ask, Status} from '../../wailsjs/go/app/AssistantService'
import {app} from '../../wailsjs/go/models'
import type {Plain} from './types'

export type AssistantStatus = Plain<app.AssistantStatus>
export type AssistantTurn = Plain<app.AssistantTurn>
export type AssistantConsent = Plain<app.AssistantConsent>
export type AssistantQuestion = Plain<app.AssistantQuestion>
export type AssistantCitation = AssistantReply['cites'][number]
/** The reply's status: answered, consent needed first, no model configured, or failed (see notice). */
export type AssistantReply = Omit<Plain<app.AssistantReply>, 'status' | 'consent'> & {
  status: 'answer' | 'consent' | 'unconfigured' | 'failed'
  consent: AssistantConsent | null
}

const list = <T,>(xs: T[] | null | undefined): T[] => xs ?? []

// Go encodes nil slices and pointers as null: normalise once here.
const replyOf = (r: app.AssistantReply): AssistantReply => ({
  ...r,
  status: r.status as AssistantReply['status'],
  cites: list(r.cites),
  consent: r.consent ? {...r.consent, tools: list(r.consent.tools)} : null,
})

export const assistantApi = {
  status: (): Promise<AssistantStatus> => Status(),
  ask: async (q: AssistantQuestion): Promise<AssistantReply> => replyOf(await Ask(app.AssistantQuestion.createFrom(q))),
}
