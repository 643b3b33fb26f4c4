// WCAG AA for the design tokens in style.css: every text colour against the
// glass panels and the bare page gradient at its most saturated point, in
// both themes. Colours with alpha are composited as the browser does.
import {describe, expect, it} from 'vitest'

// Node's fs through process.getBuiltinModule: the frontend has no Node typings,
// and Vitest hands CSS imports (even ?raw) to tests as empty strings.
type NodeFS = {readFileSync(path: string, encoding: 'utf8'): string}
const fs = (globalThis as unknown as {process: {getBuiltinModule(id: 'node:fs'): NodeFS}}).process.getBuiltinModule('node:fs')
const css = fs.readFileSync('src/style.css', 'utf8') // Vitest runs in frontend/

type RGB = [number, number, number]
type RGBA = [number, number, number, number]

function tokens(selector: string): Map<string, RGBA> {
  const start = css.indexOf(`${selector} {`)
  const block = css.slice(start, css.indexOf('}', start))
  const out = new Map<string, RGBA>()
  for (const m of block.matchAll(/--aegis-([a-z0-9-]+):\s*([^;]+);/g)) out.set(m[1]!, parse(m[2]!))
  return out
}

function parse(v: string): RGBA {
  const hex = /^#([0-9a-f]{6})$/i.exec(v.trim())
  if (hex) return [0, 2, 4].map((i) => parseInt(hex[1]!.slice(i, i + 2), 16)).concat(1) as RGBA
  const rgba = /^rgba\((\d+),\s*(\d+),\s*(\d+),\s*([\d.]+)\)$/.exec(v.trim())
  if (!rgba) throw new Error(`unparsed colour ${v}`)
  return [Number(rgba[1]), Number(rgba[2]), Number(rgba[3]), Number(rgba[4])]
}

const over = (top: RGBA, bottom: RGB): RGB => [0, 1, 2].map((i) => top[i]! * top[3] + bottom[i]! * (1 - top[3])) as RGB

function luminance([r, g, b]: RGB): number {
  const ch = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
  return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b)
}

function ratio(a: RGB, b: RGB): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (hi! + 0.05) / (lo! + 0.05)
}

const themes = {light: ':root,\n[data-theme="light"]', dark: '[data-theme="dark"]'}

describe.each(Object.entries(themes))('%s theme', (_, selector) => {
  const t = tokens(selector)
  const get = (name: string) => {
    const c = t.get(name)
    if (!c) throw new Error(`--aegis-${name} is not defined`)
    return c
  }
  const base = over(get('bg-1'), [0, 0, 0])
  // The page at its darkest/most tinted point: the first glow at full strength.
  const page = over(get('glow-1'), base)
  const surfaces: Record<string, RGB> = {
    page,
    panel: over(get('panel'), page),
    'strong panel': over(get('panel-strong'), page),
    'hover tint': over(get('accent-soft'), over(get('panel'), page)),
    code: over(get('code'), over(get('panel'), page)),
  }
  const text = ['fg', 'muted']
  const onPanels = ['subtle', 'danger', 'ok', 'tok-key', 'tok-string', 'tok-number', 'tok-literal', 'tok-punct']

  it.each(text.flatMap((c) => Object.keys(surfaces).map((s) => [c, s])))('%s text on %s is at least 4.5:1', (c, s) => {
    expect(ratio(over(get(c!), surfaces[s!]!), surfaces[s!]!)).toBeGreaterThanOrEqual(4.5)
  })
  it.each(onPanels.flatMap((c) => ['panel', 'strong panel', 'code'].map((s) => [c, s])))('%s on %s is at least 4.5:1', (c, s) => {
    expect(ratio(over(get(c!), surfaces[s!]!), surfaces[s!]!)).toBeGreaterThanOrEqual(4.5)
  })
  it('accent button text is at least 4.5:1 and the focus ring 3:1', () => {
    expect(ratio(over(get('accent-fg'), over(get('accent'), page)), over(get('accent'), page))).toBeGreaterThanOrEqual(4.5)
    expect(ratio(over(get('ring'), surfaces.panel!), surfaces.panel!)).toBeGreaterThanOrEqual(3)
  })
})
