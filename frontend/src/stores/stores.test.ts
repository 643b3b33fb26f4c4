import {beforeEach, describe, expect, it, vi} from 'vitest'
import {api, okResult, request, resetApi} from '../test/apiMock'
import {useValidate} from './validate'
import {useProfiles} from './profiles'
import {useSettings} from './settings'
import {useToasts} from './toast'

vi.mock('../api', () => import('../test/apiMock'))

beforeEach(() => {
  resetApi()
  useValidate.setState(useValidate.getInitialState(), true)
  useProfiles.setState(useProfiles.getInitialState(), true)
  useSettings.setState(useSettings.getInitialState(), true)
  useToasts.setState(useToasts.getInitialState(), true)
})

describe('validate store', () => {
  it('does not call Go for blank text and clears the result', async () => {
    useValidate.setState({text: '  \n', result: okResult('{}')})
    await useValidate.getState().format()
    expect(api.formatPolicy).not.toHaveBeenCalled()
    expect(useValidate.getState().result).toBeNull()
  })

  it('saves the typed text when it does not parse', () => {
    useValidate.setState({text: '{"Version":', result: {ok: false, canonical: '', errors: []}})
    useValidate.getState().requestSave()
    expect(request).toHaveBeenCalledWith('app:save-policy', {text: '{"Version":', suggestedName: 'policy.json'})
  })

  it('has nothing to save when empty', () => {
    useValidate.getState().requestSave()
    expect(request).not.toHaveBeenCalled()
    expect(useToasts.getState().toasts.map((t) => t.title)).toEqual(['Nothing to save'])
  })

  it('reports a failed Go call as an error toast', async () => {
    vi.mocked(api.formatPolicy).mockRejectedValueOnce('unknown policy kind "x"')
    useValidate.setState({text: '{}', kind: 'x'})
    await useValidate.getState().format()
    expect(useValidate.getState().busy).toBe(false)
    expect(useToasts.getState().toasts[0]).toMatchObject({tone: 'error', detail: 'unknown policy kind "x"'})
  })

  it('bumps the focus sequence so the same error can be jumped to twice', () => {
    const d = {line: 1, column: 2, offset: 1, path: '', code: 'syntax', message: 'm'}
    useValidate.getState().focus(d)
    useValidate.getState().focus(d)
    expect(useValidate.getState().focused?.seq).toBe(2)
  })
})

describe('profiles store', () => {
  const base = {ok: false, account: '', arn: '', userId: '', needsMfa: false, mfaSerial: '', needsSsoLogin: false, message: ''}

  it.each([
    {name: 'ok', result: {...base, ok: true, account: '1'}, step: 'ok'},
    {name: 'needs MFA', result: {...base, needsMfa: true}, step: 'needs-mfa'},
    {name: 'needs SSO', result: {...base, needsSsoLogin: true}, step: 'needs-sso'},
    {name: 'failed with a reason', result: {...base, message: 'AccessDenied'}, step: 'failed'},
  ])('a test that comes back $name', async ({result, step}) => {
    vi.mocked(api.testConnection).mockResolvedValueOnce(result)
    await useProfiles.getState().test('p')
    expect(useProfiles.getState().connections['p']?.step).toBe(step)
  })

  it('a rejected MFA code keeps the prompt with an error', async () => {
    vi.mocked(api.testConnection).mockResolvedValueOnce({...base, needsMfa: true, message: 'MultiFactorAuthentication failed'})
    await useProfiles.getState().test('p', '000000')
    expect(useProfiles.getState().connections['p']).toMatchObject({step: 'needs-mfa', error: 'MultiFactorAuthentication failed'})
  })

  it('a listing error is shown, not thrown', async () => {
    vi.mocked(api.listProfiles).mockRejectedValueOnce(new Error('parsing ~/.aws/config: line 3'))
    await useProfiles.getState().load()
    expect(useProfiles.getState()).toMatchObject({loaded: true, error: 'parsing ~/.aws/config: line 3'})
  })

  it('a cancelled sign-in ends the wait', async () => {
    vi.mocked(api.completeSSOLogin).mockRejectedValueOnce('sign-in cancelled')
    await useProfiles.getState().signIn('sso')
    expect(useProfiles.getState().connections['sso']).toEqual({step: 'failed', message: 'sign-in cancelled'})
  })
})

describe('settings store', () => {
  it('applies the saved theme on load', async () => {
    vi.mocked(api.getSettings).mockResolvedValueOnce({
      theme: 'dark',
      profile: '',
      defaultRegion: '',
      bedrockModelId: '',
      bedrockRegion: '',
      mcpServers: [],
      window: {x: 0, y: 0, width: 1, height: 1, maximised: false},
    })
    await useSettings.getState().load()
    expect(document.documentElement.dataset.theme).toBe('dark')
    expect(localStorage.getItem('aegis.theme')).toBe('dark')
  })
})
