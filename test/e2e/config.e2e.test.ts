/**
 * End to end: CS Ops edits a segment in the browser — a bad rule is pointed at by path and line,
 * the fixed draft is published, an older version restored — then changes the configuration through
 * the YAML page (plan, apply). A viewer sees the configuration but no editing controls.
 * Real Bosun, real database, real Chromium.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { installDefaults } from '../../src/server/modules/config'
import { configKinds } from '../../src/server/modules/config-kinds'
import { createUser, createWorkspaceWithOwner } from '../../src/server/modules/identity'
import { makeAccount } from '../../src/server/testing/factories'
import { browserPages, ensureWebBuild, launchChromium, requireChromium, skipBrowserTests, startE2eBosun, type E2eBosun } from './harness'

const screenshotDir = path.resolve(import.meta.dirname, '__screenshots__')
const PASSWORD = 'e2e-password-correct-horse'
const OWNER_EMAIL = 'config-owner@bosun.test'
const VIEWER_EMAIL = 'config-viewer@bosun.test'

describe.skipIf(skipBrowserTests())('configuration in the browser', () => {
  let bosun: E2eBosun
  let browser: Browser
  const contexts: BrowserContext[] = []
  const problems: string[] = []

  beforeAll(async () => {
    requireChromium()
    ensureWebBuild()
    bosun = await startE2eBosun()
    const db = bosun.running.deps.db
    const { workspace } = await createWorkspaceWithOwner(db, { slug: 'harbor', name: 'Harbor CS', ownerEmail: OWNER_EMAIL, ownerName: 'Olga Owner', ownerPassword: PASSWORD })
    await createUser(db, { workspaceId: workspace.id, email: VIEWER_EMAIL, name: 'Vera Viewer', role: 'viewer', password: PASSWORD, actor: { kind: 'system', label: 'e2e test' } })
    for (const arr of [250_000, 180_000, 120_000, 40_000, 9_000]) await makeAccount(db, workspace.id, { arr })
    await installDefaults(db, { kinds: configKinds, workspaceId: workspace.id, actor: { kind: 'system', label: 'Bosun demo' } })
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
    await page.screenshot({ path: path.join(screenshotDir, `config-${name}-${bosun.kind}.png`), fullPage: true })
  }

  it('edits a segment: errors by path and line, draft, publish, history and restore', async () => {
    const page = await newPage()
    await logIn(page, OWNER_EMAIL)
    await page.locator('[data-testid="nav-configuration"]').click()
    await page.waitForURL(/\/configuration\/segment$/)
    const enterpriseRow = page.locator('[data-testid="config-row-enterprise"]')
    await enterpriseRow.waitFor()
    expect(await enterpriseRow.textContent()).toContain('Status is "active" AND ARR ≥ 100000')
    await expect.poll(async () => (await enterpriseRow.locator('td').nth(3).textContent())?.trim()).toBe('3')
    await shot(page, 'list')

    await enterpriseRow.click()
    await page.waitForURL(/\/configuration\/segment\/enterprise$/)
    const liveCount = () => page.locator('[data-testid="segment-live-count"]').first().textContent()
    await expect.poll(liveCount).toBe('3accounts')
    await page.locator('[data-testid="config-edit"]').click()
    const editor = page.locator('textarea[data-testid="config-yaml-editor"]').first()
    const original = await editor.inputValue()
    expect(original).toContain('- { field: arr, op: gte, value: 100000 }')

    await editor.fill(original.replace('value: 100000', 'value: lots'))
    await page.locator('[data-testid="config-save-draft"]').click()
    const errors = page.locator('[data-testid="config-editor-errors"]')
    await errors.waitFor()
    const lineOfArr = original.split('\n').findIndex((line) => line.includes('field: arr')) + 1
    expect(await errors.textContent()).toContain(`line ${lineOfArr}condition.all.1.valuemust be a number for arr`)
    await shot(page, 'editor-error')

    await editor.fill(original.replace('value: 100000', 'value: 150000'))
    await expect.poll(liveCount).toBe('2accounts') // the editor's live preview
    await page.locator('[data-testid="config-comment"]').fill('Enterprise starts at 150k')
    await page.locator('[data-testid="config-save-draft"]').click()
    const draft = page.locator('[data-testid="config-draft"]')
    await draft.waitFor()
    expect(await draft.textContent()).toContain('condition.all.1.value')
    expect(await draft.textContent()).toContain('100000 → 150000')
    await shot(page, 'draft')

    await page.locator('[data-testid="config-publish"]').click()
    await page.locator('[data-testid="config-publish-confirm"]').click()
    await page.locator('[data-testid="config-version-2"]').getByText('live').waitFor()
    await expect.poll(liveCount).toBe('2accounts')
    expect(await page.locator('[data-testid="config-version-2"]').textContent()).toContain('Enterprise starts at 150k')

    await page.locator('[data-testid="config-view-version-1"]').click()
    const modal = page.locator('[data-testid="config-version-modal"]')
    await modal.getByText('150000 → 100000').waitFor()
    await shot(page, 'restore')
    await page.locator('[data-testid="config-restore-confirm"]').click()
    await page.locator('[data-testid="config-version-3"]').getByText('live').waitFor()
    expect(await page.locator('[data-testid="config-version-3"]').textContent()).toContain('Restored version 1')
    await expect.poll(liveCount).toBe('3accounts')
    await shot(page, 'document')
    expect(problems).toEqual([])
  })

  it('plans and applies a YAML file', async () => {
    const page = await newPage()
    await logIn(page, OWNER_EMAIL)
    await page.goto('/configuration/yaml')
    await page.locator('[data-testid="config-import-load-current"]').click()
    const textarea = page.locator('[data-testid="config-import-yaml"]')
    await expect.poll(async () => textarea.inputValue()).toContain('key: no-champion')
    const yaml = await textarea.inputValue()
    await textarea.fill(yaml.replace('name: Low adoption', 'name: Low adoption (under 30 %)'))
    await page.locator('[data-testid="config-plan-button"]').click()
    const table = page.locator('[data-testid="config-plan-table"]')
    await table.waitFor()
    expect(await table.textContent()).toContain('segment/low-adoption')
    expect(await table.textContent()).toContain('~ name: "Low adoption" → "Low adoption (under 30 %)"')
    // Everything the demo ships but the one edited segment.
    const shipped = configKinds.reduce((sum, kind) => sum + kind.defaults.length, 0)
    expect(await page.locator('[data-testid="config-plan-unchanged"]').textContent()).toContain(String(shipped - 1))
    await shot(page, 'plan')

    await page.locator('[data-testid="config-apply-button"]').click()
    await page.locator('[data-testid="config-applied"]').waitFor()
    const document = (await (await page.request.get('/api/v1/config/segment/low-adoption')).json()) as { published: { version: number; body: { name: string } } }
    expect(document.published).toMatchObject({ version: 2, body: { name: 'Low adoption (under 30 %)' } })
    expect(problems).toEqual([])
  })

  it('creates a segment from the example, refusing a key that is taken', async () => {
    const page = await newPage()
    await logIn(page, OWNER_EMAIL)
    await page.goto('/configuration/segment')
    await page.locator('[data-testid="config-new"]').click()
    await page.waitForURL(/\/configuration\/segment\/new$/)
    const key = page.locator('[data-testid="config-new-key"]')
    await key.fill('enterprise')
    await page.getByText('Already used by').waitFor()
    expect(await page.locator('[data-testid="config-save-draft"]').isDisabled()).toBe(true)
    await key.fill('strategic-emea')
    await page.locator('[data-testid="segment-rendered-rule"]').getByText('ARR ≥ 50000 AND Country in ["United Kingdom", "Germany", "France"]').waitFor()
    await expect.poll(() => page.locator('[data-testid="config-save-draft"]').isDisabled()).toBe(false)
    await shot(page, 'new')
    await page.locator('[data-testid="config-save-publish"]').click()
    await page.waitForURL(/\/configuration\/segment\/strategic-emea$/)
    await page.locator('[data-testid="config-version-1"]').getByText('live').waitFor()
    expect(await page.locator('[data-testid="config-document-name"]').textContent()).toBe('Strategic EMEA')
    expect(problems).toEqual([])
  })

  it('shows a viewer the configuration without editing controls', async () => {
    const page = await newPage()
    await logIn(page, VIEWER_EMAIL)
    await page.locator('[data-testid="nav-configuration"]').click()
    await page.locator('[data-testid="config-row-enterprise"]').click()
    await page.locator('[data-testid="config-version-history"]').waitFor()
    expect(await page.locator('[data-testid="config-edit"]').count()).toBe(0)
    expect(await page.locator('[data-testid="config-publish"]').count()).toBe(0)
    await page.goto('/configuration/yaml')
    await page.locator('[data-testid="config-export-download"]').waitFor()
    expect(await page.locator('[data-testid="config-import-yaml"]').count()).toBe(0)
    expect(problems).toEqual([])
  })
})
