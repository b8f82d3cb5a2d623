import { date, foreignKey, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { accounts } from '../accounts'
import { workspaces } from '../workspaces'

/** done: achieved by the due day; late: achieved after it; on_track: not yet, due today or later; missed: not yet, due passed. */
export const milestoneStatuses = ['done', 'late', 'on_track', 'missed'] as const
export type MilestoneStatus = (typeof milestoneStatuses)[number]

/**
 * Where each account stands on each milestone of the journeys that apply to it. Derived data:
 * recomputed by `journeys.evaluate` from the published journey documents and the account's data;
 * value milestones keep the day they were first seen holding (never un-achieved).
 */
export const accountMilestones = pgTable(
  'account_milestones',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    journeyKey: text('journey_key').notNull(),
    milestoneKey: text('milestone_key').notNull(),
    accountId: uuid('account_id').notNull(),
    /** The day the due offset counts from (contract start, customer since, or stage entered). */
    anchorOn: date('anchor_on', { mode: 'string' }).notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    achievedOn: date('achieved_on', { mode: 'string' }),
    status: text('status', { enum: milestoneStatuses }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.journeyKey, table.milestoneKey, table.accountId] }),
    foreignKey({ columns: [table.workspaceId, table.accountId], foreignColumns: [accounts.workspaceId, accounts.id] }).onDelete('cascade'),
    index('account_milestones_account_idx').on(table.workspaceId, table.accountId),
    index('account_milestones_status_idx').on(table.workspaceId, table.journeyKey, table.milestoneKey, table.status, table.dueOn),
  ],
)
