/**
 * Ingestion benchmark: N Segment calls (default 1,000,000) through POST /v1/batch from concurrent
 * clients into a Bosun server process, on PostgreSQL and on PGlite, against a raw COPY of the same
 * rows into the same `events` table measured in the same run.
 *
 *   npm run bench:ingest                         # both databases
 *   npm run bench:ingest -- --db postgres        # one of them (postgres | pglite)
 *   npm run bench:ingest -- --events 200000 --clients 8 --batch 500
 *
 * Each database starts empty (PostgreSQL: a fresh database bosun_bench_ingest_<random> on
 * BENCH_PG_URL, dropped afterwards; PGlite: a fresh data dir under the OS temp dir), with 1,000
 * accounts the events belong to (context.groupId). Bosun runs as a child process (`bosun start`,
 * --role all) so the clients never share its event loop; its peak RSS is read from /proc.
 *
 * Two rates, both honest about what they include:
 *   - ack: calls acknowledged with 200 per second (each one durably committed to the inbox);
 *   - processed: calls per second until every one is in `events` and the daily usage rollups
 *     (the inbox drained), from the first request.
 * Baseline: COPY of the same 1M rows (as they are stored in `events`, with new message ids) into
 * `events` on the same database after the run: PostgreSQL through COPY FROM STDIN, PGlite through
 * its /dev/blob COPY, in 100k-row chunks.
 *
 * Progress goes to stderr; stdout gets ONE JSON line:
 *   {"bench":"ingest","events":1000000,"results":[{"db":"postgres","ackPerSec":…,"processedPerSec":…,"copyPerSec":…,"ackRatio":…,"processedRatio":…,"peakRssMb":…},…]}
 */
import { spawn, type ChildProcess } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { freePort } from './support'
import { from as copyFrom } from 'pg-copy-streams'
import { openDb } from '../src/server/platform/db'

type DbKind = 'postgres' | 'pglite'

const root = path.resolve(import.meta.dirname, '..')
const bin = path.join(root, 'bin', 'bosun.mjs')
const { values: args } = parseArgs({
  options: {
    db: { type: 'string' },
    events: { type: 'string', default: '1000000' },
    clients: { type: 'string', default: '8' },
    batch: { type: 'string', default: '500' },
    accounts: { type: 'string', default: '1000' },
  },
})
const EVENTS = Number(args.events)
const CLIENTS = Number(args.clients)
const BATCH = Number(args.batch)
const ACCOUNTS = Number(args.accounts)
const pgServerUrl = (process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432').replace(/\/+$/, '')
const kinds: DbKind[] = args.db ? [args.db as DbKind] : ['postgres', 'pglite']
const ADMIN_PASSWORD = 'bench-admin-password'

const log = (message: string) => process.stderr.write(`[bench:ingest] ${message}\n`)
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const eventNames = ['Dashboard Viewed', 'Report Built', 'Workflow Run', 'Alert Created', 'Integration Connected', 'Data Exported']
const baseTime = Date.now() - 30 * 86_400_000

/** Call number i, the same on every run: a realistic track call (~350 bytes of JSON). */
function call(i: number) {
  const account = i % ACCOUNTS
  return {
    type: 'track',
    messageId: `bench-${i}`,
    userId: `acct${account}-user${(i * 7) % 40}`,
    event: eventNames[i % eventNames.length],
    timestamp: new Date(baseTime + (i % 2_592_000) * 1000).toISOString(),
    properties: { plan: 'Growth', durationMs: (i * 31) % 5000, source: i % 3 === 0 ? 'web' : 'api' },
    context: { groupId: `BENCH-${account}`, library: { name: 'bosun-bench', version: '1.0.0' }, ip: '10.0.0.1' },
  }
}

/** Peak resident memory of a process (VmHWM), in MB. */
function peakRssMb(pid: number): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
    const match = /VmHWM:\s+(\d+) kB/.exec(status)
    return match ? round(Number(match[1]) / 1024, 0) : null
  } catch {
    return null
  }
}

async function startServer(env: NodeJS.ProcessEnv, logFile: string) {
  const port = await freePort()
  const out = fs.openSync(logFile, 'w')
  const child: ChildProcess = spawn(process.execPath, [bin, 'start', '--port', String(port)], { env: { ...env, HOST: '127.0.0.1' }, stdio: ['ignore', out, out] })
  fs.closeSync(out)
  const url = `http://127.0.0.1:${port}`
  let exited: number | null = null
  child.on('exit', (code) => (exited = code ?? -1))
  const deadline = Date.now() + 120_000
  for (;;) {
    if (exited !== null) throw new Error(`bosun start exited ${exited}; see ${logFile}`)
    if (Date.now() > deadline) throw new Error(`bosun did not become healthy; see ${logFile}`)
    if (await fetch(`${url}/healthz`).then((response) => response.ok, () => false)) break
    await sleep(300)
  }
  const stop = async () => {
    if (exited !== null) return
    const done = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    await done
    clearTimeout(timer)
  }
  return { url, child, stop }
}

async function runOne(kind: DbKind) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `bosun-bench-ingest-${kind}-`))
  const env: NodeJS.ProcessEnv = { ...process.env, BOSUN_LOG_LEVEL: 'warn', BOSUN_DEMO: '0', NODE_ENV: 'production', BOSUN_ADMIN_PASSWORD: ADMIN_PASSWORD }
  delete env.DATABASE_URL
  delete env.PORT
  let databaseUrl: string | undefined
  if (kind === 'postgres') {
    const name = `bosun_bench_ingest_${crypto.randomBytes(3).toString('hex')}`
    const admin = new pg.Client({ connectionString: `${pgServerUrl}/postgres` })
    await admin.connect()
    await admin.query(`CREATE DATABASE "${name}"`)
    await admin.end()
    databaseUrl = `${pgServerUrl}/${name}`
    env.DATABASE_URL = databaseUrl
  } else {
    env.BOSUN_DATA_DIR = tmp
  }
  try {
    const server = await startServer(env, path.join(tmp, 'server.log'))
    // /healthz answers before the first-start bootstrap has created the admin: retry the login.
    let login: Response | undefined
    for (let attempt = 0; attempt < 120 && !login?.ok; attempt++) {
      if (attempt > 0) await sleep(500)
      login = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@bosun.local', password: ADMIN_PASSWORD }),
      })
    }
    if (!login?.ok) throw new Error(`login failed: ${login?.status}`)
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? ''
    const admin = (method: string, url: string, body?: unknown) =>
      fetch(`${server.url}${url}`, { method, headers: { cookie, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
    log(`${kind}: creating ${ACCOUNTS} accounts`)
    for (let start = 0; start < ACCOUNTS; start += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, ACCOUNTS - start) }, (_, offset) =>
          admin('POST', '/api/v1/accounts', { externalId: `BENCH-${start + offset}`, name: `Bench Account ${start + offset}` }).then((response) => {
            if (response.status !== 201) throw new Error(`account create: ${response.status}`)
          }),
        ),
      )
    }
    const keyResponse = await admin('POST', '/api/v1/api-keys', { name: 'bench', scopes: ['ingest', 'read'], rateLimitPerSecond: 100_000 })
    const { key } = (await keyResponse.json()) as { key: string }
    const authorization = `Basic ${Buffer.from(`${key}:`).toString('base64')}`

    log(`${kind}: sending ${EVENTS} calls in batches of ${BATCH} from ${CLIENTS} clients`)
    let nextBatch = 0
    const batches = Math.ceil(EVENTS / BATCH)
    let acknowledged = 0
    let failures = 0
    const started = performance.now()
    const client = async () => {
      for (;;) {
        const batchNumber = nextBatch++
        if (batchNumber >= batches) return
        const first = batchNumber * BATCH
        const batch = Array.from({ length: Math.min(BATCH, EVENTS - first) }, (_, offset) => call(first + offset))
        const body = JSON.stringify({ batch, sentAt: new Date().toISOString() })
        const response = await fetch(`${server.url}/v1/batch`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body })
        await response.arrayBuffer()
        if (response.status === 200) acknowledged += batch.length
        else failures++
        if (batchNumber % 200 === 0) log(`${kind}: ${acknowledged} acknowledged`)
      }
    }
    await Promise.all(Array.from({ length: CLIENTS }, client))
    const ackSeconds = (performance.now() - started) / 1000
    if (failures > 0 || acknowledged !== EVENTS) throw new Error(`${failures} batches failed; ${acknowledged} of ${EVENTS} acknowledged`)
    log(`${kind}: all acknowledged in ${round(ackSeconds)} s; waiting for the inbox to drain`)
    const readAuth = { authorization: `Bearer ${key}` }
    for (;;) {
      const status = (await (await fetch(`${server.url}/api/v1/events/status`, { headers: readAuth })).json()) as { inboxDepth: number }
      if (status.inboxDepth === 0) break
      await sleep(250)
    }
    const processedSeconds = (performance.now() - started) / 1000
    const peak = server.child.pid ? peakRssMb(server.child.pid) : null
    await server.stop()

    log(`${kind}: processed in ${round(processedSeconds)} s; COPY baseline of the same rows into events`)
    const copySeconds = await copyBaseline(kind, databaseUrl, tmp)
    const result = {
      db: kind,
      events: EVENTS,
      clients: CLIENTS,
      batch: BATCH,
      ackSeconds: round(ackSeconds),
      processedSeconds: round(processedSeconds),
      copySeconds: round(copySeconds),
      ackPerSec: Math.round(EVENTS / ackSeconds),
      processedPerSec: Math.round(EVENTS / processedSeconds),
      copyPerSec: Math.round(EVENTS / copySeconds),
      ackRatio: round(copySeconds / ackSeconds),
      processedRatio: round(copySeconds / processedSeconds),
      peakRssMb: peak,
    }
    log(`${kind}: ${JSON.stringify(result)}`)
    return result
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
    if (databaseUrl) {
      const admin = new pg.Client({ connectionString: `${pgServerUrl}/postgres` })
      await admin.connect()
      await admin.query(`DROP DATABASE IF EXISTS "${new URL(databaseUrl).pathname.slice(1)}" WITH (FORCE)`)
      await admin.end()
    }
  }
}

const csv = (value: string | null) => (value === null ? '' : `"${value.replaceAll('"', '""')}"`)

/** The rows as `events` stores them (account resolved, corrected time), message ids new. */
function* copyRows(workspaceId: string, accountIds: Map<string, string>, from: number, to: number): Generator<string> {
  const receivedAt = new Date().toISOString()
  for (let i = from; i < to; i++) {
    const c = call(i)
    yield [
      workspaceId,
      csv(`copy-${c.messageId}`),
      'track',
      csv(c.event ?? null),
      csv(c.userId),
      '',
      csv(c.context.groupId),
      accountIds.get(c.context.groupId) ?? '',
      c.timestamp,
      receivedAt,
      csv(JSON.stringify(c.properties)),
      csv(JSON.stringify(c.context)),
      '',
    ].join(',') + '\n'
  }
}

const COPY_SQL =
  'COPY events (workspace_id, message_id, type, event, user_id, anonymous_id, group_id, account_id, occurred_at, received_at, properties, context, source_key_id)'
const CHUNK = 100_000

async function copyBaseline(kind: DbKind, databaseUrl: string | undefined, dataDir: string): Promise<number> {
  const handle = await openDb(kind === 'postgres' ? { databaseUrl, poolSize: 2 } : { pgliteDir: path.join(dataDir, 'pgdata') })
  try {
    const [workspace] = (await handle.executeSql(`SELECT id FROM workspaces WHERE slug = 'main'`)).rows as { id: string }[]
    const accounts = (await handle.executeSql(`SELECT external_id, id FROM accounts WHERE workspace_id = $1`, [workspace!.id])).rows as { external_id: string; id: string }[]
    const accountIds = new Map(accounts.map((row) => [row.external_id, row.id]))
    const started = performance.now()
    if (kind === 'postgres') {
      const client = await handle.pool!.connect()
      try {
        const stream = client.query(copyFrom(`${COPY_SQL} FROM STDIN WITH (FORMAT csv)`))
        await pipeline(Readable.from(copyRows(workspace!.id, accountIds, 0, EVENTS)), stream)
      } finally {
        client.release()
      }
    } else {
      for (let from = 0; from < EVENTS; from += CHUNK) {
        const text = [...copyRows(workspace!.id, accountIds, from, Math.min(EVENTS, from + CHUNK))].join('')
        await handle.pglite!.query(`${COPY_SQL} FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob: new Blob([text]) })
      }
    }
    const seconds = (performance.now() - started) / 1000
    const [count] = (await handle.executeSql(`SELECT count(*)::int AS n FROM events WHERE message_id LIKE 'copy-%'`)).rows as { n: number }[]
    if (count?.n !== EVENTS) throw new Error(`COPY stored ${count?.n} rows, expected ${EVENTS}`)
    return seconds
  } finally {
    await handle.close()
  }
}

const results = []
for (const kind of kinds) results.push(await runOne(kind))
process.stdout.write(`${JSON.stringify({ bench: 'ingest', events: EVENTS, clients: CLIENTS, batch: BATCH, cpus: os.cpus().length, results })}\n`)
