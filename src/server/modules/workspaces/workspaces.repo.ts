import { eq } from 'drizzle-orm'
import type { Db } from '../../platform/db'
import { workspaces } from './workspaces.tables'

export type Workspace = typeof workspaces.$inferSelect

export async function findWorkspaceBySlug(db: Db, slug: string): Promise<Workspace | undefined> {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.slug, slug)).limit(1)
  return row
}

export async function findWorkspaceById(db: Db, id: string): Promise<Workspace | undefined> {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.id, id)).limit(1)
  return row
}

export async function insertWorkspace(db: Db, params: { slug: string; name: string }): Promise<Workspace> {
  const [row] = await db.insert(workspaces).values(params).returning()
  return row
}

export async function listWorkspaces(db: Db): Promise<Workspace[]> {
  return db.select().from(workspaces).orderBy(workspaces.createdAt)
}

export async function deleteWorkspace(db: Db, id: string): Promise<void> {
  await db.delete(workspaces).where(eq(workspaces.id, id))
}
