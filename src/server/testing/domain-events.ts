import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../platform/db'

/**
 * Consumers read a domain event only once every transaction older than it has ended
 * (pg_snapshot_xmin), so events are never skipped. On a shared PostgreSQL another test's
 * open transaction — in any database of the cluster — holds that horizon back for a moment;
 * a test that calls a consumer once waits here first instead of reading nothing.
 */
export async function untilEventsReadable(db: Db, workspaceId: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const [row] = await queryRows<{ waiting: number }>(
      db,
      sql`SELECT count(*)::int AS waiting FROM domain_events
          WHERE workspace_id = ${workspaceId} AND tx_id >= (pg_snapshot_xmin(pg_current_snapshot())::text)::bigint`,
    )
    if (!row || row.waiting === 0) return
    if (Date.now() > deadline) throw new Error(`${row.waiting} domain events still behind an open transaction after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
