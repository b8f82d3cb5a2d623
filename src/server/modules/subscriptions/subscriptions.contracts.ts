import { z } from '@hono/zod-openapi'
import { limitQuery } from '../../platform/http'
import { subscriptionStatuses } from './subscriptions.tables'

const isoDate = z.iso.date()
const money = z.number().finite().min(0).max(1e12)

export const SubscriptionSchema = z
  .object({
    id: z.string().uuid(),
    accountId: z.string().uuid(),
    externalId: z.string().nullable(),
    product: z.string(),
    startDate: isoDate,
    endDate: isoDate.nullable().describe('End of the current term: the renewal date'),
    arr: z.number(),
    currency: z.string(),
    seats: z.number().int().nullable(),
    status: z.enum(subscriptionStatuses),
    autoRenew: z.boolean(),
    createdAt: z.string().datetime(),
    updatedAt: z.string().datetime(),
  })
  .openapi('Subscription', {
    description:
      "A contract an account holds (product, term, seats, contracted ARR). Subscriptions describe contracts only: they do not move the account's ARR, which changes through the revenue ledger (POST /api/v1/revenue-movements).",
  })

const subscriptionFields = {
  accountId: z.string().uuid(),
  externalId: z.string().trim().min(1).max(200).nullish().describe('Id in the billing system; unique in the workspace'),
  product: z.string().trim().min(1).max(200),
  startDate: isoDate,
  endDate: isoDate.nullish().describe('End of the current term (on or after startDate)'),
  arr: money.describe('Contracted ARR of this subscription; informational, it does not change the account ARR'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code like USD').optional(),
  seats: z.number().int().min(0).max(100_000_000).nullish(),
  status: z.enum(subscriptionStatuses),
  autoRenew: z.boolean().optional(),
}

export const CreateSubscriptionBody = z.object(subscriptionFields).strict().openapi('CreateSubscriptionRequest')

export const UpdateSubscriptionBody = z
  .object({
    ...subscriptionFields,
    accountId: subscriptionFields.accountId.optional(),
    product: subscriptionFields.product.optional(),
    startDate: subscriptionFields.startDate.optional(),
    arr: subscriptionFields.arr.optional(),
    status: subscriptionFields.status.optional(),
  })
  .strict()
  .openapi('UpdateSubscriptionRequest')

export const SubscriptionListQuery = z.object({
  accountId: z.string().uuid().optional(),
  status: z.enum(subscriptionStatuses).optional(),
  limit: limitQuery,
  cursor: z.string().max(1000).optional(),
})
export type SubscriptionListFilters = z.infer<typeof SubscriptionListQuery>

export const SubscriptionPageSchema = z
  .object({ items: z.array(SubscriptionSchema), nextCursor: z.string().nullable() })
  .openapi('SubscriptionPage')

export const IdParam = z.object({ id: z.string().uuid() })
