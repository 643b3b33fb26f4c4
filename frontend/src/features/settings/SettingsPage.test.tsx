import {beforeEach, describe, expect, it, vi} from 'vitest'
import {act, render, screen, waitFor, within} from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import {api, emit, resetApi} from '../../test/apiMock'
import type {Profile} from '../../api'
import {useSettings} from '../../stores/settings'
import {useProfiles} from '../../stores/profiles'
import {SettingsPage} from './SettingsPage'

vi.mock('../../api', () => import('../../test/apiMock'))

const profile = (name: string, kind: string, extra: Partial<Profile> = {}): Profile => ({
  name,
  kind,
  region: 'eu-west-1',
  sourceProfile: '',
  roleArn: '',
  mfaSerial: '',
  ssoSession: '',
  ssoStartUrl: '',
  ssoRegion: '',
  ssoAccountId: '',
  ssoRoleName: '',
  ...extra,
})

const failed = {ok: false, account: '', arn: '', userId: '', needsMfa: false, mfaSerial: '', needsSsoLogin: false, message: ''}

const rowOf = (name: string) => {
  const el = document.querySelector<HTMLElement>(`[data-profile="${name}"]`)
  if (!el) throw new Error(`no row for profile ${name}`)
  return el
}

async function renderLoaded() {
  await act(() => useSettings.getState().load())
  render(<SettingsPage />)
  await screen.findByRole('list', {name: 'AWS profiles'})
}

beforeEach(() => {
  resetApi()
  useSettings.setState(useSettings.getInitialState(), true)
  useProfiles.setState(useProfiles.getInitialState(), true)
  vi.mocked(api.listProfiles).mockResolvedValue([
    profile('dev', 'static'),
    profile('admin', 'mfa', {mfaSerial: 'arn:aws:iam::123456789012:mfa/alice'}),
    profile('sso-prod', 'sso', {ssoStartUrl: 'https://acme.awsapps.com/start', ssoAccountId: '210987654321', ssoRoleName: 'ReadOnly'}),
  ])
})

describe('SettingsPage profiles', () => {
  it('lists profiles with their kind and region', async () => {
    await renderLoaded()
    const row = rowOf('sso-prod')
    expect(within(row).getByText('sso')).toBeInTheDocument()
    expect(within(row).getByText('eu-west-1')).toBeInTheDocument()
    expect(within(row).getByText(/acme\.awsapps\.com.*210987654321.*ReadOnly/)).toBeInTheDocument()
  })

  it('shows the caller identity after a successful test', async () => {
    const user = userEvent.setup()
    await renderLoaded()
    const row = rowOf('dev')
    await user.click(within(row).getByRole('button', {name: 'Test connection'}))
    expect(await within(row).findByText('Connected to account 123456789012')).toBeInTheDocument()
    expect(api.testConnection).toHaveBeenCalledWith({profile: 'dev', mfaCode: ''})
  })

  it('asks for an MFA code and retries with it', async () => {
    vi.mocked(api.testConnection)
      .mockResolvedValueOnce({...failed, needsMfa: true, mfaSerial: 'arn:aws:iam::123456789012:mfa/alice'})
      .mockResolvedValueOnce({...failed, ok: true, account: '123456789012', arn: 'arn:aws:iam::123456789012:user/alice'})
    const user = userEvent.setup()
    await renderLoaded()
    const row = rowOf('admin')
    await user.click(within(row).getByRole('button', {name: 'Test connection'}))
    const code = await within(row).findByLabelText(/Enter the code from your MFA device/)
    await user.type(code, '12a3456')
    await user.click(within(row).getByRole('button', {name: 'Verify'}))
    expect(api.testConnection).toHaveBeenLastCalledWith({profile: 'admin', mfaCode: '123456'})
    expect(await within(row).findByText('Connected to account 123456789012')).toBeInTheDocument()
  })

  it('walks through SSO device sign-in and shows progress events', async () => {
    vi.mocked(api.testConnection).mockResolvedValueOnce({...failed, needsSsoLogin: true, message: 'The SSO token has expired.'})
    let approve: (v: Awaited<ReturnType<typeof api.completeSSOLogin>>) => void = () => {}
    vi.mocked(api.completeSSOLogin).mockReturnValueOnce(new Promise((r) => (approve = r)))
    const user = userEvent.setup()
    await renderLoaded()
    const row = rowOf('sso-prod')
    await user.click(within(row).getByRole('button', {name: 'Test connection'}))
    expect(await within(row).findByText('The SSO token has expired.')).toBeInTheDocument()
    await user.click(within(row).getByRole('button', {name: 'Sign in with AWS SSO'}))
    expect(await within(row).findByTestId('sso-user-code')).toHaveTextContent('ABCD-EFGH')
    expect(within(row).getByText(/user_code=ABCD-EFGH/)).toBeInTheDocument()
    act(() => emit('sso:status', {profile: 'sso-prod', state: 'pending', message: 'Still waiting for you to approve.'}))
    expect(within(row).getByText(/Still waiting for you to approve\./)).toBeInTheDocument()
    await act(async () => approve({...failed, ok: true, account: '210987654321', arn: 'arn:aws:sts::210987654321:assumed-role/ReadOnly/alice'}))
    expect(await within(row).findByText('Connected to account 210987654321')).toBeInTheDocument()
  })
})

describe('SettingsPage preferences', () => {
  it('saves edited defaults', async () => {
    const user = userEvent.setup()
    await renderLoaded()
    const region = screen.getByLabelText('Default region')
    await user.clear(region)
    await user.type(region, 'us-west-2')
    await user.click(screen.getAllByRole('button', {name: 'Save settings'})[0]!)
    await waitFor(() => expect(api.saveSettings).toHaveBeenCalledWith(expect.objectContaining({defaultRegion: 'us-west-2'})))
  })

  it('shows field errors the Go side returns', async () => {
    vi.mocked(api.saveSettings).mockRejectedValueOnce(
      JSON.stringify({message: 'invalid settings', fields: [{field: 'bedrockModelId', message: 'a model ID is required when a Bedrock region is set'}]}),
    )
    const user = userEvent.setup()
    await renderLoaded()
    await user.type(screen.getByLabelText('Bedrock region'), 'us-east-1')
    await user.click(screen.getAllByRole('button', {name: 'Save settings'})[0]!)
    expect(await screen.findByText('a model ID is required when a Bedrock region is set')).toBeInTheDocument()
    expect(screen.getByLabelText('Model ID')).toHaveAttribute('aria-invalid', 'true')
  })

  it('saves an OpenAI-compatible endpoint and warns about plain http to another machine', async () => {
    const user = userEvent.setup()
    await renderLoaded()
    await user.selectOptions(screen.getByLabelText('Provider'), 'openai')
    await user.type(screen.getByLabelText('Endpoint base URL'), 'ftp://gpu-box')
    expect(screen.getByText('Use an http:// or https:// URL.')).toBeInTheDocument()
    await user.clear(screen.getByLabelText('Endpoint base URL'))
    await user.type(screen.getByLabelText('Endpoint base URL'), 'http://10.0.0.5:11434/v1')
    expect(screen.getByText(/cross the network unencrypted/)).toBeInTheDocument()
    await user.type(screen.getByLabelText('Endpoint model'), 'llama3.1')
    await user.click(screen.getAllByRole('button', {name: 'Save settings'})[0]!)
    await waitFor(() =>
      expect(api.saveSettings).toHaveBeenCalledWith(expect.objectContaining({modelProvider: 'openai', openaiBaseUrl: 'http://10.0.0.5:11434/v1', openaiModel: 'llama3.1'})),
    )
  })

  it('adds an MCP server', async () => {
    const user = userEvent.setup()
    await renderLoaded()
    await user.click(screen.getByRole('tab', {name: 'MCP servers'}))
    await user.click(screen.getByRole('button', {name: 'Add server'}))
    await user.type(screen.getByLabelText('Name'), 'aws-docs')
    await user.type(screen.getByLabelText('Command'), 'uvx')
    await user.type(screen.getByLabelText('Arguments'), 'awslabs.aws-documentation-mcp-server@latest')
    await user.type(screen.getByLabelText('Environment'), 'AWS_PROFILE=audit{Enter}AWS_REGION=eu-west-1')
    await user.click(screen.getByRole('button', {name: 'Save settings'}))
    const server = {
      name: 'aws-docs',
      transport: 'stdio',
      command: 'uvx',
      args: ['awslabs.aws-documentation-mcp-server@latest'],
      env: ['AWS_PROFILE=audit', 'AWS_REGION=eu-west-1'],
      url: '',
      enabled: true,
    }
    await waitFor(() => expect(api.saveSettings).toHaveBeenCalledWith(expect.objectContaining({mcpServers: [server]})))

    // Check: what the server offers the auditor, and what it cannot.
    await user.click(screen.getByRole('button', {name: 'Check server'}))
    const offers = await screen.findByLabelText('What aws-docs offers')
    expect(api.checkMCPServer).toHaveBeenCalledWith(server)
    expect(within(offers).getByRole('list', {name: 'Lacks'})).toHaveTextContent('authorization-details: the server has no get_authorization_details tool')
    vi.mocked(api.checkMCPServer).mockRejectedValueOnce(new Error('MCP server "aws-docs": exec: "uvx": executable file not found in $PATH'))
    await user.click(screen.getByRole('button', {name: 'Check server'}))
    expect(await screen.findByRole('alert')).toHaveTextContent('executable file not found')
  })

  it('applies and saves the theme override', async () => {
    const user = userEvent.setup()
    await renderLoaded()
    await user.click(screen.getByRole('tab', {name: 'Appearance & data'}))
    await user.selectOptions(screen.getByLabelText('Theme'), 'dark')
    expect(document.documentElement.dataset.theme).toBe('dark')
    await waitFor(() => expect(api.saveSettings).toHaveBeenCalledWith(expect.objectContaining({theme: 'dark'})))
  })

  it('purges history only after confirmation', async () => {
    const user = userEvent.setup()
    await renderLoaded()
    await user.click(screen.getByRole('tab', {name: 'Appearance & data'}))
    await user.click(screen.getByRole('button', {name: 'Purge history…'}))
    expect(api.purgeHistory).not.toHaveBeenCalled()
    await user.click(screen.getByRole('button', {name: 'Yes, purge history'}))
    expect(api.purgeHistory).toHaveBeenCalledOnce()
  })
})
