import { date, foreignKey, pgTable, primaryKey, real, uuid } from 'drizzle-orm/pg-core'
import { accounts } from '../accounts'
import { workspaces } from '../workspaces'

/**
 * The demo world's hidden "true health" per account and month. It drives what is observable and
 * is never served by the customer API: later health scores and churn models are validated against it.
 */
export const demoAccountTruth = pgTable(
  'demo_account_truth',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id').notNull(),
    month: date('month', { mode: 'string' }).notNull(),
    trueHealth: real('true_health').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.accountId, table.month] }),
    foreignKey({ columns: [table.workspaceId, table.accountId], foreignColumns: [accounts.workspaceId, accounts.id] }).onDelete('cascade'),
  ],
)
