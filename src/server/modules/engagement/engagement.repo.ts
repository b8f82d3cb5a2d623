/** Queries of the engagement module; every one filtered by workspace. Reads accounts, users, touchpoints and tier memberships by table name. */
import { sql, type SQL } from 'drizzle-orm'
import { jsonb, queryRows, type Db } from '../../platform/db'
import { engagementRoundRobin } from './engagement.tables'

const uuidList = (ids: readonly string[]) => sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)`

export type BookRow = { owner_id: string | null; tier: string; accounts: number; arr: number }

/** Active accounts and ARR per owner and tier ('' = not classified yet). */
export async function booksByOwner(db: Db, workspaceId: string): Promise<BookRow[]> {
  return queryRows<BookRow>(
    db,
    sql`SELECT a.owner_id, coalesce(m.group_key, '') AS tier, count(*)::int AS accounts, coalesce(sum(a.arr), 0)::float8 AS arr
        FROM accounts a
        LEFT JOIN account_memberships m ON m.workspace_id = a.workspace_id AND m.family = 'tier' AND m.account_id = a.id
        WHERE a.workspace_id = ${workspaceId} AND a.status = 'active'
        GROUP BY 1, 2`,
  )
}

export type UserRow = { id: string; name: string; email: string; role: string; status: 'active' | 'disabled' }

/** Every user of the workspace (a team is small), for pools, teams and the load view. */
export async function workspaceUsers(db: Db, workspaceId: string): Promise<UserRow[]> {
  return queryRows<UserRow>(db, sql`SELECT id, name, lower(email) AS email, role, status FROM users WHERE workspace_id = ${workspaceId} ORDER BY name, id`)
}

export type AccountRow = { id: string; name: string; owner_id: string | null; status: string; arr: number; tier: string | null }

const accountColumns = sql`a.id, a.name, a.owner_id, a.status, a.arr::float8 AS arr, m.group_key AS tier`
const tierJoin = sql`LEFT JOIN account_memberships m ON m.workspace_id = a.workspace_id AND m.family = 'tier' AND m.account_id = a.id`

export async function accountsByIds(db: Db, workspaceId: string, ids: readonly string[]): Promise<AccountRow[]> {
  if (ids.length === 0) return []
  return queryRows<AccountRow>(db, sql`SELECT ${accountColumns} FROM accounts a ${tierJoin} WHERE a.workspace_id = ${workspaceId} AND a.id = ANY(${uuidList(ids)})`)
}

/** Active accounts of one owner (null = unassigned), largest ARR first; at most `limit`. */
export async function accountsOfOwner(db: Db, params: { workspaceId: string; ownerId: string | null; limit: number }): Promise<AccountRow[]> {
  const owner = params.ownerId ? sql`a.owner_id = ${params.ownerId}` : sql`a.owner_id IS NULL`
  return queryRows<AccountRow>(
    db,
    sql`SELECT ${accountColumns} FROM accounts a ${tierJoin}
        WHERE a.workspace_id = ${params.workspaceId} AND a.status = 'active' AND ${owner}
        ORDER BY a.arr DESC, a.name, a.id LIMIT ${params.limit}`,
  )
}

export async function roundRobinState(db: Db, workspaceId: string): Promise<Map<string, string | null>> {
  const rows = await queryRows<{ rule: string; last_user_id: string | null }>(db, sql`SELECT rule, last_user_id FROM engagement_round_robin WHERE workspace_id = ${workspaceId}`)
  return new Map(rows.map((row) => [row.rule, row.last_user_id]))
}

export async function saveRoundRobin(db: Db, workspaceId: string, rule: string, lastUserId: string): Promise<void> {
  await db
    .insert(engagementRoundRobin)
    .values({ workspaceId, rule, lastUserId })
    .onConflictDoUpdate({ target: [engagementRoundRobin.workspaceId, engagementRoundRobin.rule], set: { lastUserId, updatedAt: sql`now()` } })
}

/** A cadence as the coverage query takes it. */
export type CadenceInput = { tier: string; key: string; kinds: string[]; every_days: number }

export type CoverageFilters = { tier?: string; ownerId?: string | 'unassigned'; cadence?: string }

/**
 * Each active account's state per cadence of its tier: the last touchpoint of the cadence's kinds and
 * when the next is due (an account never touched is due `everyDays` after it was created, so a new
 * account is not out of cadence on its first day).
 */
function cadenceStatus(params: { workspaceId: string; cadences: CadenceInput[]; filters: CoverageFilters }): SQL {
  const { filters } = params
  return sql`
    WITH cadences AS (
      SELECT c.tier, c.key, c.kinds, c.every_days
      FROM jsonb_to_recordset(${jsonb(params.cadences)}) AS c(tier text, key text, kinds jsonb, every_days int)
    )
    SELECT a.id AS account_id, a.name AS account_name, a.arr::float8 AS arr, a.owner_id, u.name AS owner_name,
           m.group_key AS tier, c.key AS cadence, c.every_days, t.last_at,
           greatest(t.last_at, a.created_at) + make_interval(days => c.every_days) AS due_at
    FROM account_memberships m
    JOIN accounts a ON a.workspace_id = m.workspace_id AND a.id = m.account_id
    JOIN cadences c ON c.tier = m.group_key
    LEFT JOIN users u ON u.workspace_id = a.workspace_id AND u.id = a.owner_id
    LEFT JOIN LATERAL (
      SELECT max(tp.occurred_at) AS last_at FROM touchpoints tp
      WHERE tp.workspace_id = a.workspace_id AND tp.account_id = a.id AND c.kinds ? tp.kind AND tp.occurred_at <= now()
    ) t ON true
    WHERE m.workspace_id = ${params.workspaceId} AND m.family = 'tier' AND a.status = 'active'
      ${filters.tier ? sql`AND m.group_key = ${filters.tier}` : sql``}
      ${filters.cadence ? sql`AND c.key = ${filters.cadence}` : sql``}
      ${filters.ownerId === 'unassigned' ? sql`AND a.owner_id IS NULL` : filters.ownerId ? sql`AND a.owner_id = ${filters.ownerId}` : sql``}`
}

export type CoverageSummaryRow = { tier: string; cadence: string; accounts: number; out_of_cadence: number }

export async function coverageSummary(db: Db, params: { workspaceId: string; cadences: CadenceInput[]; filters: CoverageFilters }): Promise<CoverageSummaryRow[]> {
  if (params.cadences.length === 0) return []
  return queryRows<CoverageSummaryRow>(
    db,
    sql`SELECT tier, cadence, count(*)::int AS accounts, count(*) FILTER (WHERE due_at < now())::int AS out_of_cadence
        FROM (${cadenceStatus(params)}) s GROUP BY tier, cadence`,
  )
}

export type CoverageRow = {
  account_id: string
  account_name: string
  arr: number
  owner_id: string | null
  owner_name: string | null
  tier: string
  cadence: string
  every_days: number
  last_at: Date | string | null
  due_at: Date | string
  days_overdue: number
}

/** Out-of-cadence (account, cadence) pairs, longest overdue first; the total is the summary's sum. */
export async function outOfCadence(db: Db, params: { workspaceId: string; cadences: CadenceInput[]; filters: CoverageFilters; limit: number; offset: number }): Promise<CoverageRow[]> {
  if (params.cadences.length === 0) return []
  return queryRows<CoverageRow>(
    db,
    sql`SELECT s.*, floor(extract(epoch FROM now() - s.due_at) / 86400)::int AS days_overdue
        FROM (${cadenceStatus(params)}) s
        WHERE s.due_at < now()
        ORDER BY s.due_at, s.arr DESC, s.account_id, s.cadence
        LIMIT ${params.limit} OFFSET ${params.offset}`,
  )
}
