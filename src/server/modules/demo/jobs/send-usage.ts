import type { AppDeps } from '../../../platform/http'
import type { JobDefinition } from '../../../platform/jobs'
import { reconstructDemoHistory, sendDemoUsage } from '../demo.service'

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
      // With the usage in, stage history and segment trends can be reconstructed.
      await reconstructDemoHistory(deps.db, { workspaceId })
    },
  }
}
