import type { JobDefinition } from '../platform/jobs'
import type { AppDeps } from '../platform/http'
import { identityJobs } from './identity'
import { eventJobs } from './events'

/** Every module's background jobs; a new module adds its line here (see docs/ARCHITECTURE.md). */
export function jobDefinitions(deps: AppDeps): JobDefinition<object>[] {
  return [...identityJobs(deps), ...eventJobs(deps)] as JobDefinition<object>[]
}
