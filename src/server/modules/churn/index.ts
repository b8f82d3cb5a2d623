export { evaluateChurnCsv, type EvaluateCsvParams, type EvaluateCsvResult, type EvaluateCsvDetails } from './churn.evaluate'
export { trainChurnModel, predictChurn, explainChurn, churnLogits, type ChurnModel, type ModelKind, type Driver, type TrainOptions } from './learners/model'
export { detectColumns, type ColumnProfile, type RawRow, type RawValue } from './learners/features'
export { rocAuc, averagePrecision, brierScore, calibrationTable, type CalibrationBin } from './learners/metrics'
