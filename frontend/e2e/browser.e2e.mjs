// End-to-end test of the real built frontend against the real Go services,
// in headless Debian Chromium driven by playwright-core. The Go test
// TestBrowserE2E (../../e2e_browser_test.go) serves frontend/dist with a JSON
// bridge standing in for window.go and runs this script:
//
//   node e2e/browser.e2e.mjs URL CASES.json SCREENSHOT_DIR
//
// CASES.json holds what the Go ValidateService returns for the policies typed
// here (and after a one-click fix), so every assertion compares the screen
// with the backend's own answer.
import assert from 'node:assert/strict'
import {join} from 'node:path'
import {launch, scriptArgs} from './chromium.mjs'

const {url, cases, shots} = scriptArgs('browser.e2e.mjs')
const {ctx, close} = await launch('browser', {viewport: {width: 1280, height: 800}, headless: true})

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
  // The version comes from Go after first paint.
  await page.waitForFunction(() => /Version\s+\S+/.test(document.querySelector('nav')?.innerText ?? ''))

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

  // The editor is CodeMirror, loaded lazily: wait for it, then type into it.
  const editor = page.locator('.cm-content[data-testid="policy-input"]')
  await editor.waitFor()
  assert.equal(await editor.evaluate((el) => el === document.activeElement), true, 'the editor has focus on start')
  // Text goes in the way a keyboard puts it (Input.insertText): Playwright's
  // fill() uses execCommand on a contenteditable, whose editing engine writes
  // inline style attributes that the Content-Security-Policy (rightly) blocks.
  const setEditor = async (text) => {
    await editor.click()
    await page.keyboard.press('Control+A')
    await page.keyboard.press('Delete')
    await page.keyboard.insertText(text)
  }
  const editorText = () => page.evaluate(() => [...document.querySelectorAll('.cm-content .cm-line')].map((l) => l.textContent).join('\n'))
  const findingsOf = (c) => c.result.policies.flatMap((p) => p.findings)
  const scoreShown = (want) =>
    page.waitForFunction((v) => document.querySelector('[role="meter"][aria-label="Risk score"]')?.getAttribute('aria-valuenow') === String(v), want)

  step('a broken policy shows positioned findings and lint markers; clicking one moves the caret')
  await setEditor(cases.broken.text)
  const broken = findingsOf(cases.broken)
  const items = page.getByTestId('findings').locator('li[data-finding]')
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="findings"] li[data-finding]').length === n, broken.length)
  for (const f of broken) {
    const text = await page.getByTestId('findings').locator(`li[data-finding="${f.id}"]`).first().innerText()
    assert.ok(text.includes(`${f.line}:${f.column}`), `${f.id} shows ${f.line}:${f.column}: ${text}`)
    assert.ok(text.includes(f.message), `${f.id} shows "${f.message}": ${text}`)
  }
  await page.locator('.cm-lintRange').first().waitFor()
  await page.screenshot({path: join(shots, 'browser-errors.png')})
  const last = broken.at(-1)
  await items.last().getByRole('button', {name: `Go to line ${last.line}, column ${last.column}`}).click()
  assert.equal(await editor.evaluate((el) => el === document.activeElement), true, 'the editor has focus after the jump')
  assert.equal(await page.locator('.cm-activeLine').innerText(), cases.broken.text.split('\n')[last.line - 1], 'caret on the finding\'s line')

  step('a valid policy shows its score')
  await setEditor(cases.valid.text)
  await scoreShown(cases.valid.result.score.value)
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="findings"] li[data-finding]').length === n, findingsOf(cases.valid).length)
  await page.screenshot({path: join(shots, 'browser.png')})

  step('a risky policy: score, findings by category, compliance; a one-click fix removes its finding')
  await setEditor(cases.risky.text)
  await scoreShown(cases.risky.result.score.value)
  const risky = findingsOf(cases.risky)
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="findings"] li[data-finding]').length === n, risky.length)
  const explanation = await page.getByTestId('risk-explanation').innerText()
  assert.equal(explanation, cases.risky.result.score.explanation)
  for (const f of risky) {
    const item = page.getByTestId('findings').locator(`li[data-finding="${f.id}"]`).first()
    assert.ok((await item.innerText()).includes(f.remediation), `${f.id} shows its remediation`)
  }
  const fixed = cases.risky.result.policies[0].findings.find((f) => f.id === cases.risky.fix)
  await page.getByTestId('findings').locator(`li[data-finding="${fixed.id}"]`).getByRole('button', {name: fixed.fix.label}).click()
  await page.locator(`li[data-finding="${fixed.id}"]`).waitFor({state: 'detached'})
  await scoreShown(cases.risky.fixed.result.score.value)
  assert.equal(await editorText(), cases.risky.fixed.text, 'the editor holds the fixed policy')
  await page.getByRole('tab', {name: 'Compliance'}).click()
  const frameworks = cases.risky.fixed.result.compliance
  await page.getByTestId('compliance').locator('details[data-framework]').nth(frameworks.length - 1).waitFor()
  for (const fw of frameworks) {
    const summary = await page.locator(`details[data-framework="${fw.id}"] summary`).innerText()
    assert.ok(summary.includes(`${fw.fail} fail`) && summary.includes(`${fw.pass} pass`), `${fw.id} counts: ${summary}`)
  }
  await page.screenshot({path: join(shots, 'browser-fixed.png')})

  step('export: the SARIF report goes to the save dialog')
  await page.evaluate(() => {
    const inert = window.runtime
    window.__requests = []
    window.runtime = new Proxy({}, {get: (_, k) => (k === 'EventsEmit' ? (name, data) => window.__requests.push({name, data}) : inert[k])})
  })
  await page.getByRole('button', {name: 'SARIF'}).click()
  await page.waitForFunction(() => window.__requests.length === 1)
  const [saved] = await page.evaluate(() => window.__requests)
  assert.equal(saved.name, 'app:save-policy')
  assert.equal(saved.data.suggestedName, 'policy.aegis.sarif')
  const sarif = JSON.parse(saved.data.text)
  assert.equal(sarif.version, '2.1.0')
  assert.deepEqual(
    sarif.runs[0].results.map((r) => r.ruleId).sort(),
    findingsOf(cases.risky.fixed).map((f) => f.id).sort(),
  )

  step('keyboard and click navigation; honest empty states')
  await page.keyboard.press('Control+1')
  await page.getByRole('heading', {level: 1, name: 'Generate'}).waitFor()
  await page.getByRole('button', {name: /^Audit/}).click()
  await page.getByRole('radiogroup', {name: 'Data source'}).waitFor()
  await page.keyboard.press('Control+4')
  const run = page.getByRole('row', {name: /policy\.json/}).first()
  await run.waitFor()
  assert.match(await run.innerText(), /validation[\s\S]*risk \d+/)
  await page.screenshot({path: join(shots, 'browser-history.png')})

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

  step('Generate: the seed description gives both policies and no question')
  await page.keyboard.press('Control+1')
  await page.getByRole('heading', {level: 1, name: 'Generate'}).waitFor()
  await page.getByLabel('Describe the workload').fill("Lambda function that reads from DynamoDB table 'users' and writes to S3 bucket 'uploads'")
  await page.getByRole('button', {name: 'Generate', exact: true}).click()
  const permissions = page.getByRole('region', {name: 'Permissions policy'})
  await permissions.waitFor()
  const permText = await permissions.innerText()
  for (const want of ['dynamodb:GetItem', 'table/users', 's3:PutObject', 'uploads']) assert.ok(permText.includes(want), `permissions policy shows ${want}`)
  assert.ok((await page.getByRole('region', {name: 'Trust policy'}).innerText()).includes('lambda.amazonaws.com'))
  assert.equal(await page.getByRole('region', {name: 'Questions'}).count(), 0)
  await page.screenshot({path: join(shots, 'browser-generate.png')})

  step('Generate: a missing bucket name and an open write scope become questions; answering completes it')
  await page.getByRole('button', {name: 'New conversation'}).click()
  await page.getByLabel('Describe the workload').fill("Lambda function that writes to DynamoDB table 'orders' and reads objects from an S3 bucket")
  await page.getByRole('button', {name: 'Generate', exact: true}).click()
  const questions = page.getByRole('region', {name: 'Questions'})
  await questions.getByText('Which S3 bucket').waitFor()
  await page.screenshot({path: join(shots, 'browser-generate-questions.png')})
  await questions.getByRole('button', {name: 'put', exact: true}).click()
  await page.getByText('I need 1 answer').waitFor()
  await questions.getByRole('textbox').fill('reports')
  await questions.getByRole('button', {name: 'Answer'}).click()
  await permissions.waitFor()
  const answered = await permissions.innerText()
  assert.ok(answered.includes('dynamodb:PutItem') && answered.includes('reports'), 'the answers reached the policy')

  assert.deepEqual(problems, [])
  console.log('PASS browser e2e')
} finally {
  await close()
}
