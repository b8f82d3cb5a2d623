/**
 * The health engine: reads every input of a batch of accounts as of a day (account facts, payment
 * failures, milestones, stage SLA, sentiments, segment memberships) in a few set-based statements,
 * picks each account's scorecard, scores it (health.scoring.ts) and writes the score, today's
 * snapshot and the `health.changed` / `health.band_changed` domain events.
 *
 * - `evaluateQueuedHealth`: accounts whose inputs changed (triggers fill `health_evaluation_queue`);
 *   the `health.evaluate` job, woken within half a second.
 * - `sweepHealth`: every account of a workspace (hourly: days-since measures and expiring sentiments
 *   move with the calendar); it never overwrites a score computed after the sweep's chunk began.
 * - `backfillHealthSnapshots`: past snapshots from facts as of past days (demo seeding, backtests).
 */
import os from 'node:os'
import { sql } from 'drizzle-orm'
import { jsonb, queryRows, type Db } from '../../platform/db'
import { hasQueuedAccountsIn, recomputeClaimed } from '../../platform/account-queue'
import type { AccountFacts } from '../../../shared/conditions'
import { loadAccountFacts, todayUtc } from '../conditions'
import { listPublishedDocuments } from '../config'
import { recordDomainEvents, type NewDomainEvent } from '../domain-events'
import { loadClassificationRules } from '../segments'
import { scoreAccount, type ScoreResult } from './health.scoring'
import type { HealthBand } from './health.tables'
import { SCORECARD_KIND, ScorecardBodySchema, type Measure, type ScorecardBody } from './scorecard.config'

export type PublishedScorecard = { key: string; version: number; body: ScorecardBody }

/** Published scorecards in the order they are tried: `order`, then key. */
export async function loadScorecards(db: Db, workspaceId: string): Promise<PublishedScorecard[]> {
  const docs = await listPublishedDocuments(db, { workspaceId, kind: SCORECARD_KIND })
  return docs
    .flatMap((doc) => {
      const parsed = ScorecardBodySchema.safeParse(doc.body)
      return parsed.success ? [{ key: doc.key, version: doc.version, body: parsed.data }] : []
    })
    .sort((left, right) => left.body.order - right.body.order || left.key.localeCompare(right.key))
}

/** First scorecard naming one of the account's segments wins; otherwise the first default. */
export function pickScorecard(scorecards: PublishedScorecard[], segments: readonly string[]): PublishedScorecard | null {
  const bySegment = scorecards.find((scorecard) => scorecard.body.appliesTo.segments?.some((segment) => segments.includes(segment)))
  return bySegment ?? scorecards.find((scorecard) => scorecard.body.appliesTo.default === true) ?? null
}

const idArray = (ids: string[]) => sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)`
const DAY_MS = 86_400_000
const dayText = (value: unknown): string | null => (value instanceof Date ? value.toISOString().slice(0, 10) : typeof value === 'string' ? value.slice(0, 10) : null)
const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS)
const numberOf = (value: unknown): number | null => {
  if (value === null || value === undefined || value === '') return null
  const number = Number(value)
  return Number.isFinite(number) ? number : null
}

/** Everything measures read, for a batch of accounts as of `day`. */
type Inputs = {
  day: string
  facts: Map<string, AccountFacts>
  /** null: the workspace has no Stripe connection (payment failures are missing, not zero). */
  paymentFailures: Map<string, number> | null
  milestones: Map<string, { journey: string; good: boolean }[]>
  stageOverdueDays: Map<string, number>
  sentiment: Map<string, number>
  segments: Map<string, string[]>
  /** Days of product usage the workspace has up to `day` (0: none yet). */
  usageDays: number
}

/** Usage facts over a 30-day window, and the trend (two windows): missing until the workspace has that much usage history, not 0. */
const usageWindowFields: ReadonlySet<string> = new Set(['dau', 'wau', 'mau', 'license_utilization', 'events_30d', 'feature_breadth', 'days_since_last_activity'])
const USAGE_WINDOW_DAYS = 28
const USAGE_TREND_DAYS = 56

const sentimentPoints = { negative: 0, neutral: 50, positive: 100 } as const

// The first usage day only moves when a workspace starts sending usage; min(day) scans the workspace's
// rollups (no index leads with day), so it is kept per process for ten minutes.
const firstUsageCache = new Map<string, { first: string; at: number }>()
async function firstUsageDay(db: Db, workspaceId: string): Promise<string | null> {
  const cached = firstUsageCache.get(workspaceId)
  if (cached && Date.now() - cached.at < 600_000) return cached.first
  const [row] = await queryRows<{ first: string | null }>(db, sql`SELECT min(day)::text AS first FROM usage_daily WHERE workspace_id = ${workspaceId}`)
  const first = row?.first ?? null
  // Only a found day is kept: a workspace whose usage just started must see it at once.
  if (first) firstUsageCache.set(workspaceId, { first, at: Date.now() })
  return first
}

type AccountRange = { after: string; last: string }

async function loadInputs(db: Db, params: { workspaceId: string; accountIds?: string[]; accountRange?: AccountRange; day: string; scorecards: PublishedScorecard[] }): Promise<Inputs> {
  const ws = params.workspaceId
  const day = params.day
  const range = params.accountRange
  // A sweep reads a slice by id range (index range scans); the queue reads its list of ids.
  const scope = params.accountIds
    ? sql`AND account_id = ANY(${idArray(params.accountIds)})`
    : range
      ? sql`AND account_id > ${range.after}::uuid AND account_id <= ${range.last}::uuid`
      : sql``
  const sources = new Set(params.scorecards.flatMap((scorecard) => scorecard.body.groups.flatMap((group) => group.measures.map((measure) => measure.source.type))))
  // One after another: inside a transaction they share one connection.
  const facts = await loadAccountFacts(db, { workspaceId: ws, today: day, accountIds: params.accountIds, accountRange: range })

  let paymentFailures: Map<string, number> | null = null
  if (sources.has('payment_failures')) {
    const [connected] = await queryRows<{ yes: boolean }>(
      db,
      sql`SELECT (EXISTS (SELECT 1 FROM billing_stripe_settings WHERE workspace_id = ${ws}) OR EXISTS (SELECT 1 FROM billing_payment_failures WHERE workspace_id = ${ws})) AS yes`,
    )
    if (connected?.yes) {
      const rows = await queryRows<{ account_id: string; n: number }>(
        db,
        sql`SELECT account_id, count(*)::int AS n FROM billing_payment_failures
            WHERE workspace_id = ${ws} ${scope} AND (failed_at AT TIME ZONE 'UTC')::date <= ${day}::date
              AND (resolved_at IS NULL OR (resolved_at AT TIME ZONE 'UTC')::date > ${day}::date)
            GROUP BY account_id`,
      )
      paymentFailures = new Map(rows.map((row) => [row.account_id, Number(row.n)]))
    }
  }

  const milestones = new Map<string, { journey: string; good: boolean }[]>()
  if (sources.has('milestones')) {
    // Status as of the day: done (reached by the due day) or on track (not reached, not yet due) count as good.
    const rows = await queryRows<{ account_id: string; journey_key: string; good: boolean }>(
      db,
      sql`SELECT account_id, journey_key,
            CASE WHEN achieved_on IS NOT NULL AND achieved_on <= ${day}::date THEN achieved_on <= due_on ELSE due_on >= ${day}::date END AS good
          FROM account_milestones WHERE workspace_id = ${ws} ${scope} AND anchor_on <= ${day}::date`,
    )
    for (const row of rows) milestones.set(row.account_id, [...(milestones.get(row.account_id) ?? []), { journey: row.journey_key, good: row.good }])
  }

  const stageOverdueDays = new Map<string, number>()
  if (sources.has('stage_sla')) {
    const rules = await loadClassificationRules(db, ws)
    const sla = new Map(rules.stages.flatMap((stage) => (stage.slaDays ? [[stage.key, stage.slaDays] as const] : [])))
    if (sla.size > 0) {
      const rows = await queryRows<{ account_id: string; group_key: string; entered_on: string }>(
        db,
        sql`SELECT account_id, group_key, (entered_at AT TIME ZONE 'UTC')::date::text AS entered_on FROM account_memberships
            WHERE workspace_id = ${ws} AND family = 'stage' ${scope}`,
      )
      for (const row of rows) {
        const slaDays = sla.get(row.group_key)
        if (slaDays === undefined || row.entered_on > day) continue
        stageOverdueDays.set(row.account_id, Math.max(0, daysBetween(row.entered_on, day) - slaDays))
      }
    }
  }

  const sentiment = new Map<string, number>()
  if (sources.has('sentiment')) {
    const rows = await queryRows<{ account_id: string; sentiment: keyof typeof sentimentPoints }>(
      db,
      sql`SELECT DISTINCT ON (account_id) account_id, sentiment FROM health_sentiments
          WHERE workspace_id = ${ws} ${scope} AND (created_at AT TIME ZONE 'UTC')::date <= ${day}::date AND expires_on > ${day}::date
          ORDER BY account_id, created_at DESC`,
    )
    for (const row of rows) sentiment.set(row.account_id, sentimentPoints[row.sentiment])
  }

  const segments = new Map<string, string[]>()
  if (params.scorecards.some((scorecard) => scorecard.body.appliesTo.segments)) {
    const rows = await queryRows<{ account_id: string; group_key: string }>(
      db,
      sql`SELECT account_id, group_key FROM account_memberships WHERE workspace_id = ${ws} AND family = 'segment' ${scope}`,
    )
    for (const row of rows) segments.set(row.account_id, [...(segments.get(row.account_id) ?? []), row.group_key])
  }
  let usageDays = 0
  if (sources.has('fact')) {
    const first = await firstUsageDay(db, ws)
    if (first && first <= day) usageDays = daysBetween(first, day) + 1
  }
  return { day, facts, paymentFailures, milestones, stageOverdueDays, sentiment, segments, usageDays }
}

/** The value a measure reads for one account, or null (missing). */
function measureValue(measure: Measure, accountId: string, facts: AccountFacts, inputs: Inputs): number | null {
  const source = measure.source
  switch (source.type) {
    case 'fact': {
      if (source.field === 'usage_trend_30d' && inputs.usageDays < USAGE_TREND_DAYS) return null
      if (usageWindowFields.has(source.field) && inputs.usageDays < USAGE_WINDOW_DAYS) return null
      if (source.field === 'days_since_last_activity' || source.field === 'days_since_last_touchpoint') {
        const last = dayText(facts[source.field === 'days_since_last_activity' ? 'last_activity_on' : 'last_touchpoint_on'])
        return last ? Math.max(0, daysBetween(last, inputs.day)) : null
      }
      return numberOf(facts[source.field])
    }
    case 'payment_failures':
      return inputs.paymentFailures ? (inputs.paymentFailures.get(accountId) ?? 0) : null
    case 'milestones': {
      const rows = (inputs.milestones.get(accountId) ?? []).filter((row) => source.journey === undefined || row.journey === source.journey)
      return rows.length === 0 ? null : Math.round((rows.filter((row) => row.good).length / rows.length) * 10_000) / 10_000
    }
    case 'stage_sla':
      return inputs.stageOverdueDays.get(accountId) ?? null
    case 'trait': {
      const value = facts.traits?.[source.key]
      return typeof value === 'number' && Number.isFinite(value) ? value : null
    }
    case 'sentiment':
      return inputs.sentiment.get(accountId) ?? null
  }
}

export type ComputedHealth = ScoreResult & { accountId: string; scorecardKey: string; scorecardVersion: number }

/** Scores a batch of accounts as of `day` (accounts without facts, i.e. deleted, are left out). */
function scoreBatch(inputs: Inputs, scorecards: PublishedScorecard[], accountIds: Iterable<string>): ComputedHealth[] {
  const results: ComputedHealth[] = []
  for (const accountId of accountIds) {
    const facts = inputs.facts.get(accountId)
    if (!facts) continue
    const scorecard = pickScorecard(scorecards, inputs.segments.get(accountId) ?? [])
    if (!scorecard) continue
    const values = new Map<string, number | null>()
    for (const group of scorecard.body.groups) for (const measure of group.measures) values.set(measure.key, measureValue(measure, accountId, facts, inputs))
    results.push({ accountId, scorecardKey: scorecard.key, scorecardVersion: scorecard.version, ...scoreAccount(scorecard.body, values) })
  }
  return results
}


export type WriteResult = { accounts: number; changed: number; bandChanged: number }

/**
 * Recomputes these accounts as of `day` and writes scores, the day's snapshot and domain events.
 * `notComputedSince`: leave alone a score computed at or after this instant (a sweep's chunk must not
 * overwrite a fresher result of the queue).
 */
export async function recomputeAccounts(
  tx: Db,
  params: { workspaceId: string; accountIds: string[]; accountRange?: AccountRange; day: string; scorecards?: PublishedScorecard[]; notComputedSince?: string },
): Promise<WriteResult> {
  const ws = params.workspaceId
  if (params.accountIds.length === 0) return { accounts: 0, changed: 0, bandChanged: 0 }
  const scorecards = params.scorecards ?? (await loadScorecards(tx, ws))
  // `accountRange`, when given, is the slice `accountIds` were listed from: inputs are read by range.
  const inputs = params.accountRange
    ? await loadInputs(tx, { workspaceId: ws, accountRange: params.accountRange, day: params.day, scorecards })
    : await loadInputs(tx, { workspaceId: ws, accountIds: params.accountIds, day: params.day, scorecards })
  // Churned accounts are no longer scored (their past stays in the snapshots).
  const live = params.accountIds.filter((id) => inputs.facts.get(id)?.status !== 'churned')
  const results = scoreBatch(inputs, scorecards, live)
  const scored = new Set(results.map((result) => result.accountId))
  const unscored = params.accountIds.filter((id) => !scored.has(id))
  if (unscored.length > 0) await tx.execute(sql`DELETE FROM health_scores WHERE workspace_id = ${ws} AND account_id = ANY(${idArray(unscored)})`)
  if (results.length === 0) return { accounts: 0, changed: 0, bandChanged: 0 }

  const guard = params.notComputedSince ? sql`WHERE health_scores.computed_at < ${params.notComputedSince}::timestamptz` : sql``
  const rows = results.map((result) => ({ ...result, measures: result.measures }))
  // Upsert and read the previous score in one statement (the CTE sees the rows before the update).
  const written = await queryRows<{ account_id: string; old_score: number | null; old_band: HealthBand | null; had: boolean }>(
    tx,
    sql`WITH input AS (
          SELECT * FROM jsonb_to_recordset(${jsonb(rows)}) AS r("accountId" uuid, "scorecardKey" text, "scorecardVersion" int, "score" numeric, "band" text, "measures" jsonb)),
        previous AS (
          SELECT h.account_id, h.score, h.band FROM health_scores h WHERE h.workspace_id = ${ws} AND h.account_id IN (SELECT "accountId" FROM input)),
        upserted AS (
          INSERT INTO health_scores (workspace_id, account_id, scorecard_key, scorecard_version, score, band, measures, computed_at)
          SELECT ${ws}, "accountId", "scorecardKey", "scorecardVersion", "score", "band", "measures", now() FROM input
          ON CONFLICT (workspace_id, account_id) DO UPDATE SET scorecard_key = excluded.scorecard_key, scorecard_version = excluded.scorecard_version,
            score = excluded.score, band = excluded.band, measures = excluded.measures, computed_at = excluded.computed_at
          ${guard}
          RETURNING account_id)
        SELECT u.account_id, p.score::float8 AS old_score, p.band AS old_band, (p.account_id IS NOT NULL) AS had
        FROM upserted u LEFT JOIN previous p ON p.account_id = u.account_id`,
  )
  const writtenIds = written.map((row) => row.account_id)
  if (writtenIds.length === 0) return { accounts: 0, changed: 0, bandChanged: 0 }
  await tx.execute(sql`
    INSERT INTO health_snapshots (workspace_id, account_id, day, scorecard_key, scorecard_version, score, band, measures)
    SELECT ${ws}, r."accountId", ${params.day}::date, r."scorecardKey", r."scorecardVersion", r."score", r."band", r."measures"
    FROM jsonb_to_recordset(${jsonb(rows)}) AS r("accountId" uuid, "scorecardKey" text, "scorecardVersion" int, "score" numeric, "band" text, "measures" jsonb)
    WHERE r."accountId" = ANY(${idArray(writtenIds)})
    ON CONFLICT (workspace_id, account_id, day) DO UPDATE SET scorecard_key = excluded.scorecard_key, scorecard_version = excluded.scorecard_version,
      score = excluded.score, band = excluded.band, measures = excluded.measures`)

  const byId = new Map(results.map((result) => [result.accountId, result]))
  const events: NewDomainEvent[] = []
  let changed = 0
  let bandChanged = 0
  for (const row of written) {
    const result = byId.get(row.account_id)!
    const from = row.old_score === null ? null : Number(row.old_score)
    if (row.had && from !== null && result.score !== null && Math.abs(result.score - from) >= 1) {
      changed++
      events.push({ workspaceId: ws, type: 'health.changed', accountId: row.account_id, payload: { from, to: result.score, band: result.band, scorecard: result.scorecardKey } })
    }
    if ((row.old_band ?? null) !== result.band) {
      bandChanged++
      events.push({ workspaceId: ws, type: 'health.band_changed', accountId: row.account_id, payload: { from: row.old_band ?? null, to: result.band, score: result.score, scorecard: result.scorecardKey } })
    }
  }
  await recordDomainEvents(tx, events)
  return { accounts: writtenIds.length, changed, bandChanged }
}

export type HealthQueueResult = WriteResult & { workspaceIds: string[] }

/**
 * Claims up to `limit` queued accounts and recomputes them in one transaction with the claim's finish
 * (platform/account-queue.ts). `cooldownMs` debounces busy accounts; the evaluate job passes it.
 */
export async function evaluateQueuedHealth(db: Db, params: { limit: number; today?: string; cooldownMs?: number }): Promise<HealthQueueResult> {
  const day = params.today ?? todayUtc()
  const zero: WriteResult = { accounts: 0, changed: 0, bandChanged: 0 }
  const { claim, counts } = await recomputeClaimed(db, { queue: 'health_evaluation_queue', limit: params.limit, cooldownMs: params.cooldownMs ?? 0 }, zero, (tx, workspaceId, accountIds) =>
    recomputeAccounts(tx, { workspaceId, accountIds, day }),
  )
  return { ...counts, workspaceIds: [...claim.byWorkspace.keys()] }
}

export const hasQueuedHealth = (db: Db) => hasQueuedAccountsIn(db, 'health_evaluation_queue')

export type HealthSweepResult = WriteResult & { ms: number }

/** Slices a sweep runs at once: on PostgreSQL one per core (up to 4), each on its own connection; PGlite has one. */
export const healthSweepLanes = (kind: 'pglite' | 'postgres') => (kind === 'postgres' ? Math.max(1, Math.min(4, os.availableParallelism())) : 1)

/** A workspace's accounts as slices of `size` by id, (after, last], from one index scan. */
export async function accountSlices(db: Db, params: { workspaceId: string; size: number }): Promise<AccountRange[]> {
  const boundaries = await queryRows<{ last: string }>(
    db,
    sql`SELECT id::text AS last FROM (
          SELECT id, row_number() OVER (ORDER BY id) AS n, count(*) OVER () AS total FROM accounts WHERE workspace_id = ${params.workspaceId}) s
        WHERE n % ${params.size} = 0 OR n = total ORDER BY id`,
  )
  return boundaries.map((row, index) => ({ after: index === 0 ? '00000000-0000-0000-0000-000000000000' : boundaries[index - 1]!.last, last: row.last }))
}

/**
 * Recomputes every account of a workspace, a slice of `chunkSize` accounts (by id range) per
 * transaction. `parallel` slices run at once, each on its own connection: on PostgreSQL the facts
 * statement, which is most of the work, then uses as many cores; PGlite has one connection (keep 1).
 */
export async function sweepHealth(
  db: Db,
  params: { workspaceId: string; today?: string; chunkSize?: number; parallel?: number; betweenSlices?: (busyMs: number) => Promise<void> },
): Promise<HealthSweepResult> {
  const started = performance.now()
  const day = params.today ?? todayUtc()
  const chunkSize = params.chunkSize ?? 1000
  const scorecards = await loadScorecards(db, params.workspaceId)
  const result: HealthSweepResult = { accounts: 0, changed: 0, bandChanged: 0, ms: 0 }
  const slices = await accountSlices(db, { workspaceId: params.workspaceId, size: chunkSize })
  let next = 0
  const lane = async () => {
    for (let index = next++; index < slices.length; index = next++) {
      const accountRange = slices[index]!
      const sliceStarted = Date.now()
      const written = await db.transaction(async (tx) => {
        const ids = await queryRows<{ id: string }>(
          tx,
          sql`SELECT id FROM accounts WHERE workspace_id = ${params.workspaceId} AND id > ${accountRange.after}::uuid AND id <= ${accountRange.last}::uuid ORDER BY id`,
        )
        const [now] = await queryRows<{ now: string }>(tx, sql`SELECT now()::text AS now`)
        return recomputeAccounts(tx, { workspaceId: params.workspaceId, accountIds: ids.map((row) => row.id), accountRange, day, scorecards, notComputedSince: now!.now })
      })
      result.accounts += written.accounts
      result.changed += written.changed
      result.bandChanged += written.bandChanged
      await params.betweenSlices?.(Date.now() - sliceStarted)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, params.parallel ?? 1) }, lane))
  result.ms = Math.round(performance.now() - started)
  await db.execute(sql`
    INSERT INTO health_sweeps (workspace_id, swept_at, accounts, ms) VALUES (${params.workspaceId}, now(), ${result.accounts}, ${result.ms})
    ON CONFLICT (workspace_id) DO UPDATE SET swept_at = excluded.swept_at, accounts = excluded.accounts, ms = excluded.ms`)
  return result
}

const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10)

export type HealthBackfillResult = { samples: number; snapshots: number; ms: number }

/**
 * Snapshots for the past `days`, every `stepDays` (weekly by default), computed from the facts as of
 * each day with today's scorecards and segment memberships; an account counts from its creation until
 * its churn date. Existing snapshots are kept. For a workspace created from old data (the demo) and
 * for backtests against renewal outcomes.
 */
export async function backfillHealthSnapshots(db: Db, params: { workspaceId: string; days?: number; stepDays?: number; today?: string }): Promise<HealthBackfillResult> {
  const started = performance.now()
  const ws = params.workspaceId
  const today = params.today ?? todayUtc()
  const step = params.stepDays ?? 7
  const scorecards = await loadScorecards(db, ws)
  if (scorecards.length === 0) return { samples: 0, snapshots: 0, ms: 0 }
  const accounts = await queryRows<{ id: string; created_on: string; churned_at: string | null }>(
    db,
    sql`SELECT id, (created_at AT TIME ZONE 'UTC')::date::text AS created_on, churned_at::text AS churned_at FROM accounts WHERE workspace_id = ${ws}`,
  )
  let samples = 0
  let snapshots = 0
  for (let offset = params.days ?? 90; offset > 0; offset -= step) {
    const day = addDays(today, -offset)
    const alive = accounts.filter((account) => account.created_on <= day && (account.churned_at === null || account.churned_at > day)).map((account) => account.id)
    if (alive.length === 0) continue
    const inputs = await loadInputs(db, { workspaceId: ws, day, scorecards })
    const results = scoreBatch(inputs, scorecards, alive)
    for (let start = 0; start < results.length; start += 2000) {
      const rows = results.slice(start, start + 2000)
      await db.execute(sql`
        INSERT INTO health_snapshots (workspace_id, account_id, day, scorecard_key, scorecard_version, score, band, measures)
        SELECT ${ws}, r."accountId", ${day}::date, r."scorecardKey", r."scorecardVersion", r."score", r."band", r."measures"
        FROM jsonb_to_recordset(${jsonb(rows)}) AS r("accountId" uuid, "scorecardKey" text, "scorecardVersion" int, "score" numeric, "band" text, "measures" jsonb)
        ON CONFLICT DO NOTHING`)
    }
    samples++
    snapshots += results.length
  }
  return { samples, snapshots, ms: Math.round(performance.now() - started) }
}
