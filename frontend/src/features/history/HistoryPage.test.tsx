import {beforeEach, describe, expect, it, vi} from 'vitest'
import {render, screen, within} from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import {api, resetApi} from '../../test/apiMock'
import type {AuditSummary, HistoryEntry} from '../../api'
import {useHistory} from '../../stores/history'
import {HistoryPage} from './HistoryPage'

const auditApi = vi.hoisted(() => ({list: vi.fn(), search: vi.fn(), trend: vi.fn(), drift: vi.fn(), open: vi.fn()}))
vi.mock('../../api', async () => ({...(await import('../../test/apiMock')), auditApi}))

const entry = (id: string, title: string, createdAt: string): HistoryEntry => ({
  id,
  kind: 'validation',
  title,
  createdAt,
  summary: `${title} summary`,
  payload: {canonical: '{}'},
})

const acct = '111122223333'
const audits: AuditSummary[] = [
  {id: 'a3', account: acct, createdAt: '2026-11-20T10:00:00Z', summary: 'risk 70, 2 principals, 1 escalation path'},
  {id: 'b1', account: '444455556666', createdAt: '2026-11-19T10:00:00Z', summary: 'risk 10, 1 principal, 0 escalation paths'},
  {id: 'a2', account: acct, createdAt: '2026-11-10T10:00:00Z', summary: 'risk 60, 2 principals, 0 escalation paths'},
  {id: 'a1', account: acct, createdAt: '2026-11-01T10:00:00Z', summary: 'risk 40, 2 principals, 0 escalation paths'},
]

beforeEach(() => {
  resetApi()
  useHistory.setState(useHistory.getInitialState(), true)
  auditApi.list.mockResolvedValue([])
  auditApi.search.mockResolvedValue([])
  auditApi.trend.mockImplementation(async (account: string) => ({
    account,
    points: [
      {id: 'a1', createdAt: '2026-11-01T10:00:00Z', riskScore: 40},
      {id: 'a2', createdAt: '2026-11-10T10:00:00Z', riskScore: 60},
      {id: 'a3', createdAt: '2026-11-20T10:00:00Z', riskScore: 70},
    ],
    principals: [
      {arn: `arn:aws:iam::${acct}:role/ci`, name: 'ci', scores: [-1, -1, 70]},
      {arn: `arn:aws:iam::${acct}:role/app`, name: 'app', scores: [40, 60, 50]},
    ],
  }))
})

describe('HistoryPage', () => {
  it('shows an empty state when nothing is saved', async () => {
    render(<HistoryPage />)
    expect(await screen.findByText('No history yet')).toBeInTheDocument()
    expect(api.listHistory).toHaveBeenCalledWith('', 200)
    expect(screen.queryByText('Audits over time')).not.toBeInTheDocument()
  })

  it('lists entries newest first, opens and deletes one', async () => {
    vi.mocked(api.listHistory).mockResolvedValue([entry('1', 'older', '2026-11-01T10:00:00Z'), entry('2', 'newer', '2026-11-20T10:00:00Z')])
    vi.mocked(api.getHistory).mockImplementation(async (id) => entry(id, id === '1' ? 'older' : 'newer', '2026-11-01T10:00:00Z'))
    const user = userEvent.setup()
    render(<HistoryPage />)
    await screen.findByText('newer')
    const titles = screen
      .getAllByRole('row')
      .slice(1)
      .map((r) => within(r).getAllByRole('cell')[2]!.textContent)
    expect(titles).toEqual(['newer', 'older'])
    await user.click(screen.getByText('older'))
    expect(await screen.findByRole('heading', {name: 'older'})).toBeInTheDocument()
    expect(screen.getByTestId('policy-viewer')).toHaveTextContent('"canonical": "{}"')
    await user.click(screen.getByRole('button', {name: 'Delete'}))
    expect(api.deleteHistory).toHaveBeenCalledWith('1')
    expect(await screen.findByText('newer')).toBeInTheDocument()
    expect(screen.queryByText('older')).not.toBeInTheDocument()
  })

  it('filters by kind and searches titles and summaries', async () => {
    const user = userEvent.setup()
    auditApi.search.mockResolvedValue([entry('9', 'deploy-role.json', '2026-11-01T10:00:00Z')])
    render(<HistoryPage />)
    await screen.findByText('No history yet')
    await user.selectOptions(screen.getByLabelText('Filter by kind'), 'audit')
    expect(api.listHistory).toHaveBeenLastCalledWith('audit', 200)
    expect(await screen.findByText('Nothing of this kind has been saved.')).toBeInTheDocument()
    await user.type(screen.getByLabelText('Search history'), 'deploy')
    expect(auditApi.search).toHaveBeenLastCalledWith('audit', 'deploy', 200)
    expect(await screen.findByText('deploy-role.json')).toBeInTheDocument()
  })

  it('charts an account over its audits and compares any two of them', async () => {
    auditApi.list.mockResolvedValue(audits)
    auditApi.drift.mockResolvedValue({
      from: audits[3],
      to: audits[0],
      drift: {
        previous: {start: '', end: ''},
        newPrincipals: [`arn:aws:iam::${acct}:role/ci`],
        removedPrincipals: [`arn:aws:iam::${acct}:role/old`],
        principals: [{arn: `arn:aws:iam::${acct}:role/app`, newPermissions: ['iam:PassRole'], removedPermissions: [], riskScoreChange: 10}],
        riskScoreChange: 30,
        newEscalationPaths: [],
        newExternalAccess: [],
      },
    })
    const user = userEvent.setup()
    render(<HistoryPage />)
    const chart = await screen.findByRole('img', {name: `Risk scores of ${acct} over 3 audits`})
    expect(auditApi.trend).toHaveBeenCalledWith(acct, 3)
    // The account's line, app's line, and ci's line from its first audit on.
    expect(chart.querySelector(`[data-series="Account ${acct}"] polyline`)?.getAttribute('points')?.split(' ')).toHaveLength(3)
    expect(chart.querySelectorAll('[data-series="ci"] circle')).toHaveLength(1)
    expect(within(screen.getByRole('list', {name: 'Trend legend'})).getByText('app: 50')).toBeInTheDocument()

    expect(screen.getByLabelText('From audit')).toHaveValue('a2')
    expect(screen.getByLabelText('To audit')).toHaveValue('a3')
    await user.selectOptions(screen.getByLabelText('From audit'), 'a1')
    await user.click(screen.getByRole('button', {name: 'Compare'}))
    expect(auditApi.drift).toHaveBeenCalledWith('a1', 'a3')
    const drift = await screen.findByRole('region', {name: 'Drift between audits'})
    expect(drift).toHaveTextContent('account risk +30')
    expect(within(drift).getByRole('list', {name: 'New principals'})).toHaveTextContent('role/ci')
    expect(within(drift).getByRole('list', {name: 'Removed principals'})).toHaveTextContent('role/old')
    expect(within(drift).getByRole('table', {name: 'Changed principals'})).toHaveTextContent('iam:PassRole')

    await user.selectOptions(screen.getByLabelText('Account'), '444455556666')
    expect(auditApi.trend).toHaveBeenLastCalledWith('444455556666', 3)
    expect(screen.getByText('Audit this account again to compare two audits.')).toBeInTheDocument()
  })
})
