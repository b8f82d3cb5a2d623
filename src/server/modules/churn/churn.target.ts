/**
 * What the workspace churn model predicts: "the account churns after day d and before (or at) its
 * next renewal", where the next renewal is the one that was in force on day d.
 *
 * Renewal dates come from the account's history, per account:
 * - the end date of every subscription row (a term end: `subscriptions.end_date` is the renewal date;
 *   a row cancelled mid-term ends on its cancellation, which then also ends the window),
 * - the account's current `renewal_date`,
 * - the dates of renewal outcomes (renewed / expanded / contracted in `account_outcomes`).
 * Between and around those known dates, renewal dates step by the account's term length: the usual
 * spacing of its known dates and subscription terms, snapped to 1, 3, 6, 12, 24 or 36 months (12 when
 * nothing shows it). So an annual account whose only known date is its current renewal date renewed
 * on the same day a year earlier, two years earlier, and so on. A subscription kept as one row across
 * many billing periods (a rolling monthly plan) shows no term length and is taken as annual.
 *
 * Accounts with no renewal date anywhere (no subscription end, no renewal date, no renewal outcome)
 * fall back to a fixed window: churn within `fallbackDays` after d. The model card counts how many
 * examples and scored accounts used each.
 *
 * A churn counts when it is after d and no later than `graceDays` after the next renewal: a renewal
 * that lapses is often booked as churn (ledger movement, outcome, account status) days or weeks after
 * the renewal date, and that churn belongs to this renewal, not the next one.
 */
import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../platform/db'
import { dayNumber } from './churn.features'

/** Days after a renewal date in which a churn still counts as that renewal's (see above). */
export const GRACE_DAYS = 30
/** The window, in days after d, for accounts without any renewal date. */
export const FALLBACK_DAYS = 365

export type TargetDefinition = { kind: 'before_next_renewal'; graceDays: number; fallbackDays: number }

export const defaultTarget = (fallbackDays: number = FALLBACK_DAYS): TargetDefinition => ({ kind: 'before_next_renewal', graceDays: GRACE_DAYS, fallbackDays })

/** Every renewal date of an account, known or stepped from known ones, ascending (day numbers). */
export type RenewalCalendar = { dates: number[]; termMonths: number }

/** Where an example's label window ends (last day a churn counts, inclusive) and what set it. */
export type LabelWindow = { end: number; source: 'renewal' | 'fallback'; renewal: number | null }

export type Labelled = LabelWindow & { label: 0 | 1 }

const TERM_MONTHS = [1, 3, 6, 12, 24, 36] as const
const DAYS_PER_MONTH = 365.25 / 12
/** Known dates closer than this are one renewal recorded twice (an inclusive end date and the next start, say). */
const SAME_RENEWAL_DAYS = 7

/** `day` plus whole calendar months; the 31st becomes the month's last day when it has none. */
export function addMonthsToDay(day: number, months: number): number {
  const date = new Date(day * 86_400_000)
  const year = date.getUTCFullYear()
  const month = date.getUTCMonth() + months
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  return Math.round(Date.UTC(year, month, Math.min(date.getUTCDate(), lastDay)) / 86_400_000)
}

/** The term length (months) that most of these spans (days) match; 12 when none does. Ties go to the shorter term. */
export function termMonthsOf(spans: number[]): number {
  const counts = new Map<number, number>()
  for (const span of spans) {
    const months = TERM_MONTHS.find((candidate) => Math.abs(span - candidate * DAYS_PER_MONTH) <= Math.max(3, candidate * DAYS_PER_MONTH * 0.02))
    if (months !== undefined) counts.set(months, (counts.get(months) ?? 0) + 1)
  }
  let best = 12
  let bestCount = 0
  for (const months of TERM_MONTHS) {
    const count = counts.get(months) ?? 0
    if (count > bestCount) {
      best = months
      bestCount = count
    }
  }
  return best
}

/**
 * The renewal dates from `from` to `to`: the known dates, and dates stepped by the term from them —
 * back from each known date until the one before it (or `from`), forward from the last until `to`.
 */
export function renewalCalendar(known: number[], termMonths: number, from: number, to: number): number[] {
  const anchors: number[] = []
  for (const day of [...new Set(known)].sort((a, b) => a - b)) {
    if (anchors.length === 0 || day - anchors[anchors.length - 1] >= SAME_RENEWAL_DAYS) anchors.push(day)
  }
  if (anchors.length === 0) return []
  const dates = new Set<number>(anchors)
  for (const [index, anchor] of anchors.entries()) {
    const floor = index === 0 ? from : anchors[index - 1] + SAME_RENEWAL_DAYS
    for (let step = 1; ; step++) {
      const day = addMonthsToDay(anchor, -step * termMonths)
      if (day < floor) break
      dates.add(day)
    }
  }
  const last = anchors[anchors.length - 1]
  for (let step = 1; ; step++) {
    const day = addMonthsToDay(last, step * termMonths)
    if (day > to) break
    dates.add(day)
  }
  return [...dates].sort((a, b) => a - b)
}

/** The first renewal date after `day`, or null. */
export function nextRenewal(calendar: RenewalCalendar | undefined, day: number): number | null {
  if (!calendar) return null
  const { dates } = calendar
  let low = 0
  let high = dates.length
  while (low < high) {
    const middle = (low + high) >> 1
    if (dates[middle] <= day) low = middle + 1
    else high = middle
  }
  return low < dates.length ? dates[low] : null
}

export function labelWindow(calendar: RenewalCalendar | undefined, day: number, target: TargetDefinition): LabelWindow {
  const renewal = nextRenewal(calendar, day)
  if (renewal === null) return { end: day + target.fallbackDays, source: 'fallback', renewal: null }
  return { end: renewal + target.graceDays, source: 'renewal', renewal }
}

const asDay = (value: unknown): number => dayNumber(value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10))

/** Every churn the workspace knows of, per account (day numbers): churned outcomes, ledger churns, the account's churn date. */
export async function loadChurnDays(db: Db, workspaceId: string): Promise<Map<string, number[]>> {
  const rows = await queryRows<{ account_id: string; day: unknown }>(
    db,
    sql`SELECT account_id, occurred_on AS day FROM account_outcomes WHERE workspace_id = ${workspaceId} AND kind = 'churned'
        UNION SELECT account_id, effective_date FROM revenue_movements WHERE workspace_id = ${workspaceId} AND kind = 'churn'
        UNION SELECT id, churned_at FROM accounts WHERE workspace_id = ${workspaceId} AND churned_at IS NOT NULL`,
  )
  const byAccount = new Map<string, number[]>()
  for (const row of rows) {
    const list = byAccount.get(row.account_id) ?? []
    list.push(asDay(row.day))
    byAccount.set(row.account_id, list)
  }
  return byAccount
}

/**
 * Each account's renewal calendar from `from` to `to` (day numbers); accounts without any renewal
 * date are absent. `accountId` narrows it to one account.
 */
export async function loadRenewalCalendars(db: Db, params: { workspaceId: string; from: number; to: number; accountId?: string }): Promise<Map<string, RenewalCalendar>> {
  const { workspaceId } = params
  const only = (column: string) => (params.accountId ? sql`AND ${sql.identifier(column)} = ${params.accountId}::uuid` : sql``)
  const rows = await queryRows<{ account_id: string; day: unknown; start: unknown }>(
    db,
    sql`SELECT account_id, end_date AS day, start_date AS start FROM subscriptions WHERE workspace_id = ${workspaceId} AND end_date IS NOT NULL ${only('account_id')}
        UNION ALL SELECT id, renewal_date, NULL FROM accounts WHERE workspace_id = ${workspaceId} AND renewal_date IS NOT NULL ${only('id')}
        UNION ALL SELECT account_id, occurred_on, NULL FROM account_outcomes WHERE workspace_id = ${workspaceId} AND kind IN ('renewed', 'expanded', 'contracted') ${only('account_id')}`,
  )
  const known = new Map<string, { days: number[]; spans: number[] }>()
  for (const row of rows) {
    const entry = known.get(row.account_id) ?? { days: [], spans: [] }
    const day = asDay(row.day)
    entry.days.push(day)
    if (row.start !== null && row.start !== undefined) entry.spans.push(day - asDay(row.start))
    known.set(row.account_id, entry)
  }
  const calendars = new Map<string, RenewalCalendar>()
  for (const [accountId, entry] of known) {
    const sorted = [...new Set(entry.days)].sort((a, b) => a - b)
    const gaps = sorted.slice(1).map((day, index) => day - sorted[index])
    const termMonths = termMonthsOf([...entry.spans, ...gaps])
    calendars.set(accountId, { termMonths, dates: renewalCalendar(sorted, termMonths, params.from, params.to) })
  }
  return calendars
}

/**
 * Labels (account, day) pairs: 1 when a churn falls in the window after the day. Loads the
 * workspace's churns and renewal calendars once; `from`/`to` bound the days asked about.
 */
export async function loadLabeller(
  db: Db,
  params: { workspaceId: string; from: string; to: string; target: TargetDefinition },
): Promise<{ label: (accountId: string, day: string) => Labelled; churns: Map<string, number[]>; calendars: Map<string, RenewalCalendar> }> {
  const { target } = params
  const from = dayNumber(params.from) - 1
  // Far enough past the last day for any term (36 months) plus its grace.
  const to = addMonthsToDay(dayNumber(params.to), 37)
  const churns = await loadChurnDays(db, params.workspaceId)
  const calendars = await loadRenewalCalendars(db, { workspaceId: params.workspaceId, from, to })
  const label = (accountId: string, day: string): Labelled => {
    const d = dayNumber(day)
    const window = labelWindow(calendars.get(accountId), d, target)
    const churned = (churns.get(accountId) ?? []).some((churn) => churn > d && churn <= window.end)
    return { ...window, label: churned ? 1 : 0 }
  }
  return { label, churns, calendars }
}
