import type { AppDeps } from '../../platform/http'
import { cleanupImportFilesJob, runImportJob } from './jobs/run-import'

export * from './imports.tables'
export { importRoutes, toImportRunDto } from './imports.routes'
export { RUN_IMPORT_QUEUE, runImportJob, cleanupImportFilesJob, type RunImportPayload } from './jobs/run-import'
export { guessMapping, kindSpecs, type ImportKind } from './imports.fields'
export { inspectCsv } from './imports.engine'
export {
  createImportRun,
  createApplyRun,
  executeImportRun,
  getImportRun,
  listImportRuns,
  listImportErrors,
  writeErrorReport,
  stageLocalFile,
  stageUpload,
  cleanupImportFiles,
  describeKind,
  proposeMapping,
  importFilesDir,
  type ImportRun,
  type ImportProgress,
  type CreateRunInput,
} from './imports.service'

export const importJobs = (deps: AppDeps) => [runImportJob(deps), cleanupImportFilesJob(deps)]
