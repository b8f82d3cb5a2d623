import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm'
import { preparedPerDb, type Db } from '../../platform/db'
import { workspaces } from '../workspaces'
import { apiKeys, sessions, users } from './identity.tables'

export type User = typeof users.$inferSelect
export type NewUser = typeof users.$inferInsert
export type ApiKey = typeof apiKeys.$inferSelect

export async function findLoginCandidates(db: Db, email: string) {
  return db
    .select({ user: users, workspaceSlug: workspaces.slug, workspaceName: workspaces.name })
    .from(users)
    .innerJoin(workspaces, eq(workspaces.id, users.workspaceId))
    .where(sql`lower(${users.email}) = lower(${email})`)
}

export async function findUser(db: Db, params: { workspaceId: string; userId: string }): Promise<User | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.workspaceId, params.workspaceId), eq(users.id, params.userId)))
    .limit(1)
  return row
}

export async function findUserByEmail(db: Db, params: { workspaceId: string; email: string }): Promise<User | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.workspaceId, params.workspaceId), sql`lower(${users.email}) = lower(${params.email})`))
    .limit(1)
  return row
}

export async function listUsers(db: Db, workspaceId: string): Promise<User[]> {
  return db.select().from(users).where(eq(users.workspaceId, workspaceId)).orderBy(asc(users.name))
}

export async function insertUser(db: Db, user: NewUser): Promise<User> {
  const [row] = await db.insert(users).values(user).returning()
  return row
}

export async function updateUser(db: Db, params: { workspaceId: string; userId: string; changes: Partial<NewUser> }): Promise<User | undefined> {
  const [row] = await db
    .update(users)
    .set({ ...params.changes, updatedAt: new Date() })
    .where(and(eq(users.workspaceId, params.workspaceId), eq(users.id, params.userId)))
    .returning()
  return row
}

export async function countOwners(db: Db, workspaceId: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(users)
    .where(and(eq(users.workspaceId, workspaceId), eq(users.role, 'owner'), eq(users.status, 'active')))
  return row?.count ?? 0
}

export async function insertSession(db: Db, session: typeof sessions.$inferInsert) {
  const [row] = await db.insert(sessions).values(session).returning()
  return row
}

/** One query per request: the session, its user and its workspace. */
// Every request authenticates: both lookups are prepared once per connection (no query building or planning per call).
const activeSessionQuery = preparedPerDb((db) =>
  db
    .select({ session: sessions, user: users, workspaceSlug: workspaces.slug })
    .from(sessions)
    .innerJoin(users, and(eq(users.workspaceId, sessions.workspaceId), eq(users.id, sessions.userId)))
    .innerJoin(workspaces, eq(workspaces.id, sessions.workspaceId))
    .where(and(eq(sessions.workspaceId, sql.placeholder('workspaceId')), eq(sessions.id, sql.placeholder('sessionId')), gt(sessions.expiresAt, sql`now()`)))
    .limit(1)
    .prepare('identity_active_session'),
)

export async function findActiveSession(db: Db, params: { workspaceId: string; sessionId: string }) {
  const [row] = await activeSessionQuery(db).execute(params)
  return row
}

export async function touchSession(db: Db, params: { workspaceId: string; sessionId: string; expiresAt: Date }) {
  await db
    .update(sessions)
    .set({ lastSeenAt: new Date(), expiresAt: params.expiresAt })
    .where(and(eq(sessions.workspaceId, params.workspaceId), eq(sessions.id, params.sessionId)))
}

export async function deleteSession(db: Db, params: { workspaceId: string; sessionId: string }) {
  await db.delete(sessions).where(and(eq(sessions.workspaceId, params.workspaceId), eq(sessions.id, params.sessionId)))
}

export async function deleteUserSessions(db: Db, params: { workspaceId: string; userId: string }) {
  await db.delete(sessions).where(and(eq(sessions.workspaceId, params.workspaceId), eq(sessions.userId, params.userId)))
}

export async function insertApiKey(db: Db, key: typeof apiKeys.$inferInsert): Promise<ApiKey> {
  const [row] = await db.insert(apiKeys).values(key).returning()
  return row
}

export async function listApiKeys(db: Db, workspaceId: string): Promise<ApiKey[]> {
  return db.select().from(apiKeys).where(eq(apiKeys.workspaceId, workspaceId)).orderBy(asc(apiKeys.createdAt))
}

export async function findApiKey(db: Db, params: { workspaceId: string; keyId: string }): Promise<ApiKey | undefined> {
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.workspaceId, params.workspaceId), eq(apiKeys.id, params.keyId)))
    .limit(1)
  return row
}

const apiKeyByPrefixQuery = preparedPerDb((db) =>
  db
    .select({ key: apiKeys, workspaceSlug: workspaces.slug })
    .from(apiKeys)
    .innerJoin(workspaces, eq(workspaces.id, apiKeys.workspaceId))
    .where(and(eq(apiKeys.prefix, sql.placeholder('prefix')), isNull(apiKeys.revokedAt)))
    .limit(1)
    .prepare('identity_api_key_by_prefix'),
)

export async function findApiKeyByPrefix(db: Db, prefix: string) {
  const [row] = await apiKeyByPrefixQuery(db).execute({ prefix })
  return row
}

export async function revokeApiKey(db: Db, params: { workspaceId: string; keyId: string }): Promise<ApiKey | undefined> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.workspaceId, params.workspaceId), eq(apiKeys.id, params.keyId), isNull(apiKeys.revokedAt)))
    .returning()
  return row
}

export async function touchApiKey(db: Db, params: { workspaceId: string; keyId: string }) {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: new Date() })
    .where(and(eq(apiKeys.workspaceId, params.workspaceId), eq(apiKeys.id, params.keyId)))
}
