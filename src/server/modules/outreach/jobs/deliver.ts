import type { AppDeps } from '../../../platform/http'
import type { JobDefinition } from '../../../platform/jobs'
import { claimedAny, deliverDueOutreach, hasDueOutreach } from '../outreach.delivery'

/**
 * Sends queued emails, webhooks and Slack posts: woken within a second of a due row by every worker (the
 * claim's SKIP LOCKED splits the outbox between them), then rounds until nothing is due or 20 s passed.
 */
export function deliverOutreachJob(deps: AppDeps): JobDefinition<Record<string, never>> {
  return {
    queue: 'outreach.deliver',
    policy: 'short',
    runAtStart: true,
    wake: { everySeconds: 1, hasWork: () => hasDueOutreach(deps.db) },
    handler: async () => {
      const deadline = Date.now() + 20_000
      while (Date.now() < deadline) {
        const result = await deliverDueOutreach(deps.db, { publicUrl: deps.config.publicUrl })
        if (!claimedAny(result)) return
        deps.logger.info(result, 'outreach delivered')
      }
    },
  }
}
