import {describe, expect, it} from 'vitest'
import type {app} from '../../wailsjs/go/models'
import {auditRunOf, isCancelled, unreachableOf} from './audit'

// What Go sends for an audit with nothing in it: nil slices and maps are null.
const bare = {
  id: '01J',
  previousId: '',
  audit: {
    account: '111122223333',
    collectedAt: '2025-06-03T00:00:00Z',
    window: {start: '2025-06-01T00:00:00Z', end: '2025-06-03T00:00:00Z'},
    riskScore: 0,
    coverage: {sources: null, days: 2, completeDays: 0, gaps: null, dataEventTypes: null, failures: 0},
    problems: null,
    principals: [
      {
        arn: 'arn:aws:iam::111122223333:user/alice',
        type: 'user',
        name: 'alice',
        riskScore: 3,
        risk: {capability: 3, reach: 0, dormancy: 0},
        activity: 'unknown',
        editability: 'editable',
        findings: [{id: 'AUD-002', severity: 'medium', message: 'no MFA'}],
        permissions: {used: null, unused: ['s3:PutObject'], unknown: null, tooNew: null, dead: null, unknownReasons: null, unusedByAccessLevel: null, unusedBySensitivity: null, denied: null},
        recommendation: {kind: 'replace', detach: null, replace: null, delete: null, policies: [{name: 'p', status: 'new', managed: false, document: {Version: '2012-10-17'}}], proof: {noNewAccess: 'no-new-access', coversUsage: true}, notes: null},
      },
    ],
    escalationPaths: null,
    externalAccess: null,
  },
} as unknown as app.AuditRun

describe('auditRunOf', () => {
  it('turns Go nulls into empty lists and keeps severities and documents as sent', () => {
    const {audit} = auditRunOf(bare)
    expect(audit.coverage.sources).toEqual([])
    expect(audit.coverage.regions).toEqual([])
    expect(audit.problems).toEqual([])
    expect(audit.escalationPaths).toEqual([])
    expect(audit.drift).toBeNull()
    const p = audit.principals[0]!
    expect(p.permissions.used).toEqual([])
    expect(p.permissions.unknownReasons).toEqual({})
    expect(p.findings[0]!.severity).toBe('medium')
    expect(p.recommendation?.proof.lost).toEqual([])
    expect(p.recommendation?.policies[0]!.document).toEqual({Version: '2012-10-17'})
    expect(p.current).toEqual([])
    const run = auditRunOf(bare)
    expect(run.gaps).toEqual([])
    expect(run.source).toBe('')
    expect(audit.sample).toBe(false)
  })

  it('rejects an answer without an audit', () => {
    expect(() => auditRunOf({id: 'x', previousId: ''} as app.AuditRun)).toThrow(/no audit/)
  })
})

describe('unreachableOf and isCancelled', () => {
  it('reads a SourceError JSON text, and nothing else', () => {
    const text = JSON.stringify({message: 'the MCP server iam is unreachable: exec: not found', unreachable: {source: 'mcp', name: 'the MCP server iam'}})
    expect(unreachableOf(text)).toEqual({source: 'mcp', name: 'the MCP server iam', message: 'the MCP server iam is unreachable: exec: not found'})
    expect(unreachableOf(new Error(text))?.source).toBe('mcp')
    expect(unreachableOf('{"message":"invalid audit request","fields":[]}')).toBeNull()
    expect(unreachableOf('open gaad.json: no such file')).toBeNull()
    expect(isCancelled('audit cancelled')).toBe(true)
    expect(isCancelled(new Error('audit cancelled'))).toBe(true)
    expect(isCancelled('audit failed')).toBe(false)
  })
})
