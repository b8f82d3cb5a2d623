import { describe, expect, it } from 'vitest'
import { addDays, volumeSeries } from './volume-anomalies'

const today = '2026-03-18' // a Wednesday

/** Volumes by days-ago (0 = today); anything unlisted is 0. */
function series(volumes: Record<number, number>, options: { firstDaysAgo: number; days?: number }) {
  const counts = new Map(Object.entries(volumes).map(([daysAgo, count]) => [addDays(today, -Number(daysAgo)), count]))
  return volumeSeries({ counts, firstDay: addDays(today, -options.firstDaysAgo), today, days: options.days ?? 30 })
}

const flagged = (days: ReturnType<typeof series>) =>
  Object.fromEntries(days.filter((day) => day.anomaly).map((day) => [day.day, day.anomaly]))

/** A weekday-heavy B2B source: 100 a weekday, 10 on Saturday and Sunday. */
function b2b(daysBack: number, overrides: Record<number, number> = {}) {
  const volumes: Record<number, number> = {}
  for (let daysAgo = daysBack; daysAgo >= 0; daysAgo--) {
    const weekday = new Date(`${addDays(today, -daysAgo)}T00:00:00Z`).getUTCDay()
    volumes[daysAgo] = weekday === 0 || weekday === 6 ? 10 : 100
  }
  return { ...volumes, ...overrides }
}

describe('volume anomaly rule', () => {
  it('does not flag quiet weekends of a weekday-heavy source', () => {
    expect(flagged(series(b2b(60, { 0: 40 }), { firstDaysAgo: 60 }))).toEqual({})
  })

  it('flags a spike, a drop and a silent day against the same weekday', () => {
    const days = series(b2b(60, { 2: 301, 8: 29, 9: 0 }), { firstDaysAgo: 60 })
    expect(flagged(days)).toEqual({ [addDays(today, -2)]: 'spike', [addDays(today, -8)]: 'drop', [addDays(today, -9)]: 'silent' })
    expect(days.find((day) => day.day === addDays(today, -2))?.baseline).toBe(100)
  })

  it('stays at 300 % and 30 % exactly without flagging', () => {
    expect(flagged(series(b2b(60, { 2: 300, 8: 30 }), { firstDaysAgo: 60 }))).toEqual({})
  })

  it('judges today only for spikes: the day is not over', () => {
    expect(flagged(series(b2b(60, { 0: 0 }), { firstDaysAgo: 60 }))).toEqual({})
    expect(flagged(series(b2b(60, { 0: 500 }), { firstDaysAgo: 60 }))).toEqual({ [today]: 'spike' })
  })

  it('needs two comparable weeks of history and ignores days before the first data', () => {
    // First data 10 days ago: days up to 3 days ago have at most one comparable week.
    const days = series(b2b(10, { 4: 1000 }), { firstDaysAgo: 10 })
    expect(days.filter((day) => day.day < addDays(today, -10)).every((day) => day.baseline === null && day.anomaly === null)).toBe(true)
    expect(flagged(days)).toEqual({})
  })

  it('keeps sparse sources quiet: floors for spikes (5), silence (5) and drops (10)', () => {
    const steady = (perDay: number) => {
      const volumes: Record<number, number> = {}
      for (let daysAgo = 40; daysAgo >= 0; daysAgo--) volumes[daysAgo] = perDay
      return volumes
    }
    // 2 a day: an empty day, 1, or 15 are all ordinary; 16 is a spike (more than 3 × 5).
    expect(flagged(series({ ...steady(2), 3: 1, 4: 15, 5: 0 }, { firstDaysAgo: 40 }))).toEqual({})
    expect(flagged(series({ ...steady(2), 4: 16 }, { firstDaysAgo: 40 }))).toEqual({ [addDays(today, -4)]: 'spike' })
    // 5 a day: an empty day is silence, 1 is not yet a drop (the baseline is under 10).
    expect(flagged(series({ ...steady(5), 3: 1, 5: 0 }, { firstDaysAgo: 40 }))).toEqual({ [addDays(today, -5)]: 'silent' })
    // 10 a day: 2 is a drop, 3 is not (30 % exactly).
    expect(flagged(series({ ...steady(10), 3: 2, 4: 3 }, { firstDaysAgo: 40 }))).toEqual({ [addDays(today, -3)]: 'drop' })
  })

  it('gives every day of the window, oldest first, with no data as zero', () => {
    const days = series({}, { firstDaysAgo: 0, days: 30 })
    expect(days).toHaveLength(30)
    expect(days[0]?.day).toBe(addDays(today, -29))
    expect(days.at(-1)).toEqual({ day: today, count: 0, baseline: null, anomaly: null })
  })
})
