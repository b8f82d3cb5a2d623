export * from './journeys.tables'
export {
  journeyConfigKind,
  JourneyBodySchema,
  MilestoneSchema,
  JOURNEY_KIND,
  EVALUATE_JOURNEYS_QUEUE,
  describeMilestone,
  type JourneyBody,
  type Milestone,
} from './journeys.config'
export { evaluateJourneys, loadJourneys, workspacesWithJourneys, type EvaluationResult, type PublishedJourney } from './journeys.engine'
/** Demo seeding: reconstructs past stage history so the journey map has conversion and time in stage. */
export { backfillStageHistory, type BackfillResult } from './journeys.backfill'
export {
  listJourneys,
  listMilestoneAccounts,
  getAccountMilestones,
  getJourneyMap,
  type JourneySummary,
  type MilestoneSummary,
  type AccountMilestone,
  type JourneyMap,
  type JourneyMapStage,
} from './journeys.service'
export { journeyRoutes } from './journeys.routes'
export { journeyJobs } from './jobs'
