import { execFile } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configKinds } from '../server/modules/config-kinds'
import { loadConfig } from '../server/platform/config'
import { createLogger } from '../server/platform/logging'
import { startBosun, type RunningBosun } from '../server/server'
import { adminUrl } from '../server/testing/test-db'

const run = promisify(execFile)
const bin = path.resolve(import.meta.dirname, '../../bin/bosun.mjs')
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bosun-cli-config-'))
const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bosun-cli-config-files-'))
let databaseUrl: string | undefined
let env: NodeJS.ProcessEnv

const bosun = async (...args: string[]) => {
  const { stdout } = await run(process.execPath, [bin, ...args], { env, timeout: 120_000 })
  return stdout
}

/** A command expected to fail: its exit code and output. */
const bosunFails = async (...args: string[]) => {
  try {
    await run(process.execPath, [bin, ...args], { env, timeout: 120_000 })
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
  throw new Error(`bosun ${args.join(' ')} succeeded`)
}

beforeAll(async () => {
  if (process.env.DATABASE_URL) {
    const name = `bosun_cli_config_${crypto.randomBytes(4).toString('hex')}`
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL })
    await admin.connect()
    await admin.query(`CREATE DATABASE "${name}"`)
    await admin.end()
    databaseUrl = adminUrl(process.env.DATABASE_URL, name)
  }
  env = { ...process.env, BOSUN_DATA_DIR: dataDir, BOSUN_LOG_LEVEL: 'silent', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) }
  if (!databaseUrl) delete env.DATABASE_URL
  await bosun('demo', '--accounts', '5', '--months', '1', '--seed', '7', '--no-usage', '--admin-email', 'boss@example.com', '--admin-password', 'boss-password-1')
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

describe('bosun config', () => {
  let running: RunningBosun | undefined
  afterAll(() => running?.stop())

  // Each command is a new process (tsx, migrations check): seconds apiece on a loaded machine.
  const timeout = 240_000
  const file = path.join(filesDir, 'config.yaml')
  /** Documents the demo ships (every kind's defaults). */
  const shipped = configKinds.reduce((sum, kind) => sum + kind.defaults.length, 0)

  it('exports the demo segments, plans an edit and applies it (no server running)', async () => {
    await bosun('config', 'export', '--workspace', 'demo', '--out', file)
    const exported = fs.readFileSync(file, 'utf8')
    for (const key of ['enterprise', 'renewing-90-days', 'low-adoption', 'at-risk-urgent-tickets', 'no-champion']) expect(exported).toContain(`key: ${key}\n`)
    // The only workspace is the default; stdout by default; byte-for-byte stable.
    expect(await bosun('config', 'export')).toBe(exported)

    const unchanged = await bosun('config', 'plan', file)
    expect(unchanged).toContain(`Plan for workspace demo: 0 to create, 0 to update, 0 to archive, ${shipped} unchanged`)
    expect(unchanged).toContain('Nothing to change.')

    fs.writeFileSync(file, exported.replace('{ field: arr, op: gte, value: 100000 }', '{ field: arr, op: gte, value: 150000 }'))
    const planned = await bosun('config', 'plan', file, '--workspace', 'demo')
    expect(planned).toContain(`0 to create, 1 to update, 0 to archive, ${shipped - 1} unchanged`)
    expect(planned).toMatch(/~ segment\/enterprise\s+update version 1 → 2\n\s+~ condition\.all\.1\.value: 100000 → 150000/)
    expect(await bosun('config', 'export')).toBe(exported) // plan wrote nothing

    const applied = await bosun('config', 'apply', file, '--comment', 'Enterprise starts at 150k')
    expect(applied).toContain(`Applied to workspace demo: 0 create, 1 update, 0 archive, ${shipped - 1} unchanged`)
    const after = await bosun('config', 'export')
    expect(after).toMatch(/key: enterprise\n\s+version: 2\n/)
    expect(after).toContain('value: 150000')
  }, timeout)

  it('refuses an invalid file as a whole and explains bad arguments', async () => {
    const after = await bosun('config', 'export')
    const bad = path.join(filesDir, 'bad.yaml')
    fs.writeFileSync(
      bad,
      after
        .replace('{ field: arr, op: gte, value: 150000 }', '{ field: arr, op: gte, value: 175000 }')
        .replace('{ field: license_utilization, op: lt, value: 0.3 }', '{ field: license_utilization, op: fewer, value: 0.3 }'),
    )
    const refused = await bosunFails('config', 'apply', bad)
    expect(refused.code).toBe(1)
    expect(refused.stdout).toContain('Nothing was applied to workspace demo')
    expect(refused.stdout).toContain('1 error; nothing was applied (all or nothing)')
    expect(refused.stdout).toMatch(/✗ segment\/low-adoption {2}documents\.\d\.body\.condition\.all\.1\.op: /)
    expect(await bosun('config', 'export')).toBe(after) // the valid edit in the same file was not applied either

    const missing = await bosunFails('config', 'plan', path.join(filesDir, 'nope.yaml'))
    expect(missing.stderr).toContain('no such file')
    expect((await bosunFails('config', 'export', '--workspace', 'nope')).stderr).toContain('No workspace with slug nope')
  }, timeout)

  it('goes through the running server, which owns the data directory', async () => {
    const config = { ...loadConfig({ BOSUN_DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) }), port: 0, host: '127.0.0.1' }
    running = await startBosun({ role: 'all', config, logger: createLogger('silent') })
    const file = path.join(filesDir, 'live.yaml')
    await bosun('config', 'export', '--out', file)
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('name: No champion', 'name: No champion yet'))
    const planned = JSON.parse(await bosun('config', 'plan', file, '--json')) as { valid: boolean; documents: { key: string; action: string }[] }
    expect(planned.valid).toBe(true)
    expect(planned.documents.filter((document) => document.action === 'update').map((document) => document.key)).toEqual(['no-champion'])
    expect(await bosun('config', 'import', file)).toContain('1 update')

    const key = (await bosun('keys', 'create', '--workspace', 'demo', '--scopes', 'read', '--name', 'config check')).trim().split('\n').at(-1) ?? ''
    const response = await fetch(`${running.url}/api/v1/config/segment/no-champion`, { headers: { authorization: `Bearer ${key}` } })
    const document = (await response.json()) as { published: { version: number; body: { name: string }; createdByLabel: string } }
    expect(document.published).toMatchObject({ version: 2, body: { name: 'No champion yet' }, createdByLabel: 'bosun CLI' })
  }, timeout)

  it('asks what happens to the open tasks of a playbook it changes, and does what the options say', async () => {
    if (!running) throw new Error('needs the server of the previous test')
    const server = running
    const key = (await bosun('keys', 'create', '--workspace', 'demo', '--scopes', 'read,write', '--name', 'playbook run')).trim().split('\n').at(-1) ?? ''
    const call = async (method: string, url: string, body?: unknown) =>
      fetch(`${server.url}${url}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
    const accounts = (await (await call('GET', '/api/v1/accounts?limit=1')).json()) as { items: { id: string }[] }
    expect((await call('POST', '/api/v1/playbooks/health-turned-red/run', { accountIds: [accounts.items[0]?.id] })).status).toBe(202)
    // The server's worker runs it to the end: a risk-call task (and an exec review for a large account).
    const openWork = async () => ((await (await call('GET', '/api/v1/config/playbook/health-turned-red')).json()) as { openWork: { runs: number; tasks: number } }).openWork
    const done = async () => {
      const work = await openWork()
      return work.runs === 0 && work.tasks > 0
    }
    for (let tries = 0; !(await done()); tries += 1) {
      if (tries > 150) throw new Error('the run made no task within 30 s')
      await new Promise((resolve) => setTimeout(resolve, 200))
    }

    const file = path.join(filesDir, 'playbook.yaml')
    await bosun('config', 'export', '--out', file)
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('name: Health turned red', 'name: Health turned red (v2)'))
    const { tasks } = await openWork()
    const openTasks = `${tasks} open task${tasks === 1 ? '' : 's'}`
    const refused = await bosunFails('config', 'apply', file)
    expect(refused.code).toBe(1)
    expect(refused.stdout).toContain(`note: ${openTasks}: apply needs openTasks (keep or dismiss)`)
    expect(refused.stdout).toContain(`✗ playbook/health-turned-red  openTasks: playbook/health-turned-red made ${openTasks}: choose keep or dismiss`)
    expect(refused.stdout).toContain('--open-runs continue|cancel and --open-tasks keep|dismiss')
    const applied = await bosun('config', 'apply', file, '--open-tasks', 'dismiss')
    expect(applied).toMatch(/~ playbook\/health-turned-red\s+update version 1 → 2/)
    expect(applied).toContain(`done: 0 runs cancelled, ${tasks} task${tasks === 1 ? '' : 's'} dismissed`)
    expect(await openWork()).toEqual({ runs: 0, tasks: 0 })
  }, timeout)
})
