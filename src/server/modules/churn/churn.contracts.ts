import { z } from '@hono/zod-openapi'
import { churnModelStatuses } from './churn.tables'

const Driver = z.object({
  feature: z.string(),
  label: z.string(),
  contribution: z.number().describe('Effect on the log-odds of churn: positive raises the risk'),
  value: z.union([z.string(), z.number()]).nullable().describe("The account's value of the feature"),
})

export const ChurnModelCardSchema = z
  .object({
    id: z.string(),
    status: z.enum(churnModelStatuses),
    trigger: z.string(),
    createdAt: z.string(),
    trainedAt: z.string().nullable(),
    asOf: z.string().nullable(),
    horizonDays: z.number().int().describe('The model predicts churn within this many days'),
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
  horizonDays: z.number().int().min(30).max(365).optional().describe('Predict churn within this many days (default 90)'),
})

export const TrainAcceptedSchema = z.object({ modelId: z.string(), jobId: z.string().nullable(), status: z.enum(churnModelStatuses) }).openapi('ChurnTrainAccepted')

export const AccountChurnSchema = z
  .object({
    accountId: z.string(),
    probability: z.number().nullable().describe('Calibrated probability of churn within the horizon; null when no model has scored the account'),
    drivers: z.array(Driver),
    renewalDate: z.string().nullable(),
    scoredAt: z.string().nullable(),
    model: z.object({ id: z.string(), kind: z.string().nullable(), trainedAt: z.string().nullable(), horizonDays: z.number().int(), auc: z.number().nullable() }).nullable(),
  })
  .openapi('AccountChurn')

export const RiskListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
})

export const RiskListSchema = z
  .object({
    model: z.object({ id: z.string(), kind: z.string().nullable(), trainedAt: z.string().nullable(), horizonDays: z.number().int() }).nullable(),
    total: z.number().int(),
    items: z.array(
      z.object({
        accountId: z.string(),
        name: z.string(),
        arr: z.number(),
        renewalDate: z.string().nullable(),
        ownerName: z.string().nullable(),
        probability: z.number(),
        drivers: z.array(Driver),
      }),
    ),
  })
  .openapi('ChurnRiskList')

export const ModelListQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) })
