/**
 * The churn model: features from the columns, then a regularized logistic regression and
 * gradient-boosted trees compared by stratified k-fold cross-validated ROC AUC on the training rows
 * (folds by group when rows are grouped, e.g. one account on many days)
 * (their average, a blend, competes too), the winner refitted on all training rows and calibrated
 * by Platt scaling on its out-of-fold scores. Everything seeded: same data, same model.
 *
 * Feature statistics (medians, levels, quantiles, bins) are fitted once on all training rows before
 * the folds: they use no labels, so the cross-validation stays free of label leakage.
 */
import { applyPlatt, fitPlatt, type PlattCalibration } from './calibration'
import { detectColumns, fitFeaturePlan, linearMatrix, treeMatrix, type ColumnProfile, type FeaturePlan, type RawRow } from './features'
import { binFeatures, fitGbt, gbtContributions, gbtLogits, type GbtModel, type GbtParams } from './gbt'
import { fitLogistic, logisticLogits, type LogisticModel } from './logistic'
import { rocAuc } from './metrics'
import { groupedFolds, seededRng, stratifiedFolds } from './random'

export type ModelKind = 'logistic_regression' | 'gradient_boosted_trees' | 'blend'

export type CandidateResult = { kind: ModelKind; cvAuc: number; detail: string }

export type ChurnModel = {
  version: 1
  kind: ModelKind
  columns: ColumnProfile[]
  plan: FeaturePlan
  logistic: { lambda: number; model: LogisticModel; featureMeans: number[] } | null
  gbt: { params: Partial<GbtParams>; rounds: number; model: GbtModel } | null
  calibration: PlattCalibration
  /** Every candidate's cross-validated AUC: why this kind won. */
  candidates: CandidateResult[]
  cvAuc: number
  trainRows: number
  positiveRate: number
}

export type TrainOptions = {
  seed?: number
  folds?: number
  /** Which kinds may win (default all three). */
  kinds?: ModelKind[]
  lambdas?: number[]
  gbtGrid?: Partial<GbtParams>[]
  /** Columns as already detected (default: detected from the training rows). */
  columns?: ColumnProfile[]
  /**
   * A group per row (the account, when rows are an account on several days): a group's rows stay in
   * one fold and one side of the early-stopping split, so the cross-validation measures how the model
   * does on accounts it has not seen, not how well it recognizes one it has.
   */
  groups?: ArrayLike<string>
  onProgress?: (message: string) => void
}

/** AUC a more complex candidate must gain to be chosen over a simpler one. */
const SIMPLER_MARGIN = 0.002

const defaultLambdas = [300, 100, 30, 10, 3, 1, 0.3]
const defaultGbtGrid: Partial<GbtParams>[] = [
  { maxDepth: 2, learningRate: 0.05 },
  { maxDepth: 3, learningRate: 0.03, lambda: 10, minChildWeight: 5, subsample: 0.6, colsample: 0.6 },
]

const describeGbt = (params: Partial<GbtParams>) => `depth ${params.maxDepth ?? 3}, learning rate ${params.learningRate ?? 0.05}`

/** Splits rows into a fitting part and ~15 % for early stopping, stratified (and by group when given). */
function earlyStoppingSplit(rows: number[], labels: ArrayLike<number>, seed: number, groups?: ArrayLike<string>) {
  const rowLabels = rows.map((row) => labels[row])
  const inner = groups ? groupedFolds(rowLabels, rows.map((row) => groups[row]), 7, seededRng(seed)) : stratifiedFolds(rowLabels, 7, seededRng(seed))
  return { fit: rows.filter((_, index) => inner[index] !== 0), valid: rows.filter((_, index) => inner[index] === 0) }
}

export function trainChurnModel(rows: RawRow[], labels: number[], featureColumns: string[], options: TrainOptions = {}): ChurnModel {
  const seed = options.seed ?? 42
  const k = options.folds ?? 5
  const kinds = options.kinds ?? ['logistic_regression', 'gradient_boosted_trees', 'blend']
  const progress = options.onProgress ?? (() => undefined)
  const n = rows.length
  const positives = labels.reduce((sum, label) => sum + label, 0)
  if (n < 2 * k || positives < k || n - positives < k) throw new Error(`too few rows to train: ${n} rows, ${positives} churned (need at least ${k} of each outcome)`)
  const columns = options.columns ?? detectColumns(rows, featureColumns)
  const plan = fitFeaturePlan(rows, columns)
  if (plan.linear.length === 0) throw new Error('no usable feature columns (every column is empty, constant or free text)')
  const p = plan.linear.length
  const xLinear = linearMatrix(plan, rows)
  const xTree = treeMatrix(plan, rows)
  const gbtGrid = options.gbtGrid ?? defaultGbtGrid
  const binned = binFeatures(xTree, plan.tree.length, Math.max(...gbtGrid.map((params) => params.maxBins ?? 64)))
  const groups = options.groups
  if (groups && groups.length !== n) throw new Error(`groups: ${groups.length} for ${n} rows`)
  const folds = groups ? groupedFolds(labels, groups, k, seededRng(seed)) : stratifiedFolds(labels, k, seededRng(seed))
  const foldRows = Array.from({ length: k }, (_, fold) => ({
    train: rows.map((_, index) => index).filter((index) => folds[index] !== fold),
    test: rows.map((_, index) => index).filter((index) => folds[index] === fold),
  }))
  const candidates: CandidateResult[] = []
  const wantLogistic = kinds.includes('logistic_regression') || kinds.includes('blend')
  const wantGbt = kinds.includes('gradient_boosted_trees') || kinds.includes('blend')

  // Logistic regression: a λ path per fold (warm-started), out-of-fold log-odds per λ.
  let bestLambda = defaultLambdas[0]
  let logisticOof: Float64Array | null = null
  if (wantLogistic) {
    const lambdas = options.lambdas ?? defaultLambdas
    const oof = lambdas.map(() => new Float64Array(n))
    for (const { train, test } of foldRows) {
      let warm: LogisticModel | undefined
      lambdas.forEach((lambda, index) => {
        warm = fitLogistic(xLinear, p, labels, { lambda, rows: train, warmStart: warm })
        logisticLogits(warm, xLinear, p, test).forEach((value, position) => {
          oof[index][test[position]] = value
        })
      })
    }
    let bestAuc = -1
    lambdas.forEach((lambda, index) => {
      const auc = rocAuc(oof[index], labels)
      if (auc > bestAuc + 1e-6) {
        bestAuc = auc
        bestLambda = lambda
        logisticOof = oof[index]
      }
    })
    candidates.push({ kind: 'logistic_regression', cvAuc: bestAuc, detail: `L2 λ=${bestLambda} (C=${1 / bestLambda}), ${p} features` })
    progress(`logistic regression: cross-validated AUC ${bestAuc.toFixed(4)} (λ=${bestLambda})`)
  }

  // Gradient-boosted trees: per fold, early stopping on a slice of the fold's training rows.
  let bestGbt: { params: Partial<GbtParams>; rounds: number } | null = null
  let gbtOof: Float64Array | null = null
  if (wantGbt) {
    let bestAuc = -1
    for (const [gridIndex, params] of gbtGrid.entries()) {
      const oof = new Float64Array(n)
      const rounds: number[] = []
      foldRows.forEach(({ train, test }, fold) => {
        const split = earlyStoppingSplit(train, labels, seed + fold, groups)
        const fit = fitGbt(binned, labels, { trainRows: split.fit, validRows: split.valid, params: { ...params, seed: seed + 31 * fold + gridIndex } })
        rounds.push(fit.bestRounds)
        const logits = gbtLogits(fit.model, columnsOf(xTree, plan.tree.length, test))
        logits.forEach((value, position) => {
          oof[test[position]] = value
        })
      })
      const auc = rocAuc(oof, labels)
      const meanRounds = Math.round((rounds.reduce((sum, value) => sum + value, 0) / rounds.length) * 1.1)
      progress(`gradient-boosted trees (${describeGbt(params)}): cross-validated AUC ${auc.toFixed(4)}, ${meanRounds} trees`)
      if (auc > bestAuc + 1e-6) {
        bestAuc = auc
        bestGbt = { params, rounds: Math.max(meanRounds, 1) }
        gbtOof = oof
      }
    }
    if (bestGbt) candidates.push({ kind: 'gradient_boosted_trees', cvAuc: bestAuc, detail: `${describeGbt(bestGbt.params)}, ${bestGbt.rounds} trees` })
  }

  let blendOof: Float64Array | null = null
  if (kinds.includes('blend') && logisticOof && gbtOof) {
    const lr: Float64Array = logisticOof
    const gb: Float64Array = gbtOof
    blendOof = lr.map((value, index) => (value + gb[index]) / 2)
    const auc = rocAuc(blendOof, labels)
    candidates.push({ kind: 'blend', cvAuc: auc, detail: 'mean of the two models’ log-odds' })
    progress(`blend: cross-validated AUC ${auc.toFixed(4)}`)
  }

  // Simplest first (logistic regression, trees, blend): a more complex kind must beat the current
  // choice by more than the noise of a cross-validated AUC, or it buys opacity and nothing else.
  const allowed = candidates.filter((candidate) => kinds.includes(candidate.kind))
  const winner = allowed.reduce((best, candidate) => (candidate.cvAuc > best.cvAuc + SIMPLER_MARGIN ? candidate : best), allowed[0])
  const all = rows.map((_, index) => index)
  const useLogistic = winner.kind !== 'gradient_boosted_trees'
  const useGbt = winner.kind !== 'logistic_regression'
  const logistic = useLogistic ? { lambda: bestLambda, model: fitLogistic(xLinear, p, labels, { lambda: bestLambda }), featureMeans: columnMeans(xLinear, p) } : null
  const gbt = useGbt && bestGbt ? { params: bestGbt.params, rounds: bestGbt.rounds, model: fitGbt(binned, labels, { trainRows: all, params: { ...bestGbt.params, maxRounds: bestGbt.rounds, seed } }).model } : null
  const oofScores = winner.kind === 'logistic_regression' ? logisticOof : winner.kind === 'gradient_boosted_trees' ? gbtOof : blendOof
  const calibration = fitPlatt(oofScores ?? new Float64Array(n), labels)
  progress(`chosen: ${winner.kind} (${winner.detail})`)
  return { version: 1, kind: winner.kind, columns, plan, logistic, gbt, calibration, candidates, cvAuc: winner.cvAuc, trainRows: n, positiveRate: positives / n }
}

/** The rows' columns of a column-major matrix, as a new column-major matrix. */
function columnsOf(x: Float64Array, p: number, rows: number[]): Float64Array {
  const n = x.length / p
  const out = new Float64Array(p * rows.length)
  for (let feature = 0; feature < p; feature++) {
    for (let index = 0; index < rows.length; index++) out[feature * rows.length + index] = x[feature * n + rows[index]]
  }
  return out
}

function columnMeans(x: Float64Array, p: number): number[] {
  const n = x.length / p
  const means = new Array<number>(p).fill(0)
  for (let row = 0; row < n; row++) for (let j = 0; j < p; j++) means[j] += x[row * p + j] / n
  return means
}

/** Uncalibrated log-odds of churn for each row. */
export function churnLogits(model: ChurnModel, rows: RawRow[]): Float64Array {
  const lr = model.logistic ? logisticLogits(model.logistic.model, linearMatrix(model.plan, rows), model.plan.linear.length) : null
  const gb = model.gbt ? gbtLogits(model.gbt.model, treeMatrix(model.plan, rows)) : null
  if (lr && gb) return lr.map((value, index) => (value + gb[index]) / 2)
  return lr ?? gb ?? new Float64Array(rows.length)
}

/** Calibrated probability of churn for each row. */
export function predictChurn(model: ChurnModel, rows: RawRow[]): Float64Array {
  return churnLogits(model, rows).map((logit) => applyPlatt(model.calibration, logit))
}

export type Driver = { column: string; contribution: number }

/**
 * Each row's top drivers: input columns by the size of their contribution to the row's log-odds
 * (positive raises the churn risk). Logistic regression: Σ coefficient × (feature − its training
 * mean) over the column's features, so a driver says how this account differs from the average
 * one. Trees: path contributions (gbtContributions). A blend averages the two, as it does the log-odds.
 */
export function explainChurn(model: ChurnModel, rows: RawRow[], top = 3): Driver[][] {
  const linear = model.logistic ? linearMatrix(model.plan, rows) : null
  const tree = model.gbt ? treeMatrix(model.plan, rows) : null
  const weight = model.logistic && model.gbt ? 0.5 : 1
  const p = model.plan.linear.length
  return rows.map((_, row) => {
    const bySource = new Map<string, number>()
    const add = (source: string, value: number) => bySource.set(source, (bySource.get(source) ?? 0) + weight * value)
    if (linear && model.logistic) {
      const { coef } = model.logistic.model
      model.plan.linear.forEach((feature, j) => add(feature.source, coef[j] * (linear[row * p + j] - model.logistic!.featureMeans[j])))
    }
    if (tree && model.gbt) {
      const { contributions } = gbtContributions(model.gbt.model, tree, row)
      model.plan.tree.forEach((feature, j) => add(feature.source, contributions[j]))
    }
    return [...bySource.entries()]
      .map(([column, contribution]) => ({ column, contribution }))
      .filter((driver) => Math.abs(driver.contribution) > 1e-9)
      .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
      .slice(0, top)
  })
}
