/**
 * From raw rows (what the import stored as traits: numbers, booleans, text) to model matrices.
 * Column types are detected from the values, never from column names, so any churn file works.
 * The plan is fitted on training rows only and then applied to any row (test rows, new accounts).
 */

export type RawValue = string | number | boolean | null | undefined
export type RawRow = Record<string, RawValue>

export type ColumnProfile =
  | { name: string; kind: 'numeric'; nonEmpty: number; distinct: number }
  | { name: string; kind: 'categorical'; nonEmpty: number; distinct: number }
  | { name: string; kind: 'ignored'; nonEmpty: number; distinct: number; reason: string }

export const isEmptyValue = (value: RawValue) => value === null || value === undefined || (typeof value === 'string' && value.trim() === '')

const numberPattern = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/

/** A number from a cell: 12, "12.5", " 1,200 ", "$30", "45%"; booleans are 1/0; anything else null. */
export function parseNumeric(value: RawValue): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value !== 'string') return null
  const text = value.trim().replace(/^[$€£]/, '').replace(/%$/, '').replace(/(\d),(?=\d{3}(\D|$))/g, '$1')
  if (!numberPattern.test(text)) return null
  const parsed = Number(text)
  return Number.isFinite(parsed) ? parsed : null
}

/** A category from a cell, compared case- and space-insensitively ("Yes", " yes" are one level). */
export const categoryOf = (value: RawValue): string => String(value).trim().toLowerCase()

export type DetectOptions = {
  /** Share of non-empty values that must parse as numbers for a numeric column. */
  numericShare?: number
  /** A text column with more distinct values than this share of its non-empty values is free text (names, ids). */
  freeTextShare?: number
}

/**
 * Numeric when ≥ 95 % of the non-empty values parse as numbers; otherwise categorical, unless it
 * looks like free text or an identifier (nearly every value different), or holds one value only.
 */
export function detectColumns(rows: RawRow[], columns: string[], options: DetectOptions = {}): ColumnProfile[] {
  const numericShare = options.numericShare ?? 0.95
  const freeTextShare = options.freeTextShare ?? 0.5
  return columns.map((name) => {
    let nonEmpty = 0
    let numeric = 0
    const distinctValues = new Set<string>()
    for (const row of rows) {
      const value = row[name]
      if (isEmptyValue(value)) continue
      nonEmpty++
      if (parseNumeric(value) !== null) numeric++
      distinctValues.add(categoryOf(value))
    }
    const distinct = distinctValues.size
    if (nonEmpty === 0) return { name, kind: 'ignored', nonEmpty, distinct, reason: 'empty' }
    if (distinct < 2) return { name, kind: 'ignored', nonEmpty, distinct, reason: 'one value only' }
    if (numeric >= numericShare * nonEmpty) return { name, kind: 'numeric', nonEmpty, distinct }
    if (distinct > 20 && distinct > freeTextShare * nonEmpty) return { name, kind: 'ignored', nonEmpty, distinct, reason: 'free text or identifier (nearly every value differs)' }
    return { name, kind: 'categorical', nonEmpty, distinct }
  })
}

type NumericPlan = {
  kind: 'numeric'
  column: string
  median: number
  hasMissing: boolean
  mean: number
  sd: number
  /** For non-negative columns with many values, log1p(x) as a second feature (skew, ratios between columns). */
  log: { mean: number; sd: number } | null
  /** Knots of hinge features max(0, x − knot): piecewise-linear effects for the linear model. */
  knots: number[]
}

type CategoricalPlan = {
  kind: 'categorical'
  column: string
  /** Kept levels, most frequent first; anything else is "other". */
  levels: string[]
  other: boolean
  hasMissing: boolean
}

export type ColumnPlan = NumericPlan | CategoricalPlan

export type FeaturePlan = {
  columns: ColumnPlan[]
  /** Linear-model features, each with the input column it comes from (drivers are reported per column). */
  linear: { name: string; source: string }[]
  /** Tree features: raw numbers (missing kept as missing) and level indicators. */
  tree: { name: string; source: string }[]
}

export type FeatureOptions = {
  /** Most levels kept per categorical column (the rest become "other"). */
  maxLevels?: number
  /** Hinge features per numeric column; turned off when there are many numeric columns. */
  knots?: number
}

const quantile = (sorted: number[], q: number) => {
  if (sorted.length === 0) return 0
  const position = (sorted.length - 1) * q
  const low = Math.floor(position)
  const high = Math.ceil(position)
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low)
}

const meanAndSd = (values: number[]) => {
  const mean = values.reduce((sum, value) => sum + value, 0) / Math.max(values.length, 1)
  const sd = Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(values.length, 1))
  return { mean, sd: sd || 1 }
}

function fitNumeric(column: string, rows: RawRow[], knotCount: number): NumericPlan {
  const values: number[] = []
  let missing = 0
  for (const row of rows) {
    const parsed = isEmptyValue(row[column]) ? null : parseNumeric(row[column])
    if (parsed === null) missing++
    else values.push(parsed)
  }
  values.sort((a, b) => a - b)
  const median = quantile(values, 0.5)
  const imputed = [...values, ...Array<number>(missing).fill(median)]
  const { mean, sd } = meanAndSd(imputed)
  const distinct = new Set(values).size
  const continuous = distinct >= 10
  const log = continuous && values[0] >= 0 ? meanAndSd(imputed.map((value) => Math.log1p(value))) : null
  const knots: number[] = []
  if (knotCount > 0 && continuous) {
    const low = values[0]
    const high = values[values.length - 1]
    for (let index = 1; index <= knotCount; index++) {
      const knot = quantile(values, index / (knotCount + 1))
      if (knot > low && knot < high && !knots.includes(knot)) knots.push(knot)
    }
  }
  return { kind: 'numeric', column, median, hasMissing: missing > 0, mean, sd, log, knots }
}

function fitCategorical(column: string, rows: RawRow[], maxLevels: number): CategoricalPlan {
  const counts = new Map<string, number>()
  let missing = 0
  for (const row of rows) {
    if (isEmptyValue(row[column])) {
      missing++
      continue
    }
    const level = categoryOf(row[column])
    counts.set(level, (counts.get(level) ?? 0) + 1)
  }
  // Rare levels carry no estimable effect: they join "other".
  const minCount = Math.max(3, Math.ceil(rows.length * 0.002))
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  const levels = ranked.filter(([, count]) => count >= minCount).slice(0, maxLevels).map(([level]) => level)
  const other = levels.length < ranked.length
  return { kind: 'categorical', column, levels, other, hasMissing: missing > 0 }
}

export function fitFeaturePlan(rows: RawRow[], profiles: ColumnProfile[], options: FeatureOptions = {}): FeaturePlan {
  const maxLevels = options.maxLevels ?? 30
  const numericCount = profiles.filter((profile) => profile.kind === 'numeric').length
  const knotCount = options.knots ?? (numericCount <= 30 ? 4 : 0)
  const columns: ColumnPlan[] = []
  for (const profile of profiles) {
    if (profile.kind === 'numeric') columns.push(fitNumeric(profile.name, rows, knotCount))
    if (profile.kind === 'categorical') columns.push(fitCategorical(profile.name, rows, maxLevels))
  }
  const linear: FeaturePlan['linear'] = []
  const tree: FeaturePlan['tree'] = []
  for (const plan of columns) {
    const source = plan.column
    if (plan.kind === 'numeric') {
      linear.push({ name: source, source })
      if (plan.log) linear.push({ name: `log1p(${source})`, source })
      for (const knot of plan.knots) linear.push({ name: `${source} above ${round(knot)}`, source })
      if (plan.hasMissing) linear.push({ name: `${source} missing`, source })
      tree.push({ name: source, source })
      continue
    }
    const levels = levelNames(plan)
    // Two levels and nothing else: one indicator says it all.
    const indicators = levels.length === 2 ? levels.slice(0, 1) : levels
    for (const level of indicators) {
      linear.push({ name: `${source}=${level}`, source })
      tree.push({ name: `${source}=${level}`, source })
    }
  }
  return { columns, linear, tree }
}

const round = (value: number) => Math.round(value * 100) / 100

function levelNames(plan: CategoricalPlan): string[] {
  return [...plan.levels, ...(plan.other ? ['(other)'] : []), ...(plan.hasMissing ? ['(missing)'] : [])]
}

function levelOf(plan: CategoricalPlan, value: RawValue): string {
  if (isEmptyValue(value)) return plan.hasMissing ? '(missing)' : plan.other ? '(other)' : (plan.levels[0] ?? '')
  const level = categoryOf(value)
  if (plan.levels.includes(level)) return level
  return plan.other ? '(other)' : '(unseen)'
}

/** Row-major matrix n × p of the linear features. */
export function linearMatrix(plan: FeaturePlan, rows: RawRow[]): Float64Array {
  const p = plan.linear.length
  const x = new Float64Array(rows.length * p)
  rows.forEach((row, rowIndex) => {
    let offset = rowIndex * p
    for (const column of plan.columns) {
      const value = row[column.column]
      if (column.kind === 'numeric') {
        const parsed = isEmptyValue(value) ? null : parseNumeric(value)
        const raw = parsed ?? column.median
        x[offset++] = (raw - column.mean) / column.sd
        if (column.log) x[offset++] = (Math.log1p(Math.max(raw, 0)) - column.log.mean) / column.log.sd
        for (const knot of column.knots) x[offset++] = Math.max(0, raw - knot) / column.sd
        if (column.hasMissing) x[offset++] = parsed === null ? 1 : 0
        continue
      }
      const levels = levelNames(column)
      const indicators = levels.length === 2 ? levels.slice(0, 1) : levels
      const level = levelOf(column, value)
      for (const candidate of indicators) x[offset++] = candidate === level ? 1 : 0
    }
  })
  return x
}

/** Column-major matrix p × n of the tree features; a missing number is NaN. */
export function treeMatrix(plan: FeaturePlan, rows: RawRow[]): Float64Array {
  const n = rows.length
  const x = new Float64Array(plan.tree.length * n)
  let feature = 0
  for (const column of plan.columns) {
    if (column.kind === 'numeric') {
      rows.forEach((row, rowIndex) => {
        const value = row[column.column]
        const parsed = isEmptyValue(value) ? null : parseNumeric(value)
        x[feature * n + rowIndex] = parsed ?? Number.NaN
      })
      feature++
      continue
    }
    const levels = levelNames(column)
    const indicators = levels.length === 2 ? levels.slice(0, 1) : levels
    const rowLevels = rows.map((row) => levelOf(column, row[column.column]))
    for (const candidate of indicators) {
      rowLevels.forEach((level, rowIndex) => {
        x[feature * n + rowIndex] = level === candidate ? 1 : 0
      })
      feature++
    }
  }
  return x
}
