import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../platform/db'

export async function hasQueuedAccounts(db: Db): Promise<boolean> {
  const rows = await queryRows<{ queued: boolean }>(db, sql`SELECT EXISTS (SELECT 1 FROM account_evaluation_queue) AS queued`)
  return rows[0]?.queued === true
}

/** Queues every account of a workspace (after a rule changed), inside the caller's transaction. */
export async function queueWorkspace(db: Db, workspaceId: string): Promise<void> {
  await db.execute(sql`INSERT INTO account_evaluation_queue (workspace_id, account_id) SELECT workspace_id, id FROM accounts WHERE workspace_id = ${workspaceId} ON CONFLICT DO NOTHING`)
}

/** A rule of this workspace changed: re-classify all of its accounts (the evaluate job picks them up). */
export const requeueOnRuleChange = async (db: Db, context: { workspaceId: string }) => queueWorkspace(db, context.workspaceId)
