/**
 * Platt scaling: p = σ(a·s + b) fitted on out-of-fold scores (never on the rows a model was fitted
 * on, which would look over-confident), with Platt's smoothed targets against overfitting small sets.
 */
import { sigmoid } from './metrics'

export type PlattCalibration = { a: number; b: number }

export function fitPlatt(scores: ArrayLike<number>, labels: ArrayLike<number>): PlattCalibration {
  let positives = 0
  for (let index = 0; index < labels.length; index++) positives += labels[index]
  const negatives = labels.length - positives
  const high = (positives + 1) / (positives + 2)
  const low = 1 / (negatives + 2)
  const loss = (a: number, b: number) => {
    let sum = 0
    for (let index = 0; index < scores.length; index++) {
      const z = a * scores[index] + b
      const target = labels[index] === 1 ? high : low
      // −[t·log σ(z) + (1−t)·log(1−σ(z))], stable for large |z|.
      sum += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - target * z
    }
    return sum
  }
  let a = 1
  let b = 0
  let current = loss(a, b)
  for (let iteration = 0; iteration < 100; iteration++) {
    let ga = 0
    let gb = 0
    let haa = 1e-9
    let hab = 0
    let hbb = 1e-9
    for (let index = 0; index < scores.length; index++) {
      const s = scores[index]
      const target = labels[index] === 1 ? high : low
      const p = sigmoid(a * s + b)
      const r = p - target
      const w = p * (1 - p)
      ga += r * s
      gb += r
      haa += w * s * s
      hab += w * s
      hbb += w
    }
    const determinant = haa * hbb - hab * hab
    if (Math.abs(determinant) < 1e-18) break
    const da = (hbb * ga - hab * gb) / determinant
    const db = (haa * gb - hab * ga) / determinant
    // Damped Newton: a full step can overshoot when scores are far from calibrated.
    let scale = 1
    let next = loss(a - da, b - db)
    while (next > current && scale > 1e-6) {
      scale /= 2
      next = loss(a - scale * da, b - scale * db)
    }
    if (next > current) break
    a -= scale * da
    b -= scale * db
    const improvement = current - next
    current = next
    if (improvement < 1e-12 * Math.max(1, current)) break
  }
  return { a, b }
}

export const applyPlatt = (calibration: PlattCalibration, score: number) => sigmoid(calibration.a * score + calibration.b)
