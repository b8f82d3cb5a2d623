import { bigint, foreignKey, index, integer, numeric, date, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { accounts } from '../accounts'
import { workspaces } from '../workspaces'
import { accountQueueTable } from '../../platform/account-queue'

/**
 * How accounts are classified: `segment` (any number per account), `tier` and `stage` (exactly one each).
 * The classification engine keeps these current; see segments.engine.ts.
 */
export const membershipFamilies = ['segment', 'tier', 'stage'] as const
export type MembershipFamily = (typeof membershipFamilies)[number]
export const membershipSources = ['rule', 'manual'] as const

export const accountMemberships = pgTable(
  'account_memberships',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    family: text('family', { enum: membershipFamilies }).notNull(),
    accountId: uuid('account_id').notNull(),
    groupKey: text('group_key').notNull(),
    enteredAt: timestamp('entered_at', { withTimezone: true }).notNull().defaultNow(),
    /** `manual` when a person moved the account (stages); it stays until the rules say something new. */
    source: text('source', { enum: membershipSources }).notNull().default('rule'),
    /** For one-per-account families: the group the rules chose at the last evaluation. */
    computedKey: text('computed_key'),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.family, table.accountId, table.groupKey] }),
    foreignKey({ columns: [table.workspaceId, table.accountId], foreignColumns: [accounts.workspaceId, accounts.id] }).onDelete('cascade'),
    index('account_memberships_group_idx').on(table.workspaceId, table.family, table.groupKey, table.accountId),
    index('account_memberships_account_idx').on(table.workspaceId, table.accountId),
  ],
)

export const membershipChangeKinds = ['entered', 'exited'] as const

/** Every enter and exit, for an account's history and a segment's flow. */
export const accountMembershipChanges = pgTable(
  'account_membership_changes',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    accountId: uuid('account_id').notNull(),
    family: text('family', { enum: membershipFamilies }).notNull(),
    groupKey: text('group_key').notNull(),
    change: text('change', { enum: membershipChangeKinds }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    source: text('source', { enum: membershipSources }).notNull().default('rule'),
    /** Why, when a person moved it (or the rule version that moved it). */
    reason: text('reason'),
    actorId: uuid('actor_id'),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.id] }),
    foreignKey({ columns: [table.workspaceId, table.accountId], foreignColumns: [accounts.workspaceId, accounts.id] }).onDelete('cascade'),
    index('account_membership_changes_account_idx').on(table.workspaceId, table.accountId, table.at.desc()),
    index('account_membership_changes_group_idx').on(table.workspaceId, table.family, table.groupKey, table.at),
  ],
)

/** Members and their ARR per group per day (written by the sweep), for counts over time. */
export const membershipDailyCounts = pgTable(
  'membership_daily_counts',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    family: text('family', { enum: membershipFamilies }).notNull(),
    groupKey: text('group_key').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    accounts: integer('accounts').notNull(),
    arr: numeric('arr', { precision: 16, scale: 2, mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.family, table.groupKey, table.day] })],
)

/**
 * Accounts whose data changed since they were last classified. Filled by triggers on every table the
 * condition language reads (migration 0008), so every writer — API, import, event drain, Stripe,
 * Zendesk, demo — marks the account without knowing about segments. No foreign key: a deleted
 * account's row is simply dropped by the next evaluation.
 */
export const accountEvaluationQueue = accountQueueTable('account_evaluation_queue')
