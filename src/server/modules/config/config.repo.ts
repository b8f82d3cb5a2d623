import { and, asc, desc, eq, ne, sql } from 'drizzle-orm'
import type { Db } from '../../platform/db'
import { configDocuments } from './config.tables'

export type ConfigDocumentRow = typeof configDocuments.$inferSelect
export type NewConfigDocumentRow = typeof configDocuments.$inferInsert

type KeyRef = { workspaceId: string; kind: string; key: string }

const ofKey = (params: KeyRef) =>
  and(eq(configDocuments.workspaceId, params.workspaceId), eq(configDocuments.kind, params.kind), eq(configDocuments.key, params.key))

/** Serialises config writes of a workspace (they are rare; this keeps version numbers and drafts consistent). */
export async function lockWorkspaceConfig(db: Db, workspaceId: string): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`config:${workspaceId}`}, 0))`)
}

/** Every version of a key, newest first (the primary key serves it). */
export async function listVersions(db: Db, params: KeyRef): Promise<ConfigDocumentRow[]> {
  return db.select().from(configDocuments).where(ofKey(params)).orderBy(desc(configDocuments.version))
}

export async function findVersion(db: Db, params: KeyRef & { version: number }): Promise<ConfigDocumentRow | undefined> {
  const [row] = await db
    .select()
    .from(configDocuments)
    .where(and(ofKey(params), eq(configDocuments.version, params.version)))
    .limit(1)
  return row
}

export async function findDraft(db: Db, params: KeyRef): Promise<ConfigDocumentRow | undefined> {
  const [row] = await db
    .select()
    .from(configDocuments)
    .where(and(ofKey(params), eq(configDocuments.status, 'draft')))
    .limit(1)
  return row
}

/** The highest non-draft version: the live document when published, the retirement marker when archived. */
export async function findHead(db: Db, params: KeyRef): Promise<ConfigDocumentRow | undefined> {
  const [row] = await db
    .select()
    .from(configDocuments)
    .where(and(ofKey(params), ne(configDocuments.status, 'draft')))
    .orderBy(desc(configDocuments.version))
    .limit(1)
  return row
}

export async function maxVersion(db: Db, params: KeyRef): Promise<number> {
  const [row] = await db
    .select({ version: sql<number | null>`max(${configDocuments.version})` })
    .from(configDocuments)
    .where(ofKey(params))
  return Number(row?.version ?? 0)
}

/**
 * Per key of the workspace (optionally of one kind): its head (highest non-draft version) and its
 * open draft, each null when absent; ordered by kind, then key. Config is small (hundreds of rows).
 */
export async function listHeadsAndDrafts(
  db: Db,
  params: { workspaceId: string; kind?: string },
): Promise<{ kind: string; key: string; head: ConfigDocumentRow | null; draft: ConfigDocumentRow | null }[]> {
  const isDraft = sql`${configDocuments.status} = 'draft'`
  const rows = await db
    .selectDistinctOn([configDocuments.kind, configDocuments.key, isDraft])
    .from(configDocuments)
    .where(and(eq(configDocuments.workspaceId, params.workspaceId), params.kind === undefined ? undefined : eq(configDocuments.kind, params.kind)))
    .orderBy(asc(configDocuments.kind), asc(configDocuments.key), isDraft, desc(configDocuments.version))
  const result: { kind: string; key: string; head: ConfigDocumentRow | null; draft: ConfigDocumentRow | null }[] = []
  for (const row of rows) {
    let entry = result.at(-1)
    if (!entry || entry.kind !== row.kind || entry.key !== row.key) {
      entry = { kind: row.kind, key: row.key, head: null, draft: null }
      result.push(entry)
    }
    if (row.status === 'draft') entry.draft = row
    else entry.head = row
  }
  return result
}

export async function insertVersion(db: Db, row: NewConfigDocumentRow): Promise<ConfigDocumentRow> {
  const [inserted] = await db.insert(configDocuments).values(row).returning()
  return inserted
}

export async function updateDraft(
  db: Db,
  params: KeyRef & { changes: Pick<NewConfigDocumentRow, 'body' | 'comment' | 'createdBy' | 'createdByLabel'> },
): Promise<ConfigDocumentRow | undefined> {
  const [row] = await db
    .update(configDocuments)
    .set({ ...params.changes, createdAt: new Date() })
    .where(and(ofKey(params), eq(configDocuments.status, 'draft')))
    .returning()
  return row
}

/** Moves the open draft up one version, so a version published under it keeps the draft on top. */
export async function bumpDraft(db: Db, params: KeyRef): Promise<void> {
  await db
    .update(configDocuments)
    .set({ version: sql`${configDocuments.version} + 1` })
    .where(and(ofKey(params), eq(configDocuments.status, 'draft')))
}

/** The draft becomes a published version, stamped with who published it and when. */
export async function publishDraft(
  db: Db,
  params: KeyRef & Pick<NewConfigDocumentRow, 'body' | 'comment' | 'createdBy' | 'createdByLabel'>,
): Promise<ConfigDocumentRow | undefined> {
  const { workspaceId, kind, key, ...changes } = params
  const [row] = await db
    .update(configDocuments)
    .set({ ...changes, status: 'published', createdAt: new Date() })
    .where(and(ofKey({ workspaceId, kind, key }), eq(configDocuments.status, 'draft')))
    .returning()
  return row
}

export async function deleteDraft(db: Db, params: KeyRef): Promise<ConfigDocumentRow | undefined> {
  const [row] = await db
    .delete(configDocuments)
    .where(and(ofKey(params), eq(configDocuments.status, 'draft')))
    .returning()
  return row
}
