/**
 * End to end: on the demo workspace (with its reconstructed stage history), CS Ops opens the journey
 * map, sees the lifecycle stages as columns with counts that match the API, drills into a stage and
 * opens one of its accounts, then opens the accounts that missed a milestone.
 * Real Bosun, real database, real Chromium.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildDemoWorkspace } from '../../src/server/admin-operations'
import { backfillStageHistory, getJourneyMap, type JourneyMap } from '../../src/server/modules/journeys'
import { browserPages, ensureWebBuild, launchChromium, requireChromium, skipBrowserTests, startE2eBosun, type E2eBosun } from './harness'

const screenshotDir = path.resolve(import.meta.dirname, '__screenshots__')
const PASSWORD = 'e2e-password-correct-horse'
const OWNER_EMAIL = 'journey-owner@bosun.test'

describe.skipIf(skipBrowserTests())('journey map in the browser', () => {
  let bosun: E2eBosun
  let browser: Browser
  let map: JourneyMap
  const contexts: BrowserContext[] = []
  const problems: string[] = []

  beforeAll(async () => {
    requireChromium()
    ensureWebBuild()
    bosun = await startE2eBosun()
    const db = bosun.running.deps.db
    const demo = await buildDemoWorkspace(db, { accounts: 80, months: 12, seed: 11, slug: 'demo', replace: false, usage: false, adminEmail: OWNER_EMAIL, adminPassword: PASSWORD })
    await backfillStageHistory(db, { workspaceId: demo.workspaceId })
    map = await getJourneyMap(db, { workspaceId: demo.workspaceId, days: 180 })
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
    await page.screenshot({ path: path.join(screenshotDir, `journey-${name}-${bosun.kind}.png`), fullPage: true })
  }

  it('shows the stages with counts and conversion, and drills into a stage and a milestone', async () => {
    // The reconstructed history gives the demo real flow between stages.
    expect(map.stages.map((stage) => stage.key)).toEqual(['onboarding', 'adoption', 'value-realization', 'renewal', 'expansion', 'churned'])
    expect(map.stages.reduce((sum, stage) => sum + stage.entered, 0)).toBeGreaterThan(0)
    const busiest = [...map.stages].sort((left, right) => right.accounts - left.accounts)[0]!
    expect(busiest.accounts).toBeGreaterThan(0)

    const page = await newPage()
    await logIn(page, OWNER_EMAIL)
    await page.locator('[data-testid="nav-journey map"]').click()
    await page.waitForURL(/\/journey$/)
    await page.locator('[data-testid="journey-map"]').waitFor()
    for (const stage of map.stages) {
      expect(await page.locator(`[data-testid="journey-stage-count-${stage.key}"]`).textContent()).toBe(String(stage.accounts))
    }
    const onboarding = map.stages[0]!
    const arrow = await page.locator('[data-testid="journey-conversion-onboarding"]').textContent()
    expect(arrow).toBe(onboarding.conversion?.rate === null || onboarding.conversion === null ? '—' : `${onboarding.conversion.rate}%`)
    await shot(page, 'map')

    // Drill into the busiest stage: its members, each linking to Account 360.
    await page.locator(`[data-testid="journey-stage-open-${busiest.key}"]`).click()
    const rows = page.locator('[data-testid="journey-drawer-row"]')
    await rows.first().waitFor()
    expect(await rows.count()).toBe(Math.min(busiest.accounts, 50))
    await shot(page, 'stage-drawer')
    const first = rows.first().locator('[data-testid="journey-drawer-account"]')
    const name = await first.textContent()
    await first.click()
    await page.waitForURL(/\/accounts\/[0-9a-f-]{36}$/)
    await page.getByRole('heading', { name: name ?? '' }).first().waitFor()

    // Back on the map: the onboarding kickoff milestone's missed accounts.
    await page.goBack()
    await page.locator('[data-testid="journey-map"]').waitFor()
    const kickoff = map.stages[0]!.milestones.find((milestone) => milestone.key === 'kickoff')!
    expect(kickoff.counts.total).toBeGreaterThan(0)
    const column = page.locator('[data-testid="journey-stage-onboarding"]')
    await column.locator('[data-testid="journey-milestone-status-onboarding-kickoff-missed"]').click()
    if (kickoff.counts.missed > 0) {
      await rows.first().waitFor()
      expect(await rows.count()).toBe(Math.min(kickoff.counts.missed, 50))
    } else {
      await page.getByText('No accounts with this status').waitFor()
    }
    await shot(page, 'milestone-drawer')
    expect(problems).toEqual([])
  })
})
