export * from './segments.tables'
export { segmentConfigKind, SegmentBodySchema, SEGMENT_KIND, segmentColors, type SegmentBody } from './segments.config'
export { tiersConfigKind, TiersBodySchema, TIERS_KIND, TIERS_KEY, type TiersBody, type Tier } from './tiers.config'
export { lifecycleConfigKind, LifecycleBodySchema, LIFECYCLE_KIND, LIFECYCLE_KEY, type LifecycleBody, type Stage } from './lifecycle.config'
export {
  loadClassificationRules,
  classify,
  evaluateQueuedAccounts,
  evaluateWorkspace,
  refreshDailyCounts,
  backfillDailyCounts,
  type ClassificationRules,
  type Verdict,
  type SweepResult,
  type QueueResult,
} from './segments.engine'
export { queueWorkspace, hasQueuedAccounts } from './segments.repo'
export { getAccountClassification, listGroups, listGroupMembers, groupHistory, groupDefinitions, moveStageByHand, type GroupSummary, type AccountClassification } from './segments.service'
export { segmentRoutes } from './segments.routes'
export { segmentJobs } from './jobs'
