import type { AppDeps } from '../../../platform/http'
import type { JobDefinition } from '../../../platform/jobs'
import { deliverOutreachJob } from './deliver'

export function outreachJobs(deps: AppDeps): JobDefinition<object>[] {
  return [deliverOutreachJob(deps)] as JobDefinition<object>[]
}
