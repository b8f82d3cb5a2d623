/**
 * End to end: on the demo workspace (scores and reconstructed weekly snapshots), CS Ops opens Health,
 * sees the bands with the counts and ARR the API gives, opens the account that dropped most this week
 * (its trend, why it changed, its measures with missing inputs shown as missing), records a
 * sentiment, and goes on to the account. Real Bosun, real database, real Chromium.
 */
import fs from 'node:fs'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildDemoWorkspace } from '../../src/server/admin-operations'
import { getHealthPortfolio, type HealthPortfolio } from '../../src/server/modules/health'
import { browserPages, ensureWebBuild, launchChromium, requireChromium, skipBrowserTests, startE2eBosun, type E2eBosun } from './harness'

const screenshotDir = path.resolve(import.meta.dirname, '__screenshots__')
const PASSWORD = 'e2e-password-correct-horse'
const OWNER_EMAIL = 'health-owner@bosun.test'
const DAY = 86_400_000

describe.skipIf(skipBrowserTests())('health in the browser', () => {
  let bosun: E2eBosun
  let browser: Browser
  let portfolio: HealthPortfolio
  const contexts: BrowserContext[] = []
  const problems: string[] = []

  beforeAll(async () => {
    requireChromium()
    ensureWebBuild()
    bosun = await startE2eBosun()
    const db = bosun.running.deps.db
    const demo = await buildDemoWorkspace(db, { accounts: 80, months: 12, seed: 11, slug: 'demo', replace: false, usage: false, adminEmail: OWNER_EMAIL, adminPassword: PASSWORD })
    // One account was in great shape a week ago, so the week has a known biggest drop.
    await db.execute(sql`
      INSERT INTO health_snapshots (workspace_id, account_id, day, scorecard_key, scorecard_version, score, band, measures)
      SELECT h.workspace_id, h.account_id, ${new Date(Date.now() - 8 * DAY).toISOString().slice(0, 10)}::date, h.scorecard_key, h.scorecard_version, 100, 'green', h.measures
      FROM health_scores h WHERE h.workspace_id = ${demo.workspaceId} AND h.score IS NOT NULL
      ORDER BY h.score, h.account_id LIMIT 1
      ON CONFLICT (workspace_id, account_id, day) DO UPDATE SET score = 100, band = 'green'`)
    portfolio = await getHealthPortfolio(db, { workspaceId: demo.workspaceId, moversLimit: 10 })
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
    await page.screenshot({ path: path.join(screenshotDir, `health-${name}-${bosun.kind}.png`), fullPage: true })
  }

  it('shows bands, segments and movers, and explains the biggest drop', async () => {
    expect(portfolio.scored).toBeGreaterThan(0)
    expect(portfolio.movers.down.length).toBeGreaterThan(0)
    const page = await newPage()
    await logIn(page, OWNER_EMAIL)
    await page.locator('[data-testid="nav-health"]').click()
    await page.waitForURL(/\/health$/)
    await page.locator('[data-testid="health-page"]').waitFor()
    for (const band of ['red', 'yellow', 'green'] as const) {
      expect(await page.locator(`[data-testid="health-band-count-${band}"]`).textContent()).toBe(String(portfolio.bands[band].accounts))
    }
    expect(await page.locator('[data-testid="health-segments"] [data-testid^="health-segment-"]').count()).toBe(portfolio.segments.length)
    const drops = page.locator('[data-testid="health-movers-down"] [data-testid="health-mover-row"]')
    expect(await drops.count()).toBe(portfolio.movers.down.length)
    const biggest = portfolio.movers.down[0]!
    expect(await drops.first().locator('[data-testid="health-mover-account"]').textContent()).toBe(biggest.name)
    await shot(page, 'portfolio')

    // Why did it drop? The trend, the contributions (they add up to the change) and the measures.
    await drops.first().locator('[data-testid="health-mover-open"]').click()
    await page.locator('[data-testid="account-health-tab"]').waitFor()
    await page.locator('[data-testid="account-health-chart"]').waitFor()
    await page.locator('[data-testid="health-contributions"]').waitFor()
    expect(await page.locator('[data-testid^="health-contribution-"]').count()).toBeGreaterThan(0)
    const card = page.locator('[data-testid="account-health-card"]')
    await card.waitFor()
    expect(await card.locator('[data-testid="account-health-score"]').textContent()).toBe(String(Math.round(biggest.to)))
    // The demo here has no product usage: usage measures are shown as missing, not as zero.
    expect(await card.locator('[data-testid="health-measure-license-utilization"]').getAttribute('data-missing')).toBe('true')
    expect(await card.locator('[data-testid="health-measure-license-utilization"]').textContent()).toContain('missing')
    await shot(page, 'why')

    // A sentiment counts at once.
    await card.locator('[data-testid="health-sentiment-form"] textarea').fill('Champion is leaving')
    await card.locator('[data-testid="health-sentiment-save"]').click()
    await card.locator('[data-testid="account-health-sentiment"]').waitFor()
    expect(await card.locator('[data-testid="health-measure-csm-sentiment"]').getAttribute('data-missing')).toBe('false')

    await page.getByRole('link', { name: 'Open the account →' }).click()
    await page.waitForURL(new RegExp(`/accounts/${biggest.accountId}\\?tab=health$`))
    await page.getByRole('heading', { name: biggest.name }).first().waitFor()
    // Account 360 opens on its Health tab (trend and why), with the health card beside it.
    await page.locator('[data-testid="account-health-tab"] [data-testid="account-health-chart"]').waitFor()
    await page.locator('[data-testid="account-health-card"] [data-testid="account-health-score"]').waitFor()
    expect(await page.locator('[data-testid="tab-health"]').getAttribute('aria-selected')).toBe('true')
    expect(problems).toEqual([])
  })
})
