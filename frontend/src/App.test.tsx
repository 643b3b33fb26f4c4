import {beforeEach, describe, expect, it, vi} from 'vitest'
import {act, fireEvent, render, screen} from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import {emit, resetApi, request} from './test/apiMock'
import {useNavigation} from './stores/navigation'
import {useValidate} from './stores/validate'
import {useToasts} from './stores/toast'
import {App} from './App'

vi.mock('./api', () => import('./test/apiMock'))
vi.mock('./components/ui/CodeEditor', () => import('./test/codeEditorMock'))

beforeEach(() => {
  resetApi()
  useNavigation.setState(useNavigation.getInitialState(), true)
  useValidate.setState(useValidate.getInitialState(), true)
  useToasts.setState(useToasts.getInitialState(), true)
})

describe('App shell', () => {
  it('opens on Validate and shows version and IAM data date', async () => {
    render(<App />)
    expect(screen.getByRole('heading', {level: 1, name: 'Validate'})).toBeInTheDocument()
    expect(await screen.findByText('1.2.3')).toBeInTheDocument()
    expect(screen.getByText('2026-11-01')).toBeInTheDocument()
  })

  it('navigates by click, by Ctrl+number and by native menu', async () => {
    const user = userEvent.setup()
    render(<App />)
    await user.click(screen.getByRole('button', {name: /History/}))
    expect(screen.getByRole('heading', {level: 1, name: 'History'})).toBeInTheDocument()
    expect(screen.getByRole('button', {name: /History/})).toHaveAttribute('aria-current', 'page')
    fireEvent.keyDown(window, {key: '1', ctrlKey: true})
    expect(screen.getByRole('heading', {level: 1, name: 'Generate'})).toBeInTheDocument()
    expect(await screen.findByLabelText('Describe the workload')).toBeInTheDocument()
    act(() => emit('app:menu', {action: 'navigate', route: 'audit'}))
    expect(screen.getByRole('heading', {level: 1, name: 'Audit'})).toBeInTheDocument()
  })

  it('Ctrl+O asks the shell for a file and an opened file lands in Validate', async () => {
    render(<App />)
    fireEvent.keyDown(window, {key: '4', ctrlKey: true})
    fireEvent.keyDown(window, {key: 'o', ctrlKey: true})
    expect(request).toHaveBeenCalledWith('app:open-policy', {})
    await act(async () => emit('app:file-opened', {path: '/tmp/a.json', text: '{"Version":"2012-10-17","Statement":[]}'}))
    expect(screen.getByRole('heading', {level: 1, name: 'Validate'})).toBeInTheDocument()
    expect(screen.getByTestId('policy-input')).toHaveValue('{"Version":"2012-10-17","Statement":[]}')
    expect(screen.getByText('/tmp/a.json')).toBeInTheDocument()
  })

  it('reports file errors from the shell', async () => {
    render(<App />)
    act(() => emit('app:file-error', {message: 'open /x.json: permission denied'}))
    const detail = await screen.findByText('open /x.json: permission denied')
    expect(detail.closest('[role="alert"]')).toHaveTextContent('File operation failed')
  })
})
