export * from './outcomes.tables'
export { outcomeRoutes, toOutcomeDto } from './outcomes.routes'
export { OutcomeSchema } from './outcomes.contracts'
export {
  listOutcomes,
  listAccountOutcomes,
  getOutcome,
  recordOutcome,
  deleteOutcome,
  findOutcomeByExternalId,
  outcomeRuleViolation,
  type Outcome,
  type OutcomeKind,
  type RecordOutcomeInput,
} from './outcomes.service'
