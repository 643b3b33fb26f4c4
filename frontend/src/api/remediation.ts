// Remediation's door to Go (backend/app RemediationService): preview an
// audit recommendation as IAM calls, apply it with the preview's token,
// roll it back, list what was applied and the rollbacks later audits
// suggest (docs/remediation.md).
import {Apply, List, Preview, Rollback, Suggestions} from '../../wailsjs/go/app/RemediationService'
import {app, type remediate} from '../../wailsjs/go/models'
import type {Plain} from './types'

export type RemediationStatus = 'previewed' | 'applied' | 'apply-failed' | 'rolled-back' | 'rollback-failed'
export type RemediationStep = Plain<remediate.Step>
export type RemediationStepResult = Plain<remediate.StepResult>
export type RemediationRun = Omit<Plain<remediate.Run>, 'done' | 'pending' | 'mismatches'> & {
  done: RemediationStepResult[]
  pending: RemediationStep[]
  mismatches: string[]
}
export type Remediation = Omit<Plain<remediate.Record>, 'status' | 'steps' | 'notes' | 'apply' | 'rollback'> & {
  status: RemediationStatus
  steps: RemediationStep[]
  notes: string[]
  apply: RemediationRun | null
  rollback: RemediationRun | null
}
export type RollbackSuggestion = Plain<remediate.Suggestion>

const list = <T,>(xs: T[] | null | undefined): T[] => xs ?? []

const runOf = (r: remediate.Run | undefined): RemediationRun | null =>
  r ? {...r, done: list(r.done), pending: list(r.pending), mismatches: list(r.mismatches)} : null

// Go encodes nil slices as null and absent runs as undefined: normalise once here.
const recordOf = (r: remediate.Record): Remediation => ({
  ...r,
  status: r.status as RemediationStatus,
  steps: list(r.steps),
  notes: list(r.notes),
  removed: list(r.removed),
  baselineDenied: list(r.baselineDenied),
  apply: runOf(r.apply),
  rollback: runOf(r.rollback),
})

export const remediationApi = {
  preview: async (auditId: string, principal: string): Promise<Remediation> =>
    recordOf(await Preview(app.RemediationRequest.createFrom({auditId, principal}))),
  apply: async (id: string, token: string): Promise<Remediation> => recordOf(await Apply(app.ApplyRequest.createFrom({id, token}))),
  rollback: async (id: string): Promise<Remediation> => recordOf(await Rollback(id)),
  list: async (principal: string): Promise<Remediation[]> => list(await List(principal)).map(recordOf),
  suggestions: async (auditId: string): Promise<RollbackSuggestion[]> =>
    list(await Suggestions(auditId)).map((s) => ({...s, denied: list(s.denied), removed: list(s.removed)})),
}
