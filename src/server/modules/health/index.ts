export * from './health.tables'
export { scorecardConfigKind, ScorecardBodySchema, SCORECARD_KIND, factFields, type ScorecardBody, type Measure, type MeasureGroup, type MeasureSource, type ScoringRule } from './scorecard.config'
export { scoreValue, scoreAccount, bandOf, explainChange, type ScoreResult, type Contribution } from './health.scoring'
export {
  loadScorecards,
  pickScorecard,
  recomputeAccounts,
  evaluateQueuedHealth,
  hasQueuedHealth,
  sweepHealth,
  healthSweepLanes,
  accountSlices,
  backfillHealthSnapshots,
  type PublishedScorecard,
  type HealthQueueResult,
  type HealthSweepResult,
  type HealthBackfillResult,
} from './health.engine'
export {
  getAccountHealth,
  getHealthHistory,
  explainHealth,
  addSentiment,
  listSentiments,
  getHealthPortfolio,
  getHealthStatus,
  describeSource,
  type AccountHealth,
  type HealthHistory,
  type HealthExplanation,
  type HealthPortfolio,
  type HealthStatus,
} from './health.service'
export {
  runBacktest,
  suggestWeights,
  acceptWeights,
  type Backtest,
  type BacktestParams,
  type SuggestedWeights,
  type AcceptedWeights,
} from './health.backtest'
export { healthRoutes } from './health.routes'
export { healthJobs } from './jobs'
