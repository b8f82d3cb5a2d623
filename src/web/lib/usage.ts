/** Product usage: shaping the usage API for charts, and the thresholds that colour its numbers. */
import dayjs from 'dayjs'
import type { AccountEvent, AccountUsage, UsageDay } from '../api/types'

/** The periods a user can pick for the usage charts, in days. */
export const usagePeriods = [30, 90, 180, 365] as const
export type UsagePeriod = (typeof usagePeriods)[number]
export const defaultUsagePeriod: UsagePeriod = 90

export function parseUsagePeriod(value: string | null | undefined): UsagePeriod {
  const days = Number(value)
  return usagePeriods.find((period) => period === days) ?? defaultUsagePeriod
}

/** Below this share of purchased seats in use, utilization is flagged: a classic churn and contraction risk. */
export const LOW_UTILIZATION = 0.4
/** More than this many days without activity is flagged as gone quiet. */
export const QUIET_AFTER_DAYS = 14

export type UsageChartRow = { day: string; label: string; dau: number; wau: number; mau: number; events: number }

export function usageChartData(series: UsageDay[]): UsageChartRow[] {
  return series.map((point) => ({
    day: point.day,
    label: formatDay(point.day),
    dau: point.activeUsers,
    wau: point.weeklyActiveUsers,
    mau: point.monthlyActiveUsers,
    events: point.events,
  }))
}

/** `2025-03-04` → `Mar 4`. */
export function formatDay(day: string): string {
  const date = dayjs(day)
  return date.isValid() ? date.format('MMM D') : day
}

/** True when the account has never sent anything we can show: no recent events, no known users. */
export function hasNoUsage(usage: AccountUsage): boolean {
  return usage.lastActivityAt === null && usage.users.length === 0 && usage.series.every((day) => day.events === 0)
}

/** Whether a user was seen in the 30 days ending on `asOf` (the usage answer's UTC day), as MAU counts them. */
export function seenInLast30Days(lastSeenAt: string | null, asOf: string): boolean {
  if (!lastSeenAt) return false
  const windowStart = Date.parse(`${asOf}T00:00:00Z`) - 29 * 86_400_000
  return Date.parse(lastSeenAt) >= windowStart
}

/** `0.42` → `42%`; below 10 % one decimal is kept (`4.5%`). */
export function formatShare(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—'
  const percent = value * 100
  return `${percent < 10 && percent > 0 ? percent.toFixed(1).replace(/\.0$/, '') : Math.round(percent)}%`
}

/** `0.123` → `+12.3%`, `-0.4` → `−40%`, `0` → `±0%`. */
export function formatChange(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—'
  const percent = Math.abs(value * 100)
  const text = percent >= 10 ? String(Math.round(percent)) : percent.toFixed(1).replace(/\.0$/, '')
  if (text === '0') return '±0%'
  return `${value > 0 ? '+' : '−'}${text}%`
}

export type Tone = 'good' | 'warning' | 'bad' | 'neutral' | 'over'

export const toneColor: Record<Tone, string> = { good: 'teal', warning: 'orange', bad: 'red', neutral: 'gray', over: 'grape' }

/** Seat utilization: low is a risk, above 100 % is an expansion opportunity. */
export function utilizationTone(value: number | null): Tone {
  if (value === null) return 'neutral'
  if (value < LOW_UTILIZATION) return 'warning'
  if (value > 1) return 'over'
  return 'good'
}

/** 30-day trend: a change under half a percent either way is flat. */
export function trendTone(value: number | null): Tone {
  if (value === null || Math.abs(value) < 0.005) return 'neutral'
  return value > 0 ? 'good' : 'bad'
}

export function recencyTone(daysSince: number | null): Tone {
  if (daysSince === null) return 'neutral'
  if (daysSince > QUIET_AFTER_DAYS) return 'bad'
  if (daysSince > 7) return 'warning'
  return 'good'
}

/** `today`, `yesterday`, `12 days ago`. */
export function formatDaysSince(days: number | null): string {
  if (days === null) return 'Never'
  if (days === 0) return 'Today'
  if (days === 1) return 'Yesterday'
  return `${days.toLocaleString('en-US')} days ago`
}

const typeLabels: Record<AccountEvent['type'], string> = {
  track: 'Track',
  identify: 'Identify',
  group: 'Group',
  page: 'Page view',
  screen: 'Screen view',
  alias: 'Alias',
}

/** What a row in the events list is called: the track event's name, else the page/screen name, else the call type. */
export function eventTitle(event: AccountEvent): string {
  if (event.event) return event.event
  const name = event.properties.name
  if ((event.type === 'page' || event.type === 'screen') && typeof name === 'string' && name) return `${typeLabels[event.type]}: ${name}`
  return typeLabels[event.type]
}

export function eventTypeLabel(type: AccountEvent['type']): string {
  return typeLabels[type]
}

/** The one-line curl a developer can paste to send a first event for this account (Segment track, Basic auth). */
export function trackCurlExample(origin: string, accountExternalId: string): string {
  const body = JSON.stringify({ userId: 'user-123', event: 'Report Created', context: { groupId: accountExternalId } })
  return `curl -u "$BOSUN_WRITE_KEY:" -H 'Content-Type: application/json' -d '${body.replace(/'/g, "'\\''")}' ${origin}/v1/track`
}
