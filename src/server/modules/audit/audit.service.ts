import type { Db } from '../../platform/db'
import type { AuthContext } from '../../platform/http'
import { decodeCursor, encodeCursor } from '../../platform/http'
import { insertAuditEntry, listAuditEntries, type AuditEntry } from './audit.repo'

export type AuditActor = AuthContext['actor'] | { kind: 'system'; label: string }

const secretFields = new Set(['passwordHash', 'secretHash', 'tokenHash', 'password'])

/** Drops secrets and turns values JSON-safe, so before/after never leak a hash. */
function snapshot(value: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  if (!value) return null
  const result: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(value)) {
    if (secretFields.has(key)) continue
    result[key] = field instanceof Date ? field.toISOString() : field
  }
  return result
}

export type RecordAuditParams = {
  workspaceId: string
  actor: AuditActor
  action: string
  entityType: string
  entityId?: string | null
  before?: Record<string, unknown> | null
  after?: Record<string, unknown> | null
}

export async function recordAudit(db: Db, params: RecordAuditParams): Promise<void> {
  const { actor } = params
  const actorId = actor.kind === 'user' ? actor.userId : actor.kind === 'api_key' ? actor.keyId : null
  const actorLabel = actor.kind === 'user' ? actor.email : actor.kind === 'api_key' ? `API key ${actor.name}` : actor.label
  await insertAuditEntry(db, {
    workspaceId: params.workspaceId,
    actorKind: actor.kind,
    actorId,
    actorLabel,
    action: params.action,
    entityType: params.entityType,
    entityId: params.entityId ?? null,
    before: snapshot(params.before),
    after: snapshot(params.after),
  })
}

export async function pageAuditLog(
  db: Db,
  params: { workspaceId: string; limit: number; cursor?: string; action?: string; entityType?: string; entityId?: string },
): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  const cursor = decodeCursor(params.cursor, 2)
  const after = cursor ? { at: new Date(String(cursor[0])), id: String(cursor[1]) } : undefined
  const rows = await listAuditEntries(db, { ...params, limit: params.limit + 1, after })
  const items = rows.slice(0, params.limit)
  const last = items[items.length - 1]
  const nextCursor = rows.length > params.limit && last ? encodeCursor([last.at.toISOString(), last.id]) : null
  return { items, nextCursor }
}
