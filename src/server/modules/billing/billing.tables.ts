import { sql } from 'drizzle-orm'
import { boolean, foreignKey, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { accounts } from '../accounts'
import { workspaces } from '../workspaces'

/**
 * A workspace's Stripe webhook endpoint. The signing secret is a shared secret that must be read
 * back to verify signatures, so it is stored as given; the API never returns it (only its last 4).
 */
export const billingStripeSettings = pgTable('billing_stripe_settings', {
  workspaceId: uuid('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  signingSecret: text('signing_secret').notNull(),
  updatedBy: uuid('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})

/**
 * received: stored, not yet processed · processed: applied · unmatched: the Stripe customer is not
 * mapped to an account yet (kept; processed when the mapping arrives) · ignored: a type Bosun does
 * not use, or older than an event already applied to the same object · failed: applying it failed (error).
 */
export const stripeEventStatuses = ['received', 'processed', 'unmatched', 'ignored', 'failed'] as const

/** Every Stripe event received, once per Stripe event id (Stripe retries deliveries). */
export const billingStripeEvents = pgTable(
  'billing_stripe_events',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    stripeEventId: text('stripe_event_id').notNull(),
    type: text('type').notNull(),
    livemode: boolean('livemode').notNull().default(false),
    status: text('status', { enum: stripeEventStatuses }).notNull().default('received'),
    stripeCustomerId: text('stripe_customer_id'),
    /** The subscription or invoice the event is about. */
    stripeObjectId: text('stripe_object_id'),
    /** The account it was applied to; no foreign key, so the log outlives a deleted account. */
    accountId: uuid('account_id'),
    /** Stripe's `created` of the event. */
    eventCreatedAt: timestamp('event_created_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    error: text('error'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.id] }),
    uniqueIndex('billing_stripe_events_workspace_event_key').on(table.workspaceId, table.stripeEventId),
    index('billing_stripe_events_workspace_received_idx').on(table.workspaceId, table.receivedAt, table.id),
    index('billing_stripe_events_workspace_status_customer_idx').on(table.workspaceId, table.status, table.stripeCustomerId),
    index('billing_stripe_events_workspace_object_idx').on(table.workspaceId, table.stripeObjectId, table.eventCreatedAt),
  ],
)

export const stripeCustomerSources = ['metadata', 'external_id', 'manual'] as const

/** Which Bosun account a Stripe customer is: from metadata, an account whose external id is the customer id, or set by hand. */
export const billingStripeCustomers = pgTable(
  'billing_stripe_customers',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    stripeCustomerId: text('stripe_customer_id').notNull(),
    accountId: uuid('account_id').notNull(),
    source: text('source', { enum: stripeCustomerSources }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.stripeCustomerId] }),
    foreignKey({ columns: [table.workspaceId, table.accountId], foreignColumns: [accounts.workspaceId, accounts.id] }).onDelete('cascade'),
    index('billing_stripe_customers_workspace_account_idx').on(table.workspaceId, table.accountId),
  ],
)

/**
 * The "payment failed" signal: one row per failed Stripe invoice, open until it is paid
 * (resolved_at). Health scores and playbooks read open failures from here.
 */
export const billingPaymentFailures = pgTable(
  'billing_payment_failures',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    accountId: uuid('account_id').notNull(),
    stripeInvoiceId: text('stripe_invoice_id').notNull(),
    stripeCustomerId: text('stripe_customer_id'),
    stripeSubscriptionId: text('stripe_subscription_id'),
    /** Amount due, in the currency's major unit. */
    amount: numeric('amount', { precision: 14, scale: 2, mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    /** The latest failed attempt. */
    failedAt: timestamp('failed_at', { withTimezone: true }).notNull(),
    attemptCount: integer('attempt_count').notNull().default(1),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.id] }),
    foreignKey({ columns: [table.workspaceId, table.accountId], foreignColumns: [accounts.workspaceId, accounts.id] }).onDelete('cascade'),
    uniqueIndex('billing_payment_failures_workspace_invoice_key').on(table.workspaceId, table.stripeInvoiceId),
    index('billing_payment_failures_workspace_account_idx').on(table.workspaceId, table.accountId, table.failedAt),
    index('billing_payment_failures_workspace_open_idx').on(table.workspaceId, table.failedAt).where(sql`${table.resolvedAt} is null`),
  ],
)
