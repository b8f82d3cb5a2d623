import { z } from '@hono/zod-openapi'
import { segmentCallTypes } from './events.tables'

/** Documented limits, as Segment's HTTP Tracking API. */
export const MAX_EVENT_BYTES = 32 * 1024
export const MAX_BATCH_BYTES = 500 * 1024
export const MAX_MESSAGE_ID_LENGTH = 200

// Segment libraries send ids as strings, some send numbers; both are kept as text.
const segmentId = z.union([z.string().min(1).max(400), z.number().finite()]).transform(String)
const isoTimestamp = z.union([z.string(), z.date()]).transform((value, ctx) => {
  const parsed = value instanceof Date ? value : new Date(value)
  if (Number.isNaN(parsed.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 date-time' })
    return z.NEVER
  }
  return parsed
})
const jsonObject = z.record(z.string(), z.unknown())
// On the ingestion path an object is only checked, not copied: a record schema would rebuild every
// call's properties and context (a third of the validation time of a typical track call).
const callObject = z.custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), { message: 'must be a JSON object' })

/**
 * One call of the Segment spec. Unknown keys (integrations, _metadata, version, …) are accepted and
 * ignored, as Segment does: real clients send them.
 */
export const SegmentCallSchema = z.looseObject({
  type: z.enum(segmentCallTypes).optional(),
  messageId: z.string().min(1).max(MAX_MESSAGE_ID_LENGTH).optional(),
  userId: segmentId.optional().nullable(),
  anonymousId: segmentId.optional().nullable(),
  event: z.string().trim().min(1).max(400).optional(),
  name: z.string().max(400).optional().nullable(),
  groupId: segmentId.optional().nullable(),
  previousId: segmentId.optional().nullable(),
  timestamp: isoTimestamp.optional().nullable(),
  sentAt: isoTimestamp.optional().nullable(),
  properties: callObject.optional().nullable(),
  traits: callObject.optional().nullable(),
  context: callObject.optional().nullable(),
  writeKey: z.string().optional(),
})
export type SegmentCall = z.infer<typeof SegmentCallSchema>

export const SegmentBatchSchema = z.looseObject({
  batch: z.array(z.unknown()).max(10_000),
  sentAt: isoTimestamp.optional().nullable(),
  context: callObject.optional().nullable(),
  writeKey: z.string().optional(),
})

export const IngestResultSchema = z.object({ success: z.literal(true), accepted: z.number().int() }).openapi('IngestResult')

export const AccountEventSchema = z
  .object({
    messageId: z.string(),
    type: z.enum(segmentCallTypes),
    event: z.string().nullable(),
    userId: z.string().nullable(),
    anonymousId: z.string().nullable(),
    occurredAt: z.string().datetime(),
    receivedAt: z.string().datetime(),
    properties: jsonObject,
  })
  .openapi('AccountEvent')

export const AccountEventPageSchema = z
  .object({ items: z.array(AccountEventSchema), total: z.number().int(), nextCursor: z.string().nullable() })
  .openapi('AccountEventPage')

export const AccountEventsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
  event: z.string().optional().describe('Only events with this name'),
})

export const UsageQuery = z.object({
  days: z.coerce.number().int().min(7).max(730).default(90).describe('Length of the daily series, ending today'),
})

export const UsageDaySchema = z.object({
  day: z.string(),
  events: z.number().int(),
  activeUsers: z.number().int(),
  weeklyActiveUsers: z.number().int(),
  monthlyActiveUsers: z.number().int(),
})

export const AccountUsageSchema = z
  .object({
    accountId: z.string().uuid(),
    asOf: z.string(),
    dau: z.number().int().describe('Distinct active users today'),
    wau: z.number().int().describe('Distinct active users in the last 7 days'),
    mau: z.number().int().describe('Distinct active users in the last 30 days'),
    seats: z.number().int().nullable().describe('Purchased seats on active subscriptions'),
    licenseUtilization: z.number().nullable().describe('mau ÷ seats'),
    events30d: z.number().int(),
    eventsPrior30d: z.number().int(),
    trend30d: z.number().nullable().describe('(last 30 days − prior 30 days) ÷ prior 30 days'),
    lastActivityAt: z.string().nullable(),
    daysSinceLastActivity: z.number().int().nullable(),
    keyFeatures: z.array(z.object({ event: z.string(), used30d: z.boolean(), count30d: z.number().int() })),
    featureBreadth: z.number().int().describe('Distinct key features used in the last 30 days'),
    topEvents: z.array(z.object({ event: z.string(), count30d: z.number().int() })),
    users: z.array(
      z.object({ userId: z.string(), email: z.string().nullable(), name: z.string().nullable(), lastSeenAt: z.string().nullable(), contactId: z.string().nullable() }),
    ),
    series: z.array(UsageDaySchema),
  })
  .openapi('AccountUsage')

export const UsageSettingsSchema = z
  .object({ keyFeatures: z.array(z.string().trim().min(1).max(400)).max(200) })
  .strict()
  .openapi('UsageSettings')

export const AccountIdParam = z.object({ id: z.string().uuid() })

export const EventsStatusSchema = z
  .object({ inboxDepth: z.number().int().describe('Calls accepted (200) and durably stored, waiting to be processed') })
  .openapi('EventsStatus')

export const EventNamesSchema = z
  .object({ items: z.array(z.object({ event: z.string(), count: z.number().int(), accounts: z.number().int() })) })
  .openapi('EventNames')

export const EventNamesQuery = z.object({ days: z.coerce.number().int().min(1).max(365).default(90) })
