import type { AppDeps } from '../../../platform/http'
import type { JobDefinition } from '../../../platform/jobs'
import { attachUnmatched, drainInbox } from '../events.service'

/**
 * Moves accepted calls from the inbox into events and usage rollups. Kicked by the ingestion
 * endpoint (coalesced: the queue keeps at most one waiting) and swept every minute, so calls
 * acknowledged just before a crash are processed after restart.
 */
export function drainJob(deps: AppDeps): JobDefinition<Record<string, never>> {
  return {
    queue: 'events.drain',
    cron: '* * * * *',
    policy: 'stately',
    runAtStart: true,
    handler: async () => {
      // If another process holds the drain, the queued kick or the next sweep continues after it.
      const result = await drainInbox(deps.db, { maxBatches: 400 })
      if (result.moved > 0) deps.logger.debug(result, 'event inbox drained')
      // PGlite has no autovacuum: without this the emptied inbox keeps every dead row's pages.
      if (result.moved > 0 && !result.busy && deps.dbHandle.kind === 'pglite') await deps.dbHandle.executeSql('VACUUM event_inbox')
    },
  }
}

/** Every minute: events whose account has appeared since (new account, import, late group call). */
export function attachUnmatchedJob(deps: AppDeps): JobDefinition<Record<string, never>> {
  return {
    queue: 'events.attach-unmatched',
    cron: '* * * * *',
    policy: 'stately',
    handler: async () => {
      const attached = await attachUnmatched(deps.db)
      if (attached > 0) deps.logger.info({ attached }, 'unmatched events attached to their accounts')
    },
  }
}
