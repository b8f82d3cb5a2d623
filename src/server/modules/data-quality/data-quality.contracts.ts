import { z } from '@hono/zod-openapi'
import { limitQuery } from '../../platform/http'

/** Every check of the report; each has an examples endpoint /api/v1/data-quality/examples/{check}. */
export const dataQualityChecks = [
  'unmatched-users',
  'unmatched-groups',
  'unmatched-events',
  'processing-backlog',
  'future-timestamps',
  'ancient-timestamps',
  'volume-anomalies',
  'accounts-without-owner',
  'accounts-inactive-owner',
  'accounts-without-renewal',
  'accounts-renewal-overdue',
  'accounts-without-arr',
  'duplicate-accounts',
  'stripe-unmatched',
  'stripe-failed',
  'import-failures',
] as const
export type DataQualityCheck = (typeof dataQualityChecks)[number]

export const sourceKinds = ['events', 'tickets', 'stripe', 'imports', 'crm'] as const
export type SourceKind = (typeof sourceKinds)[number]

/** `events:<api key id>` (the nil uuid: Bosun itself and the demo), or tickets | stripe | imports | crm. */
export const sourceIdPattern = /^(events:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|tickets|stripe|imports|crm)$/

const timestamp = z.string().datetime()
const day = z.iso.date()

export const CheckLineSchema = z
  .object({
    check: z.enum(dataQualityChecks),
    label: z.string(),
    description: z.string(),
    count: z.number().int(),
    status: z.enum(['ok', 'warn']),
    note: z.string().nullable().describe('Extra context, e.g. how long the oldest waiting call has waited'),
    examplesHref: z.string().describe('API path answering the examples of this line'),
  })
  .openapi('DataQualityLine')

const VolumeDaySchema = z.object({
  day,
  count: z.number().int(),
  baseline: z.number().nullable().describe('Median of the same weekday in the 4 weeks before; null without 2 weeks of history'),
  anomaly: z.enum(['spike', 'drop', 'silent']).nullable(),
})

export const SourceSchema = z
  .object({
    id: z.string().describe('events:<api key id> | tickets | stripe | imports | crm'),
    kind: z.enum(sourceKinds),
    name: z.string(),
    keyId: z.string().uuid().nullable().describe('The API key of an events source (the nil uuid for Bosun itself)'),
    keyPrefix: z.string().nullable(),
    revoked: z.boolean(),
    volumeLabel: z.string().describe('What the daily volume counts'),
    firstDay: day.nullable().describe('First UTC day with data from this source'),
    lastReceivedAt: timestamp.nullable(),
    receivedToday: z.number().int(),
    received7d: z.number().int().describe('Today and the 6 days before'),
    received30d: z.number().int().describe('Today and the 29 days before'),
    duplicates30d: z.number().int().nullable().describe('Retried calls acknowledged but stored once (events sources only)'),
    series: z.array(VolumeDaySchema).describe('The last 30 UTC days, oldest first'),
    anomalies: CheckLineSchema,
    checks: z.array(CheckLineSchema).describe('Source-specific checks (timestamps, unmatched Stripe customers, failed imports…)'),
    status: z.enum(['ok', 'warn']).describe('warn: an anomaly in the last 7 days or a check in warn'),
  })
  .openapi('DataQualitySource')

export const DataQualityReportSchema = z
  .object({
    generatedAt: timestamp,
    today: day.describe('UTC'),
    windowDays: z.number().int(),
    anomalyRule: z.string(),
    sources: z.array(SourceSchema),
    unmatched: z.object({ users: CheckLineSchema, groups: CheckLineSchema, events: CheckLineSchema, backlog: CheckLineSchema }),
    timestamps: z.object({ future: CheckLineSchema, ancient: CheckLineSchema }).describe('All events sources, calls received in the last 30 days'),
    accounts: z.object({
      withoutOwner: CheckLineSchema,
      inactiveOwner: CheckLineSchema,
      withoutRenewal: CheckLineSchema,
      renewalOverdue: CheckLineSchema,
      withoutArr: CheckLineSchema,
      duplicates: CheckLineSchema,
    }),
    summary: z.object({ checks: z.number().int(), warnings: z.number().int() }),
  })
  .openapi('DataQualityReport')

export const CheckParam = z.object({ check: z.enum(dataQualityChecks) })

export const ExamplesQuery = z.object({
  source: z.string().regex(sourceIdPattern, 'must be events:<api key id>, tickets, stripe, imports or crm').optional(),
  limit: limitQuery,
  cursor: z.string().max(200).optional(),
})
export type ExamplesFilters = z.infer<typeof ExamplesQuery>

export const ProductUserRowSchema = z.object({
  userId: z.string().describe('Segment userId, or anon:<anonymousId>'),
  anonymous: z.boolean(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  groupId: z.string().nullable().describe('The account external id the product named, if any'),
  firstSeenAt: timestamp.nullable(),
  lastSeenAt: timestamp.nullable(),
  unmatchedEvents: z.number().int(),
})

export const GroupRowSchema = z.object({
  groupId: z.string(),
  users: z.number().int().describe('Product users naming this group'),
  unmatchedEvents: z.number().int(),
  lastSeenAt: timestamp.nullable(),
})

export const EventRowSchema = z.object({
  messageId: z.string(),
  type: z.string(),
  event: z.string().nullable(),
  userId: z.string().nullable(),
  anonymousId: z.string().nullable(),
  groupId: z.string().nullable(),
  occurredAt: timestamp,
  receivedAt: timestamp,
  sourceId: z.string(),
  sourceName: z.string(),
})

export const AnomalyDayRowSchema = VolumeDaySchema.extend({ anomaly: z.enum(['spike', 'drop', 'silent']) })

export const AccountRowSchema = z.object({
  accountId: z.string().uuid(),
  externalId: z.string(),
  name: z.string(),
  domain: z.string().nullable(),
  ownerId: z.string().uuid().nullable(),
  ownerName: z.string().nullable(),
  ownerStatus: z.enum(['active', 'disabled', 'missing']).nullable().describe('missing: the owner id names no user'),
  arr: z.number(),
  currency: z.string(),
  renewalDate: day.nullable(),
  updatedAt: timestamp,
})

export const DuplicateGroupRowSchema = z.object({
  matchedBy: z.enum(['domain', 'name']),
  key: z.string().describe('The normalised domain or name they share'),
  accounts: z.array(AccountRowSchema.pick({ accountId: true, externalId: true, name: true, domain: true, ownerName: true, arr: true, currency: true, updatedAt: true })),
})

export const StripeEventRowSchema = z.object({
  id: z.string().uuid(),
  stripeEventId: z.string(),
  type: z.string(),
  status: z.string(),
  stripeCustomerId: z.string().nullable(),
  receivedAt: timestamp,
  error: z.string().nullable(),
})

export const ImportRunRowSchema = z.object({
  runId: z.string().uuid(),
  kind: z.string(),
  fileName: z.string(),
  status: z.string(),
  rowsProcessed: z.number().int(),
  rowsFailed: z.number().int(),
  failureReason: z.string().nullable(),
  createdBy: z.string(),
  createdAt: timestamp,
})

const page = <Kind extends string, Row extends z.ZodType>(rowKind: Kind, row: Row) =>
  z.object({
    check: z.enum(dataQualityChecks),
    rowKind: z.literal(rowKind),
    items: z.array(row),
    total: z.number().int(),
    nextCursor: z.string().nullable(),
  })

export const ExamplesPageSchema = z
  .discriminatedUnion('rowKind', [
    page('product-user', ProductUserRowSchema),
    page('group', GroupRowSchema),
    page('event', EventRowSchema),
    page('anomaly-day', AnomalyDayRowSchema),
    page('account', AccountRowSchema),
    page('duplicate-group', DuplicateGroupRowSchema),
    page('stripe-event', StripeEventRowSchema),
    page('import-run', ImportRunRowSchema),
  ])
  .openapi('DataQualityExamples')
export type ExamplesPage = z.infer<typeof ExamplesPageSchema>
