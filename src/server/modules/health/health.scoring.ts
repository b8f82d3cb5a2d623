/**
 * Pure scoring: a measure's value to points, a scorecard's measures to one score with missing inputs
 * re-weighted, bands, and the contribution of each measure to a move between two scores.
 */
import type { HealthBand, StoredMeasure } from './health.tables'
import type { ScorecardBody, ScoringRule } from './scorecard.config'

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits

/** 0–100 points for a value under a scoring rule. */
export function scoreValue(rule: ScoringRule, value: number): number {
  if (rule.type === 'thresholds') {
    const step = rule.steps.find((candidate) => (candidate.min === undefined || value >= candidate.min) && (candidate.max === undefined || value < candidate.max))
    return step ? step.points : rule.otherwise
  }
  const share = Math.min(1, Math.max(0, (value - rule.from) / (rule.to - rule.from)))
  return round(100 * (rule.direction === 'higher_is_better' ? share : 1 - share), 2)
}

export function bandOf(score: number | null, bands: ScorecardBody['bands']): HealthBand | null {
  if (score === null) return null
  if (score < bands.red) return 'red'
  if (score < bands.yellow) return 'yellow'
  return 'green'
}

export type ScoreResult = { score: number | null; band: HealthBand | null; measures: StoredMeasure[] }

/**
 * Combines measure values (by measure key; null or absent = missing) into a score. A missing measure's
 * weight goes to the others of its group, and a group with nothing to score gives its weight to the
 * other groups; everything missing gives no score at all (null), never 0.
 */
export function scoreAccount(scorecard: ScorecardBody, values: ReadonlyMap<string, number | null>): ScoreResult {
  const activeGroupWeight = scorecard.groups.reduce((sum, group) => (group.measures.some((measure) => isPresent(values.get(measure.key))) ? sum + group.weight : sum), 0)
  const measures: StoredMeasure[] = []
  let score = 0
  for (const group of scorecard.groups) {
    const activeMeasureWeight = group.measures.reduce((sum, measure) => (isPresent(values.get(measure.key)) ? sum + measure.weight : sum), 0)
    for (const measure of group.measures) {
      const value = values.get(measure.key)
      if (!isPresent(value)) {
        measures.push({ key: measure.key, group: group.key, value: null, points: null, weight: measure.weight, effectiveWeight: 0, missing: true })
        continue
      }
      const points = scoreValue(measure.scoring, value)
      const effectiveWeight = round((group.weight / activeGroupWeight) * (measure.weight / activeMeasureWeight), 6)
      score += points * effectiveWeight
      measures.push({ key: measure.key, group: group.key, value: round(value, 4), points, weight: measure.weight, effectiveWeight, missing: false })
    }
  }
  if (activeGroupWeight === 0) return { score: null, band: null, measures }
  const rounded = round(score, 2)
  return { score: rounded, band: bandOf(rounded, scorecard.bands), measures }
}

function isPresent(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

export type Contribution = { key: string; group: string; fromPoints: number | null; toPoints: number | null; fromWeight: number; toWeight: number; contribution: number }

/**
 * Why a score moved: each measure's Δ(points × effective weight) between two computations. They sum
 * to the change of the unrounded score, so (up to rounding of the stored scores) to the change shown.
 */
export function explainChange(from: StoredMeasure[], to: StoredMeasure[]): Contribution[] {
  const keys = [...new Set([...from.map((measure) => measure.key), ...to.map((measure) => measure.key)])]
  const part = (measure: StoredMeasure | undefined) => (measure && !measure.missing && measure.points !== null ? measure.points * measure.effectiveWeight : 0)
  return keys
    .map((key) => {
      const before = from.find((measure) => measure.key === key)
      const after = to.find((measure) => measure.key === key)
      return {
        key,
        group: after?.group ?? before?.group ?? '',
        fromPoints: before?.missing === false ? before.points : null,
        toPoints: after?.missing === false ? after.points : null,
        fromWeight: before?.effectiveWeight ?? 0,
        toWeight: after?.effectiveWeight ?? 0,
        contribution: round(part(after) - part(before), 4),
      }
    })
    .sort((left, right) => Math.abs(right.contribution) - Math.abs(left.contribution))
}
