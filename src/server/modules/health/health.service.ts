/** Reading health for people: one account's score explained, its trend, why it moved, sentiments, the portfolio. */
import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../platform/db'
import { badRequest, notFound } from '../../platform/http'
import { conditionFields } from '../../../shared/conditions'
import { todayUtc } from '../conditions'
import { loadClassificationRules } from '../segments'
import { loadScorecards, recomputeAccounts, type PublishedScorecard } from './health.engine'
import { explainChange } from './health.scoring'
import type { HealthBand, SentimentValue, StoredMeasure } from './health.tables'
import { healthBands } from './health.tables'
import type { Measure, MeasureSource, ScorecardBody } from './scorecard.config'

const DAY_MS = 86_400_000
const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10)
const iso = (value: Date | string) => new Date(value).toISOString()
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits

/** What a measure reads, in words. */
export function describeSource(source: MeasureSource): string {
  switch (source.type) {
    case 'fact':
      if (source.field === 'days_since_last_activity') return 'Days since the last product activity'
      if (source.field === 'days_since_last_touchpoint') return 'Days since the last touchpoint'
      return conditionFields[source.field].label
    case 'payment_failures':
      return 'Open payment failures (Stripe)'
    case 'milestones':
      return source.journey ? `Share of "${source.journey}" milestones done or on track` : 'Share of milestones done or on track'
    case 'stage_sla':
      return 'Days past the lifecycle stage’s SLA'
    case 'trait':
      return `Custom field ${source.key}`
    case 'sentiment':
      return 'CSM sentiment (negative 0, neutral 50, positive 100)'
  }
}

type MeasureDefinition = { key: string; name: string; description: string | null; source: string; group: string; groupName: string }

function measureDefinitions(body: ScorecardBody | undefined): Map<string, MeasureDefinition> {
  const out = new Map<string, MeasureDefinition>()
  for (const group of body?.groups ?? []) {
    for (const measure of group.measures as Measure[]) {
      out.set(measure.key, { key: measure.key, name: measure.name, description: measure.description ?? null, source: describeSource(measure.source), group: group.key, groupName: group.name })
    }
  }
  return out
}

async function requireAccount(db: Db, params: { workspaceId: string; accountId: string }): Promise<{ id: string; name: string; queued: boolean; status: string }> {
  const [account] = await queryRows<{ id: string; name: string; queued: boolean; status: string }>(
    db,
    sql`SELECT a.id, a.name, a.status, EXISTS (SELECT 1 FROM health_evaluation_queue q WHERE q.workspace_id = a.workspace_id AND q.account_id = a.id AND q.done_at IS NULL) AS queued
        FROM accounts a WHERE a.workspace_id = ${params.workspaceId} AND a.id = ${params.accountId}`,
  )
  if (!account) throw notFound('Account')
  return account
}

type ScoreRow = { scorecard_key: string; scorecard_version: number; score: number | null; band: HealthBand | null; measures: StoredMeasure[]; computed_at: Date | string }

async function scoreRow(db: Db, params: { workspaceId: string; accountId: string }): Promise<ScoreRow | undefined> {
  const [row] = await queryRows<ScoreRow>(
    db,
    sql`SELECT scorecard_key, scorecard_version, score::float8 AS score, band, measures, computed_at FROM health_scores WHERE workspace_id = ${params.workspaceId} AND account_id = ${params.accountId}`,
  )
  return row
}

/** Recomputes one account now (taking it off the queue), so a page never shows a stale score. */
export async function recomputeAccountNow(db: Db, params: { workspaceId: string; accountId: string }): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`DELETE FROM health_evaluation_queue WHERE workspace_id = ${params.workspaceId} AND account_id = ${params.accountId} AND claimed_at IS NULL`)
    await recomputeAccounts(tx, { workspaceId: params.workspaceId, accountIds: [params.accountId], day: todayUtc() })
  })
}

export type HealthMeasureView = MeasureDefinition & { value: number | null; points: number | null; weight: number; effectiveWeight: number; missing: boolean }
export type HealthGroupView = { key: string; name: string; weight: number; effectiveWeight: number; points: number | null; missing: boolean; measures: HealthMeasureView[] }
export type SentimentView = { id: string; sentiment: SentimentValue; comment: string | null; expiresOn: string; createdAt: string; authorName: string | null; active: boolean }
export type AccountHealth = {
  accountId: string
  score: number | null
  band: HealthBand | null
  scorecard: { key: string; name: string; version: number; bands: { red: number; yellow: number } } | null
  computedAt: string | null
  groups: HealthGroupView[]
  missing: number
  sentiments: SentimentView[]
}

export async function getAccountHealth(db: Db, params: { workspaceId: string; accountId: string }): Promise<AccountHealth> {
  const account = await requireAccount(db, params)
  let row = await scoreRow(db, params)
  if (account.queued || (!row && account.status !== 'churned')) {
    await recomputeAccountNow(db, params)
    row = await scoreRow(db, params)
  }
  const sentiments = await listSentiments(db, { ...params, limit: 5 })
  if (!row) return { accountId: account.id, score: null, band: null, scorecard: null, computedAt: null, groups: [], missing: 0, sentiments }
  const scorecards = await loadScorecards(db, params.workspaceId)
  const scorecard = scorecards.find((candidate) => candidate.key === row.scorecard_key)
  const definitions = measureDefinitions(scorecard?.body)
  const groups: HealthGroupView[] = (scorecard?.body.groups ?? []).map((group) => {
    const measures = row.measures
      .filter((measure) => measure.group === group.key)
      .map((measure) => ({
        ...(definitions.get(measure.key) ?? { key: measure.key, name: measure.key, description: null, source: '', group: group.key, groupName: group.name }),
        value: measure.value,
        points: measure.points,
        weight: measure.weight,
        effectiveWeight: measure.effectiveWeight,
        missing: measure.missing,
      }))
    const effectiveWeight = measures.reduce((sum, measure) => sum + measure.effectiveWeight, 0)
    const points = effectiveWeight > 0 ? round(measures.reduce((sum, measure) => sum + (measure.points ?? 0) * measure.effectiveWeight, 0) / effectiveWeight, 1) : null
    return { key: group.key, name: group.name, weight: group.weight, effectiveWeight: round(effectiveWeight, 4), points, missing: effectiveWeight === 0, measures }
  })
  return {
    accountId: account.id,
    score: row.score === null ? null : Number(row.score),
    band: row.band,
    scorecard: scorecard ? { key: scorecard.key, name: scorecard.body.name, version: row.scorecard_version, bands: scorecard.body.bands } : null,
    computedAt: iso(row.computed_at),
    groups,
    missing: row.measures.filter((measure) => measure.missing).length,
    sentiments,
  }
}

export type HealthHistory = { bands: { red: number; yellow: number } | null; points: { day: string; score: number | null; band: HealthBand | null }[] }

/** Daily snapshots of the last `days` days (days without one are absent: the backfill samples weekly). */
export async function getHealthHistory(db: Db, params: { workspaceId: string; accountId: string; days: number }): Promise<HealthHistory> {
  await requireAccount(db, params)
  const today = todayUtc()
  const rows = await queryRows<{ day: string; score: number | null; band: HealthBand | null; scorecard_key: string }>(
    db,
    sql`SELECT day::text AS day, score::float8 AS score, band, scorecard_key FROM health_snapshots
        WHERE workspace_id = ${params.workspaceId} AND account_id = ${params.accountId} AND day > ${addDays(today, -params.days)}::date
        ORDER BY day`,
  )
  const scorecards = await loadScorecards(db, params.workspaceId)
  const latest = rows[rows.length - 1]
  const scorecard = scorecards.find((candidate) => candidate.key === latest?.scorecard_key) ?? scorecards[0]
  return { bands: scorecard?.body.bands ?? null, points: rows.map((row) => ({ day: row.day, score: row.score === null ? null : Number(row.score), band: row.band })) }
}

export type HealthExplanation = {
  from: { day: string; score: number | null; band: HealthBand | null } | null
  to: { day: string; score: number | null; band: HealthBand | null } | null
  change: number | null
  contributions: {
    key: string
    name: string
    group: string
    groupName: string
    fromValue: number | null
    toValue: number | null
    fromPoints: number | null
    toPoints: number | null
    fromWeight: number
    toWeight: number
    contribution: number
  }[]
}

type SnapshotRow = { day: string; score: number | null; band: HealthBand | null; measures: StoredMeasure[]; scorecard_key: string }

async function snapshotOnOrBefore(db: Db, params: { workspaceId: string; accountId: string; day: string }): Promise<SnapshotRow | undefined> {
  const [row] = await queryRows<SnapshotRow>(
    db,
    sql`SELECT day::text AS day, score::float8 AS score, band, measures, scorecard_key FROM health_snapshots
        WHERE workspace_id = ${params.workspaceId} AND account_id = ${params.accountId} AND day <= ${params.day}::date
        ORDER BY day DESC LIMIT 1`,
  )
  return row
}

/**
 * Why the score moved between two days: each measure's Δ(points × effective weight) between the
 * snapshots in force on those days (the latest on or before each). They sum to the score change.
 */
export async function explainHealth(db: Db, params: { workspaceId: string; accountId: string; from?: string; to?: string }): Promise<HealthExplanation> {
  await requireAccount(db, params)
  const today = todayUtc()
  const toDay = params.to ?? today
  const fromDay = params.from ?? addDays(toDay, -30)
  if (fromDay > toDay) throw badRequest('from', 'must be on or before to')
  const [before, after] = [await snapshotOnOrBefore(db, { ...params, day: fromDay }), await snapshotOnOrBefore(db, { ...params, day: toDay })]
  const scorecards = await loadScorecards(db, params.workspaceId)
  const definitionsFor = (key: string | undefined) => measureDefinitions(scorecards.find((scorecard: PublishedScorecard) => scorecard.key === key)?.body)
  const definitions = new Map([...definitionsFor(before?.scorecard_key), ...definitionsFor(after?.scorecard_key)])
  const contributions = explainChange(before?.measures ?? [], after?.measures ?? []).map((part) => {
    const definition = definitions.get(part.key)
    return {
      ...part,
      name: definition?.name ?? part.key,
      groupName: definition?.groupName ?? part.group,
      fromValue: before?.measures.find((measure) => measure.key === part.key)?.value ?? null,
      toValue: after?.measures.find((measure) => measure.key === part.key)?.value ?? null,
    }
  })
  const view = (row: SnapshotRow | undefined) => (row ? { day: row.day, score: row.score === null ? null : Number(row.score), band: row.band } : null)
  const change = before?.score !== null && before?.score !== undefined && after?.score !== null && after?.score !== undefined ? round(Number(after.score) - Number(before.score), 2) : null
  return { from: view(before), to: view(after), change, contributions }
}

export async function listSentiments(db: Db, params: { workspaceId: string; accountId: string; limit: number }): Promise<SentimentView[]> {
  const today = todayUtc()
  const rows = await queryRows<{ id: string; sentiment: SentimentValue; comment: string | null; expires_on: string; created_at: Date | string; author_name: string | null }>(
    db,
    sql`SELECT s.id, s.sentiment, s.comment, s.expires_on::text AS expires_on, s.created_at, u.name AS author_name
        FROM health_sentiments s LEFT JOIN users u ON u.workspace_id = s.workspace_id AND u.id = s.author_id
        WHERE s.workspace_id = ${params.workspaceId} AND s.account_id = ${params.accountId}
        ORDER BY s.created_at DESC LIMIT ${params.limit}`,
  )
  // Only the latest unexpired one counts.
  let counted = false
  return rows.map((row) => {
    const active = !counted && row.expires_on > today
    if (active) counted = true
    return { id: row.id, sentiment: row.sentiment, comment: row.comment, expiresOn: row.expires_on, createdAt: iso(row.created_at), authorName: row.author_name, active }
  })
}

/** A CSM records a sentiment; the account is rescored at once (the trigger also queues it). */
export async function addSentiment(
  db: Db,
  params: { workspaceId: string; accountId: string; authorId: string | null; sentiment: SentimentValue; comment: string | null; expiresOn?: string },
): Promise<SentimentView> {
  await requireAccount(db, params)
  const today = todayUtc()
  const expiresOn = params.expiresOn ?? addDays(today, 90)
  if (expiresOn <= today) throw badRequest('expiresOn', 'must be after today')
  if (expiresOn > addDays(today, 366)) throw badRequest('expiresOn', 'must be within a year')
  const [row] = await queryRows<{ id: string }>(
    db,
    sql`INSERT INTO health_sentiments (workspace_id, account_id, author_id, sentiment, comment, expires_on)
        VALUES (${params.workspaceId}, ${params.accountId}, ${params.authorId}, ${params.sentiment}, ${params.comment}, ${expiresOn}::date) RETURNING id`,
  )
  await recomputeAccountNow(db, params)
  const [view] = (await listSentiments(db, { ...params, limit: 20 })).filter((sentiment) => sentiment.id === row!.id)
  return view!
}

type BandCounts = Record<HealthBand, { accounts: number; arr: number }>
const emptyBands = (): BandCounts => ({ red: { accounts: 0, arr: 0 }, yellow: { accounts: 0, arr: 0 }, green: { accounts: 0, arr: 0 } })

export type HealthMover = { accountId: string; name: string; arr: number; ownerName: string | null; from: number; to: number; change: number; band: HealthBand | null }
export type HealthPortfolio = {
  accounts: number
  scored: number
  unscored: number
  averageScore: number | null
  bands: BandCounts
  arrAtRisk: { red: number; yellow: number }
  segments: { key: string; name: string; accounts: number; averageScore: number | null; bands: BandCounts }[]
  movers: { since: string; up: HealthMover[]; down: HealthMover[] }
  missing: { key: string; name: string; accounts: number }[]
  queued: number
}

/** Distribution by band (overall and per segment), ARR at risk, biggest movers over 7 days, measures most often missing. */
export async function getHealthPortfolio(db: Db, params: { workspaceId: string; moversLimit: number }): Promise<HealthPortfolio> {
  const ws = params.workspaceId
  const since = addDays(todayUtc(), -7)
  const bandRows = await queryRows<{ band: HealthBand | null; accounts: number; arr: number; score_sum: number | null }>(
    db,
    sql`SELECT h.band, count(*)::int AS accounts, coalesce(sum(a.arr), 0)::float8 AS arr, sum(h.score)::float8 AS score_sum
        FROM accounts a LEFT JOIN health_scores h ON h.workspace_id = a.workspace_id AND h.account_id = a.id
        WHERE a.workspace_id = ${ws} AND a.status = 'active'
        GROUP BY h.band`,
  )
  const bands = emptyBands()
  let accounts = 0
  let scored = 0
  let scoreSum = 0
  for (const row of bandRows) {
    accounts += row.accounts
    if (row.band === null) continue
    bands[row.band] = { accounts: row.accounts, arr: Number(row.arr) }
    scored += row.accounts
    scoreSum += Number(row.score_sum ?? 0)
  }
  const rules = await loadClassificationRules(db, ws)
  const segmentRows = await queryRows<{ group_key: string; band: HealthBand; accounts: number; arr: number; score_sum: number }>(
    db,
    sql`SELECT m.group_key, h.band, count(*)::int AS accounts, coalesce(sum(a.arr), 0)::float8 AS arr, sum(h.score)::float8 AS score_sum
        FROM account_memberships m
        JOIN accounts a ON a.workspace_id = m.workspace_id AND a.id = m.account_id AND a.status = 'active'
        JOIN health_scores h ON h.workspace_id = m.workspace_id AND h.account_id = m.account_id AND h.band IS NOT NULL
        WHERE m.workspace_id = ${ws} AND m.family = 'segment'
        GROUP BY m.group_key, h.band`,
  )
  const segments = rules.segments.map((segment) => {
    const rows = segmentRows.filter((row) => row.group_key === segment.key)
    const counts = emptyBands()
    for (const row of rows) counts[row.band] = { accounts: row.accounts, arr: Number(row.arr) }
    const total = rows.reduce((sum, row) => sum + row.accounts, 0)
    return { key: segment.key, name: segment.name, accounts: total, averageScore: total > 0 ? round(rows.reduce((sum, row) => sum + Number(row.score_sum), 0) / total, 1) : null, bands: counts }
  })
  const moverRows = await queryRows<{ account_id: string; name: string; arr: number; owner_name: string | null; from_score: number; to_score: number; band: HealthBand | null }>(
    db,
    sql`SELECT a.id AS account_id, a.name, a.arr::float8 AS arr, u.name AS owner_name, s.score::float8 AS from_score, h.score::float8 AS to_score, h.band
        FROM health_scores h
        JOIN accounts a ON a.workspace_id = h.workspace_id AND a.id = h.account_id AND a.status = 'active'
        LEFT JOIN users u ON u.workspace_id = a.workspace_id AND u.id = a.owner_id
        JOIN LATERAL (
          SELECT score FROM health_snapshots p WHERE p.workspace_id = h.workspace_id AND p.account_id = h.account_id AND p.day <= ${since}::date
          ORDER BY p.day DESC LIMIT 1) s ON s.score IS NOT NULL
        WHERE h.workspace_id = ${ws} AND h.score IS NOT NULL AND h.score <> s.score`,
  )
  const movers = moverRows.map((row) => ({
    accountId: row.account_id,
    name: row.name,
    arr: Number(row.arr),
    ownerName: row.owner_name,
    from: Number(row.from_score),
    to: Number(row.to_score),
    change: round(Number(row.to_score) - Number(row.from_score), 2),
    band: row.band,
  }))
  const up = movers.filter((mover) => mover.change > 0).sort((left, right) => right.change - left.change || right.arr - left.arr).slice(0, params.moversLimit)
  const down = movers.filter((mover) => mover.change < 0).sort((left, right) => left.change - right.change || right.arr - left.arr).slice(0, params.moversLimit)
  const missingRows = await queryRows<{ key: string; accounts: number }>(
    db,
    sql`SELECT m ->> 'key' AS key, count(*)::int AS accounts
        FROM health_scores h JOIN accounts a ON a.workspace_id = h.workspace_id AND a.id = h.account_id AND a.status = 'active'
        CROSS JOIN LATERAL jsonb_array_elements(h.measures) AS m
        WHERE h.workspace_id = ${ws} AND (m ->> 'missing')::boolean
        GROUP BY 1 ORDER BY 2 DESC`,
  )
  const scorecards = await loadScorecards(db, ws)
  const names = new Map<string, string>()
  for (const scorecard of scorecards) for (const [key, definition] of measureDefinitions(scorecard.body)) if (!names.has(key)) names.set(key, definition.name)
  const [queue] = await queryRows<{ queued: number }>(db, sql`SELECT count(DISTINCT account_id)::int AS queued FROM health_evaluation_queue WHERE workspace_id = ${ws} AND done_at IS NULL`)
  return {
    accounts,
    scored,
    unscored: accounts - scored,
    averageScore: scored > 0 ? round(scoreSum / scored, 1) : null,
    bands,
    arrAtRisk: { red: bands.red.arr, yellow: bands.yellow.arr },
    segments,
    movers: { since, up, down },
    missing: missingRows.map((row) => ({ key: row.key, name: names.get(row.key) ?? row.key, accounts: row.accounts })),
    queued: queue?.queued ?? 0,
  }
}

export type HealthStatus = { accounts: number; scored: number; queued: number; scorecards: number; lastSweep: { at: string; accounts: number; ms: number } | null }

export async function getHealthStatus(db: Db, params: { workspaceId: string }): Promise<HealthStatus> {
  const ws = params.workspaceId
  const [row] = await queryRows<{ accounts: number; scored: number; queued: number; swept_at: Date | string | null; swept: number | null; ms: number | null }>(
    db,
    sql`SELECT (SELECT count(*)::int FROM accounts WHERE workspace_id = ${ws}) AS accounts,
          (SELECT count(*)::int FROM health_scores WHERE workspace_id = ${ws}) AS scored,
          (SELECT count(DISTINCT account_id)::int FROM health_evaluation_queue WHERE workspace_id = ${ws} AND done_at IS NULL) AS queued,
          s.swept_at, s.accounts AS swept, s.ms
        FROM (SELECT 1) one LEFT JOIN health_sweeps s ON s.workspace_id = ${ws}`,
  )
  const scorecards = await loadScorecards(db, ws)
  return {
    accounts: row?.accounts ?? 0,
    scored: row?.scored ?? 0,
    queued: row?.queued ?? 0,
    scorecards: scorecards.length,
    lastSweep: row?.swept_at ? { at: iso(row.swept_at), accounts: row.swept ?? 0, ms: row.ms ?? 0 } : null,
  }
}

export { healthBands }
