import { sql } from 'drizzle-orm'
import { hasQueuedAccountsIn } from '../../platform/account-queue'
import type { Db } from '../../platform/db'

export const hasQueuedAccounts = (db: Db) => hasQueuedAccountsIn(db, 'account_evaluation_queue')

/** Queues every account of a workspace (after a rule changed), inside the caller's transaction. */
export async function queueWorkspace(db: Db, workspaceId: string): Promise<void> {
  await db.execute(sql`INSERT INTO account_evaluation_queue (workspace_id, account_id) SELECT workspace_id, id FROM accounts WHERE workspace_id = ${workspaceId} ON CONFLICT DO NOTHING`)
}

/** A rule of this workspace changed: re-classify all of its accounts (the evaluate job picks them up). */
export const requeueOnRuleChange = async (db: Db, context: { workspaceId: string }) => queueWorkspace(db, context.workspaceId)
