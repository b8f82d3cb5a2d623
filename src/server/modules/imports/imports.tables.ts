import { sql } from 'drizzle-orm'
import { bigint, boolean, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { workspaces } from '../workspaces'

export const importKinds = ['accounts', 'contacts', 'subscriptions', 'revenue-movements', 'tickets', 'touchpoints', 'outcomes'] as const
export const importStatuses = ['queued', 'running', 'succeeded', 'partially', 'failed'] as const

/** One CSV import (or dry run): what was asked, how far it got, what it did. */
export const importRuns = pgTable(
  'import_runs',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    kind: text('kind', { enum: importKinds }).notNull(),
    fileName: text('file_name').notNull(),
    /** Where the uploaded file waits for its job (under the data dir); null once it is removed. */
    filePath: text('file_path'),
    /** True when the file is Bosun's own copy (an upload) and may be deleted after the run. */
    fileOwned: boolean('file_owned').notNull().default(true),
    fileBytes: bigint('file_bytes', { mode: 'number' }).notNull().default(0),
    status: text('status', { enum: importStatuses }).notNull().default('queued'),
    dryRun: boolean('dry_run').notNull(),
    allOrNothing: boolean('all_or_nothing').notNull().default(false),
    /** Dates like 03/04/2026 read as 3 April instead of March 4. */
    dayFirst: boolean('day_first').notNull().default(false),
    /** CSV column → target field (null: ignored), as used by the run. */
    mapping: jsonb('mapping').$type<Record<string, string | null>>().notNull().default({}),
    headers: jsonb('headers').$type<string[]>().notNull().default([]),
    rowsProcessed: integer('rows_processed').notNull().default(0),
    rowsCreated: integer('rows_created').notNull().default(0),
    rowsUpdated: integer('rows_updated').notNull().default(0),
    rowsUnchanged: integer('rows_unchanged').notNull().default(0),
    rowsFailed: integer('rows_failed').notNull().default(0),
    bytesProcessed: bigint('bytes_processed', { mode: 'number' }).notNull().default(0),
    /** The first changes the run would make (dry run) or made. */
    preview: jsonb('preview').$type<unknown[]>().notNull().default([]),
    /** Why the run failed as a whole (unreadable file, no header, all-or-nothing with bad rows…). */
    failureReason: text('failure_reason'),
    /** The dry run this apply repeats, if any. */
    sourceRunId: uuid('source_run_id'),
    createdByUserId: uuid('created_by_user_id'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** Last progress write; a run that stops beating was interrupted. */
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.id] }),
    index('import_runs_workspace_created_idx').on(table.workspaceId, table.createdAt.desc(), table.id),
  ],
)

/** Every bad row of a run: spreadsheet row number (the header is row 1), column, reason, the raw line. */
export const importRowErrors = pgTable(
  'import_row_errors',
  {
    workspaceId: uuid('workspace_id').notNull(),
    runId: uuid('run_id').notNull(),
    seq: integer('seq').notNull(),
    rowNumber: integer('row_number').notNull(),
    column: text('column'),
    field: text('field'),
    reason: text('reason').notNull(),
    raw: text('raw'),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.runId, table.seq] }),
    foreignKey({ columns: [table.workspaceId, table.runId], foreignColumns: [importRuns.workspaceId, importRuns.id] }).onDelete('cascade'),
  ],
)

/**
 * Source ids of imported records whose own table has no external id column (touchpoints), so a
 * re-import updates the record instead of adding it again.
 */
export const importRecordKeys = pgTable(
  'import_record_keys',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: importKinds }).notNull(),
    externalId: text('external_id').notNull(),
    recordId: uuid('record_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.kind, table.externalId] })],
)
