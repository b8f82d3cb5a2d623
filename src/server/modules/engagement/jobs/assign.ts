import type { AppDeps } from '../../../platform/http'
import type { JobDefinition } from '../../../platform/jobs'
import { runAssignmentConsumer, workspacesToAssign } from '../engagement.assign'

/**
 * Assigns owners after classification: woken within a second of an unread domain event (tier.changed
 * is what it acts on), reads each workspace's events through its cursor, for up to 20 s a run.
 */
export function assignJob(deps: AppDeps): JobDefinition<Record<string, never>> {
  return {
    queue: 'engagement.assign',
    policy: 'short',
    runAtStart: true,
    wake: { everySeconds: 1, hasWork: async () => (await workspacesToAssign(deps.db)).length > 0 },
    handler: async () => {
      const deadline = Date.now() + 20_000
      for (const workspaceId of await workspacesToAssign(deps.db)) {
        const made = await runAssignmentConsumer(deps.db, { workspaceId, deadline })
        if (made.length > 0) deps.logger.info({ workspaceId, assigned: made.length }, 'owners assigned by the assignment rules')
        if (Date.now() > deadline) break
      }
    },
  }
}
