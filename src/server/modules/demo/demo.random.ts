/**
 * Deterministic randomness and calendar arithmetic for the demo world. Pure: no I/O, no clock.
 * Every random draw of the world comes from generators made here, seeded from the world's seed.
 */

export type Rng = {
  /** Uniform in [0, 1). */
  next: () => number
  /** Integer in [lo, hi], both inclusive. */
  int: (lo: number, hi: number) => number
  /** Uniform in [lo, hi). */
  range: (lo: number, hi: number) => number
  chance: (p: number) => boolean
  pick: <T>(items: readonly T[]) => T
  /** Picks by non-negative weights (entries are [value, weight]). */
  weighted: <T>(entries: readonly (readonly [T, number])[]) => T
  /** Standard normal (Box–Muller). */
  normal: () => number
  /** Poisson-distributed count (Knuth for small means, normal approximation above 30). */
  poisson: (mean: number) => number
  /** Exponential with the given mean. */
  exponential: (mean: number) => number
  /** Picks k distinct items (k clipped to the list's length), in random order. */
  sample: <T>(items: readonly T[], k: number) => T[]
}

/** 32-bit mixing of several integers into one seed (murmur3 finaliser over a running hash). */
export function hashSeed(...parts: number[]): number {
  let h = 0x9e3779b9
  for (const part of parts) {
    let k = Math.imul(part | 0, 0xcc9e2d51)
    k = (k << 15) | (k >>> 17)
    k = Math.imul(k, 0x1b873593)
    h ^= k
    h = (h << 13) | (h >>> 19)
    h = (Math.imul(h, 5) + 0xe6546b64) | 0
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** sfc32, seeded through hashSeed so that nearby seeds give unrelated streams. */
export function makeRng(...seedParts: number[]): Rng {
  let a = hashSeed(...seedParts, 1)
  let b = hashSeed(...seedParts, 2)
  let c = hashSeed(...seedParts, 3)
  let d = 1
  const next = (): number => {
    a >>>= 0
    b >>>= 0
    c >>>= 0
    d >>>= 0
    let t = (a + b) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    d = (d + 1) | 0
    t = (t + d) | 0
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  for (let i = 0; i < 12; i++) next()

  let spareNormal: number | null = null
  const normal = (): number => {
    if (spareNormal !== null) {
      const value = spareNormal
      spareNormal = null
      return value
    }
    let u = next()
    while (u <= Number.EPSILON) u = next()
    const v = next()
    const radius = Math.sqrt(-2 * Math.log(u))
    spareNormal = radius * Math.sin(2 * Math.PI * v)
    return radius * Math.cos(2 * Math.PI * v)
  }

  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1))

  return {
    next,
    int,
    range: (lo, hi) => lo + next() * (hi - lo),
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list')
      return items[Math.floor(next() * items.length)]
    },
    weighted: <T>(entries: readonly (readonly [T, number])[]): T => {
      let total = 0
      for (const [, weight] of entries) total += weight
      let r = next() * total
      for (const [value, weight] of entries) {
        r -= weight
        if (r < 0) return value
      }
      return entries[entries.length - 1][0]
    },
    normal,
    poisson: (mean) => {
      if (mean <= 0) return 0
      if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal()))
      const limit = Math.exp(-mean)
      let k = 0
      let p = next()
      while (p > limit) {
        k++
        p *= next()
      }
      return k
    },
    exponential: (mean) => -mean * Math.log(1 - next()),
    sample: <T>(items: readonly T[], k: number): T[] => {
      const copy = items.slice()
      const n = Math.min(k, copy.length)
      for (let i = 0; i < n; i++) {
        const j = i + Math.floor(next() * (copy.length - i))
        const tmp = copy[i]
        copy[i] = copy[j]
        copy[j] = tmp
      }
      return copy.slice(0, n)
    },
  }
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x))
export const logit = (p: number): number => Math.log(p / (1 - p))
export const clamp = (value: number, lo: number, hi: number): number => (value < lo ? lo : value > hi ? hi : value)

// ---------------------------------------------------------------------------------------------
// Calendar: days are integers counted from 1970-01-01 (UTC), months are year * 12 + monthIndex.

const DAY_MS = 86_400_000

export function parseDay(text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (!match) throw new Error(`invalid date "${text}", expected YYYY-MM-DD`)
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))
  const day = ms / DAY_MS
  if (formatDay(day) !== text) throw new Error(`invalid date "${text}"`)
  return day
}

// The simulation converts the same few thousand days over and over: memoise the conversions.
const formatted = new Map<number, string>()
const monthOf = new Map<number, number>()
const dayInMonthOf = new Map<number, number>()

export function formatDay(day: number): string {
  let text = formatted.get(day)
  if (text === undefined) {
    text = new Date(day * DAY_MS).toISOString().slice(0, 10)
    formatted.set(day, text)
  }
  return text
}

export function monthOfDay(day: number): number {
  let month = monthOf.get(day)
  if (month === undefined) {
    const date = new Date(day * DAY_MS)
    month = date.getUTCFullYear() * 12 + date.getUTCMonth()
    monthOf.set(day, month)
  }
  return month
}

export function dayOfMonth(day: number): number {
  return new Date(day * DAY_MS).getUTCDate()
}

/** The day number of the given day-of-month (clipped to the month's length) in a month. */
export function dayInMonth(month: number, dayOfMonthWanted: number): number {
  const key = month * 32 + dayOfMonthWanted
  let day = dayInMonthOf.get(key)
  if (day === undefined) {
    const year = Math.floor(month / 12)
    const monthIndex = month - year * 12
    const lastDay = new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate()
    day = Date.UTC(year, monthIndex, Math.min(dayOfMonthWanted, lastDay)) / DAY_MS
    dayInMonthOf.set(key, day)
  }
  return day
}

export const firstDayOfMonth = (month: number): number => dayInMonth(month, 1)

export function lastDayOfMonth(month: number): number {
  return firstDayOfMonth(month + 1) - 1
}

export function addMonths(day: number, months: number): number {
  return dayInMonth(monthOfDay(day) + months, dayOfMonth(day))
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n))

/** ISO 8601 UTC timestamp ('2025-06-14T15:04:05.000Z', as Date#toISOString), built without a Date. */
export function isoTimestamp(ms: number): string {
  const day = Math.floor(ms / DAY_MS)
  const seconds = Math.floor((ms - day * DAY_MS) / 1000)
  const hh = Math.floor(seconds / 3600)
  const mm = Math.floor((seconds % 3600) / 60)
  return `${formatDay(day)}T${pad2(hh)}:${pad2(mm)}:${pad2(seconds % 60)}.000Z`
}

/** Milliseconds of the given day at a fractional hour (UTC), to the second. */
export function msAt(day: number, hour: number): number {
  return day * DAY_MS + Math.round(hour * 3600) * 1000
}

/** ISO timestamp of the given day at a fractional hour (UTC). */
export function atHour(day: number, hour: number): string {
  return isoTimestamp(msAt(day, hour))
}

/** Saturday or Sunday. */
export function isWeekend(day: number): boolean {
  const weekday = (day + 4) % 7 // 1970-01-01 was a Thursday
  return weekday === 0 || weekday === 6
}

/** Moves a weekend day to the following Monday. */
export function toWorkday(day: number): number {
  let d = day
  while (isWeekend(d)) d++
  return d
}
