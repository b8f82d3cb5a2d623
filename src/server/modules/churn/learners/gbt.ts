/**
 * Gradient-boosted regression trees on the logistic loss (second-order, XGBoost-style leaves
 * −G/(H+λ)), with histogram binning (≤ maxBins quantile bins per feature, missing values in a bin
 * of their own whose direction each split learns), shrinkage, row and column subsampling, and early
 * stopping on validation rows. Pure TypeScript; sized for churn data (thousands to ~100k rows).
 */
import { logLoss, sigmoid } from './metrics'
import { seededRng, shuffleInPlace, type Rng } from './random'

export type GbtParams = {
  maxRounds: number
  learningRate: number
  maxDepth: number
  minChildWeight: number
  lambda: number
  subsample: number
  colsample: number
  maxBins: number
  earlyStoppingRounds: number
  seed: number
}

export const defaultGbtParams: GbtParams = {
  maxRounds: 800,
  learningRate: 0.05,
  maxDepth: 3,
  minChildWeight: 2,
  lambda: 1,
  subsample: 0.8,
  colsample: 0.8,
  maxBins: 64,
  earlyStoppingRounds: 60,
  seed: 1,
}

/** One tree as parallel arrays; feature −1 marks a leaf. `value` is every node's (shrunk) Newton value, leaves and inner nodes alike. */
export type Tree = { feature: number[]; threshold: number[]; missingLeft: number[]; left: number[]; right: number[]; value: number[] }

export type GbtModel = { base: number; featureCount: number; trees: Tree[] }

/** Features binned once: column-major bin numbers, and the cut points (x ≤ cuts[b] ⇔ bin ≤ b). */
export type Binned = { n: number; p: number; bins: Uint16Array; cuts: number[][] }

/** x is column-major (p × n); cut points come from the `fitRows` only (training rows). */
export function binFeatures(x: Float64Array, p: number, maxBins: number, fitRows?: ArrayLike<number>): Binned {
  const n = x.length / p
  const rows = fitRows ?? Array.from({ length: n }, (_, index) => index)
  const cuts: number[][] = []
  const bins = new Uint16Array(p * n)
  for (let feature = 0; feature < p; feature++) {
    const values: number[] = []
    for (let index = 0; index < rows.length; index++) {
      const value = x[feature * n + rows[index]]
      if (!Number.isNaN(value)) values.push(value)
    }
    values.sort((a, b) => a - b)
    const distinct: number[] = []
    for (const value of values) if (distinct.length === 0 || distinct[distinct.length - 1] !== value) distinct.push(value)
    let featureCuts: number[]
    if (distinct.length <= maxBins) {
      featureCuts = distinct.slice(0, -1).map((value, index) => (value + distinct[index + 1]) / 2)
    } else {
      featureCuts = []
      for (let bin = 1; bin < maxBins; bin++) {
        const cut = values[Math.floor((bin * values.length) / maxBins)]
        if (featureCuts.length === 0 || cut > featureCuts[featureCuts.length - 1]) featureCuts.push(cut)
      }
      // A cut at the largest value would leave its right side empty.
      while (featureCuts.length > 0 && featureCuts[featureCuts.length - 1] >= distinct[distinct.length - 1]) featureCuts.pop()
    }
    cuts.push(featureCuts)
    const missingBin = featureCuts.length + 1
    for (let row = 0; row < n; row++) {
      const value = x[feature * n + row]
      bins[feature * n + row] = Number.isNaN(value) ? missingBin : binOf(featureCuts, value)
    }
  }
  return { n, p, bins, cuts }
}

/** Number of cuts strictly below the value. */
function binOf(cuts: number[], value: number): number {
  let low = 0
  let high = cuts.length
  while (low < high) {
    const middle = (low + high) >> 1
    if (cuts[middle] < value) low = middle + 1
    else high = middle
  }
  return low
}

type BuildState = {
  data: Binned
  gradient: Float64Array
  hessian: Float64Array
  params: GbtParams
  features: number[]
  histG: Float64Array
  histH: Float64Array
}

type TrainingTree = Tree & { bin: number[] }

function buildTree(state: BuildState, rows: Int32Array): TrainingTree {
  const tree: TrainingTree = { feature: [], threshold: [], missingLeft: [], left: [], right: [], value: [], bin: [] }
  const { data, gradient, hessian, params } = state
  const grow = (nodeRows: Int32Array, depth: number): number => {
    let sumG = 0
    let sumH = 0
    for (let index = 0; index < nodeRows.length; index++) {
      sumG += gradient[nodeRows[index]]
      sumH += hessian[nodeRows[index]]
    }
    const node = tree.feature.length
    tree.feature.push(-1)
    tree.threshold.push(0)
    tree.missingLeft.push(0)
    tree.left.push(-1)
    tree.right.push(-1)
    tree.value.push((-sumG / (sumH + params.lambda)) * params.learningRate)
    tree.bin.push(-1)
    if (depth >= params.maxDepth || sumH < 2 * params.minChildWeight) return node
    const parentScore = (sumG * sumG) / (sumH + params.lambda)
    let bestGain = 1e-9
    let bestFeature = -1
    let bestBin = -1
    let bestMissingLeft = false
    const { histG, histH } = state
    for (const feature of state.features) {
      const featureCuts = data.cuts[feature].length
      if (featureCuts === 0) continue
      const missingBin = featureCuts + 1
      histG.fill(0, 0, missingBin + 1)
      histH.fill(0, 0, missingBin + 1)
      const offset = feature * data.n
      for (let index = 0; index < nodeRows.length; index++) {
        const row = nodeRows[index]
        const bin = data.bins[offset + row]
        histG[bin] += gradient[row]
        histH[bin] += hessian[row]
      }
      const missingG = histG[missingBin]
      const missingH = histH[missingBin]
      let leftG = 0
      let leftH = 0
      for (let bin = 0; bin < featureCuts; bin++) {
        leftG += histG[bin]
        leftH += histH[bin]
        for (const missingLeft of missingH > 0 ? [false, true] : [false]) {
          const gl = leftG + (missingLeft ? missingG : 0)
          const hl = leftH + (missingLeft ? missingH : 0)
          const gr = sumG - gl
          const hr = sumH - hl
          if (hl < params.minChildWeight || hr < params.minChildWeight) continue
          const gain = (gl * gl) / (hl + params.lambda) + (gr * gr) / (hr + params.lambda) - parentScore
          if (gain > bestGain) {
            bestGain = gain
            bestFeature = feature
            bestBin = bin
            bestMissingLeft = missingLeft
          }
        }
      }
    }
    if (bestFeature < 0) return node
    const offset = bestFeature * data.n
    const missingBin = data.cuts[bestFeature].length + 1
    const leftRows: number[] = []
    const rightRows: number[] = []
    for (let index = 0; index < nodeRows.length; index++) {
      const row = nodeRows[index]
      const bin = data.bins[offset + row]
      const goesLeft = bin === missingBin ? bestMissingLeft : bin <= bestBin
      if (goesLeft) leftRows.push(row)
      else rightRows.push(row)
    }
    tree.feature[node] = bestFeature
    tree.threshold[node] = data.cuts[bestFeature][bestBin]
    tree.missingLeft[node] = bestMissingLeft ? 1 : 0
    tree.bin[node] = bestBin
    tree.left[node] = grow(Int32Array.from(leftRows), depth + 1)
    tree.right[node] = grow(Int32Array.from(rightRows), depth + 1)
    return node
  }
  grow(rows, 0)
  return tree
}

function leafByBins(tree: TrainingTree, data: Binned, row: number): number {
  let node = 0
  while (tree.feature[node] >= 0) {
    const feature = tree.feature[node]
    const bin = data.bins[feature * data.n + row]
    const goesLeft = bin === data.cuts[feature].length + 1 ? tree.missingLeft[node] === 1 : bin <= tree.bin[node]
    node = goesLeft ? tree.left[node] : tree.right[node]
  }
  return node
}

export type GbtFit = { model: GbtModel; bestRounds: number; validLoss: number | null }

/**
 * Boosts on `trainRows`; with `validRows`, stops when their log-loss has not improved for
 * `earlyStoppingRounds` rounds and keeps the best prefix of trees.
 */
export function fitGbt(
  data: Binned,
  y: ArrayLike<number>,
  options: { trainRows: ArrayLike<number>; validRows?: ArrayLike<number>; params?: Partial<GbtParams>; initialScores?: ArrayLike<number> },
): GbtFit {
  const params = { ...defaultGbtParams, ...options.params }
  const rng: Rng = seededRng(params.seed)
  const trainRows = Array.from(options.trainRows)
  const validRows = options.validRows ? Array.from(options.validRows) : []
  let positives = 0
  for (const row of trainRows) positives += y[row]
  const rate = Math.min(Math.max(positives / Math.max(trainRows.length, 1), 1e-4), 1 - 1e-4)
  // Boosting from another model's log-odds (initialScores) learns only what that model misses.
  const base = options.initialScores ? 0 : Math.log(rate / (1 - rate))
  const score = options.initialScores ? Float64Array.from(options.initialScores) : new Float64Array(data.n).fill(base)
  const gradient = new Float64Array(data.n)
  const hessian = new Float64Array(data.n)
  const maxBin = Math.max(2, ...data.cuts.map((cuts) => cuts.length + 2))
  const state: BuildState = { data, gradient, hessian, params, features: [], histG: new Float64Array(maxBin), histH: new Float64Array(maxBin) }
  const allFeatures = Array.from({ length: data.p }, (_, index) => index)
  const trees: TrainingTree[] = []
  let bestLoss = Number.POSITIVE_INFINITY
  let bestRounds = 0
  const validProbabilities = new Float64Array(validRows.length)
  const validLabels = validRows.map((row) => y[row])
  for (let round = 0; round < params.maxRounds; round++) {
    for (const row of trainRows) {
      const prob = sigmoid(score[row])
      gradient[row] = prob - y[row]
      hessian[row] = Math.max(prob * (1 - prob), 1e-12)
    }
    const sampled = params.subsample < 1 ? shuffleInPlace(trainRows.slice(), rng).slice(0, Math.max(1, Math.round(trainRows.length * params.subsample))) : trainRows
    state.features = params.colsample < 1 ? shuffleInPlace(allFeatures.slice(), rng).slice(0, Math.max(1, Math.round(data.p * params.colsample))) : allFeatures
    const tree = buildTree(state, Int32Array.from(sampled))
    trees.push(tree)
    for (const row of trainRows) score[row] += tree.value[leafByBins(tree, data, row)]
    if (validRows.length === 0) continue
    validRows.forEach((row, index) => {
      score[row] += tree.value[leafByBins(tree, data, row)]
      validProbabilities[index] = sigmoid(score[row])
    })
    const loss = logLoss(validProbabilities, validLabels)
    if (loss < bestLoss - 1e-7) {
      bestLoss = loss
      bestRounds = round + 1
    } else if (round + 1 - bestRounds >= params.earlyStoppingRounds) {
      break
    }
  }
  if (validRows.length === 0) bestRounds = trees.length
  const kept = trees.slice(0, Math.max(bestRounds, 1)).map(({ feature, threshold, missingLeft, left, right, value }) => ({ feature, threshold, missingLeft, left, right, value }))
  return { model: { base, featureCount: data.p, trees: kept }, bestRounds: Math.max(bestRounds, 1), validLoss: validRows.length > 0 ? bestLoss : null }
}

function leafByValues(tree: Tree, x: Float64Array, n: number, row: number, visit?: (feature: number, from: number, to: number) => void): number {
  let node = 0
  while (tree.feature[node] >= 0) {
    const value = x[tree.feature[node] * n + row]
    const goesLeft = Number.isNaN(value) ? tree.missingLeft[node] === 1 : value <= tree.threshold[node]
    const next = goesLeft ? tree.left[node] : tree.right[node]
    visit?.(tree.feature[node], node, next)
    node = next
  }
  return node
}

/** Log-odds of every row of a column-major (p × n) raw feature matrix. */
export function gbtLogits(model: GbtModel, x: Float64Array): Float64Array {
  const n = x.length / Math.max(model.featureCount, 1)
  const out = new Float64Array(n).fill(model.base)
  for (const tree of model.trees) {
    for (let row = 0; row < n; row++) out[row] += tree.value[leafByValues(tree, x, n, row)]
  }
  return out
}

/**
 * Per-feature contributions to one row's log-odds by the path method (Saabas): each split on the
 * row's path credits its feature with the change in node value it causes. They sum, with the
 * trees' root values and the base, to the row's log-odds exactly; unlike SHAP values they are not
 * order-fair between features that interact, which is good enough to name a row's main drivers.
 */
export function gbtContributions(model: GbtModel, x: Float64Array, row: number): { bias: number; contributions: Float64Array } {
  const n = x.length / Math.max(model.featureCount, 1)
  const contributions = new Float64Array(model.featureCount)
  let bias = model.base
  for (const tree of model.trees) {
    bias += tree.value[0]
    leafByValues(tree, x, n, row, (feature, from, to) => {
      contributions[feature] += tree.value[to] - tree.value[from]
    })
  }
  return { bias, contributions }
}
