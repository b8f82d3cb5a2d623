/**
 * Trains a workspace's churn model on its own history and scores every customer with it.
 *
 * Examples: on prediction days every `stepDays` back from (today − grace − step), every account that
 * was a customer then, with its features as of that day (churn.features) and the label "churned
 * before (or at) its next renewal after that day" (churn.target: a churned outcome, a churn in the
 * revenue ledger or the account's churn date, after the day and at most `graceDays` after the renewal
 * date in force on it; accounts without any renewal date: within `fallbackDays`). Each example has its
 * own label window; one that has not closed before today is left out (its label is not known yet).
 * Holdout: the newest prediction days (about a quarter of the rows used, splitByTime); the model is
 * chosen (folds by account) and fitted on older examples whose label windows close before the
 * holdout starts, so nothing it learns comes from the holdout's future; the newest of those days
 * recalibrate its probabilities. The default scorecard is
 * measured on the same holdout rows when health snapshots exist for those days. Scores are the
 * probability of churn before each account's current next renewal.
 */
import { and, desc, eq, notInArray, sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../platform/db'
import { todayUtc } from '../conditions'
import { addDays, dayNumber, featureLabel, featuresAsOf, historyStarts, type AccountFeatures } from './churn.features'
import { churnModels, churnScores, type ChurnHoldoutMetrics, type ChurnScoreDriver, type ChurnTarget, type ChurnWindowCounts } from './churn.tables'
import { defaultTarget, FALLBACK_DAYS, labelWindow, loadLabeller, type LabelWindow } from './churn.target'
import type { RawRow } from './learners/features'
import { averagePrecision, brierScore, calibrationTable, rocAuc } from './learners/metrics'
import { fitPlatt } from './learners/calibration'
import { churnLogits, explainChurn, predictChurn, trainChurnModel, type ChurnModel } from './learners/model'
import { seededRng, shuffleInPlace } from './learners/random'

export type TrainParams = {
  workspaceId: string
  modelId: string
  today?: string
  /** The window for accounts without any renewal date (default FALLBACK_DAYS). */
  fallbackDays?: number
  stepDays?: number
  /** Most prediction days (the oldest are dropped; default 24). */
  maxDays?: number
  seed?: number
  onProgress?: (message: string) => void
}

/** Models whose scores (and serialized model) are kept; older cards stay, without them. */
export const KEEP_MODELS = 5
const DRIVERS = 4
/** Most rows the learners fit on (all churns, sampled non-churns). */
const MAX_FIT_ROWS = 8000

function sampleSeeded<T>(items: T[], count: number, seed: number): T[] {
  if (items.length <= count) return items
  const copy = [...items]
  shuffleInPlace(copy, seededRng(seed))
  return copy.slice(0, count)
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve))
const round = (value: number, digits = 4) => (Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : null)

/** One (prediction day, account) example; `end` is the last day of its label window (day number). */
export type Example = { accountId: string; day: string; label: number; end: number; source: LabelWindow['source']; row: RawRow }

export type TimeSplit<T> = { holdout: T[]; train: T[]; holdoutDays: string[]; gap: boolean }

/**
 * Holdout: the newest prediction days, until they hold a quarter of the rows used (holdout and
 * training). Training: older examples whose label window closed before the holdout's first day —
 * their labels were known before anything the holdout is scored on happened (an older example whose
 * renewal falls after that day is used for neither). Short histories with under 10 such churns train
 * on every older example instead (`gap` false: their windows then overlap the holdout period; the
 * card says so).
 */
export function splitByTime<T extends { day: string; end: number; label: number }>(examples: T[]): TimeSplit<T> {
  const rowsByDay = new Map<string, number>()
  for (const example of examples) rowsByDay.set(example.day, (rowsByDay.get(example.day) ?? 0) + 1)
  const newestFirst = [...rowsByDay.keys()].sort().reverse()
  const holdoutDays = new Set<string>()
  let holdoutRows = 0
  for (const day of newestFirst) {
    holdoutDays.add(day)
    holdoutRows += rowsByDay.get(day) ?? 0
    const start = dayNumber(day)
    const trainable = examples.filter((example) => example.end < start && dayNumber(example.day) < start).length
    if (holdoutRows >= (holdoutRows + trainable) / 4) break
  }
  const sortedHoldout = [...holdoutDays].sort()
  const holdoutStart = sortedHoldout.length > 0 ? dayNumber(sortedHoldout[0]) : Number.POSITIVE_INFINITY
  const holdout = examples.filter((example) => holdoutDays.has(example.day))
  const older = examples.filter((example) => !holdoutDays.has(example.day))
  const closed = older.filter((example) => example.end < holdoutStart)
  if (closed.filter((example) => example.label === 1).length >= 10) return { holdout, train: closed, holdoutDays: sortedHoldout, gap: true }
  return { holdout, train: older, holdoutDays: sortedHoldout, gap: false }
}

export class NotEnoughHistory extends Error {}

export type TrainResult = { modelId: string; kind: string; auc: number | null; healthAuc: number | null; accountsScored: number; seconds: number; target: ChurnTarget }

const countWindows = (sources: LabelWindow['source'][]): ChurnWindowCounts => ({
  renewal: sources.filter((source) => source === 'renewal').length,
  fallback: sources.filter((source) => source === 'fallback').length,
})

export async function trainChurnForWorkspace(db: Db, params: TrainParams): Promise<TrainResult> {
  const started = Date.now()
  const { workspaceId, modelId } = params
  const today = params.today ?? todayUtc()
  const target = defaultTarget(params.fallbackDays ?? FALLBACK_DAYS)
  const step = params.stepDays ?? 14
  const progress = params.onProgress ?? (() => undefined)
  const starts = await historyStarts(db, workspaceId)
  // Tickets and touchpoints carry most of the signal: prediction days start once they are recorded
  // (a ledger often goes back years further; days before would teach the model nothing about them).
  const first = starts.activity ?? starts.ledger
  if (!first) throw new NotEnoughHistory('no history yet: the model learns from revenue movements, tickets and touchpoints')
  const earliest = dayNumber(first) + 30
  // The newest day whose accounts renewing in the following `step` days have had their grace period.
  const latest = dayNumber(today) - target.graceDays - step
  const days: string[] = []
  for (let day = latest; day >= earliest && days.length < (params.maxDays ?? 24); day -= step) days.push(addDays(today, day - dayNumber(today)))
  if (days.length < 2) {
    throw new NotEnoughHistory(
      `not enough history: prediction days need a month of data before them and their next renewal (plus ${target.graceDays} days' grace) passed before today (history starts ${first})`,
    )
  }

  const labeller = await loadLabeller(db, { workspaceId, from: days[days.length - 1], to: today, target })
  const todayNumber = dayNumber(today)
  const examples: Example[] = []
  let open = 0
  for (const day of days) {
    const d = dayNumber(day)
    for (const account of await featuresAsOf(db, { workspaceId, day, starts })) {
      const accountChurns = labeller.churns.get(account.accountId) ?? []
      // Churned in the year before (an outcome the ledger may not show): not a customer to predict for.
      if (accountChurns.some((churn) => churn <= d && churn > d - 365)) continue
      const labelled = labeller.label(account.accountId, day)
      // Its renewal (plus grace) is today or later: whether it churns before it is not known yet.
      if (labelled.end >= todayNumber) {
        open++
        continue
      }
      examples.push({ accountId: account.accountId, day, label: labelled.label, end: labelled.end, source: labelled.source, row: account.row })
    }
    await yieldToLoop()
  }
  const exampleWindows = countWindows(examples.map((example) => example.source))
  progress(
    `${examples.length} examples on ${days.length} prediction days (${days[days.length - 1]} to ${days[0]}): ${exampleWindows.renewal} labelled up to the next renewal, ${exampleWindows.fallback} by the ${target.fallbackDays}-day fallback; ${open} left out (their renewal is still to come)`,
  )

  const { holdout, train, holdoutDays, gap } = splitByTime(examples)
  const trainPositives = train.filter((example) => example.label === 1).length
  const holdoutPositives = holdout.filter((example) => example.label === 1).length
  if (trainPositives < 5 || train.length - trainPositives < 5) {
    throw new NotEnoughHistory(`too few churns to learn from: ${trainPositives} of ${train.length} training examples churned before their next renewal (need at least 5)`)
  }

  // The newest training days (about a quarter of the training rows, never the oldest day) calibrate:
  // scores on days the model was not fitted on, closest in time to the holdout and to today.
  const trainDays = [...new Set(train.map((example) => example.day))].sort()
  const calibrationDays = new Set<string>()
  let calibrationCount = 0
  for (const day of [...trainDays].reverse().slice(0, Math.max(0, trainDays.length - 1))) {
    if (calibrationCount >= train.length / 4) break
    calibrationDays.add(day)
    calibrationCount += train.filter((example) => example.day === day).length
  }
  let fit = train.filter((example) => !calibrationDays.has(example.day))
  const calibrationRows = train.filter((example) => calibrationDays.has(example.day))
  const calibrate = calibrationRows.some((example) => example.label === 1) && fit.filter((example) => example.label === 1).length >= 5
  if (!calibrate) fit = train
  // Negatives beyond MAX_FIT_ROWS are sampled (every churn kept): the fit stays within a minute or two;
  // the calibration on untouched days puts the probabilities back on the true base rate.
  const fitPositives = fit.filter((example) => example.label === 1)
  const fitNegatives = fit.filter((example) => example.label === 0)
  if (calibrate && fit.length > MAX_FIT_ROWS) {
    const keep = Math.max(MAX_FIT_ROWS - fitPositives.length, fitPositives.length)
    fit = [...fitPositives, ...sampleSeeded(fitNegatives, keep, params.seed ?? 42)]
  }

  const featureColumns = [...new Set(fit.flatMap((example) => Object.keys(example.row)))]
  await yieldToLoop()
  const model = trainChurnModel(
    fit.map((example) => example.row),
    fit.map((example) => example.label),
    featureColumns,
    // Folds by account: an account is on many prediction days, mostly with the same label (it churns
    // at one renewal), so folds that split its days would reward recognizing it.
    { seed: params.seed ?? 42, onProgress: progress, groups: fit.map((example) => example.accountId) },
  )
  if (calibrate) {
    model.calibration = fitPlatt(
      churnLogits(
        model,
        calibrationRows.map((example) => example.row),
      ),
      calibrationRows.map((example) => example.label),
    )
    progress(`calibrated on ${calibrationRows.length} rows of ${calibrationDays.size} later training days`)
  }
  await yieldToLoop()

  const labels = holdout.map((example) => example.label)
  const probabilities = holdout.length > 0 ? predictChurn(model, holdout.map((example) => example.row)) : new Float64Array(0)
  const metrics: ChurnHoldoutMetrics = {
    auc: round(rocAuc(probabilities, labels)),
    prAuc: round(averagePrecision(probabilities, labels)),
    brier: round(brierScore(probabilities, labels)),
    positiveRate: holdout.length > 0 ? round(holdoutPositives / holdout.length) : null,
    health: null,
    healthNote: null,
  }
  const withHealth = holdout.map((example, index) => ({ index, score: example.row.health_score })).filter((item): item is { index: number; score: number } => typeof item.score === 'number')
  const healthLabels = withHealth.map((item) => labels[item.index])
  const healthAuc = rocAuc(
    withHealth.map((item) => 100 - item.score),
    healthLabels,
  )
  if (!starts.healthSnapshots) metrics.healthNote = 'n/a: no health scores in this installation'
  else if (withHealth.length === 0) metrics.healthNote = 'n/a: no health snapshots on the holdout’s prediction days'
  else if (!Number.isFinite(healthAuc)) metrics.healthNote = `n/a: the ${withHealth.length} holdout rows with a health score have only one outcome`
  else {
    const modelAuc = rocAuc(
      withHealth.map((item) => probabilities[item.index]),
      healthLabels,
    )
    metrics.health = { rows: withHealth.length, healthAuc: round(healthAuc) ?? 0, modelAuc: round(modelAuc) ?? 0 }
  }
  if (!gap) metrics.healthNote = [metrics.healthNote, 'short history: training label windows overlap the holdout period'].filter(Boolean).join('; ')

  // Score every current customer: the probability of churn before its current next renewal.
  const current = await featuresAsOf(db, { workspaceId, day: today, starts })
  const active = new Set(
    (await queryRows<{ id: string }>(db, sql`SELECT id FROM accounts WHERE workspace_id = ${workspaceId} AND status = 'active'`)).map((row) => row.id),
  )
  const scored = current.filter((account) => active.has(account.accountId))
  const scores = scoreAccounts(model, scored)
  const modelTarget: ChurnTarget = {
    ...target,
    examples: exampleWindows,
    scored: countWindows(scored.map((account) => labelWindow(labeller.calendars.get(account.accountId), todayNumber, target).source)),
  }
  metrics.target = modelTarget
  await db.transaction(async (tx) => {
    for (let offset = 0; offset < scores.length; offset += 500) {
      const chunk = scores.slice(offset, offset + 500)
      await tx.insert(churnScores).values(chunk.map((score) => ({ workspaceId, modelId, accountId: score.accountId, probability: score.probability, drivers: score.drivers })))
    }
    const seconds = (Date.now() - started) / 1000
    await tx
      .update(churnModels)
      .set({
        status: 'ready',
        trainedAt: new Date(),
        asOf: today,
        horizonDays: target.fallbackDays,
        kind: model.kind,
        features: model.columns.filter((column) => column.kind !== 'ignored').map((column) => column.name),
        candidates: model.candidates.map((candidate) => ({ ...candidate, cvAuc: round(candidate.cvAuc) ?? 0 })),
        rowsTrain: fit.length,
        rowsHoldout: holdout.length,
        positivesTrain: fitPositives.length,
        positivesHoldout: holdoutPositives,
        trainFrom: train.map((example) => example.day).sort()[0],
        trainTo: train.map((example) => example.day).sort().at(-1),
        holdoutFrom: holdoutDays[0],
        holdoutTo: holdoutDays.at(-1),
        cvAuc: round(model.cvAuc),
        metrics,
        calibration: holdout.length > 0 ? calibrationTable(probabilities, labels, 10).map((bin) => ({ meanPredicted: round(bin.meanPredicted) ?? 0, observedRate: round(bin.observedRate) ?? 0, count: bin.count })) : [],
        model,
        accountsScored: scores.length,
        seconds: round(seconds, 2),
        error: null,
      })
      .where(and(eq(churnModels.workspaceId, workspaceId), eq(churnModels.id, modelId)))
  })
  await pruneOldModels(db, workspaceId)
  const seconds = (Date.now() - started) / 1000
  progress(`${model.kind}: holdout AUC ${metrics.auc}, ${scores.length} accounts scored in ${seconds.toFixed(1)} s`)
  return { modelId, kind: model.kind, auc: metrics.auc, healthAuc: metrics.health?.healthAuc ?? null, accountsScored: scores.length, seconds, target: modelTarget }
}

export function scoreAccounts(model: ChurnModel, accounts: AccountFeatures[]): { accountId: string; probability: number; drivers: ChurnScoreDriver[] }[] {
  if (accounts.length === 0) return []
  const rows = accounts.map((account) => account.row)
  const probabilities = predictChurn(model, rows)
  const drivers = explainChurn(model, rows, DRIVERS)
  return accounts.map((account, index) => ({
    accountId: account.accountId,
    probability: Math.min(1, Math.max(0, probabilities[index])),
    drivers: drivers[index].map((driver) => {
      const value = account.row[driver.column]
      return {
        feature: driver.column,
        label: featureLabel(driver.column),
        contribution: round(driver.contribution) ?? 0,
        value: typeof value === 'boolean' ? String(value) : (value ?? null),
      }
    }),
  }))
}

/** Scores and serialized models of all but the newest KEEP_MODELS ready models go; the cards stay. */
async function pruneOldModels(db: Db, workspaceId: string): Promise<void> {
  const keep = await db
    .select({ id: churnModels.id })
    .from(churnModels)
    .where(and(eq(churnModels.workspaceId, workspaceId), eq(churnModels.status, 'ready')))
    .orderBy(desc(churnModels.trainedAt))
    .limit(KEEP_MODELS)
  const ids = keep.map((row) => row.id)
  if (ids.length === 0) return
  await db.delete(churnScores).where(and(eq(churnScores.workspaceId, workspaceId), notInArray(churnScores.modelId, ids)))
  await db
    .update(churnModels)
    .set({ model: null })
    .where(and(eq(churnModels.workspaceId, workspaceId), notInArray(churnModels.id, ids), sql`${churnModels.model} IS NOT NULL`))
}

/** Runs a queued training: a failure is written on the card (never thrown at the job system for bad data). */
export async function runQueuedTraining(db: Db, params: { workspaceId: string; modelId: string; onProgress?: (message: string) => void }): Promise<TrainResult | null> {
  const [row] = await db
    .select({ status: churnModels.status, horizonDays: churnModels.horizonDays })
    .from(churnModels)
    .where(and(eq(churnModels.workspaceId, params.workspaceId), eq(churnModels.id, params.modelId)))
  if (!row || row.status !== 'training') return null
  try {
    // For these models the column holds the fallback window (churn.tables).
    return await trainChurnForWorkspace(db, { ...params, fallbackDays: row.horizonDays })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    await db
      .update(churnModels)
      .set({ status: 'failed', error: message, trainedAt: new Date() })
      .where(and(eq(churnModels.workspaceId, params.workspaceId), eq(churnModels.id, params.modelId)))
    if (error instanceof NotEnoughHistory) return null
    throw error
  }
}

/** A card in status `training`; `fallbackDays` (default FALLBACK_DAYS) is kept in the horizon_days column. */
export async function insertModelRun(db: Db, params: { workspaceId: string; trigger: 'manual' | 'schedule'; requestedBy: string | null; fallbackDays?: number }): Promise<string> {
  const [row] = await db
    .insert(churnModels)
    .values({ workspaceId: params.workspaceId, trigger: params.trigger, requestedBy: params.requestedBy, horizonDays: params.fallbackDays ?? FALLBACK_DAYS })
    .returning({ id: churnModels.id })
  return row.id
}
