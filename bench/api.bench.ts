/**
 * API benchmark on a 100,000-account workspace, on PostgreSQL and on PGlite.
 *
 *   npm run bench:api                       # both databases
 *   npm run bench:api -- --db postgres      # one of them (postgres | pglite)
 *   npm run bench:api -- --rebuild          # regenerate the data instead of reusing it
 *   npm run bench:api -- --duration 10 --connections 50 --accounts 100000
 *
 * Data: the demo world generator (`bosun demo --no-usage --no-history`, 12 months) into workspace "bench",
 * reused between runs: PGlite in bench/.data/pglite (gitignored), PostgreSQL in database
 * bosun_bench on BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432), created if missing.
 *
 * Each database: a direct-DB baseline of the list query (the accounts service on its own pool,
 * no HTTP), then Bosun as a child process (`bosun start`, so autocannon never shares its event
 * loop), a read-scoped API key made with `bosun keys create`, and autocannon against /healthz
 * (the framework's floor, measured in the same run), the filtered+sorted list, a search and the
 * Account 360 endpoint over rotating real account ids.
 *
 * Progress goes to stderr; stdout gets ONE JSON line:
 *   {"bench":"api","accounts":100000,"results":[{"db":"postgres","endpoint":"list","p50":…,"p99":…,"rps":…,"non2xx":0},…]}
 * Latencies are milliseconds, rps the mean requests per second.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { sql } from 'drizzle-orm'
import pg from 'pg'
import { freePort, markCaughtUp } from './support'
import { listAccountsJson } from '../src/server/modules/accounts'
import { ASSIGN_CONSUMER } from '../src/server/modules/engagement'
import { healthSweepLanes, sweepHealth } from '../src/server/modules/health'
import { PLAYBOOKS_CONSUMER } from '../src/server/modules/playbooks'
import { evaluateWorkspace } from '../src/server/modules/segments'
import { loadConfig } from '../src/server/platform/config'
import { queryRows } from '../src/server/platform/db'
import { createLogger } from '../src/server/platform/logging'
import { openDatabase } from '../src/server/server'

type DbKind = 'postgres' | 'pglite'
type Result = { db: DbKind; endpoint: string; p50: number; p99: number; rps: number; non2xx: number; errors: number; requests: number; path: string }

const root = path.resolve(import.meta.dirname, '..')
const dataRoot = path.join(root, 'bench', '.data')
const bin = path.join(root, 'bin', 'bosun.mjs')
const WORKSPACE = 'bench'
const SEED = 42
const MONTHS = 12
/** A word in many company names ("… Cloud", "Cloudpoint …"): a search with lots of matches. */
const SEARCH_WORD = 'cloud'
const LIST_PATH = '/api/v1/accounts?plan=Growth&sort=-arr&limit=50'
const SEARCH_PATH = `/api/v1/accounts?q=${SEARCH_WORD}&sort=renewal_date`

const { values: args } = parseArgs({
  options: {
    db: { type: 'string' },
    rebuild: { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    accounts: { type: 'string', default: '100000' },
  },
})
const ACCOUNTS = Number(args.accounts)
const DURATION = Number(args.duration)
const WARMUP = Number(args.warmup)
const CONNECTIONS = Number(args.connections)
const pgServerUrl = (process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432').replace(/\/+$/, '')
const kinds: DbKind[] = args.db ? [args.db as DbKind] : ['postgres', 'pglite']

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`)
const round = (value: number) => Math.round(value * 100) / 100

function envFor(kind: DbKind): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, BOSUN_LOG_LEVEL: 'warn', BOSUN_DEMO: '0', NODE_ENV: 'production' }
  delete env.DATABASE_URL
  delete env.PORT
  if (kind === 'postgres') env.DATABASE_URL = `${pgServerUrl}/bosun_bench`
  else env.BOSUN_DATA_DIR = path.join(dataRoot, 'pglite')
  return env
}

function runCli(kind: DbKind, cliArgs: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...cliArgs], { env: envFor(kind), stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`bosun ${cliArgs.join(' ')} exited ${code}: ${stderr.trim()}`))))
  })
}

async function ensurePostgresDatabase() {
  const admin = new pg.Client({ connectionString: `${pgServerUrl}/postgres` })
  await admin.connect()
  try {
    const { rows } = await admin.query(`select 1 from pg_database where datname = 'bosun_bench'`)
    if (rows.length === 0) {
      log('creating database bosun_bench')
      await admin.query('create database bosun_bench')
    }
  } finally {
    await admin.end()
  }
}

/** Opens the benchmark database the way the server does (lock on PGlite, migrations). */
async function open(kind: DbKind) {
  const env = envFor(kind)
  const config = loadConfig({ DATABASE_URL: env.DATABASE_URL, BOSUN_DATA_DIR: env.BOSUN_DATA_DIR ?? path.join(dataRoot, 'unused') })
  return openDatabase(config, createLogger('silent'))
}

async function workspaceAccounts(kind: DbKind): Promise<number> {
  const { handle, lock } = await open(kind)
  try {
    const [row] = await queryRows<{ count: number }>(
      handle.db,
      sql`select count(*)::int as count from accounts a join workspaces w on w.id = a.workspace_id where w.slug = ${WORKSPACE}`,
    )
    return row?.count ?? 0
  } finally {
    await handle.close()
    lock?.release()
  }
}

/** Reuses the workspace when it holds the expected number of accounts; otherwise generates it. */
async function ensureData(kind: DbKind): Promise<{ reused: boolean; seconds?: number }> {
  if (kind === 'postgres') await ensurePostgresDatabase()
  fs.mkdirSync(dataRoot, { recursive: true })
  const existing = args.rebuild ? -1 : await workspaceAccounts(kind)
  if (existing === ACCOUNTS) {
    log(`${kind}: reusing workspace "${WORKSPACE}" with ${existing} accounts`)
    return { reused: true }
  }
  log(`${kind}: generating the demo world with ${ACCOUNTS} accounts, ${MONTHS} months (found ${Math.max(existing, 0)})…`)
  const started = Date.now()
  const output = await runCli(kind, ['demo', '--accounts', String(ACCOUNTS), '--months', String(MONTHS), '--seed', String(SEED), '--workspace', WORKSPACE, '--replace', '--no-usage', '--no-history'])
  const seconds = round((Date.now() - started) / 1000)
  const result = JSON.parse(output) as { counts: Record<string, number> }
  log(`${kind}: generated in ${seconds}s: ${JSON.stringify(result.counts)}`)
  fs.writeFileSync(path.join(dataRoot, `${kind}-build.json`), JSON.stringify({ date: new Date().toISOString(), seconds, ...result }, null, 2))
  return { reused: false, seconds }
}

/**
 * VACUUM ANALYZE once per generated dataset. The generator bulk-loads millions of rows in one
 * transaction and leaves no planner statistics; PostgreSQL's autovacuum would catch up eventually
 * (it is off on some test servers) and PGlite has no autovacuum at all. Measuring without
 * statistics measures bad plans, so the benchmark runs it once and remembers it in bench/.data.
 */
async function ensureStatistics(kind: DbKind, executeSql: (text: string) => Promise<unknown>, workspaceId: string, force: boolean): Promise<void> {
  const marker = path.join(dataRoot, `${kind}-analyzed.json`)
  const previous = fs.existsSync(marker) ? (JSON.parse(fs.readFileSync(marker, 'utf8')) as { workspaceId?: string }) : null
  if (!force && previous?.workspaceId === workspaceId) return
  log(`${kind}: VACUUM ANALYZE (planner statistics and visibility map for the fresh data)…`)
  const started = Date.now()
  await executeSql('VACUUM ANALYZE')
  const seconds = round((Date.now() - started) / 1000)
  log(`${kind}: VACUUM ANALYZE took ${seconds}s`)
  fs.writeFileSync(marker, JSON.stringify({ workspaceId, date: new Date().toISOString(), seconds }))
}

/**
 * Classifies and scores the generated world before the server starts, marks the domain events that
 * wrote as read, and refreshes planner statistics once per new world (one open of the database): otherwise the server spends the first minutes on ~100k re-classifications, ~100k
 * scores and the risk playbook for every first red score (~32,000 runs), all while being measured.
 */
async function settleWorld(kind: DbKind, analyze: boolean): Promise<void> {
  const { handle, lock } = await open(kind)
  try {
    const [workspace] = await queryRows<{ id: string }>(handle.db, sql`select id from workspaces where slug = ${WORKSPACE}`)
    if (!workspace) throw new Error(`no workspace ${WORKSPACE}`)
    const [pending] = await queryRows<{ waiting: number }>(
      handle.db,
      sql`select (select count(*) from account_evaluation_queue where workspace_id = ${workspace.id} and done_at is null)::int
        + (select count(*) from health_evaluation_queue where workspace_id = ${workspace.id} and done_at is null)::int as waiting`,
    )
    if ((pending?.waiting ?? 0) > 0) {
      log(`${kind}: classifying and scoring the generated world (${pending?.waiting} queued)…`)
      const started = Date.now()
      await evaluateWorkspace(handle.db, { workspaceId: workspace.id })
      await sweepHealth(handle.db, { workspaceId: workspace.id, parallel: healthSweepLanes(kind) })
      // Both sweeps covered every account.
      await handle.db.execute(sql`DELETE FROM account_evaluation_queue WHERE workspace_id = ${workspace.id}`)
      await handle.db.execute(sql`DELETE FROM health_evaluation_queue WHERE workspace_id = ${workspace.id}`)
      log(`${kind}: settled in ${round((Date.now() - started) / 1000)}s`)
    }
    await markCaughtUp(handle.db, workspace.id, [ASSIGN_CONSUMER, PLAYBOOKS_CONSUMER])
    await ensureStatistics(kind, (text) => handle.executeSql(text), workspace.id, analyze)
  } finally {
    await handle.close()
    lock?.release()
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

/**
 * The list query straight through the accounts service on a database handle: no HTTP, no auth.
 * With 1 caller it is the query's own latency (the floor under the endpoint); with CONNECTIONS
 * callers sharing the pool it is what the database alone sustains at the endpoint's concurrency.
 */
async function directDbBaseline(kind: DbKind): Promise<Result[]> {
  const { handle, lock } = await open(kind)
  try {
    const [workspace] = await queryRows<{ id: string }>(handle.db, sql`select id from workspaces where slug = ${WORKSPACE}`)
    if (!workspace) throw new Error(`no workspace ${WORKSPACE}`)
    type Filters = Parameters<typeof listAccountsJson>[1]['filters']
    const filters = { plan: 'Growth', sort: '-arr', limit: 50 } as Filters
    const run = () => listAccountsJson(handle.db, { workspaceId: workspace.id, filters })
    for (let i = 0; i < 20; i++) await run()
    const results: Result[] = []
    for (const callers of [1, CONNECTIONS]) {
      const latencies: number[] = []
      const deadline = Date.now() + DURATION * 1000
      const started = performance.now()
      const worker = async () => {
        while (Date.now() < deadline) {
          const t0 = performance.now()
          await run()
          latencies.push(performance.now() - t0)
        }
      }
      await Promise.all(Array.from({ length: callers }, worker))
      const elapsed = (performance.now() - started) / 1000
      latencies.sort((a, b) => a - b)
      const row: Result = {
        db: kind,
        endpoint: `list-db-direct-c${callers}`,
        p50: round(percentile(latencies, 50)),
        p99: round(percentile(latencies, 99)),
        rps: round(latencies.length / elapsed),
        non2xx: 0,
        errors: 0,
        requests: latencies.length,
        path: `accounts.listAccountsJson(plan=Growth, sort=-arr, limit=50), ${callers} concurrent caller(s)`,
      }
      log(`${kind} ${row.endpoint}: p50 ${row.p50} ms, p99 ${row.p99} ms, ${row.rps} calls/s`)
      results.push(row)
    }
    return results
  } finally {
    await handle.close()
    lock?.release()
  }
}

async function startServer(kind: DbKind): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const port = await freePort()
  const logFile = path.join(dataRoot, `${kind}-server.log`)
  const out = fs.openSync(logFile, 'w')
  const child = spawn(process.execPath, [bin, 'start', '--port', String(port)], { env: { ...envFor(kind), HOST: '127.0.0.1' }, stdio: ['ignore', out, out] })
  fs.closeSync(out)
  const url = `http://127.0.0.1:${port}`
  let exited: number | null = null
  child.on('exit', (code) => (exited = code ?? -1))
  const deadline = Date.now() + 300_000
  for (;;) {
    if (exited !== null) throw new Error(`bosun start exited ${exited}; see ${logFile}`)
    if (Date.now() > deadline) throw new Error(`bosun did not become healthy in 300 s; see ${logFile}`)
    const healthy = await fetch(`${url}/healthz`).then((response) => response.ok, () => false)
    if (healthy) break
    await new Promise((resolve) => setTimeout(resolve, 500))
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

async function getJson<T>(url: string, key: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } })
  return { status: response.status, body: (await response.json()) as T }
}

/** Real account ids from several orderings, so the 360 requests spread over the table. */
async function sampleAccountIds(url: string, key: string): Promise<{ ids: string[]; total: number }> {
  const ids = new Set<string>()
  let total = 0
  for (const sort of ['name', '-arr', 'renewal_date', '-name', 'arr']) {
    const { status, body } = await getJson<{ items: { id: string }[]; total: number }>(`${url}/api/v1/accounts?sort=${sort}&limit=100`, key)
    if (status !== 200) throw new Error(`listing accounts answered ${status}: ${JSON.stringify(body)}`)
    total = body.total
    for (const item of body.items) ids.add(item.id)
  }
  return { ids: [...ids], total }
}

/**
 * Waits until the server has no accounts waiting to be re-classified or rescored: a fresh world starts
 * with ~100k of each, and measuring while they run measures that work, not the endpoints.
 */
async function waitForQuietServer(kind: DbKind, url: string, key: string): Promise<void> {
  const deadline = Date.now() + 30 * 60_000
  let lastLog = 0
  for (;;) {
    const [health, tiers] = await Promise.all([
      getJson<{ queued: number }>(`${url}/api/v1/health/status`, key),
      getJson<{ queued: number }>(`${url}/api/v1/tiers`, key),
    ])
    if (health.status !== 200 || tiers.status !== 200) throw new Error(`status endpoints answered ${health.status}/${tiers.status}`)
    const waiting = health.body.queued + tiers.body.queued
    if (waiting === 0) return
    if (Date.now() > deadline) throw new Error(`${waiting} accounts still queued after 30 min`)
    if (Date.now() - lastLog > 15_000) {
      log(`${kind}: waiting for background work: ${health.body.queued} accounts to rescore, ${tiers.body.queued} to re-classify`)
      lastLog = Date.now()
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000))
  }
}

function cannon(url: string, key: string, paths: string[], duration: number): Promise<autocannon.Result> {
  let next = 0
  const options: autocannon.Options = {
    url,
    connections: CONNECTIONS,
    duration,
    headers: { authorization: `Bearer ${key}` },
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => {
          request.path = paths[next++ % paths.length]
          return request
        },
      },
    ],
  }
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)))
  })
}

async function measure(kind: DbKind, endpoint: string, url: string, key: string, paths: string[]): Promise<Result> {
  if (WARMUP > 0) await cannon(url, key, paths, WARMUP)
  const result = await cannon(url, key, paths, DURATION)
  const row: Result = {
    db: kind,
    endpoint,
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: round(result.requests.average),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    requests: result.requests.total,
    path: paths.length === 1 ? paths[0] : `${paths[0].replace(/[0-9a-f-]{36}/, '{id}')} (${paths.length} ids, in turn)`,
  }
  log(`${kind} ${endpoint}: p50 ${row.p50} ms, p99 ${row.p99} ms, ${row.rps} req/s, non2xx ${row.non2xx}, errors ${row.errors}`)
  return row
}

async function benchDatabase(kind: DbKind): Promise<Result[]> {
  const data = await ensureData(kind)
  await settleWorld(kind, !data.reused)
  const results: Result[] = []
  log(`${kind}: direct-DB baseline of the list query (1 and ${CONNECTIONS} concurrent callers, ${DURATION}s each)…`)
  results.push(...(await directDbBaseline(kind)))

  log(`${kind}: starting bosun${data.reused ? '' : ' (fresh data)'}…`)
  const server = await startServer(kind)
  let keyCreated: string | null = null
  try {
    const output = await runCli(kind, ['keys', 'create', '--workspace', WORKSPACE, '--scopes', 'read', '--name', `bench ${new Date().toISOString()}`])
    const key = output.trim().split('\n').pop() ?? ''
    if (!key.startsWith('bsn_')) throw new Error(`unexpected keys create output: ${output}`)
    keyCreated = key

    const { ids, total } = await sampleAccountIds(server.url, key)
    // The list counts up to 1,000 (then totalCapped); below that it must match exactly.
    if (total !== Math.min(ACCOUNTS, 1_000)) throw new Error(`workspace ${WORKSPACE} lists ${total} accounts, expected ${Math.min(ACCOUNTS, 1_000)}`)
    const search = await getJson<{ total: number }>(`${server.url}${SEARCH_PATH}`, key)
    const listed = await getJson<{ total: number }>(`${server.url}${LIST_PATH}`, key)
    log(`${kind}: list matches ${listed.body.total} accounts, search "${SEARCH_WORD}" matches ${search.body.total}`)

    // The Account 360 endpoint is new; fall back to the plain account when a server lacks it.
    const probe = await fetch(`${server.url}/api/v1/accounts/${ids[0]}/360`, { headers: { authorization: `Bearer ${key}` } })
    const has360 = probe.status !== 404
    if (!has360) log(`${kind}: /api/v1/accounts/{id}/360 answered 404: measuring /api/v1/accounts/{id} instead`)
    else if (probe.status !== 200) throw new Error(`/360 answered ${probe.status}: ${await probe.text()}`)
    const accountPaths = ids.map((id) => (has360 ? `/api/v1/accounts/${id}/360` : `/api/v1/accounts/${id}`))
    // Each CSM's book by ARR: as many different lists as owners, so concurrent requests rarely ask the same thing.
    const facets = await getJson<{ owners: { id: string }[] }>(`${server.url}/api/v1/accounts/facets`, key)
    const ownerPaths = facets.body.owners.slice(0, 500).map((owner) => `/api/v1/accounts?ownerId=${owner.id}&sort=-arr&limit=50`)
    await waitForQuietServer(kind, server.url, key)

    results.push(await measure(kind, 'healthz', server.url, key, ['/healthz']))
    results.push(await measure(kind, 'list', server.url, key, [LIST_PATH]))
    results.push(await measure(kind, 'list-by-owner', server.url, key, ownerPaths))
    results.push(await measure(kind, 'search', server.url, key, [SEARCH_PATH]))
    results.push(await measure(kind, has360 ? '360' : 'account (360 missing)', server.url, key, accountPaths))
  } finally {
    if (keyCreated) await runCli(kind, ['keys', 'revoke', '--workspace', WORKSPACE, keyCreated]).catch((error: Error) => log(`revoking the key: ${error.message}`))
    await server.stop()
  }
  return results
}

const results: Result[] = []
const started = Date.now()
const loadavg = () => os.loadavg().map((value) => round(value))
const loadBefore = loadavg()
log(`${os.cpus().length} CPUs, node ${process.version}, load average ${loadBefore.join(' ')}; ${CONNECTIONS} connections, ${DURATION}s per endpoint (+${WARMUP}s warm-up)`)
for (const kind of kinds) results.push(...(await benchDatabase(kind)))
log(`done in ${Math.round((Date.now() - started) / 1000)}s; load average ${loadavg().join(' ')}`)
process.stdout.write(
  `${JSON.stringify({
    bench: 'api',
    accounts: ACCOUNTS,
    results,
    connections: CONNECTIONS,
    duration: DURATION,
    date: new Date().toISOString(),
    cpus: os.cpus().length,
    // Other work on the machine skews every figure; compare against healthz of the same run.
    loadAverage: { before: loadBefore, after: loadavg() },
  })}\n`,
)
