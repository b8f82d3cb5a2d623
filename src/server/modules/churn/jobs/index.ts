import type { AppDeps } from '../../../platform/http'
import type { JobDefinition } from '../../../platform/jobs'
import { trainChurnJob } from './train'

export function churnJobs(deps: AppDeps): JobDefinition<object>[] {
  return [trainChurnJob(deps)] as JobDefinition<object>[]
}
