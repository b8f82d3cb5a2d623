import type { AppDeps } from '../../../platform/http'
import type { JobDefinition } from '../../../platform/jobs'
import { attachUnmatched, drainInbox } from '../events.service'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Moves accepted calls from the inbox into events and usage rollups. Kicked by the ingestion
 * endpoint (coalesced in each process to at most four sends a second), at worker start, and swept every
 * minute, so calls acknowledged just before a crash are processed after restart. A standard queue on
 * purpose: with a one-active-job policy, a job left "active" by a killed process would block every
 * drain until pg-boss expires it (15 min). One drain at a time is the advisory lock's job instead.
 */
export function drainJob(deps: AppDeps): JobDefinition<Record<string, never>> {
  return {
    queue: 'events.drain',
    cron: '* * * * *',
    runAtStart: true,
    handler: async () => {
      // Another drain holding the lock empties the inbox before it stops; wait briefly in case it was
      // just finishing when these calls were committed (the minute sweep catches anything else).
      let result = await drainInbox(deps.db, { maxBatches: 1000 })
      for (let attempt = 0; result.busy && attempt < 3; attempt++) {
        await sleep(1000)
        result = await drainInbox(deps.db, { maxBatches: 1000 })
      }
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
    handler: async () => {
      const attached = await attachUnmatched(deps.db)
      if (attached > 0) deps.logger.info({ attached }, 'unmatched events attached to their accounts')
    },
  }
}
