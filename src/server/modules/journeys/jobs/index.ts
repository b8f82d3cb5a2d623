import type { AppDeps } from '../../../platform/http'
import type { JobDefinition } from '../../../platform/jobs'
import { evaluateJourneysJob } from './evaluate'

export function journeyJobs(deps: AppDeps): JobDefinition<object>[] {
  return [evaluateJourneysJob(deps)] as JobDefinition<object>[]
}
