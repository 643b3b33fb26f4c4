import {useEffect} from 'react'
import {create} from 'zustand'
import {api, onEvent, type ConnectionResult, type Profile, type SSOLogin, type SSOStatus} from '../api'
import {errorText} from './toast'

/** Where a profile's connection test stands. */
export type ConnectionState =
  | {step: 'testing'}
  | {step: 'ok'; result: ConnectionResult}
  | {step: 'needs-mfa'; result: ConnectionResult; error?: string}
  | {step: 'needs-sso'; result: ConnectionResult}
  | {step: 'sso-starting'}
  | {step: 'sso-waiting'; login: SSOLogin; status?: SSOStatus}
  | {step: 'failed'; message: string}

interface ProfilesState {
  profiles: Profile[]
  loaded: boolean
  error: string | null
  connections: Record<string, ConnectionState>
  load: () => Promise<void>
  test: (profile: string, mfaCode?: string) => Promise<void>
  signIn: (profile: string) => Promise<void>
  cancelSignIn: (profile: string) => Promise<void>
  ssoStatus: (s: SSOStatus) => void
}

export const useProfiles = create<ProfilesState>()((set, get) => {
  const put = (profile: string, c: ConnectionState) => set((s) => ({connections: {...s.connections, [profile]: c}}))
  const settle = (profile: string, result: ConnectionResult, mfaCode?: string) => {
    if (result.ok) put(profile, {step: 'ok', result})
    else if (result.needsSsoLogin) put(profile, {step: 'needs-sso', result})
    else if (result.needsMfa) put(profile, {step: 'needs-mfa', result, ...(mfaCode ? {error: result.message || 'The code was not accepted.'} : {})})
    else put(profile, {step: 'failed', message: result.message || 'The connection failed.'})
  }
  return {
    profiles: [],
    loaded: false,
    error: null,
    connections: {},
    load: async () => {
      try {
        set({profiles: await api.listProfiles(), loaded: true, error: null})
      } catch (err) {
        set({loaded: true, error: errorText(err)})
      }
    },
    test: async (profile, mfaCode) => {
      put(profile, {step: 'testing'})
      try {
        settle(profile, await api.testConnection({profile, mfaCode: mfaCode ?? ''}), mfaCode)
      } catch (err) {
        put(profile, {step: 'failed', message: errorText(err)})
      }
    },
    signIn: async (profile) => {
      put(profile, {step: 'sso-starting'})
      try {
        const login = await api.startSSOLogin(profile)
        put(profile, {step: 'sso-waiting', login})
        settle(profile, await api.completeSSOLogin(profile))
      } catch (err) {
        put(profile, {step: 'failed', message: errorText(err)})
      }
    },
    cancelSignIn: async (profile) => {
      try {
        await api.cancelSSOLogin(profile)
      } catch (err) {
        put(profile, {step: 'failed', message: errorText(err)})
      }
    },
    ssoStatus: (status) => {
      const c = get().connections[status.profile]
      if (c?.step === 'sso-waiting') put(status.profile, {...c, status})
    },
  }
})

/** useSSOStatus forwards the Go side's "sso:status" progress events to the store. */
export function useSSOStatus() {
  const onStatus = useProfiles((s) => s.ssoStatus)
  useEffect(() => onEvent('sso:status', onStatus), [onStatus])
}
