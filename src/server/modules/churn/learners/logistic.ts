/**
 * L2-regularized logistic regression fitted by Newton's method (IRLS): minimizes
 * Σ log-loss + λ/2·‖w‖² (the intercept is not penalized; λ = 1/C in scikit-learn's terms).
 * Exact Hessians are cheap at churn-model sizes (tens to a few hundred features).
 */
import { sigmoid } from './metrics'

export type LogisticModel = { intercept: number; coef: number[] }

export type LogisticFitOptions = {
  lambda: number
  /** Rows of x to fit on (default all). */
  rows?: ArrayLike<number>
  maxIterations?: number
  /** Start from a previous solution (a path over λ converges in a few steps). */
  warmStart?: LogisticModel
}

/** Solves A·x = b for a symmetric positive-definite A (d × d, row-major) by Cholesky; A is overwritten. */
function choleskySolve(a: Float64Array, b: Float64Array, d: number): Float64Array {
  for (let j = 0; j < d; j++) {
    let diagonal = a[j * d + j]
    for (let k = 0; k < j; k++) diagonal -= a[j * d + k] * a[j * d + k]
    const root = Math.sqrt(Math.max(diagonal, 1e-12))
    a[j * d + j] = root
    for (let i = j + 1; i < d; i++) {
      let sum = a[i * d + j]
      for (let k = 0; k < j; k++) sum -= a[i * d + k] * a[j * d + k]
      a[i * d + j] = sum / root
    }
  }
  const y = new Float64Array(d)
  for (let i = 0; i < d; i++) {
    let sum = b[i]
    for (let k = 0; k < i; k++) sum -= a[i * d + k] * y[k]
    y[i] = sum / a[i * d + i]
  }
  const x = new Float64Array(d)
  for (let i = d - 1; i >= 0; i--) {
    let sum = y[i]
    for (let k = i + 1; k < d; k++) sum -= a[k * d + i] * x[k]
    x[i] = sum / a[i * d + i]
  }
  return x
}

/** x is row-major n × p; y holds 0/1. */
export function fitLogistic(x: Float64Array, p: number, y: ArrayLike<number>, options: LogisticFitOptions): LogisticModel {
  const rows = options.rows ?? Array.from({ length: y.length }, (_, index) => index)
  const m = rows.length
  const d = p + 1
  const lambda = options.lambda
  // Parameters: [intercept, w_1 … w_p].
  const beta = new Float64Array(d)
  if (options.warmStart) {
    beta[0] = options.warmStart.intercept
    options.warmStart.coef.forEach((value, index) => {
      beta[index + 1] = value
    })
  } else {
    let positives = 0
    for (let index = 0; index < m; index++) positives += y[rows[index]]
    const rate = Math.min(Math.max(positives / Math.max(m, 1), 1e-4), 1 - 1e-4)
    beta[0] = Math.log(rate / (1 - rate))
  }
  const linear = (row: number, params: Float64Array) => {
    let z = params[0]
    const offset = row * p
    for (let j = 0; j < p; j++) z += params[j + 1] * x[offset + j]
    return z
  }
  const objective = (params: Float64Array) => {
    let loss = 0
    for (let index = 0; index < m; index++) {
      const row = rows[index]
      const z = linear(row, params)
      // log(1 + e^z) − y·z, stable for large |z|.
      loss += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y[row] * z
    }
    let penalty = 0
    for (let j = 1; j < d; j++) penalty += params[j] * params[j]
    return loss + (lambda / 2) * penalty
  }
  let current = objective(beta)
  const maxIterations = options.maxIterations ?? 50
  const hessian = new Float64Array(d * d)
  const gradient = new Float64Array(d)
  const features = new Float64Array(d)
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    hessian.fill(0)
    gradient.fill(0)
    for (let index = 0; index < m; index++) {
      const row = rows[index]
      const offset = row * p
      features[0] = 1
      for (let j = 0; j < p; j++) features[j + 1] = x[offset + j]
      const prob = sigmoid(linear(row, beta))
      const residual = prob - y[row]
      const weight = Math.max(prob * (1 - prob), 1e-10)
      for (let i = 0; i < d; i++) {
        const fi = features[i]
        if (fi === 0) continue
        gradient[i] += residual * fi
        const wfi = weight * fi
        const base = i * d
        for (let j = 0; j <= i; j++) hessian[base + j] += wfi * features[j]
      }
    }
    for (let j = 1; j < d; j++) {
      gradient[j] += lambda * beta[j]
      hessian[j * d + j] += lambda
    }
    hessian[0] += 1e-9
    // The lower triangle was accumulated; mirror it for the solver.
    for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) hessian[j * d + i] = hessian[i * d + j]
    const step = choleskySolve(hessian, gradient, d)
    let scale = 1
    let next = new Float64Array(d)
    let value = Number.POSITIVE_INFINITY
    // Damped step: halve until the objective does not get worse.
    for (let attempt = 0; attempt < 30; attempt++) {
      next = beta.map((value, index) => value - scale * step[index])
      value = objective(next)
      if (value <= current + 1e-12) break
      scale /= 2
    }
    if (!(value <= current + 1e-12)) break
    let largest = 0
    for (let j = 0; j < d; j++) largest = Math.max(largest, Math.abs(next[j] - beta[j]))
    beta.set(next)
    const improvement = current - value
    current = value
    if (largest < 1e-7 || improvement < 1e-10 * Math.max(1, Math.abs(current))) break
  }
  return { intercept: beta[0], coef: Array.from(beta.subarray(1)) }
}

/** Log-odds of each row (row-major x with p columns). */
export function logisticLogits(model: LogisticModel, x: Float64Array, p: number, rows?: ArrayLike<number>): Float64Array {
  const n = rows ? rows.length : x.length / p
  const out = new Float64Array(n)
  for (let index = 0; index < n; index++) {
    const row = rows ? rows[index] : index
    let z = model.intercept
    const offset = row * p
    for (let j = 0; j < p; j++) z += model.coef[j] * x[offset + j]
    out[index] = z
  }
  return out
}
