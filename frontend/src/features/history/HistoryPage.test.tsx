import {beforeEach, describe, expect, it, vi} from 'vitest'
import {render, screen, within} from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import {api, resetApi} from '../../test/apiMock'
import type {HistoryEntry} from '../../api'
import {useHistory} from '../../stores/history'
import {HistoryPage} from './HistoryPage'

vi.mock('../../api', () => import('../../test/apiMock'))

const entry = (id: string, title: string, createdAt: string): HistoryEntry => ({
  id,
  kind: 'validation',
  title,
  createdAt,
  summary: `${title} summary`,
  payload: {canonical: '{}'},
})

beforeEach(() => {
  resetApi()
  useHistory.setState(useHistory.getInitialState(), true)
})

describe('HistoryPage', () => {
  it('shows an empty state when nothing is saved', async () => {
    render(<HistoryPage />)
    expect(await screen.findByText('No history yet')).toBeInTheDocument()
    expect(api.listHistory).toHaveBeenCalledWith('', 200)
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

  it('filters by kind', async () => {
    const user = userEvent.setup()
    render(<HistoryPage />)
    await screen.findByText('No history yet')
    await user.selectOptions(screen.getByLabelText('Filter by kind'), 'audit')
    expect(api.listHistory).toHaveBeenLastCalledWith('audit', 200)
    expect(await screen.findByText('Nothing of this kind has been saved.')).toBeInTheDocument()
  })
})
