/**
 * End to end: on the demo workspace, a CS leader opens Engagement and sees which accounts are out of
 * cadence (and opens one in Account 360), each CSM's load against capacity, and moves a CSM's book to
 * a colleague through preview and apply. A viewer sees coverage and load but cannot reassign.
 * Real Bosun, real database, real Chromium; the server's own jobs classify the demo accounts.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildDemoWorkspace } from '../../src/server/admin-operations'
import { createUser } from '../../src/server/modules/identity'
import { browserPages, ensureWebBuild, launchChromium, requireChromium, skipBrowserTests, startE2eBosun, type E2eBosun } from './harness'

const screenshotDir = path.resolve(import.meta.dirname, '__screenshots__')
const PASSWORD = 'e2e-password-correct-horse'
const OWNER_EMAIL = 'e2e-engagement-owner@bosun.test'
const VIEWER_EMAIL = 'e2e-engagement-viewer@bosun.test'

type LoadRow = { userId: string | null; name: string; role: string | null; accounts: number }

describe.skipIf(skipBrowserTests())('engagement in the browser', () => {
  let bosun: E2eBosun
  let browser: Browser
  const contexts: BrowserContext[] = []
  const problems: string[] = []

  beforeAll(async () => {
    requireChromium()
    ensureWebBuild()
    bosun = await startE2eBosun()
    const db = bosun.running.deps.db
    const demo = await buildDemoWorkspace(db, { accounts: 300, months: 12, seed: 42, slug: 'demo', replace: false, usage: false, adminEmail: OWNER_EMAIL, adminPassword: PASSWORD })
    await createUser(db, { workspaceId: demo.workspaceId, email: VIEWER_EMAIL, name: 'Vera Viewer', role: 'viewer', password: PASSWORD, actor: { kind: 'system', label: 'e2e test' } })
    browser = await launchChromium()
  }, 600_000)

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined)
    await browser?.close()
    await bosun?.stop()
  })

  const { newPage, logIn } = browserPages(() => ({ browser, bosun }), { password: PASSWORD, problems, contexts })

  const shot = async (page: Page, name: string) => {
    fs.mkdirSync(screenshotDir, { recursive: true })
    await page.screenshot({ path: path.join(screenshotDir, `engagement-${name}-${bosun.kind}.png`), fullPage: true })
  }

  /** The server's evaluate job classifies the demo accounts in the background; wait until it is done. */
  const classified = async (page: Page) => {
    await expect
      .poll(async () => {
        const tiers = (await (await page.request.get('/api/v1/tiers')).json()) as { queued: number; unclassified: number }
        return tiers.queued + tiers.unclassified
      }, { timeout: 120_000, interval: 500 })
      .toBe(0)
  }

  it('shows coverage and team load, and moves a book through preview and apply', async () => {
    const page = await newPage()
    await logIn(page, OWNER_EMAIL)
    await classified(page)
    await page.locator('[data-testid="nav-engagement"]').click()
    await page.waitForURL(/\/engagement$/)

    const enterpriseTouch = page.locator('[data-testid="coverage-card-enterprise-touchpoint"]')
    await enterpriseTouch.waitFor()
    expect(await enterpriseTouch.textContent()).toMatch(/Touchpoint.*\d+ %.*out/)
    expect(await page.locator('[data-testid="coverage-totals"]').textContent()).toMatch(/\d+ % in cadence/)
    const rows = page.locator('[data-testid="coverage-row"]')
    await rows.first().waitFor()
    expect(await rows.count()).toBeGreaterThan(5)
    expect(await rows.first().locator('[data-testid="out-of-cadence-badge"]').textContent()).toMatch(/\d+ days? overdue/)
    await shot(page, 'coverage')

    // A card filters the list to its tier and cadence.
    await page.locator('[data-testid="coverage-card-smb-touchpoint"]').click()
    await expect.poll(async () => (await rows.first().textContent()) ?? '').toContain('SMB')
    const name = (await rows.first().locator('a').textContent()) ?? ''
    await rows.first().locator('a').click()
    await page.waitForURL(/\/accounts\/[0-9a-f-]+$/)
    await page.getByText(name).first().waitFor()
    await page.goBack()

    await page.locator('[data-testid="engagement-tab-load"]').click()
    const loadRows = page.locator('[data-testid="load-row"]')
    await loadRows.first().waitFor()
    expect(await loadRows.count()).toBeGreaterThan(5)
    expect(await page.locator('[data-testid="load-row-unassigned"]').textContent()).toContain('Unassigned')
    expect(await page.locator('[data-testid="load-table"]').textContent()).toContain('Enterprise')
    await shot(page, 'load')

    // Move the smallest book to a colleague.
    const load = (await (await page.request.get('/api/v1/engagement/load')).json()) as { rows: LoadRow[] }
    const csms = load.rows.filter((row) => row.role === 'csm' && row.accounts > 0).sort((a, b) => a.accounts - b.accounts)
    const [from, to] = [csms[0]!, csms[1]!]
    await page.locator('[data-testid="engagement-tab-reassign"]').click()
    await page.locator('[data-testid="reassign-from"]').click()
    await page.getByRole('option', { name: from.name, exact: true }).click()
    await page.locator('[data-testid="reassign-to"]').click()
    await page.getByRole('option', { name: to.name, exact: true }).click()
    await page.locator('[data-testid="reassign-preview"]').click()
    const moves = page.locator('[data-testid="reassign-move"]')
    await moves.first().waitFor()
    expect(await moves.count()).toBe(from.accounts)
    expect(await page.locator('[data-testid="reassign-load"]').textContent()).toContain(`${from.accounts} → 0`)
    await shot(page, 'reassign')
    await page.locator('[data-testid="reassign-apply"]').click()
    await page.getByText(`${from.accounts} account${from.accounts === 1 ? '' : 's'} moved`).waitFor()
    const after = (await (await page.request.get('/api/v1/engagement/load')).json()) as { rows: LoadRow[] }
    expect(after.rows.find((row) => row.userId === from.userId)?.accounts).toBe(0)
    expect(after.rows.find((row) => row.userId === to.userId)?.accounts).toBe(to.accounts + from.accounts)
    expect(problems).toEqual([])
  })

  it('shows a viewer coverage and load without reassignment', async () => {
    const page = await newPage()
    await logIn(page, VIEWER_EMAIL)
    await page.goto('/engagement')
    await page.locator('[data-testid="coverage-row"]').first().waitFor()
    expect(await page.locator('[data-testid="engagement-tab-reassign"]').count()).toBe(0)
    await page.locator('[data-testid="engagement-tab-load"]').click()
    await page.locator('[data-testid="load-row"]').first().waitFor()
    expect(problems).toEqual([])
  })
})
