import type { AppDeps } from '../../../platform/http'
import type { JobDefinition } from '../../../platform/jobs'
import { drainQueueInBatches } from '../../../platform/db'
import { advanceDueRuns } from '../playbooks.executor'
import { hasDueRuns } from '../playbooks.repo'
import { consumeEventsForPlaybooks, sweepScheduledPlaybooks, workspacesWithPlaybookEvents, workspacesWithScheduledPlaybooks } from '../playbooks.triggers'

/** Advances due runs in batches of 50 for up to 20 s (what is left is picked up by the next wake). */
async function advanceRuns(deps: AppDeps): Promise<void> {
  await drainQueueInBatches(deps.dbHandle, {
    budgetMs: 20_000,
    takeBatch: () => advanceDueRuns(deps.db, { limit: 50, publicUrl: deps.config.publicUrl }),
    onBatch: (batch) => {
      if (batch.failed > 0) deps.logger.warn({ runs: batch.runs, failed: batch.failed }, 'playbook runs failed')
    },
  })
}

/**
 * Domain events → runs: woken within a second of an unread event, reads each workspace's events through the
 * `playbooks` cursor, then advances the runs it started at once (saving a hop of the advance job's wake).
 */
function triggerJob(deps: AppDeps): JobDefinition<Record<string, never>> {
  return {
    queue: 'playbooks.trigger',
    policy: 'short',
    runAtStart: true,
    wake: { everySeconds: 1, hasWork: async () => (await workspacesWithPlaybookEvents(deps.db)).length > 0 },
    handler: async () => {
      const deadline = Date.now() + 20_000
      let started = 0
      for (const workspaceId of await workspacesWithPlaybookEvents(deps.db)) {
        for (;;) {
          const batch = await consumeEventsForPlaybooks(deps.db, { workspaceId, limit: 1000 })
          started += batch.started
          if (batch.read === 0 || Date.now() > deadline) break
        }
      }
      if (started > 0) await advanceRuns(deps)
    },
  }
}

function advanceJob(deps: AppDeps): JobDefinition<Record<string, never>> {
  return {
    queue: 'playbooks.advance',
    policy: 'short',
    runAtStart: true,
    wake: { everySeconds: 1, hasWork: () => hasDueRuns(deps.db) },
    handler: () => advanceRuns(deps),
  }
}

/** Schedules, relative dates and usage counts, each minute. */
function scheduleJob(deps: AppDeps): JobDefinition<Record<string, never>> {
  return {
    queue: 'playbooks.schedule',
    policy: 'short',
    cron: '* * * * *',
    handler: async () => {
      let started = 0
      for (const workspaceId of await workspacesWithScheduledPlaybooks(deps.db)) started += await sweepScheduledPlaybooks(deps.db, { workspaceId })
      if (started > 0) {
        deps.logger.info({ started }, 'scheduled playbook runs started')
        await advanceRuns(deps)
      }
    },
  }
}

export function playbookJobs(deps: AppDeps): JobDefinition<object>[] {
  return [triggerJob(deps), advanceJob(deps), scheduleJob(deps)] as JobDefinition<object>[]
}
