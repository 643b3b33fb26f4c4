import {beforeEach, describe, expect, it, vi} from 'vitest'
import {act, render, screen, waitFor} from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import {api, okResult, resetApi, request} from '../../test/apiMock'
import {useValidate} from '../../stores/validate'
import {ValidatePage} from './ValidatePage'

vi.mock('../../api', () => import('../../test/apiMock'))

const broken = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allw"}\n  ]\n}'

beforeEach(() => {
  resetApi()
  useValidate.setState(useValidate.getInitialState(), true)
})

describe('ValidatePage', () => {
  it('shows an empty state before anything is typed', () => {
    render(<ValidatePage />)
    expect(screen.getByText('Nothing checked yet')).toBeInTheDocument()
    expect(api.formatPolicy).not.toHaveBeenCalled()
  })

  it('formats what is typed and shows the canonical JSON', async () => {
    const canonical = '{\n  "Version": "2012-10-17",\n  "Statement": []\n}'
    vi.mocked(api.formatPolicy).mockResolvedValue(okResult(canonical))
    const user = userEvent.setup()
    render(<ValidatePage />)
    await user.click(screen.getByTestId('policy-input'))
    await user.paste('{"Statement":[],"Version":"2012-10-17"}')
    await waitFor(() => expect(screen.getByTestId('policy-viewer').textContent).toBe(canonical))
    expect(api.formatPolicy).toHaveBeenLastCalledWith({text: '{"Statement":[],"Version":"2012-10-17"}', kind: 'any'})
    expect(screen.getByText('Valid syntax')).toBeInTheDocument()
  })

  it('lists positioned errors and moves the caret to one when clicked', async () => {
    const at = broken.indexOf('"Allw"')
    vi.mocked(api.formatPolicy).mockResolvedValue({
      ok: false,
      canonical: '',
      errors: [{line: 4, column: 16, offset: at, path: 'Statement[0].Effect', code: 'bad-effect', message: 'Effect must be "Allow" or "Deny"'}],
    })
    const user = userEvent.setup()
    render(<ValidatePage />)
    const input = screen.getByTestId<HTMLTextAreaElement>('policy-input')
    await user.click(input)
    await user.paste(broken)
    const item = await screen.findByRole('button', {name: /4:16.*Statement\[0\]\.Effect.*Effect must be/})
    expect(screen.getByText('1 error')).toBeInTheDocument()
    await user.click(item)
    expect(input).toHaveFocus()
    expect(input.selectionStart).toBe(at)
  })

  it('checks with the chosen kind', async () => {
    const user = userEvent.setup()
    render(<ValidatePage />)
    await user.selectOptions(screen.getByLabelText('Kind'), 'trust')
    await user.click(screen.getByTestId('policy-input'))
    await user.paste('{}')
    await waitFor(() => expect(api.formatPolicy).toHaveBeenLastCalledWith({text: '{}', kind: 'trust'}))
  })

  it('asks the shell to save the canonical form', async () => {
    useValidate.setState({text: '{ }', path: '/home/me/role.json', result: okResult('{}\n')})
    const user = userEvent.setup()
    render(<ValidatePage />)
    await user.click(screen.getByRole('button', {name: /Save/}))
    expect(request).toHaveBeenCalledWith('app:save-policy', {text: '{}\n', suggestedName: 'role.json'})
  })

  it('formats an opened file straight away', async () => {
    vi.mocked(api.formatPolicy).mockResolvedValue(okResult('{}'))
    await act(() => useValidate.getState().loadFile('/tmp/p.json', '{ }'))
    expect(api.formatPolicy).toHaveBeenCalledWith({text: '{ }', kind: 'any'})
    expect(useValidate.getState().path).toBe('/tmp/p.json')
  })
})
