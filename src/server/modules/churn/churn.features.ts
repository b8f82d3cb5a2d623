/**
 * An account's features as of a day, from what was known on that day only: the revenue ledger up to
 * it, tickets opened and touchpoints logged before it, usage up to it (accountFactsQuery), the health
 * snapshot of that week. Fields that hold today's value (status, subscription seats and status,
 * renewal date, open-ticket counts) would leak the outcome into history, so they are not features.
 */
import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../platform/db'
import { loadAccountFacts } from '../conditions'
import type { RawRow } from './learners/features'

/** Every feature the model may use, with a label people read (drivers, the model card). */
export const featureLabels: Record<string, string> = {
  plan: 'Plan',
  industry: 'Industry',
  country: 'Country',
  employees: 'Employees',
  tenure_days: 'Days as a customer',
  days_to_anniversary: 'Days to the contract anniversary',
  arr: 'ARR',
  arr_change_90d: 'ARR change in 90 days',
  contractions_180d: 'Contractions in 180 days',
  expansions_180d: 'Expansions in 180 days',
  tickets_90d: 'Tickets in 90 days',
  urgent_tickets_90d: 'High/urgent tickets in 90 days',
  bad_csat_90d: 'Bad satisfaction ratings in 90 days',
  open_tickets: 'Open tickets',
  touchpoints_90d: 'Touchpoints in 90 days',
  days_since_touchpoint: 'Days since the last touchpoint',
  contacts: 'Contacts',
  dau: 'Daily active users',
  wau: 'Weekly active users',
  mau: 'Monthly active users',
  events_30d: 'Product events in 30 days',
  usage_trend_30d: 'Usage trend (30 days vs the 30 before)',
  feature_breadth: 'Key features used in 30 days',
  days_since_activity: 'Days since the last product activity',
  health_score: 'Health score',
}

export const featureLabel = (key: string) => featureLabels[key] ?? (key.startsWith('trait_') ? `Trait ${key.slice('trait_'.length)}` : key)

const DAY_MS = 86_400_000
export const dayNumber = (day: string) => Math.floor(Date.parse(`${day.slice(0, 10)}T00:00:00Z`) / DAY_MS)
export const dayText = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10)
export const addDays = (day: string, days: number) => dayText(dayNumber(day) + days)

const asDay = (value: unknown): string | null => {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  return String(value).slice(0, 10)
}
const asNumber = (value: unknown): number | null => {
  if (value === null || value === undefined || value === '') return null
  const parsed = typeof value === 'number' ? value : Number(value)
  return Number.isFinite(parsed) ? parsed : null
}

/** Where the workspace's history starts, per source: before it a count of 0 means "no data", not "no activity". */
export type HistoryStarts = { usage: string | null; activity: string | null; ledger: string | null; healthSnapshots: boolean }

export async function historyStarts(db: Db, workspaceId: string): Promise<HistoryStarts> {
  const [row] = await queryRows<{ usage: unknown; tickets: unknown; touchpoints: unknown; ledger: unknown; snapshots: string | null }>(
    db,
    sql`SELECT (SELECT min(day) FROM usage_daily WHERE workspace_id = ${workspaceId}) AS usage,
               (SELECT min(opened_at) FROM tickets WHERE workspace_id = ${workspaceId}) AS tickets,
               (SELECT min(occurred_at) FROM touchpoints WHERE workspace_id = ${workspaceId}) AS touchpoints,
               (SELECT min(effective_date) FROM revenue_movements WHERE workspace_id = ${workspaceId}) AS ledger,
               to_regclass('health_snapshots')::text AS snapshots`,
  )
  const activity = [asDay(row.tickets), asDay(row.touchpoints)].filter((day): day is string => day !== null).sort()[0] ?? null
  return { usage: asDay(row.usage), activity, ledger: asDay(row.ledger), healthSnapshots: row.snapshots !== null }
}

type HistoryRow = {
  account_id: string
  arr: unknown
  contractions: number
  expansions: number
  tickets: number
  urgent: number
  bad: number
  open: number
  touchpoints: number
  contacts: number
  health: unknown
}

export type AccountFeatures = { accountId: string; arr: number; row: RawRow }

/**
 * Features of the accounts that were customers on `day` (ARR above 0 in the ledger then; without a
 * ledger, created before it and not churned by it). `accountIds` narrows the set.
 */
export async function featuresAsOf(db: Db, params: { workspaceId: string; day: string; starts: HistoryStarts; accountIds?: string[] }): Promise<AccountFeatures[]> {
  const { workspaceId, day, starts } = params
  const d = sql`${day}::date`
  const scope = params.accountIds ? sql`AND a.id = ANY(ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(params.accountIds)}::jsonb)::uuid))` : sql``
  const health = starts.healthSnapshots
    ? sql`(SELECT hs.score FROM health_snapshots hs WHERE hs.workspace_id = a.workspace_id AND hs.account_id = a.id AND hs.day <= ${d} AND hs.day > ${d} - 7 ORDER BY hs.day DESC LIMIT 1)`
    : sql`NULL::numeric`
  const ledger = starts.ledger !== null
  const rows = await queryRows<HistoryRow>(
    db,
    sql`SELECT a.id AS account_id,
          ${ledger ? sql`(SELECT coalesce(sum(m.arr_delta), 0) FROM revenue_movements m WHERE m.workspace_id = a.workspace_id AND m.account_id = a.id AND m.effective_date <= ${d})` : sql`a.arr`} AS arr,
          (SELECT count(*)::int FROM revenue_movements m WHERE m.workspace_id = a.workspace_id AND m.account_id = a.id AND m.kind = 'contraction' AND m.effective_date > ${d} - 180 AND m.effective_date <= ${d}) AS contractions,
          (SELECT count(*)::int FROM revenue_movements m WHERE m.workspace_id = a.workspace_id AND m.account_id = a.id AND m.kind = 'expansion' AND m.effective_date > ${d} - 180 AND m.effective_date <= ${d}) AS expansions,
          coalesce(t.tickets, 0) AS tickets, coalesce(t.urgent, 0) AS urgent, coalesce(t.bad, 0) AS bad, coalesce(t.open, 0) AS open,
          (SELECT count(*)::int FROM touchpoints tp WHERE tp.workspace_id = a.workspace_id AND tp.account_id = a.id
             AND tp.occurred_at >= ((${d} - 89)::timestamp AT TIME ZONE 'UTC') AND tp.occurred_at < ((${d} + 1)::timestamp AT TIME ZONE 'UTC')) AS touchpoints,
          (SELECT count(*)::int FROM contacts c WHERE c.workspace_id = a.workspace_id AND c.account_id = a.id AND c.created_at < ((${d} + 1)::timestamp AT TIME ZONE 'UTC')) AS contacts,
          ${health} AS health
        FROM accounts a
        LEFT JOIN LATERAL (
          SELECT count(*) FILTER (WHERE tk.opened_at >= ((${d} - 89)::timestamp AT TIME ZONE 'UTC'))::int AS tickets,
                 count(*) FILTER (WHERE tk.opened_at >= ((${d} - 89)::timestamp AT TIME ZONE 'UTC') AND tk.priority IN ('high', 'urgent'))::int AS urgent,
                 count(*) FILTER (WHERE tk.opened_at >= ((${d} - 89)::timestamp AT TIME ZONE 'UTC') AND tk.satisfaction = 'bad')::int AS bad,
                 count(*) FILTER (WHERE tk.closed_at IS NULL OR tk.closed_at >= ((${d} + 1)::timestamp AT TIME ZONE 'UTC'))::int AS open
          FROM tickets tk WHERE tk.workspace_id = a.workspace_id AND tk.account_id = a.id AND tk.opened_at < ((${d} + 1)::timestamp AT TIME ZONE 'UTC')) t ON true
        WHERE a.workspace_id = ${workspaceId} AND (a.created_at AT TIME ZONE 'UTC')::date <= ${d}
          ${ledger ? sql`` : sql`AND (a.churned_at IS NULL OR a.churned_at > ${d})`} ${scope}`,
  )
  const customers = rows.filter((row) => (asNumber(row.arr) ?? 0) > 0)
  if (customers.length === 0) return []
  // The whole workspace in one statement is much faster than an id list (the facts query plans it as a sweep).
  const facts = await loadAccountFacts(db, { workspaceId, today: day, accountIds: params.accountIds })
  // Before the first usage (or ticket/touchpoint) was recorded plus a month, those counts are unknown, not zero.
  const usageKnown = starts.usage !== null && dayNumber(day) >= dayNumber(starts.usage) + 30
  const activityKnown = starts.activity !== null && dayNumber(day) >= dayNumber(starts.activity) + 30
  const today = dayNumber(day)
  const result: AccountFeatures[] = []
  for (const history of customers) {
    const f = facts.get(history.account_id)
    if (!f) continue
    const created = asDay(f.created_on)
    const tenure = created ? today - dayNumber(created) : null
    const row: RawRow = {
      plan: (f.plan as string | null) ?? null,
      industry: (f.industry as string | null) ?? null,
      country: (f.country as string | null) ?? null,
      employees: asNumber(f.employees),
      tenure_days: tenure,
      days_to_anniversary: tenure === null ? null : (365 - (tenure % 365)) % 365,
      arr: asNumber(history.arr),
      arr_change_90d: asNumber(f.arr_change_90d),
      contractions_180d: history.contractions,
      expansions_180d: history.expansions,
      tickets_90d: activityKnown ? history.tickets : null,
      urgent_tickets_90d: activityKnown ? history.urgent : null,
      bad_csat_90d: activityKnown ? history.bad : null,
      open_tickets: activityKnown ? history.open : null,
      touchpoints_90d: activityKnown ? history.touchpoints : null,
      days_since_touchpoint: activityKnown ? daysSince(asDay(f.last_touchpoint_on), today, 365) : null,
      contacts: history.contacts,
      dau: usageKnown ? asNumber(f.dau) : null,
      wau: usageKnown ? asNumber(f.wau) : null,
      mau: usageKnown ? asNumber(f.mau) : null,
      events_30d: usageKnown ? asNumber(f.events_30d) : null,
      usage_trend_30d: usageKnown ? asNumber(f.usage_trend_30d) : null,
      feature_breadth: usageKnown ? asNumber(f.feature_breadth) : null,
      days_since_activity: usageKnown ? daysSince(asDay(f.last_activity_on), today, 120) : null,
      health_score: asNumber(history.health),
    }
    const traits = (f.traits ?? {}) as Record<string, unknown>
    for (const [key, value] of Object.entries(traits)) {
      if (typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'string' && value.length <= 60)) row[`trait_${key}`] = value
    }
    result.push({ accountId: history.account_id, arr: asNumber(history.arr) ?? 0, row })
  }
  return result
}

/** Days since a day, capped (never seen counts as the cap: long ago). */
function daysSince(day: string | null, today: number, cap: number): number {
  if (day === null) return cap
  return Math.min(cap, Math.max(0, today - dayNumber(day)))
}
