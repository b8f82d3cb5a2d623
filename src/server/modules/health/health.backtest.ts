/**
 * Backtest of a scorecard version against what happened next: each account's snapshot at a day T
 * (the latest on or up to 7 days before T), rescored with the version from the stored measure values,
 * against churn within a horizon H after T. "Suggest weights" fits an L2 logistic regression on the
 * measures' points and turns its coefficients into non-negative weights; accepting saves a draft.
 */
import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../platform/db'
import { ProblemError, badRequest, conflict } from '../../platform/http'
import type { AuditActor } from '../audit'
import { fitLogistic, rocAuc } from '../churn'
import { todayUtc } from '../conditions'
import { getDocument, getDocumentVersion, saveDraft } from '../config'
import { loadScorecards } from './health.engine'
import { scoreAccount } from './health.scoring'
import type { HealthBand, StoredMeasure } from './health.tables'
import { SCORECARD_KIND, ScorecardBodySchema, scorecardConfigKind, type ScorecardBody } from './scorecard.config'

const DAY_MS = 86_400_000
const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10)
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits
const aucOrNull = (value: number) => (Number.isFinite(value) ? round(value, 3) : null)
const kinds = [scorecardConfigKind]

/** A snapshot may be this many days older than T (snapshots are weekly when backfilled). */
export const SNAPSHOT_WINDOW_DAYS = 7
/** Eight weeks: long enough for churn to show, short enough that the demo's quarter of usage history covers T. */
export const DEFAULT_HORIZON_DAYS = 56
/** Below this many churned accounts an AUC is noise. */
export const MIN_CHURNED = 10
export const MIN_ACCOUNTS = 30

export type BacktestScorecard = { key: string; name: string; version: number; status: string; body: ScorecardBody }

/** The version asked for, else the published one, else the open draft; 404 naming `scorecard` or `version`. */
export async function loadScorecardVersion(db: Db, params: { workspaceId: string; key: string; version?: number }): Promise<BacktestScorecard> {
  const ref = { kinds, workspaceId: params.workspaceId, kind: SCORECARD_KIND, key: params.key }
  let row
  try {
    row = params.version !== undefined ? (await getDocumentVersion(db, { ...ref, version: params.version })).row : undefined
    if (!row) {
      const view = await getDocument(db, ref)
      row = view.published ?? view.draft ?? undefined
    }
  } catch (error) {
    if (error instanceof ProblemError && error.status === 404) {
      const field = params.version !== undefined && (error.errors ?? []).some((issue) => issue.field === 'version') ? 'version' : 'scorecard'
      throw new ProblemError(404, 'Not Found', field === 'version' ? `Scorecard "${params.key}" has no version ${params.version}` : `No scorecard "${params.key}"`, [
        { field, message: field === 'version' ? 'no such version' : 'no scorecard with this key' },
      ])
    }
    throw error
  }
  if (!row) throw new ProblemError(404, 'Not Found', `No scorecard "${params.key}"`, [{ field: 'scorecard', message: 'no scorecard with this key' }])
  const parsed = ScorecardBodySchema.safeParse(row.body)
  if (!parsed.success) throw badRequest('version', 'this version no longer matches the scorecard schema')
  return { key: row.key, name: parsed.data.name, version: row.version, status: row.status, body: parsed.data }
}

/** The scorecard a backtest looks at when none is named: the published default one (else the first tried). */
export async function defaultScorecardKey(db: Db, workspaceId: string): Promise<string | null> {
  const scorecards = await loadScorecards(db, workspaceId)
  return (scorecards.find((scorecard) => scorecard.body.appliesTo.default === true) ?? scorecards[0])?.key ?? null
}

type Row = { accountId: string; day: string; values: Map<string, number | null>; churned: 0 | 1; contracted: boolean; arrLost: number }

type Window = { workspaceId: string; key: string; at: string; horizonDays: number }

/** Snapshots at T of the scorecard's accounts that were still customers at T, with their outcome in (T, T+H]. */
async function loadRows(db: Db, params: Window): Promise<Row[]> {
  const ws = params.workspaceId
  const from = addDays(params.at, -SNAPSHOT_WINDOW_DAYS)
  const end = addDays(params.at, params.horizonDays)
  const snapshots = await queryRows<{ account_id: string; day: string; measures: StoredMeasure[] }>(
    db,
    sql`SELECT DISTINCT ON (s.account_id) s.account_id, s.day::text AS day, s.measures FROM health_snapshots s
        WHERE s.workspace_id = ${ws} AND s.scorecard_key = ${params.key} AND s.day <= ${params.at}::date AND s.day >= ${from}::date
        ORDER BY s.account_id, s.day DESC`,
  )
  if (snapshots.length === 0) return []
  // Churn from every place it is recorded: outcomes, the revenue ledger, the account itself.
  // ARR lost takes the larger of the outcome's and the ledger's figure (both may describe the same event).
  const outcomes = await queryRows<{ account_id: string; churned_before: boolean; churned: boolean; contracted: boolean; lost: number | null }>(
    db,
    sql`WITH events AS (
          SELECT account_id, occurred_on AS day, kind = 'churned' AS churn, 'outcome' AS source, coalesce(arr_before, 0) - coalesce(arr_after, 0) AS lost
            FROM account_outcomes WHERE workspace_id = ${ws} AND kind IN ('churned', 'contracted') AND occurred_on > ${from}::date AND occurred_on <= ${end}::date
          UNION ALL
          SELECT account_id, effective_date, kind = 'churn', 'ledger', -arr_delta
            FROM revenue_movements WHERE workspace_id = ${ws} AND kind IN ('churn', 'contraction') AND effective_date > ${from}::date AND effective_date <= ${end}::date
          UNION ALL
          SELECT id, churned_at, true, 'account', 0 FROM accounts WHERE workspace_id = ${ws} AND churned_at > ${from}::date AND churned_at <= ${end}::date)
        SELECT account_id,
          bool_or(churn AND day <= ${params.at}::date) AS churned_before,
          bool_or(churn AND day > ${params.at}::date) AS churned,
          bool_or(NOT churn AND day > ${params.at}::date) AS contracted,
          greatest(coalesce(sum(lost) FILTER (WHERE churn AND source = 'outcome' AND day > ${params.at}::date), 0),
                   coalesce(sum(lost) FILTER (WHERE churn AND source = 'ledger' AND day > ${params.at}::date), 0))::float8 AS lost
        FROM events GROUP BY account_id`,
  )
  const byAccount = new Map(outcomes.map((row) => [row.account_id, row]))
  const rows: Row[] = []
  for (const snapshot of snapshots) {
    const outcome = byAccount.get(snapshot.account_id)
    if (outcome?.churned_before) continue
    const values = new Map(snapshot.measures.map((measure) => [measure.key, measure.missing ? null : measure.value]))
    rows.push({ accountId: snapshot.account_id, day: snapshot.day, values, churned: outcome?.churned ? 1 : 0, contracted: outcome?.contracted === true, arrLost: outcome?.churned ? Math.max(0, Number(outcome.lost ?? 0)) : 0 })
  }
  return rows
}

type Scored = { score: number; band: HealthBand; row: Row; points: Map<string, number | null> }

function rescore(body: ScorecardBody, rows: Row[]): Scored[] {
  return rows.flatMap((row) => {
    const result = scoreAccount(body, row.values)
    if (result.score === null || result.band === null) return []
    return [{ score: result.score, band: result.band, row, points: new Map(result.measures.map((measure) => [measure.key, measure.missing ? null : measure.points])) }]
  })
}

/** AUC of the score as a churn predictor: a low score means risk, so the score is inverted. */
const scoreAuc = (scored: { score: number; churned: number }[]) =>
  rocAuc(
    scored.map((entry) => -entry.score),
    scored.map((entry) => entry.churned),
  )

export type BacktestWindow = { at: string; horizonDays: number; horizonEnd: string }

/** Defaults: H = 56 days; T = the latest snapshot day whose whole horizon has passed. */
async function resolveWindow(db: Db, params: { workspaceId: string; key: string; at?: string; horizonDays?: number; today: string }): Promise<BacktestWindow> {
  const horizonDays = params.horizonDays ?? DEFAULT_HORIZON_DAYS
  let at = params.at
  if (!at) {
    const latest = addDays(params.today, -horizonDays)
    const [row] = await queryRows<{ day: string | null }>(
      db,
      sql`SELECT max(day)::text AS day FROM health_snapshots WHERE workspace_id = ${params.workspaceId} AND scorecard_key = ${params.key} AND day <= ${latest}::date`,
    )
    at = row?.day ?? latest
  }
  return { at, horizonDays, horizonEnd: addDays(at, horizonDays) }
}

/** Why the answer cannot be trusted yet, in words (null when it can). */
async function missingHistory(db: Db, params: Window & { today: string; accounts: number; churned: number; horizonEnd: string }): Promise<string | null> {
  const reasons: string[] = []
  if (params.accounts === 0) {
    const [range] = await queryRows<{ first: string | null; last: string | null }>(
      db,
      sql`SELECT min(day)::text AS first, max(day)::text AS last FROM health_snapshots WHERE workspace_id = ${params.workspaceId} AND scorecard_key = ${params.key}`,
    )
    reasons.push(
      range?.first
        ? `no health snapshots of this scorecard from ${addDays(params.at, -SNAPSHOT_WINDOW_DAYS)} to ${params.at}: snapshots cover ${range.first} to ${range.last}`
        : 'no health snapshots of this scorecard yet: they are taken daily from the first score on',
    )
  } else if (params.accounts < MIN_ACCOUNTS) reasons.push(`needs ${MIN_ACCOUNTS - params.accounts} more accounts with a snapshot at ${params.at} (has ${params.accounts} of ${MIN_ACCOUNTS})`)
  if (params.horizonEnd > params.today) reasons.push(`the horizon ends ${params.horizonEnd}, after today: outcomes are complete only for dates up to ${addDays(params.today, -params.horizonDays)}`)
  if (params.accounts > 0 && params.churned < MIN_CHURNED)
    reasons.push(`needs ${MIN_CHURNED - params.churned} more churned accounts (${params.churned} of ${MIN_CHURNED} churned within ${params.horizonDays} days after ${params.at})`)
  if (params.accounts > 0 && params.churned > 0 && params.churned === params.accounts) reasons.push('every account churned: there is nothing to tell apart')
  return reasons.length > 0 ? `${reasons.join('; ')}.` : null
}

export type BacktestBand = { band: HealthBand; accounts: number; churned: number; churnRate: number | null; contracted: number; arrLost: number }
export type BacktestMeasure = {
  key: string
  name: string
  group: string
  /** AUC of the measure's points as scored (low points = risk); below 0.5 the scoring points the wrong way. */
  auc: number | null
  /** What the raw values show: which way is safer (null without signal to tell). */
  direction: 'higher is safer' | 'lower is safer' | null
  accounts: number
  missingShare: number
  /** Missing among the accounts that churned: far above missingShare means the input disappears with churn (e.g. facts read from today's state). */
  missingShareChurned: number | null
}
export type CalibrationRow = { decile: number; fromScore: number; toScore: number; meanScore: number; accounts: number; churned: number; churnRate: number }
export type Backtest = {
  scorecard: { key: string; name: string; version: number; status: string }
  at: string
  horizonDays: number
  horizonEnd: string
  snapshotDay: string | null
  accounts: number
  churned: number
  churnRate: number | null
  auc: number | null
  /** Churn rate of red over green (null when either is empty or green has no churn). */
  redVsGreen: number | null
  bands: BacktestBand[]
  measures: BacktestMeasure[]
  calibration: CalibrationRow[]
  enough: boolean
  missing: string | null
}

export type BacktestParams = { workspaceId: string; scorecard?: string; version?: number; at?: string; horizonDays?: number; today?: string }

async function prepare(db: Db, params: BacktestParams) {
  const today = params.today ?? todayUtc()
  const key = params.scorecard ?? (await defaultScorecardKey(db, params.workspaceId))
  if (!key) throw new ProblemError(404, 'Not Found', 'No published scorecard to backtest', [{ field: 'scorecard', message: 'no published scorecard' }])
  const scorecard = await loadScorecardVersion(db, { workspaceId: params.workspaceId, key, version: params.version })
  const window = await resolveWindow(db, { workspaceId: params.workspaceId, key, at: params.at, horizonDays: params.horizonDays, today })
  const rows = await loadRows(db, { workspaceId: params.workspaceId, key, at: window.at, horizonDays: window.horizonDays })
  const scored = rescore(scorecard.body, rows)
  const churned = scored.filter((entry) => entry.row.churned === 1).length
  const missing = await missingHistory(db, { workspaceId: params.workspaceId, key, ...window, today, accounts: scored.length, churned })
  return { today, scorecard, window, rows, scored, churned, missing }
}

const measureList = (body: ScorecardBody) => body.groups.flatMap((group) => group.measures.map((measure) => ({ ...measure, group: group.key, groupWeight: group.weight })))

export async function runBacktest(db: Db, params: BacktestParams): Promise<Backtest> {
  const { scorecard, window, scored, churned, missing } = await prepare(db, params)
  const labelled = scored.map((entry) => ({ score: entry.score, churned: entry.row.churned }))
  const auc = scored.length > 0 ? scoreAuc(labelled) : Number.NaN
  const bands: BacktestBand[] = (['red', 'yellow', 'green'] as const).map((band) => {
    const inBand = scored.filter((entry) => entry.band === band)
    const bandChurned = inBand.filter((entry) => entry.row.churned === 1)
    return {
      band,
      accounts: inBand.length,
      churned: bandChurned.length,
      churnRate: inBand.length > 0 ? round(bandChurned.length / inBand.length, 4) : null,
      contracted: inBand.filter((entry) => entry.row.contracted).length,
      arrLost: round(bandChurned.reduce((sum, entry) => sum + entry.row.arrLost, 0), 2),
    }
  })
  const red = bands[0]!.churnRate
  const green = bands[2]!.churnRate
  const measures: BacktestMeasure[] = measureList(scorecard.body).map((measure) => {
    const present = scored.filter((entry) => entry.points.get(measure.key) !== null && entry.points.get(measure.key) !== undefined)
    const labels = present.map((entry) => entry.row.churned)
    const pointsAuc = rocAuc(
      present.map((entry) => -(entry.points.get(measure.key) as number)),
      labels,
    )
    // Raw values: AUC of the value as a churn predictor; above 0.5, higher values churn more.
    const valueAuc = rocAuc(
      present.map((entry) => entry.row.values.get(measure.key) as number),
      labels,
    )
    const direction = !Number.isFinite(valueAuc) || Math.abs(valueAuc - 0.5) < 0.02 ? null : valueAuc > 0.5 ? 'lower is safer' : 'higher is safer'
    return {
      key: measure.key,
      name: measure.name,
      group: measure.group,
      auc: aucOrNull(pointsAuc),
      direction,
      accounts: present.length,
      missingShare: scored.length > 0 ? round(1 - present.length / scored.length, 4) : 1,
      missingShareChurned: churned > 0 ? round(1 - labels.filter((label) => label === 1).length / churned, 4) : null,
    }
  })
  const days = new Map<string, number>()
  for (const entry of scored) days.set(entry.row.day, (days.get(entry.row.day) ?? 0) + 1)
  const snapshotDay = [...days.entries()].sort((left, right) => right[1] - left[1] || right[0].localeCompare(left[0]))[0]?.[0] ?? null
  return {
    scorecard: { key: scorecard.key, name: scorecard.name, version: scorecard.version, status: scorecard.status },
    ...window,
    snapshotDay,
    accounts: scored.length,
    churned,
    churnRate: scored.length > 0 ? round(churned / scored.length, 4) : null,
    auc: aucOrNull(auc),
    redVsGreen: red !== null && green !== null && green > 0 ? round(red / green, 2) : null,
    bands,
    measures,
    calibration: calibration(labelled),
    enough: missing === null,
    missing,
  }
}

/** Accounts in ten groups of (nearly) equal size by score, lowest first, with the churn each saw. */
function calibration(scored: { score: number; churned: number }[]): CalibrationRow[] {
  const sorted = [...scored].sort((left, right) => left.score - right.score)
  const groups = Math.min(10, sorted.length)
  const rows: CalibrationRow[] = []
  for (let decile = 0; decile < groups; decile++) {
    const slice = sorted.slice(Math.floor((decile * sorted.length) / groups), Math.floor(((decile + 1) * sorted.length) / groups))
    if (slice.length === 0) continue
    const churned = slice.reduce((sum, entry) => sum + entry.churned, 0)
    rows.push({
      decile: decile + 1,
      fromScore: slice[0]!.score,
      toScore: slice[slice.length - 1]!.score,
      meanScore: round(slice.reduce((sum, entry) => sum + entry.score, 0) / slice.length, 1),
      accounts: slice.length,
      churned,
      churnRate: round(churned / slice.length, 4),
    })
  }
  return rows
}

// ----- suggested weights -----

/** Standardized features need a moderate penalty; λ = 1 is scikit-learn's C = 1. */
const LAMBDA = 1
const FOLDS = 5
/** Measures present for fewer accounts than this share are left as they are (nothing to learn from). */
const MIN_PRESENT_SHARE = 0.1

export type WeightChange = { key: string; name: string; group: string; before: number; after: number; coefficient: number | null; flag: 'wrong direction' | 'not enough data' | null }
export type SuggestedWeights = {
  scorecard: { key: string; name: string; version: number; status: string }
  at: string
  horizonDays: number
  accounts: number
  churned: number
  enough: boolean
  missing: string | null
  aucBefore: number | null
  /** Out of fold: each fold scored with weights fitted on the other folds. */
  aucAfter: number | null
  validation: string
  /** Effective shares (%) of every measure, before and after. */
  measures: WeightChange[]
  groups: { key: string; name: string; before: number; after: number }[]
  /** The configuration weights to save (accept): group weights and measure weights within their group. */
  weights: { groups: Record<string, number>; measures: Record<string, number> } | null
}

/** Each measure's share of the score when nothing is missing. */
function sharesOf(body: ScorecardBody): Map<string, number> {
  const total = body.groups.reduce((sum, group) => sum + group.weight, 0)
  const shares = new Map<string, number>()
  for (const group of body.groups) {
    const inGroup = group.measures.reduce((sum, measure) => sum + measure.weight, 0)
    for (const measure of group.measures) shares.set(measure.key, (group.weight / total) * (measure.weight / inGroup))
  }
  return shares
}

type Fit = { shares: Map<string, number>; coefficients: Map<string, number>; flags: Map<string, WeightChange['flag']> }

/**
 * Fits churn ~ standardized points (+ a missing indicator where a measure is sometimes missing) and
 * maps each points coefficient to a share: −β/sd (a point's effect on the log-odds), 0 when positive
 * (more points went with more churn). Measures without data keep their share; the measures with data
 * share out what they had before.
 */
function fitShares(body: ScorecardBody, entries: Scored[]): Fit {
  const before = sharesOf(body)
  const measures = measureList(body)
  const flags = new Map<string, WeightChange['flag']>()
  const columns: { key: string; mean: number; sd: number; indicator: boolean }[] = []
  for (const measure of measures) {
    const present = entries.map((entry) => entry.points.get(measure.key)).filter((value): value is number => typeof value === 'number')
    const mean = present.reduce((sum, value) => sum + value, 0) / Math.max(present.length, 1)
    const sd = Math.sqrt(present.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(present.length, 1))
    if (present.length < MIN_PRESENT_SHARE * entries.length || sd < 1e-6) {
      flags.set(measure.key, 'not enough data')
      continue
    }
    columns.push({ key: measure.key, mean, sd, indicator: present.length < 0.95 * entries.length })
  }
  const width = columns.length + columns.filter((column) => column.indicator).length
  const x = new Float64Array(entries.length * width)
  entries.forEach((entry, index) => {
    let offset = index * width
    for (const column of columns) {
      const value = entry.points.get(column.key)
      // Missing → the mean (0 once standardized), with its indicator set.
      x[offset++] = typeof value === 'number' ? (value - column.mean) / column.sd : 0
      if (column.indicator) x[offset++] = typeof value === 'number' ? 0 : 1
    }
  })
  const model = width > 0 ? fitLogistic(x, width, Float64Array.from(entries.map((entry) => entry.row.churned)), { lambda: LAMBDA }) : { intercept: 0, coef: [] }
  const coefficients = new Map<string, number>()
  const raw = new Map<string, number>()
  let index = 0
  for (const column of columns) {
    const beta = model.coef[index]!
    index += column.indicator ? 2 : 1
    coefficients.set(column.key, beta)
    if (beta >= 0) flags.set(column.key, 'wrong direction')
    raw.set(column.key, Math.max(0, -beta) / column.sd)
  }
  const shares = new Map(before)
  const pool = columns.reduce((sum, column) => sum + before.get(column.key)!, 0)
  const rawTotal = [...raw.values()].reduce((sum, value) => sum + value, 0)
  if (rawTotal > 0) for (const column of columns) shares.set(column.key, (pool * raw.get(column.key)!) / rawTotal)
  return { shares, coefficients, flags }
}

/** Shares → configuration weights: a group weighs its measures' shares (in %), a measure its own share; zero becomes 0.1 (weights must be positive). */
function weightsFromShares(body: ScorecardBody, shares: Map<string, number>): { groups: Record<string, number>; measures: Record<string, number> } {
  const groups: Record<string, number> = {}
  const measures: Record<string, number> = {}
  for (const group of body.groups) {
    groups[group.key] = Math.max(0.1, round(100 * group.measures.reduce((sum, measure) => sum + (shares.get(measure.key) ?? 0), 0), 1))
    for (const measure of group.measures) measures[measure.key] = Math.max(0.1, round(100 * (shares.get(measure.key) ?? 0), 1))
  }
  return { groups, measures }
}

export function applyWeights(body: ScorecardBody, weights: { groups?: Record<string, number>; measures?: Record<string, number> }): ScorecardBody {
  return {
    ...body,
    groups: body.groups.map((group) => ({
      ...group,
      weight: weights.groups?.[group.key] ?? group.weight,
      measures: group.measures.map((measure) => ({ ...measure, weight: weights.measures?.[measure.key] ?? measure.weight })),
    })),
  }
}

/** Stratified folds: each class dealt round-robin in account-id order (deterministic). */
function foldsOf(entries: Scored[]): number[] {
  const folds = new Array<number>(entries.length).fill(0)
  const order = entries.map((entry, index) => ({ id: entry.row.accountId, index, churned: entry.row.churned })).sort((left, right) => left.id.localeCompare(right.id))
  const dealt = [0, 0]
  for (const item of order) folds[item.index] = dealt[item.churned]!++ % FOLDS
  return folds
}

export async function suggestWeights(db: Db, params: BacktestParams): Promise<SuggestedWeights> {
  const { scorecard, window, scored, churned, missing } = await prepare(db, params)
  const base = {
    scorecard: { key: scorecard.key, name: scorecard.name, version: scorecard.version, status: scorecard.status },
    at: window.at,
    horizonDays: window.horizonDays,
    accounts: scored.length,
    churned,
    enough: missing === null,
    missing,
    validation: `${FOLDS}-fold cross-validation`,
  }
  const before = sharesOf(scorecard.body)
  const measures = measureList(scorecard.body)
  if (missing !== null) {
    return {
      ...base,
      aucBefore: null,
      aucAfter: null,
      measures: measures.map((measure) => ({ key: measure.key, name: measure.name, group: measure.group, before: round(100 * before.get(measure.key)!, 1), after: round(100 * before.get(measure.key)!, 1), coefficient: null, flag: null })),
      groups: [],
      weights: null,
    }
  }
  // Out of fold: fit on four fifths, rescore the last fifth with the fitted weights.
  const folds = foldsOf(scored)
  const outOfFold: { score: number; churned: number }[] = []
  for (let fold = 0; fold < FOLDS; fold++) {
    const train = scored.filter((_, index) => folds[index] !== fold)
    const test = scored.filter((_, index) => folds[index] === fold)
    if (test.length === 0) continue
    const fitted = applyWeights(scorecard.body, weightsFromShares(scorecard.body, fitShares(scorecard.body, train).shares))
    for (const entry of rescore(fitted, test.map((item) => item.row))) outOfFold.push({ score: entry.score, churned: entry.row.churned })
  }
  const fit = fitShares(scorecard.body, scored)
  const weights = weightsFromShares(scorecard.body, fit.shares)
  const after = sharesOf(applyWeights(scorecard.body, weights))
  return {
    ...base,
    aucBefore: aucOrNull(scoreAuc(scored.map((entry) => ({ score: entry.score, churned: entry.row.churned })))),
    aucAfter: aucOrNull(scoreAuc(outOfFold)),
    measures: measures.map((measure) => ({
      key: measure.key,
      name: measure.name,
      group: measure.group,
      before: round(100 * before.get(measure.key)!, 1),
      after: round(100 * after.get(measure.key)!, 1),
      coefficient: fit.coefficients.has(measure.key) ? round(fit.coefficients.get(measure.key)!, 4) : null,
      flag: fit.flags.get(measure.key) ?? null,
    })),
    groups: scorecard.body.groups.map((group) => ({
      key: group.key,
      name: group.name,
      before: round(100 * group.measures.reduce((sum, measure) => sum + before.get(measure.key)!, 0), 1),
      after: round(100 * group.measures.reduce((sum, measure) => sum + after.get(measure.key)!, 0), 1),
    })),
    weights,
  }
}

export type AcceptedWeights = { key: string; version: number; status: 'draft'; url: string }

/**
 * Saves the scorecard with these weights as a draft (never published). It starts from `version` (default:
 * the published one); an open draft is replaced only when it is that version.
 */
export async function acceptWeights(
  db: Db,
  params: { workspaceId: string; actor: AuditActor; scorecard: string; version?: number; weights: { groups?: Record<string, number>; measures?: Record<string, number> }; comment?: string },
): Promise<AcceptedWeights> {
  const base = await loadScorecardVersion(db, { workspaceId: params.workspaceId, key: params.scorecard, version: params.version })
  const groupKeys = new Set(base.body.groups.map((group) => group.key))
  const measureKeys = new Set(measureList(base.body).map((measure) => measure.key))
  for (const key of Object.keys(params.weights.groups ?? {})) if (!groupKeys.has(key)) throw badRequest(`weights.groups.${key}`, `scorecard "${base.key}" has no group "${key}"`)
  for (const key of Object.keys(params.weights.measures ?? {})) if (!measureKeys.has(key)) throw badRequest(`weights.measures.${key}`, `scorecard "${base.key}" has no measure "${key}"`)
  const view = await getDocument(db, { kinds, workspaceId: params.workspaceId, kind: SCORECARD_KIND, key: base.key })
  if (view.draft && view.draft.version !== base.version)
    throw conflict(`scorecard "${base.key}" has an open draft (version ${view.draft.version}); publish or discard it, or backtest that draft`, 'scorecard')
  const saved = await saveDraft(db, {
    kinds,
    workspaceId: params.workspaceId,
    actor: params.actor,
    kind: SCORECARD_KIND,
    key: base.key,
    body: applyWeights(base.body, params.weights),
    comment: params.comment?.trim() || `Weights suggested by the backtest of version ${base.version}`,
  })
  return { key: base.key, version: saved.draft!.version, status: 'draft', url: `/configuration/scorecard/${encodeURIComponent(base.key)}` }
}
