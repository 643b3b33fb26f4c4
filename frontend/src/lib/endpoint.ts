/**
 * endpointProblem checks the API root of an OpenAI-compatible endpoint as
 * the Go side does (llm.CheckBaseURL), for early feedback while typing:
 * error says why the URL cannot be used; insecure is true for plain http to
 * a host other than this machine, where prompts would cross the network
 * unencrypted.
 */
export function endpointProblem(raw: string): {error?: string; insecure: boolean} {
  let u: URL
  try {
    u = new URL(raw.trim())
  } catch {
    return {error: 'Not a URL (e.g. http://localhost:11434/v1).', insecure: false}
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return {error: 'Use an http:// or https:// URL.', insecure: false}
  if (!u.hostname) return {error: 'The URL names no host.', insecure: false}
  if (u.username || u.password) return {error: 'The URL must not hold a user name or password.', insecure: false}
  if (u.search || u.hash) return {error: 'Give the API root, without a query or fragment.', insecure: false}
  const host = u.hostname.toLowerCase().replace(/^\[|\]$/g, '')
  const loopback = host === 'localhost' || host.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1'
  return {insecure: u.protocol === 'http:' && !loopback}
}
