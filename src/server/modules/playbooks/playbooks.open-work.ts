/** A playbook's work under way: runs with steps still to take and the open tasks it made; what a change does with them. */
import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../platform/db'
import type { OpenWork, OpenWorkHooks, SettledWork } from '../config'
import { closePlaybookTasks } from '../tasks'

export async function countOpenWork(db: Db, params: { workspaceId: string; key: string }): Promise<OpenWork> {
  const [row] = await queryRows<{ runs: number; tasks: number }>(
    db,
    sql`SELECT (SELECT count(*)::int FROM playbook_runs WHERE workspace_id = ${params.workspaceId} AND playbook_key = ${params.key} AND status IN ('pending', 'waiting')) AS runs,
               (SELECT count(*)::int FROM tasks WHERE workspace_id = ${params.workspaceId} AND playbook_key = ${params.key} AND status IN ('open', 'in_progress')) AS tasks`,
  )
  return { runs: row?.runs ?? 0, tasks: row?.tasks ?? 0 }
}

/** Cancels a playbook's open runs and/or dismisses its open tasks, as the person chose. */
export const settleOpenWork: OpenWorkHooks['settle'] = async (db, params): Promise<SettledWork> => {
  let runsCancelled = 0
  if (params.choice.openRuns === 'cancel') {
    const rows = await queryRows<{ id: string }>(
      db,
      sql`UPDATE playbook_runs SET status = 'cancelled', end_reason = ${params.reason}, finished_at = now(), updated_at = now()
          WHERE workspace_id = ${params.workspaceId} AND playbook_key = ${params.key} AND status IN ('pending', 'waiting')
            ${params.beforeVersion !== undefined ? sql`AND playbook_version < ${params.beforeVersion}` : sql``} RETURNING id`,
    )
    runsCancelled = rows.length
  }
  const tasksDismissed = params.choice.openTasks === 'dismiss' ? await closePlaybookTasks(db, { workspaceId: params.workspaceId, playbookKey: params.key, reason: params.reason, actorId: params.actorId }) : 0
  return { runsCancelled, tasksDismissed }
}

export const playbookOpenWork: OpenWorkHooks = { count: countOpenWork, settle: settleOpenWork }
