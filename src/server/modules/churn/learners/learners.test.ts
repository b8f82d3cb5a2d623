import { describe, expect, it } from 'vitest'
import { applyPlatt, fitPlatt } from './calibration'
import { detectColumns, fitFeaturePlan, linearMatrix, parseNumeric, type RawRow } from './features'
import { binFeatures, fitGbt, gbtContributions, gbtLogits } from './gbt'
import { fitLogistic, logisticLogits } from './logistic'
import { averagePrecision, brierScore, calibrationTable, rocAuc, sigmoid } from './metrics'
import { explainChurn, predictChurn, trainChurnModel } from './model'
import { groupedFolds, seededRng, stratifiedFolds } from './random'

const gaussian = (rng: () => number) => Math.sqrt(-2 * Math.log(rng() + 1e-12)) * Math.cos(2 * Math.PI * rng())

describe('metrics', () => {
  it('scores a perfect ranking 1, a reversed one 0, all ties 0.5, and handles partial ties', () => {
    const labels = [0, 0, 1, 1]
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], labels)).toBe(1)
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], labels)).toBe(0)
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], labels)).toBe(0.5)
    // One positive tied with one negative: 3 of 4 pairs right, the tied pair counts half.
    expect(rocAuc([0.1, 0.5, 0.5, 0.9], labels)).toBe(0.875)
    expect(rocAuc([0.1, 0.2], [0, 0])).toBeNaN()
  })

  it('computes average precision as scikit-learn does', () => {
    // sklearn.metrics.average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.8333…
    expect(averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.8333333, 6)
    expect(averagePrecision([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1)
    expect(brierScore([1, 0, 0.5], [1, 0, 1])).toBeCloseTo(0.25 / 3, 10)
  })

  it('bins predictions into a reliability table', () => {
    const table = calibrationTable([0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9], [0, 0, 0, 1, 0, 1, 1, 1], 2)
    expect(table.map((bin) => bin.count)).toEqual([4, 4])
    expect(table[0].meanPredicted).toBeCloseTo(0.25, 10)
    expect(table[0].observedRate).toBe(0.25)
    expect(table[1].meanPredicted).toBeCloseTo(0.75, 10)
    expect(table[1].observedRate).toBe(0.75)
  })
})

describe('features', () => {
  it('detects numeric, categorical and free-text columns from the values', () => {
    const rows: RawRow[] = Array.from({ length: 200 }, (_, index) => ({
      usage: index % 50 === 0 ? 'n/a' : String(index * 1.5),
      plan: ['basic', 'Pro', 'pro ', 'enterprise'][index % 4],
      note: `free text ${index}`,
      constant: 'x',
      amount: index % 3 === 0 ? '' : `$${index},000`,
    }))
    const kinds = Object.fromEntries(detectColumns(rows, ['usage', 'plan', 'note', 'constant', 'amount']).map((column) => [column.name, column.kind]))
    expect(kinds).toEqual({ usage: 'numeric', plan: 'categorical', note: 'ignored', constant: 'ignored', amount: 'numeric' })
    expect(parseNumeric(' 1,200 ')).toBe(1200)
    expect(parseNumeric('abc')).toBeNull()
  })

  it('imputes the median, flags missing values and caps a many-level column with "other"', () => {
    const rows: RawRow[] = Array.from({ length: 1000 }, (_, index) => ({ x: index % 10 === 0 ? null : index, city: `city-${index % 500}` }))
    const plan = fitFeaturePlan(rows, detectColumns(rows, ['x', 'city']))
    const names = plan.linear.map((feature) => feature.name)
    expect(names).toContain('x missing')
    expect(names).toContain('city=(other)')
    expect(names.filter((name) => name.startsWith('city=')).length).toBeLessThanOrEqual(31)
    const x = linearMatrix(plan, [{ x: null, city: 'somewhere new' }])
    expect(x[names.indexOf('x missing')]).toBe(1)
    expect(x[names.indexOf('city=(other)')]).toBe(1)
  })
})

describe('logistic regression', () => {
  it('recovers the signs and rough sizes of the true coefficients', () => {
    const rng = seededRng(7)
    const n = 3000
    const p = 3
    const x = new Float64Array(n * p)
    const y: number[] = []
    for (let row = 0; row < n; row++) {
      for (let j = 0; j < p; j++) x[row * p + j] = gaussian(rng)
      const z = -0.5 + 2 * x[row * p] - 1 * x[row * p + 1] + 0 * x[row * p + 2]
      y.push(rng() < sigmoid(z) ? 1 : 0)
    }
    const model = fitLogistic(x, p, y, { lambda: 1 })
    expect(model.coef[0]).toBeGreaterThan(1.6)
    expect(model.coef[0]).toBeLessThan(2.4)
    expect(model.coef[1]).toBeLessThan(-0.7)
    expect(Math.abs(model.coef[2])).toBeLessThan(0.15)
    expect(model.intercept).toBeLessThan(-0.2)
    // A heavy penalty shrinks the coefficients towards zero.
    expect(Math.abs(fitLogistic(x, p, y, { lambda: 5000 }).coef[0])).toBeLessThan(Math.abs(model.coef[0]) / 2)
  })
})

describe('gradient-boosted trees', () => {
  it('learns an XOR interaction that a linear model cannot, and explains rows by their path', () => {
    const rng = seededRng(11)
    const n = 2000
    const columnMajor = new Float64Array(2 * n)
    const rowMajor = new Float64Array(2 * n)
    const y: number[] = []
    for (let row = 0; row < n; row++) {
      const a = rng() * 2 - 1
      const b = rng() * 2 - 1
      columnMajor[row] = a
      columnMajor[n + row] = b
      rowMajor[row * 2] = a
      rowMajor[row * 2 + 1] = b
      y.push((a > 0) !== (b > 0) ? (rng() < 0.9 ? 1 : 0) : rng() < 0.1 ? 1 : 0)
    }
    const train = Array.from({ length: 1500 }, (_, index) => index)
    const test = Array.from({ length: 500 }, (_, index) => 1500 + index)
    const testLabels = test.map((row) => y[row])
    const linear = fitLogistic(rowMajor, 2, y, { lambda: 1, rows: train })
    expect(rocAuc(logisticLogits(linear, rowMajor, 2, test), testLabels)).toBeLessThan(0.6)
    const binned = binFeatures(columnMajor, 2, 32, train)
    const fit = fitGbt(binned, y, { trainRows: train.slice(0, 1200), validRows: train.slice(1200), params: { maxDepth: 2, seed: 3 } })
    const logits = gbtLogits(fit.model, columnMajor)
    expect(rocAuc(test.map((row) => logits[row]), testLabels)).toBeGreaterThan(0.85)
    // Path contributions add up to the row's log-odds.
    const { bias, contributions } = gbtContributions(fit.model, columnMajor, 5)
    expect(bias + contributions[0] + contributions[1]).toBeCloseTo(logits[5], 9)
  })

  it('sends missing values the way that fits the data', () => {
    const n = 400
    const x = new Float64Array(n)
    const y: number[] = []
    for (let row = 0; row < n; row++) {
      x[row] = row % 4 === 0 ? Number.NaN : row
      y.push(row % 4 === 0 ? 1 : 0)
    }
    const fit = fitGbt(binFeatures(x, 1, 16), y, { trainRows: Array.from({ length: n }, (_, index) => index), params: { maxRounds: 50, subsample: 1, colsample: 1 } })
    const logits = gbtLogits(fit.model, Float64Array.from([Number.NaN, 10]))
    expect(logits[0]).toBeGreaterThan(1)
    expect(logits[1]).toBeLessThan(-1)
  })
})

describe('calibration and the churn model', () => {
  it('Platt scaling maps over-confident scores to observed rates', () => {
    const rng = seededRng(5)
    const scores: number[] = []
    const labels: number[] = []
    for (let index = 0; index < 4000; index++) {
      const z = gaussian(rng)
      scores.push(3 * z) // three times too confident
      labels.push(rng() < sigmoid(z) ? 1 : 0)
    }
    const calibration = fitPlatt(scores, labels)
    expect(calibration.a).toBeGreaterThan(0.25)
    expect(calibration.a).toBeLessThan(0.45)
    expect(applyPlatt(calibration, 3)).toBeCloseTo(sigmoid(1), 1)
  })

  function synthetic(seed: number, n: number, interaction: boolean) {
    const rng = seededRng(seed)
    const rows: RawRow[] = []
    const labels: number[] = []
    for (let index = 0; index < n; index++) {
      const logins = Math.round(Math.exp(gaussian(rng) + 2))
      const plan = ['basic', 'pro', 'enterprise'][Math.floor(rng() * 3)]
      const tickets = Math.floor(rng() * 6)
      const a = rng() * 2 - 1
      const b = rng() * 2 - 1
      const z = interaction ? 4 * (a * b > 0 ? -1 : 1) : -0.8 * Math.log1p(logins) + (plan === 'basic' ? 1 : 0) + 0.4 * tickets - 0.5
      rows.push({ logins: rng() < 0.05 ? null : logins, plan, tickets, a, b, noise: rng() })
      labels.push(rng() < sigmoid(z) ? 1 : 0)
    }
    return { rows, labels }
  }

  it('prefers the linear model on additive data and trees on an interaction, reproducibly', () => {
    const columns = ['logins', 'plan', 'tickets', 'a', 'b', 'noise']
    const additive = synthetic(1, 1500, false)
    const model = trainChurnModel(additive.rows, additive.labels, columns, { seed: 1 })
    // Additive data: the trees add nothing the linear model lacks.
    const cv = Object.fromEntries(model.candidates.map((candidate) => [candidate.kind, candidate.cvAuc]))
    expect(cv.logistic_regression).toBeGreaterThan(cv.gradient_boosted_trees)
    const fresh = synthetic(2, 1000, false)
    const probabilities = predictChurn(model, fresh.rows)
    expect(rocAuc(probabilities, fresh.labels)).toBeGreaterThan(0.7)
    // Calibrated: the mean probability is close to the churn rate.
    const meanProbability = probabilities.reduce((sum, value) => sum + value, 0) / probabilities.length
    const rate = fresh.labels.reduce((sum, value) => sum + value, 0) / fresh.labels.length
    expect(Math.abs(meanProbability - rate)).toBeLessThan(0.04)
    // The drivers of a basic-plan account with many tickets and few logins name those columns.
    const [drivers] = explainChurn(model, [{ logins: 0, plan: 'basic', tickets: 5, a: 0, b: 0, noise: 0.5 }], 3)
    expect(drivers.map((driver) => driver.column).sort()).toEqual(['logins', 'plan', 'tickets'])
    expect(drivers.every((driver) => driver.contribution > 0)).toBe(true)
    // Same data and seed, same model.
    expect(predictChurn(trainChurnModel(additive.rows, additive.labels, columns, { seed: 1 }), fresh.rows)).toEqual(probabilities)

    const xor = synthetic(3, 1500, true)
    const treeModel = trainChurnModel(xor.rows, xor.labels, columns, { seed: 1 })
    expect(treeModel.kind).not.toBe('logistic_regression')
    const xorTest = synthetic(4, 800, true)
    expect(rocAuc(predictChurn(treeModel, xorTest.rows), xorTest.labels)).toBeGreaterThan(0.8)
  }, 60_000)

  it('keeps churn and stay rates in every fold', () => {
    const labels = Array.from({ length: 100 }, (_, index) => (index < 20 ? 1 : 0))
    const folds = stratifiedFolds(labels, 5, seededRng(1))
    for (let fold = 0; fold < 5; fold++) expect(labels.filter((label, index) => folds[index] === fold && label === 1).length).toBe(4)
  })

  it('keeps every group (an account on many days) in one fold, with churned groups spread evenly', () => {
    // 50 accounts on 6 days each; 10 of them churn (their last two days are positive).
    const groups = Array.from({ length: 300 }, (_, index) => `account-${index % 50}`)
    const labels = groups.map((group, index) => (Number(group.slice('account-'.length)) < 10 && index >= 200 ? 1 : 0))
    const folds = groupedFolds(labels, groups, 5, seededRng(3))
    const foldOf = new Map<string, number>()
    groups.forEach((group, index) => {
      expect(foldOf.get(group) ?? folds[index]).toBe(folds[index])
      foldOf.set(group, folds[index])
    })
    for (let fold = 0; fold < 5; fold++) {
      const churned = new Set(groups.filter((group, index) => folds[index] === fold && labels[index] === 1))
      expect(churned.size).toBe(2)
    }
  })
})
