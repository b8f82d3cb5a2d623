import { sql } from 'drizzle-orm'
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { workspaces } from '../workspaces'

export const playbookStatuses = ['active', 'paused'] as const
export type PlaybookStatus = (typeof playbookStatuses)[number]

/**
 * Whether a published playbook is running or paused, and how far its schedule has fired. The playbook
 * itself is a `playbook` configuration document (versioned by the config module).
 */
export const playbookStates = pgTable(
  'playbook_states',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    playbookKey: text('playbook_key').notNull(),
    status: text('status', { enum: playbookStatuses }).notNull().default('active'),
    /** Schedule triggers: the last due time already turned into runs (so each cron tick fires once). */
    scheduledThrough: timestamp('scheduled_through', { withTimezone: true }),
    changedBy: uuid('changed_by'),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.playbookKey] })],
)

export const playbookRunStatuses = ['pending', 'waiting', 'completed', 'failed', 'cancelled'] as const
export type PlaybookRunStatus = (typeof playbookRunStatuses)[number]

/**
 * One playbook version run for one account for one trigger occurrence (an event id, a schedule tick, a
 * renewal date, a manual request). The unique key is what makes each occurrence run once.
 */
export const playbookRuns = pgTable(
  'playbook_runs',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    playbookKey: text('playbook_key').notNull(),
    playbookVersion: integer('playbook_version').notNull(),
    accountId: uuid('account_id').notNull(),
    /** The trigger occurrence, e.g. `event:1234`, `cron:2026-11-24T09:00:00.000Z`, `renewal:2027-02-01`, `manual:<uuid>`. */
    occurrence: text('occurrence').notNull(),
    /** What triggered it, for the run log (event type and payload, schedule, who ran it by hand). */
    trigger: jsonb('trigger').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: playbookRunStatuses }).notNull().default('pending'),
    /** The step to run next (null once finished). */
    nextStepId: text('next_step_id'),
    /** When the next step may run (a wait step pushes it out). */
    wakeAt: timestamp('wake_at', { withTimezone: true }).notNull().defaultNow(),
    /** When the triggering event happened (the start of the event → task latency). */
    triggeredAt: timestamp('triggered_at', { withTimezone: true }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    endReason: text('end_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.id] }),
    uniqueIndex('playbook_runs_occurrence_key').on(table.workspaceId, table.playbookKey, table.playbookVersion, table.accountId, table.occurrence),
    index('playbook_runs_due_idx').on(table.wakeAt).where(sql`${table.status} in ('pending', 'waiting')`),
    index('playbook_runs_workspace_playbook_idx').on(table.workspaceId, table.playbookKey, table.createdAt),
    index('playbook_runs_workspace_account_idx').on(table.workspaceId, table.accountId, table.createdAt),
  ],
)

export const playbookStepOutcomes = ['done', 'skipped', 'failed', 'waiting'] as const
export type PlaybookStepOutcome = (typeof playbookStepOutcomes)[number]

/** The run log: each step a run took, what it did and why. One row per (run, step): steps only go forward. */
export const playbookRunSteps = pgTable(
  'playbook_run_steps',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    runId: uuid('run_id').notNull(),
    stepId: text('step_id').notNull(),
    stepType: text('step_type').notNull(),
    outcome: text('outcome', { enum: playbookStepOutcomes }).notNull(),
    /** What it made or why it did nothing (task id, email ids, branch taken, …). */
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    executedAt: timestamp('executed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.runId, table.stepId] })],
)

/** Where each round-robin task step stands: the user it gave the last task to. */
export const playbookRoundRobin = pgTable(
  'playbook_round_robin',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    playbookKey: text('playbook_key').notNull(),
    stepId: text('step_id').notNull(),
    lastUserId: uuid('last_user_id'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.playbookKey, table.stepId] })],
)
