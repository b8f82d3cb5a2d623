/**
 * End to end: on the demo workspace (the shipped playbooks are published), CS Ops opens Playbooks, sees
 * "Health turned red", opens it (effect and steps), dry-runs it, runs it by hand for an account picked in the
 * account picker, follows the run in the run log down to its steps, and finds the run on the account's
 * Playbooks tab. Real Bosun, real database, real Chromium.
 */
import fs from 'node:fs'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildDemoWorkspace } from '../../src/server/admin-operations'
import { saveDraft } from '../../src/server/modules/config'
import { configKinds } from '../../src/server/modules/config-kinds'
import { queryRows } from '../../src/server/platform/db'
import { browserPages, ensureWebBuild, launchChromium, requireChromium, skipBrowserTests, startE2eBosun, type E2eBosun } from './harness'

const screenshotDir = path.resolve(import.meta.dirname, '__screenshots__')
const PASSWORD = 'e2e-password-correct-horse'
const OWNER_EMAIL = 'playbooks-owner@bosun.test'

describe.skipIf(skipBrowserTests())('playbooks in the browser', () => {
  let bosun: E2eBosun
  let browser: Browser
  let account: { id: string; name: string }
  const contexts: BrowserContext[] = []
  const problems: string[] = []

  beforeAll(async () => {
    requireChromium()
    ensureWebBuild()
    bosun = await startE2eBosun()
    const db = bosun.running.deps.db
    const demo = await buildDemoWorkspace(db, { accounts: 60, months: 12, seed: 7, slug: 'demo', replace: false, usage: false, adminEmail: OWNER_EMAIL, adminPassword: PASSWORD })
    // An account with an owner, so the playbook's first task has someone to go to.
    const [row] = await queryRows<{ id: string; name: string }>(
      db,
      sql`SELECT id, name FROM accounts WHERE workspace_id = ${demo.workspaceId} AND owner_id IS NOT NULL AND status <> 'churned' ORDER BY name LIMIT 1`,
    )
    if (!row) throw new Error('the demo has no owned account')
    account = row
    // An open draft to publish: the renewal play gives a week more.
    await saveDraft(db, {
      kinds: configKinds,
      workspaceId: demo.workspaceId,
      kind: 'playbook',
      key: 'renewal-90-days',
      comment: 'More time to prepare',
      actor: { kind: 'system', label: 'e2e test' },
      body: {
        name: 'Renewal in 90 days',
        description: 'Starts renewal preparation 90 days out.',
        trigger: { type: 'relative_date', anchor: 'renewal_date', offsetDays: -90 },
        cooldownDays: 0,
        steps: [{ id: 'prep', type: 'task', title: 'Prepare renewal: {{account.name}}', priority: 'normal', dueDays: 14, owner: { type: 'account_owner' } }],
      },
    })
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
    await page.screenshot({ path: path.join(screenshotDir, `playbooks-${name}-${bosun.kind}.png`), fullPage: true })
  }

  it('lists the playbooks, dry-runs one, runs it by hand and follows the run log', async () => {
    const page = await newPage()
    await logIn(page, OWNER_EMAIL)
    await page.locator('[data-testid="nav-playbooks"]').click()
    await page.waitForURL(/\/playbooks$/)
    const row = page.locator('[data-testid="playbook-row-health-turned-red"]')
    await row.waitFor()
    expect(await row.locator('[data-testid="playbook-name"]').textContent()).toBe('Health turned red')
    expect(await row.textContent()).toContain('health turns red')
    await row.locator('[data-testid="playbook-status-active"]').waitFor()
    expect(await page.locator('[data-testid^="playbook-row-"]').count()).toBeGreaterThanOrEqual(3)
    await shot(page, 'list')

    // The detail: header, effect and the published steps.
    await row.click()
    await page.waitForURL(/\/playbooks\/health-turned-red$/)
    expect(await page.locator('[data-testid="playbook-title"]').textContent()).toBe('Health turned red')
    await page.locator('[data-testid="playbook-effect"]').waitFor()
    // The demo's reconstructed past: the play has run before, and its health effect is measured or explained.
    await page.locator('[data-testid="playbook-health-effect"]').waitFor()
    expect(await page.locator('[data-testid="playbook-effect-triggered"]').textContent()).toMatch(/\d/)
    for (const step of ['call', 'large', 'escalate']) await page.locator(`[data-testid="playbook-step-${step}"]`).waitFor()
    expect(await page.locator('[data-testid="playbook-step-large"]').textContent()).toContain('ARR ≥ 100000')
    expect(await page.locator('[data-testid="playbook-edit"]').getAttribute('href')).toBe('/configuration/playbook/health-turned-red')
    await shot(page, 'detail')

    // Dry run: what would trigger now (no draft, so the published version).
    await page.locator('[data-testid="playbook-tab-dry-run"]').click()
    await page.locator('[data-testid="dry-run-button"]').click()
    const summary = page.locator('[data-testid="dry-run-summary"]')
    await summary.waitFor()
    expect(await summary.textContent()).toMatch(/^\d+ accounts? would trigger/)
    await shot(page, 'dry-run')

    // Run by hand for one account picked in the account picker.
    await page.locator('[data-testid="playbook-run"]').click()
    const modal = page.locator('[data-testid="playbook-run-modal"]')
    const picker = modal.locator('[data-testid="playbook-run-accounts"]')
    await picker.waitFor()
    await picker.fill(account.name)
    await page.getByRole('option', { name: account.name, exact: true }).click()
    // The picker stays open for more accounts; clicking outside it closes it.
    await modal.getByText('Runs the published version').click()
    await page.getByRole('option').first().waitFor({ state: 'detached' })
    await modal.locator('[data-testid="playbook-run-confirm"]').click()
    await modal.locator('[data-testid="playbook-run-confirm"]').waitFor({ state: 'detached' })

    // The run log: the run shows up, finishes (the worker takes it within seconds), and opens into its steps.
    await page.locator('[data-testid="playbook-tab-runs"]').click()
    await page.locator('[data-testid="playbook-run-log"]').waitFor()
    // The demo's past runs of this play may include the same account: the one run by hand is the one to follow.
    const runRow = page.locator('[data-testid="run-row"]').filter({ hasText: account.name }).filter({ hasText: 'run by hand' })
    await expect
      .poll(async () => {
        await page.reload()
        await page.locator('[data-testid="playbook-run-log"]').waitFor()
        return (await runRow.count()) > 0 ? await runRow.first().getAttribute('data-status') : null
      })
      .toBe('completed')
    expect(await runRow.first().locator('[data-testid="run-trigger"]').textContent()).toContain('run by hand by')
    await runRow.first().click()
    const steps = page.locator('[data-testid="run-steps"] [data-testid="run-step"]')
    await steps.first().waitFor()
    expect(await steps.count()).toBeGreaterThanOrEqual(2)
    await page.locator('[data-testid="run-step-task-link"]').first().waitFor()
    await page.locator('[data-testid="run-step-branch"]').waitFor()
    await shot(page, 'run-log')

    // Pause asks both questions before it pauses; resume turns it back on.
    await page.locator('[data-testid="playbook-pause"]').click()
    const pause = page.locator('[data-testid="playbook-pause-confirm"]')
    await pause.waitFor()
    expect(await pause.isDisabled()).toBe(true)
    await page.locator('[data-testid="open-runs-continue"]').check()
    expect(await pause.isDisabled()).toBe(true)
    await page.locator('[data-testid="open-tasks-keep"]').check()
    await pause.click()
    await page.locator('[data-testid="playbook-detail"] [data-testid="playbook-status-paused"]').waitFor()
    await page.locator('[data-testid="playbook-resume"]').click()
    await page.locator('[data-testid="playbook-detail"] [data-testid="playbook-status-active"]').waitFor()

    // The same run on the account's Playbooks tab.
    await runRow.first().locator('[data-testid="run-account"]').click()
    await page.waitForURL(new RegExp(`/accounts/${account.id}`))
    await page.locator('[data-testid="tab-playbooks"]').click()
    await page.locator('[data-testid="account-playbooks-tab"] [data-testid="run-row"]').first().waitFor()
    expect(await page.locator('[data-testid="account-playbooks-tab"] [data-testid="run-row"]').first().textContent()).toContain('Health turned red')
    await page.locator('[data-testid="account-run-playbook"]').waitFor()
    await shot(page, 'account')
    expect(problems).toEqual([])
  })

  it('publishes a draft only after asking what happens to runs and tasks under way', async () => {
    const page = await newPage()
    await logIn(page, OWNER_EMAIL)
    await page.goto('/playbooks/renewal-90-days')
    await page.locator('[data-testid="playbook-title"]').waitFor()
    await page.locator('[data-testid="playbook-publish"]').click()
    const modal = page.locator('[data-testid="playbook-publish-modal"]')
    const publish = modal.locator('[data-testid="playbook-publish-confirm"]')
    await publish.waitFor()
    await modal.getByText('It replaces the live version 1').waitFor()
    expect(await publish.isDisabled()).toBe(true)
    await modal.locator('[data-testid="open-runs-cancel"]').check()
    await modal.locator('[data-testid="open-tasks-dismiss"]').check()
    await shot(page, 'publish')
    await publish.click()
    await publish.waitFor({ state: 'detached' })
    await page.getByText('v2', { exact: true }).waitFor()
    expect(await page.locator('[data-testid="playbook-publish"]').count()).toBe(0)
    expect(await page.locator('[data-testid="playbook-step-prep"]').textContent()).toContain('due in 14 days')
    expect(problems).toEqual([])
  })

  it('asks about open tasks when a playbook is saved and published from the configuration editor too', async () => {
    const db = bosun.running.deps.db
    const openTasks = async () =>
      (await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM tasks WHERE playbook_key = 'health-turned-red' AND status IN ('open', 'in_progress')`))[0]?.n ?? 0
    // The run by hand of the first test left its risk-call task open.
    expect(await openTasks()).toBeGreaterThan(0)
    const page = await newPage()
    await logIn(page, OWNER_EMAIL)
    await page.goto('/configuration/playbook/health-turned-red')
    await page.locator('[data-testid="config-edit"]').click()
    await page.locator('[data-testid="config-save-publish"]').click()
    // Saved as a draft; publishing waits for the answer.
    const modal = page.locator('[data-testid="config-publish-modal"]')
    await modal.locator('[data-testid="open-tasks-choice"]').waitFor()
    const publish = modal.locator('[data-testid="config-publish-confirm"]')
    expect(await publish.isDisabled()).toBe(true)
    if ((await modal.locator('[data-testid="open-runs-choice"]').count()) > 0) await modal.locator('[data-testid="open-runs-continue"]').check()
    await modal.locator('[data-testid="open-tasks-dismiss"]').check()
    await shot(page, 'config-publish-open-work')
    await publish.click()
    await publish.waitFor({ state: 'detached' })
    await page.locator('[data-testid="config-version-2"]').getByText('live').waitFor()
    expect(await openTasks()).toBe(0)
    expect(problems).toEqual([])
  })
})
