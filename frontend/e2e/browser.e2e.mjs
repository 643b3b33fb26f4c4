// End-to-end test of the real built frontend against the real Go services,
// in headless Debian Chromium driven by playwright-core. The Go test
// TestBrowserE2E (../../e2e_browser_test.go) serves frontend/dist with a JSON
// bridge standing in for window.go and runs this script:
//
//   node e2e/browser.e2e.mjs URL CASES.json SCREENSHOT_DIR
//
// CASES.json holds what the Go PolicyService returns for the policies typed
// here, so every assertion compares the screen with the backend's own answer.
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {chromium} from 'playwright-core'

const [url, casesFile, shots] = process.argv.slice(2)
if (!url || !casesFile || !shots) {
  console.error('usage: node e2e/browser.e2e.mjs URL CASES.json SCREENSHOT_DIR')
  process.exit(2)
}
const cases = JSON.parse(readFileSync(casesFile, 'utf8'))

const profileDir = mkdtempSync(join(tmpdir(), 'aegis-e2e-chromium-'))
const ctx = await chromium.launchPersistentContext(profileDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
  viewport: {width: 1280, height: 800},
  colorScheme: 'dark',
})

const problems = []
const step = (name) => console.log(`- ${name}`)
try {
  const page = ctx.pages()[0] ?? (await ctx.newPage())
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  // The CSP check below provokes one blocked request on purpose.
  const probe = 'https://example.com/beacon'
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes(probe)) problems.push(`console error: ${m.text()} (${m.location().url})`)
  })
  page.on('request', (r) => {
    if (!r.url().startsWith(url) && r.url() !== probe) problems.push(`request outside the app: ${r.url()}`)
  })

  step('opens on Validate with the OS theme')
  await page.goto(url, {waitUntil: 'networkidle'})
  await page.getByRole('heading', {level: 1, name: 'Validate'}).waitFor()
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark')
  assert.match(await page.locator('nav').innerText(), /Version\s+\S+/)

  step('the Content-Security-Policy is in force')
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')
  assert.match(csp ?? '', /default-src 'self'/)
  const violation = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const probe = 'https://example.com/beacon'
        document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), {once: true})
        fetch(probe).catch(() => {})
        setTimeout(() => resolve('none'), 3000)
      }),
  )
  assert.equal(violation, 'connect-src', 'a remote fetch must be blocked by the CSP')

  step('a broken policy shows positioned errors; clicking one moves the caret')
  const editor = page.getByTestId('policy-input')
  await editor.fill(cases.broken.text)
  const items = page.getByTestId('diagnostics').getByRole('button')
  await items.first().waitFor()
  assert.equal(await items.count(), cases.broken.errors.length)
  for (const [i, d] of cases.broken.errors.entries()) {
    const text = await items.nth(i).innerText()
    assert.ok(text.includes(`${d.line}:${d.column}`), `error ${i} shows ${d.line}:${d.column}: ${text}`)
    assert.ok(text.includes(d.message), `error ${i} shows "${d.message}": ${text}`)
    if (d.path) assert.ok(text.includes(d.path), `error ${i} shows path ${d.path}: ${text}`)
  }
  await page.screenshot({path: join(shots, 'browser-errors.png')})
  const last = cases.broken.errors.at(-1)
  await items.last().click()
  const caret = await editor.evaluate((el) => el.selectionStart)
  assert.equal(caret, Buffer.from(cases.broken.text).subarray(0, last.offset).toString().length, 'caret at the error')
  assert.equal(await editor.evaluate((el) => el === document.activeElement), true)

  step('a valid policy shows the canonical JSON')
  await editor.fill(cases.valid.text)
  const viewer = page.getByTestId('policy-viewer')
  await viewer.waitFor()
  await page.waitForFunction((want) => document.querySelector('[data-testid="policy-viewer"]')?.textContent === want, cases.valid.canonical.replace(/\n$/, ''))
  await page.getByText('Valid syntax').waitFor()
  await page.screenshot({path: join(shots, 'browser.png')})

  step('keyboard and click navigation; honest empty states')
  await page.keyboard.press('Control+1')
  await page.getByText('Policy generation is not yet available').waitFor()
  await page.getByRole('button', {name: /^Audit/}).click()
  await page.getByText('Account audits are not yet available').waitFor()
  await page.keyboard.press('Control+4')
  await page.getByText('No history yet').waitFor()

  step('Settings lists the AWS profiles with their kinds, never a secret')
  await page.keyboard.press('Control+5')
  const list = page.getByRole('list', {name: 'AWS profiles'})
  await list.waitFor()
  for (const p of cases.profiles) {
    const row = page.locator(`[data-profile="${p.name}"]`)
    await row.waitFor()
    assert.ok((await row.innerText()).includes(p.kind), `${p.name} shows kind ${p.kind}`)
  }
  const body = await page.locator('body').innerText()
  for (const secret of cases.secrets) assert.ok(!body.includes(secret), 'a secret reached the UI')
  await page.screenshot({path: join(shots, 'browser-settings.png')})

  step('Settings: a bad region is refused, a good one is saved')
  const region = page.getByLabel('Default region')
  await region.fill('mars-1')
  await page.getByText('Not a region code (e.g. eu-west-1).').waitFor()
  await region.fill(cases.saveRegion)
  await page.getByRole('button', {name: 'Save settings'}).click()
  await page.getByText('Settings saved').waitFor()

  step('Settings: the theme override repaints the app')
  await page.getByRole('tab', {name: 'Appearance & data'}).click()
  await page.getByLabel('Theme').selectOption('light')
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'light')
  await page.waitForTimeout(400) // colour transitions (150 ms) finish before the screenshot
  await page.screenshot({path: join(shots, 'browser-light.png')})

  assert.deepEqual(problems, [])
  console.log('PASS browser e2e')
} finally {
  await ctx.close()
  rmSync(profileDir, {recursive: true, force: true})
}
