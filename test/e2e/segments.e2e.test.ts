/**
 * End to end, segments, tiers and lifecycle stages in the browser: on the demo workspace (classified
 * by the server's own background job after start) a CSM opens Segments, sees the tiers with their
 * account counts, opens a tier's members, goes to one account, moves its lifecycle stage by hand with
 * a reason and sees the new stage badge and the move (who, why) in the account's journey. A viewer
 * sees the badges without the "Move stage" action.
 *
 * Real Bosun, real database (PGlite, or PostgreSQL with DATABASE_URL), real web build, real Chromium.
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
const OWNER_EMAIL = 'e2e-segments-owner@bosun.test'
const VIEWER_EMAIL = 'e2e-segments-viewer@bosun.test'
const ACCOUNTS = 40
const REASON = 'Kickoff done and admins trained; go-live next week'

type Group = { key: string; name: string; accounts: number }
type GroupList = { groups: Group[]; unclassified: number; queued: number }
type Classification = { tier: { key: string; name: string } | null; stage: { key: string; name: string; source: string } | null }

describe.skipIf(skipBrowserTests())('segments, tiers and lifecycle in the browser', () => {
  let bosun: E2eBosun
  let browser: Browser
  const contexts: BrowserContext[] = []
  /** Uncaught page errors and 5xx answers seen by any page: a working product has none. */
  const problems: string[] = []

  beforeAll(async () => {
    requireChromium()
    ensureWebBuild()
    bosun = await startE2eBosun()
    const db = bosun.running.deps.db
    const demo = await buildDemoWorkspace(db, { accounts: ACCOUNTS, months: 6, seed: 7, slug: 'demo', replace: false, usage: false, adminEmail: OWNER_EMAIL, adminPassword: PASSWORD })
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
    await page.screenshot({ path: path.join(screenshotDir, `segments-${name}-${bosun.kind}.png`), fullPage: true })
  }

  /** The API with the page's session cookie. */
  const apiGet = async <T,>(page: Page, pathname: string): Promise<T> => {
    const response = await page.request.get(pathname)
    if (!response.ok()) throw new Error(`GET ${pathname}: ${response.status()} ${await response.text()}`)
    return (await response.json()) as T
  }

  /** The demo's rules are installed at build time; the background job classifies its accounts shortly after. */
  const waitForClassification = async (page: Page): Promise<GroupList> => {
    const deadline = Date.now() + 240_000
    for (;;) {
      const tiers = await apiGet<GroupList>(page, '/api/v1/tiers')
      const stages = await apiGet<GroupList>(page, '/api/v1/stages')
      if (tiers.unclassified === 0 && tiers.queued === 0 && stages.unclassified === 0) return tiers
      if (Date.now() > deadline) throw new Error(`accounts were not classified in time: ${JSON.stringify({ tiers, stages })}`)
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }

  it('shows tiers with counts, a tier’s members, and moves an account’s stage by hand with a reason', async () => {
    const page = await newPage()
    await logIn(page, OWNER_EMAIL)
    await page.locator('[data-testid="nav-segments"]').click()
    await page.waitForURL(/\/segments$/)
    await page.locator('[data-testid="groups-segments"]').waitFor()
    const tiers = await waitForClassification(page)
    expect(tiers.groups.map((tier) => tier.key)).toEqual(['enterprise', 'mid-market', 'smb', 'tech-touch'])
    expect(tiers.groups.reduce((sum, tier) => sum + tier.accounts, 0)).toBe(ACCOUNTS)

    await page.locator('[data-testid="segments-tab-tiers"]').click()
    await page.waitForURL(/\/segments\?tab=tiers$/)
    await page.locator('[data-testid="tier-share-accounts"]').waitFor()
    // The page refreshes while accounts wait; once classified, every tier shows the API's count.
    for (const tier of tiers.groups) {
      const cell = page.locator(`[data-testid="group-row-${tier.key}"] [data-testid="group-accounts"]`)
      await expect.poll(async () => (await cell.textContent())?.trim()).toBe(String(tier.accounts))
    }
    expect(await page.locator('[data-testid="classification-waiting"]').count()).toBe(0)
    await shot(page, 'tiers')

    const tier = tiers.groups.find((candidate) => candidate.accounts > 0)
    if (!tier) throw new Error('no tier has accounts')
    // The accounts list filters the book by the same tier and shows each row's tier, stage and health.
    await page.goto('/accounts')
    await page.locator('[data-testid="filter-tier"]').click()
    await page.getByRole('option', { name: tier.name, exact: true }).click()
    await page.waitForURL(new RegExp(`tier=${tier.key}`))
    await expect.poll(async () => page.locator('[data-testid="accounts-total"]').textContent()).toContain(`${tier.accounts} account`)
    const tierCells = page.locator('[data-testid="account-row-tier-stage"]')
    await expect.poll(() => tierCells.count()).toBe(Math.min(tier.accounts, 50))
    for (const text of await tierCells.allTextContents()) expect(text).toContain(tier.name)
    expect(await page.locator('[data-testid="account-row-health"]').count()).toBe(Math.min(tier.accounts, 50))
    await shot(page, 'accounts-by-tier')
    await page.goto('/segments?tab=tiers')
    await page.locator(`[data-testid="group-row-${tier.key}"]`).click()
    await page.waitForURL(new RegExp(`/segments/tiers/${tier.key}$`))
    expect(await page.locator('[data-testid="group-name"]').textContent()).toBe(tier.name)
    const members = page.locator('[data-testid="group-members"] tbody tr')
    await expect.poll(() => members.count()).toBe(Math.min(tier.accounts, 25))
    expect(await page.locator('[data-testid="group-members-total"]').textContent()).toContain(`${tier.accounts} account`)
    await page.locator('[data-testid="group-moves-chart"]').waitFor()
    expect(await page.locator('[data-testid="group-edit-rule"]').getAttribute('href')).toBe('/configuration/tiers/default')
    expect(await page.locator('[data-testid="group-open-accounts"]').getAttribute('href')).toBe(`/accounts?tier=${tier.key}`)
    await shot(page, 'tier-members')

    const firstMember = members.first().locator('a')
    const accountName = (await firstMember.textContent())?.trim() ?? ''
    await firstMember.click()
    await page.waitForURL(/\/accounts\/[0-9a-f-]+$/)
    const accountId = page.url().split('/').pop() ?? ''
    expect(await page.locator('[data-testid="account-name"]').textContent()).toBe(accountName)
    await expect.poll(async () => page.locator('[data-testid="account-tier"]').textContent()).toBe(`Tier: ${tier.name}`)

    const before = await apiGet<Classification>(page, `/api/v1/accounts/${accountId}/classification`)
    if (!before.stage) throw new Error('the account has no lifecycle stage')
    expect(await page.locator('[data-testid="account-stage"]').textContent()).toBe(before.stage.name)
    const stages = await apiGet<GroupList>(page, '/api/v1/stages')
    const target = stages.groups.find((stage) => stage.key !== before.stage?.key && stage.key !== 'churned')
    if (!target) throw new Error('no other stage to move to')

    await page.locator('[data-testid="move-stage-button"]').click()
    const modal = page.locator('[data-testid="move-stage-modal"]')
    await page.locator('[data-testid="move-stage-select"]').click()
    await page.getByRole('option', { name: target.name, exact: true }).click()
    // Too short a reason is refused before anything is sent.
    await page.locator('[data-testid="move-stage-reason"]').fill('ok')
    await page.locator('[data-testid="move-stage-submit"]').click()
    await modal.getByText('Say why in at least 3 characters').waitFor()
    await page.locator('[data-testid="move-stage-reason"]').fill(REASON)
    await shot(page, 'move-stage')
    await page.locator('[data-testid="move-stage-submit"]').click()
    await modal.waitFor({ state: 'hidden' })

    await expect.poll(async () => page.locator('[data-testid="account-stage"]').textContent()).toBe(target.name)
    await page.locator('[data-testid="account-stage-manual"]').waitFor()
    const after = await apiGet<Classification>(page, `/api/v1/accounts/${accountId}/classification`)
    expect(after.stage).toMatchObject({ key: target.key, source: 'manual' })

    await page.locator('[data-testid="tab-journey"]').click()
    const manualStep = page.locator('[data-testid="journey-step-manual"]').first()
    await manualStep.waitFor()
    expect(await manualStep.textContent()).toBe(`Moved by hand by Bosun Admin: “${REASON}”`)
    const newest = page.locator('[data-testid="journey-step"]').first()
    expect(await newest.textContent()).toContain(`Stage${before.stage.name}${target.name}`)
    await shot(page, 'journey')

    // The lifecycle tab lists every stage with its SLA; the moved account counts in its new stage.
    await page.goto('/segments?tab=stages')
    const stageRows = page.locator('[data-testid="groups-stages"] tbody tr')
    await expect.poll(() => stageRows.count()).toBe(stages.groups.length)
    const targetCount = page.locator(`[data-testid="group-row-${target.key}"] [data-testid="group-accounts"]`)
    await expect.poll(async () => (await targetCount.textContent())?.trim()).toBe(String(target.accounts + 1))
    await shot(page, 'lifecycle')
    expect(problems).toEqual([])
  }, 420_000)

  it('shows a viewer the classification without the "Move stage" action', async () => {
    const page = await newPage()
    await logIn(page, VIEWER_EMAIL)
    const tiers = await waitForClassification(page)
    const tier = tiers.groups.find((candidate) => candidate.accounts > 0)
    if (!tier) throw new Error('no tier has accounts')
    const members = await apiGet<{ accounts: { id: string }[] }>(page, `/api/v1/tiers/${tier.key}/accounts?limit=1`)
    const accountId = members.accounts[0]?.id
    if (!accountId) throw new Error('the tier has no members')
    await page.goto(`/accounts/${accountId}`)
    await expect.poll(async () => page.locator('[data-testid="account-tier"]').textContent()).toBe(`Tier: ${tier.name}`)
    await page.locator('[data-testid="account-stage"]').waitFor()
    expect(await page.locator('[data-testid="move-stage-button"]').count()).toBe(0)
    expect(problems).toEqual([])
  }, 420_000)
})
