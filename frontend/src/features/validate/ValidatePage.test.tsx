import {beforeEach, describe, expect, it, vi} from 'vitest'
import {act, render, screen, waitFor, within} from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import {api, mfaFinding, request, resetApi, validateResult} from '../../test/apiMock'
import {useValidate} from '../../stores/validate'
import {ValidatePage} from './ValidatePage'
import {groupByCategory} from './FindingsPanel'

vi.mock('../../api', () => import('../../test/apiMock'))
vi.mock('../../components/ui/CodeEditor', () => import('../../test/codeEditorMock'))

// The editor loads lazily: wait for it rather than its textarea stand-in.
async function editor() {
  await screen.findByTestId('editor-markers')
  return screen.getByTestId('policy-input')
}

const risky = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateUser","Resource":"*"}]}'

beforeEach(() => {
  resetApi()
  useValidate.setState(useValidate.getInitialState(), true)
})

describe('ValidatePage', () => {
  it('shows an empty state before anything is typed', async () => {
    render(<ValidatePage />)
    expect(screen.getByText('Nothing checked yet')).toBeInTheDocument()
    await editor()
    expect(api.validatePolicy).not.toHaveBeenCalled()
  })

  it('validates what is typed and shows the score, findings and markers', async () => {
    vi.mocked(api.validatePolicy).mockResolvedValue(validateResult([mfaFinding]))
    const user = userEvent.setup()
    render(<ValidatePage />)
    await user.click(await editor())
    await user.paste(risky)
    await waitFor(() => expect(api.validatePolicy).toHaveBeenCalledWith({text: risky, fileName: 'policy.json', kind: '', save: false}))
    expect(await screen.findByRole('meter', {name: 'Risk score'})).toHaveAttribute('aria-valuenow', '50')
    expect(screen.getByTestId('count-high')).toHaveTextContent('1')
    expect(screen.getByTestId('risk-explanation')).toHaveTextContent('score 50 (high)')
    const group = screen.getByRole('region', {name: 'Condition'})
    expect(within(group).getByText('Sensitive identity actions without MFA')).toBeInTheDocument()
    expect(within(group).getByText(mfaFinding.remediation)).toBeInTheDocument()
    expect(screen.getByTestId('editor-markers')).toHaveTextContent(`4:40 medium AEG-COND-004 Sensitive identity actions without MFA`)
    expect(screen.getByTestId('editor-markers')).toHaveTextContent(`| ${mfaFinding.remediation}`)
    expect(screen.getByTestId('policy-input')).toHaveAttribute('data-language', 'json')
  })

  it('saves the run once typing has settled', async () => {
    vi.useFakeTimers({shouldAdvanceTime: true})
    try {
      useValidate.setState({text: risky})
      render(<ValidatePage />)
      await act(() => vi.advanceTimersByTimeAsync(3000))
      expect(api.validatePolicy).toHaveBeenCalledWith(expect.objectContaining({save: false}))
      expect(api.validatePolicy).toHaveBeenLastCalledWith(expect.objectContaining({text: risky, save: true}))
    } finally {
      vi.useRealTimers()
    }
  })

  it('applies a one-click fix and shows the new text and result', async () => {
    useValidate.setState({text: risky, result: validateResult([mfaFinding])})
    vi.mocked(api.validatePolicy).mockResolvedValue(validateResult([mfaFinding]))
    const fixed = '{\n  "Version": "2012-10-17"\n}'
    vi.mocked(api.fixFinding).mockResolvedValue({text: fixed, result: validateResult([], fixed)})
    const user = userEvent.setup()
    render(<ValidatePage />)
    await user.click(screen.getByRole('button', {name: 'Require MFA'}))
    expect(api.fixFinding).toHaveBeenCalledWith({
      input: {text: risky, fileName: 'policy.json', kind: '', save: true},
      findingId: 'AEG-COND-004', line: 4, column: 40, statement: 0, value: '',
    })
    await screen.findByText('Every check passed.')
    expect(useValidate.getState().text).toBe(fixed)
  })

  it('asks for the value of a fix that needs one', async () => {
    const trust = {...mfaFinding, id: 'AEG-TRUST-007', category: 'trust', fix: {label: 'Restrict to your account (aws:SourceAccount)', paramLabel: 'AWS account ID', paramSuggestion: '111122223333'}}
    useValidate.setState({text: risky, result: validateResult([trust])})
    vi.mocked(api.validatePolicy).mockResolvedValue(validateResult([trust]))
    const user = userEvent.setup()
    render(<ValidatePage />)
    const field = screen.getByRole('textbox', {name: 'AWS account ID'})
    expect(field).toHaveValue('111122223333')
    await user.clear(field)
    await user.type(field, '123456789012')
    await user.click(screen.getByRole('button', {name: /Restrict to your account/}))
    expect(api.fixFinding).toHaveBeenCalledWith(expect.objectContaining({findingId: 'AEG-TRUST-007', value: '123456789012'}))
  })

  it('jumps to a finding in the editor', async () => {
    useValidate.setState({text: risky, result: validateResult([mfaFinding])})
    vi.mocked(api.validatePolicy).mockResolvedValue(validateResult([mfaFinding]))
    const user = userEvent.setup()
    render(<ValidatePage />)
    await editor()
    await user.click(screen.getByRole('button', {name: 'Go to line 4, column 40'}))
    expect(screen.getByTestId('editor-focus')).toHaveTextContent('4:40')
  })

  it('shows the compliance matrix', async () => {
    useValidate.setState({text: risky, result: validateResult([mfaFinding])})
    const user = userEvent.setup()
    render(<ValidatePage />)
    await user.click(screen.getByRole('tab', {name: 'Compliance'}))
    const fw = screen.getByTestId('compliance')
    expect(within(fw).getByText('PCI DSS')).toBeInTheDocument()
    for (const [control, status] of [['8.4.1', 'FAIL'], ['7.2.2', 'PASS'], ['3.7.2', 'MANUAL']]) {
      expect(fw.querySelector(`[data-control="${control}"]`)).toHaveTextContent(status!)
    }
  })

  it('exports a report through the save dialog', async () => {
    useValidate.setState({text: risky, path: '/home/me/admins.json', result: validateResult([mfaFinding])})
    const user = userEvent.setup()
    render(<ValidatePage />)
    await user.click(screen.getByRole('button', {name: 'SARIF'}))
    expect(api.exportReport).toHaveBeenCalledWith({text: risky, fileName: 'admins.json', kind: '', save: true}, 'sarif')
    await waitFor(() => expect(request).toHaveBeenCalledWith('app:save-policy', {text: '{"schemaVersion":"1.0"}', suggestedName: 'policy.aegis.json'}))
  })

  it('asks the shell to save the canonical form', async () => {
    useValidate.setState({text: '{ }', path: '/home/me/role.json', result: validateResult([], '{}\n')})
    const user = userEvent.setup()
    render(<ValidatePage />)
    await user.click(screen.getByRole('button', {name: /Save/}))
    expect(request).toHaveBeenCalledWith('app:save-policy', {text: '{}\n', suggestedName: 'role.json'})
  })

  it('validates an opened file straight away and saves it', async () => {
    await act(() => useValidate.getState().loadFile('/tmp/stack.yaml', 'Resources: {}'))
    expect(api.validatePolicy).toHaveBeenCalledWith({text: 'Resources: {}', fileName: 'stack.yaml', kind: '', save: true})
    expect(useValidate.getState().path).toBe('/tmp/stack.yaml')
  })

  it('reads a dropped file', async () => {
    render(<ValidatePage />)
    const file = new File(['resource "aws_iam_policy" "p" {}'], 'main.tf')
    const zone = screen.getByTestId('drop-zone')
    await act(async () => {
      zone.dispatchEvent(Object.assign(new Event('drop', {bubbles: true}), {dataTransfer: {files: [file]}}))
    })
    await waitFor(() => expect(api.validatePolicy).toHaveBeenCalledWith(expect.objectContaining({fileName: 'main.tf', text: 'resource "aws_iam_policy" "p" {}'})))
  })
})

describe('groupByCategory', () => {
  it('puts the worst category first and sorts each by severity', () => {
    const f = (id: string, category: string, severity: string, line = 1) => ({...mfaFinding, id, category, severity, line})
    const groups = groupByCategory([f('a', 'wildcard', 'low'), f('b', 'trust', 'high'), f('c', 'wildcard', 'critical', 3), f('d', 'trust', 'medium')])
    expect(groups.map((g) => [g.category, g.findings.map((x) => x.id)])).toEqual([
      ['wildcard', ['c', 'a']],
      ['trust', ['b', 'd']],
    ])
  })
})
