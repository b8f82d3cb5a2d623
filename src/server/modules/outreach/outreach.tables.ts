import { sql } from 'drizzle-orm'
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { workspaces } from '../workspaces'

/**
 * The workspace's mail server. The password must be read back to log in, so it is kept as given (like a
 * database password in configuration); the API only ever shows whether one is set.
 */
export const outreachSmtpSettings = pgTable('outreach_smtp_settings', {
  workspaceId: uuid('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  host: text('host').notNull(),
  port: integer('port').notNull(),
  /** TLS from the first byte (465); otherwise STARTTLS when the server offers it. */
  secure: boolean('secure').notNull().default(false),
  username: text('username'),
  password: text('password'),
  /** Used when the CSM has no address of their own to send as. */
  fromAddress: text('from_address').notNull(),
  /** At most one playbook email per contact within this many days (the per-contact throttle). */
  throttleDays: integer('throttle_days').notNull().default(3),
  updatedBy: uuid('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})

export const destinationKinds = ['webhook', 'slack'] as const
export type DestinationKind = (typeof destinationKinds)[number]

/**
 * Where playbook steps post: an outbound webhook (signed with HMAC-SHA256 using `secret`) or a Slack incoming
 * webhook. Playbooks name a destination by key, so URLs and secrets stay out of configuration files.
 */
export const outreachDestinations = pgTable(
  'outreach_destinations',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    kind: text('kind', { enum: destinationKinds }).notNull(),
    url: text('url').notNull(),
    /** HMAC key for webhooks (kept as given: it must be read back to sign). */
    secret: text('secret'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.key] })],
)

export const deliveryStatuses = ['pending', 'sending', 'sent', 'failed', 'skipped'] as const
export type DeliveryStatus = (typeof deliveryStatuses)[number]

/**
 * Every email a playbook sends, one row per (run, step, contact): written in the transaction that advances
 * the run (the idempotency key), then delivered by `outreach.deliver`. `skipped` carries why (unsubscribed,
 * throttled, no address).
 */
export const outboundEmails = pgTable(
  'outbound_emails',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    idempotencyKey: text('idempotency_key').notNull(),
    accountId: uuid('account_id'),
    contactId: uuid('contact_id'),
    playbookKey: text('playbook_key'),
    playbookRunId: uuid('playbook_run_id'),
    playbookStepId: text('playbook_step_id'),
    toAddress: text('to_address').notNull(),
    fromAddress: text('from_address').notNull(),
    fromName: text('from_name'),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    status: text('status', { enum: deliveryStatuses }).notNull().default('pending'),
    skipReason: text('skip_reason'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    /** The secret of this email's unsubscribe link (random; the link works without a session). */
    unsubscribeToken: text('unsubscribe_token').notNull().default(sql`replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')`),
    messageId: text('message_id'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.id] }),
    uniqueIndex('outbound_emails_workspace_key').on(table.workspaceId, table.idempotencyKey),
    index('outbound_emails_due_idx').on(table.nextAttemptAt).where(sql`${table.status} in ('pending', 'sending')`),
    index('outbound_emails_workspace_contact_idx').on(table.workspaceId, table.contactId, table.createdAt),
    index('outbound_emails_workspace_account_idx').on(table.workspaceId, table.accountId, table.createdAt),
    uniqueIndex('outbound_emails_unsubscribe_token_key').on(table.unsubscribeToken),
  ],
)

/** Addresses that followed an email's unsubscribe link; playbooks never email them again. */
export const emailUnsubscribes = pgTable(
  'email_unsubscribes',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    unsubscribedAt: timestamp('unsubscribed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.email] })],
)

/** Every webhook or Slack post a playbook makes, one per (run, step): the delivery log, with retries. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    idempotencyKey: text('idempotency_key').notNull(),
    destinationKey: text('destination_key').notNull(),
    kind: text('kind', { enum: destinationKinds }).notNull(),
    accountId: uuid('account_id'),
    playbookKey: text('playbook_key'),
    playbookRunId: uuid('playbook_run_id'),
    playbookStepId: text('playbook_step_id'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: deliveryStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    responseStatus: integer('response_status'),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.id] }),
    uniqueIndex('webhook_deliveries_workspace_key').on(table.workspaceId, table.idempotencyKey),
    index('webhook_deliveries_due_idx').on(table.nextAttemptAt).where(sql`${table.status} in ('pending', 'sending')`),
    index('webhook_deliveries_workspace_created_idx').on(table.workspaceId, table.createdAt),
  ],
)
