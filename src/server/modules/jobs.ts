import type { JobDefinition } from '../platform/jobs'
import type { AppDeps } from '../platform/http'
import { billingJobs } from './billing'
import { identityJobs } from './identity'
import { importJobs } from './imports'
import { eventJobs } from './events'
import { demoJobs } from './demo'
import { segmentJobs } from './segments'
import { journeyJobs } from './journeys'
import { engagementJobs } from './engagement'
import { healthJobs } from './health'
import { churnJobs } from './churn'
import { playbookJobs } from './playbooks'
import { outreachJobs } from './outreach'

/** Every module's background jobs; a new module adds its line here (see docs/ARCHITECTURE.md). */
export function jobDefinitions(deps: AppDeps): JobDefinition<object>[] {
  return [...identityJobs(deps), ...eventJobs(deps), ...billingJobs(deps), ...demoJobs(deps), ...importJobs(deps), ...segmentJobs(deps), ...journeyJobs(deps), ...engagementJobs(deps), ...healthJobs(deps), ...churnJobs(deps), ...playbookJobs(deps), ...outreachJobs(deps)] as JobDefinition<object>[]
}
