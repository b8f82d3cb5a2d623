import { sql } from 'drizzle-orm'
import { date, foreignKey, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { accounts } from '../accounts'
import { workspaces } from '../workspaces'

export const taskStatuses = ['open', 'in_progress', 'done', 'dismissed'] as const
export type TaskStatus = (typeof taskStatuses)[number]
export const taskPriorities = ['low', 'normal', 'high', 'urgent'] as const
export type TaskPriority = (typeof taskPriorities)[number]

/**
 * A call to action for a CSM on one account (a "CTA"): made by hand or by a playbook step. A snoozed task
 * stays open with `snoozed_until` set and leaves "My day" until then.
 */
export const tasks = pgTable(
  'tasks',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    accountId: uuid('account_id').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull().default(''),
    status: text('status', { enum: taskStatuses }).notNull().default('open'),
    priority: text('priority', { enum: taskPriorities }).notNull().default('normal'),
    dueOn: date('due_on', { mode: 'string' }),
    ownerId: uuid('owner_id'),
    /** Who made it: a user, or null for a playbook. */
    createdBy: uuid('created_by'),
    /** The playbook run and step that made it (null for manual tasks). */
    playbookKey: text('playbook_key'),
    playbookRunId: uuid('playbook_run_id'),
    playbookStepId: text('playbook_step_id'),
    snoozedUntil: date('snoozed_until', { mode: 'string' }),
    /** On completion: what came of it (e.g. `resolved`, `no_response`, `escalated`). */
    outcome: text('outcome'),
    dismissReason: text('dismiss_reason'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closedBy: uuid('closed_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.id] }),
    foreignKey({ columns: [table.workspaceId, table.accountId], foreignColumns: [accounts.workspaceId, accounts.id] }).onDelete('cascade'),
    // The idempotency key of a playbook's task: one per run and step, however many workers retry it.
    uniqueIndex('tasks_workspace_run_step_key').on(table.workspaceId, table.playbookRunId, table.playbookStepId).where(sql`${table.playbookRunId} is not null`),
    index('tasks_workspace_owner_open_idx').on(table.workspaceId, table.ownerId, table.dueOn).where(sql`${table.status} in ('open', 'in_progress')`),
    index('tasks_workspace_account_idx').on(table.workspaceId, table.accountId, table.createdAt),
    index('tasks_workspace_playbook_idx').on(table.workspaceId, table.playbookKey, table.createdAt),
  ],
)

export const taskComments = pgTable(
  'task_comments',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    taskId: uuid('task_id').notNull(),
    authorId: uuid('author_id'),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.id] }),
    foreignKey({ columns: [table.workspaceId, table.taskId], foreignColumns: [tasks.workspaceId, tasks.id] }).onDelete('cascade'),
    index('task_comments_workspace_task_idx').on(table.workspaceId, table.taskId, table.createdAt),
  ],
)
