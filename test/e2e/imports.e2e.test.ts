/**
 * End to end: CS Ops imports a Salesforce account export in the browser — the columns map themselves,
 * a dry run previews the changes and lists the bad row, applying it writes the good rows — and the
 * history shows both runs. A viewer has no Imports page. Real Bosun, real database, real Chromium.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser, createWorkspaceWithOwner } from '../../src/server/modules/identity'
import { browserPages, ensureWebBuild, launchChromium, requireChromium, skipBrowserTests, startE2eBosun, type E2eBosun } from './harness'

const screenshotDir = path.resolve(import.meta.dirname, '__screenshots__')
const PASSWORD = 'e2e-password-correct-horse'
const OWNER_EMAIL = 'imports-owner@bosun.test'
const VIEWER_EMAIL = 'imports-viewer@bosun.test'

const SALESFORCE_EXPORT = [
  'Account ID,Account Name,Website,Industry,Employees,Billing Country,Account Owner,Annual Revenue',
  'SF-001,Northwind Traders,https://www.northwind.example,Retail,"1,200",United States,imports-owner@bosun.test,"$25,000,000"',
  'SF-002,Contoso Pharma,contoso-pharma.example,Healthcare,450,Germany,,"€8.000.000"',
  'SF-003,Fabrikam Logistics,fabrikam.example,Logistics,a few,France,,',
].join('\n')

describe.skipIf(skipBrowserTests())('CSV imports in the browser', () => {
  let bosun: E2eBosun
  let browser: Browser
  const contexts: BrowserContext[] = []
  const problems: string[] = []

  beforeAll(async () => {
    requireChromium()
    ensureWebBuild()
    bosun = await startE2eBosun()
    const db = bosun.running.deps.db
    const { workspace } = await createWorkspaceWithOwner(db, { slug: 'northwind', name: 'Northwind CS', ownerEmail: OWNER_EMAIL, ownerName: 'Olga Owner', ownerPassword: PASSWORD })
    await createUser(db, { workspaceId: workspace.id, email: VIEWER_EMAIL, name: 'Vera Viewer', role: 'viewer', password: PASSWORD, actor: { kind: 'system', label: 'e2e test' } })
    browser = await launchChromium()
  }, 600_000)

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined)
    await browser?.close()
    await bosun?.stop()
  })

  const { newPage, logIn } = browserPages(() => ({ browser, bosun }), { password: PASSWORD, problems, contexts })

  it('maps a Salesforce export, dry-runs it, applies it, and lists both runs', async () => {
    const page = await newPage()
    await logIn(page, OWNER_EMAIL)
    await page.locator('[data-testid="nav-imports"]').click()
    await page.waitForURL(/\/imports$/)

    await page.locator('[data-testid="new-import"] input[type="file"]').setInputFiles({ name: 'salesforce-accounts.csv', mimeType: 'text/csv', buffer: Buffer.from(SALESFORCE_EXPORT) })
    const mapping = page.locator('[data-testid="mapping-table"]')
    await mapping.waitFor()
    expect(await page.locator('input[aria-label="Field for column Account Name"]').inputValue()).toBe('Name *')
    expect(await page.locator('input[aria-label="Field for column Account Owner"]').inputValue()).toBe('Owner (CSM)')
    expect(await page.locator('input[aria-label="Field for column Annual Revenue"]').inputValue()).toBe('Annual revenue (firmographic)')
    fs.mkdirSync(screenshotDir, { recursive: true })
    await page.screenshot({ path: path.join(screenshotDir, `imports-mapping-${bosun.kind}.png`), fullPage: true })

    await page.locator('[data-testid="start-dry-run"]').click()
    const dryRun = page.locator('[data-testid="import-run-panel"][data-status="succeeded"]')
    await dryRun.waitFor()
    expect(await dryRun.locator('[data-testid="count-created"]').textContent()).toContain('2')
    expect(await dryRun.locator('[data-testid="count-failed"]').textContent()).toContain('1')
    await dryRun.locator('[data-testid="import-preview"]').getByText('Northwind Traders').first().waitFor()
    const badRow = dryRun.locator('[data-testid="import-bad-rows"] tbody tr')
    await badRow.first().waitFor()
    expect(await badRow.first().textContent()).toContain('"a few" is not a number')
    await page.screenshot({ path: path.join(screenshotDir, `imports-dry-run-${bosun.kind}.png`), fullPage: true })

    // Nothing was written by the dry run.
    expect(((await (await page.request.get('/api/v1/accounts?external_id=SF-001')).json()) as { items: unknown[] }).items).toEqual([])

    await page.locator('[data-testid="apply-import"]').click()
    const applied = page.locator('[data-testid="import-run-panel"][data-status="partially"]')
    await applied.waitFor()
    expect(await applied.locator('[data-testid="count-created"]').textContent()).toContain('2')
    const report = await page.request.get(await applied.locator('[data-testid="download-error-report"]').getAttribute('href') ?? '')
    expect(await report.text()).toContain('4,Employees,employees')
    const account = ((await (await page.request.get('/api/v1/accounts?external_id=SF-001')).json()) as { items: { name: string; domain: string; employees: number; ownerName: string }[] }).items[0]
    expect(account).toMatchObject({ name: 'Northwind Traders', domain: 'northwind.example', employees: 1200, ownerName: 'Olga Owner' })

    await page.locator('[data-testid="import-history-row"]').nth(1).waitFor()
    expect(await page.locator('[data-testid="import-history-row"]').count()).toBe(2)
    await page.screenshot({ path: path.join(screenshotDir, `imports-applied-${bosun.kind}.png`), fullPage: true })
    expect(problems).toEqual([])
  })

  it('gives a viewer no Imports page', async () => {
    const page = await newPage()
    await logIn(page, VIEWER_EMAIL)
    expect(await page.locator('[data-testid="nav-imports"]').count()).toBe(0)
    await page.goto('/imports')
    await page.getByText('Imports change customer data').waitFor()
    expect(await page.locator('[data-testid="new-import"]').count()).toBe(0)
    expect((await page.request.get('/api/v1/imports')).status()).toBe(403)
    expect(problems).toEqual([])
  })
})
