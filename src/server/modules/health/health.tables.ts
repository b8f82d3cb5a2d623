import { date, foreignKey, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { sql } from 'drizzle-orm'
import { accounts } from '../accounts'
import { workspaces } from '../workspaces'
import { accountQueueTable } from '../../platform/account-queue'

export const healthBands = ['red', 'yellow', 'green'] as const
export type HealthBand = (typeof healthBands)[number]

/** One measure of a computed score, as stored (scores and snapshots). */
export type StoredMeasure = {
  key: string
  group: string
  /** The input (null when missing: it is shown as missing and its weight goes to the others). */
  value: number | null
  /** 0–100, null when missing. */
  points: number | null
  /** Configured weight of the measure within its group. */
  weight: number
  /** Share of the overall score after re-weighting (0 when missing); Σ points × effectiveWeight = score. */
  effectiveWeight: number
  missing: boolean
}

/**
 * Each account's current health score. `score` and `band` are null when every input is missing
 * (nothing to score yet), never 0.
 */
export const healthScores = pgTable(
  'health_scores',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id').notNull(),
    scorecardKey: text('scorecard_key').notNull(),
    scorecardVersion: integer('scorecard_version').notNull(),
    score: numeric('score', { precision: 6, scale: 2, mode: 'number' }),
    band: text('band', { enum: healthBands }),
    measures: jsonb('measures').$type<StoredMeasure[]>().notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.accountId] }),
    foreignKey({ columns: [table.workspaceId, table.accountId], foreignColumns: [accounts.workspaceId, accounts.id] }).onDelete('cascade'),
    index('health_scores_band_idx').on(table.workspaceId, table.band),
  ],
)

/** The last score of each day per account (upserted on every recompute), for trends, "why it changed" and backtests. */
export const healthSnapshots = pgTable(
  'health_snapshots',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    scorecardKey: text('scorecard_key').notNull(),
    scorecardVersion: integer('scorecard_version').notNull(),
    score: numeric('score', { precision: 6, scale: 2, mode: 'number' }),
    band: text('band', { enum: healthBands }),
    measures: jsonb('measures').$type<StoredMeasure[]>().notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.accountId, table.day] }),
    foreignKey({ columns: [table.workspaceId, table.accountId], foreignColumns: [accounts.workspaceId, accounts.id] }).onDelete('cascade'),
    index('health_snapshots_day_idx').on(table.workspaceId, table.day),
  ],
)

export const sentimentValues = ['negative', 'neutral', 'positive'] as const
export type SentimentValue = (typeof sentimentValues)[number]

/** A CSM's read of the relationship, with a comment; it counts until it expires. */
export const healthSentiments = pgTable(
  'health_sentiments',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    accountId: uuid('account_id').notNull(),
    authorId: uuid('author_id'),
    sentiment: text('sentiment', { enum: sentimentValues }).notNull(),
    comment: text('comment'),
    expiresOn: date('expires_on', { mode: 'string' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.id] }),
    foreignKey({ columns: [table.workspaceId, table.accountId], foreignColumns: [accounts.workspaceId, accounts.id] }).onDelete('cascade'),
    index('health_sentiments_account_idx').on(table.workspaceId, table.accountId, table.createdAt),
  ],
)

/**
 * Accounts whose inputs changed since their score was computed: filled by the same statement triggers
 * as the classification queue (migration 0008's functions, extended), plus memberships, milestones,
 * payment failures and sentiments. No foreign key, like account_evaluation_queue.
 */
export const healthEvaluationQueue = accountQueueTable('health_evaluation_queue')

/** Per workspace: when every score was last recomputed (the hourly sweep or a publish). */
export const healthSweeps = pgTable('health_sweeps', {
  workspaceId: uuid('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  sweptAt: timestamp('swept_at', { withTimezone: true }).notNull(),
  accounts: integer('accounts').notNull(),
  ms: integer('ms').notNull(),
})
