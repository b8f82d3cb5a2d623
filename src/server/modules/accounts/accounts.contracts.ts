import { z } from '@hono/zod-openapi'
import { limitQuery } from '../../platform/http'
import { accountStatuses, revenueMovementKinds } from './accounts.tables'

const isoDate = z.iso.date()
const money = z.number().finite().min(0).max(1e12)
const traits = z
  .record(z.string().max(100), z.unknown())
  .refine((value) => JSON.stringify(value).length <= 32_768, 'must be at most 32 KB as JSON')
const domain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .transform((value) => value.replace(/^https?:\/\//, '').replace(/\/.*$/, '').replace(/^www\./, ''))
  .pipe(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'must be a domain like example.com'))

export const AccountSchema = z
  .object({
    id: z.string().uuid(),
    externalId: z.string(),
    name: z.string(),
    domain: z.string().nullable(),
    parentId: z.string().uuid().nullable(),
    ownerId: z.string().uuid().nullable(),
    ownerName: z.string().nullable(),
    plan: z.string().nullable(),
    industry: z.string().nullable(),
    employees: z.number().int().nullable(),
    country: z.string().nullable(),
    arr: z.number(),
    currency: z.string(),
    renewalDate: isoDate.nullable(),
    traits: z.record(z.string(), z.unknown()),
    status: z.enum(accountStatuses),
    churnedAt: isoDate.nullable(),
    createdAt: z.string().datetime(),
    updatedAt: z.string().datetime(),
  })
  .openapi('Account')

const accountFields = {
  name: z.string().trim().min(1).max(300),
  domain: domain.nullish(),
  parentId: z.string().uuid().nullish(),
  ownerId: z.string().uuid().nullish(),
  plan: z.string().trim().max(100).nullish(),
  industry: z.string().trim().max(100).nullish(),
  employees: z.number().int().min(0).max(10_000_000).nullish(),
  country: z.string().trim().max(100).nullish(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code like USD').optional(),
  renewalDate: isoDate.nullish(),
  traits: traits.optional(),
}

export const CreateAccountBody = z
  .object({
    externalId: z.string().trim().min(1).max(200),
    ...accountFields,
    arr: money.optional().describe('Starting ARR: recorded in the revenue ledger as a "new" movement'),
    arrEffectiveDate: isoDate.optional().describe('Date of the starting ARR (default today)'),
  })
  .strict()
  .openapi('CreateAccountRequest')

export const UpdateAccountBody = z
  .object({
    externalId: z.string().trim().min(1).max(200).optional(),
    ...accountFields,
    name: accountFields.name.optional(),
    arr: money.optional().describe('New ARR: the difference is recorded as an expansion or contraction'),
    arrEffectiveDate: isoDate.optional(),
    status: z.enum(accountStatuses).optional().describe('churned records a churn movement of the remaining ARR'),
  })
  .strict()
  .openapi('UpdateAccountRequest')

export const accountSorts = ['name', '-name', 'arr', '-arr', 'renewal_date', '-renewal_date'] as const
export type AccountSort = (typeof accountSorts)[number]

const groupKey = z.string().trim().min(1).max(100)

export const AccountListQuery = z.object({
  q: z.string().trim().max(200).optional().describe('Search in name and domain'),
  external_id: z.string().max(200).optional().describe('Find the account with this external id'),
  externalId: z.string().max(200).optional(),
  ownerId: z.union([z.string().uuid(), z.literal('none')]).optional().describe("An owner's user id, or none"),
  plan: z.string().max(100).optional(),
  industry: z.string().max(100).optional(),
  country: z.string().max(100).optional(),
  status: z.enum(accountStatuses).optional(),
  parentId: z.string().uuid().optional(),
  renewalWithinDays: z.coerce.number().int().min(0).max(3650).optional().describe('Renewal date between today and today + N days'),
  renewalFrom: isoDate.optional(),
  renewalTo: isoDate.optional(),
  minArr: z.coerce.number().min(0).optional(),
  maxArr: z.coerce.number().min(0).optional(),
  segment: groupKey.optional().describe('Accounts in this segment (its key)'),
  tier: groupKey.optional().describe('Accounts in this tier (its key)'),
  stage: groupKey.optional().describe('Accounts in this lifecycle stage (its key)'),
  healthBand: z.enum(['red', 'yellow', 'green', 'unscored']).optional().describe('Accounts whose health score is in this band, or that have none'),
  sort: z.enum(accountSorts).default('name'),
  limit: limitQuery,
  cursor: z.string().max(1000).optional(),
})
export type AccountListFilters = z.infer<typeof AccountListQuery>

/** A row of the list: the account with what a CSM scans a book by (health, tier, stage). */
export const AccountListItemSchema = AccountSchema.extend({
  healthScore: z.number().nullable(),
  healthBand: z.enum(['red', 'yellow', 'green']).nullable(),
  tier: z.string().nullable().describe('Tier key'),
  stage: z.string().nullable().describe('Lifecycle stage key'),
}).openapi('AccountListItem')

export const AccountPageSchema = z
  .object({
    items: z.array(AccountListItemSchema),
    nextCursor: z.string().nullable(),
    total: z.number().int().describe('Accounts matching the filters, counted up to 1,000'),
    totalCapped: z.boolean().describe('true when more than 1,000 match (total is then 1,000)'),
  })
  .openapi('AccountPage')

export const AccountFacetsSchema = z
  .object({
    plans: z.array(z.string()),
    industries: z.array(z.string()),
    countries: z.array(z.string()),
    owners: z.array(z.object({ id: z.string().uuid(), name: z.string() })),
  })
  .openapi('AccountFacets')

export const RevenueMovementSchema = z
  .object({
    id: z.string().uuid(),
    accountId: z.string().uuid(),
    subscriptionId: z.string().uuid().nullable(),
    externalId: z.string().nullable(),
    kind: z.enum(revenueMovementKinds),
    effectiveDate: isoDate,
    arrDelta: z.number(),
    currency: z.string(),
    source: z.string(),
    note: z.string().nullable(),
    createdAt: z.string().datetime(),
  })
  .openapi('RevenueMovement')

export const CreateRevenueMovementBody = z
  .object({
    accountId: z.string().uuid(),
    kind: z.enum(revenueMovementKinds),
    effectiveDate: isoDate,
    amount: z.number().finite().positive().max(1e12).describe('Size of the change; the sign follows the kind'),
    subscriptionId: z.string().uuid().nullish(),
    externalId: z.string().trim().min(1).max(200).nullish().describe('Idempotency: a second movement with the same external id is refused'),
    currency: z.string().regex(/^[A-Z]{3}$/).optional(),
    source: z.string().trim().max(50).optional(),
    note: z.string().max(2000).nullish(),
  })
  .strict()
  .openapi('CreateRevenueMovementRequest')

export const RevenueMovementListQuery = z.object({
  accountId: z.string().uuid().optional(),
  kind: z.enum(revenueMovementKinds).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  limit: limitQuery,
  cursor: z.string().max(1000).optional(),
})

export const ArrAtQuery = z.object({ date: isoDate.optional().describe('Default today') })
export const ArrAtSchema = z.object({ accountId: z.string().uuid(), date: isoDate, arr: z.number() }).openapi('ArrAtDate')

export const ArrSeriesQuery = z.object({
  accountId: z.string().uuid().optional(),
  from: isoDate.optional().describe('Default 12 months ago'),
  to: isoDate.optional().describe('Default today'),
})
export const ArrSeriesSchema = z.object({ series: z.array(z.object({ month: z.string(), arr: z.number() })) }).openapi('ArrSeries')

export const IdParam = z.object({ id: z.string().uuid() })
