import { and, asc, desc, eq, getTableColumns, gt, inArray, sql } from 'drizzle-orm'
import type { Db } from '../../platform/db'
import { importRecordKeys, importRowErrors, importRuns, type importKinds } from './imports.tables'

export type ImportRun = typeof importRuns.$inferSelect
export type NewImportRun = typeof importRuns.$inferInsert
export type ImportRowError = typeof importRowErrors.$inferSelect

export async function insertRun(db: Db, run: NewImportRun): Promise<ImportRun> {
  const [row] = await db.insert(importRuns).values(run).returning()
  return row
}

export async function findRun(db: Db, params: { workspaceId: string; runId: string }): Promise<ImportRun | undefined> {
  const [row] = await db
    .select()
    .from(importRuns)
    .where(and(eq(importRuns.workspaceId, params.workspaceId), eq(importRuns.id, params.runId)))
    .limit(1)
  return row
}

/** Newest first (import_runs_workspace_created_idx). */
export async function listRuns(db: Db, params: { workspaceId: string; limit: number; after?: [string, string] }): Promise<(ImportRun & { cursorAt: string })[]> {
  const conditions = [eq(importRuns.workspaceId, params.workspaceId)]
  if (params.after) conditions.push(sql`(${importRuns.createdAt}, ${importRuns.id}) < (${params.after[0]}::timestamptz, ${params.after[1]}::uuid)`)
  return db
    .select({ ...getTableColumns(importRuns), cursorAt: sql<string>`${importRuns.createdAt}::text`.as('cursor_at') })
    .from(importRuns)
    .where(and(...conditions))
    .orderBy(desc(importRuns.createdAt), desc(importRuns.id))
    .limit(params.limit)
}


/** The imports that applied (or are applying) this dry run and did not fail. */
export async function findApplies(db: Db, params: { workspaceId: string; sourceRunId: string }): Promise<ImportRun[]> {
  return db
    .select()
    .from(importRuns)
    .where(and(eq(importRuns.workspaceId, params.workspaceId), eq(importRuns.sourceRunId, params.sourceRunId), inArray(importRuns.status, ['queued', 'running', 'succeeded', 'partially'])))
    .limit(5)
}

/** Takes a queued run for this worker; null when another worker has it or it is done. */
export async function claimRun(db: Db, params: { workspaceId: string; runId: string }): Promise<ImportRun | undefined> {
  const [row] = await db
    .update(importRuns)
    .set({ status: 'running', startedAt: new Date(), heartbeatAt: new Date() })
    .where(and(eq(importRuns.workspaceId, params.workspaceId), eq(importRuns.id, params.runId), eq(importRuns.status, 'queued')))
    .returning()
  return row
}

export async function updateRun(db: Db, params: { workspaceId: string; runId: string; changes: Partial<NewImportRun> }): Promise<ImportRun | undefined> {
  const [row] = await db
    .update(importRuns)
    .set(params.changes)
    .where(and(eq(importRuns.workspaceId, params.workspaceId), eq(importRuns.id, params.runId)))
    .returning()
  return row
}

/** Runs whose uploaded file is still on disk and that finished before `before`. */
export async function listFinishedRunsWithFiles(db: Db, params: { before: Date; limit: number }): Promise<ImportRun[]> {
  // Housekeeping across workspaces (like expired sessions): the files on disk belong to no request.
  return db
    .select()
    .from(importRuns)
    .where(and(sql`${importRuns.filePath} is not null`, inArray(importRuns.status, ['succeeded', 'partially', 'failed']), sql`${importRuns.finishedAt} < ${params.before.toISOString()}::timestamptz`))
    .limit(params.limit)
}

export async function insertRowErrors(db: Db, rows: (typeof importRowErrors.$inferInsert)[]): Promise<void> {
  if (rows.length === 0) return
  await db.insert(importRowErrors).values(rows)
}

/** A page of a run's row errors in file order (the primary key). */
export async function listRowErrors(db: Db, params: { workspaceId: string; runId: string; afterSeq: number; limit: number }): Promise<ImportRowError[]> {
  return db
    .select()
    .from(importRowErrors)
    .where(and(eq(importRowErrors.workspaceId, params.workspaceId), eq(importRowErrors.runId, params.runId), gt(importRowErrors.seq, params.afterSeq)))
    .orderBy(asc(importRowErrors.seq))
    .limit(params.limit)
}

type ImportKind = (typeof importKinds)[number]

export async function findRecordKeys(db: Db, params: { workspaceId: string; kind: ImportKind; externalIds: string[] }): Promise<Map<string, string>> {
  if (params.externalIds.length === 0) return new Map()
  const rows = await db
    .select({ externalId: importRecordKeys.externalId, recordId: importRecordKeys.recordId })
    .from(importRecordKeys)
    .where(and(eq(importRecordKeys.workspaceId, params.workspaceId), eq(importRecordKeys.kind, params.kind), inArray(importRecordKeys.externalId, [...new Set(params.externalIds)])))
  return new Map(rows.map((row) => [row.externalId, row.recordId]))
}

export async function saveRecordKey(db: Db, params: { workspaceId: string; kind: ImportKind; externalId: string; recordId: string }): Promise<void> {
  await db
    .insert(importRecordKeys)
    .values(params)
    .onConflictDoUpdate({ target: [importRecordKeys.workspaceId, importRecordKeys.kind, importRecordKeys.externalId], set: { recordId: params.recordId } })
}

/** Whether a queued or running import still reads this file. */
export async function runUsesFile(db: Db, filePath: string): Promise<boolean> {
  // Housekeeping across workspaces: a file on disk belongs to no request.
  const [row] = await db
    .select({ id: importRuns.id })
    .from(importRuns)
    .where(and(eq(importRuns.filePath, filePath), inArray(importRuns.status, ['queued', 'running'])))
    .limit(1)
  return Boolean(row)
}

const analyzedTables: Record<ImportKind, string> = {
  accounts: 'accounts',
  contacts: 'contacts',
  subscriptions: 'subscriptions',
  'revenue-movements': 'revenue_movements',
  tickets: 'tickets',
  touchpoints: 'touchpoints',
  outcomes: 'account_outcomes',
}

/** Fresh planner statistics after a bulk import (PGlite never analyzes on its own). */
export async function analyzeImportedTable(db: Db, kind: ImportKind): Promise<void> {
  await db.execute(sql.raw(`ANALYZE ${analyzedTables[kind]}`))
}
