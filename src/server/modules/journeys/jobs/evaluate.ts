import type { AppDeps } from '../../../platform/http'
import type { JobDefinition } from '../../../platform/jobs'
import { EVALUATE_JOURNEYS_QUEUE } from '../journeys.config'
import { evaluateJourneys, workspacesWithJourneys } from '../journeys.engine'

/**
 * Every 15 minutes (due days pass and data arrives) and when a journey is published or archived:
 * recomputes the milestones of one workspace, or of every workspace with journeys.
 */
export function evaluateJourneysJob(deps: AppDeps): JobDefinition<{ workspaceId?: string }> {
  return {
    queue: EVALUATE_JOURNEYS_QUEUE,
    cron: '*/15 * * * *',
    handler: async (payload) => {
      const workspaceIds = payload.workspaceId ? [payload.workspaceId] : await workspacesWithJourneys(deps.db)
      for (const workspaceId of workspaceIds) {
        const result = await evaluateJourneys(deps.db, { workspaceId })
        if (result.changed + result.removed > 0) deps.logger.info({ workspaceId, ...result }, 'milestones re-evaluated')
      }
    },
  }
}
