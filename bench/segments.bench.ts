/**
 * Classification benchmark: segments, tiers and lifecycle stages for 100,000 accounts, on PostgreSQL
 * and on PGlite, in this process with the same code the server runs.
 *
 *   npm run bench:segments                        # both databases
 *   npm run bench:segments -- --db pglite --accounts 20000 --changes 100
 *
 * Each database starts empty (PostgreSQL: a fresh bosun_bench_segments_<random> on BENCH_PG_URL,
 * default postgres://postgres@127.0.0.1:5432, dropped afterwards; PGlite: a temp data dir). The demo
 * rules are published (5 segments, 4 tiers, 6 lifecycle stages), then generated data is written in
 * SQL: per account a subscription, 2 contacts, 30 days of product usage on 8 of them (2 users a day,
 * 1–3 key features), a ticket for every other account and a touchpoint.
 *
 * Phases, each timed on its own:
 *   - facts: the baseline — only reading every account's facts (the statement both evaluators start
 *     from) in the sweep's chunks, nothing evaluated or written;
 *   - sweep-initial: evaluateWorkspace (SQL evaluator) on unclassified accounts: every membership written;
 *   - sweep-steady: the same again with nothing changed (the hourly sweep's usual cost);
 *   - queue-all: every account queued (what publishing a rule does) and drained by the in-memory path;
 *   - latency: the `segments.evaluate` job running as in a worker (pg-boss, wake polling); `--changes`
 *     ARR updates spread over time, each moving an account to another tier; time from the update's
 *     commit to the new tier being visible (p50/p99).
 *
 * Progress goes to stderr; stdout gets ONE JSON line:
 *   {"bench":"segments","accounts":100000,"results":[{"db":"postgres","phase":"sweep-initial","seconds":…,"accountsPerSec":…,"ratioToFacts":…},…,{"db":"postgres","phase":"latency","p50Ms":…,"p99Ms":…}]}
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import { createWorkspaceWithOwner } from '../src/server/modules/identity'
import { installDefaults } from '../src/server/modules/config'
import { configKinds } from '../src/server/modules/config-kinds'
import { accountFactsQuery } from '../src/server/modules/conditions'
import { evaluateQueuedAccounts, evaluateWorkspace, queueWorkspace, segmentJobs } from '../src/server/modules/segments'
import { loadConfig } from '../src/server/platform/config'
import { migrateDb, openDb, queryRows, type DbHandle } from '../src/server/platform/db'
import type { AppDeps } from '../src/server/platform/http'
import { startJobs, type Jobs } from '../src/server/platform/jobs'
import { createLogger } from '../src/server/platform/logging'
import { createBenchDatabase } from './support'

type DbKind = 'postgres' | 'pglite'
type Result = { db: DbKind; phase: string; seconds?: number; accountsPerSec?: number; ratioToFacts?: number; p50Ms?: number; p99Ms?: number; samples?: number; changes?: number }

const { values: args } = parseArgs({ options: { db: { type: 'string' }, keep: { type: 'boolean', default: false }, accounts: { type: 'string', default: '100000' }, changes: { type: 'string', default: '300' } } })
const ACCOUNTS = Number(args.accounts)
const CHANGES = Number(args.changes)
const kinds: DbKind[] = args.db ? [args.db as DbKind] : ['postgres', 'pglite']
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bosun-bench-segments-'))
const CHUNK = 2000

const log = (message: string) => process.stderr.write(`[bench:segments] ${message}\n`)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits

async function openFresh(kind: DbKind): Promise<{ handle: DbHandle; drop: () => Promise<void> }> {
  if (kind === 'postgres') {
    const database = await createBenchDatabase('bosun_bench_segments')
    const handle = await openDb({ databaseUrl: database.url, poolSize: 8 })
    return {
      handle,
      drop: async () => {
        await handle.close()
        if (args.keep) {
          log(`kept database ${database.name}`)
          return
        }
        await database.drop()
      },
    }
  }
  const dir = path.join(workDir, 'pglite')
  const handle = await openDb({ pgliteDir: dir })
  return { handle, drop: async () => (await handle.close(), fs.rmSync(dir, { recursive: true, force: true })) }
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
      now() - make_interval(days => (i * 17) % 900), jsonb_build_object('region', (ARRAY['EMEA', 'AMER', 'APAC'])[1 + i % 3])
    FROM generate_series(1, ${ACCOUNTS}::int) AS i`)
  const ids = sql`(SELECT id, (row_number() OVER (ORDER BY external_id))::int AS n FROM accounts WHERE workspace_id = ${ws})`
  await db.execute(sql`
    INSERT INTO subscriptions (workspace_id, account_id, product, start_date, end_date, arr, seats, status)
    SELECT ${ws}, a.id, 'Platform', current_date - 300, current_date + 65, 10000, 5 + (a.n % 40)::int, 'active' FROM ${ids} a`)
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
  // 8 active days in the last 30 per account (every 3rd account has none), 2 users a day.
  await db.execute(sql`
    INSERT INTO usage_daily (workspace_id, account_id, day, event_count, active_users)
    SELECT ${ws}, a.id, current_date - ((a.n + d * 4) % 30)::int, 10 + (a.n % 50)::int, 2 FROM ${ids} a CROSS JOIN generate_series(0, 7) AS d WHERE a.n % 3 <> 0
    ON CONFLICT DO NOTHING`)
  await db.execute(sql`
    INSERT INTO usage_user_days (workspace_id, account_id, day, user_id)
    SELECT u.workspace_id, u.account_id, u.day, 'user-' || k || '-' || (abs(hashtext(u.account_id::text)) % 7) FROM usage_daily u CROSS JOIN generate_series(1, 2) AS k WHERE u.workspace_id = ${ws}
    ON CONFLICT DO NOTHING`)
  await db.execute(sql`
    INSERT INTO usage_daily_events (workspace_id, account_id, day, event, event_count)
    SELECT u.workspace_id, u.account_id, u.day, (ARRAY['Report Built', 'Dashboard Shared', 'Integration Connected'])[1 + (extract(day FROM u.day)::int + e) % 3], 3
    FROM usage_daily u CROSS JOIN generate_series(0, 1) AS e WHERE u.workspace_id = ${ws}
    ON CONFLICT DO NOTHING`)
  await db.execute(sql`INSERT INTO usage_settings (workspace_id, key_features) VALUES (${ws}, ARRAY['Report Built', 'Dashboard Shared', 'Integration Connected']) ON CONFLICT (workspace_id) DO UPDATE SET key_features = excluded.key_features`)
  // The triggers queued every account; the phases below decide when they are classified.
  await db.execute(sql`DELETE FROM account_evaluation_queue`)
  if (handle.kind === 'pglite') await handle.executeSql('VACUUM ANALYZE')
  else await handle.executeSql('ANALYZE')
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now()
  const value = await work()
  return { value, seconds: (performance.now() - started) / 1000 }
}

async function factsBaseline(handle: DbHandle, workspaceId: string): Promise<number> {
  const keyFeatures = ['Report Built', 'Dashboard Shared', 'Integration Connected']
  let after = '00000000-0000-0000-0000-000000000000'
  let rows = 0
  for (;;) {
    const [slice] = await queryRows<{ last: string }>(
      handle.db,
      sql`SELECT id::text AS last FROM (SELECT id FROM accounts WHERE workspace_id = ${workspaceId} AND id > ${after}::uuid ORDER BY id LIMIT ${CHUNK}) s ORDER BY id DESC LIMIT 1`,
    )
    if (!slice) return rows
    // The same slices as the sweep, every column fetched as the evaluators do (a count alone lets PostgreSQL drop the joins).
    const facts = await queryRows(handle.db, accountFactsQuery({ workspaceId, today: new Date().toISOString().slice(0, 10), accountRange: { after, last: slice.last }, keyFeatures }))
    after = slice.last
    rows += facts.length
  }
}

/** Every account in exactly one tier and one stage: the engine's invariant, checked after each phase. */
async function assertOnePerAccount(handle: DbHandle, phase: string) {
  const bad = await queryRows<{ family: string; n: number }>(
    handle.db,
    sql`SELECT family, count(*)::int AS n FROM (SELECT family, account_id FROM account_memberships WHERE family IN ('tier', 'stage') GROUP BY 1, 2 HAVING count(*) > 1) d GROUP BY family`,
  )
  if (bad.length > 0) throw new Error(`after ${phase}: accounts in more than one ${bad.map((row) => `${row.family} (${row.n})`).join(', ')}`)
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!

/** Data changes while the evaluate job runs as in a worker: ARR moves accounts across the 100k tier line. */
async function latency(handle: DbHandle, workspaceId: string): Promise<{ p50Ms: number; p99Ms: number; samples: number }> {
  const logger = createLogger('silent')
  const deps = { db: handle.db, dbHandle: handle, logger, config: { ...loadConfig({}), demoEnabled: false } } as AppDeps
  const jobs: Jobs = await startJobs({ handle, logger, runWorkers: true, definitions: segmentJobs(deps) })
  deps.jobs = jobs
  try {
    const picks = await queryRows<{ id: string; tier: string }>(
      handle.db,
      sql`SELECT m.account_id AS id, m.group_key AS tier FROM account_memberships m
          WHERE m.workspace_id = ${workspaceId} AND m.family = 'tier' AND m.group_key IN ('enterprise', 'mid-market')
          ORDER BY md5(m.account_id::text) LIMIT ${CHANGES}`,
    )
    const pending = new Map<string, { want: string; committedAt: number }>()
    const samples: number[] = []
    let next = 0
    const interval = 100 // ms between changes: 10 changes a second
    let lastChange = 0
    const deadline = Date.now() + (picks.length * interval) + 60_000
    while ((next < picks.length || pending.size > 0) && Date.now() < deadline) {
      if (next < picks.length && performance.now() - lastChange >= interval) {
        const pick = picks[next++]!
        const want = pick.tier === 'enterprise' ? 'mid-market' : 'enterprise'
        await handle.db.execute(sql`UPDATE accounts SET arr = ${want === 'enterprise' ? 250_000 : 50_000}, updated_at = now() WHERE workspace_id = ${workspaceId} AND id = ${pick.id}`)
        lastChange = performance.now()
        pending.set(pick.id, { want, committedAt: lastChange })
      }
      if (pending.size > 0) {
        const rows = await queryRows<{ account_id: string; group_key: string }>(
          handle.db,
          sql`SELECT account_id, group_key FROM account_memberships WHERE workspace_id = ${workspaceId} AND family = 'tier'
              AND account_id = ANY(ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify([...pending.keys()])}::jsonb)::uuid))`,
        )
        const seenAt = performance.now()
        for (const row of rows) {
          const entry = pending.get(row.account_id)
          if (entry && row.group_key === entry.want) {
            samples.push(seenAt - entry.committedAt)
            pending.delete(row.account_id)
          }
        }
      }
      await sleep(10)
    }
    if (pending.size > 0) {
      const stuck = [...pending.keys()]
      const state = await queryRows(
        handle.db,
        sql`SELECT a.id, a.arr, (SELECT json_agg(m.*) FROM account_memberships m WHERE m.workspace_id = a.workspace_id AND m.account_id = a.id AND m.family = 'tier') AS tiers,
              EXISTS (SELECT 1 FROM account_evaluation_queue q WHERE q.account_id = a.id) AS queued,
              (SELECT json_agg(h.* ORDER BY h.id) FROM account_membership_changes h WHERE h.account_id = a.id AND h.family = 'tier') AS history
            FROM accounts a WHERE a.id = ANY(ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(stuck)}::jsonb)::uuid))`,
      )
      log(JSON.stringify({ pending: [...pending.entries()], state }))
      throw new Error(`${pending.size} changes never reached their new tier`)
    }
    samples.sort((left, right) => left - right)
    return { p50Ms: Math.round(percentile(samples, 50)), p99Ms: Math.round(percentile(samples, 99)), samples: samples.length }
  } finally {
    await jobs.stop()
  }
}

async function runOn(kind: DbKind): Promise<Result[]> {
  log(`${kind}: preparing ${ACCOUNTS.toLocaleString('en-US')} accounts`)
  const { handle, drop } = await openFresh(kind)
  try {
    await migrateDb(handle)
    const { workspace } = await createWorkspaceWithOwner(handle.db, { slug: 'bench', name: 'Bench', ownerEmail: 'owner@bench.test', ownerName: 'Owner', ownerPassword: 'correct-horse-battery' })
    await installDefaults(handle.db, { kinds: configKinds, workspaceId: workspace.id, actor: { kind: 'system', label: 'bench' } })
    const generated = await timed(() => generate(handle, workspace.id))
    log(`${kind}: data generated in ${generated.seconds.toFixed(1)} s`)
    const results: Result[] = []
    const rate = (phase: string, seconds: number, baseline?: number) => {
      const result: Result = { db: kind, phase, seconds: round(seconds), accountsPerSec: Math.round(ACCOUNTS / seconds) }
      if (baseline) result.ratioToFacts = round(seconds / baseline)
      results.push(result)
      log(`${kind}: ${phase} ${seconds.toFixed(2)} s${baseline ? ` (${(seconds / baseline).toFixed(2)}× the facts read)` : ''}`)
    }
    const facts = await timed(() => factsBaseline(handle, workspace.id))
    if (facts.value !== ACCOUNTS) throw new Error(`facts read ${facts.value} accounts`)
    rate('facts', facts.seconds)
    const initial = await timed(() => evaluateWorkspace(handle.db, { workspaceId: workspace.id, chunkSize: CHUNK }))
    if (initial.value.accounts !== ACCOUNTS) throw new Error(`sweep classified ${initial.value.accounts}`)
    rate('sweep-initial', initial.seconds, facts.seconds)
    await assertOnePerAccount(handle, 'sweep-initial')
    const steady = await timed(() => evaluateWorkspace(handle.db, { workspaceId: workspace.id, chunkSize: CHUNK }))
    if (steady.value.entered + steady.value.exited !== 0) throw new Error(`steady sweep changed ${steady.value.entered + steady.value.exited} memberships`)
    rate('sweep-steady', steady.seconds, facts.seconds)
    const queued = await timed(async () => {
      await queueWorkspace(handle.db, workspace.id)
      let accounts = 0
      for (;;) {
        const result = await evaluateQueuedAccounts(handle.db, { limit: 250 })
        if (result.workspaceIds.length === 0) return accounts
        accounts += result.accounts
      }
    })
    if (queued.value !== ACCOUNTS) throw new Error(`queue path classified ${queued.value}`)
    rate('queue-all', queued.seconds, facts.seconds)
    await assertOnePerAccount(handle, 'queue-all')
    const counts = await queryRows<{ family: string; n: number }>(handle.db, sql`SELECT family, count(*)::int AS n FROM account_memberships GROUP BY family ORDER BY family`)
    log(`${kind}: memberships ${counts.map((row) => `${row.family} ${row.n}`).join(', ')}`)
    log(`${kind}: latency, ${CHANGES} changes at 10/s with the evaluate job running`)
    const measured = await latency(handle, workspace.id)
    await assertOnePerAccount(handle, 'latency')
    results.push({ db: kind, phase: 'latency', ...measured, changes: CHANGES })
    log(`${kind}: change → new tier p50 ${measured.p50Ms} ms, p99 ${measured.p99Ms} ms`)
    return results
  } finally {
    await drop()
  }
}

const results: Result[] = []
for (const kind of kinds) results.push(...(await runOn(kind)))
fs.rmSync(workDir, { recursive: true, force: true })
process.stdout.write(`${JSON.stringify({ bench: 'segments', accounts: ACCOUNTS, chunk: CHUNK, results })}\n`)
process.exit(0)
