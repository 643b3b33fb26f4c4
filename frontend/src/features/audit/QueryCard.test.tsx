import {beforeEach, describe, expect, it, vi} from 'vitest'
import {render, screen, within} from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type {Audit, QueryAnswer} from '../../api'
import {useAudit} from '../../stores/audit'
import {QueryCard} from './QueryCard'

const auditApi = vi.hoisted(() => ({query: vi.fn()}))
vi.mock('../../api', async () => ({...(await import('../../test/apiMock')), auditApi}))

const deploy = 'arn:aws:iam::111122223333:role/Deploy'
const audit = {principals: [{arn: deploy}]} as unknown as Audit
const answer: QueryAnswer = {
  query: 'who can iam:PassRole',
  kind: 'who-can',
  account: '111122223333',
  action: 'iam:PassRole',
  resource: '*',
  resourcePolicies: [],
  problems: [],
  matches: [
    {principal: deploy, type: 'role', via: 'policies', actions: ['iam:PassRole'], conditional: [], path: []},
    {principal: 'arn:aws:iam::444455556666:root', type: 'external', via: 'resource-policy', actions: ['iam:PassRole'], conditional: ['iam:PassRole'], path: []},
  ],
}

beforeEach(() => {
  useAudit.setState(useAudit.getInitialState(), true)
  auditApi.query.mockReset()
})

describe('QueryCard', () => {
  it('asks about the audit shown and links matches that are its principals', async () => {
    auditApi.query.mockResolvedValue(answer)
    render(<QueryCard auditId="01J" audit={audit} />)
    await userEvent.type(screen.getByRole('textbox', {name: 'Query'}), 'who can iam:PassRole')
    await userEvent.click(screen.getByRole('button', {name: 'Ask'}))
    expect(auditApi.query).toHaveBeenCalledWith('01J', 'who can iam:PassRole')
    const list = await screen.findByLabelText('Query answer')
    expect(list).toHaveTextContent('2 matches')
    expect(within(list).getByText('arn:aws:iam::444455556666:root')).toBeInTheDocument()
    expect(within(list).queryByRole('button', {name: /444455556666/})).toBeNull()
    await userEvent.click(within(list).getByRole('button', {name: 'Deploy'}))
    expect(useAudit.getState().selected).toBe(deploy)
  })

  it('shows a malformed query’s column', async () => {
    auditApi.query.mockRejectedValue(new Error('column 22: want "on" before the resource, got "at"'))
    render(<QueryCard auditId="01J" audit={audit} />)
    await userEvent.type(screen.getByRole('textbox', {name: 'Query'}), 'who can iam:PassRole at x{Enter}')
    expect(await screen.findByRole('alert')).toHaveTextContent('column 22')
    expect(screen.getByRole('textbox', {name: 'Query'})).toHaveAttribute('aria-invalid', 'true')
  })
})
