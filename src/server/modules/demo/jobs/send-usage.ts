import type { AppDeps } from '../../../platform/http'
import type { JobDefinition } from '../../../platform/jobs'
import { sendDemoUsage } from '../demo.service'
import { backfillDailyCounts } from '../../segments'

export const SEND_DEMO_USAGE_QUEUE = 'demo.send-usage'

/**
 * Streams a new demo workspace's product usage through ingestion in the background, so the server
 * is ready in seconds and usage fills in over the next minute, as it would from a real product.
 */
export function sendDemoUsageJob(deps: AppDeps): JobDefinition<{ workspaceId: string }> {
  return {
    queue: SEND_DEMO_USAGE_QUEUE,
    handler: async ({ workspaceId }) => {
      const started = Date.now()
      const { calls } = await sendDemoUsage(deps.db, { workspaceId, drain: true })
      deps.logger.info({ workspaceId, calls, seconds: Math.round((Date.now() - started) / 1000) }, 'demo product usage sent')
      // With the usage in, the segment, tier and stage trends can be reconstructed for the last quarter.
      await backfillDailyCounts(deps.db, { workspaceId, days: 91, stepDays: 7 })
    },
  }
}
