/** What the segments pages need to know per family (labels, links) and how they shape API data for charts. */
import dayjs from 'dayjs'
import type { ClassificationGroup, ClassificationHistoryPoint, FamilyPath, MembershipFamily } from '../../api/segments'

export type FamilyMeta = {
  family: MembershipFamily
  path: FamilyPath
  /** Tab label on /segments. */
  label: string
  singular: string
  plural: string
  /** Where the rule of one group is edited (tiers and stages live in one document each). */
  configHref: (key: string) => string
  /** Where the rules are created when there are none yet. */
  configStartHref: string
}

export const families: FamilyMeta[] = [
  {
    family: 'segment',
    path: 'segments',
    label: 'Segments',
    singular: 'segment',
    plural: 'segments',
    configHref: (key) => `/configuration/segment/${encodeURIComponent(key)}`,
    configStartHref: '/configuration/segment',
  },
  {
    family: 'tier',
    path: 'tiers',
    label: 'Tiers',
    singular: 'tier',
    plural: 'tiers',
    configHref: () => '/configuration/tiers/default',
    configStartHref: '/configuration/tiers',
  },
  {
    family: 'stage',
    path: 'stages',
    label: 'Lifecycle',
    singular: 'lifecycle stage',
    plural: 'lifecycle stages',
    configHref: () => '/configuration/lifecycle/default',
    configStartHref: '/configuration/lifecycle',
  },
]

export function familyByPath(path: string | null | undefined): FamilyMeta | undefined {
  return families.find((meta) => meta.path === path)
}

export function familyMeta(family: MembershipFamily): FamilyMeta {
  const meta = families.find((candidate) => candidate.family === family)
  if (!meta) throw new Error(`unknown family ${family}`)
  return meta
}

/** A Mantine palette name for a group, gray when the rule gave none. */
export function groupColor(color: string | null | undefined): string {
  return color && /^[a-z]+$/.test(color) ? color : 'gray'
}

/** Accounts per day for a sparkline: days without a daily count are skipped, not drawn as zero. */
export function sparklineValues(points: ClassificationHistoryPoint[]): number[] {
  return points.flatMap((point) => (point.accounts === null ? [] : [point.accounts]))
}

export type MembersChartRow = { day: string; label: string; accounts: number | null; entered: number; exited: number }

/** Daily rows for the detail charts: exits negative so they draw below the line. */
export function membersChartData(points: ClassificationHistoryPoint[]): MembersChartRow[] {
  return points.map((point) => ({
    day: point.day,
    label: dayjs(point.day).isValid() ? dayjs(point.day).format('MMM D') : point.day,
    accounts: point.accounts,
    entered: point.entered,
    exited: point.exited === 0 ? 0 : -Math.abs(point.exited),
  }))
}

export type GroupShare = { key: string; name: string; color: string; value: number; percent: number }

/**
 * Each group's share of the total (accounts or ARR), in percent. Percentages are rounded so that
 * they add up to 100 (largest remainders first); with a zero total every share is 0.
 */
export function groupShares(groups: ClassificationGroup[], metric: 'accounts' | 'arr'): GroupShare[] {
  const values = groups.map((group) => Math.max(0, group[metric]))
  const total = values.reduce((sum, value) => sum + value, 0)
  const exact = values.map((value) => (total > 0 ? (value / total) * 100 : 0))
  const rounded = exact.map((value) => Math.floor(value))
  let missing = total > 0 ? 100 - rounded.reduce((sum, value) => sum + value, 0) : 0
  const byRemainder = exact.map((value, index) => ({ index, remainder: value - Math.floor(value) })).sort((left, right) => right.remainder - left.remainder)
  for (const { index } of byRemainder) {
    if (missing <= 0) break
    rounded[index] = (rounded[index] ?? 0) + 1
    missing -= 1
  }
  return groups.map((group, index) => ({ key: group.key, name: group.name, color: groupColor(group.color), value: values[index] ?? 0, percent: rounded[index] ?? 0 }))
}

/** Why a hand move's reason is not acceptable yet, or null (the server asks for 3 to 500 characters). */
export function reasonProblem(reason: string): string | null {
  const trimmed = reason.trim()
  if (trimmed.length < 3) return 'Say why in at least 3 characters'
  if (trimmed.length > 500) return 'Keep the reason under 500 characters'
  return null
}

const count = (value: number) => `${value.toLocaleString('en-US')} ${value === 1 ? 'account' : 'accounts'}`

/** "42 accounts waiting to be classified" (and the re-classification queue) — or null when nothing waits. */
export function waitingMessage(list: { queued: number; unclassified: number }): string | null {
  const parts: string[] = []
  if (list.unclassified > 0) parts.push(`${count(list.unclassified)} waiting to be classified`)
  if (list.queued > 0) parts.push(`${count(list.queued)} queued for re-classification after a change`)
  return parts.length > 0 ? parts.join(' · ') : null
}
