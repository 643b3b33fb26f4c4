import {beforeEach, describe, expect, it, vi} from 'vitest'
import {act, render, screen, within} from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type {AuditPrincipal, AuditRun} from '../../api'
import {api, emit, request, resetApi} from '../../test/apiMock'
import {useAudit} from '../../stores/audit'
import {useNavigation} from '../../stores/navigation'
import {useSettings} from '../../stores/settings'
import {useProfiles} from '../../stores/profiles'
import {useToasts} from '../../stores/toast'
import {OpenAuditButton} from './OpenAuditButton'
import {AuditPage, unusedShare} from './AuditPage'

const auditApi = vi.hoisted(() => ({run: vi.fn(), cancel: vi.fn(), list: vi.fn(), open: vi.fn(), export: vi.fn(), regions: vi.fn(), lakeStores: vi.fn()}))
vi.mock('../../api', async () => {
  const real = await vi.importActual<typeof import('../../api')>('../../api')
  return {...(await import('../../test/apiMock')), auditApi, unreachableOf: real.unreachableOf, isCancelled: real.isCancelled}
})

const doc = (actions: string[]) => ({Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: actions, Resource: '*'}]})

function principal(name: string, risk: number, used: string[], unused: string[]): AuditPrincipal {
  return {
    arn: `arn:aws:iam::111122223333:role/${name}`,
    type: 'role',
    name,
    riskScore: risk,
    risk: {capability: risk, reach: 0, dormancy: 0},
    activity: {state: 'used', count: 3, lastUsed: '2025-06-02T10:00:00Z'} as never,
    editability: 'editable',
    findings: risk > 40 ? [{id: 'AEG-AUDIT-004', severity: 'high', message: 'can pass any role'}] : [],
    permissions: {
      used,
      unused,
      unknown: ['s3:GetObject'],
      tooNew: [],
      dead: [],
      unknownReasons: {'data-events-not-logged': 1},
      unusedByAccessLevel: {},
      unusedBySensitivity: {},
      denied: [],
    },
    current: [{name: `inline:${name}`, status: 'current', managed: false, document: doc([...used, ...unused, 's3:GetObject'].sort())}],
    recommendation: {
      kind: 'rewrite',
      detach: [],
      replace: [`inline:${name}`],
      delete: [],
      policies: [{name: `inline:${name}`, status: 'rewritten', managed: false, document: doc([...used, 's3:GetObject'].sort())}],
      proof: {noNewAccess: 'no-new-access', coversUsage: true},
      notes: [],
    },
  }
}

const deploy = principal('Deploy', 80, ['iam:PassRole'], ['ec2:RunInstances', 'ec2:TerminateInstances', 'iam:CreateRole'])
const run: AuditRun = {
  id: '01J',
  previousId: '01H',
  source: 'sample account',
  gaps: [],
  audit: {
    account: '111122223333',
    sample: true,
    collectedAt: '2025-06-03T00:00:00Z',
    window: {start: '2025-06-01T00:00:00Z', end: '2025-06-03T00:00:00Z'},
    riskScore: 72,
    coverage: {sources: ['cloudtrail'], days: 2, completeDays: 1, gaps: [{account: '111122223333', region: 'us-east-1', from: '2025-06-02', to: '2025-06-03', reason: 'no log files'}], dataEventTypes: [], failures: 0,
      regions: [{region: 'eu-west-1', days: 2, completeDays: 2, events: 40}, {region: 'us-east-1', days: 2, completeDays: 1, events: 3}]},
    problems: [],
    principals: [deploy, principal('Reader', 10, ['s3:ListBucket'], [])],
    escalationPaths: [{from: deploy.arn, to: 'arn:aws:iam::111122223333:role/Admin', hops: [{from: deploy.arn, to: 'arn:aws:iam::111122223333:role/Admin', via: 'iam:PassRole'}]}],
    externalAccess: [{resource: 'arn:aws:s3:::public', principal: '*', actions: ['s3:GetObject']}],
    drift: {
      previous: {start: '2025-05-01T00:00:00Z', end: '2025-05-31T00:00:00Z'},
      newPrincipals: [deploy.arn],
      removedPrincipals: [],
      principals: [],
      riskScoreChange: 5,
      newEscalationPaths: [],
      newExternalAccess: [],
    },
  },
}

beforeEach(() => {
  resetApi()
  useAudit.setState(useAudit.getInitialState(), true)
  useSettings.setState(useSettings.getInitialState(), true)
  useProfiles.setState(useProfiles.getInitialState(), true)
  useToasts.setState(useToasts.getInitialState(), true)
  auditApi.list.mockResolvedValue([])
  auditApi.open.mockResolvedValue(run)
  auditApi.cancel.mockResolvedValue(true)
  auditApi.regions.mockResolvedValue(['eu-west-1', 'us-east-1', 'us-west-2'])
  auditApi.lakeStores.mockResolvedValue([])
})

describe('AuditPage', () => {
  it('audits the sample with a bar per phase, then shows it labelled as sample data', async () => {
    let finish: (r: AuditRun) => void = () => {}
    auditApi.run.mockReturnValue(new Promise<AuditRun>((resolve) => (finish = resolve)))
    render(<AuditPage />)
    expect(screen.getByText('No audit yet')).toBeInTheDocument()
    await userEvent.click(screen.getByRole('button', {name: 'Audit the sample account'}))
    expect(auditApi.run).toHaveBeenCalledWith(expect.objectContaining({source: 'sample', authz: '', profile: ''}))
    act(() => emit('audit:progress', {phase: 'discover', step: 'sample import', done: 1, total: 1, etaSeconds: 0}))
    act(() => emit('audit:progress', {phase: 'usage', step: 'CloudTrail log files', done: 3, total: 4, etaSeconds: 12}))
    expect(screen.getByRole('progressbar', {name: 'Discover progress'})).toHaveAttribute('aria-valuenow', '100')
    expect(screen.getByRole('progressbar', {name: 'Usage progress'})).toHaveAttribute('aria-valuenow', '75')
    expect(screen.getByRole('progressbar', {name: 'Analyse progress'})).toHaveAttribute('aria-valuenow', '0')
    expect(screen.getByText(/CloudTrail log files 3\/4 about 12 s left/)).toBeInTheDocument()
    await act(async () => finish(run))

    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument()
    expect(screen.getByRole('note', {name: 'Sample data'})).toHaveTextContent('not a real AWS account')
    expect(screen.getByText('Sample account 111122223333')).toBeInTheDocument()
    const bySeverity = screen.getByRole('list', {name: 'Findings by severity'})
    expect(within(bySeverity).getAllByRole('listitem')[1]).toHaveTextContent('high 1')
    expect(within(screen.getByRole('list', {name: 'Gaps'})).getByText(/no log files/)).toBeInTheDocument()
    expect(screen.getByText('eu-west-1: 2 / 2 days complete; us-east-1: 1 / 2 days complete, 1 partly read')).toBeInTheDocument()
    expect(screen.getByText('data-events-not-logged: 2')).toBeInTheDocument()
    expect(within(screen.getByRole('list', {name: 'Escalation paths'})).getByText('iam:PassRole')).toBeInTheDocument()
    expect(within(screen.getByRole('list', {name: 'Drift'})).getByText('Risk score change: +5')).toBeInTheDocument()
  })

  it('cancels a running audit for real and says nothing was saved', async () => {
    auditApi.run.mockImplementation(() => new Promise((_, reject) => auditApi.cancel.mockImplementation(async () => (reject(new Error('audit cancelled')), true))))
    render(<AuditPage />)
    await userEvent.click(screen.getByRole('button', {name: 'Audit the sample account'}))
    await userEvent.click(screen.getByRole('button', {name: 'Cancel'}))
    expect(auditApi.cancel).toHaveBeenCalled()
    await vi.waitFor(() => expect(useToasts.getState().toasts.at(-1)?.title).toBe('Audit cancelled'))
    expect(screen.queryByRole('button', {name: 'Cancel'})).not.toBeInTheDocument()
  })

  it('names an unreachable source and offers the sample or files', async () => {
    vi.mocked(api.listProfiles).mockResolvedValue([{name: 'prod', region: 'eu-west-1', kind: 'sso'} as never])
    auditApi.run.mockRejectedValueOnce(
      JSON.stringify({message: 'the built-in AWS server (profile prod) is unreachable: token expired', unreachable: {source: 'aws', name: 'the built-in AWS server (profile prod)'}}),
    )
    render(<AuditPage />)
    await userEvent.click(screen.getByRole('radio', {name: /Built-in AWS server/}))
    await userEvent.selectOptions(await screen.findByLabelText('AWS profile'), 'prod')
    await userEvent.click(screen.getByRole('button', {name: 'Start audit'}))
    expect(auditApi.run).toHaveBeenCalledWith(expect.objectContaining({source: 'aws', profile: 'prod', regions: ['eu-west-1'], usage: 'lookup', authz: ''}))
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('The built-in AWS server (profile prod) could not be reached.')
    expect(alert).toHaveTextContent('token expired')
    auditApi.run.mockResolvedValueOnce(run)
    await userEvent.click(within(alert).getByRole('button', {name: 'Explore the sample account'}))
    expect(auditApi.run).toHaveBeenLastCalledWith(expect.objectContaining({source: 'sample'}))
    expect(await screen.findByRole('note', {name: 'Sample data'})).toBeInTheDocument()
  })

  it('sorts and filters principals; a principal shows services, the diff with both proofs, paths, findings, exports', async () => {
    useAudit.setState({run})
    auditApi.export.mockResolvedValue({text: 'aws iam put-role-policy', suggestedName: 'Deploy.rightsize.sh'})
    render(<AuditPage />)
    const rows = () => screen.getAllByRole('row').slice(1)
    expect(rows()[0]).toHaveTextContent('Deploy')
    expect(rows()[0]).toHaveTextContent('1/3/1 · 75% unused')
    await userEvent.click(screen.getByRole('button', {name: /^Risk/}))
    expect(rows()[0]).toHaveTextContent('Reader')
    await userEvent.selectOptions(screen.getByLabelText('Minimum risk'), '50')
    expect(rows()).toHaveLength(1)
    await userEvent.type(screen.getByLabelText('Filter principals'), 'read')
    expect(rows()).toHaveLength(0)
    await userEvent.selectOptions(screen.getByLabelText('Minimum risk'), '0')
    await userEvent.clear(screen.getByLabelText('Filter principals'))

    await userEvent.click(within(screen.getByRole('table')).getByText('Deploy'))
    const services = screen.getByRole('list', {name: 'Permissions by service'})
    expect(within(services).getAllByRole('listitem')[0]).toHaveTextContent('ec2')
    expect(within(services).getByText('ec2:TerminateInstances')).toBeInTheDocument()

    await userEvent.click(screen.getByRole('tab', {name: 'Right-sized policy'}))
    const proofs = screen.getByRole('region', {name: 'Proofs'})
    expect(proofs).toHaveTextContent('grants nothing new')
    expect(proofs).toHaveTextContent('covers all usage')
    const diff = screen.getByRole('region', {name: 'Policy diff'})
    expect(within(diff).getByText('rewritten')).toBeInTheDocument()
    const removed = [...diff.querySelectorAll('[data-op="-"]')].map((l) => l.textContent)
    expect(removed.map((l) => l?.replace(/\s+/g, ' '))).toEqual(['- "ec2:RunInstances",', '- "ec2:TerminateInstances",', '- "iam:CreateRole",'])
    expect(diff.querySelectorAll('[data-op="+"]')).toHaveLength(0)

    await userEvent.click(screen.getByRole('tab', {name: 'Escalation & external access'}))
    expect(within(screen.getByRole('list', {name: 'Principal escalation paths'})).getByText('Deploy → Admin in 1 hop')).toBeInTheDocument()
    await userEvent.click(screen.getByRole('tab', {name: 'Findings (1)'}))
    expect(screen.getByText(/Remediation: Apply the right-sized policy/)).toBeInTheDocument()

    await userEvent.click(screen.getByRole('button', {name: 'AWS CLI'}))
    expect(auditApi.export).toHaveBeenCalledWith('01J', deploy.arn, 'cli')
    await vi.waitFor(() => expect(request).toHaveBeenCalledWith('app:save-policy', {text: 'aws iam put-role-policy', suggestedName: 'Deploy.rightsize.sh'}))
    await userEvent.click(screen.getByRole('button', {name: 'Close the principal'}))
    expect(screen.queryByRole('region', {name: 'Proofs'})).not.toBeInTheDocument()
  })

  it('fills an exported file from the native file dialog', async () => {
    render(<AuditPage />)
    await userEvent.click(screen.getByRole('radio', {name: /Exported files/}))
    await userEvent.click(screen.getByRole('button', {name: 'Browse for CloudTrail log directory'}))
    expect(request).toHaveBeenCalledWith('app:pick-path', {field: 'cloudTrailDir', title: 'CloudTrail log directory', directory: true})
    act(() => emit('app:path-picked', {field: 'cloudTrailDir', path: '/logs'}))
    act(() => emit('app:path-picked', {field: 'policy', path: '/elsewhere'}))
    expect(screen.getByLabelText('CloudTrail log directory')).toHaveValue('/logs')
  })

  it('reopens a saved audit', async () => {
    auditApi.list.mockResolvedValue([{id: '01J', account: '111122223333', createdAt: '2025-06-03T10:00:00Z', summary: 'risk 72, 2 principals'}])
    render(<AuditPage />)
    await userEvent.click(await screen.findByRole('button', {name: /risk 72, 2 principals/}))
    expect(auditApi.open).toHaveBeenCalledWith('01J')
    expect(await screen.findByText('Sample account 111122223333')).toBeInTheDocument()
  })

  it('opens a History audit in the Audit page', async () => {
    render(<OpenAuditButton id="01J" />)
    await userEvent.click(screen.getByRole('button', {name: 'Open in Audit'}))
    expect(useNavigation.getState().route).toBe('audit')
    expect(auditApi.open).toHaveBeenCalledWith('01J')
    await vi.waitFor(() => expect(useAudit.getState().run).toEqual(run))
  })

  it('computes the unused share over judged permissions', () => {
    expect(unusedShare(principal('x', 0, ['a'], ['b', 'c', 'd']))).toBe(0.75)
    expect(unusedShare(principal('x', 0, [], []))).toBe(0)
  })
})
