import { sql } from 'drizzle-orm'
import { date, doublePrecision, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { accounts } from '../accounts'
import { workspaces } from '../workspaces'

export const churnModelStatuses = ['training', 'ready', 'failed'] as const
export type ChurnModelStatus = (typeof churnModelStatuses)[number]

/** How many examples (or scored accounts) had their window set by a renewal date vs the fallback window. */
export type ChurnWindowCounts = { renewal: number; fallback: number }

/**
 * What a model predicts. `before_next_renewal` (churn.target): churn after the prediction day and no
 * later than `graceDays` after the account's next renewal, or within `fallbackDays` for accounts
 * without any renewal date. `within_days`: models trained before that, which predicted churn within
 * `days` days.
 */
export type ChurnTarget =
  | { kind: 'before_next_renewal'; graceDays: number; fallbackDays: number; examples: ChurnWindowCounts | null; scored: ChurnWindowCounts | null }
  | { kind: 'within_days'; days: number }

export type ChurnHoldoutMetrics = {
  /** The target the model was trained for, kept with the metrics (no column of its own). Absent on models trained for `within_days`. */
  target?: ChurnTarget
  auc: number | null
  prAuc: number | null
  brier: number | null
  positiveRate: number | null
  /** The default scorecard on the same holdout rows (those with a health snapshot at the prediction day). */
  health: { rows: number; healthAuc: number; modelAuc: number } | null
  healthNote: string | null
}

export type ChurnCandidate = { kind: string; cvAuc: number; detail: string }
export type ChurnCalibrationBin = { meanPredicted: number; observedRate: number; count: number }
export type ChurnScoreDriver = { feature: string; label: string; contribution: number; value: string | number | null }

/**
 * One training run of a workspace's churn model and its card. The model itself (plan, coefficients,
 * trees, calibration) is JSON in `model`, dropped for runs older than the last few to keep rows small.
 */
export const churnModels = pgTable(
  'churn_models',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    status: text('status', { enum: churnModelStatuses }).notNull().default('training'),
    trigger: text('trigger').notNull().default('manual'),
    requestedBy: text('requested_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    trainedAt: timestamp('trained_at', { withTimezone: true }),
    /** The day features were computed for when scoring (training looks back from it). */
    asOf: date('as_of', { mode: 'string' }),
    /**
     * Models predicting churn before the next renewal: the fallback window (days) for accounts without
     * a renewal date (the target itself is in `metrics.target`). Older models: churn within this many days.
     */
    horizonDays: integer('horizon_days').notNull().default(90),
    kind: text('kind'),
    features: jsonb('features').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    candidates: jsonb('candidates').$type<ChurnCandidate[]>().notNull().default(sql`'[]'::jsonb`),
    rowsTrain: integer('rows_train'),
    rowsHoldout: integer('rows_holdout'),
    positivesTrain: integer('positives_train'),
    positivesHoldout: integer('positives_holdout'),
    trainFrom: date('train_from', { mode: 'string' }),
    trainTo: date('train_to', { mode: 'string' }),
    holdoutFrom: date('holdout_from', { mode: 'string' }),
    holdoutTo: date('holdout_to', { mode: 'string' }),
    cvAuc: doublePrecision('cv_auc'),
    metrics: jsonb('metrics').$type<ChurnHoldoutMetrics>(),
    calibration: jsonb('calibration').$type<ChurnCalibrationBin[]>().notNull().default(sql`'[]'::jsonb`),
    model: jsonb('model').$type<unknown>(),
    accountsScored: integer('accounts_scored'),
    seconds: doublePrecision('seconds'),
    error: text('error'),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.id] }), index('churn_models_created_idx').on(table.workspaceId, table.createdAt.desc())],
)

/** Each active account's churn probability under one model, with its top drivers. */
export const churnScores = pgTable(
  'churn_scores',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    modelId: uuid('model_id').notNull(),
    accountId: uuid('account_id').notNull(),
    probability: doublePrecision('probability').notNull(),
    drivers: jsonb('drivers').$type<ChurnScoreDriver[]>().notNull(),
    scoredAt: timestamp('scored_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.modelId, table.accountId] }),
    foreignKey({ columns: [table.workspaceId, table.modelId], foreignColumns: [churnModels.workspaceId, churnModels.id] }).onDelete('cascade'),
    foreignKey({ columns: [table.workspaceId, table.accountId], foreignColumns: [accounts.workspaceId, accounts.id] }).onDelete('cascade'),
    index('churn_scores_rank_idx').on(table.workspaceId, table.modelId, table.probability.desc()),
    index('churn_scores_account_idx').on(table.workspaceId, table.accountId),
  ],
)
