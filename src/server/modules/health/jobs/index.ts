import type { AppDeps } from '../../../platform/http'
import type { JobDefinition } from '../../../platform/jobs'
import { evaluateHealthJob, sweepHealthJob } from './evaluate'

export function healthJobs(deps: AppDeps): JobDefinition<object>[] {
  return [evaluateHealthJob(deps), sweepHealthJob(deps)] as JobDefinition<object>[]
}
