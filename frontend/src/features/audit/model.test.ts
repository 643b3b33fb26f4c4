import {describe, expect, it} from 'vitest'
import type {AuditPrincipal} from '../../api'
import {byService, eta, lineDiff, policyDiffs} from './model'

describe('lineDiff', () => {
  it('keeps common lines and marks the rest, removals before additions', () => {
    expect(lineDiff('a\nb\nc', 'a\nx\nc')).toEqual([
      {op: ' ', text: 'a'},
      {op: '-', text: 'b'},
      {op: '+', text: 'x'},
      {op: ' ', text: 'c'},
    ])
    expect(lineDiff('', 'a')).toEqual([{op: '+', text: 'a'}])
    expect(lineDiff('a', '')).toEqual([{op: '-', text: 'a'}])
    expect(lineDiff('a\nb', 'a\nb').every((l) => l.op === ' ')).toBe(true)
  })
})

const p = {
  permissions: {used: ['s3:GetObject'], unused: ['ec2:RunInstances', 'ec2:StopInstances'], unknown: ['s3:PutObject'], tooNew: ['sns:Publish']},
  current: [
    {name: 'inline:app', status: 'current', managed: false, document: {Action: ['a', 'b']}},
    {name: 'arn:aws:iam::111122223333:policy/shared', status: 'current', managed: true, document: {Action: ['c']}},
  ],
  recommendation: {
    policies: [
      {name: 'inline:app', status: 'rewritten', managed: false, document: {Action: ['a']}},
      {name: 'app-shared', status: 'new', managed: true, document: {Action: ['c']}},
    ],
  },
} as unknown as AuditPrincipal

describe('byService', () => {
  it('groups grants by service, most grants first, with their states', () => {
    const s = byService(p)
    expect(s.map((x) => x.service)).toEqual(['ec2', 's3', 'sns'])
    expect(s[1]!.counts).toEqual({used: 1, unused: 0, unknown: 1, tooNew: 0})
    expect(s[0]!.actions).toEqual([
      {action: 'ec2:RunInstances', state: 'unused'},
      {action: 'ec2:StopInstances', state: 'unused'},
    ])
  })
})

describe('policyDiffs', () => {
  it('pairs today with the recommendation by name: rewritten, removed (detached), new', () => {
    const d = policyDiffs(p)
    expect(d.map((x) => [x.name, x.change])).toEqual([
      ['inline:app', 'rewritten'],
      ['arn:aws:iam::111122223333:policy/shared', 'removed'],
      ['app-shared', 'new'],
    ])
    expect(d[0]!.lines.filter((l) => l.op === '-').map((l) => l.text.trim())).toEqual(['"a",', '"b"'])
    expect(d[1]!.lines.every((l) => l.op === '-')).toBe(true)
    expect(d[2]!.lines.every((l) => l.op === '+')).toBe(true)
  })
})

describe('eta', () => {
  it('renders seconds left', () => {
    expect(eta(-1)).toBe('estimating…')
    expect(eta(0)).toBe('')
    expect(eta(12)).toBe('about 12 s left')
    expect(eta(150)).toBe('about 3 min left')
  })
})
