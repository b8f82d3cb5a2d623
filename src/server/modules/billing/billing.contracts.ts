import { z } from '@hono/zod-openapi'
import { limitQuery } from '../../platform/http'
import { stripeCustomerSources, stripeEventStatuses } from './billing.tables'

const timestamp = z.string().datetime()

/** The Stripe event types Bosun applies; select these on the Stripe endpoint. */
export const handledStripeEventTypes = [
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'invoice.paid',
  'invoice.payment_failed',
  'customer.created',
  'customer.updated',
] as const

export const StripeSettingsSchema = z
  .object({
    configured: z.boolean().describe('A signing secret is set: the endpoint accepts events'),
    secretLast4: z.string().nullable().describe('The last 4 characters of the signing secret; the secret itself is never returned'),
    updatedAt: timestamp.nullable(),
    webhookUrl: z.string().describe('Paste this into Stripe: Developers → Webhooks → Add endpoint'),
    eventTypes: z.array(z.string()).describe('The events to select on the Stripe endpoint'),
    lastEvent: z.object({ type: z.string(), status: z.enum(stripeEventStatuses), receivedAt: timestamp }).nullable(),
    eventCounts: z.record(z.enum(stripeEventStatuses), z.number().int()).describe('Events received, by status'),
    unmatchedCustomers: z.number().int().describe('Stripe customers with events waiting for an account mapping'),
    openPaymentFailures: z.object({ failures: z.number().int(), accounts: z.number().int() }),
  })
  .openapi('StripeSettings')

export const SetStripeSecretBody = z
  .object({
    signingSecret: z
      .string()
      .trim()
      .max(200)
      .regex(/^whsec_[A-Za-z0-9+/=_-]{8,}$/, 'must be the endpoint’s signing secret from Stripe, starting with whsec_'),
  })
  .strict()
  .openapi('SetStripeSecretRequest')

export const StripeEventSchema = z
  .object({
    id: z.string().uuid(),
    stripeEventId: z.string(),
    type: z.string(),
    livemode: z.boolean(),
    status: z.enum(stripeEventStatuses),
    stripeCustomerId: z.string().nullable(),
    stripeObjectId: z.string().nullable(),
    accountId: z.string().uuid().nullable(),
    accountName: z.string().nullable(),
    eventCreatedAt: timestamp,
    receivedAt: timestamp,
    processedAt: timestamp.nullable(),
    error: z.string().nullable(),
  })
  .openapi('StripeEvent')

export const StripeEventListQuery = z.object({
  status: z.enum(stripeEventStatuses).optional(),
  limit: limitQuery,
  cursor: z.string().max(1000).optional(),
})

export const StripeEventPageSchema = z.object({ items: z.array(StripeEventSchema), nextCursor: z.string().nullable() }).openapi('StripeEventPage')

export const UnmatchedCustomerSchema = z
  .object({
    stripeCustomerId: z.string(),
    events: z.number().int().describe('Events waiting for this customer'),
    firstEventAt: timestamp,
    lastEventAt: timestamp,
    email: z.string().nullable(),
    name: z.string().nullable(),
    accountExternalId: z.string().nullable().describe('The account external id found in metadata, if any (no account has it yet)'),
  })
  .openapi('UnmatchedStripeCustomer')

export const StripeCustomerMappingSchema = z
  .object({
    stripeCustomerId: z.string(),
    accountId: z.string().uuid(),
    accountName: z.string(),
    accountExternalId: z.string(),
    source: z.enum(stripeCustomerSources).describe('metadata: from bosun_account_external_id; external_id: the account’s external id is the customer id; manual: set here'),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .openapi('StripeCustomerMapping')

export const CustomerIdParam = z.object({
  customerId: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[A-Za-z0-9_]+$/, 'must be a Stripe customer id like cus_NffrFeUfNV2Hib'),
})

export const MapCustomerBody = z.object({ accountId: z.string().uuid() }).strict().openapi('MapStripeCustomerRequest')

const ReprocessCountsSchema = z
  .object({ processed: z.number().int(), unmatched: z.number().int(), ignored: z.number().int(), failed: z.number().int() })
  .openapi('StripeReprocessCounts')

export const MapCustomerResultSchema = z
  .object({ mapping: StripeCustomerMappingSchema, reprocessed: ReprocessCountsSchema.describe('The waiting events of this customer, applied now') })
  .openapi('MapStripeCustomerResult')

export const RetryQuery = z.object({
  includeFailed: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .describe('Also retry events that failed (default: only unmatched ones)'),
})
export const RetryResultSchema = ReprocessCountsSchema

export const PaymentFailureSchema = z
  .object({
    id: z.string().uuid(),
    accountId: z.string().uuid(),
    stripeInvoiceId: z.string(),
    stripeSubscriptionId: z.string().nullable(),
    amount: z.number(),
    currency: z.string(),
    failedAt: timestamp,
    attemptCount: z.number().int(),
    nextAttemptAt: timestamp.nullable(),
    resolvedAt: timestamp.nullable().describe('When a payment cleared it; null while open'),
  })
  .openapi('PaymentFailure')

export const PaymentFailureListSchema = z
  .object({ items: z.array(PaymentFailureSchema).describe('Open first, then newest'), openCount: z.number().int() })
  .openapi('PaymentFailureList')

export const AccountIdParam = z.object({ id: z.string().uuid() })

export const WebhookParam = z.object({ workspace: z.string().min(1).max(100).describe('The workspace slug') })

export const WebhookAckSchema = z
  .object({
    received: z.literal(true),
    duplicate: z.boolean().describe('true: this event id was received before; it is not applied again'),
    status: z.enum(stripeEventStatuses),
  })
  .openapi('StripeWebhookAck')

/** What Bosun needs of a Stripe Event; everything else is kept in the stored payload. */
export const StripeEventEnvelope = z.object({
  id: z.string().min(1).max(255),
  type: z.string().min(1).max(255),
  created: z.number().int().positive().max(32_503_680_000, 'must be unix seconds'),
  livemode: z.boolean().optional(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
})
