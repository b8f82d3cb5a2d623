import { z } from '@hono/zod-openapi'
import { limitQuery } from '../../platform/http'
import { deliveryStatuses, destinationKinds } from './outreach.tables'

const timestamp = z.string().datetime()
const email = z.string().trim().max(320).email('must be an email address')

// ----- mail server -----

export const SmtpSettingsSchema = z
  .object({
    configured: z.boolean().describe('A mail server is set: playbook emails are sent'),
    host: z.string().nullable(),
    port: z.number().int().nullable(),
    secure: z.boolean().describe('TLS from the first byte (port 465); otherwise STARTTLS when the server offers it'),
    username: z.string().nullable(),
    passwordSet: z.boolean().describe('A password is stored; it is never returned'),
    fromAddress: z.string().nullable().describe('Sender when the account has no owner with an address (emails go out as the CSM otherwise)'),
    throttleDays: z.number().int().describe('At most one playbook email per contact within this many days (0: no limit)'),
    updatedAt: timestamp.nullable(),
  })
  .openapi('SmtpSettings')

export const PutSmtpSettingsBody = z
  .object({
    host: z
      .string()
      .trim()
      .min(1, 'is required')
      .max(255)
      .regex(/^[A-Za-z0-9.\-:[\]]+$/, 'must be a host name or IP address'),
    port: z.number().int('must be a whole number').min(1, 'must be between 1 and 65535').max(65535, 'must be between 1 and 65535'),
    secure: z.boolean().default(false),
    username: z.string().trim().max(320).nullable().optional().describe('Empty or null: no login'),
    password: z
      .string()
      .max(1000)
      .nullable()
      .optional()
      .describe('Write-only. Omit to keep the stored password, null to remove it'),
    fromAddress: email,
    throttleDays: z.number().int('must be a whole number').min(0).max(365).default(3),
  })
  .strict()
  .openapi('PutSmtpSettingsRequest')

export const SmtpTestBody = z.object({ to: email }).strict().openapi('SmtpTestRequest')

export const SendResultSchema = z
  .object({
    ok: z.boolean(),
    detail: z.string().describe('The server’s answer (SMTP response or HTTP status), or the error'),
    responseStatus: z.number().int().nullable().describe('HTTP status for webhooks and Slack'),
  })
  .openapi('OutreachSendResult')

// ----- destinations -----

export const DestinationKeyParam = z.object({
  key: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lowercase letters, digits, - and _ (e.g. crm-sync)'),
})

export const DestinationSchema = z
  .object({
    key: z.string(),
    kind: z.enum(destinationKinds),
    urlHint: z.string().describe('Host and the last 4 characters of the path; the full URL is never returned (a Slack URL is itself a secret)'),
    secretSet: z.boolean().describe('Webhooks: a signing secret is stored (never returned)'),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .openapi('OutreachDestination')

const httpUrl = z
  .string()
  .trim()
  .max(2000)
  .url('must be a URL')
  .refine((value) => /^https?:\/\//i.test(value), 'must start with https:// or http://')

export const PutDestinationBody = z
  .object({
    kind: z.enum(destinationKinds),
    url: httpUrl.optional().describe('Required when creating; omit to keep the stored URL'),
    secret: z
      .string()
      .min(16, 'must be at least 16 characters')
      .max(500)
      .optional()
      .describe('Webhooks: the HMAC-SHA256 signing secret (required when creating, omit to keep). Write-only'),
  })
  .strict()
  .openapi('PutOutreachDestinationRequest')

// ----- delivery logs -----

export const EmailListQuery = z.object({
  accountId: z.uuid().optional(),
  playbook: z.string().min(1).max(64).optional(),
  status: z.enum(deliveryStatuses).optional(),
  limit: limitQuery,
  cursor: z.string().max(1000).optional(),
})

export const OutboundEmailSchema = z
  .object({
    id: z.string().uuid(),
    accountId: z.string().uuid().nullable(),
    accountName: z.string().nullable(),
    contactId: z.string().uuid().nullable(),
    playbookKey: z.string().nullable(),
    playbookRunId: z.string().uuid().nullable(),
    playbookStepId: z.string().nullable(),
    toAddress: z.string(),
    fromAddress: z.string(),
    fromName: z.string().nullable(),
    subject: z.string(),
    status: z.enum(deliveryStatuses),
    skipReason: z.string().nullable(),
    attempts: z.number().int(),
    nextAttemptAt: timestamp.nullable().describe('When the next attempt is due (pending only)'),
    lastError: z.string().nullable().describe('The last failed attempt’s error (kept after a later success)'),
    messageId: z.string().nullable(),
    sentAt: timestamp.nullable(),
    createdAt: timestamp,
  })
  .openapi('OutboundEmail')

export const EmailPageSchema = z.object({ items: z.array(OutboundEmailSchema), nextCursor: z.string().nullable() }).openapi('OutboundEmailPage')

export const WebhookListQuery = z.object({
  destination: z.string().min(1).max(64).optional(),
  accountId: z.uuid().optional(),
  playbook: z.string().min(1).max(64).optional(),
  status: z.enum(deliveryStatuses).optional(),
  limit: limitQuery,
  cursor: z.string().max(1000).optional(),
})

export const WebhookDeliverySchema = z
  .object({
    id: z.string().uuid(),
    destinationKey: z.string(),
    kind: z.enum(destinationKinds),
    accountId: z.string().uuid().nullable(),
    accountName: z.string().nullable(),
    playbookKey: z.string().nullable(),
    playbookRunId: z.string().uuid().nullable(),
    playbookStepId: z.string().nullable(),
    payload: z.record(z.string(), z.unknown()),
    status: z.enum(deliveryStatuses),
    attempts: z.number().int(),
    nextAttemptAt: timestamp.nullable().describe('When the next attempt is due (pending only)'),
    responseStatus: z.number().int().nullable().describe('HTTP status of the last attempt'),
    lastError: z.string().nullable().describe('The last failed attempt’s error (kept after a later success)'),
    deliveredAt: timestamp.nullable(),
    createdAt: timestamp,
  })
  .openapi('WebhookDelivery')

export const WebhookPageSchema = z.object({ items: z.array(WebhookDeliverySchema), nextCursor: z.string().nullable() }).openapi('WebhookDeliveryPage')

export const UnsubscribeListQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) })

export const UnsubscribeListSchema = z
  .object({
    items: z.array(z.object({ email: z.string(), unsubscribedAt: timestamp })),
    total: z.number().int(),
  })
  .openapi('EmailUnsubscribes')

export const UnsubscribeTokenParam = z.object({ token: z.string().min(1).max(200) })
