import { sql } from 'drizzle-orm'
import { date, foreignKey, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { accounts } from '../accounts'
import { workspaces } from '../workspaces'

export const successPlanStatuses = ['active', 'completed', 'cancelled'] as const
export type SuccessPlanStatus = (typeof successPlanStatuses)[number]

/**
 * One account's success plan: objectives, each with milestones (success_plan_items). Made by hand, from a
 * `success-plan` template, or by a playbook step (idempotent by run and step).
 */
export const successPlans = pgTable(
  'success_plans',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    accountId: uuid('account_id').notNull(),
    title: text('title').notNull(),
    templateKey: text('template_key'),
    templateVersion: integer('template_version'),
    status: text('status', { enum: successPlanStatuses }).notNull().default('active'),
    ownerId: uuid('owner_id'),
    /** sha256 of the secret of the customer-facing read-only link (null: not shared). */
    shareTokenHash: text('share_token_hash'),
    sharedAt: timestamp('shared_at', { withTimezone: true }),
    playbookRunId: uuid('playbook_run_id'),
    playbookStepId: text('playbook_step_id'),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.id] }),
    foreignKey({ columns: [table.workspaceId, table.accountId], foreignColumns: [accounts.workspaceId, accounts.id] }).onDelete('cascade'),
    uniqueIndex('success_plans_workspace_run_step_key').on(table.workspaceId, table.playbookRunId, table.playbookStepId).where(sql`${table.playbookRunId} is not null`),
    index('success_plans_workspace_account_idx').on(table.workspaceId, table.accountId),
    // The share link is looked up before the workspace is known (the customer has no session).
    uniqueIndex('success_plans_share_token_key').on(table.shareTokenHash).where(sql`${table.shareTokenHash} is not null`),
  ],
)

export const successPlanItemKinds = ['objective', 'milestone'] as const

/** An objective (parent_id null) or one of its milestones (parent_id = the objective). */
export const successPlanItems = pgTable(
  'success_plan_items',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    planId: uuid('plan_id').notNull(),
    parentId: uuid('parent_id'),
    kind: text('kind', { enum: successPlanItemKinds }).notNull(),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    ownerId: uuid('owner_id'),
    /** A customer-side owner, as text (the customer sees the plan by link, not as a user). */
    customerOwner: text('customer_owner'),
    dueOn: date('due_on', { mode: 'string' }),
    doneAt: timestamp('done_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.id] }),
    foreignKey({ columns: [table.workspaceId, table.planId], foreignColumns: [successPlans.workspaceId, successPlans.id] }).onDelete('cascade'),
    index('success_plan_items_workspace_plan_idx').on(table.workspaceId, table.planId, table.position),
  ],
)
