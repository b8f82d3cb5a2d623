export * from './demo.tables'
export { generateDemoWorld, deleteWorkspaceBySlug, DemoWorkspaceExistsError, type DemoParams, type DemoResult } from './demo.service'
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
