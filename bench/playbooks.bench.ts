/**
 * Playbooks benchmark (issue 6 §6): how soon a trigger becomes a task, and how many triggers a second the
 * engine turns into tasks, on PostgreSQL (1 and 4 worker processes) and on PGlite (its one process).
 *
 *   npm run bench:playbooks                                 # both databases
 *   npm run bench:playbooks -- --db postgres --samples 100 --rate 50
 *   npm run bench:playbooks -- --db pglite --triggers 5000
 *
 * Every world starts in an empty database (PostgreSQL: a fresh bosun_bench_playbooks_<random> on
 * BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432, dropped afterwards; PGlite: a temp data dir):
 * a workspace, 10 CSMs owning 1,000 accounts (more when --samples needs them), and ONE published playbook —
 * trigger `ticket_opened` (priority urgent), one task step for the account owner. No shipped defaults are
 * installed (the default `urgent-ticket` playbook would double the tasks).
 *
 * Phases:
 *   - latency: a running Bosun (PostgreSQL: `--role web` + one `--role worker`; PGlite: `--role all`);
 *     `--samples` urgent tickets through POST /api/v1/tickets with an API key, one every `--rate` ms, each
 *     for a different account. Measured: from the call's 201 to the first poll that sees the account's task
 *     (PostgreSQL: the bench polls the tasks table every 20 ms; PGlite: the server owns the data dir, so
 *     GET /api/v1/accounts/{id}/tasks for each waiting account every 50 ms). Target p99 ≤ 5 s.
 *   - throughput: `--triggers` urgent tickets (10,000) inserted in SQL on 1,000 accounts BEFORE any Bosun
 *     process runs; then the workers start (PostgreSQL: 1, then 4 `--role worker` in a fresh database each;
 *     PGlite: `bosun start`). Timed from the spawn to the commit of the last task (max(tasks.created_at);
 *     the first task's time is reported too, as start-up shows in it). Counted: tasks per (run, step) > 1
 *     and runs per event > 1 (expect 0). Baseline (PostgreSQL, same database, workers stopped): ONE
 *     INSERT … SELECT of the same number of task rows — the floor of writing these tasks; ratio = baseline
 *     seconds / playbook seconds.
 *
 * Progress goes to stderr; stdout gets ONE JSON line:
 *   {"bench":"playbooks","results":[{"db":"postgres","phase":"latency","p50Ms":…,"p99Ms":…},{"db":"postgres","phase":"throughput","workers":4,"triggersPerSec":…},…]}
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import { buildWebIfNeeded } from '../src/cli/build-web'
import { publishDraft, saveDraft } from '../src/server/modules/config'
import { configKinds } from '../src/server/modules/config-kinds'
import { createApiKey, createWorkspaceWithOwner } from '../src/server/modules/identity'
import { loadConfig } from '../src/server/platform/config'
import { migrateDb, openDb, queryRows, type DbHandle } from '../src/server/platform/db'
import { createLogger } from '../src/server/platform/logging'
import { startBosun as startInProcess } from '../src/server/server'
import { createBenchDatabase, freePort } from './support'

type DbKind = 'postgres' | 'pglite'
type Result = { db: DbKind; phase: 'latency' | 'throughput'; [key: string]: unknown }

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' },
    samples: { type: 'string', default: '200' },
    rate: { type: 'string', default: '100' },
    triggers: { type: 'string', default: '10000' },
    keep: { type: 'boolean', default: false },
  },
})
const SAMPLES = Number(args.samples)
const RATE_MS = Number(args.rate)
const TRIGGERS = Number(args.triggers)
const ACCOUNTS = 1000
const PLAYBOOK_KEY = 'urgent-task'
const TARGET_P99_MS = 5000
if (!['postgres', 'pglite', 'both'].includes(args.db!)) throw new Error('--db must be postgres, pglite or both')
const kinds: DbKind[] = args.db === 'both' ? ['postgres', 'pglite'] : [args.db as DbKind]
if (!(SAMPLES > 0 && RATE_MS > 0 && TRIGGERS > 0)) throw new Error('--samples, --rate and --triggers must be positive numbers')

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bosun-bench-playbooks-'))
const root = path.resolve(import.meta.dirname, '..')
const bin = path.join(root, 'bin', 'bosun.mjs')
const actor = { kind: 'system' as const, label: 'bench' }

const log = (message: string) => process.stderr.write(`[bench:playbooks] ${message}\n`)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
const idArray = (ids: string[]) => sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)`

const playbook = {
  name: 'Urgent ticket → task',
  trigger: { type: 'ticket_opened', priorities: ['urgent'] },
  cooldownDays: 0,
  steps: [{ id: 'follow-up', type: 'task', title: 'Urgent ticket at {{account.name}}', body: '{{trigger.summary}}', priority: 'high', dueDays: 1 }],
}

// ----- databases and processes -----

type Fresh = { kind: DbKind; databaseUrl?: string; dataDir?: string; open: () => Promise<DbHandle>; drop: () => Promise<void> }

async function freshDatabase(kind: DbKind, label: string): Promise<Fresh> {
  if (kind === 'postgres') {
    const database = await createBenchDatabase('bosun_bench_playbooks')
    return {
      kind,
      databaseUrl: database.url,
      open: () => openDb({ databaseUrl: database.url, poolSize: 4 }),
      drop: async () => {
        if (args.keep) log(`kept database ${database.name}`)
        else await database.drop()
      },
    }
  }
  // The layout `bosun start` uses under BOSUN_DATA_DIR.
  const dataDir = path.join(workDir, label)
  fs.mkdirSync(dataDir, { recursive: true })
  return {
    kind,
    dataDir,
    open: () => openDb({ pgliteDir: path.join(dataDir, 'pgdata') }),
    drop: async () => {
      if (args.keep) log(`kept ${dataDir}`)
      else fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

type Bosun = { url: string | null; logFile: string; stop: () => Promise<void>; exited: () => number | string | null }

/** One `bosun start` child process; with a port it waits for /healthz. */
async function startBosun(fresh: Fresh, role: 'all' | 'web' | 'worker', label: string): Promise<Bosun> {
  const env: NodeJS.ProcessEnv = { ...process.env, BOSUN_LOG_LEVEL: 'warn', BOSUN_DEMO: '0', NODE_ENV: 'production', HOST: '127.0.0.1' }
  delete env.DATABASE_URL
  delete env.PORT
  delete env.BOSUN_DATA_DIR
  if (fresh.databaseUrl) env.DATABASE_URL = fresh.databaseUrl
  else env.BOSUN_DATA_DIR = fresh.dataDir
  const port = role === 'worker' ? null : await freePort()
  const logFile = path.join(workDir, `${label}.log`)
  const out = fs.openSync(logFile, 'w')
  const child: ChildProcess = spawn(process.execPath, [bin, 'start', '--role', role, ...(port ? ['--port', String(port)] : [])], { env, stdio: ['ignore', out, out] })
  fs.closeSync(out)
  let exited: number | string | null = null
  child.on('exit', (code, signal) => (exited = code ?? signal ?? 'unknown'))
  const stop = async () => {
    if (exited !== null) return
    const done = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    await done
    clearTimeout(timer)
  }
  const url = port ? `http://127.0.0.1:${port}` : null
  if (url) {
    const deadline = Date.now() + 180_000
    for (;;) {
      if (exited !== null) throw new Error(`bosun start --role ${role} exited ${String(exited)}; see ${logFile}`)
      if (Date.now() > deadline) throw new Error(`bosun did not become healthy; see ${logFile}`)
      if (await fetch(`${url}/healthz`).then((response) => response.ok, () => false)) break
      await sleep(200)
    }
  }
  return { url, logFile, stop, exited: () => exited }
}

/**
 * Registers every job queue once, in this process (web role: no workers, no port). Several processes
 * registering pg-boss queues at once on a new database deadlock in pgboss.create_queue; done here, the
 * timed processes find their queues and start alike. Call after the workspace exists (no bootstrap).
 */
async function prepareQueues(fresh: Fresh): Promise<void> {
  if (!fresh.databaseUrl) return
  const running = await startInProcess({ role: 'web', listen: false, logger: createLogger('silent'), config: loadConfig({ DATABASE_URL: fresh.databaseUrl, BOSUN_DEMO: '0', BOSUN_LOG_LEVEL: 'silent' }) })
  await running.stop()
}

// ----- the world -----

/** Workspace, 10 CSMs, `accounts` accounts owned round-robin, the playbook published; returns the account ids in order. */
async function buildWorld(handle: DbHandle, accounts: number): Promise<{ workspaceId: string; accountIds: string[] }> {
  await migrateDb(handle)
  const db = handle.db
  const { workspace } = await createWorkspaceWithOwner(db, { slug: 'bench', name: 'Bench', ownerEmail: 'owner@bench.test', ownerName: 'Owner', ownerPassword: 'correct-horse-battery' })
  const ws = sql`${workspace.id}::uuid`
  await db.execute(sql`INSERT INTO users (workspace_id, email, name, role) SELECT ${ws}, 'csm' || i || '@bench.test', 'CSM ' || i, 'csm' FROM generate_series(1, 10) AS i`)
  await db.execute(sql`
    INSERT INTO accounts (workspace_id, external_id, name, arr, owner_id)
    SELECT ${ws}, 'ACC-' || lpad(i::text, 6, '0'), 'Company ' || i, 5000 + (i * 37) % 200000,
      (SELECT id FROM users WHERE workspace_id = ${ws} AND email = 'csm' || (1 + i % 10) || '@bench.test')
    FROM generate_series(1, ${accounts}::int) AS i`)
  await saveDraft(db, { kinds: configKinds, workspaceId: workspace.id, kind: 'playbook', key: PLAYBOOK_KEY, body: playbook, actor })
  await publishDraft(db, { kinds: configKinds, workspaceId: workspace.id, kind: 'playbook', key: PLAYBOOK_KEY, actor })
  const rows = await queryRows<{ id: string }>(db, sql`SELECT id FROM accounts WHERE workspace_id = ${ws} ORDER BY external_id`)
  return { workspaceId: workspace.id, accountIds: rows.map((row) => row.id) }
}

/** `count` urgent tickets round-robin over the accounts, in statements of 2,000 (one ticket.opened event each). */
async function insertTickets(handle: DbHandle, workspaceId: string, count: number): Promise<void> {
  for (let offset = 0; offset < count; offset += 2000) {
    await handle.db.execute(sql`
      WITH numbered AS (SELECT id, (row_number() OVER (ORDER BY external_id))::int AS n FROM accounts WHERE workspace_id = ${workspaceId}::uuid),
        total AS (SELECT count(*)::int AS n FROM numbered)
      INSERT INTO tickets (workspace_id, account_id, subject, priority, status, opened_at)
      SELECT ${workspaceId}::uuid, a.id, 'Outage ' || i, 'urgent', 'open', now()
      FROM generate_series(${offset + 1}::int, ${Math.min(offset + 2000, count)}::int) AS i CROSS JOIN total JOIN numbered a ON a.n = 1 + (i - 1) % total.n`)
  }
  await handle.executeSql(handle.kind === 'pglite' ? 'VACUUM ANALYZE' : 'ANALYZE')
}

type Audit = { runs: number; completed: number; failed: number; tasks: number; duplicateTasks: number; duplicateRuns: number; eventsWithoutRun: number; firstTaskAt: string | null; lastTaskAt: string | null }

/** Exactly-once, read back from the tables: tasks per (run, step) and runs per event above 1. */
async function audit(handle: DbHandle, workspaceId: string): Promise<Audit> {
  const ws = workspaceId
  const [row] = await queryRows<Audit>(
    handle.db,
    sql`SELECT (SELECT count(*)::int FROM playbook_runs WHERE workspace_id = ${ws}) AS runs,
          (SELECT count(*)::int FROM playbook_runs WHERE workspace_id = ${ws} AND status = 'completed') AS completed,
          (SELECT count(*)::int FROM playbook_runs WHERE workspace_id = ${ws} AND status = 'failed') AS failed,
          (SELECT count(*)::int FROM tasks WHERE workspace_id = ${ws}) AS tasks,
          (SELECT count(*)::int FROM (SELECT 1 FROM tasks WHERE workspace_id = ${ws} AND playbook_run_id IS NOT NULL GROUP BY playbook_run_id, playbook_step_id HAVING count(*) > 1) d) AS "duplicateTasks",
          (SELECT count(*)::int FROM (SELECT 1 FROM playbook_runs WHERE workspace_id = ${ws} GROUP BY playbook_key, occurrence HAVING count(*) > 1) d) AS "duplicateRuns",
          (SELECT count(*)::int FROM domain_events e WHERE e.workspace_id = ${ws} AND e.type = 'ticket.opened'
             AND NOT EXISTS (SELECT 1 FROM playbook_runs r WHERE r.workspace_id = e.workspace_id AND r.occurrence = 'event:' || e.id)) AS "eventsWithoutRun",
          (SELECT min(created_at)::text FROM tasks WHERE workspace_id = ${ws}) AS "firstTaskAt",
          (SELECT max(created_at)::text FROM tasks WHERE workspace_id = ${ws}) AS "lastTaskAt"`,
  )
  return row!
}

// ----- latency -----

/** Urgent tickets through the API, one every RATE_MS, each for a different account; 201 → task seen. */
async function measureLatency(params: {
  url: string
  apiKey: string
  accountIds: string[]
  /** Which of these accounts have a task now. */
  seen: (accountIds: string[]) => Promise<string[]>
  pollMs: number
  logFile: string
}): Promise<Record<string, unknown>> {
  const accounts = params.accountIds.slice(0, SAMPLES)
  const headers = { authorization: `Bearer ${params.apiKey}`, 'content-type': 'application/json' }
  const pending = new Map<string, number>() // account id → performance.now() at the 201
  const samples: number[] = []
  let failures = 0
  let failure = ''
  const started = performance.now()
  const send = async (index: number) => {
    const accountId = accounts[index]!
    const response = await fetch(`${params.url}/api/v1/tickets`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ accountId, subject: `Bench outage ${index}`, priority: 'urgent', status: 'open' }),
    })
    const text = await response.text()
    if (response.status !== 201) {
      failures += 1
      failure = `${response.status} ${text.slice(0, 200)}`
      return
    }
    pending.set(accountId, performance.now())
  }
  const inFlight: Promise<void>[] = []
  let sending = true
  const sender = (async () => {
    for (let index = 0; index < accounts.length; index += 1) {
      const wait = started + index * RATE_MS - performance.now()
      if (wait > 0) await sleep(wait)
      inFlight.push(send(index))
    }
    await Promise.all(inFlight)
  })().finally(() => (sending = false))
  const deadline = started + accounts.length * RATE_MS + 120_000
  while ((sending || pending.size > 0) && performance.now() < deadline) {
    if (pending.size > 0) {
      const found = await params.seen([...pending.keys()])
      const at = performance.now()
      for (const id of found) {
        const sentAt = pending.get(id)
        if (sentAt === undefined) continue
        samples.push(at - sentAt)
        pending.delete(id)
      }
    }
    await sleep(params.pollMs)
  }
  await sender
  if (failures > 0) throw new Error(`${failures} ticket calls failed, e.g. ${failure}`)
  if (pending.size > 0) throw new Error(`${pending.size} of ${accounts.length} tickets never got their task (log: ${params.logFile})`)
  samples.sort((left, right) => left - right)
  const p99 = Math.round(percentile(samples, 99))
  return {
    samples: samples.length,
    intervalMs: RATE_MS,
    pollMs: params.pollMs,
    p50Ms: Math.round(percentile(samples, 50)),
    p90Ms: Math.round(percentile(samples, 90)),
    p99Ms: p99,
    maxMs: Math.round(samples[samples.length - 1]!),
    targetP99Ms: TARGET_P99_MS,
    meetsTarget: p99 <= TARGET_P99_MS,
  }
}

async function latencyPostgres(): Promise<Result> {
  log(`postgres latency: ${SAMPLES} tickets, one every ${RATE_MS} ms (web + 1 worker)`)
  const fresh = await freshDatabase('postgres', 'latency')
  const handle = await fresh.open()
  const processes: Bosun[] = []
  try {
    const world = await buildWorld(handle, Math.max(ACCOUNTS, SAMPLES))
    await prepareQueues(fresh)
    const { key } = await createApiKey(handle.db, { workspaceId: world.workspaceId, name: 'bench', scopes: ['write'], actor })
    processes.push(await startBosun(fresh, 'worker', 'pg-latency-worker'))
    const web = await startBosun(fresh, 'web', 'pg-latency-web')
    processes.push(web)
    await sleep(3000) // the worker's start-up jobs (runAtStart) are not part of the measure
    const measured = await measureLatency({
      url: web.url!,
      apiKey: key,
      accountIds: world.accountIds,
      pollMs: 20,
      logFile: processes[0]!.logFile,
      seen: async (ids) =>
        (await queryRows<{ account_id: string }>(handle.db, sql`SELECT DISTINCT account_id FROM tasks WHERE workspace_id = ${world.workspaceId} AND account_id = ANY(${idArray(ids)})`)).map(
          (row) => row.account_id,
        ),
    })
    const checked = await audit(handle, world.workspaceId)
    log(`postgres latency: p50 ${String(measured.p50Ms)} ms, p99 ${String(measured.p99Ms)} ms, max ${String(measured.maxMs)} ms`)
    return { db: 'postgres', phase: 'latency', processes: 'web + 1 worker', signal: 'tasks table polled every 20 ms', ...measured, duplicateTasks: checked.duplicateTasks, duplicateRuns: checked.duplicateRuns }
  } finally {
    for (const child of processes.reverse()) await child.stop()
    await handle.close()
    await fresh.drop()
  }
}

async function latencyPglite(): Promise<Result> {
  log(`pglite latency: ${SAMPLES} tickets, one every ${RATE_MS} ms (one process)`)
  const fresh = await freshDatabase('pglite', 'latency')
  let handle: DbHandle | null = await fresh.open()
  let server: Bosun | null = null
  try {
    const world = await buildWorld(handle, Math.max(ACCOUNTS, SAMPLES))
    const { key } = await createApiKey(handle.db, { workspaceId: world.workspaceId, name: 'bench', scopes: ['write'], actor })
    await handle.close()
    handle = null // the server owns the data dir from here
    server = await startBosun(fresh, 'all', 'pglite-latency')
    await sleep(3000)
    const url = server.url!
    const measured = await measureLatency({
      url,
      apiKey: key,
      accountIds: world.accountIds,
      pollMs: 50,
      logFile: server.logFile,
      seen: async (ids) => {
        const found = await Promise.all(
          ids.map(async (id) => {
            const response = await fetch(`${url}/api/v1/accounts/${id}/tasks`, { headers: { authorization: `Bearer ${key}` } })
            if (!response.ok) throw new Error(`GET /api/v1/accounts/${id}/tasks: ${response.status} ${await response.text()}`)
            const body = (await response.json()) as { items: unknown[] }
            return body.items.length > 0 ? id : null
          }),
        )
        return found.filter((id): id is string => id !== null)
      },
    })
    await server.stop()
    server = null
    handle = await fresh.open()
    const checked = await audit(handle, world.workspaceId)
    log(`pglite latency: p50 ${String(measured.p50Ms)} ms, p99 ${String(measured.p99Ms)} ms, max ${String(measured.maxMs)} ms`)
    return {
      db: 'pglite',
      phase: 'latency',
      processes: 'all (1 process)',
      signal: 'GET /api/v1/accounts/{id}/tasks per waiting account every 50 ms',
      ...measured,
      duplicateTasks: checked.duplicateTasks,
      duplicateRuns: checked.duplicateRuns,
    }
  } finally {
    await server?.stop()
    await handle?.close()
    await fresh.drop()
  }
}

// ----- throughput -----

/** Waits until `done()` or the deadline; throws if a process exited. */
async function waitFor(done: () => Promise<boolean>, processes: Bosun[], timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const crashed = processes.find((child) => child.exited() !== null)
    if (crashed) throw new Error(`a Bosun process exited (${String(crashed.exited())}); see ${crashed.logFile}`)
    if (await done()) return
    if (Date.now() > deadline) throw new Error(`${what} did not finish within ${timeoutMs / 1000} s; see ${processes.map((child) => child.logFile).join(', ')}`)
    await sleep(100)
  }
}

const secondsBetween = (from: number, to: string | null) => (to ? (new Date(to).getTime() - from) / 1000 : NaN)

function throughputFigures(spawnedAt: number, checked: Audit) {
  const seconds = secondsBetween(spawnedAt, checked.lastTaskAt)
  const firstTaskSeconds = secondsBetween(spawnedAt, checked.firstTaskAt)
  return {
    triggers: TRIGGERS,
    seconds: round(seconds),
    triggersPerSec: Math.round(TRIGGERS / seconds),
    firstTaskSeconds: round(firstTaskSeconds),
    // From the first task to the last: the rate once the processes are up.
    steadyPerSec: Math.round((TRIGGERS - 1) / (seconds - firstTaskSeconds)),
    runs: checked.runs,
    completed: checked.completed,
    failed: checked.failed,
    tasks: checked.tasks,
    duplicateTasks: checked.duplicateTasks,
    duplicateRuns: checked.duplicateRuns,
    eventsWithoutRun: checked.eventsWithoutRun,
  }
}

/** The floor: one INSERT … SELECT of TRIGGERS task rows shaped like the playbook's, committed, then removed. */
async function baselineInsert(handle: DbHandle, workspaceId: string): Promise<number> {
  const ws = sql`${workspaceId}::uuid`
  const started = performance.now()
  await handle.db.execute(sql`
    WITH numbered AS (SELECT id, owner_id, name, (row_number() OVER (ORDER BY external_id))::int AS n FROM accounts WHERE workspace_id = ${ws}),
      total AS (SELECT count(*)::int AS n FROM numbered)
    INSERT INTO tasks (workspace_id, account_id, title, body, priority, due_on, owner_id, playbook_key, playbook_run_id, playbook_step_id)
    SELECT ${ws}, a.id, 'Urgent ticket at ' || a.name, 'urgent ticket: Outage ' || i, 'high', current_date + 1, a.owner_id, 'baseline', gen_random_uuid(), 'follow-up'
    FROM generate_series(1, ${TRIGGERS}::int) AS i CROSS JOIN total JOIN numbered a ON a.n = 1 + (i - 1) % total.n`)
  const seconds = (performance.now() - started) / 1000
  await handle.db.execute(sql`DELETE FROM tasks WHERE workspace_id = ${ws} AND playbook_key = 'baseline'`)
  return seconds
}

async function throughputPostgres(workers: number): Promise<Result> {
  log(`postgres throughput: ${TRIGGERS.toLocaleString('en-US')} triggers, ${workers} worker(s)`)
  const fresh = await freshDatabase('postgres', `throughput-${workers}`)
  const handle = await fresh.open()
  const processes: Bosun[] = []
  try {
    const world = await buildWorld(handle, ACCOUNTS)
    await prepareQueues(fresh)
    await insertTickets(handle, world.workspaceId, TRIGGERS)
    const spawnedAt = Date.now()
    for (let index = 1; index <= workers; index += 1) processes.push(await startBosun(fresh, 'worker', `pg-throughput-${workers}-${index}`))
    const tasksNow = async () => (await queryRows<{ n: number }>(handle.db, sql`SELECT count(*)::int AS n FROM tasks WHERE workspace_id = ${world.workspaceId}`))[0]?.n ?? 0
    await waitFor(async () => (await tasksNow()) >= TRIGGERS, processes, 1_800_000, `${workers}-worker throughput`)
    // Let anything in flight land before counting duplicates.
    await sleep(2000)
    for (const child of processes) await child.stop()
    const checked = await audit(handle, world.workspaceId)
    const figures = throughputFigures(spawnedAt, checked)
    const baselineSeconds = await baselineInsert(handle, world.workspaceId)
    log(`postgres throughput (${workers} worker(s)): ${figures.seconds} s, ${figures.triggersPerSec}/s (steady ${figures.steadyPerSec}/s); baseline insert ${baselineSeconds.toFixed(3)} s; duplicates: tasks ${figures.duplicateTasks}, runs ${figures.duplicateRuns}`)
    return { db: 'postgres', phase: 'throughput', workers, ...figures, baselineSeconds: round(baselineSeconds, 3), ratio: round(baselineSeconds / figures.seconds, 4) }
  } finally {
    for (const child of processes) await child.stop()
    await handle.close()
    await fresh.drop()
  }
}

async function throughputPglite(): Promise<Result> {
  log(`pglite throughput: ${TRIGGERS.toLocaleString('en-US')} triggers, one process`)
  const fresh = await freshDatabase('pglite', 'throughput')
  let handle: DbHandle | null = await fresh.open()
  let server: Bosun | null = null
  try {
    const world = await buildWorld(handle, ACCOUNTS)
    await insertTickets(handle, world.workspaceId, TRIGGERS)
    const { key } = await createApiKey(handle.db, { workspaceId: world.workspaceId, name: 'bench', scopes: ['read'], actor })
    await handle.close()
    handle = null
    const spawnedAt = Date.now()
    server = await startBosun(fresh, 'all', 'pglite-throughput')
    const url = server.url!
    // The server owns the data dir: its own effect report says when the tasks are all there (the timing comes from the tasks' rows).
    await waitFor(
      async () => {
        const response = await fetch(`${url}/api/v1/playbooks/${PLAYBOOK_KEY}/effect`, { headers: { authorization: `Bearer ${key}` } })
        if (!response.ok) throw new Error(`GET effect: ${response.status} ${await response.text()}`)
        const effect = (await response.json()) as { tasks?: { created?: number } }
        await sleep(900)
        return (effect.tasks?.created ?? 0) >= TRIGGERS
      },
      [server],
      2_400_000,
      'pglite throughput',
    )
    await server.stop()
    server = null
    handle = await fresh.open()
    const figures = throughputFigures(spawnedAt, await audit(handle, world.workspaceId))
    log(`pglite throughput: ${figures.seconds} s, ${figures.triggersPerSec}/s (steady ${figures.steadyPerSec}/s); duplicates: tasks ${figures.duplicateTasks}, runs ${figures.duplicateRuns}`)
    return { db: 'pglite', phase: 'throughput', workers: 1, processes: 'all (1 process)', ...figures }
  } finally {
    await server?.stop()
    await handle?.close()
    await fresh.drop()
  }
}

// ----- run -----

const results: Result[] = []
const load = () => os.loadavg().map((value) => round(value))
const loadBefore = load()
try {
  // Built once up front, so no child process spends its start-up in vite.
  buildWebIfNeeded()
  for (const kind of kinds) {
    if (kind === 'postgres') {
      results.push(await latencyPostgres())
      results.push(await throughputPostgres(1))
      results.push(await throughputPostgres(4))
    } else {
      results.push(await latencyPglite())
      results.push(await throughputPglite())
    }
  }
} finally {
  if (!args.keep) fs.rmSync(workDir, { recursive: true, force: true })
}
process.stdout.write(`${JSON.stringify({ bench: 'playbooks', samples: SAMPLES, intervalMs: RATE_MS, triggers: TRIGGERS, accounts: ACCOUNTS, cpus: os.cpus().length, loadAvgBefore: loadBefore, loadAvgAfter: load(), results })}\n`)
process.exit(0)
