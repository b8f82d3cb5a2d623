import type { AppDeps } from '../../../platform/http'
import type { JobDefinition } from '../../../platform/jobs'
import { listWorkspaces } from '../../workspaces'
import { retryStripeEvents } from '../billing.service'

/**
 * Hourly: Stripe events still waiting for their customer's account are tried again in every
 * workspace, so an account created (or given the external id) after the event still gets it.
 */
export function retryUnmatchedStripeEventsJob(deps: AppDeps): JobDefinition<Record<string, never>> {
  return {
    queue: 'billing.retry-unmatched-stripe-events',
    cron: '41 * * * *',
    policy: 'stately',
    handler: async () => {
      for (const workspace of await listWorkspaces(deps.db)) {
        const counts = await retryStripeEvents(deps.db, { workspaceId: workspace.id })
        if (counts.processed + counts.failed > 0) deps.logger.info({ workspace: workspace.slug, ...counts }, 'waiting Stripe events applied')
      }
    },
  }
}
