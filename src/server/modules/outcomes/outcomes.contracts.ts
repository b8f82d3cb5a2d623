import { z } from '@hono/zod-openapi'
import { limitQuery } from '../../platform/http'
import { outcomeKinds } from './outcomes.tables'

const isoDate = z.iso.date()
const money = z.number().finite().min(0).max(1e12)

export const OutcomeSchema = z
  .object({
    id: z.string().uuid(),
    accountId: z.string().uuid(),
    kind: z.enum(outcomeKinds),
    occurredOn: isoDate,
    arrBefore: z.number().nullable(),
    arrAfter: z.number().nullable(),
    note: z.string().nullable(),
    externalId: z.string().nullable(),
    source: z.string(),
    createdAt: z.string().datetime(),
    updatedAt: z.string().datetime(),
  })
  .openapi('AccountOutcome', {
    description:
      'What happened to an account at a renewal or cancellation (renewed, expanded, contracted, churned). Outcomes are labels for health backtests; they do not move ARR.',
  })

export const RecordOutcomeBody = z
  .object({
    accountId: z.string().uuid(),
    kind: z.enum(outcomeKinds),
    occurredOn: isoDate.describe('The renewal or churn date'),
    arrBefore: money.nullish().describe('ARR before the outcome'),
    arrAfter: money.nullish().describe('ARR after it (0 or empty for churned)'),
    note: z.string().trim().max(2000).nullish(),
    externalId: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .nullish()
      .describe('Id in the source system. Recording the same externalId again updates that outcome instead of adding one (200 instead of 201).'),
  })
  .strict()
  .openapi('RecordOutcomeRequest')

export const OutcomeListQuery = z.object({
  accountId: z.string().uuid().optional(),
  kind: z.enum(outcomeKinds).optional(),
  from: isoDate.optional().describe('Occurred on or after'),
  to: isoDate.optional().describe('Occurred on or before'),
  limit: limitQuery,
  cursor: z.string().max(1000).optional(),
})
export type OutcomeListFilters = z.infer<typeof OutcomeListQuery>

export const OutcomePageSchema = z
  .object({ items: z.array(OutcomeSchema), nextCursor: z.string().nullable() })
  .openapi('AccountOutcomePage')

export const OutcomeListSchema = z.object({ items: z.array(OutcomeSchema) }).openapi('AccountOutcomeList')

export const IdParam = z.object({ id: z.string().uuid() })
