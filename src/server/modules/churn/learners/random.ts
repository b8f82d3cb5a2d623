/** A seeded generator (mulberry32): the same seed gives the same folds, samples and models. */
export type Rng = () => number

export function seededRng(seed: number): Rng {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Fisher–Yates, in place. */
export function shuffleInPlace<T>(items: T[], rng: Rng): T[] {
  for (let index = items.length - 1; index > 0; index--) {
    const other = Math.floor(rng() * (index + 1))
    const swap = items[index]
    items[index] = items[other]
    items[other] = swap
  }
  return items
}

/** A fold number per row, positives and negatives dealt out separately so every fold keeps the churn rate. */
export function stratifiedFolds(labels: ArrayLike<number>, folds: number, rng: Rng): Int32Array {
  const assignment = new Int32Array(labels.length)
  for (const wanted of [0, 1]) {
    const rows: number[] = []
    for (let index = 0; index < labels.length; index++) if (labels[index] === wanted) rows.push(index)
    shuffleInPlace(rows, rng)
    rows.forEach((row, position) => {
      assignment[row] = position % folds
    })
  }
  return assignment
}

/**
 * A fold number per row with every group's rows in one fold (an account seen on many days), groups
 * with a positive row and groups without dealt out separately so every fold keeps the churn rate.
 */
export function groupedFolds(labels: ArrayLike<number>, groups: ArrayLike<string>, folds: number, rng: Rng): Int32Array {
  const positive = new Map<string, boolean>()
  for (let index = 0; index < labels.length; index++) positive.set(groups[index], (positive.get(groups[index]) ?? false) || labels[index] === 1)
  const foldOf = new Map<string, number>()
  for (const wanted of [false, true]) {
    const keys = [...positive.keys()].filter((key) => positive.get(key) === wanted)
    shuffleInPlace(keys, rng)
    keys.forEach((key, position) => foldOf.set(key, position % folds))
  }
  const assignment = new Int32Array(labels.length)
  for (let index = 0; index < labels.length; index++) assignment[index] = foldOf.get(groups[index]) ?? 0
  return assignment
}

/** Row indices where `keep` holds. */
export function indicesWhere(length: number, keep: (index: number) => boolean): number[] {
  const out: number[] = []
  for (let index = 0; index < length; index++) if (keep(index)) out.push(index)
  return out
}
