// End-to-end test of the Audit and History pages: the real built frontend
// against the real Go services, in Debian Chromium driven by
// playwright-core. The Go test TestBrowserAuditE2E (../../e2e_browser_test.go)
// serves frontend/dist with the JSON bridge and Go's events, with local
// fake AWS endpoints behind the profile it names, and runs:
//
//   node e2e/audit.e2e.mjs URL CASES.json SCREENSHOT_DIR
//
// CASES.json holds the sample account's audit and export as Go computes
// them, so the assertions compare the screen with the backend's answer.
// With DISPLAY set (make e2e-browser runs under xvfb-run) Chromium draws
// in that display; without, it runs headless.
import assert from 'node:assert/strict'
import {join} from 'node:path'
import {assertCount, launch, scriptArgs} from './chromium.mjs'

const {url, cases, shots} = scriptArgs('audit.e2e.mjs')
const {ctx, headless, close} = await launch('audit', {viewport: {width: 1280, height: 900}})

const problems = []
const step = (name) => console.log(`- ${name}`)
const short = (arn) => arn.slice(arn.lastIndexOf('/') + 1)
try {
  const page = ctx.pages()[0] ?? (await ctx.newPage())
  page.setDefaultTimeout(30_000)
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  // The cancelled audit's call is rejected: the bridge answers a Go error
  // with status 500, which Chromium logs. That one is expected.
  let rejectedRuns = 0
  page.on('console', (m) => {
    if (m.type() !== 'error') return
    if (m.location().url.endsWith('/__call/app/AuditService/Run') && m.text().includes('500')) rejectedRuns++
    else problems.push(`console error: ${m.text()} (${m.location().url})`)
  })
  page.on('request', (r) => {
    if (!r.url().startsWith(url)) problems.push(`request outside the app: ${r.url()}`)
  })
  // Go's events reach the page over the bridge's event stream.
  await page.addInitScript(() => {
    window.__aegisEvents = true
  })
  await page.goto(url, {waitUntil: 'load'})
  await page.getByRole('heading', {level: 1, name: 'Validate'}).waitFor()

  step('the sample account: audited, labelled sample data, risk and principals as Go computed them')
  await page.keyboard.press('Control+3')
  await page.getByRole('heading', {level: 1, name: 'Audit'}).waitFor()
  await page.getByRole('button', {name: 'Audit the sample account'}).click()
  const banner = page.getByRole('note', {name: 'Sample data'})
  await banner.waitFor()
  assert.match(await banner.innerText(), /not a real AWS account/)
  await page.getByText(`Sample account ${cases.sample.account}`, {exact: true}).waitFor()
  assert.equal(await page.getByRole('meter', {name: 'Account risk'}).getAttribute('aria-valuenow'), String(cases.sample.riskScore))
  const table = page.getByRole('table', {name: 'Principals by risk'})
  await assertCount(table.locator('tbody tr'), cases.sample.principals.length)
  const top = [...cases.sample.principals].sort((a, b) => b.riskScore - a.riskScore)[0]
  assert.ok((await table.locator('tbody tr').first().innerText()).includes(top.name), `the riskiest principal ${top.name} comes first`)
  await page.waitForTimeout(300) // transitions settle before the screenshot
  await page.screenshot({path: join(shots, 'audit-page.png'), fullPage: true})

  step('a principal: permissions by service, the right-sized policy as a diff with both proofs')
  const want = cases.sample.principals.find((p) => p.arn === cases.principal)
  await table.getByText(want.name, {exact: true}).click()
  const services = page.getByRole('list', {name: 'Permissions by service'})
  await services.waitFor()
  const granted = [...want.permissions.used, ...want.permissions.unused, ...want.permissions.unknown, ...want.permissions.tooNew]
  const serviceNames = [...new Set(granted.map((a) => a.split(':')[0]))]
  await assertCount(services.locator('details'), serviceNames.length)
  const ec2 = services.locator('details[data-service="ec2"]')
  await ec2.locator('summary').click()
  for (const a of want.permissions.unused) assert.match(await ec2.innerText(), new RegExp(`unused\\s+${a}`), `${a} shows as unused`)

  await page.getByRole('tab', {name: 'Right-sized policy'}).click()
  const proofs = page.getByRole('region', {name: 'Proofs'})
  await proofs.waitFor()
  const proofText = await proofs.innerText()
  assert.equal(want.recommendation.proof.noNewAccess, 'no-new-access')
  assert.ok(proofText.includes('grants nothing new') && proofText.includes('covers all usage'), proofText)
  const diff = page.getByRole('region', {name: 'Policy diff'})
  const after = new Map(want.recommendation.policies.map((p) => [p.name, p]))
  const expected = want.current.map((c) => [c.name, !after.has(c.name) ? 'removed' : after.get(c.name).status === 'unchanged' ? 'unchanged' : 'rewritten'])
  for (const p of want.recommendation.policies) if (!want.current.some((c) => c.name === p.name)) expected.push([p.name, 'new'])
  assert.ok(expected.some(([, change]) => change === 'removed') && expected.some(([, change]) => change === 'new'), 'app-a swaps its shared policy')
  await assertCount(diff.locator('figure'), expected.length)
  for (const [name, change] of expected) {
    const caption = await diff.locator(`figure[data-policy="${name}"] figcaption`).innerText()
    assert.ok(caption.includes(change), `${name}: ${caption}, want ${change}`)
  }
  const removedLines = await diff.locator('[data-op="-"]').allInnerTexts()
  for (const a of want.permissions.unused) assert.ok(removedLines.some((l) => l.includes(a)), `the diff removes ${a}`)
  await page.screenshot({path: join(shots, 'audit-principal.png'), fullPage: true})

  step('escalation paths hop by hop, findings with remediation')
  await page.getByRole('tab', {name: 'Escalation & external access'}).click()
  await page.getByText(/escalation path through this principal|hops?$/).first().waitFor()
  await page.getByRole('tab', {name: /^Findings/}).click()
  for (const f of want.findings) assert.ok((await page.locator(`li[data-finding="${f.id}"]`).first().innerText()).includes('Remediation:'), `${f.id} has a remediation`)

  step('export: the AWS CLI commands go to the save dialog, exactly as Go renders them')
  await page.evaluate(() => {
    const inert = window.runtime
    window.__runtime = inert
    window.__requests = []
    window.runtime = new Proxy({}, {get: (_, k) => (k === 'EventsEmit' ? (name, data) => window.__requests.push({name, data}) : inert[k])})
  })
  await page.getByRole('button', {name: 'AWS CLI'}).click()
  await page.waitForFunction(() => window.__requests.length === 1)
  const [saved] = await page.evaluate(() => window.__requests)
  await page.evaluate(() => {
    window.runtime = window.__runtime
  })
  assert.equal(saved.name, 'app:save-policy')
  assert.equal(saved.data.suggestedName, `${want.name}.rightsize.sh`)
  assert.equal(saved.data.text, cases.cli)
  await page.getByRole('button', {name: 'Close the principal'}).click()

  step('a query: who can pass roles, each match as Go answers it, linked to its principal')
  await page.getByRole('textbox', {name: 'Query'}).fill(cases.query)
  await page.getByRole('button', {name: 'Ask'}).click()
  const answer = page.getByLabel('Query answer')
  await answer.waitFor()
  const matches = cases.answer.matches ?? []
  assert.ok(matches.length > 0, 'the sample has principals that can pass roles')
  await assertCount(answer.locator('li:not(li li)'), matches.length)
  const linked = matches.find((m) => cases.sample.principals.some((p) => p.arn === m.principal))
  await answer.getByRole('button', {name: linked.principal.split('/').pop(), exact: true}).first().click()
  await page.getByRole('button', {name: 'Close the principal'}).waitFor()
  await page.getByRole('button', {name: 'Close the principal'}).click()

  step('a live audit of the fake account: Cancel stops it')
  await page.getByRole('radio', {name: /Built-in AWS server/}).check()
  await page.getByLabel('AWS profile', {exact: true}).selectOption(cases.profile)
  if ((await page.getByRole('button', {name: 'Remove eu-west-1'}).count()) === 0) await page.getByLabel('Add a region', {exact: true}).selectOption('eu-west-1')
  await page.getByRole('button', {name: 'Start audit'}).click()
  const discover = page.locator('li[data-phase="discover"]')
  // Access Advisor jobs are polled every two seconds: time to cancel.
  const inAccessAdvisor = () => page.waitForFunction(() => /access-advisor/.test(document.querySelector('li[data-phase="discover"]')?.textContent ?? ''))
  await inAccessAdvisor()
  await page.getByRole('button', {name: 'Cancel'}).click()
  await page.getByText('Audit cancelled').waitFor()
  await page.getByRole('list', {name: 'Audit progress'}).waitFor({state: 'detached'})

  step('the live audit again: progress per phase, then its drift from the earlier audit names the new role')
  const phases = new Set()
  await page.exposeFunction('__phase', (p) => phases.add(p))
  await page.evaluate(() => {
    const seen = () => document.querySelectorAll('li[data-phase]').forEach((li) => /\d+\/\d+|skipped|principals/.test(li.textContent) && window.__phase(li.dataset.phase))
    window.__watch = new MutationObserver(seen)
    window.__watch.observe(document.body, {subtree: true, childList: true, characterData: true})
  })
  await page.getByRole('button', {name: 'Start audit'}).click()
  await inAccessAdvisor()
  assert.match(await discover.innerText(), /access-advisor \d+\/\d+/)
  assert.match(await page.locator('li[data-phase="analyse"]').innerText(), /waiting/)
  await page.screenshot({path: join(shots, 'audit-progress.png')})
  await page.getByText(`Account ${cases.account}`, {exact: true}).waitFor({timeout: 90_000})
  assert.ok(phases.has('discover'), `progress seen for ${[...phases]}`)
  const drift = await page.getByRole('list', {name: 'Drift'}).innerText()
  assert.ok(drift.includes(`New principals: ${cases.newPrincipal}`), drift)

  step('History: search, the trend chart and the drift between two audits of the account')
  await page.keyboard.press('Control+4')
  await page.getByRole('heading', {level: 1, name: 'History'}).waitFor()
  await page.getByLabel('Search history').fill('Sample account')
  await page.getByRole('row', {name: /Sample account 111122223333/}).waitFor()
  await assertCount(page.getByRole('table', {name: 'History'}).locator('tbody tr'), 1)
  await page.getByLabel('Search history').fill('')
  await page.getByLabel('Account', {exact: true}).selectOption(cases.account)
  await page.getByRole('img', {name: `Risk scores of ${cases.account} over 2 audits`}).waitFor()
  await page.getByRole('button', {name: 'Compare'}).click()
  const between = page.getByRole('region', {name: 'Drift between audits'})
  await between.waitFor()
  assert.ok((await between.getByRole('list', {name: 'New principals'}).innerText()).includes(cases.newPrincipal))
  await page.waitForTimeout(300)
  await page.screenshot({path: join(shots, 'history-drift.png'), fullPage: true})

  assert.deepEqual(problems, [])
  assert.equal(rejectedRuns, 1, 'only the cancelled audit was rejected')
  console.log(`PASS audit e2e (${headless ? 'headless' : `display ${process.env.DISPLAY}`})`)
} catch (err) {
  // What the page showed and logged when the test failed.
  console.log(problems.join('\n'))
  await ctx.pages()[0]?.screenshot({path: join(shots, 'audit-failure.png'), fullPage: true})
  throw err
} finally {
  await close()
}
