import { execFile } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../server/platform/config'
import { createLogger } from '../server/platform/logging'
import { startBosun, type RunningBosun } from '../server/server'
import { adminUrl } from '../server/testing/test-db'

const run = promisify(execFile)
const bin = path.resolve(import.meta.dirname, '../../bin/bosun.mjs')
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bosun-cli-'))
let databaseUrl: string | undefined
let env: NodeJS.ProcessEnv

const bosun = async (...args: string[]) => {
  const { stdout } = await run(process.execPath, [bin, ...args], { env, timeout: 120_000 })
  return stdout
}

beforeAll(async () => {
  if (process.env.DATABASE_URL) {
    const name = `bosun_cli_${crypto.randomBytes(4).toString('hex')}`
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
  if (!databaseUrl || !process.env.DATABASE_URL) return
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS "${new URL(databaseUrl).pathname.slice(1)}" WITH (FORCE)`)
  await admin.end()
})

describe('bosun CLI', () => {
  let running: RunningBosun | undefined
  afterAll(() => running?.stop())

  it('builds a demo, creates users and keys with no server running', async () => {
    const demo = JSON.parse(await bosun('demo', '--accounts', '25', '--months', '3', '--seed', '3', '--no-usage', '--admin-email', 'boss@example.com', '--admin-password', 'boss-password-1')) as {
      counts: { accounts: number }
    }
    expect(demo.counts.accounts).toBe(25)
    const user = JSON.parse(await bosun('users', 'create', '--email', 'ana@example.com', '--role', 'csm', '--workspace', 'demo')) as { role: string; password: string }
    expect(user.role).toBe('csm')
    expect(user.password.length).toBeGreaterThan(10)
    const output = await bosun('keys', 'create', '--workspace', 'demo', '--scopes', 'read,ingest', '--name', 'warehouse')
    const lines = output.trim().split('\n')
    expect(lines.at(-1)).toMatch(/^bsn_[0-9a-f]{12}_[A-Za-z0-9_-]+$/)
  })

  it('goes through the running server instead of opening its data directory twice', async () => {
    const config = { ...loadConfig({ BOSUN_DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) }), port: 0, host: '127.0.0.1' }
    running = await startBosun({ role: 'all', config, logger: createLogger('silent') })
    const key = (await bosun('keys', 'create', '--workspace', 'demo', '--scopes', 'read', '--name', 'live')).trim().split('\n').at(-1) ?? ''
    const response = await fetch(`${running.url}/api/v1/accounts?limit=5`, { headers: { authorization: `Bearer ${key}` } })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { total: number }).total).toBe(25)

    const revoked = JSON.parse(await bosun('keys', 'revoke', '--workspace', 'demo', key)) as { revokedAt: string }
    expect(revoked.revokedAt).toBeTruthy()
    expect((await fetch(`${running.url}/api/v1/accounts`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401)

    if (!databaseUrl) {
      // A second server on the same PGlite data dir refuses clearly instead of losing writes.
      await expect(bosun('start', '--port', '0')).rejects.toMatchObject({ stderr: expect.stringContaining('in use by Bosun process') })
    }
  })

  it('explains a bad argument', async () => {
    await expect(bosun('keys', 'create', '--workspace', 'demo', '--scopes', 'root', '--name', 'x')).rejects.toMatchObject({ stderr: expect.stringContaining('unknown scope') })
    await expect(bosun('users', 'create', '--email', 'a@b.co', '--role', 'csm', '--workspace', 'nope')).rejects.toMatchObject({ stderr: expect.stringContaining('No workspace with slug nope') })
  })
})
