import {beforeEach, describe, expect, it, vi} from 'vitest'
import {render, screen, within} from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type {AuditPrincipal, AuditRun, Remediation, RemediationRun} from '../../api'
import {settings} from '../../test/apiMock'
import {useAudit} from '../../stores/audit'
import {useSettings} from '../../stores/settings'
import {RemediatePanel} from './RemediatePanel'

const remediationApi = vi.hoisted(() => ({preview: vi.fn(), apply: vi.fn(), rollback: vi.fn(), list: vi.fn(), suggestions: vi.fn()}))
vi.mock('../../api', async () => ({...(await import('../../test/apiMock')), remediationApi}))

const arn = 'arn:aws:iam::111122223333:role/app'
const doc = {Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: 's3:GetObject', Resource: '*'}]}
const principal = {
  arn,
  name: 'app',
  recommendation: {kind: 'rewrite', detach: [], replace: ['inline:app'], delete: [], notes: [], proof: {noNewAccess: 'no-new-access', coversUsage: true},
    policies: [{name: 'inline:app', status: 'rewritten', managed: false, document: doc}]},
} as unknown as AuditPrincipal
const run = {id: 'audit-1', audit: {sample: false}} as unknown as AuditRun

const put = {
  call: {operation: 'PutRolePolicy', params: {RoleName: 'app', PolicyName: 'app', PolicyDocument: JSON.stringify(doc)}},
  why: 'write the inline policy app',
  cli: `aws iam put-role-policy --role-name app --policy-name app --policy-document '${JSON.stringify(doc)}'`,
}
const previewed: Remediation = {
  id: 'rem-1', auditId: 'audit-1', principal: {arn, kind: 'role', name: 'app', account: '111122223333', partition: 'aws'},
  createdAt: '2026-11-25T10:00:00Z', status: 'previewed', before: {inline: [], attached: {}, managed: [], attachedTotal: 0}, target: {inline: [], attached: {}, managed: [], attachedTotal: 0},
  steps: [put], token: 'tok-123', notes: [], removed: ['s3:DeleteBucket'], baselineDenied: [], apply: null, rollback: null,
}
const runOf = (over: Partial<RemediationRun>): RemediationRun => ({started: '', finished: '', done: [], pending: [], verified: true, mismatches: [], ...over})

function enable(on: boolean) {
  useSettings.setState({settings: {...settings, allowRemediation: on}})
}

beforeEach(() => {
  Object.values(remediationApi).forEach((f) => f.mockReset())
  remediationApi.list.mockResolvedValue([])
  remediationApi.suggestions.mockResolvedValue([])
  useAudit.setState({run})
})

describe('RemediatePanel', () => {
  it('is off until Settings allows remediation writes, and then calls nothing', () => {
    enable(false)
    render(<RemediatePanel principal={principal} />)
    expect(screen.getByText(/Remediation writes are off/)).toBeInTheDocument()
    expect(screen.queryByRole('button', {name: /Preview/})).not.toBeInTheDocument()
    Object.values(remediationApi).forEach((f) => expect(f).not.toHaveBeenCalled())
  })

  it('previews the calls, applies only once confirmed, reports the read-back and rolls back', async () => {
    enable(true)
    remediationApi.preview.mockResolvedValue(previewed)
    remediationApi.apply.mockResolvedValue({...previewed, status: 'applied', apply: runOf({done: [{...put, ok: true}]})})
    remediationApi.rollback.mockResolvedValue({...previewed, status: 'rolled-back', apply: runOf({done: [{...put, ok: true}]}), rollback: runOf({done: [{...put, ok: true}]})})
    const user = userEvent.setup()
    render(<RemediatePanel principal={principal} />)
    await user.click(await screen.findByRole('button', {name: /Preview the changes/}))
    expect(remediationApi.preview).toHaveBeenCalledWith('audit-1', arn)
    const calls = await screen.findByRole('list', {name: 'Planned calls'})
    expect(within(calls).getByText(/aws iam put-role-policy --role-name app/)).toBeInTheDocument()

    const apply = screen.getByRole('button', {name: 'Apply 1 call'})
    expect(apply).toBeDisabled()
    await user.click(screen.getByRole('checkbox', {name: /I reviewed these calls/}))
    await user.click(apply)
    expect(remediationApi.apply).toHaveBeenCalledWith('rem-1', 'tok-123')
    const report = await screen.findByRole('region', {name: 'Apply'})
    expect(within(report).getByText('verified')).toBeInTheDocument()

    await user.click(screen.getByRole('button', {name: 'Roll back'}))
    expect(remediationApi.rollback).toHaveBeenCalledWith('rem-1')
    expect(await screen.findByRole('region', {name: 'Rollback'})).toBeInTheDocument()
    expect(screen.getByText('rolled-back')).toBeInTheDocument()
    expect(screen.queryByRole('button', {name: 'Roll back'})).not.toBeInTheDocument()
  })

  it('reports a partial apply: the call denied, the calls not attempted, and offers the rollback', async () => {
    enable(true)
    const attach = {...put, call: {operation: 'AttachRolePolicy', params: {}}, why: 'attach the new policy'}
    const detach = {...put, call: {operation: 'DetachRolePolicy', params: {}}, why: 'detach the shared policy'}
    remediationApi.preview.mockResolvedValue({...previewed, steps: [put, attach, detach]})
    remediationApi.apply.mockResolvedValue({
      ...previewed, steps: [put, attach, detach], status: 'apply-failed',
      apply: runOf({done: [{...put, ok: true}, {...attach, ok: false, code: 'AccessDenied', error: 'not authorized'}], pending: [detach], verified: false,
        error: 'AttachRolePolicy failed after 1 of 3 calls'}),
    })
    const user = userEvent.setup()
    render(<RemediatePanel principal={principal} />)
    await user.click(await screen.findByRole('button', {name: /Preview the changes/}))
    await user.click(await screen.findByRole('checkbox', {name: /I reviewed/}))
    await user.click(screen.getByRole('button', {name: 'Apply 3 calls'}))
    const report = await screen.findByRole('region', {name: 'Apply'})
    expect(within(report).getByText(/AccessDenied: not authorized/)).toBeInTheDocument()
    expect(within(report).getByText(/not attempted: detach the shared policy/)).toBeInTheDocument()
    expect(within(report).getByText(/failed after 1 of 3 calls/)).toBeInTheDocument()
    expect(screen.getByRole('button', {name: 'Roll back'})).toBeEnabled()
  })

  it('offers the rollback a later audit suggests', async () => {
    enable(true)
    remediationApi.suggestions.mockResolvedValue([
      {recordId: 'rem-0', principal: arn, appliedAt: '2026-11-20T10:00:00Z', denied: [], removed: ['s3:DeleteBucket'], message: 'app was denied 1 actions since the remediation'},
      {recordId: 'rem-9', principal: 'arn:aws:iam::111122223333:role/other', appliedAt: '', denied: [], removed: [], message: 'other was denied'},
    ])
    remediationApi.rollback.mockResolvedValue({...previewed, id: 'rem-0', status: 'rolled-back', rollback: runOf({})})
    const user = userEvent.setup()
    render(<RemediatePanel principal={principal} />)
    const banner = await screen.findByRole('alert')
    expect(banner).toHaveTextContent('app was denied 1 actions')
    expect(screen.queryByText('other was denied')).not.toBeInTheDocument()
    await user.click(within(banner).getByRole('button', {name: 'Roll back'}))
    expect(remediationApi.rollback).toHaveBeenCalledWith('rem-0')
  })

  it('shows nothing for a principal with nothing to apply, and says the sample account cannot be changed', () => {
    enable(true)
    const keep = {...principal, recommendation: {...principal.recommendation!, kind: 'keep'}} as AuditPrincipal
    const {container} = render(<RemediatePanel principal={keep} />)
    expect(container).toBeEmptyDOMElement()
    useAudit.setState({run: {...run, audit: {...run.audit, sample: true}} as AuditRun})
    render(<RemediatePanel principal={principal} />)
    expect(screen.getByText(/sample account/)).toBeInTheDocument()
    expect(remediationApi.list).not.toHaveBeenCalled()
  })
})
