import { and, desc, eq, getTableColumns, sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../platform/db'
import { conflict, notFound } from '../../platform/http'
import { getAccount } from '../accounts'
import { churnModels, type ChurnHoldoutMetrics, type ChurnScoreDriver, type ChurnTarget } from './churn.tables'
import { dayNumber, dayText, featureLabel } from './churn.features'
import { addMonthsToDay, defaultTarget, loadRenewalCalendars, nextRenewal } from './churn.target'
import { insertModelRun } from './churn.train'

type ModelRow = typeof churnModels.$inferSelect

/**
 * The model's target: stored with its metrics since the renewal target. A finished model without one
 * predicted churn within `horizonDays`; a queued or failed one is (or was to be) trained for the
 * renewal target with `horizonDays` as its fallback window.
 */
export function modelTarget(row: Pick<ModelRow, 'status' | 'horizonDays' | 'metrics'>): ChurnTarget {
  if (row.metrics?.target) return row.metrics.target
  if (row.status === 'ready') return { kind: 'within_days', days: row.horizonDays }
  return { ...defaultTarget(row.horizonDays), examples: null, scored: null }
}

function cardMetrics(metrics: ChurnHoldoutMetrics | null) {
  if (!metrics) return null
  const { target: _target, ...rest } = metrics
  return rest
}

const iso = (value: Date | string | null) => (value === null ? null : value instanceof Date ? value.toISOString() : new Date(value).toISOString())

export function toModelCard(row: ModelRow) {
  return {
    id: row.id,
    status: row.status,
    trigger: row.trigger,
    createdAt: iso(row.createdAt) ?? '',
    trainedAt: iso(row.trainedAt),
    asOf: row.asOf,
    horizonDays: row.horizonDays,
    target: modelTarget(row),
    kind: row.kind,
    features: row.features.map((key) => ({ key, label: featureLabel(key) })),
    candidates: row.candidates,
    rowsTrain: row.rowsTrain,
    rowsHoldout: row.rowsHoldout,
    positivesTrain: row.positivesTrain,
    positivesHoldout: row.positivesHoldout,
    trainFrom: row.trainFrom,
    trainTo: row.trainTo,
    holdoutFrom: row.holdoutFrom,
    holdoutTo: row.holdoutTo,
    cvAuc: row.cvAuc,
    metrics: cardMetrics(row.metrics),
    calibration: row.calibration,
    accountsScored: row.accountsScored,
    seconds: row.seconds,
    error: row.error,
  }
}

// Every column but the serialized model (it can be large).
const { model: _model, ...cardColumns } = getTableColumns(churnModels)

export async function listModels(db: Db, params: { workspaceId: string; limit: number }) {
  const rows = await db.select(cardColumns).from(churnModels).where(eq(churnModels.workspaceId, params.workspaceId)).orderBy(desc(churnModels.createdAt)).limit(params.limit)
  return { items: rows.map((row) => toModelCard({ ...row, model: null })) }
}

export async function getModel(db: Db, params: { workspaceId: string; modelId: string }) {
  const [row] = await db
    .select(cardColumns)
    .from(churnModels)
    .where(and(eq(churnModels.workspaceId, params.workspaceId), eq(churnModels.id, params.modelId)))
  if (!row) throw notFound('Churn model')
  return toModelCard({ ...row, model: null })
}

/** The newest model that finished training (its scores are the current ones). */
async function currentModel(db: Db, workspaceId: string) {
  const [row] = await db
    .select({
      id: churnModels.id,
      status: churnModels.status,
      kind: churnModels.kind,
      trainedAt: churnModels.trainedAt,
      asOf: churnModels.asOf,
      horizonDays: churnModels.horizonDays,
      metrics: churnModels.metrics,
    })
    .from(churnModels)
    .where(and(eq(churnModels.workspaceId, workspaceId), eq(churnModels.status, 'ready')))
    .orderBy(desc(churnModels.trainedAt))
    .limit(1)
  return row ?? null
}

/** Queues a training run; one at a time per workspace (a run stuck for over an hour no longer blocks). */
export async function requestTraining(db: Db, params: { workspaceId: string; requestedBy: string | null; fallbackDays?: number; trigger: 'manual' | 'schedule' }) {
  const [running] = await queryRows<{ id: string }>(
    db,
    sql`SELECT id FROM churn_models WHERE workspace_id = ${params.workspaceId} AND status = 'training' AND created_at > now() - interval '1 hour' LIMIT 1`,
  )
  if (running) throw conflict(`a churn model is already training (${running.id})`)
  return insertModelRun(db, params)
}

export async function getAccountChurn(db: Db, params: { workspaceId: string; accountId: string }) {
  const account = await getAccount(db, params)
  const model = await currentModel(db, params.workspaceId)
  const [score] = model
    ? await queryRows<{ probability: number; drivers: ChurnScoreDriver[]; scored_at: Date | string }>(
        db,
        sql`SELECT probability, drivers, scored_at FROM churn_scores WHERE workspace_id = ${params.workspaceId} AND model_id = ${model.id} AND account_id = ${params.accountId}`,
      )
    : []
  const target = model ? modelTarget(model) : null
  let renewal: string | null = null
  if (score && target?.kind === 'before_next_renewal' && model?.asOf) {
    // The renewal the score is about: the first after the day it was scored for (churn.target).
    const scoredFor = dayNumber(model.asOf)
    const calendars = await loadRenewalCalendars(db, { workspaceId: params.workspaceId, accountId: params.accountId, from: scoredFor - 1, to: addMonthsToDay(scoredFor, 37) })
    const next = nextRenewal(calendars.get(params.accountId), scoredFor)
    renewal = next === null ? null : dayText(next)
  }
  return {
    accountId: params.accountId,
    probability: score ? Number(score.probability) : null,
    drivers: score?.drivers ?? [],
    renewalDate: account.renewalDate ?? null,
    nextRenewal: renewal,
    scoredAt: score ? iso(score.scored_at) : null,
    model: model ? { id: model.id, kind: model.kind, trainedAt: iso(model.trainedAt), horizonDays: model.horizonDays, target: modelTarget(model), auc: model.metrics?.auc ?? null } : null,
  }
}

export async function listRiskiest(db: Db, params: { workspaceId: string; limit: number; offset: number }) {
  const model = await currentModel(db, params.workspaceId)
  if (!model) return { model: null, total: 0, items: [] }
  const rows = await queryRows<{
    account_id: string
    name: string
    arr: unknown
    renewal_date: unknown
    owner_name: string | null
    probability: number
    drivers: ChurnScoreDriver[]
    total: number
  }>(
    db,
    sql`SELECT s.account_id, a.name, a.arr, a.renewal_date, u.name AS owner_name, s.probability, s.drivers, count(*) OVER ()::int AS total
        FROM churn_scores s
        JOIN accounts a ON a.workspace_id = s.workspace_id AND a.id = s.account_id
        LEFT JOIN users u ON u.workspace_id = a.workspace_id AND u.id = a.owner_id
        WHERE s.workspace_id = ${params.workspaceId} AND s.model_id = ${model.id} AND a.status = 'active'
        ORDER BY s.probability DESC, a.arr DESC, a.id
        LIMIT ${params.limit} OFFSET ${params.offset}`,
  )
  const day = (value: unknown) => (value === null || value === undefined ? null : value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10))
  return {
    model: { id: model.id, kind: model.kind, trainedAt: iso(model.trainedAt), horizonDays: model.horizonDays, target: modelTarget(model) },
    total: rows[0]?.total ?? 0,
    items: rows.map((row) => ({
      accountId: row.account_id,
      name: row.name,
      arr: Number(row.arr),
      renewalDate: day(row.renewal_date),
      ownerName: row.owner_name,
      probability: Number(row.probability),
      drivers: row.drivers,
    })),
  }
}
