import { and, desc, eq, lt, or } from 'drizzle-orm'
import type { Db } from '../../platform/db'
import { auditLog } from './audit.tables'

export type AuditEntry = typeof auditLog.$inferSelect
export type NewAuditEntry = typeof auditLog.$inferInsert

export async function insertAuditEntry(db: Db, entry: NewAuditEntry): Promise<void> {
  await db.insert(auditLog).values(entry)
}

export async function listAuditEntries(
  db: Db,
  params: { workspaceId: string; limit: number; after?: { at: Date; id: string }; action?: string; entityType?: string; entityId?: string },
): Promise<AuditEntry[]> {
  const conditions = [eq(auditLog.workspaceId, params.workspaceId)]
  if (params.action) conditions.push(eq(auditLog.action, params.action))
  if (params.entityType) conditions.push(eq(auditLog.entityType, params.entityType))
  if (params.entityId) conditions.push(eq(auditLog.entityId, params.entityId))
  if (params.after) {
    const older = or(lt(auditLog.at, params.after.at), and(eq(auditLog.at, params.after.at), lt(auditLog.id, params.after.id)))
    if (older) conditions.push(older)
  }
  return db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(params.limit)
}
