import {describe, expect, it} from 'vitest'
import {emptyAthena, emptyRequest, requestFor} from './audit'

describe('requestFor', () => {
  const filled = {
    ...emptyRequest,
    profile: 'prod',
    regions: ['eu-west-1'],
    usage: 'lake' as const,
    athena: {...emptyAthena, database: 'trails'},
    lakeEventDataStore: 'EXAMPLE-f852',
    mcpServer: 'iam',
    authz: '/x/gaad.json',
    cloudTrailDir: '/x/logs',
    windowDays: 30,
    end: '2026-11-01',
  }
  it('sends only what the chosen source reads', () => {
    expect(requestFor({...filled, source: 'sample'})).toEqual({...emptyRequest, source: 'sample', windowDays: 30, end: '2026-11-01'})
    expect(requestFor({...filled, source: 'aws'})).toEqual({
      ...emptyRequest,
      source: 'aws',
      profile: 'prod',
      regions: ['eu-west-1'],
      usage: 'lake',
      lakeEventDataStore: 'EXAMPLE-f852',
      cloudTrailDir: '/x/logs',
      windowDays: 30,
      end: '2026-11-01',
    })
    expect(requestFor({...filled, source: 'mcp'})).toEqual({...emptyRequest, source: 'mcp', mcpServer: 'iam', cloudTrailDir: '/x/logs', windowDays: 30, end: '2026-11-01'})
    expect(requestFor({...filled, source: 'files'})).toEqual({...emptyRequest, ...filled, source: 'files', profile: '', regions: [], usage: 'lookup', athena: emptyAthena, lakeEventDataStore: '', mcpServer: ''})
    expect(requestFor({...filled, source: 'aws', allRegions: true})).toMatchObject({regions: [], allRegions: true})
  })
})
