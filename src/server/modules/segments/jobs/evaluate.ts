import { sql } from 'drizzle-orm'
import { drainQueueInBatches, embeddedSweepSlices, queryRows } from '../../../platform/db'
import type { AppDeps } from '../../../platform/http'
import type { JobDefinition } from '../../../platform/jobs'
import { todayUtc } from '../../conditions'
import { evaluateQueuedAccounts, evaluateWorkspace, refreshDailyCounts } from '../segments.engine'
import { hasQueuedAccounts } from '../segments.repo'

/** Accounts per transaction: small enough that a batch holds PGlite's event loop for well under a second. */
const BATCH = 250

/**
 * Today's counts per group are a full pass over the workspace's memberships (~1 s on PGlite at 100k
 * accounts). Refreshing them after every run — several a second while events stream in — stalled
 * everything else on PGlite: at most once per this many ms per workspace, the last change always included.
 */
const COUNTS_EVERY_MS = 30_000

/**
 * Classifies accounts whose data changed. Woken within a quarter of a second of a queued account by every
 * worker process (the queue is shared with SKIP LOCKED, so workers split it); runs until the queue is
 * empty or 20 s passed, then refreshes today's counts of the workspaces it touched, when they are due.
 */
export function evaluateJob(deps: AppDeps): JobDefinition<Record<string, never>> {
  const countsRefreshedAt = new Map<string, number>()
  const countsStale = new Set<string>()
  const isDue = (workspaceId: string) => Date.now() - (countsRefreshedAt.get(workspaceId) ?? 0) >= COUNTS_EVERY_MS
  const countsDue = () => [...countsStale].some(isDue)
  return {
    queue: 'segments.evaluate',
    policy: 'short',
    runAtStart: true,
    // Also wakes for counts left stale by the throttle, so the last change of a burst is counted.
    wake: { everySeconds: 0.25, hasWork: async () => countsDue() || hasQueuedAccounts(deps.db) },
    handler: async () => {
      const started = Date.now()
      let accounts = 0
      await drainQueueInBatches(deps.dbHandle, {
        budgetMs: 20_000,
        takeBatch: () => evaluateQueuedAccounts(deps.db, { limit: BATCH, cooldownMs: deps.config.recomputeCooldownMs }),
        onBatch: (result) => {
          for (const workspaceId of result.workspaceIds) countsStale.add(workspaceId)
          accounts += result.accounts
        },
      })
      for (const workspaceId of [...countsStale].filter(isDue)) {
        countsStale.delete(workspaceId)
        countsRefreshedAt.set(workspaceId, Date.now())
        await refreshDailyCounts(deps.db, { workspaceId, day: todayUtc() })
      }
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
        const result = await evaluateWorkspace(deps.db, { workspaceId, ...embeddedSweepSlices(deps.dbHandle) })
        deps.logger.info({ workspaceId, ...result }, 'segments, tiers and stages re-evaluated')
      }
    },
  }
}
