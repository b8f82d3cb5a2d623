import { sql } from 'drizzle-orm'
import { bigserial, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { workspaces } from '../workspaces'

export const segmentCallTypes = ['track', 'page', 'screen', 'identify', 'group', 'alias'] as const
export type SegmentCallType = (typeof segmentCallTypes)[number]

/**
 * Accepted calls land here first, in the request's transaction: one cheap insert with only its
 * primary key, so a 200 means "durably committed" at close to COPY speed. The drain job moves
 * them into `events` (deduplicated by messageId) and maintains the usage rollups.
 */
export const eventInbox = pgTable(
  'event_inbox',
  {
    workspaceId: uuid('workspace_id').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    messageId: text('message_id').notNull(),
    type: text('type', { enum: segmentCallTypes }).notNull(),
    event: text('event'),
    userId: text('user_id'),
    anonymousId: text('anonymous_id'),
    groupId: text('group_id'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    /** properties for track/page/screen, traits for identify/group. */
    properties: jsonb('properties').$type<Record<string, unknown>>().notNull(),
    context: jsonb('context').$type<Record<string, unknown>>().notNull(),
    sourceKeyId: uuid('source_key_id'),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.id] })],
)

/** Every call, stored once per messageId; account_id is null until the user's or group's account is known. */
export const events = pgTable(
  'events',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    messageId: text('message_id').notNull(),
    type: text('type', { enum: segmentCallTypes }).notNull(),
    event: text('event'),
    userId: text('user_id'),
    anonymousId: text('anonymous_id'),
    groupId: text('group_id'),
    accountId: uuid('account_id'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    properties: jsonb('properties').$type<Record<string, unknown>>().notNull(),
    context: jsonb('context').$type<Record<string, unknown>>().notNull(),
    sourceKeyId: uuid('source_key_id'),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.messageId] }),
    index('events_workspace_account_occurred_idx').on(table.workspaceId, table.accountId, table.occurredAt.desc()).where(sql`${table.accountId} is not null`),
    // Small by design: only events still waiting for their account.
    index('events_workspace_unmatched_idx').on(table.workspaceId, table.userId).where(sql`${table.accountId} is null`),
  ],
)

/** A product user (Segment userId, or anon:<anonymousId>) and the account it belongs to. */
export const productUsers = pgTable(
  'product_users',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: text('user_id').notNull(),
    /** The account's external id as the product knows it (from group / context.groupId). */
    groupId: text('group_id'),
    accountId: uuid('account_id'),
    contactId: uuid('contact_id'),
    email: text('email'),
    name: text('name'),
    traits: jsonb('traits').$type<Record<string, unknown>>().notNull().default({}),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.userId] }),
    index('product_users_workspace_account_idx').on(table.workspaceId, table.accountId, table.lastSeenAt.desc()),
    index('product_users_workspace_group_idx').on(table.workspaceId, table.groupId),
  ],
)

/** Per account and day: usage events and distinct active users (maintained by the drain, never recomputed). */
export const usageDaily = pgTable(
  'usage_daily',
  {
    workspaceId: uuid('workspace_id').notNull(),
    accountId: uuid('account_id').notNull(),
    day: date('day').notNull(),
    eventCount: integer('event_count').notNull().default(0),
    activeUsers: integer('active_users').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.accountId, table.day] })],
)

export const usageDailyEvents = pgTable(
  'usage_daily_events',
  {
    workspaceId: uuid('workspace_id').notNull(),
    accountId: uuid('account_id').notNull(),
    day: date('day').notNull(),
    event: text('event').notNull(),
    eventCount: integer('event_count').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.accountId, table.day, table.event] })],
)

/** Which users were active on an account's day: the source of DAU/WAU/MAU without rescanning events. */
export const usageUserDays = pgTable(
  'usage_user_days',
  {
    workspaceId: uuid('workspace_id').notNull(),
    accountId: uuid('account_id').notNull(),
    day: date('day').notNull(),
    userId: text('user_id').notNull(),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.accountId, table.day, table.userId] })],
)

/** Per source (API key) and day of receipt: what the data-quality report reads. */
export const eventSourceDaily = pgTable(
  'event_source_daily',
  {
    workspaceId: uuid('workspace_id').notNull(),
    /** The API key the calls came with; the nil uuid for calls made by Bosun itself (demo). */
    sourceKeyId: uuid('source_key_id').notNull(),
    day: date('day').notNull(),
    received: integer('received').notNull().default(0),
    duplicates: integer('duplicates').notNull().default(0),
    futureTimestamps: integer('future_timestamps').notNull().default(0),
    ancientTimestamps: integer('ancient_timestamps').notNull().default(0),
    lastReceivedAt: timestamp('last_received_at', { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.sourceKeyId, table.day] })],
)

/** Workspace configuration of usage metrics. */
export const usageSettings = pgTable('usage_settings', {
  workspaceId: uuid('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  keyFeatures: text('key_features').array().notNull().default(sql`'{}'::text[]`),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})
