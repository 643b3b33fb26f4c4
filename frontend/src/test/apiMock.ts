// A stand-in for src/api, the only module tests replace: every Go call is a
// vi.fn with a realistic default, and Go events go through an in-memory bus.
// Use it with: vi.mock('<path to>/api', () => import('<path to>/test/apiMock'))
import {vi} from 'vitest'
import type {Api, EventMap, Finding, Settings, ValidateResult} from '../api'

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
  modelProvider: '',
  openaiBaseUrl: '',
  openaiModel: '',
  allowRemediation: false,
  mcpServers: [],
  window: {x: 0, y: 0, width: 1280, height: 800, maximised: false},
}

const noScore = {value: 0, band: 'none', counts: {critical: 0, high: 0, medium: 0, low: 0, info: 0}, reasons: [], explanation: 'score 0 (none): no risk found'}

/** validateResult is a Validate answer for one raw policy holding findings. */
export function validateResult(findings: Finding[] = [], canonical = ''): ValidateResult {
  return {
    fileName: 'policy.json',
    format: 'policy',
    canonical,
    score: findings.length ? {value: 50, band: 'high', counts: {...noScore.counts, high: findings.length}, reasons: ['high'], explanation: 'score 50 (high) because: high'} : noScore,
    policies: [{name: '', kind: 'identity', owner: '', score: noScore, findings, errors: []}],
    compliance: [
      {id: 'pci-dss-4.0', name: 'PCI DSS', version: '4.0', fail: 1, pass: 1, notApplicable: 0, manual: 1, controls: [
        {id: '8.4.1', title: 'MFA for administrative access into the CDE', section: 'Requirement 8', status: 'FAIL', worst: 'medium', findings: 1},
        {id: '7.2.2', title: 'Access follows job classification and least privilege', section: 'Requirement 7', status: 'PASS', worst: '', findings: 0},
        {id: '3.7.2', title: 'Keys are distributed securely', section: 'Requirement 3', status: 'MANUAL', worst: '', findings: 0},
      ]},
    ],
    notes: [],
    historyId: '',
  }
}

/** finding is a sample finding with a one-click fix. */
export const mfaFinding: Finding = {
  id: 'AEG-COND-004', category: 'condition', severity: 'medium', title: 'Sensitive identity actions without MFA',
  message: 'iam:CreateUser allowed on all resources without requiring MFA', remediation: 'Add {"Bool": {"aws:MultiFactorAuthPresent": "true"}}',
  line: 4, column: 40, statement: 0, sid: '', element: 'Action', fingerprint: 'f1', compliance: ['pci-dss-4.0 8.4.1'],
  fix: {label: 'Require MFA', paramLabel: '', paramSuggestion: ''},
}

function defaults(): Api {
  return {
    appInfo: vi.fn(async () => ({version: '1.2.3', iamDataDate: '2026-11-01', iamDataSource: 'test', services: 1, actions: 2, dataDir: '/tmp'})),
    getSettings: vi.fn(async () => structuredClone(settings)),
    saveSettings: vi.fn(async (s: Settings) => s),
    purgeHistory: vi.fn(async () => ({deleted: 0})),
    listProfiles: vi.fn(async () => []),
    checkMCPServer: vi.fn(async () => ({
      name: 'awslabs.iam-mcp-server',
      version: '1.0.0',
      protocol: '2025-11-25',
      tools: ['list_users'],
      provides: [],
      lacks: [{need: 'authorization-details', reason: 'the server has no get_authorization_details tool'}],
    })),
    testConnection: vi.fn(async () => ({ok: true, account: '123456789012', arn: 'arn:aws:iam::123456789012:user/alice', userId: 'AIDA', needsMfa: false, mfaSerial: '', needsSsoLogin: false, message: ''})),
    startSSOLogin: vi.fn(async () => ({userCode: 'ABCD-EFGH', verificationUri: 'https://device.sso.us-east-1.amazonaws.com/', verificationUriComplete: 'https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH', expiresAt: '2026-11-28T16:00:00Z', intervalSeconds: 5})),
    completeSSOLogin: vi.fn(async () => ({ok: true, account: '123456789012', arn: 'arn:aws:sts::123456789012:assumed-role/Admin/alice', userId: 'AROA', needsMfa: false, mfaSerial: '', needsSsoLogin: false, message: ''})),
    cancelSSOLogin: vi.fn(async () => undefined),
    listHistory: vi.fn(async () => []),
    getHistory: vi.fn(async () => {
      throw new Error('not found')
    }),
    deleteHistory: vi.fn(async () => undefined),
    validatePolicy: vi.fn(async () => validateResult()),
    fixFinding: vi.fn(async () => ({text: '{}', result: validateResult()})),
    exportReport: vi.fn(async () => ({text: '{"schemaVersion":"1.0"}', suggestedName: 'policy.aegis.json'})),
  }
}

/** assistantApi answers as an app with no model configured. */
export const assistantApi = {
  status: vi.fn(async () => ({configured: false, provider: '', model: '', hint: 'No model is configured.', warning: ''})),
  ask: vi.fn(),
}

/** api is mutated in place by resetApi so imports keep pointing at the live mocks. */
export const api: Api = defaults()

export function resetApi() {
  Object.assign(api, defaults())
  request.mockReset()
  handlers.clear()
}
