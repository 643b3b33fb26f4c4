import {describe, expect, it} from 'vitest'
import {indexFromLineColumn, inputName, languageOf} from './inputName'
import {diagnosticsOf, markerRange} from '../components/ui/CodeEditor'

describe('inputName', () => {
  it('keeps an opened file name and guesses a pasted one', () => {
    expect(inputName('/home/me/stack.yml', '{}')).toBe('stack.yml')
    expect(inputName('C:\\infra\\main.tf', '')).toBe('main.tf')
    expect(inputName(null, '  {"Version":"2012-10-17"}')).toBe('policy.json')
    expect(inputName(null, '{"AWSTemplateFormatVersion":"2010-09-09","Resources":{}}')).toBe('template.json')
    expect(inputName(null, 'variable "x" {}\nresource "aws_iam_role" "r" {}')).toBe('main.tf')
    expect(inputName(null, 'Resources:\n  R: {}')).toBe('template.yaml')
  })

  it('maps names to highlighting', () => {
    expect(['a.json', 'b.YAML', 'c.yml', 'd.tf'].map(languageOf)).toEqual(['json', 'yaml', 'yaml', 'plain'])
  })
})

describe('positions', () => {
  const text = '{\n  "Sid": "é→x",\n  "Effect": "Allow"\n}'

  it('converts a line and byte column to an index', () => {
    expect(indexFromLineColumn(text, 1, 1)).toBe(0)
    expect(indexFromLineColumn(text, 2, 3)).toBe(text.indexOf('"Sid"'))
    // "é" is 2 bytes and "→" 3: byte column 16 is the "x".
    expect(indexFromLineColumn(text, 2, 16)).toBe(text.indexOf('x'))
    expect(indexFromLineColumn(text, 9, 1)).toBe(text.length)
  })

  it('underlines the string or word at a marker', () => {
    const at = (line: number, column: number) => {
      const r = markerRange(text, {line, column, severity: 'high', message: ''})
      return text.slice(r.from, r.to)
    }
    expect(at(3, 13)).toBe('"Allow"')
    expect(at(2, 3)).toBe('"Sid"')
    expect(at(4, 1)).toBe('}')
  })

  it('turns markers into lint diagnostics coloured by severity, in order', () => {
    const d = diagnosticsOf(text, [
      {line: 3, column: 13, severity: 'medium', message: 'b', detail: 'do this'},
      {line: 2, column: 3, severity: 'critical', message: 'a'},
      {line: 0, column: 0, severity: 'low', message: 'no place'},
    ])
    expect(d.map((x) => [x.severity, x.markClass, x.message])).toEqual([
      ['error', 'cm-sev-critical', 'a'],
      ['warning', 'cm-sev-medium', 'b\n\nFix: do this'],
    ])
  })
})
