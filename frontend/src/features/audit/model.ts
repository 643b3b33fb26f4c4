// Pure helpers of the Audit pages: grouping permissions by service, the
// policy diff, severity counts and remediation texts.
import type {Audit, AuditPolicy, AuditPrincipal} from '../../api'

export type PermissionState = 'used' | 'unused' | 'unknown' | 'tooNew'

export interface ServicePermissions {
  service: string
  actions: {action: string; state: PermissionState}[]
  counts: Record<PermissionState, number>
}

/** byService groups a principal's live grants by service prefix, services with the most grants first. */
export function byService(p: AuditPrincipal): ServicePermissions[] {
  const out = new Map<string, ServicePermissions>()
  const add = (state: PermissionState) => (action: string) => {
    const service = action.slice(0, action.indexOf(':'))
    const s = out.get(service) ?? {service, actions: [], counts: {used: 0, unused: 0, unknown: 0, tooNew: 0}}
    s.actions.push({action, state})
    s.counts[state]++
    out.set(service, s)
  }
  p.permissions.used.forEach(add('used'))
  p.permissions.unused.forEach(add('unused'))
  p.permissions.unknown.forEach(add('unknown'))
  p.permissions.tooNew.forEach(add('tooNew'))
  return [...out.values()]
    .map((s) => ({...s, actions: s.actions.sort((a, b) => a.action.localeCompare(b.action))}))
    .sort((a, b) => b.actions.length - a.actions.length || a.service.localeCompare(b.service))
}

export interface DiffLine {
  op: ' ' | '+' | '-'
  text: string
}

/** lineDiff is the shortest edit script between two texts' lines (longest common subsequence). */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before === '' ? [] : before.split('\n')
  const b = after === '' ? [] : after.split('\n')
  const lcs: number[][] = Array.from({length: a.length + 1}, () => new Array<number>(b.length + 1).fill(0))
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!)
  const out: DiffLine[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({op: ' ', text: a[i]!})
      i++
      j++
    } else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      out.push({op: '-', text: a[i]!})
      i++
    } else {
      out.push({op: '+', text: b[j]!})
      j++
    }
  }
  return out
}

export type PolicyChange = 'unchanged' | 'rewritten' | 'new' | 'removed'

export interface PolicyDiff {
  name: string
  change: PolicyChange
  lines: DiffLine[]
}

const text = (pol: AuditPolicy | undefined) => (pol ? JSON.stringify(pol.document, null, 2) : '')

/** policyDiffs pairs today's policies with the recommended set by name: each policy's change and line diff. */
export function policyDiffs(p: AuditPrincipal): PolicyDiff[] {
  const rec = p.recommendation
  if (!rec) return []
  const after = new Map(rec.policies.map((pol) => [pol.name, pol]))
  const out: PolicyDiff[] = p.current.map((cur) => {
    const next = after.get(cur.name)
    const change: PolicyChange = !next ? 'removed' : next.status === 'unchanged' ? 'unchanged' : 'rewritten'
    return {name: cur.name, change, lines: lineDiff(text(cur), text(next))}
  })
  for (const pol of rec.policies) if (!p.current.some((c) => c.name === pol.name)) out.push({name: pol.name, change: 'new', lines: lineDiff('', text(pol))})
  return out
}

export type SeverityCounts = Record<'critical' | 'high' | 'medium' | 'low' | 'info', number>

/** severityCounts counts the findings of every principal by severity. */
export function severityCounts(a: Audit): SeverityCounts {
  const c: SeverityCounts = {critical: 0, high: 0, medium: 0, low: 0, info: 0}
  for (const p of a.principals) for (const f of p.findings) c[f.severity]++
  return c
}

const order = ['critical', 'high', 'medium', 'low', 'info'] as const

/** worstSeverity is a principal's most severe finding, or null. */
export function worstSeverity(p: AuditPrincipal): (typeof order)[number] | null {
  return order.find((s) => p.findings.some((f) => f.severity === s)) ?? null
}

/** remediation says what to do about each audit finding (docs/audit.md, findings). */
export const remediation: Record<string, string> = {
  'AEG-AUDIT-001': 'Nothing to change: AWS owns a service-linked role. Delete it only with the service that uses it.',
  'AEG-AUDIT-002': 'Collect the missing managed policies or fix the documents that do not parse, then audit again.',
  'AEG-AUDIT-003': 'Delete the principal, or its credentials, after confirming with its owner.',
  'AEG-AUDIT-004': 'Apply the right-sized policy below: it removes the unused permissions and is proven to grant nothing new.',
  'AEG-AUDIT-005': 'Remove the grants an SCP, RCP or boundary blocks: they mislead reviewers and return if the guardrail changes.',
  'AEG-AUDIT-006': 'Check the denied calls: a missing permission the workload needs, or attempts worth investigating.',
  'AEG-AUDIT-007': 'Deactivate and delete the unused access key.',
  'AEG-AUDIT-008': 'Remove the console password (delete the login profile).',
  'AEG-AUDIT-009': 'Break the path: remove the hop permissions (iam:PassRole, policy writes, sts:AssumeRole trust) it needs.',
}

/** shortName is the last part of an ARN (a principal's name). */
export const shortName = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1)

/** eta renders seconds left. */
export function eta(seconds: number): string {
  if (seconds < 0) return 'estimating…'
  if (seconds === 0) return ''
  if (seconds < 60) return `about ${seconds} s left`
  return `about ${Math.round(seconds / 60)} min left`
}
