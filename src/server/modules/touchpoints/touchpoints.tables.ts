import { sql } from 'drizzle-orm'
import { foreignKey, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { accounts } from '../accounts'
import { workspaces } from '../workspaces'

export const touchpointKinds = ['note', 'call', 'meeting', 'email', 'qbr'] as const

export const touchpoints = pgTable(
  'touchpoints',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    accountId: uuid('account_id').notNull(),
    kind: text('kind', { enum: touchpointKinds }).notNull(),
    /** The user who logged it; null for imported touchpoints whose author is unknown. */
    authorId: uuid('author_id'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    subject: text('subject'),
    body: text('body').notNull().default(''),
    contactIds: uuid('contact_ids').array().notNull().default(sql`'{}'::uuid[]`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.id] }),
    foreignKey({ columns: [table.workspaceId, table.accountId], foreignColumns: [accounts.workspaceId, accounts.id] }).onDelete('cascade'),
    index('touchpoints_workspace_at_idx').on(table.workspaceId, table.occurredAt, table.id),
    index('touchpoints_workspace_account_at_idx').on(table.workspaceId, table.accountId, table.occurredAt.desc()),
  ],
)
