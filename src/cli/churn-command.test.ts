import { execFile } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { syntheticChurnCsv } from '../server/modules/churn/churn-test-data'
import { adminUrl } from '../server/testing/test-db'
import { loadConfig } from '../server/platform/config'
import { createLogger } from '../server/platform/logging'
import { startBosun } from '../server/server'

const run = promisify(execFile)
const bin = path.resolve(import.meta.dirname, '../../bin/bosun.mjs')
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bosun-cli-churn-'))
const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bosun-cli-churn-files-'))
let databaseUrl: string | undefined
let env: NodeJS.ProcessEnv

beforeAll(async () => {
  if (process.env.DATABASE_URL) {
    const name = `bosun_cli_churn_${crypto.randomBytes(4).toString('hex')}`
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL })
    await admin.connect()
    await admin.query(`CREATE DATABASE "${name}"`)
    await admin.end()
    databaseUrl = adminUrl(process.env.DATABASE_URL, name)
  }
  env = { ...process.env, BOSUN_DATA_DIR: dataDir, BOSUN_LOG_LEVEL: 'silent', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) }
  if (!databaseUrl) delete env.DATABASE_URL
})

afterAll(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true })
  fs.rmSync(filesDir, { recursive: true, force: true })
  if (!databaseUrl || !process.env.DATABASE_URL) return
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS "${new URL(databaseUrl).pathname.slice(1)}" WITH (FORCE)`)
  await admin.end()
})

describe('bosun churn evaluate', () => {
  it('on a fresh data dir: prints one JSON line with the test metrics and leaves no workspace behind', async () => {
    const file = path.join(filesDir, 'churn.csv')
    fs.writeFileSync(file, syntheticChurnCsv(1200, 3))
    const { stdout, stderr } = await run(process.execPath, [bin, 'churn', 'evaluate', '--csv', file, '--id', 'Customer ID', '--label', 'Churned?', '--split-column', 'Set'], { env, timeout: 240_000 })
    const lines = stdout.trim().split('\n')
    expect(lines).toHaveLength(1)
    const result = JSON.parse(lines[0]) as Record<string, unknown>
    expect(Object.keys(result)).toEqual(['auc', 'pr_auc', 'brier', 'model', 'rows_train', 'rows_test'])
    expect(result).toMatchObject({ rows_train: 900, rows_test: 300 })
    expect(result.auc).toBeGreaterThan(0.8)
    expect(['logistic_regression', 'gradient_boosted_trees', 'blend']).toContain(result.model)
    expect(stderr).toContain('importing churn.csv as accounts')
    const { stdout: listed } = await run(process.execPath, [bin, 'workspaces'], { env, timeout: 120_000 })
    expect(JSON.parse(listed)).toEqual({ workspaces: [] })
  }, 300_000)

  it('names a missing column', async () => {
    const file = path.join(filesDir, 'small.csv')
    fs.writeFileSync(file, syntheticChurnCsv(50, 4))
    await expect(run(process.execPath, [bin, 'churn', 'evaluate', '--csv', file, '--id', 'Customer ID', '--label', 'Outcome', '--split-column', 'Set'], { env, timeout: 120_000 })).rejects.toMatchObject({
      stderr: expect.stringContaining('label: the file has no column "Outcome"'),
    })
  }, 180_000)
})

describe('bosun churn train', () => {
  it('trains the demo workspace now: progress on stderr, one JSON line with the model and its target', async () => {
    await run(process.execPath, [bin, 'demo', '--accounts', '300', '--months', '12', '--no-usage'], { env, timeout: 240_000 })
    const { stdout, stderr } = await run(process.execPath, [bin, 'churn', 'train'], { env, timeout: 240_000 })
    const lines = stdout.trim().split('\n')
    expect(lines).toHaveLength(1)
    const result = JSON.parse(lines[0]) as Record<string, unknown>
    expect(Object.keys(result)).toEqual(['modelId', 'kind', 'auc', 'healthAuc', 'accountsScored', 'seconds', 'target'])
    expect(['logistic_regression', 'gradient_boosted_trees', 'blend']).toContain(result.kind)
    expect(result.accountsScored).toBeGreaterThan(100)
    expect(typeof result.auc).toBe('number')
    // Every demo account has subscriptions: no example falls back to the fixed window.
    expect(result.target).toMatchObject({ kind: 'before_next_renewal', graceDays: 30, fallbackDays: 365, examples: { fallback: 0 }, scored: { renewal: result.accountsScored, fallback: 0 } })
    expect(stderr).toContain('training the churn model of workspace demo')
    expect(stderr).toMatch(/examples on \d+ prediction days/)
  }, 480_000)

  it('exits non-zero, saying why, when the workspace has too little history or does not exist', async () => {
    await run(process.execPath, [bin, 'demo', '--accounts', '3', '--months', '1', '--no-usage', '--workspace', 'tiny'], { env, timeout: 240_000 })
    await expect(run(process.execPath, [bin, 'churn', 'train', '--workspace', 'tiny'], { env, timeout: 240_000 })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('workspace tiny: no model trained: not enough history'),
    })
    await expect(run(process.execPath, [bin, 'churn', 'train', '--workspace', 'nope'], { env, timeout: 240_000 })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/no workspace with slug nope/i),
    })
  }, 480_000)

  // PostgreSQL lets the CLI train in its own process; only a PGlite data dir has one owner.
  it.skipIf(Boolean(process.env.DATABASE_URL))('trains through the running server that owns the PGlite data directory', async () => {
    const config = { ...loadConfig({ BOSUN_DATA_DIR: dataDir, BOSUN_DEMO: '0' }), port: 0, host: '127.0.0.1' }
    const server = await startBosun({ role: 'all', config, logger: createLogger('silent') })
    try {
      // Without going through the server, this command could not open the data directory at all.
      const { stdout, stderr } = await run(process.execPath, [bin, 'churn', 'train', '--workspace', 'demo'], { env, timeout: 240_000 })
      expect(stderr).toContain(`training the churn model of workspace demo in the running server (pid ${process.pid})`)
      const result = JSON.parse(stdout.trim()) as Record<string, unknown>
      expect(Object.keys(result)).toEqual(['modelId', 'kind', 'auc', 'healthAuc', 'accountsScored', 'seconds', 'target'])
      expect(result.accountsScored).toBeGreaterThan(100)
      expect(result.target).toMatchObject({ kind: 'before_next_renewal' })
      await expect(run(process.execPath, [bin, 'churn', 'train', '--workspace', 'nope'], { env, timeout: 120_000 })).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/no workspace with slug nope/i),
      })
    } finally {
      await server.stop()
    }
  }, 480_000)
})
