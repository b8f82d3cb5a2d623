import { and, desc, eq, getTableColumns, sql, type SQL } from 'drizzle-orm'
import { preparedPerDb, type Db } from '../../platform/db'
import { users } from '../identity'
import type { TouchpointListFilters } from './touchpoints.contracts'
import { touchpoints } from './touchpoints.tables'

export type Touchpoint = typeof touchpoints.$inferSelect
export type NewTouchpoint = typeof touchpoints.$inferInsert
export type TouchpointWithAuthor = Touchpoint & { authorName: string | null }

const touchpointColumns = {
  ...getTableColumns(touchpoints),
  // A scalar subquery, not a join: PostgreSQL evaluates it only for the rows left after ORDER BY/LIMIT,
  // each one a primary-key lookup, where a join would hash the whole users table first.
  // Qualified by hand: drizzle leaves columns unqualified in a one-table select.
  authorName: sql<string | null>`(select u.name from ${users} u where u.workspace_id = ${touchpoints}.workspace_id and u.id = ${touchpoints}.author_id)`.as('author_name'),
  // The exact stored instant (microseconds) for cursors; a JS Date would round it to milliseconds.
  cursorAt: sql<string>`${touchpoints.occurredAt}::text`.as('cursor_at'),
}


export async function listTouchpoints(
  db: Db,
  params: { workspaceId: string; filters: Omit<TouchpointListFilters, 'cursor'>; after?: [string, string] },
): Promise<(TouchpointWithAuthor & { cursorAt: string })[]> {
  const { filters } = params
  const conditions: SQL[] = [sql`${touchpoints.workspaceId} = ${params.workspaceId}`]
  if (filters.accountId) conditions.push(sql`${touchpoints.accountId} = ${filters.accountId}`)
  if (filters.kind) conditions.push(sql`${touchpoints.kind} = ${filters.kind}`)
  if (filters.authorId) conditions.push(sql`${touchpoints.authorId} = ${filters.authorId}`)
  if (params.after) conditions.push(sql`(${touchpoints.occurredAt}, ${touchpoints.id}) < (${params.after[0]}::timestamptz, ${params.after[1]}::uuid)`)
  return db
    .select(touchpointColumns)
    .from(touchpoints)
    .where(and(...conditions))
    .orderBy(desc(touchpoints.occurredAt), desc(touchpoints.id))
    .limit(filters.limit)
}

const accountTouchpointsQuery = preparedPerDb((db) =>
  db
    .select(touchpointColumns)
    .from(touchpoints)
    .where(and(eq(touchpoints.workspaceId, sql.placeholder('workspaceId')), eq(touchpoints.accountId, sql.placeholder('accountId'))))
    .orderBy(desc(touchpoints.occurredAt), desc(touchpoints.id))
    .limit(sql.placeholder('limit'))
    .prepare('touchpoints_of_account'),
)

/** An account's latest touchpoints, newest first (the 360 view); uses touchpoints_workspace_account_at_idx. */
export async function listAccountTouchpoints(db: Db, params: { workspaceId: string; accountId: string; limit: number }): Promise<TouchpointWithAuthor[]> {
  return accountTouchpointsQuery(db).execute(params)
}

export async function findTouchpoint(db: Db, params: { workspaceId: string; touchpointId: string }): Promise<TouchpointWithAuthor | undefined> {
  const [row] = await db
    .select(touchpointColumns)
    .from(touchpoints)
    .where(and(eq(touchpoints.workspaceId, params.workspaceId), eq(touchpoints.id, params.touchpointId)))
    .limit(1)
  return row
}

export async function insertTouchpoint(db: Db, touchpoint: NewTouchpoint): Promise<Touchpoint> {
  const [row] = await db.insert(touchpoints).values(touchpoint).returning()
  return row
}

export async function updateTouchpoint(
  db: Db,
  params: { workspaceId: string; touchpointId: string; changes: Partial<NewTouchpoint> },
): Promise<Touchpoint | undefined> {
  const [row] = await db
    .update(touchpoints)
    .set({ ...params.changes, updatedAt: new Date() })
    .where(and(eq(touchpoints.workspaceId, params.workspaceId), eq(touchpoints.id, params.touchpointId)))
    .returning()
  return row
}

export async function deleteTouchpoint(db: Db, params: { workspaceId: string; touchpointId: string }): Promise<boolean> {
  const rows = await db
    .delete(touchpoints)
    .where(and(eq(touchpoints.workspaceId, params.workspaceId), eq(touchpoints.id, params.touchpointId)))
    .returning({ id: touchpoints.id })
  return rows.length > 0
}
