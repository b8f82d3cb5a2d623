import type { AppDeps } from '../../../platform/http'
import type { JobDefinition } from '../../../platform/jobs'
import { evaluateJob, sweepJob } from './evaluate'

export function segmentJobs(deps: AppDeps): JobDefinition<object>[] {
  return [evaluateJob(deps), sweepJob(deps)] as JobDefinition<object>[]
}
