// End-to-end test of remediation: the real built frontend against the real
// Go services, in Debian Chromium driven by playwright-core. The Go test
// TestBrowserRemediationE2E (../../e2e_browser_test.go) serves
// frontend/dist with the JSON bridge, a local fake IAM endpoint behind the
// profile "static", remediation allowed in Settings and a saved audit whose
// recommendation rewrites one inline policy, and runs:
//
//   node e2e/remediate.e2e.mjs URL CASES.json SCREENSHOT_DIR
import assert from 'node:assert/strict'
import {join} from 'node:path'
import {assertCount, launch, scriptArgs} from './chromium.mjs'

const {url, cases, shots} = scriptArgs('remediate.e2e.mjs')
const {ctx, headless, close} = await launch('remediate', {viewport: {width: 1280, height: 900}})

const problems = []
const step = (name) => console.log(`- ${name}`)
try {
  const page = ctx.pages()[0] ?? (await ctx.newPage())
  page.setDefaultTimeout(30_000)
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()} (${m.location().url})`))
  page.on('request', (r) => {
    if (!r.url().startsWith(url)) problems.push(`request outside the app: ${r.url()}`)
  })
  await page.goto(url, {waitUntil: 'load'})
  await page.getByRole('heading', {level: 1, name: 'Validate'}).waitFor()

  step('the saved audit, opened from History')
  await page.keyboard.press('Control+4')
  await page.getByRole('heading', {level: 1, name: 'History'}).waitFor()
  await page.getByRole('row', {name: new RegExp(cases.account)}).click()
  await page.getByRole('button', {name: 'Open in Audit'}).click()
  await page.getByRole('heading', {level: 1, name: 'Audit'}).waitFor()
  await page.getByRole('table', {name: 'Principals by risk'}).getByText(cases.name, {exact: true}).click()
  await page.getByRole('tab', {name: 'Right-sized policy'}).click()

  step('preview: the exact call, as an AWS CLI command, nothing written yet')
  const panel = page.getByRole('region', {name: 'Apply to the account'})
  await panel.getByRole('button', {name: 'Preview the changes'}).click()
  const calls = panel.getByRole('list', {name: 'Planned calls'})
  await calls.waitFor()
  await assertCount(calls.locator('li'), 1)
  assert.match(await calls.innerText(), /aws iam put-role-policy --role-name app --policy-name app-data --policy-document/)
  const apply = panel.getByRole('button', {name: 'Apply 1 call'})
  assert.ok(await apply.isDisabled(), 'apply waits for the confirmation')
  await page.screenshot({path: join(shots, 'remediation-preview.png'), fullPage: true})

  step('confirm and apply: verified by reading back')
  await panel.getByRole('checkbox', {name: /I reviewed these calls/}).check()
  await apply.click()
  const applied = panel.getByRole('region', {name: 'Apply'})
  await applied.waitFor()
  assert.match(await applied.innerText(), /✓ write the inline policy app-data/)
  await applied.getByText('verified').waitFor()

  step('roll back: the saved state restored and verified')
  await panel.getByRole('button', {name: 'Roll back'}).click()
  const rolled = panel.getByRole('region', {name: 'Rollback'})
  await rolled.waitFor()
  await rolled.getByText('verified').waitFor()
  await panel.getByText('rolled-back', {exact: true}).first().waitFor()
  await page.screenshot({path: join(shots, 'remediation-rolled-back.png'), fullPage: true})

  assert.deepEqual(problems, [])
  console.log(`PASS remediation e2e (${headless ? 'headless' : `display ${process.env.DISPLAY}`})`)
} catch (err) {
  await ctx.pages()[0]?.screenshot({path: join(shots, 'remediation-failure.png'), fullPage: true})
  throw err
} finally {
  await close()
}
