// The browser end-to-end scripts' shared set-up: their command line and
// Debian Chromium, driven by playwright-core, in a profile of its own that
// close() removes. $CHROMIUM names the browser (default /usr/bin/chromium).
// With DISPLAY set (make e2e-browser runs under xvfb-run) Chromium draws in
// that display, unless the script asks for headless; without, it runs
// headless.
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {chromium} from 'playwright-core'

// scriptArgs reads `node e2e/SCRIPT URL CASES.json SCREENSHOT_DIR`: the
// app's URL, the cases the Go test wrote (what to do and expect, from the
// Go services) and where screenshots go. Anything missing exits with the
// usage.
export function scriptArgs(script) {
  const [url, casesFile, shots] = process.argv.slice(2)
  if (!url || !casesFile || !shots) {
    console.error(`usage: node e2e/${script} URL CASES.json SCREENSHOT_DIR`)
    process.exit(2)
  }
  return {url, cases: JSON.parse(readFileSync(casesFile, 'utf8')), shots}
}

// assertCount waits until locator matches n elements, then asserts it:
// playwright-core has no web-first count assertion, and a list that is
// already on the page (a filter's old results, say) changes only when the
// app's answer arrives. It fails with the last count after timeout ms.
export async function assertCount(locator, n, timeout = 10_000) {
  const end = Date.now() + timeout
  let count = await locator.count()
  while (count !== n && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    count = await locator.count()
  }
  assert.equal(count, n)
}

// launch starts Chromium with a fresh profile named after name, a dark
// colour scheme and the given viewport. It returns the browser context,
// whether it runs headless and close(), which ends the browser and removes
// its profile.
export async function launch(name, {viewport, headless = !process.env.DISPLAY}) {
  const profileDir = mkdtempSync(join(tmpdir(), `aegis-e2e-${name}-chromium-`))
  const ctx = await chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless,
    args: [
      ...(headless ? ['--headless'] : []),
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport,
    colorScheme: 'dark',
  })
  const close = async () => {
    await ctx.close()
    rmSync(profileDir, {recursive: true, force: true})
  }
  return {ctx, headless, close}
}
