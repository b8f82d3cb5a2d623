import { describe, expect, it } from 'vitest'
import { dayNumber, dayText } from './churn.features'
import { addMonthsToDay, defaultTarget, labelWindow, nextRenewal, renewalCalendar, termMonthsOf } from './churn.target'

const day = dayNumber
const days = (numbers: number[]) => numbers.map(dayText)

describe('renewal calendar', () => {
  it('adds calendar months, keeping the day of the month or the month end', () => {
    expect(dayText(addMonthsToDay(day('2025-01-31'), 1))).toBe('2025-02-28')
    expect(dayText(addMonthsToDay(day('2024-02-29'), 12))).toBe('2025-02-28')
    expect(dayText(addMonthsToDay(day('2025-03-15'), -12))).toBe('2024-03-15')
    expect(dayText(addMonthsToDay(day('2025-11-30'), 3))).toBe('2026-02-28')
  })

  it('takes the term length most spans match, 12 months when none does', () => {
    expect(termMonthsOf([365, 366, 364])).toBe(12)
    expect(termMonthsOf([731, 365, 730])).toBe(24)
    expect(termMonthsOf([1096])).toBe(36)
    expect(termMonthsOf([31, 30, 28, 365])).toBe(1)
    // A rolling subscription kept as one row for 17 months shows no term: annual.
    expect(termMonthsOf([517])).toBe(12)
    expect(termMonthsOf([])).toBe(12)
  })

  it('steps known renewal dates back and forward by the term, without doubling a date recorded twice', () => {
    const from = day('2022-06-01')
    const to = day('2026-12-31')
    // The current renewal date only: renewals on the same day every year before it.
    expect(days(renewalCalendar([day('2026-03-01')], 12, from, to))).toEqual(['2023-03-01', '2024-03-01', '2025-03-01', '2026-03-01'])
    // An inclusive subscription end and the next term's start (= the renewal date) are one renewal.
    expect(days(renewalCalendar([day('2024-12-31'), day('2025-01-01'), day('2025-12-31')], 12, day('2024-06-01'), day('2026-12-31')))).toEqual(['2024-12-31', '2025-12-31', '2026-12-31'])
    // Two known dates 36 months apart with a 36-month term: nothing in between.
    expect(days(renewalCalendar([day('2022-07-01'), day('2025-07-01')], 36, from, to))).toEqual(['2022-07-01', '2025-07-01'])
    expect(renewalCalendar([], 12, from, to)).toEqual([])
  })

  it('gives the next renewal after a day, else the fallback window; grace extends a renewal window', () => {
    const target = defaultTarget(365)
    const calendar = { termMonths: 12, dates: [day('2024-03-01'), day('2025-03-01')] }
    expect(nextRenewal(calendar, day('2024-02-29'))).toBe(day('2024-03-01'))
    // On the renewal day itself the next one is a term later.
    expect(nextRenewal(calendar, day('2024-03-01'))).toBe(day('2025-03-01'))
    expect(nextRenewal(calendar, day('2025-03-01'))).toBeNull()
    expect(labelWindow(calendar, day('2024-10-01'), target)).toEqual({ end: day('2025-03-31'), source: 'renewal', renewal: day('2025-03-01') })
    expect(labelWindow(undefined, day('2024-10-01'), target)).toEqual({ end: day('2025-10-01'), source: 'fallback', renewal: null })
  })
})
