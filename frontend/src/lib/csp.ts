/**
 * styleNonce is the nonce this page's Content-Security-Policy admits <style>
 * elements with: the desktop shell puts a fresh one in index.html on every
 * load (csp.go). It is '' where the page has no policy (dev server, tests).
 */
export function styleNonce(doc: Document = document): string {
  const policy = doc.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? ''
  return /(?:^|;)\s*style-src\s[^;]*'nonce-([A-Za-z0-9+/_=-]+)'/.exec(policy)?.[1] ?? ''
}
