import { sql } from 'drizzle-orm'
import { boolean, date, foreignKey, index, integer, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { accounts } from '../accounts'
import { workspaces } from '../workspaces'

export const subscriptionStatuses = ['trialing', 'active', 'past_due', 'canceled', 'expired'] as const

export const subscriptions = pgTable(
  'subscriptions',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    accountId: uuid('account_id').notNull(),
    externalId: text('external_id'),
    product: text('product').notNull(),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    /** End of the current term: the renewal date. */
    endDate: date('end_date', { mode: 'string' }),
    arr: numeric('arr', { precision: 14, scale: 2, mode: 'number' }).notNull().default(0),
    currency: text('currency').notNull().default('USD'),
    seats: integer('seats'),
    status: text('status', { enum: subscriptionStatuses }).notNull().default('active'),
    autoRenew: boolean('auto_renew').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.id] }),
    foreignKey({ columns: [table.workspaceId, table.accountId], foreignColumns: [accounts.workspaceId, accounts.id] }).onDelete('cascade'),
    uniqueIndex('subscriptions_workspace_external_id_key').on(table.workspaceId, table.externalId).where(sql`${table.externalId} is not null`),
    index('subscriptions_workspace_account_idx').on(table.workspaceId, table.accountId, table.startDate),
    index('subscriptions_workspace_start_idx').on(table.workspaceId, table.startDate, table.id),
    index('subscriptions_workspace_end_idx').on(table.workspaceId, table.endDate),
  ],
)
