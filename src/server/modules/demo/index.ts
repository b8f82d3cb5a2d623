export * from './demo.tables'
import type { AppDeps } from '../../platform/http'
import { sendDemoUsageJob } from './jobs/send-usage'

export { generateDemoWorld, deleteWorkspaceBySlug, sendDemoUsage, reconstructDemoHistory, DemoWorkspaceExistsError, type DemoParams, type DemoResult } from './demo.service'
export { demoUsageCalls, demoKeyFeatures, defaultDemoUsage, type DemoUsageOptions } from './demo.usage'
export { SEND_DEMO_USAGE_QUEUE } from './jobs/send-usage'
export const demoJobs = (deps: AppDeps) => [sendDemoUsageJob(deps)]
export {
  buildWorld,
  planWorld,
  simulateAccount,
  simulateAccounts,
  usageIntensity,
  type AccountMonthUsage,
  type AccountWorld,
  type WorldParams,
  type WorldPlan,
} from './demo.world'
