/**
 * Health-score benchmark (issue 5 §6): freshness of a score after a product event, a full recompute of
 * 100,000 accounts with 90 days of usage, and churn-model training on the demo world, on PostgreSQL
 * and on PGlite.
 *
 *   npm run bench:health                                   # both databases
 *   npm run bench:health -- --db pglite --accounts 20000 --events 300
 *   npm run bench:health -- --db postgres --skip-churn
 *
 * Each world starts in an empty database (PostgreSQL: a fresh bosun_bench_health_<random> on
 * BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432, dropped afterwards; PGlite: a temp data
 * dir). The shipped defaults are published (the default scorecard, segments, tiers, stages), then
 * generated data is written in SQL: per account a subscription, 2 contacts, a ticket for every other
 * account, a touchpoint, and 90 days of product usage (1/7 of accounts have none; 1/5 are "dormant",
 * last active 35–89 days ago; the rest active on 23 of the 90 days with 1–3 users and 2 key features a
 * day). Accounts are classified (segments sweep; owner assignment marked caught up) before anything is timed;
 * before the server starts, the playbook consumer is marked caught up too (the first scores are not news).
 *
 * Phases, each timed on its own:
 *   - facts: the baseline — only reading every account's facts (loadAccountFacts, the statement the
 *     health engine starts from) in the sweep's slices of 1,000 accounts by id range, nothing scored or written;
 *   - recompute-initial: sweepHealth (the full recompute the hourly `health.sweep` job and a publish
 *     run) on accounts without a score: every score and today's snapshot written;
 *   - recompute-steady: the same again with nothing changed (every row rewritten, no domain events);
 *   - freshness: a real Bosun server (`bosun start`, child process) on that database; `--events` track
 *     calls through POST /v1/track at `--rate` a second, each for a different dormant account (so the
 *     event moves its "days since last product activity" measure from ≥ 35 to 0 and its score by
 *     several points). Measured: from the 200 of the call to the first poll that sees the account's
 *     new score. PostgreSQL: the bench polls health_scores every 50 ms for a row whose last-activity
 *     measure is 0. PGlite (the server owns the data dir): it polls GET /api/v1/domain-events?type=
 *     health.changed every 100 ms — the event is written in the same transaction as the score. The
 *     per-account GET /health endpoint is not used: it rescores a queued account on read.
 *   - churn-training: the demo world (buildDemoWorkspace: --demo-accounts, 12 months, usage sent and
 *     drained in-process) in another fresh database, then the churn model trained for it; skipped
 *     with a reason when the churn module does not export a training entry point.
 *
 * Progress goes to stderr; stdout gets ONE JSON line:
 *   {"bench":"health","accounts":100000,"results":[{"db":"postgres","phase":"recompute-initial","seconds":…,"accountsPerSec":…,"ratioToFacts":…},…,{"db":"postgres","phase":"freshness","p50Ms":…,"p99Ms":…}]}
 */
import { spawn, type ChildProcess } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import { buildDemoWorkspace } from '../src/server/admin-operations'
import { loadAccountFacts, todayUtc } from '../src/server/modules/conditions'
import { installDefaults } from '../src/server/modules/config'
import { configKinds } from '../src/server/modules/config-kinds'
import { ASSIGN_CONSUMER, workspacesToAssign } from '../src/server/modules/engagement'
import { PLAYBOOKS_CONSUMER } from '../src/server/modules/playbooks'
import { accountSlices, healthSweepLanes, sweepHealth } from '../src/server/modules/health'
import { createApiKey, createWorkspaceWithOwner } from '../src/server/modules/identity'
import { evaluateWorkspace } from '../src/server/modules/segments'
import { migrateDb, openDb, queryRows, type Db, type DbHandle } from '../src/server/platform/db'
import { createBenchDatabase, freePort, markCaughtUp } from './support'

type DbKind = 'postgres' | 'pglite'
type Result = {
  db: DbKind
  phase: string
  seconds?: number
  accountsPerSec?: number
  ratioToFacts?: number
  p50Ms?: number
  p90Ms?: number
  p99Ms?: number
  maxMs?: number
  samples?: number
  events?: number
  ratePerSec?: number
  accounts?: number
  skipped?: string
  [key: string]: unknown
}

const { values: args } = parseArgs({
  options: {
    db: { type: 'string' },
    keep: { type: 'boolean', default: false },
    accounts: { type: 'string', default: '100000' },
    events: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '20' },
    'demo-accounts': { type: 'string', default: '2000' },
    'skip-churn': { type: 'boolean', default: false },
  },
})
const ACCOUNTS = Number(args.accounts)
const EVENTS = Number(args.events)
const RATE = Number(args.rate)
const DEMO_ACCOUNTS = Number(args['demo-accounts'])
const kinds: DbKind[] = args.db ? [args.db as DbKind] : ['postgres', 'pglite']
if (kinds.some((kind) => kind !== 'postgres' && kind !== 'pglite')) throw new Error('--db must be postgres or pglite')
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bosun-bench-health-'))
const root = path.resolve(import.meta.dirname, '..')
const bin = path.join(root, 'bin', 'bosun.mjs')
const CHUNK = 1000 // sweepHealth's default chunk
const KEY_FEATURES = ['Report Built', 'Dashboard Shared', 'Integration Connected', 'Alert Created', 'Workflow Run']

const log = (message: string) => process.stderr.write(`[bench:health] ${message}\n`)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
const idArray = (ids: string[]) => sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)`

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now()
  const value = await work()
  return { value, seconds: (performance.now() - started) / 1000 }
}

/** A fresh database: where it lives, how to open it (again) and how to drop it. */
type Fresh = { kind: DbKind; databaseUrl?: string; pgliteDir?: string; open: () => Promise<DbHandle>; drop: () => Promise<void> }

async function freshDatabase(kind: DbKind, label: string): Promise<Fresh> {
  if (kind === 'postgres') {
    const database = await createBenchDatabase('bosun_bench_health')
    const databaseUrl = database.url
    return {
      kind,
      databaseUrl,
      open: () => openDb({ databaseUrl, poolSize: 8 }),
      drop: async () => {
        if (args.keep) {
          log(`kept database ${database.name}`)
          return
        }
        await database.drop()
      },
    }
  }
  // The layout `bosun start` uses under BOSUN_DATA_DIR.
  const dataDir = path.join(workDir, label)
  const pgliteDir = path.join(dataDir, 'pgdata')
  fs.mkdirSync(dataDir, { recursive: true })
  return {
    kind,
    pgliteDir,
    open: () => openDb({ pgliteDir }),
    drop: async () => {
      if (args.keep) {
        log(`kept ${dataDir}`)
        return
      }
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** The generated world, written set-based so generation stays a small part of the run. */
async function generate(handle: DbHandle, workspaceId: string) {
  const db = handle.db
  const ws = sql`${workspaceId}::uuid`
  await db.execute(sql`
    INSERT INTO accounts (workspace_id, external_id, name, plan, industry, country, arr, renewal_date, status, created_at, traits)
    SELECT ${ws}, 'ACC-' || lpad(i::text, 7, '0'), 'Company ' || i, (ARRAY['Starter', 'Growth', 'Business', 'Enterprise'])[1 + i % 4],
      (ARRAY['Software', 'Retail', 'Healthcare', 'Finance'])[1 + i % 4], (ARRAY['United States', 'Germany', 'France', 'Japan'])[1 + i % 4],
      (ARRAY[2000, 6000, 12000, 24000, 45000, 80000, 150000, 400000])[1 + (i * 7) % 8],
      current_date + ((i * 13) % 400 - 30), CASE WHEN i % 25 = 0 THEN 'churned' ELSE 'active' END,
      now() - make_interval(days => 100 + (i * 17) % 900), jsonb_build_object('region', (ARRAY['EMEA', 'AMER', 'APAC'])[1 + i % 3])
    FROM generate_series(1, ${ACCOUNTS}::int) AS i`)
  const ids = sql`(SELECT id, (row_number() OVER (ORDER BY external_id))::int AS n FROM accounts WHERE workspace_id = ${ws})`
  await db.execute(sql`
    INSERT INTO subscriptions (workspace_id, account_id, product, start_date, end_date, arr, seats, status)
    SELECT ${ws}, a.id, 'Platform', current_date - 300, current_date + 65, 10000, 2 + (a.n % 4)::int, 'active' FROM ${ids} a`)
  await db.execute(sql`
    INSERT INTO contacts (workspace_id, account_id, name, email, roles)
    SELECT ${ws}, a.id, 'Person ' || a.n || '-' || k, 'p' || a.n || '-' || k || '@example.com',
      CASE WHEN k = 1 AND a.n % 3 <> 0 THEN ARRAY['champion'] WHEN k = 2 THEN ARRAY['admin'] ELSE '{}'::text[] END
    FROM ${ids} a CROSS JOIN generate_series(1, 2) AS k`)
  await db.execute(sql`
    INSERT INTO tickets (workspace_id, account_id, subject, priority, status, opened_at)
    SELECT ${ws}, a.id, 'Ticket ' || a.n, (ARRAY['low', 'normal', 'high', 'urgent'])[1 + a.n % 4], CASE WHEN a.n % 3 = 0 THEN 'open' ELSE 'solved' END, now() - make_interval(days => a.n % 60)
    FROM ${ids} a WHERE a.n % 2 = 0`)
  await db.execute(sql`
    INSERT INTO touchpoints (workspace_id, account_id, kind, occurred_at, subject)
    SELECT ${ws}, a.id, (ARRAY['call', 'meeting', 'email', 'qbr'])[1 + a.n % 4], now() - make_interval(days => a.n % 120), 'Check-in' FROM ${ids} a`)
  // 90 days of usage: none for n % 7 = 0; dormant (12 days, 35–89 days ago) for n % 5 = 1; else 23 of the 90 days.
  await db.execute(sql`
    INSERT INTO usage_daily (workspace_id, account_id, day, event_count, active_users)
    SELECT ${ws}, a.id, current_date - CASE WHEN a.n % 5 = 1 THEN 35 + ((a.n + d * 5) % 55) ELSE (a.n + d * 4) % 90 END, 10 + (a.n % 50)::int, 1 + (a.n + d) % 3
    FROM ${ids} a CROSS JOIN generate_series(0, 22) AS d
    WHERE a.n % 7 <> 0 AND (a.n % 5 <> 1 OR d < 12)
    ON CONFLICT DO NOTHING`)
  await db.execute(sql`
    INSERT INTO usage_user_days (workspace_id, account_id, day, user_id)
    SELECT u.workspace_id, u.account_id, u.day, 'user-' || k FROM usage_daily u CROSS JOIN generate_series(1, 3) AS k
    WHERE u.workspace_id = ${ws} AND k <= u.active_users
    ON CONFLICT DO NOTHING`)
  const featureArray = sql.raw(`ARRAY[${KEY_FEATURES.map((name) => `'${name}'`).join(', ')}]`)
  await db.execute(sql`
    INSERT INTO usage_daily_events (workspace_id, account_id, day, event, event_count)
    SELECT u.workspace_id, u.account_id, u.day, (${featureArray})[1 + (extract(doy FROM u.day)::int + e * 2) % 5], 3
    FROM usage_daily u CROSS JOIN generate_series(0, 1) AS e WHERE u.workspace_id = ${ws}
    ON CONFLICT DO NOTHING`)
  await db.execute(sql`INSERT INTO usage_settings (workspace_id, key_features) VALUES (${ws}, ${featureArray}) ON CONFLICT (workspace_id) DO UPDATE SET key_features = excluded.key_features`)
}

async function analyze(handle: DbHandle) {
  await handle.executeSql(handle.kind === 'pglite' ? 'VACUUM ANALYZE' : 'ANALYZE')
}

/**
 * Segments, tiers and stages (some measures and scorecards read them); not timed. Owner assignment
 * (engagement.assign, a consumer of the 100,000 tier.changed events) is marked as caught up instead
 * of run: it takes over 15 minutes at 100,000 accounts (see the report) and no health measure reads
 * owners; left unread, the server would run it during the freshness phase.
 */
async function classify(handle: DbHandle, workspaceId: string) {
  await evaluateWorkspace(handle.db, { workspaceId })
  await markCaughtUp(handle.db, workspaceId, [ASSIGN_CONSUMER])
  if ((await workspacesToAssign(handle.db)).includes(workspaceId)) throw new Error('owner assignment still has unread events')
  // The triggers queued every account; the phases below decide when they are scored.
  await handle.db.execute(sql`DELETE FROM account_evaluation_queue`)
  await handle.db.execute(sql`DELETE FROM health_evaluation_queue`)
}

/** Reads every account's facts in the sweep's chunks, as the engine does; nothing scored. */
async function factsBaseline(db: Db, workspaceId: string, lanes: number): Promise<number> {
  const today = todayUtc()
  const slices = await accountSlices(db, { workspaceId, size: CHUNK })
  let rows = 0
  let next = 0
  // The same slices and as many at once as the sweep.
  const lane = async () => {
    for (let index = next++; index < slices.length; index = next++) {
      const facts = await loadAccountFacts(db, { workspaceId, today, accountRange: slices[index] })
      rows += facts.size
    }
  }
  await Promise.all(Array.from({ length: lanes }, lane))
  return rows
}

/** Scored accounts are exactly the live ones, each with today's snapshot. */
async function assertScores(db: Db, workspaceId: string, phase: string) {
  const [row] = await queryRows<{ live: number; scored: number; stray: number; snapshots: number }>(
    db,
    sql`SELECT (SELECT count(*)::int FROM accounts WHERE workspace_id = ${workspaceId} AND status <> 'churned') AS live,
          (SELECT count(*)::int FROM health_scores WHERE workspace_id = ${workspaceId}) AS scored,
          (SELECT count(*)::int FROM health_scores h JOIN accounts a ON a.id = h.account_id WHERE h.workspace_id = ${workspaceId} AND a.status = 'churned') AS stray,
          (SELECT count(*)::int FROM health_snapshots WHERE workspace_id = ${workspaceId} AND day = ${todayUtc()}::date) AS snapshots`,
  )
  if (!row || row.scored !== row.live || row.stray !== 0 || row.snapshots !== row.live) throw new Error(`after ${phase}: ${JSON.stringify(row)}`)
}

async function startServer(fresh: Fresh, logFile: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, BOSUN_LOG_LEVEL: 'warn', BOSUN_DEMO: '0', NODE_ENV: 'production', HOST: '127.0.0.1' }
  delete env.DATABASE_URL
  delete env.PORT
  delete env.BOSUN_DATA_DIR
  if (fresh.databaseUrl) env.DATABASE_URL = fresh.databaseUrl
  else env.BOSUN_DATA_DIR = path.dirname(fresh.pgliteDir!)
  const port = await freePort()
  const out = fs.openSync(logFile, 'w')
  const child: ChildProcess = spawn(process.execPath, [bin, 'start', '--port', String(port)], { env, stdio: ['ignore', out, out] })
  fs.closeSync(out)
  const url = `http://127.0.0.1:${port}`
  let exited: number | null = null
  let stopping = false
  child.on('exit', (code, signal) => {
    exited = code ?? -1
    // A server that dies mid-phase otherwise shows up only as the bench's next fetch failing.
    if (!stopping) log(`server exited unexpectedly: code ${code}, signal ${signal}; see ${logFile}`)
  })
  const deadline = Date.now() + 180_000
  for (;;) {
    if (exited !== null) throw new Error(`bosun start exited ${exited}; see ${logFile}`)
    if (Date.now() > deadline) throw new Error(`bosun did not become healthy; see ${logFile}`)
    if (await fetch(`${url}/healthz`).then((response) => response.ok, () => false)) break
    await sleep(300)
  }
  const stop = async () => {
    if (exited !== null) return
    stopping = true
    const done = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    await done
    clearTimeout(timer)
  }
  return { url, stop }
}

type Dormant = { id: string; externalId: string }

/** Live, scored accounts last active 35+ days ago: one event today moves their score. */
async function pickDormant(db: Db, workspaceId: string): Promise<Dormant[]> {
  const rows = await queryRows<{ id: string; external_id: string }>(
    db,
    sql`SELECT a.id, a.external_id FROM accounts a JOIN health_scores h ON h.workspace_id = a.workspace_id AND h.account_id = a.id
        WHERE a.workspace_id = ${workspaceId} AND a.status = 'active'
          AND EXISTS (SELECT 1 FROM jsonb_array_elements(h.measures) m WHERE m->>'key' = 'last-activity' AND (m->>'value')::numeric >= 35)
        ORDER BY md5(a.id::text) LIMIT ${EVENTS}`,
  )
  if (rows.length < EVENTS) throw new Error(`only ${rows.length} dormant accounts for ${EVENTS} events: raise --accounts or lower --events`)
  return rows.map((row) => ({ id: row.id, externalId: row.external_id }))
}

/** Track calls at RATE a second through a real server; time from each 200 to the account's new score. */
async function freshness(fresh: Fresh, workspaceId: string, key: string, accounts: Dormant[], pgHandle: DbHandle | null): Promise<Omit<Result, 'db' | 'phase'>> {
  const logFile = path.join(workDir, `server-${fresh.kind}.log`)
  const server = await startServer(fresh, logFile)
  const authorization = `Basic ${Buffer.from(`${key}:`).toString('base64')}`
  const readHeaders = { authorization: `Bearer ${key}` }
  try {
    const api = async <T>(url: string): Promise<T> => {
      const response = await fetch(`${server.url}${url}`, { headers: readHeaders })
      if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`)
      return (await response.json()) as T
    }
    // Quiet first: whatever the server does at start (queued work, wake jobs) is not part of the measure.
    let quietSince = Date.now()
    const quietDeadline = Date.now() + 300_000
    while (Date.now() - quietSince < 5000) {
      if (Date.now() > quietDeadline) throw new Error('the server never went quiet (health queue kept filling)')
      const status = await api<{ queued: number }>('/api/v1/health/status')
      if (status.queued > 0) quietSince = Date.now()
      await sleep(250)
    }
    let lastEventId = 0
    if (!pgHandle) {
      const page = await api<{ events: { id: number }[] }>('/api/v1/domain-events?type=health.changed&limit=1')
      lastEventId = page.events[0]?.id ?? 0
    }
    log(`${fresh.kind}: server quiet; ${accounts.length} track calls at ${RATE}/s`)

    const pending = new Map<string, number>() // account id → performance.now() at the 200
    const samples: number[] = []
    let failures = 0
    let sent = 0
    let answered = 0
    const started = performance.now()
    const send = async (index: number) => {
      const account = accounts[index]!
      const body = JSON.stringify({
        type: 'track',
        messageId: `bench-health-${index}-${crypto.randomBytes(4).toString('hex')}`,
        userId: `bench-user-${index}`,
        event: KEY_FEATURES[index % KEY_FEATURES.length],
        timestamp: new Date().toISOString(),
        properties: { source: 'bench' },
        context: { groupId: account.externalId },
      })
      const response = await fetch(`${server.url}/v1/track`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body })
      await response.arrayBuffer()
      answered++
      if (response.status !== 200) {
        failures++
        return
      }
      pending.set(account.id, performance.now())
    }
    const inFlight: Promise<void>[] = []
    const sender = (async () => {
      for (let index = 0; index < accounts.length; index++) {
        const due = started + (index * 1000) / RATE
        const wait = due - performance.now()
        if (wait > 0) await sleep(wait)
        inFlight.push(send(index))
        sent++
      }
      await Promise.all(inFlight)
    })()
    let sending = true
    void sender.finally(() => (sending = false))
    const deadline = () => performance.now() - started > (accounts.length * 1000) / RATE + 120_000
    while ((sending || pending.size > 0) && !deadline()) {
      if (pending.size > 0) {
        let seen: string[]
        if (pgHandle) {
          const rows = await queryRows<{ account_id: string }>(
            pgHandle.db,
            sql`SELECT account_id FROM health_scores WHERE workspace_id = ${workspaceId} AND account_id = ANY(${idArray([...pending.keys()])})
                AND EXISTS (SELECT 1 FROM jsonb_array_elements(measures) m WHERE m->>'key' = 'last-activity' AND (m->>'value')::numeric = 0)`,
          )
          seen = rows.map((row) => row.account_id)
        } else {
          const page = await api<{ events: { id: number; accountId: string | null; payload: { from?: number; to?: number } }[] }>('/api/v1/domain-events?type=health.changed&limit=500')
          const fresher = page.events.filter((event) => event.id > lastEventId)
          if (fresher.length === 500) throw new Error('more than 500 health.changed events between two polls')
          lastEventId = Math.max(lastEventId, ...fresher.map((event) => event.id))
          seen = fresher.flatMap((event) => (event.accountId && Number(event.payload.to) > Number(event.payload.from) ? [event.accountId] : []))
        }
        const seenAt = performance.now()
        for (const id of seen) {
          const at = pending.get(id)
          if (at === undefined) continue
          samples.push(seenAt - at)
          pending.delete(id)
        }
      }
      await sleep(pgHandle ? 50 : 100)
    }
    if (failures > 0) throw new Error(`${failures} of ${answered} track calls failed`)
    if (pending.size > 0) throw new Error(`${pending.size} of ${sent} accounts never showed their new score (server log: ${logFile})`)
    samples.sort((left, right) => left - right)
    const sendSeconds = (performance.now() - started) / 1000
    return {
      events: accounts.length,
      ratePerSec: RATE,
      samples: samples.length,
      p50Ms: Math.round(percentile(samples, 50)),
      p90Ms: Math.round(percentile(samples, 90)),
      p99Ms: Math.round(percentile(samples, 99)),
      maxMs: Math.round(samples[samples.length - 1]!),
      seconds: round(sendSeconds),
      signal: pgHandle ? 'health_scores last-activity measure = 0 (table polled every 50 ms)' : 'health.changed domain event (GET /api/v1/domain-events every 100 ms)',
    }
  } finally {
    await server.stop()
  }
}

async function healthWorld(kind: DbKind): Promise<Result[]> {
  log(`${kind}: preparing ${ACCOUNTS.toLocaleString('en-US')} accounts with 90 days of usage`)
  const fresh = await freshDatabase(kind, 'health')
  let handle: DbHandle | null = await fresh.open()
  const results: Result[] = []
  try {
    await migrateDb(handle)
    const { workspace } = await createWorkspaceWithOwner(handle.db, { slug: 'bench', name: 'Bench', ownerEmail: 'owner@bench.test', ownerName: 'Owner', ownerPassword: 'correct-horse-battery' })
    await installDefaults(handle.db, { kinds: configKinds, workspaceId: workspace.id, actor: { kind: 'system', label: 'bench' } })
    const generated = await timed(() => generate(handle!, workspace.id))
    await analyze(handle)
    const [counts] = await queryRows<{ usage_daily: number; user_days: number; daily_events: number }>(
      handle.db,
      sql`SELECT (SELECT count(*)::int FROM usage_daily) AS usage_daily, (SELECT count(*)::int FROM usage_user_days) AS user_days, (SELECT count(*)::int FROM usage_daily_events) AS daily_events`,
    )
    log(`${kind}: data generated in ${generated.seconds.toFixed(1)} s (${JSON.stringify(counts)})`)
    const classified = await timed(() => classify(handle!, workspace.id))
    await analyze(handle)
    log(`${kind}: classified in ${classified.seconds.toFixed(1)} s`)

    const rate = (phase: string, seconds: number, baseline?: number) => {
      const result: Result = { db: kind, phase, seconds: round(seconds), accountsPerSec: Math.round(ACCOUNTS / seconds) }
      if (baseline) result.ratioToFacts = round(seconds / baseline)
      results.push(result)
      log(`${kind}: ${phase} ${seconds.toFixed(2)} s${baseline ? ` (${(seconds / baseline).toFixed(2)}× the facts read)` : ''}`)
    }
    const facts = await timed(() => factsBaseline(handle!.db, workspace.id, healthSweepLanes(kind)))
    if (facts.value !== ACCOUNTS) throw new Error(`facts read ${facts.value} accounts`)
    rate('facts', facts.seconds)
    const initial = await timed(() => sweepHealth(handle!.db, { workspaceId: workspace.id, parallel: healthSweepLanes(kind) }))
    rate('recompute-initial', initial.seconds, facts.seconds)
    await assertScores(handle.db, workspace.id, 'recompute-initial')
    const steady = await timed(() => sweepHealth(handle!.db, { workspaceId: workspace.id, parallel: healthSweepLanes(kind) }))
    if (steady.value.changed + steady.value.bandChanged !== 0) throw new Error(`steady recompute changed ${steady.value.changed} scores, ${steady.value.bandChanged} bands`)
    rate('recompute-steady', steady.seconds, facts.seconds)
    await assertScores(handle.db, workspace.id, 'recompute-steady')
    const bands = await queryRows<{ band: string | null; n: number }>(handle.db, sql`SELECT band, count(*)::int AS n FROM health_scores GROUP BY band ORDER BY band`)
    log(`${kind}: bands ${bands.map((row) => `${row.band ?? 'none'} ${row.n}`).join(', ')}`)
    // The recomputes queue nothing themselves, but be sure the server starts with an empty queue.
    await handle.db.execute(sql`DELETE FROM health_evaluation_queue`)
    // The first recompute wrote a health.band_changed event for every account (no band → a band). Left
    // unread, the server would start the shipped "Health turned red" playbook for ~32,000 accounts during
    // the freshness phase (it stalled PGlite for 14.8 s at 100k): a start-up storm, not the freshness.
    await markCaughtUp(handle.db, workspace.id, [ASSIGN_CONSUMER, PLAYBOOKS_CONSUMER])

    const dormant = await pickDormant(handle.db, workspace.id)
    const { key } = await createApiKey(handle.db, { workspaceId: workspace.id, name: 'bench', scopes: ['ingest', 'read'], rateLimitPerSecond: 100_000, actor: { kind: 'system', label: 'bench' } })
    // PGlite is one process's: hand the data dir to the server.
    if (kind === 'pglite') {
      await handle.close()
      handle = null
    }
    const measured = await freshness(fresh, workspace.id, key, dormant, handle)
    results.push({ db: kind, phase: 'freshness', ...measured })
    log(`${kind}: event 200 → new score p50 ${measured.p50Ms} ms, p99 ${measured.p99Ms} ms, max ${measured.maxMs} ms`)
    return results
  } finally {
    await handle?.close()
    await fresh.drop()
  }
}

type ChurnModule = Record<string, unknown>

/**
 * The churn module's training entry point: what the `churn.train` job runs (insertModelRun, then
 * runQueuedTraining), or trainWorkspaceChurnModel; absent: the phase is skipped with the reason.
 */
async function churnTrainer(): Promise<((db: Db, workspaceId: string) => Promise<unknown>) | string> {
  const churn = (await import('../src/server/modules/churn')) as ChurnModule
  const { insertModelRun, runQueuedTraining, trainWorkspaceChurnModel } = churn
  if (typeof insertModelRun === 'function' && typeof runQueuedTraining === 'function') {
    return async (db, workspaceId) => {
      // The model predicts churn before each account's next renewal (its result carries the target).
      const modelId = await (insertModelRun as (db: Db, params: { workspaceId: string; trigger: 'manual'; requestedBy: null }) => Promise<string>)(db, {
        workspaceId,
        trigger: 'manual',
        requestedBy: null,
      })
      const result = await (runQueuedTraining as (db: Db, params: { workspaceId: string; modelId: string; onProgress: (message: string) => void }) => Promise<unknown>)(db, {
        workspaceId,
        modelId,
        onProgress: (message) => log(`  churn: ${message}`),
      })
      if (result === null) throw new Error('churn training failed (see churn_models.error)')
      return result
    }
  }
  if (typeof trainWorkspaceChurnModel === 'function') return (db, workspaceId) => (trainWorkspaceChurnModel as (db: Db, params: { workspaceId: string }) => Promise<unknown>)(db, { workspaceId })
  return 'skipped: trainWorkspaceChurnModel not available'
}

async function churnTraining(kind: DbKind): Promise<Result> {
  const trainer = await churnTrainer()
  if (typeof trainer === 'string') {
    log(`${kind}: churn training ${trainer}`)
    return { db: kind, phase: 'churn-training', skipped: trainer }
  }
  log(`${kind}: building the demo world (${DEMO_ACCOUNTS} accounts, 12 months, usage)`)
  const fresh = await freshDatabase(kind, 'demo')
  const handle = await fresh.open()
  try {
    await migrateDb(handle)
    const built = await timed(() => buildDemoWorkspace(handle.db, { accounts: DEMO_ACCOUNTS, months: 12, seed: 42, slug: 'demo', replace: false, usage: true, adminPassword: 'bench-admin-password' }))
    await analyze(handle)
    log(`${kind}: demo world built in ${built.seconds.toFixed(1)} s`)
    const trained = await timed(() => trainer(handle.db, built.value.workspaceId))
    log(`${kind}: churn model trained in ${trained.seconds.toFixed(2)} s: ${JSON.stringify(trained.value)}`)
    return { db: kind, phase: 'churn-training', seconds: round(trained.seconds), accounts: DEMO_ACCOUNTS, demoBuildSeconds: round(built.seconds, 1), model: trained.value }
  } finally {
    await handle.close()
    await fresh.drop()
  }
}

const results: Result[] = []
const load = () => os.loadavg().map((value) => round(value))
const loadBefore = load()
try {
  for (const kind of kinds) {
    results.push(...(await healthWorld(kind)))
    if (!args['skip-churn']) results.push(await churnTraining(kind))
  }
} finally {
  if (!args.keep) fs.rmSync(workDir, { recursive: true, force: true })
}
process.stdout.write(`${JSON.stringify({ bench: 'health', accounts: ACCOUNTS, chunk: CHUNK, sweepLanes: { postgres: healthSweepLanes('postgres'), pglite: healthSweepLanes('pglite') }, cpus: os.cpus().length, loadAvgBefore: loadBefore, loadAvgAfter: load(), results })}\n`)
process.exit(0)
