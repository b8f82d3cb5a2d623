/**
 * Ranking and probability metrics. Labels are 0/1. Both AUCs treat tied scores the way scikit-learn
 * does: ROC AUC gives a tied positive/negative pair half a point, average precision steps once per
 * distinct score.
 */

/** ROC AUC by the rank-sum (Mann–Whitney) formula with average ranks for ties; NaN without both classes. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length
  const order = Array.from({ length: n }, (_, index) => index).sort((a, b) => scores[a] - scores[b])
  let positives = 0
  let rankSum = 0
  let start = 0
  while (start < n) {
    let end = start
    while (end + 1 < n && scores[order[end + 1]] === scores[order[start]]) end++
    const averageRank = (start + end) / 2 + 1
    for (let position = start; position <= end; position++) {
      if (labels[order[position]] === 1) {
        positives++
        rankSum += averageRank
      }
    }
    start = end + 1
  }
  const negatives = n - positives
  if (positives === 0 || negatives === 0) return Number.NaN
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives)
}

/** Average precision (the area under the precision–recall curve as a step function, scikit-learn's definition). */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length
  const order = Array.from({ length: n }, (_, index) => index).sort((a, b) => scores[b] - scores[a])
  let totalPositives = 0
  for (let index = 0; index < n; index++) totalPositives += labels[index] === 1 ? 1 : 0
  if (totalPositives === 0) return Number.NaN
  let truePositives = 0
  let seen = 0
  let previousRecall = 0
  let area = 0
  let start = 0
  while (start < n) {
    let end = start
    while (end + 1 < n && scores[order[end + 1]] === scores[order[start]]) end++
    for (let position = start; position <= end; position++) {
      seen++
      if (labels[order[position]] === 1) truePositives++
    }
    const recall = truePositives / totalPositives
    area += (recall - previousRecall) * (truePositives / seen)
    previousRecall = recall
    start = end + 1
  }
  return area
}

/** Mean squared error of the probabilities. */
export function brierScore(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  let sum = 0
  for (let index = 0; index < probabilities.length; index++) sum += (probabilities[index] - labels[index]) ** 2
  return probabilities.length === 0 ? Number.NaN : sum / probabilities.length
}

export function logLoss(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  let sum = 0
  for (let index = 0; index < probabilities.length; index++) {
    const p = Math.min(Math.max(probabilities[index], 1e-12), 1 - 1e-12)
    sum -= labels[index] === 1 ? Math.log(p) : Math.log(1 - p)
  }
  return sum / Math.max(probabilities.length, 1)
}

export type CalibrationBin = { meanPredicted: number; observedRate: number; count: number }

/** Reliability table: rows sorted by probability into `bins` groups of (nearly) equal size. */
export function calibrationTable(probabilities: ArrayLike<number>, labels: ArrayLike<number>, bins = 10): CalibrationBin[] {
  const n = probabilities.length
  const order = Array.from({ length: n }, (_, index) => index).sort((a, b) => probabilities[a] - probabilities[b])
  const table: CalibrationBin[] = []
  const groups = Math.min(bins, n)
  for (let bin = 0; bin < groups; bin++) {
    const from = Math.floor((bin * n) / groups)
    const to = Math.floor(((bin + 1) * n) / groups)
    let predicted = 0
    let observed = 0
    for (let position = from; position < to; position++) {
      predicted += probabilities[order[position]]
      observed += labels[order[position]]
    }
    const count = to - from
    if (count > 0) table.push({ meanPredicted: predicted / count, observedRate: observed / count, count })
  }
  return table
}

export const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)))
