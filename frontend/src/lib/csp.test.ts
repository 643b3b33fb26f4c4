import {describe, expect, it} from 'vitest'
import {styleNonce} from './csp'

function page(policy: string | null): Document {
  const doc = document.implementation.createHTMLDocument('t')
  if (policy !== null) {
    const meta = doc.createElement('meta')
    meta.setAttribute('http-equiv', 'Content-Security-Policy')
    meta.setAttribute('content', policy)
    doc.head.append(meta)
  }
  return doc
}

describe('styleNonce', () => {
  it('reads the style-src nonce of the page policy', () => {
    expect(styleNonce(page("default-src 'self'; style-src 'self' 'nonce-q8/Zx+1w2E3r4T5y6U7i8O9p'; img-src 'self'"))).toBe('q8/Zx+1w2E3r4T5y6U7i8O9p')
  })
  it('ignores a nonce of another directive', () => {
    expect(styleNonce(page("script-src 'nonce-abc'; style-src 'self'"))).toBe('')
  })
  it('is empty without a policy', () => {
    expect(styleNonce(page(null))).toBe('')
  })
})
