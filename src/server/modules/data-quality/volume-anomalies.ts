/**
 * The daily-volume anomaly rule of the data-quality report, as pure functions.
 *
 * A day's volume is compared with its baseline: the median volume of the SAME weekday in the four
 * weeks before it (d−7, d−14, d−21, d−28), counting only weeks on or after the source's first day
 * of data, and only when at least two such weeks exist. Comparing like weekdays keeps the quiet
 * weekends of a B2B product from being flagged every week.
 *
 * - spike:  volume > 3 × baseline (a baseline under 5 counts as 5, so 2 → 9 events is not a spike)
 * - drop:   0 < volume < 30 % of the baseline, when the baseline is at least 10
 * - silent: no volume at all on a day whose baseline is at least 5 (the source went quiet)
 * The floors keep sparse sources quiet: at 2 a day, a day with none is ordinary chance, while at
 * 5 a day an empty day happens by chance under 1 % of the time (Poisson), at 10 a day 2 or fewer 0.3 %.
 * Today is still in progress: it can show a spike, never a drop or silence.
 */

export type VolumeAnomaly = 'spike' | 'drop' | 'silent'

export type VolumeDay = { day: string; count: number; baseline: number | null; anomaly: VolumeAnomaly | null }

export const anomalyRule = {
  comparableWeeks: 4,
  minComparableWeeks: 2,
  spikeFactor: 3,
  spikeMinBaseline: 5,
  dropFactor: 0.3,
  dropMinBaseline: 10,
  silentMinBaseline: 5,
} as const

export const anomalyRuleText =
  'Each day is compared with the median of the same weekday in the 4 weeks before it (at least 2 weeks of history needed). ' +
  'Spike: more than 300 % of that baseline (a baseline under 5 counts as 5). Drop: under 30 % of a baseline of at least 10. ' +
  'Silent: nothing received on a day whose baseline is at least 5. Today is judged only for spikes.'

/** How many days before the first reported day the series query must reach. */
export const baselineLookbackDays = anomalyRule.comparableWeeks * 7

export const addDays = (isoDate: string, days: number) => new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

export function median(values: number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

export function classifyDay(params: { count: number; baseline: number | null; isToday: boolean }): VolumeAnomaly | null {
  const { count, baseline, isToday } = params
  if (baseline === null) return null
  if (count > anomalyRule.spikeFactor * Math.max(baseline, anomalyRule.spikeMinBaseline)) return 'spike'
  if (isToday) return null
  if (count === 0) return baseline >= anomalyRule.silentMinBaseline ? 'silent' : null
  if (baseline >= anomalyRule.dropMinBaseline && count < anomalyRule.dropFactor * baseline) return 'drop'
  return null
}

/**
 * The last `days` days up to `today` (oldest first) with baselines and anomalies. `counts` holds
 * the volume per day (missing = 0) and must reach `baselineLookbackDays` before the first day;
 * `firstDay` is the source's first day with data ever (null: none).
 */
export function volumeSeries(params: { counts: ReadonlyMap<string, number>; firstDay: string | null; today: string; days: number }): VolumeDay[] {
  const { counts, firstDay, today, days } = params
  const series: VolumeDay[] = []
  for (let offset = days - 1; offset >= 0; offset--) {
    const day = addDays(today, -offset)
    const count = counts.get(day) ?? 0
    if (!firstDay || day < firstDay) {
      series.push({ day, count, baseline: null, anomaly: null })
      continue
    }
    const comparable: number[] = []
    for (let week = 1; week <= anomalyRule.comparableWeeks; week++) {
      const earlier = addDays(day, -7 * week)
      if (earlier >= firstDay) comparable.push(counts.get(earlier) ?? 0)
    }
    const baseline = comparable.length >= anomalyRule.minComparableWeeks ? median(comparable) : null
    series.push({ day, count, baseline, anomaly: classifyDay({ count, baseline, isToday: day === today }) })
  }
  return series
}
