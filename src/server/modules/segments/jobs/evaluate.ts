import { sql } from 'drizzle-orm'
import { drainQueueInBatches, queryRows } from '../../../platform/db'
import type { AppDeps } from '../../../platform/http'
import type { JobDefinition } from '../../../platform/jobs'
import { todayUtc } from '../../conditions'
import { evaluateQueuedAccounts, evaluateWorkspace, refreshDailyCounts } from '../segments.engine'
import { hasQueuedAccounts } from '../segments.repo'

/** Accounts per transaction: small enough that a batch holds PGlite's event loop for well under a second. */
const BATCH = 250

/**
 * Classifies accounts whose data changed. Woken within a quarter of a second of a queued account by every worker
 * process (the queue is shared with SKIP LOCKED, so workers split it); runs until the queue is empty
 * or 20 s passed, then refreshes today's counts of the workspaces it touched.
 */
export function evaluateJob(deps: AppDeps): JobDefinition<Record<string, never>> {
  return {
    queue: 'segments.evaluate',
    policy: 'short',
    runAtStart: true,
    wake: { everySeconds: 0.25, hasWork: () => hasQueuedAccounts(deps.db) },
    handler: async () => {
      const started = Date.now()
      const touched = new Set<string>()
      let accounts = 0
      await drainQueueInBatches(deps.dbHandle, {
        budgetMs: 20_000,
        takeBatch: () => evaluateQueuedAccounts(deps.db, { limit: BATCH, cooldownMs: deps.config.recomputeCooldownMs }),
        onBatch: (result) => {
          for (const workspaceId of result.workspaceIds) touched.add(workspaceId)
          accounts += result.accounts
        },
      })
      for (const workspaceId of touched) await refreshDailyCounts(deps.db, { workspaceId, day: todayUtc() })
      if (accounts > 0) deps.logger.debug({ accounts, ms: Date.now() - started }, 'accounts classified')
    },
  }
}

/** Hourly (date-relative rules move with the calendar) and on demand: every account of every workspace, or of one. */
export function sweepJob(deps: AppDeps): JobDefinition<{ workspaceId?: string }> {
  return {
    queue: 'segments.sweep',
    cron: '17 * * * *',
    handler: async (payload) => {
      const workspaceIds = payload.workspaceId
        ? [payload.workspaceId]
        : (await queryRows<{ id: string }>(deps.db, sql`SELECT id FROM workspaces ORDER BY created_at`)).map((row) => row.id)
      for (const workspaceId of workspaceIds) {
        const result = await evaluateWorkspace(deps.db, { workspaceId })
        deps.logger.info({ workspaceId, ...result }, 'segments, tiers and stages re-evaluated')
      }
    },
  }
}
