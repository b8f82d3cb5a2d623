import type { AppDeps } from '../../../platform/http'
import type { JobDefinition } from '../../../platform/jobs'
import { assignJob } from './assign'

export function engagementJobs(deps: AppDeps): JobDefinition<object>[] {
  return [assignJob(deps)] as JobDefinition<object>[]
}
