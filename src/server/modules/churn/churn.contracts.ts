import { z } from '@hono/zod-openapi'
import { churnModelStatuses } from './churn.tables'

const Driver = z.object({
  feature: z.string(),
  label: z.string(),
  contribution: z.number().describe('Effect on the log-odds of churn: positive raises the risk'),
  value: z.union([z.string(), z.number()]).nullable().describe("The account's value of the feature"),
})

const WindowCounts = z.object({ renewal: z.number().int().describe('Windows ending at the next renewal (plus grace)'), fallback: z.number().int().describe('Windows of fallbackDays (accounts without any renewal date)') })

export const ChurnTargetSchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('before_next_renewal').describe("Churn after the prediction day and before (or at) the account's next renewal in force on that day"),
      graceDays: z.number().int().describe('A churn up to this many days after the renewal date still counts (lapsed renewals are often booked late)'),
      fallbackDays: z.number().int().describe('Accounts without any renewal date (no subscription end, renewal date or renewal outcome): churn within this many days'),
      examples: WindowCounts.nullable().describe('Training and holdout examples by how their label window was set; null until trained'),
      scored: WindowCounts.nullable().describe('Scored accounts by how their window is set today; null until trained'),
    }),
    z.object({
      kind: z.literal('within_days').describe('Models trained before the renewal target: churn within `days` days of the prediction day'),
      days: z.number().int(),
    }),
  ])
  .openapi('ChurnTarget')

const ModelSummary = {
  id: z.string(),
  kind: z.string().nullable(),
  trainedAt: z.string().nullable(),
  horizonDays: z.number().int().describe('Deprecated: see target (the fallback window of before_next_renewal models; the window of within_days models)'),
  target: ChurnTargetSchema,
}

export const ChurnModelCardSchema = z
  .object({
    id: z.string(),
    status: z.enum(churnModelStatuses),
    trigger: z.string(),
    createdAt: z.string(),
    trainedAt: z.string().nullable(),
    asOf: z.string().nullable(),
    horizonDays: z.number().int().describe('Deprecated: see target (the fallback window of before_next_renewal models; the window of within_days models)'),
    target: ChurnTargetSchema.describe('What the model predicts: churn before the next renewal (or, for older models, within a number of days)'),
    kind: z.string().nullable(),
    features: z.array(z.object({ key: z.string(), label: z.string() })),
    candidates: z.array(z.object({ kind: z.string(), cvAuc: z.number(), detail: z.string() })).describe('Every candidate model with its cross-validated AUC: why this kind won'),
    rowsTrain: z.number().int().nullable(),
    rowsHoldout: z.number().int().nullable(),
    positivesTrain: z.number().int().nullable(),
    positivesHoldout: z.number().int().nullable(),
    trainFrom: z.string().nullable(),
    trainTo: z.string().nullable(),
    holdoutFrom: z.string().nullable(),
    holdoutTo: z.string().nullable(),
    cvAuc: z.number().nullable(),
    metrics: z
      .object({
        auc: z.number().nullable(),
        prAuc: z.number().nullable(),
        brier: z.number().nullable(),
        positiveRate: z.number().nullable(),
        health: z.object({ rows: z.number().int(), healthAuc: z.number(), modelAuc: z.number() }).nullable().describe('Model vs the default scorecard (risk = 100 − health score) on the same holdout rows'),
        healthNote: z.string().nullable(),
      })
      .nullable(),
    calibration: z.array(z.object({ meanPredicted: z.number(), observedRate: z.number(), count: z.number().int() })),
    accountsScored: z.number().int().nullable(),
    seconds: z.number().nullable(),
    error: z.string().nullable(),
  })
  .openapi('ChurnModelCard')

export const ChurnModelListSchema = z.object({ items: z.array(ChurnModelCardSchema) }).openapi('ChurnModelList')

export const TrainBody = z.object({
  fallbackDays: z
    .number()
    .int()
    .min(30)
    .max(730)
    .optional()
    .describe("The model predicts churn before each account's next renewal; for accounts without any renewal date, churn within this many days (default 365)"),
  horizonDays: z.number().int().min(30).max(730).optional().describe('Deprecated alias of fallbackDays'),
})

export const TrainAcceptedSchema = z.object({ modelId: z.string(), jobId: z.string().nullable(), status: z.enum(churnModelStatuses) }).openapi('ChurnTrainAccepted')

export const AccountChurnSchema = z
  .object({
    accountId: z.string(),
    probability: z
      .number()
      .nullable()
      .describe("Calibrated probability that the account churns before (or at) its next renewal (see model.target); null when no model has scored the account"),
    drivers: z.array(Driver),
    renewalDate: z.string().nullable().describe("The account's renewal date as recorded on the account"),
    nextRenewal: z
      .string()
      .nullable()
      .describe(
        'The renewal the probability is about: the first after the day the model scored (from subscriptions, the renewal date or renewal outcomes, stepped by the term). Null when not scored, for within_days models, or when the account has no renewal date at all (then the fallback window applies)',
      ),
    scoredAt: z.string().nullable(),
    model: z.object({ ...ModelSummary, auc: z.number().nullable() }).nullable(),
  })
  .openapi('AccountChurn')

export const RiskListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
})

export const RiskListSchema = z
  .object({
    model: z.object(ModelSummary).nullable(),
    total: z.number().int(),
    items: z.array(
      z.object({
        accountId: z.string(),
        name: z.string(),
        arr: z.number(),
        renewalDate: z.string().nullable(),
        ownerName: z.string().nullable(),
        probability: z.number().describe('Calibrated probability of churn before (or at) the next renewal'),
        drivers: z.array(Driver),
      }),
    ),
  })
  .openapi('ChurnRiskList')

export const ModelListQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) })
