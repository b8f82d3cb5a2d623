import { sql } from 'drizzle-orm'
import { drainQueueInBatches, embeddedSweepSlices, queryRows } from '../../../platform/db'
import type { AppDeps } from '../../../platform/http'
import type { JobDefinition } from '../../../platform/jobs'
import { evaluateQueuedHealth, hasQueuedHealth, healthSweepLanes, sweepHealth } from '../health.engine'

/** Accounts per transaction: a batch holds PGlite's event loop for well under a second. */
const BATCH = 200

/**
 * Rescores accounts whose inputs changed. Woken within a quarter of a second of a queued account by every
 * worker (SKIP LOCKED splits the queue); an account changed many times meanwhile is scored once.
 * Runs until the queue is empty or 20 s passed.
 */
export function evaluateHealthJob(deps: AppDeps): JobDefinition<Record<string, never>> {
  return {
    queue: 'health.evaluate',
    policy: 'short',
    runAtStart: true,
    wake: { everySeconds: 0.25, hasWork: () => hasQueuedHealth(deps.db) },
    handler: async () => {
      const started = Date.now()
      let accounts = 0
      await drainQueueInBatches(deps.dbHandle, {
        budgetMs: 20_000,
        takeBatch: () => evaluateQueuedHealth(deps.db, { limit: BATCH, cooldownMs: deps.config.recomputeCooldownMs }),
        onBatch: (result) => {
          accounts += result.accounts
        },
      })
      if (accounts > 0) deps.logger.debug({ accounts, ms: Date.now() - started }, 'health scores recomputed')
    },
  }
}

/** Hourly: days-since measures, due milestones and expiring sentiments move with the calendar. */
export function sweepHealthJob(deps: AppDeps): JobDefinition<{ workspaceId?: string }> {
  return {
    queue: 'health.sweep',
    cron: '29 * * * *',
    handler: async (payload) => {
      const workspaceIds = payload.workspaceId
        ? [payload.workspaceId]
        : (await queryRows<{ id: string }>(deps.db, sql`SELECT id FROM workspaces ORDER BY created_at`)).map((row) => row.id)
      for (const workspaceId of workspaceIds) {
        const result = await sweepHealth(deps.db, { workspaceId, parallel: healthSweepLanes(deps.dbHandle.kind), ...embeddedSweepSlices(deps.dbHandle) })
        if (result.accounts > 0) deps.logger.info({ workspaceId, ...result }, 'health scores swept')
      }
    },
  }
}
