// The Generate page's door to Go (backend/app GenerateService).
import {Answer, Export, Resume, Send, Start, Templates} from '../../wailsjs/go/app/GenerateService'
import {app, type generate} from '../../wailsjs/go/models'
import type {ExportResult, Plain} from './types'

export type Conversation = Omit<Plain<app.Conversation>, 'consent'> & {consent: ConsentPreview | null}
export type ConsentPreview = Plain<app.ConsentPreview>
export type ChatMessage = Plain<app.ChatMessage>
export type GenerateQuestion = Plain<generate.Question>
export type GenerateTemplate = Plain<generate.Template>
export type GenerateStart = Plain<app.GenerateStart>
export type GenerateMessage = Plain<app.GenerateMessage>
export type GenerateAnswer = Plain<generate.Answer>
export type StatementExplanation = Plain<generate.Explanation>

/** The formats Export renders. */
export type GenerateFormat = 'json' | 'terraform' | 'cloudformation' | 'cdk'

const list = <T,>(xs: T[] | null | undefined): T[] => xs ?? []

// Go encodes nil slices as null and a nil pointer as null: normalise once here.
const conversationOf = (c: app.Conversation): Conversation => ({
  ...c,
  consent: c.consent ?? null,
  messages: list(c.messages),
  questions: list(c.questions).map((q) => ({...q, options: list(q.options)})),
  explanations: list(c.explanations).map((e) => ({...e, actions: list(e.actions)})),
  suggestions: list(c.suggestions),
  findings: list(c.findings),
  decisions: list(c.decisions),
  defaults: list(c.defaults),
  notes: list(c.notes),
  placeholders: list(c.placeholders),
})

export const generateApi = {
  templates: async (): Promise<GenerateTemplate[]> => list(await Templates()).map((t) => ({...t, params: list(t.params), answers: list(t.answers)})),
  start: async (req: GenerateStart): Promise<Conversation> => conversationOf(await Start(app.GenerateStart.createFrom(req))),
  answer: async (conversationId: string, answers: GenerateAnswer[]): Promise<Conversation> =>
    conversationOf(await Answer(app.GenerateAnswers.createFrom({conversationId, answers}))),
  send: async (req: GenerateMessage): Promise<Conversation> => conversationOf(await Send(app.GenerateMessage.createFrom(req))),
  resume: async (id: string): Promise<Conversation> => conversationOf(await Resume(id)),
  exportAs: (id: string, format: GenerateFormat): Promise<ExportResult> => Export(id, format),
}
