import type { AppDeps } from '../../platform/http'
import { attachUnmatchedJob, drainJob } from './jobs/drain'

export * from './events.tables'
export { eventRoutes } from './events.routes'
export { AccountUsageSchema } from './events.contracts'
export {
  ingestCalls,
  normaliseCall,
  drainInbox,
  drainInboxOnce,
  attachUnmatched,
  inboxDepth,
  getAccountUsage,
  listAccountEvents,
  getKeyFeatures,
  setKeyFeatures,
} from './events.service'
export { NIL_UUID as SYSTEM_SOURCE_ID } from './events.repo'
export const eventJobs = (deps: AppDeps) => [drainJob(deps), attachUnmatchedJob(deps)]
