import { sql } from 'drizzle-orm'
import { foreignKey, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { accounts } from '../accounts'
import { workspaces } from '../workspaces'

export const ticketPriorities = ['low', 'normal', 'high', 'urgent'] as const
export const ticketStatuses = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const
export const ticketSatisfactions = ['good', 'bad'] as const

export const tickets = pgTable(
  'tickets',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    accountId: uuid('account_id').notNull(),
    contactId: uuid('contact_id'),
    externalId: text('external_id'),
    subject: text('subject').notNull(),
    priority: text('priority', { enum: ticketPriorities }).notNull().default('normal'),
    status: text('status', { enum: ticketStatuses }).notNull().default('new'),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    satisfaction: text('satisfaction', { enum: ticketSatisfactions }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.id] }),
    foreignKey({ columns: [table.workspaceId, table.accountId], foreignColumns: [accounts.workspaceId, accounts.id] }).onDelete('cascade'),
    uniqueIndex('tickets_workspace_external_id_key').on(table.workspaceId, table.externalId).where(sql`${table.externalId} is not null`),
    index('tickets_workspace_account_opened_idx').on(table.workspaceId, table.accountId, table.openedAt.desc()),
    index('tickets_workspace_opened_idx').on(table.workspaceId, table.openedAt, table.id),
    index('tickets_workspace_status_idx').on(table.workspaceId, table.status),
  ],
)
