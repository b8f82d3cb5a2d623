import { sql } from 'drizzle-orm'
import { date, foreignKey, index, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { accounts } from '../accounts'
import { workspaces } from '../workspaces'

/**
 * What happened to an account at a renewal or cancellation. These are the labels a health
 * backtest scores against: they describe outcomes and do not move ARR (the revenue ledger does).
 */
export const outcomeKinds = ['renewed', 'expanded', 'contracted', 'churned'] as const

export const accountOutcomes = pgTable(
  'account_outcomes',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    accountId: uuid('account_id').notNull(),
    kind: text('kind', { enum: outcomeKinds }).notNull(),
    occurredOn: date('occurred_on', { mode: 'string' }).notNull(),
    arrBefore: numeric('arr_before', { precision: 14, scale: 2, mode: 'number' }),
    arrAfter: numeric('arr_after', { precision: 14, scale: 2, mode: 'number' }),
    note: text('note'),
    externalId: text('external_id'),
    /** Where it came from: manual (UI/API), import (CSV) or an integration's name. */
    source: text('source').notNull().default('manual'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.id] }),
    foreignKey({ columns: [table.workspaceId, table.accountId], foreignColumns: [accounts.workspaceId, accounts.id] }).onDelete('cascade'),
    uniqueIndex('account_outcomes_workspace_external_id_key').on(table.workspaceId, table.externalId).where(sql`${table.externalId} is not null`),
    index('account_outcomes_workspace_account_idx').on(table.workspaceId, table.accountId, table.occurredOn.desc()),
    index('account_outcomes_workspace_occurred_idx').on(table.workspaceId, table.occurredOn, table.id),
  ],
)
