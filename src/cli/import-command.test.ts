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
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bosun-cli-import-'))
const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bosun-cli-files-'))
let databaseUrl: string | undefined
let env: NodeJS.ProcessEnv

const bosun = async (...args: string[]) => {
  const { stdout } = await run(process.execPath, [bin, ...args], { env, timeout: 120_000 })
  return stdout
}

const writeCsv = (name: string, ...lines: string[]) => {
  const file = path.join(filesDir, name)
  fs.writeFileSync(file, `${lines.join('\n')}\n`)
  return file
}

beforeAll(async () => {
  if (process.env.DATABASE_URL) {
    const name = `bosun_cli_import_${crypto.randomBytes(4).toString('hex')}`
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL })
    await admin.connect()
    await admin.query(`CREATE DATABASE "${name}"`)
    await admin.end()
    databaseUrl = adminUrl(process.env.DATABASE_URL, name)
  }
  env = { ...process.env, BOSUN_DATA_DIR: dataDir, BOSUN_LOG_LEVEL: 'silent', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) }
  if (!databaseUrl) delete env.DATABASE_URL
  await bosun('demo', '--accounts', '3', '--months', '1', '--seed', '5', '--no-usage', '--admin-email', 'boss@example.com', '--admin-password', 'boss-password-1')
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

describe('bosun import', () => {
  let running: RunningBosun | undefined
  afterAll(() => running?.stop())

  it('dry-runs, then imports, with no server running; bad rows go to an error report next to the file', async () => {
    const file = writeCsv('accounts.csv', 'Key,Account Name,Website,Employees', 'CLI-1,Cli One,cli-one.com,"1,200"', 'CLI-2,Cli Two,not a website,5', 'CLI-3,Cli Three,,12')
    const dry = await bosun('import', 'accounts', file, '--dry-run', '--map', 'Key=externalId', '--workspace', 'demo')
    expect(dry).toContain('Dry run done: 3 rows read')
    expect(dry).toContain('2 would be created, 0 would be updated, 0 unchanged, 1 bad')
    expect(dry).toContain('row 2: create Cli One')
    const report = path.join(filesDir, 'accounts.errors.csv')
    expect(dry).toContain(`error report (every bad row with its reason): ${report}`)
    expect(fs.readFileSync(report, 'utf8')).toContain('3,Website,domain,"""not a website"" is not a domain or website (like acme.com)"')

    const applied = await bosun('import', 'accounts', file, '--map', 'Key=externalId', '--workspace', 'demo')
    expect(applied).toContain('Import done, with bad rows left out: 3 rows read')
    expect(applied).toContain('2 created, 0 updated, 0 unchanged, 1 bad')
    // Upsert by external id: the imported rows are unchanged; the bad website ignored, row 3 comes in.
    const again = await bosun('import', 'accounts', file, '--map', 'Key=externalId', '--map', 'Website=', '--workspace', 'demo')
    expect(again).toContain('1 created, 0 updated, 2 unchanged, 0 bad')
    expect(again).toContain('ignored columns: Website')
  })

  it('hands the file to the running server and follows its progress', async () => {
    const config = { ...loadConfig({ BOSUN_DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) }), port: 0, host: '127.0.0.1' }
    running = await startBosun({ role: 'all', config, logger: createLogger('silent') })
    const lines = ['Account ID,Account Name,Renewal Date']
    for (let index = 0; index < 300; index++) lines.push(`LIVE-${index},Live ${index},31.12.2026`)
    const output = await bosun('import', 'accounts', writeCsv('live.csv', ...lines), '--workspace', 'demo')
    expect(output).toContain('Import done: 300 rows read')
    expect(output).toContain('300 created')
    const key = (await bosun('keys', 'create', '--workspace', 'demo', '--scopes', 'read', '--name', 'check')).trim().split('\n').at(-1) ?? ''
    const response = await fetch(`${running.url}/api/v1/accounts?external_id=LIVE-299`, { headers: { authorization: `Bearer ${key}` } })
    expect(((await response.json()) as { items: { name: string; renewalDate: string }[] }).items[0]).toMatchObject({ name: 'Live 299', renewalDate: '2026-12-31' })
    if (!databaseUrl) {
      // The server got its own copy of the file and removed it when done.
      expect(fs.readdirSync(path.join(dataDir, 'imports')).filter((name) => name.endsWith('.csv'))).toEqual([])
    }
  })

  it('explains a bad kind, a bad mapping and a missing file', async () => {
    const file = writeCsv('x.csv', 'Account ID,Account Name', 'X-1,X')
    await expect(bosun('import', 'widgets', file, '--workspace', 'demo')).rejects.toMatchObject({ stderr: expect.stringContaining('unknown kind widgets') })
    await expect(bosun('import', 'accounts', file, '--map', 'Nope=name', '--workspace', 'demo')).rejects.toMatchObject({ stderr: expect.stringContaining('the file has no column "Nope"') })
    await expect(bosun('import', 'accounts', file, '--map', 'noequals', '--workspace', 'demo')).rejects.toMatchObject({ stderr: expect.stringContaining('CSV column=field') })
    await expect(bosun('import', 'accounts', path.join(filesDir, 'missing.csv'), '--workspace', 'demo')).rejects.toMatchObject({ stderr: expect.stringContaining('no file at') })
  })
})
