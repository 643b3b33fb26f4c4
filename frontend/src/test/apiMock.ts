// A stand-in for src/api, the only module tests replace: every Go call is a
// vi.fn with a realistic default, and Go events go through an in-memory bus.
// Use it with: vi.mock('<path to>/api', () => import('<path to>/test/apiMock'))
import {vi} from 'vitest'
import type {Api, EventMap, FormatResult, Settings} from '../api'

type Handler = (payload: never) => void
const handlers = new Map<string, Set<Handler>>()

export function onEvent<K extends keyof EventMap>(name: K, handler: (payload: EventMap[K]) => void): () => void {
  const set = handlers.get(name) ?? new Set<Handler>()
  set.add(handler as Handler)
  handlers.set(name, set)
  return () => set.delete(handler as Handler)
}

/** emit delivers a Go event to the frontend's subscribers. */
export function emit<K extends keyof EventMap>(name: K, payload: EventMap[K]) {
  handlers.get(name)?.forEach((h) => (h as (p: EventMap[K]) => void)(payload))
}

export const request = vi.fn()

export const settings: Settings = {
  theme: 'system',
  profile: '',
  defaultRegion: 'eu-west-1',
  bedrockModelId: '',
  bedrockRegion: '',
  mcpServers: [],
  window: {x: 0, y: 0, width: 1280, height: 800, maximised: false},
}

export const okResult = (canonical: string): FormatResult => ({ok: true, canonical, errors: []})

function defaults(): Api {
  return {
    appInfo: vi.fn(async () => ({version: '1.2.3', iamDataDate: '2026-11-01', iamDataSource: 'test', services: 1, actions: 2, dataDir: '/tmp'})),
    formatPolicy: vi.fn(async () => okResult('{}')),
    getSettings: vi.fn(async () => structuredClone(settings)),
    saveSettings: vi.fn(async (s: Settings) => s),
    purgeHistory: vi.fn(async () => ({deleted: 0})),
    listProfiles: vi.fn(async () => []),
    testConnection: vi.fn(async () => ({ok: true, account: '123456789012', arn: 'arn:aws:iam::123456789012:user/alice', userId: 'AIDA', needsMfa: false, mfaSerial: '', needsSsoLogin: false, message: ''})),
    startSSOLogin: vi.fn(async () => ({userCode: 'ABCD-EFGH', verificationUri: 'https://device.sso.us-east-1.amazonaws.com/', verificationUriComplete: 'https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH', expiresAt: '2026-11-28T16:00:00Z', intervalSeconds: 5})),
    completeSSOLogin: vi.fn(async () => ({ok: true, account: '123456789012', arn: 'arn:aws:sts::123456789012:assumed-role/Admin/alice', userId: 'AROA', needsMfa: false, mfaSerial: '', needsSsoLogin: false, message: ''})),
    cancelSSOLogin: vi.fn(async () => undefined),
    listHistory: vi.fn(async () => []),
    getHistory: vi.fn(async () => {
      throw new Error('not found')
    }),
    deleteHistory: vi.fn(async () => undefined),
  }
}

/** api is mutated in place by resetApi so imports keep pointing at the live mocks. */
export const api: Api = defaults()

export function resetApi() {
  Object.assign(api, defaults())
  request.mockReset()
  handlers.clear()
}
