import { and, asc, desc, eq, inArray, lt, sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../platform/db'
import { domainEventCursors, domainEvents } from './domain-events.tables'

/** The domain events Bosun emits; automation (assignment now, playbooks later) reacts to them. */
export const domainEventTypes = [
  'segment.entered',
  'segment.exited',
  'tier.changed',
  'lifecycle.changed',
  'health.changed',
  'health.band_changed',
  // Written by triggers (migration 0013), so every writer (API, import, Zendesk, Stripe, demo) emits them.
  'ticket.opened',
  'payment.failed',
  'account.changed',
  'milestone.late',
] as const
export type DomainEventType = (typeof domainEventTypes)[number]

export type NewDomainEvent = { workspaceId: string; type: DomainEventType; accountId: string | null; payload: Record<string, unknown> }
export type DomainEvent = typeof domainEvents.$inferSelect

/** Appends events inside the caller's transaction, so they exist exactly when the change they describe does. */
export async function recordDomainEvents(db: Db, events: NewDomainEvent[]): Promise<void> {
  // One set-based statement per 5,000 events (a sweep that first classifies 100k accounts writes ~400k).
  for (let start = 0; start < events.length; start += 5000) {
    const rows = events.slice(start, start + 5000)
    await db.execute(sql`
      INSERT INTO domain_events (workspace_id, type, account_id, payload)
      SELECT r."workspaceId", r."type", r."accountId", r."payload"
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r("workspaceId" uuid, "type" text, "accountId" uuid, "payload" jsonb)`)
  }
}

export async function listDomainEvents(
  db: Db,
  params: { workspaceId: string; accountId?: string; types?: string[]; beforeId?: number; limit: number },
): Promise<DomainEvent[]> {
  return db
    .select()
    .from(domainEvents)
    .where(
      and(
        eq(domainEvents.workspaceId, params.workspaceId),
        params.accountId ? eq(domainEvents.accountId, params.accountId) : undefined,
        params.types && params.types.length > 0 ? inArray(domainEvents.type, params.types) : undefined,
        params.beforeId !== undefined ? lt(domainEvents.id, params.beforeId) : undefined,
      ),
    )
    .orderBy(desc(domainEvents.id))
    .limit(params.limit)
}

/** Events of transactions older than every transaction still running: none can appear before them any more. */
const settled = sql`${domainEvents.txId} < (pg_snapshot_xmin(pg_current_snapshot())::text)::bigint`

/**
 * Hands a consumer the workspace's events after its cursor, in commit-safe order, and moves the cursor past
 * them in the same transaction as the consumer's own writes: each event is handled exactly once.
 * The cursor row is locked, so two workers running the same consumer take turns.
 */
export async function consumeDomainEvents(
  db: Db,
  params: { workspaceId: string; consumer: string; types: readonly string[]; limit: number },
  handle: (tx: Db, events: DomainEvent[]) => Promise<void>,
): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.insert(domainEventCursors).values({ workspaceId: params.workspaceId, consumer: params.consumer, lastId: 0 }).onConflictDoNothing()
    const [cursor] = await tx
      .select({ lastTxId: domainEventCursors.lastTxId, lastId: domainEventCursors.lastId })
      .from(domainEventCursors)
      .where(and(eq(domainEventCursors.workspaceId, params.workspaceId), eq(domainEventCursors.consumer, params.consumer)))
      .for('update')
    const lastTxId = cursor?.lastTxId ?? 0
    const lastId = cursor?.lastId ?? 0
    const batch = await tx
      .select()
      .from(domainEvents)
      .where(and(eq(domainEvents.workspaceId, params.workspaceId), sql`(${domainEvents.txId}, ${domainEvents.id}) > (${lastTxId}::bigint, ${lastId}::bigint)`, settled))
      .orderBy(asc(domainEvents.txId), asc(domainEvents.id))
      .limit(params.limit)
    if (batch.length === 0) return 0
    const wanted = batch.filter((event) => params.types.includes(event.type))
    if (wanted.length > 0) await handle(tx, wanted)
    const last = batch[batch.length - 1]!
    await tx
      .update(domainEventCursors)
      .set({ lastTxId: last.txId, lastId: last.id, updatedAt: sql`now()` })
      .where(and(eq(domainEventCursors.workspaceId, params.workspaceId), eq(domainEventCursors.consumer, params.consumer)))
    return batch.length
  })
}

/** Workspaces with events a consumer has not read yet (for its job to visit); one index probe per workspace. */
export async function workspacesWithUnreadEvents(db: Db, params: { consumer: string }): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`SELECT w.id FROM workspaces w
        LEFT JOIN domain_event_cursors c ON c.workspace_id = w.id AND c.consumer = ${params.consumer}
        WHERE EXISTS (SELECT 1 FROM domain_events e WHERE e.workspace_id = w.id
          AND (e.tx_id, e.id) > (coalesce(c.last_tx_id, 0), coalesce(c.last_id, 0))
          AND e.tx_id < (pg_snapshot_xmin(pg_current_snapshot())::text)::bigint)`,
  )
  return rows.map((row) => row.id)
}
