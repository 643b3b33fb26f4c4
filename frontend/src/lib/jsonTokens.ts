/** Token kinds the policy viewer colours. */
export type TokenKind = 'key' | 'string' | 'number' | 'literal' | 'punct' | 'space'

export interface Token {
  kind: TokenKind
  text: string
}

const literals = ['true', 'false', 'null']

/**
 * tokenizeJSON splits JSON text into coloured tokens without parsing it, so
 * the viewer also copes with partial or invalid input: anything it does not
 * recognise is passed through as punctuation. Concatenating the tokens'
 * texts always gives back the input.
 */
export function tokenizeJSON(text: string): Token[] {
  const out: Token[] = []
  let i = 0
  const push = (kind: TokenKind, s: string) => {
    const last = out[out.length - 1]
    if (last && last.kind === kind && (kind === 'space' || kind === 'punct')) {
      last.text += s
    } else {
      out.push({kind, text: s})
    }
  }
  while (i < text.length) {
    const c = text[i]!
    if (c === '"') {
      let j = i + 1
      while (j < text.length && text[j] !== '"' && text[j] !== '\n') {
        j += text[j] === '\\' ? 2 : 1
      }
      j = Math.min(j + 1, text.length)
      const s = text.slice(i, j)
      let k = j
      while (k < text.length && (text[k] === ' ' || text[k] === '\t')) k++
      push(text[k] === ':' ? 'key' : 'string', s)
      i = j
      continue
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i))
      if (m && m[0] !== '-') {
        push('number', m[0])
        i += m[0].length
        continue
      }
    }
    const lit = literals.find((l) => text.startsWith(l, i))
    if (lit) {
      push('literal', lit)
      i += lit.length
      continue
    }
    push(c === ' ' || c === '\n' || c === '\t' || c === '\r' ? 'space' : 'punct', c)
    i++
  }
  return out
}
