/**
 * End-to-end harness: a real Bosun (startBosun, real HTTP port, real database) and the system's
 * headless Chromium driven through playwright-core. Never downloads a browser.
 *
 * Database: PGlite in a temporary data dir, or — when DATABASE_URL is set — a fresh PostgreSQL
 * database created for this run and dropped (WITH FORCE) afterwards.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { onTestFailed } from 'vitest'
import { buildWebIfNeeded } from '../../src/cli/build-web'
import { loadConfig } from '../../src/server/platform/config'
import { createLogger } from '../../src/server/platform/logging'
import { startBosun, type RunningBosun } from '../../src/server/server'
import { adminUrl } from '../../src/server/testing/test-db'

export const CHROMIUM_PATH = '/usr/bin/chromium'
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking']

export const inCI = () => ['true', '1', 'yes'].includes((process.env.CI ?? '').toLowerCase())

/**
 * Whether browser tests can run here. Without Chromium they skip locally, but under CI=true a
 * missing dependency must fail the run instead of quietly skipping (see `requireChromium`).
 */
export const chromiumAvailable = () => fs.existsSync(CHROMIUM_PATH)
export const skipBrowserTests = () => !chromiumAvailable() && !inCI()

export function requireChromium(): void {
  if (!chromiumAvailable()) {
    throw new Error(`${CHROMIUM_PATH} is missing and CI is set: install it (apt-get install -y chromium); browser tests may not skip under CI`)
  }
}

export async function launchChromium(): Promise<Browser> {
  requireChromium()
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS })
}

export type E2eBosun = {
  running: RunningBosun
  url: string
  kind: 'pglite' | 'postgres'
  stop: () => Promise<void>
}

/** Builds dist/web when it is missing or older than src/web (same rule as `bosun start`). */
export function ensureWebBuild(): void {
  buildWebIfNeeded()
  const index = path.resolve(import.meta.dirname, '../../dist/web/index.html')
  if (!fs.existsSync(index)) throw new Error(`web build missing: ${index}`)
}

export async function startE2eBosun(): Promise<E2eBosun> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bosun-e2e-'))
  let databaseUrl: string | undefined
  let databaseName: string | undefined
  const serverUrl = process.env.DATABASE_URL
  if (serverUrl) {
    databaseName = `bosun_e2e_${Date.now().toString(36)}_${crypto.randomBytes(3).toString('hex')}`
    const admin = new pg.Client({ connectionString: serverUrl })
    await admin.connect()
    try {
      await admin.query(`CREATE DATABASE "${databaseName}"`)
    } finally {
      await admin.end()
    }
    databaseUrl = adminUrl(serverUrl, databaseName)
  }

  const dropDatabase = async () => {
    if (!serverUrl || !databaseName) return
    const admin = new pg.Client({ connectionString: serverUrl })
    await admin.connect()
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`)
    } finally {
      await admin.end()
    }
  }

  let running: RunningBosun
  try {
    running = await startBosun({
      role: 'all',
      config: {
        ...loadConfig({}),
        port: 0,
        host: '127.0.0.1',
        dataDir,
        databaseUrl,
        demoEnabled: false,
        logLevel: 'silent',
        adminPassword: `bootstrap-${crypto.randomBytes(6).toString('hex')}`,
      },
      logger: createLogger('silent'),
    })
  } catch (error) {
    await dropDatabase().catch(() => undefined)
    fs.rmSync(dataDir, { recursive: true, force: true })
    throw error
  }
  if (!running.port) throw new Error('Bosun did not report a port')

  return {
    running,
    url: `http://127.0.0.1:${running.port}`,
    kind: running.deps.dbHandle.kind,
    stop: async () => {
      try {
        await running.stop()
      } finally {
        await dropDatabase()
        fs.rmSync(dataDir, { recursive: true, force: true })
      }
    },
  }
}

export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '__screenshots__')

/**
 * Pages for one test file: each in a fresh browser context on Bosun's URL. Page errors and 5xx
 * answers are collected in `problems` (tests assert it stays empty); a failing test leaves a
 * full-page screenshot of what the browser showed.
 */
export function browserPages(target: () => { browser: Browser; bosun: E2eBosun }, options: { password: string; problems: string[]; contexts: BrowserContext[] }) {
  const newPage = async (): Promise<Page> => {
    const { browser, bosun } = target()
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: bosun.url })
    options.contexts.push(context)
    const page = await context.newPage()
    page.setDefaultTimeout(30_000)
    page.on('pageerror', (error) => options.problems.push(`page error: ${error.message}`))
    page.on('response', (response) => {
      if (response.status() >= 500) options.problems.push(`${response.status()} from ${response.request().method()} ${response.url()}`)
    })
    onTestFailed(async ({ task }) => {
      fs.mkdirSync(SCREENSHOT_DIR, { recursive: true })
      const name = `failed-${bosun.kind}-${task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, name), fullPage: true }).catch(() => undefined)
    })
    return page
  }
  const logIn = async (page: Page, email: string) => {
    await page.goto('/login')
    await page.locator('input[name=email]').fill(email)
    await page.locator('input[name=password]').fill(options.password)
    await page.locator('button[type=submit]').click()
    await page.locator('[data-testid="logout-button"]').waitFor()
  }
  return { newPage, logIn }
}
