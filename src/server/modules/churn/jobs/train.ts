import { sql } from 'drizzle-orm'
import { queryRows } from '../../../platform/db'
import type { AppDeps } from '../../../platform/http'
import type { JobDefinition } from '../../../platform/jobs'
import { insertModelRun, runQueuedTraining } from '../churn.train'

export const TRAIN_CHURN_QUEUE = 'churn.train'

/**
 * Trains one queued model (on demand: the API inserted its card) or, from the weekly cron, a new
 * model for every workspace with churn in its history. Training runs in-process: the demo's 2,000
 * accounts take well under a minute, yielding to the event loop between the feature queries.
 */
export function trainChurnJob(deps: AppDeps): JobDefinition<{ workspaceId?: string; modelId?: string }> {
  return {
    queue: TRAIN_CHURN_QUEUE,
    cron: '41 3 * * 1',
    handler: async (payload) => {
      if (payload.workspaceId && payload.modelId) {
        const result = await runQueuedTraining(deps.db, { workspaceId: payload.workspaceId, modelId: payload.modelId })
        if (result) deps.logger.info({ workspaceId: payload.workspaceId, ...result }, 'churn model trained')
        return
      }
      const workspaces = await queryRows<{ id: string }>(
        deps.db,
        sql`SELECT w.id FROM workspaces w WHERE EXISTS (SELECT 1 FROM revenue_movements m WHERE m.workspace_id = w.id AND m.kind = 'churn')
              OR EXISTS (SELECT 1 FROM account_outcomes o WHERE o.workspace_id = w.id AND o.kind = 'churned')
            ORDER BY w.created_at`,
      )
      for (const { id: workspaceId } of workspaces) {
        const modelId = await insertModelRun(deps.db, { workspaceId, trigger: 'schedule', requestedBy: null })
        const result = await runQueuedTraining(deps.db, { workspaceId, modelId })
        deps.logger.info({ workspaceId, ...(result ?? { failed: true }) }, 'scheduled churn model training')
      }
    },
  }
}
