/**
 * End to end, product usage through the real product: events sent with an ingest key to the
 * Segment-compatible /v1/batch are drained by the server's own job, then a user sees them on the
 * Account 360 page — usage KPIs, charts, top events, key features, product users linked to contacts —
 * and in the Events tab (paged with "Load more", filtered, expandable). Key features are chosen in
 * Settings → Product usage; a viewer sees that section read-only.
 *
 * Real Bosun (startBosun on a real port), real database (PGlite, or PostgreSQL with DATABASE_URL),
 * the real web build and the system's headless Chromium. Without /usr/bin/chromium the suite skips
 * locally and fails under CI=true.
 */
import fs from 'node:fs'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildDemoWorkspace } from '../../src/server/admin-operations'
import { createApiKey, createUser } from '../../src/server/modules/identity'
import { queryRows } from '../../src/server/platform/db'
import { browserPages, ensureWebBuild, launchChromium, requireChromium, skipBrowserTests, startE2eBosun, type E2eBosun } from './harness'

const screenshotDir = path.resolve(import.meta.dirname, '__screenshots__')
const PASSWORD = 'e2e-password-correct-horse'
const OWNER_EMAIL = 'e2e-usage-owner@bosun.test'
const VIEWER_EMAIL = 'e2e-usage-viewer@bosun.test'
const KEY_FEATURES = ['Report Created', 'Dashboard Shared', 'Data Exported']

type TargetAccount = { id: string; name: string; externalId: string; seats: number }
type Usage = {
  mau: number
  wau: number
  events30d: number
  seats: number | null
  licenseUtilization: number | null
  users: { userId: string; contactId: string | null }[]
}

const HOUR = 3_600_000
const ago = (ms: number) => new Date(Date.now() - ms).toISOString()

/** 64 calls for one account: three users (two identified with an email), 61 tracks/pages over ~18 days. */
function usageBatch(groupId: string) {
  const context = { groupId }
  let n = 0
  const id = () => `e2e-usage-${groupId}-${++n}`
  const users = ['u-ana', 'u-ben', 'u-cai']
  return [
    { type: 'identify', userId: 'u-ana', traits: { email: 'ana.adopter@customer.test', name: 'Ana Adopter', title: 'Ops lead' }, context, messageId: id(), timestamp: ago(20 * 24 * HOUR) },
    { type: 'identify', userId: 'u-ben', traits: { email: 'ben.builder@customer.test', name: 'Ben Builder' }, context, messageId: id(), timestamp: ago(20 * 24 * HOUR) },
    { type: 'group', userId: 'u-cai', groupId, traits: { name: 'Customer' }, messageId: id(), timestamp: ago(20 * 24 * HOUR) },
    ...[1, 3, 8].map((days) => ({ type: 'track', userId: 'u-ana', event: 'Report Created', properties: { template: 'QBR' }, context, messageId: id(), timestamp: ago(days * 24 * HOUR) })),
    { type: 'track', userId: 'u-ben', event: 'Dashboard Shared', properties: { dashboard: 'Adoption' }, context, messageId: id(), timestamp: ago(2 * 24 * HOUR) },
    ...Array.from({ length: 55 }, (_, index) => ({
      type: 'track',
      userId: users[index % 3],
      event: 'Logged In',
      properties: { method: index % 2 ? 'sso' : 'password' },
      context,
      messageId: id(),
      timestamp: ago((index * 8 + 1) * HOUR),
    })),
    { type: 'page', userId: 'u-cai', name: 'Pricing', properties: { path: '/pricing' }, context, messageId: id(), timestamp: ago(4 * 24 * HOUR) },
    // The newest of all: what the Events tab lists first.
    { type: 'track', userId: 'u-ana', event: 'Dashboard Shared', properties: { dashboard: 'Renewal risk', recipients: 4 }, context, messageId: id(), timestamp: ago(5 * 60_000) },
  ]
}

describe.skipIf(skipBrowserTests())('product usage in the browser', () => {
  let bosun: E2eBosun
  let browser: Browser
  let active: TargetAccount
  let quiet: TargetAccount
  let readKey: string
  let sentCalls = 0
  const contexts: BrowserContext[] = []
  /** Uncaught page errors and 5xx answers seen by any page: a working product has none. */
  const problems: string[] = []

  const apiGet = async <T,>(pathname: string): Promise<T> => {
    const response = await fetch(`${bosun.url}${pathname}`, { headers: { authorization: `Bearer ${readKey}` } })
    if (!response.ok) throw new Error(`GET ${pathname}: ${response.status} ${await response.text()}`)
    return (await response.json()) as T
  }

  beforeAll(async () => {
    requireChromium()
    ensureWebBuild()
    bosun = await startE2eBosun()
    const db = bosun.running.deps.db
    const demo = await buildDemoWorkspace(db, {
      accounts: 40,
      months: 6,
      seed: 11,
      slug: 'demo',
      replace: false,
      usage: false,
      adminEmail: OWNER_EMAIL,
      adminPassword: PASSWORD,
    })
    const actor = { kind: 'system' as const, label: 'e2e test' }
    await createUser(db, { workspaceId: demo.workspaceId, email: VIEWER_EMAIL, name: 'Vera Viewer', role: 'viewer', password: PASSWORD, actor })

    // A customer with purchased seats (so utilization is meaningful), and another one that never sent anything.
    const accounts = await queryRows<TargetAccount>(
      db,
      sql`SELECT a.id, a.name, a.external_id AS "externalId", sum(s.seats)::int AS seats
          FROM accounts a
          JOIN subscriptions s ON s.workspace_id = a.workspace_id AND s.account_id = a.id
          WHERE a.workspace_id = ${demo.workspaceId} AND a.status = 'active' AND s.status = 'active'
            AND s.start_date <= current_date AND (s.end_date IS NULL OR s.end_date >= current_date)
          GROUP BY a.id, a.name, a.external_id
          HAVING sum(s.seats) >= 10
          ORDER BY sum(s.seats) DESC, a.id
          LIMIT 2`,
    )
    if (accounts.length < 2 || !accounts[0] || !accounts[1]) throw new Error('the demo world has fewer than two active accounts with seats')
    active = accounts[0]
    quiet = accounts[1]

    const ingest = await createApiKey(db, { workspaceId: demo.workspaceId, name: 'e2e ingest', scopes: ['ingest'], actor })
    readKey = (await createApiKey(db, { workspaceId: demo.workspaceId, name: 'e2e read', scopes: ['read'], actor })).key

    const batch = usageBatch(active.externalId)
    sentCalls = batch.length
    const response = await fetch(`${bosun.url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${ingest.key}:`).toString('base64')}` },
      body: JSON.stringify({ batch }),
    })
    expect(response.status, await response.clone().text()).toBe(200)

    // The server's drain job moves the inbox into events and rollups within about a second.
    const deadline = Date.now() + 30_000
    for (;;) {
      const usage = await apiGet<Usage>(`/api/v1/accounts/${active.id}/usage?days=90`)
      const events = await apiGet<{ total: number }>(`/api/v1/accounts/${active.id}/events?limit=1`)
      if (usage.events30d > 0 && usage.mau === 3 && events.total === sentCalls) break
      if (Date.now() > deadline) throw new Error(`events were not processed in time: ${JSON.stringify({ usage, total: events.total })}`)
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    browser = await launchChromium()
  }, 600_000)

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined)
    await browser?.close()
    await bosun?.stop()
  })

  const { newPage, logIn } = browserPages(() => ({ browser, bosun }), { password: PASSWORD, problems, contexts })

  const testId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`)
  const textOf = async (locator: Locator) => ((await locator.first().textContent()) ?? '').trim()

  it('lets an admin choose the key features in Settings → Product usage', async () => {
    const page = await newPage()
    await logIn(page, OWNER_EMAIL)
    await page.goto('/settings')
    await testId(page, 'settings-tab-usage').click()
    await page.waitForURL(/\/settings\/usage$/)

    const input = testId(page, 'usage-key-features-input')
    await input.waitFor()
    expect(await testId(page, 'usage-settings-save').isDisabled()).toBe(true)
    for (const feature of KEY_FEATURES) {
      await input.fill(feature)
      await input.press('Enter')
    }
    await expect.poll(() => textOf(testId(page, 'usage-key-features-count'))).toBe('3 key features')
    await testId(page, 'usage-settings-save').click()
    await page.getByText('Key features saved').waitFor()

    expect((await apiGet<{ keyFeatures: string[] }>('/api/v1/settings/usage')).keyFeatures).toEqual(KEY_FEATURES)
    await page.reload()
    await input.waitFor()
    await expect.poll(() => textOf(testId(page, 'usage-key-features-count'))).toBe('3 key features')
    expect(await testId(page, 'usage-settings-save').isDisabled()).toBe(true)
    fs.mkdirSync(screenshotDir, { recursive: true })
    await page.screenshot({ path: path.join(screenshotDir, `settings-usage-${bosun.kind}.png`) })
    expect(problems).toEqual([])
  })

  it('shows the account’s usage: KPIs, charts, top events, key features and product users', async () => {
    const usage = await apiGet<Usage>(`/api/v1/accounts/${active.id}/usage?days=90`)
    const page = await newPage()
    await logIn(page, OWNER_EMAIL)
    await page.goto(`/accounts/${active.id}`)
    await testId(page, 'account-name').waitFor()

    // The overview's usage headline.
    await testId(page, 'usage-summary-mau').waitFor()
    expect(await textOf(testId(page, 'usage-summary-mau'))).toBe('3')
    expect(await textOf(testId(page, 'usage-summary-recency'))).toBe('Today')
    fs.mkdirSync(screenshotDir, { recursive: true })
    await page.screenshot({ path: path.join(screenshotDir, `account-usage-overview-${bosun.kind}.png`) })

    await testId(page, 'tab-usage').click()
    await page.waitForURL((url) => url.searchParams.get('tab') === 'usage')
    await testId(page, 'usage-tab').waitFor()
    expect(await textOf(testId(page, 'usage-mau'))).toBe('3')
    expect(await textOf(testId(page, 'usage-wau'))).toBe(String(usage.wau))

    // 3 active users on at least 10 seats: under 40 %, flagged.
    expect(usage.seats).toBe(active.seats)
    const percent = Math.round((3 / active.seats) * 1000) / 10
    expect(await textOf(testId(page, 'usage-kpi-utilization-value'))).toBe(`${percent < 10 ? String(percent).replace(/\.0$/, '') : Math.round(percent)}%`)
    expect(await testId(page, 'usage-utilization-bar').getAttribute('data-tone')).toBe('warning')

    expect(await textOf(testId(page, 'usage-kpi-breadth-value'))).toBe('2 of 3')
    expect(await textOf(testId(page, 'usage-kpi-trend-value'))).toBe(String(usage.events30d))
    expect(await textOf(testId(page, 'usage-kpi-recency-value'))).toBe('Today')

    // Charts drawn with data: DAU bars plus WAU and MAU lines; events per day.
    const activeChart = testId(page, 'usage-active-users-chart')
    await activeChart.locator('.recharts-bar-rectangle .recharts-rectangle').first().waitFor()
    expect(await activeChart.locator('.recharts-line').count()).toBe(2)
    await testId(page, 'usage-events-chart').locator('.recharts-bar-rectangle .recharts-rectangle').first().waitFor()

    const topEvents = await testId(page, 'usage-top-event').allTextContents()
    expect(topEvents[0]).toContain('Logged In')
    expect(topEvents.join(' ')).toContain('Report Created')
    expect(topEvents.join(' ')).toContain('Dashboard Shared')
    expect((await testId(page, 'usage-feature-used').allTextContents()).sort()).toEqual(['Dashboard Shared', 'Report Created'])
    expect(await testId(page, 'usage-feature-unused').allTextContents()).toEqual(['Data Exported'])
    expect(await testId(page, 'usage-toggle-key-feature').count()).toBeGreaterThan(0)

    // A longer period keeps the same answers and redraws the charts.
    await testId(page, 'usage-period').getByText('180 d').click()
    await page.waitForURL((url) => url.searchParams.get('days') === '180')
    await expect.poll(() => textOf(testId(page, 'usage-period-label'))).toBe('Last 180 days')
    // 61 = every track and page call sent (identify and group calls are not usage).
    await expect.poll(() => textOf(testId(page, 'usage-events-total'))).toMatch(/^61 in 180 days/)
    await activeChart.locator('.recharts-bar-rectangle .recharts-rectangle').first().waitFor()
    expect(await textOf(testId(page, 'usage-mau'))).toBe('3')

    await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path: path.join(screenshotDir, `account-usage-${bosun.kind}.png`), fullPage: true })

    // Product users: the identified ones link to the contact their identify call created.
    const rows = testId(page, 'usage-user-row')
    expect(await rows.count()).toBe(3)
    const ana = rows.filter({ hasText: 'Ana Adopter' })
    expect(await ana.count()).toBe(1)
    expect(await rows.filter({ hasText: 'u-cai' }).locator('[data-testid="usage-user-contact-link"]').count()).toBe(0)
    await ana.locator('[data-testid="usage-user-contact-link"]').click()
    await page.waitForURL((url) => url.searchParams.get('tab') === 'contacts' && url.searchParams.has('contact'))
    const highlighted = page.locator('[data-testid="contact-row"][data-highlighted="true"]')
    await highlighted.waitFor()
    expect(await highlighted.textContent()).toContain('Ana Adopter')
    expect(problems).toEqual([])
  })

  it('lists the account’s events newest first, pages with Load more, filters by name and expands properties', async () => {
    const page = await newPage()
    await logIn(page, OWNER_EMAIL)
    await page.goto(`/accounts/${active.id}`)
    await testId(page, 'tab-events').click()
    await page.waitForURL((url) => url.searchParams.get('tab') === 'events')

    const rows = testId(page, 'event-row')
    await rows.first().waitFor()
    expect(await textOf(testId(page, 'events-total'))).toContain(`${sentCalls} events`)
    expect(await rows.count()).toBe(50)
    expect(await textOf(rows.first().locator('[data-testid="event-name"]'))).toBe('Dashboard Shared')
    expect(await textOf(testId(page, 'events-shown'))).toBe(`Showing 50 of ${sentCalls}`)

    await testId(page, 'events-load-more').click()
    await expect.poll(() => rows.count()).toBe(sentCalls)
    expect(await testId(page, 'events-load-more').count()).toBe(0)
    const names = await testId(page, 'event-name').allTextContents()
    for (const name of ['Logged In', 'Report Created', 'Dashboard Shared', 'Pricing']) expect(names).toContain(name)

    // Expanding the newest event shows its properties.
    await rows.first().click()
    await testId(page, 'event-properties').waitFor()
    expect(await textOf(testId(page, 'event-properties'))).toContain('"Renewal risk"')
    await page.screenshot({ path: path.join(screenshotDir, `account-events-${bosun.kind}.png`), fullPage: true })

    await testId(page, 'events-filter').fill('Report Created')
    await expect.poll(() => textOf(testId(page, 'events-total'))).toBe('3 events named “Report Created”')
    await expect.poll(() => rows.count()).toBe(3)
    expect(new Set(await testId(page, 'event-name').allTextContents())).toEqual(new Set(['Report Created']))
    expect(problems).toEqual([])
  })

  it('lets an admin mark a top event as a key feature right from the account, and take it back', async () => {
    const page = await newPage()
    await logIn(page, OWNER_EMAIL)
    await page.goto(`/accounts/${active.id}?tab=usage`)
    await testId(page, 'usage-tab').waitFor()
    expect(await textOf(testId(page, 'usage-kpi-breadth-value'))).toBe('2 of 3')

    const loggedIn = testId(page, 'usage-top-event').filter({ hasText: 'Logged In' })
    await loggedIn.locator('[data-testid="usage-toggle-key-feature"]').click()
    await page.getByText('Added to key features').waitFor()
    await expect.poll(() => textOf(testId(page, 'usage-kpi-breadth-value'))).toBe('3 of 4')
    expect((await apiGet<{ keyFeatures: string[] }>('/api/v1/settings/usage')).keyFeatures).toEqual([...KEY_FEATURES, 'Logged In'])

    await loggedIn.locator('[data-testid="usage-toggle-key-feature"]').click()
    await expect.poll(() => textOf(testId(page, 'usage-kpi-breadth-value'))).toBe('2 of 3')
    expect((await apiGet<{ keyFeatures: string[] }>('/api/v1/settings/usage')).keyFeatures).toEqual(KEY_FEATURES)
    expect(problems).toEqual([])
  })

  it('explains how to send data for an account without usage', async () => {
    const page = await newPage()
    await logIn(page, OWNER_EMAIL)
    await page.goto(`/accounts/${quiet.id}?tab=usage`)
    await testId(page, 'usage-empty-state').waitFor()
    const curl = await textOf(testId(page, 'usage-curl-example'))
    expect(curl).toContain(`${bosun.url}/v1/track`)
    expect(curl).toContain(`"groupId":"${quiet.externalId}"`)
    expect(curl).toContain('-u "$BOSUN_WRITE_KEY:"')
    expect(await testId(page, 'usage-api-docs-link').getAttribute('href')).toBe('/api/docs')
    fs.mkdirSync(screenshotDir, { recursive: true })
    await page.screenshot({ path: path.join(screenshotDir, `account-usage-empty-${bosun.kind}.png`) })

    await testId(page, 'tab-events').click()
    await testId(page, 'usage-empty-state').waitFor()
    expect(await testId(page, 'event-row').count()).toBe(0)
    expect(problems).toEqual([])
  })

  it('shows a viewer the key features read-only and no key-feature controls on the account', async () => {
    const page = await newPage()
    await logIn(page, VIEWER_EMAIL)
    await page.goto('/settings/usage')
    await testId(page, 'usage-settings-read-only').waitFor()
    await expect.poll(() => textOf(testId(page, 'usage-key-features-count'))).toBe('3 key features')
    expect(await testId(page, 'usage-settings-save').count()).toBe(0)

    await page.goto(`/accounts/${active.id}?tab=usage`)
    await testId(page, 'usage-tab').waitFor()
    await testId(page, 'usage-top-event').first().waitFor()
    expect(await testId(page, 'usage-toggle-key-feature').count()).toBe(0)

    const put = await page.request.put('/api/v1/settings/usage', { data: { keyFeatures: ['Logged In'] } })
    expect(put.status()).toBe(403)
    expect(problems).toEqual([])
  })
})
