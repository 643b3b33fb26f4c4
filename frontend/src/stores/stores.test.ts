import {beforeEach, describe, expect, it, vi} from 'vitest'
import {api, mfaFinding, request, resetApi, validateResult} from '../test/apiMock'
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
    useValidate.setState({text: '  \n', result: validateResult()})
    await useValidate.getState().validate()
    expect(api.validatePolicy).not.toHaveBeenCalled()
    expect(useValidate.getState().result).toBeNull()
  })

  it('names pasted text by its content so Go reads the right format', async () => {
    for (const [text, fileName] of [
      ['{"Statement":[]}', 'policy.json'],
      ['{"Resources":{}}', 'template.json'],
      ['Resources:\n  Role: {}', 'template.yaml'],
      ['resource "aws_iam_role" "r" {}', 'main.tf'],
    ]) {
      useValidate.setState({text})
      await useValidate.getState().validate()
      expect(api.validatePolicy).toHaveBeenLastCalledWith({text, fileName, kind: '', save: false})
    }
  })

  it('ignores an answer for text that has changed since', async () => {
    let answer: (r: ReturnType<typeof validateResult>) => void = () => {}
    vi.mocked(api.validatePolicy).mockReturnValueOnce(new Promise((r) => (answer = r)))
    useValidate.setState({text: '{"a":1}'})
    const pending = useValidate.getState().validate()
    useValidate.setState({text: '{"a":2}'})
    answer(validateResult())
    await pending
    expect(useValidate.getState().result).toBeNull()
  })

  it('saves the typed text when it has no canonical form', () => {
    useValidate.setState({text: '{"Version":', result: validateResult()})
    useValidate.getState().requestSave()
    expect(request).toHaveBeenCalledWith('app:save-policy', {text: '{"Version":', suggestedName: 'policy.json'})
  })

  it('has nothing to save when empty', () => {
    useValidate.getState().requestSave()
    expect(request).not.toHaveBeenCalled()
    expect(useToasts.getState().toasts.map((t) => t.title)).toEqual(['Nothing to save'])
  })

  it('reports a failed Go call as an error toast', async () => {
    vi.mocked(api.validatePolicy).mockRejectedValueOnce('unknown policy kind "x"')
    useValidate.setState({text: '{}', kind: 'x'})
    await useValidate.getState().validate()
    expect(useValidate.getState().busy).toBe(false)
    expect(useToasts.getState().toasts[0]).toMatchObject({tone: 'error', detail: 'unknown policy kind "x"'})
  })

  it('keeps the text when a fix is refused', async () => {
    vi.mocked(api.fixFinding).mockRejectedValueOnce('invalid fix value: "1" is not an AWS account ID (12 digits)')
    useValidate.setState({text: '{"x":1}'})
    expect(await useValidate.getState().applyFix(mfaFinding, '1')).toBe(false)
    expect(useValidate.getState()).toMatchObject({text: '{"x":1}', fixing: null})
    expect(useToasts.getState().toasts[0]).toMatchObject({tone: 'error', title: 'Could not apply the fix'})
  })

  it('bumps the focus sequence so the same place can be jumped to twice', () => {
    useValidate.getState().focus(1, 2)
    useValidate.getState().focus(1, 2)
    expect(useValidate.getState().focused).toEqual({line: 1, column: 2, seq: 2})
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
      modelProvider: '',
      openaiBaseUrl: '',
      openaiModel: '',
      allowRemediation: false,
      mcpServers: [],
      window: {x: 0, y: 0, width: 1, height: 1, maximised: false},
    })
    await useSettings.getState().load()
    expect(document.documentElement.dataset.theme).toBe('dark')
    expect(localStorage.getItem('aegis.theme')).toBe('dark')
  })
})
