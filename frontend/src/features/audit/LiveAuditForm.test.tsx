import {beforeEach, describe, expect, it, vi} from 'vitest'
import {render, screen, within} from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type {AuditRun} from '../../api'
import {api, resetApi} from '../../test/apiMock'
import {emptyAthena, useAudit} from '../../stores/audit'
import {useSettings} from '../../stores/settings'
import {useProfiles} from '../../stores/profiles'
import {useToasts} from '../../stores/toast'
import {AuditPage} from './AuditPage'

const auditApi = vi.hoisted(() => ({run: vi.fn(), cancel: vi.fn(), list: vi.fn(), open: vi.fn(), export: vi.fn(), regions: vi.fn(), lakeStores: vi.fn()}))
vi.mock('../../api', async () => {
  const real = await vi.importActual<typeof import('../../api')>('../../api')
  return {...(await import('../../test/apiMock')), auditApi, unreachableOf: real.unreachableOf, isCancelled: real.isCancelled}
})

const storeARN = 'arn:aws:cloudtrail:eu-west-1:111122223333:eventdatastore/EXAMPLE-f852'

/** A live run whose usage came from a Lake that refused the queries: a gap per region, the call among the collection gaps. */
const deniedLake: AuditRun = {
  id: '01L',
  previousId: '',
  source: `the built-in AWS server (profile prod), usage from CloudTrail Lake ${storeARN}`,
  gaps: [{tool: 'lake_usage', target: storeARN, api: 'StartQuery', reason: 'access-denied', message: 'not authorized'}],
  audit: {
    account: '111122223333',
    sample: false,
    collectedAt: '2026-11-20T09:00:00Z',
    window: {start: '2026-11-20T00:00:00Z', end: '2026-11-21T00:00:00Z'},
    riskScore: 40,
    coverage: {
      sources: ['cloudtrail'],
      days: 1,
      completeDays: 0,
      gaps: [
        {account: '111122223333', region: 'eu-west-1', from: '2026-11-20', to: '2026-11-20', reason: 'read-failed'},
        {account: '111122223333', region: 'us-east-1', from: '2026-11-20', to: '2026-11-20', reason: 'read-failed'},
      ],
      dataEventTypes: [],
      failures: 2,
      regions: [],
    },
    problems: [],
    principals: [],
    escalationPaths: [],
    externalAccess: [],
    drift: null,
  },
}

beforeEach(() => {
  resetApi()
  useAudit.setState(useAudit.getInitialState(), true)
  useSettings.setState(useSettings.getInitialState(), true)
  useProfiles.setState(useProfiles.getInitialState(), true)
  useToasts.setState(useToasts.getInitialState(), true)
  vi.mocked(api.listProfiles).mockResolvedValue([{name: 'prod', region: 'eu-west-1', kind: 'sso'} as never])
  auditApi.list.mockResolvedValue([])
  auditApi.regions.mockResolvedValue(['eu-west-1', 'us-east-1', 'us-west-2'])
  auditApi.lakeStores.mockResolvedValue([])
})

async function chooseLive() {
  render(<AuditPage />)
  await userEvent.click(screen.getByRole('radio', {name: /Built-in AWS server/}))
  await userEvent.selectOptions(await screen.findByLabelText('AWS profile'), 'prod')
}

describe('live audit form', () => {
  it('picks regions as chips from the known list, or every enabled region', async () => {
    auditApi.run.mockResolvedValue(deniedLake)
    await chooseLive()
    const chips = () => within(screen.getByRole('list', {name: 'Selected regions'})).queryAllByRole('listitem').map((li) => li.textContent)
    expect(chips()).toEqual(['eu-west-1']) // Settings' default region
    const add = screen.getByRole('combobox', {name: 'Add a region'})
    await vi.waitFor(() => expect(within(add).getAllByRole('option').map((o) => o.textContent)).toEqual(['Add a region…', 'us-east-1', 'us-west-2']))
    await userEvent.selectOptions(add, 'us-west-2')
    expect(chips()).toEqual(['eu-west-1', 'us-west-2'])
    await userEvent.click(screen.getByRole('button', {name: 'Remove eu-west-1'}))
    expect(chips()).toEqual(['us-west-2'])
    await userEvent.click(screen.getByRole('button', {name: 'Start audit'}))
    expect(auditApi.run).toHaveBeenLastCalledWith(expect.objectContaining({source: 'aws', profile: 'prod', regions: ['us-west-2'], allRegions: false, usage: 'lookup'}))

    await userEvent.click(screen.getByRole('checkbox', {name: 'All enabled regions'}))
    expect(screen.queryByRole('list', {name: 'Selected regions'})).not.toBeInTheDocument()
    await userEvent.click(screen.getByRole('button', {name: 'Start audit'}))
    expect(auditApi.run).toHaveBeenLastCalledWith(expect.objectContaining({regions: [], allRegions: true}))
  })

  it('sends the Athena table and shows the fields Go rejects next to them', async () => {
    auditApi.run.mockRejectedValueOnce(
      JSON.stringify({
        message: 'invalid audit request',
        fields: [
          {field: 'athena.bucket', message: "usage from Athena needs the table's log bucket"},
          {field: 'athena.roleArn', message: '"role/x": want arn:aws:iam::ACCOUNT:role/NAME'},
          {field: 'regions[0]', message: '"mars-1" is not a Region code (e.g. us-east-1)'},
        ],
      }),
    )
    await chooseLive()
    await userEvent.click(screen.getByRole('radio', {name: /Athena/}))
    await userEvent.type(screen.getByLabelText('Glue database'), 'trails')
    await userEvent.type(screen.getByLabelText('Table'), 'aegis_cloudtrail')
    await userEvent.type(screen.getByLabelText('Run queries as role'), 'role/x')
    await userEvent.click(screen.getByRole('button', {name: 'Start audit'}))
    expect(auditApi.run).toHaveBeenCalledWith(
      expect.objectContaining({usage: 'athena', athena: {...emptyAthena, database: 'trails', table: 'aegis_cloudtrail', roleArn: 'role/x'}, lakeEventDataStore: ''}),
    )
    expect(await screen.findByText("usage from Athena needs the table's log bucket")).toBeInTheDocument()
    expect(screen.getByLabelText('Log bucket')).toHaveAttribute('aria-invalid', 'true')
    expect(screen.getByLabelText('Run queries as role')).toHaveAccessibleDescription('"role/x": want arn:aws:iam::ACCOUNT:role/NAME')
    expect(screen.getByRole('combobox', {name: 'Add a region'})).toHaveAttribute('aria-invalid', 'true')
    expect(screen.getByText('"mars-1" is not a Region code (e.g. us-east-1)')).toBeInTheDocument()
    expect(useToasts.getState().toasts.at(-1)?.title).toBe('Check the audit form')

    // The choice is remembered: back from another source, the table is still there.
    await userEvent.click(screen.getByRole('radio', {name: /Sample account/}))
    await userEvent.click(screen.getByRole('radio', {name: /Built-in AWS server/}))
    expect(screen.getByLabelText('Glue database')).toHaveValue('trails')
  })

  it('lists the Lake stores the profile sees, picks one, and shows a refused Lake as coverage gaps', async () => {
    auditApi.lakeStores.mockResolvedValue([
      {arn: storeARN, name: 'org-events', status: 'ENABLED', multiRegion: true, organization: true, retentionDays: 2557},
      {arn: 'arn:aws:cloudtrail:eu-west-1:111122223333:eventdatastore/EXAMPLE-old', name: 'old', status: 'STOPPED_INGESTION', multiRegion: false, organization: false, retentionDays: 7},
    ])
    auditApi.run.mockResolvedValue(deniedLake)
    await chooseLive()
    await userEvent.click(screen.getByRole('radio', {name: /CloudTrail Lake/}))
    await userEvent.click(screen.getByRole('button', {name: 'List event data stores'}))
    expect(auditApi.lakeStores).toHaveBeenCalledWith('prod', 'eu-west-1')
    const stores = await screen.findByRole('combobox', {name: 'Event data stores'})
    expect(within(stores).getByRole('option', {name: 'org-events (enabled, all regions, organization, 2557 days)'})).toBeInTheDocument()
    await userEvent.selectOptions(stores, storeARN)
    expect(screen.getByLabelText('Event data store')).toHaveValue(storeARN)
    await userEvent.selectOptions(screen.getByRole('combobox', {name: 'Add a region'}), 'us-east-1')
    await userEvent.click(screen.getByRole('button', {name: 'Start audit'}))
    expect(auditApi.run).toHaveBeenCalledWith(expect.objectContaining({usage: 'lake', lakeEventDataStore: storeARN, regions: ['eu-west-1', 'us-east-1'], athena: emptyAthena}))

    expect(await screen.findByText(/usage from CloudTrail Lake/)).toBeInTheDocument()
    const gaps = screen.getByRole('list', {name: 'Gaps'})
    expect(within(gaps).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Gap 111122223333 eu-west-1: 2026-11-20 – 2026-11-20 (read-failed)',
      'Gap 111122223333 us-east-1: 2026-11-20 – 2026-11-20 (read-failed)',
    ])
    expect(within(screen.getByRole('list', {name: 'Collection gaps'})).getByText(/lake_usage/)).toHaveTextContent('(StartQuery): not authorized')
    expect(screen.getByText('(gaps in eu-west-1, us-east-1)', {exact: false})).toBeInTheDocument()
  })

  it('says why the stores could not be listed', async () => {
    auditApi.lakeStores.mockRejectedValue(new Error('CloudTrail Lake event data stores in eu-west-1: AccessDeniedException'))
    await chooseLive()
    await userEvent.click(screen.getByRole('radio', {name: /CloudTrail Lake/}))
    await userEvent.click(screen.getByRole('button', {name: 'List event data stores'}))
    expect(await screen.findByRole('alert')).toHaveTextContent('AccessDeniedException')
  })
})
