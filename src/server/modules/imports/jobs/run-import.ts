import type { AppDeps } from '../../../platform/http'
import type { JobDefinition } from '../../../platform/jobs'
import { cleanupImportFiles, executeImportRun } from '../imports.service'

export const RUN_IMPORT_QUEUE = 'imports.run'

export type RunImportPayload = { workspaceId: string; runId: string }

/**
 * Runs one uploaded import. At-least-once delivery is safe: a run is claimed once (queued →
 * running), so a redelivered job finds it taken and returns.
 */
export function runImportJob(deps: AppDeps): JobDefinition<RunImportPayload> {
  return {
    queue: RUN_IMPORT_QUEUE,
    handler: async (payload) => {
      const run = await executeImportRun(deps.db, { ...payload, concurrentProgress: deps.dbHandle.kind === 'postgres' })
      deps.logger.info({ runId: run.id, kind: run.kind, status: run.status, rows: run.rowsProcessed, failed: run.rowsFailed }, 'import finished')
    },
  }
}

/** Hourly: uploaded files of finished dry runs are kept a day for their apply, then removed. */
export function cleanupImportFilesJob(deps: AppDeps): JobDefinition<Record<string, never>> {
  return {
    queue: 'imports.cleanup-files',
    cron: '47 * * * *',
    handler: async () => {
      const removed = await cleanupImportFiles(deps.db, { dataDir: deps.config.dataDir })
      if (removed > 0) deps.logger.info({ removed }, 'old import files removed')
    },
  }
}
