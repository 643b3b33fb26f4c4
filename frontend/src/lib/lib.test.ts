import {describe, expect, it} from 'vitest'
import {indexFromByteOffset, lineOf} from './textPosition'
import {tokenizeJSON} from './jsonTokens'
import {commandFor} from './shortcuts'
import {resolveTheme} from './theme'
import {isRegion} from './region'
import {parseFieldErrors} from './fieldErrors'

const key = (k: string, mods: Partial<{ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean}> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
})

describe('indexFromByteOffset', () => {
  it.each([
    {name: 'ascii', text: 'abc', bytes: 2, want: 2},
    {name: 'start', text: 'abc', bytes: 0, want: 0},
    {name: 'past the end', text: 'abc', bytes: 99, want: 3},
    {name: 'two-byte runes', text: 'éé"x', bytes: 4, want: 2},
    {name: 'three-byte rune', text: '€x', bytes: 3, want: 1},
    {name: 'astral rune is two UTF-16 units', text: '😀x', bytes: 4, want: 2},
  ])('$name', ({text, bytes, want}) => {
    expect(indexFromByteOffset(text, bytes)).toBe(want)
  })

  it('lineOf counts newlines before the index', () => {
    expect(lineOf('a\nb\nc', 4)).toBe(3)
    expect(lineOf('a\nb', 0)).toBe(1)
  })
})

describe('tokenizeJSON', () => {
  it('classifies keys, strings, numbers and literals', () => {
    const toks = tokenizeJSON('{"Effect": "Allow", "n": -1.5e3, "b": true, "z": null}').filter((t) => t.kind !== 'space')
    expect(toks.map((t) => `${t.kind}:${t.text}`)).toEqual([
      'punct:{',
      'key:"Effect"',
      'punct::',
      'string:"Allow"',
      'punct:,',
      'key:"n"',
      'punct::',
      'number:-1.5e3',
      'punct:,',
      'key:"b"',
      'punct::',
      'literal:true',
      'punct:,',
      'key:"z"',
      'punct::',
      'literal:null',
      'punct:}',
    ])
  })

  it.each(['', '{"a": "unterminated', '{"esc": "a\\"b"}', '[1, 2,, }', '-', '{\n  "x": [\n    1\n  ]\n}'])('round-trips %j', (text) => {
    expect(
      tokenizeJSON(text)
        .map((t) => t.text)
        .join(''),
    ).toBe(text)
  })
})

describe('commandFor', () => {
  it.each([
    {name: 'Ctrl+1 opens Generate', e: key('1', {ctrlKey: true}), want: {type: 'navigate', route: 'generate'}},
    {name: 'Cmd+5 opens Settings', e: key('5', {metaKey: true}), want: {type: 'navigate', route: 'settings'}},
    {name: 'Ctrl+6 is nothing', e: key('6', {ctrlKey: true}), want: null},
    {name: 'Ctrl+O opens a file', e: key('o', {ctrlKey: true}), want: {type: 'open'}},
    {name: 'Ctrl+S saves', e: key('S', {ctrlKey: true}), want: {type: 'save'}},
    {name: 'Ctrl+Enter runs', e: key('Enter', {ctrlKey: true}), want: {type: 'run'}},
    {name: 'plain 1 types', e: key('1'), want: null},
    {name: 'Ctrl+Alt+1 is left alone', e: key('1', {ctrlKey: true, altKey: true}), want: null},
    {name: 'Ctrl+Shift+S is left alone', e: key('S', {ctrlKey: true, shiftKey: true}), want: null},
  ])('$name', ({e, want}) => {
    expect(commandFor(e)).toEqual(want)
  })
})

describe('resolveTheme', () => {
  it.each([
    ['system', true, 'dark'],
    ['system', false, 'light'],
    ['dark', false, 'dark'],
    ['light', true, 'light'],
  ] as const)('%s with OS dark=%s paints %s', (pref, dark, want) => {
    expect(resolveTheme(pref, dark)).toBe(want)
  })
})

describe('isRegion', () => {
  it.each([
    ['us-east-1', true],
    ['eu-central-2', true],
    ['us-gov-west-1', true],
    ['ap-southeast-5', true],
    ['US-EAST-1', false],
    ['useast1', false],
    ['', false],
  ])('%j → %s', (s, want) => {
    expect(isRegion(s)).toBe(want)
  })
})

describe('parseFieldErrors', () => {
  it('reads the JSON validation error', () => {
    const err = JSON.stringify({message: 'invalid settings', fields: [{field: 'defaultRegion', message: 'not a region'}]})
    expect(parseFieldErrors(err)).toEqual({message: 'invalid settings', fields: {defaultRegion: 'not a region'}})
  })
  it('passes other errors through', () => {
    expect(parseFieldErrors(new Error('disk full'))).toEqual({message: 'disk full', fields: {}})
  })
})
