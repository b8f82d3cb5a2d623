import { z } from '@hono/zod-openapi'
import { touchModels } from './engagement-models.config'

const TierModelSchema = z.object({
  key: z.string(),
  name: z.string(),
  color: z.string().nullable(),
  model: z
    .object({
      name: z.string(),
      touchModel: z.enum(touchModels),
      accountsPerCsm: z.number().int().nullable(),
      arrPerCsm: z.number().nullable(),
      cadences: z.array(z.object({ key: z.string(), name: z.string(), touchpointKinds: z.array(z.string()), everyDays: z.number().int() })),
    })
    .nullable()
    .describe('The tier’s engagement model; null when it has none'),
})

export const CoverageQuery = z.object({
  tier: z.string().min(1).max(64).optional(),
  ownerId: z.union([z.uuid(), z.literal('unassigned')]).optional().describe('A user id, or `unassigned`'),
  cadence: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
})

export const CoverageSchema = z
  .object({
    tiers: z.array(TierModelSchema),
    totals: z.object({ pairs: z.number().int().describe('Account × cadence pairs'), inCadence: z.number().int(), outOfCadence: z.number().int(), inCadenceShare: z.number() }),
    summary: z.array(
      z.object({
        tier: z.string(),
        tierName: z.string(),
        cadence: z.string(),
        cadenceName: z.string(),
        everyDays: z.number().int(),
        accounts: z.number().int(),
        inCadence: z.number().int(),
        outOfCadence: z.number().int(),
        inCadenceShare: z.number(),
      }),
    ),
    total: z.number().int().describe('Out-of-cadence pairs matching the filters'),
    items: z.array(
      z.object({
        accountId: z.string(),
        accountName: z.string(),
        arr: z.number(),
        tier: z.string(),
        tierName: z.string(),
        ownerId: z.string().nullable(),
        ownerName: z.string().nullable(),
        cadence: z.string(),
        cadenceName: z.string(),
        everyDays: z.number().int(),
        lastAt: z.string().nullable().describe('The last touchpoint of the cadence’s kinds; null if never'),
        dueAt: z.string(),
        daysOverdue: z.number().int(),
      }),
    ),
  })
  .openapi('EngagementCoverage')

const LoadLineSchema = z.object({
  accounts: z.number().int(),
  arr: z.number(),
  tiers: z.array(z.object({ tier: z.string().nullable().describe('null = not classified yet'), accounts: z.number().int(), arr: z.number() })),
  accountUtilization: z.number().nullable().describe('Σ accounts in a tier ÷ its accounts per CSM; null when no tier of the book has that capacity'),
  arrUtilization: z.number().nullable(),
  utilization: z.number().nullable().describe('The higher of the two'),
  overCapacity: z.boolean(),
})

export const LoadSchema = z
  .object({
    tiers: z.array(TierModelSchema),
    rows: z.array(LoadLineSchema.extend({ userId: z.string().nullable().describe('null = the unassigned accounts'), name: z.string(), email: z.string().nullable(), role: z.string().nullable(), status: z.string().nullable() })),
    overCapacity: z.number().int(),
  })
  .openapi('EngagementLoad')

export const ReassignBody = z
  .object({
    from: z.union([z.uuid(), z.literal('unassigned')]).describe('The current owner (user id) or `unassigned`'),
    to: z.uuid().optional().describe('One new owner for every account'),
    accountIds: z.array(z.uuid()).min(1).max(2000).optional().describe('Only these of `from`’s accounts (default: all its active accounts)'),
    strategy: z.enum(['round-robin', 'least-loaded-count', 'least-loaded-arr']).optional().describe('Share the accounts across `pool` instead of giving them to `to`'),
    pool: z.array(z.uuid()).min(1).max(200).optional(),
  })
  .strict()

export const ReassignApplyBody = ReassignBody.extend({ previewToken: z.string().min(1).max(64).describe('From the preview: apply exactly what it showed') }).strict()

export const ReassignPreviewSchema = z
  .object({
    previewToken: z.string(),
    moves: z.array(
      z.object({
        accountId: z.string(),
        accountName: z.string(),
        arr: z.number(),
        tier: z.string().nullable(),
        tierName: z.string().nullable(),
        fromOwnerId: z.string().nullable(),
        fromOwnerName: z.string(),
        toOwnerId: z.string(),
        toOwnerName: z.string(),
      }),
    ),
    load: z.array(z.object({ userId: z.string().nullable(), name: z.string(), before: LoadLineSchema, after: LoadLineSchema })),
  })
  .openapi('ReassignPreview')

export const ReassignAppliedSchema = ReassignPreviewSchema.extend({ applied: z.number().int() }).openapi('ReassignApplied')
