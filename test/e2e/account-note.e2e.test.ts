/**
 * End to end, through the real product: a CSM-capable user logs in, finds an account by searching,
 * opens its Account 360 page, adds a note and still sees it after a reload; a viewer sees no write
 * controls and the API refuses their writes with 403.
 *
 * Real Bosun (startBosun on a real port), real database (PGlite, or PostgreSQL with DATABASE_URL),
 * the real web build and the system's headless Chromium. Without /usr/bin/chromium the suite skips
 * locally and fails under CI=true.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildDemoWorkspace } from '../../src/server/admin-operations'
import { createUser } from '../../src/server/modules/identity'
import { queryRows } from '../../src/server/platform/db'
import { browserPages, ensureWebBuild, launchChromium, requireChromium, skipBrowserTests, startE2eBosun, type E2eBosun } from './harness'

const screenshotDir = path.resolve(import.meta.dirname, '__screenshots__')
const PASSWORD = 'e2e-password-correct-horse'
const OWNER_EMAIL = 'e2e-owner@bosun.test'
const VIEWER_EMAIL = 'e2e-viewer@bosun.test'

type TargetAccount = { id: string; name: string }

describe.skipIf(skipBrowserTests())('account notes in the browser', () => {
  let bosun: E2eBosun
  let browser: Browser
  let account: TargetAccount
  const contexts: BrowserContext[] = []
  /** Uncaught page errors and 5xx answers seen by any page: a working product has none. */
  const problems: string[] = []

  beforeAll(async () => {
    requireChromium()
    ensureWebBuild()
    bosun = await startE2eBosun()
    const db = bosun.running.deps.db
    const demo = await buildDemoWorkspace(db, {
      accounts: 60,
      months: 6,
      seed: 7,
      slug: 'demo',
      replace: false,
      usage: false,
      adminEmail: OWNER_EMAIL,
      adminPassword: PASSWORD,
    })
    await createUser(db, {
      workspaceId: demo.workspaceId,
      email: VIEWER_EMAIL,
      name: 'Vera Viewer',
      role: 'viewer',
      password: PASSWORD,
      actor: { kind: 'system', label: 'e2e test' },
    })
    // The biggest active customer: a full Account 360 page (contacts, subscriptions, history).
    const [row] = await queryRows<TargetAccount>(
      db,
      sql`select id, name from accounts where workspace_id = ${demo.workspaceId} and status = 'active' order by arr desc, id limit 1`,
    )
    if (!row) throw new Error('the demo world has no active account')
    account = row
    browser = await launchChromium()
  }, 600_000)

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined)
    await browser?.close()
    await bosun?.stop()
  })

  const { newPage, logIn } = browserPages(() => ({ browser, bosun }), { password: PASSWORD, problems, contexts })

  /** Searches the accounts list by name and opens the matching account. */
  async function openAccountBySearch(page: Page, name: string) {
    await page.goto('/accounts')
    await page.locator('tr[data-testid="account-row"]').first().waitFor()
    await page.locator('input[data-testid="account-search"]').fill(name)
    await page.waitForURL((url) => url.searchParams.get('q') === name)
    // The list now holds only matches: wait until every row is one (the debounce and fetch have run).
    await page.waitForFunction((query) => {
      const rows = [...document.querySelectorAll('tr[data-testid="account-row"]')]
      return rows.length > 0 && rows.every((row) => (row.textContent ?? '').toLowerCase().includes(query.toLowerCase()))
    }, name)
    const link = page.locator('tr[data-testid="account-row"] [data-testid="account-row-name"]', { hasText: name }).first()
    await link.click()
    await page.waitForURL(/\/accounts\/[^/?#]+/)
    await expectText(page.locator('[data-testid="account-name"]'), name)
  }

  /** Waits for the element to show the text (case-insensitive: badges are upper-cased by CSS). */
  async function expectText(locator: ReturnType<Page['locator']>, text: string) {
    await locator.filter({ hasText: text }).first().waitFor()
    expect((await locator.first().textContent())?.toLowerCase()).toContain(text.toLowerCase())
  }

  it('lets a user find an account, add a note, and still see it after a reload', async () => {
    const page = await newPage()
    await logIn(page, OWNER_EMAIL)
    await openAccountBySearch(page, account.name)
    expect(new URL(page.url()).pathname).toBe(`/accounts/${account.id}`)

    const note = `E2E note ${crypto.randomUUID()}: renewal call booked, champion is happy.`
    await page.locator('textarea[name="note-body"]').fill(note)
    await page.locator('[data-testid="add-note-submit"]').click()
    await page.locator('[data-testid="timeline-item"]', { hasText: note }).waitFor()

    await page.reload()
    await page.locator('[data-testid="account-name"]').waitFor()
    const saved = page.locator('[data-testid="timeline-item"]', { hasText: note })
    await saved.waitFor()
    expect(await saved.count()).toBe(1)

    fs.mkdirSync(screenshotDir, { recursive: true })
    // The first screen as a user sees it, and the whole page.
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path: path.join(screenshotDir, `account-360-${bosun.kind}.png`) })
    await page.screenshot({ path: path.join(screenshotDir, `account-360-${bosun.kind}-full.png`), fullPage: true })
    expect(problems).toEqual([])
  })

  it('shows a viewer no write controls, and the API refuses their writes with 403', async () => {
    const page = await newPage()
    await logIn(page, VIEWER_EMAIL)
    await expectText(page.locator('[data-testid="role-badge"]'), 'viewer')

    await page.goto('/accounts')
    await page.locator('tr[data-testid="account-row"]').first().waitFor()
    expect(await page.locator('[data-testid="new-account-button"]').count()).toBe(0)

    await openAccountBySearch(page, account.name)
    // The timeline has loaded (its items or its empty state) before absence is checked.
    await page.locator('[data-testid="timeline"]').waitFor()
    await page.locator('[data-testid="timeline-item"], [data-testid="timeline"] [data-testid="empty-state"]').first().waitFor()
    expect(await page.locator('textarea[name="note-body"]').count()).toBe(0)
    expect(await page.locator('[data-testid="add-note-submit"]').count()).toBe(0)
    expect(await page.locator('[data-testid="edit-account-button"]').count()).toBe(0)

    // Same session cookie as the page, straight at the API.
    const patch = await page.request.patch(`/api/v1/accounts/${account.id}`, { data: { name: 'Renamed by a viewer' } })
    expect(patch.status()).toBe(403)
    const note = await page.request.post('/api/v1/touchpoints', { data: { accountId: account.id, kind: 'note', body: 'A viewer may not write this' } })
    expect(note.status()).toBe(403)
    const create = await page.request.post('/api/v1/accounts', { data: { externalId: 'E2E-VIEWER', name: 'Viewer Co' } })
    expect(create.status()).toBe(403)
    expect(problems).toEqual([])
  })
})
