import { sql } from 'drizzle-orm'
import { bigint, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { workspaces } from '../workspaces'

/**
 * Things that happened to an account that automation reacts to (`segment.entered`, `lifecycle.changed`, …).
 * Append-only; `id` orders them, and each consumer keeps a cursor per workspace.
 */
export const domainEvents = pgTable(
  'domain_events',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    /**
     * The writing transaction's id (pg_current_xact_id). Ids from a sequence are handed out before commit, so a
     * consumer reading `id > cursor` could pass over an event whose transaction commits later; consumers instead
     * read in (tx_id, id) order and only transactions older than every one still running (pg_snapshot_xmin).
     */
    txId: bigint('tx_id', { mode: 'number' }).notNull().default(sql`(pg_current_xact_id()::text)::bigint`),
    type: text('type').notNull(),
    accountId: uuid('account_id'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.id] }),
    index('domain_events_workspace_account_idx').on(table.workspaceId, table.accountId, table.id),
    index('domain_events_workspace_type_idx').on(table.workspaceId, table.type, table.id),
    index('domain_events_workspace_tx_idx').on(table.workspaceId, table.txId, table.id),
  ],
)

/** How far each consumer (e.g. `engagement.assign`) has read a workspace's domain events. */
export const domainEventCursors = pgTable(
  'domain_event_cursors',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    consumer: text('consumer').notNull(),
    lastTxId: bigint('last_tx_id', { mode: 'number' }).notNull().default(0),
    lastId: bigint('last_id', { mode: 'number' }).notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.consumer] })],
)
