import { and, asc, desc, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../../platform/db'
import { queryRows } from '../../platform/db'
import { users } from '../identity'
import type { AccountListFilters, AccountSort } from './accounts.contracts'
import { accounts, revenueMovements } from './accounts.tables'

export type Account = typeof accounts.$inferSelect
export type NewAccount = typeof accounts.$inferInsert
export type AccountWithOwner = Account & { ownerName: string | null }
export type RevenueMovement = typeof revenueMovements.$inferSelect
export type NewRevenueMovement = typeof revenueMovements.$inferInsert

/** Lists count matches up to this many and then say "more than". */
export const COUNT_CAP = 1_000

const accountColumns = {
  workspaceId: accounts.workspaceId,
  id: accounts.id,
  externalId: accounts.externalId,
  name: accounts.name,
  domain: accounts.domain,
  parentId: accounts.parentId,
  ownerId: accounts.ownerId,
  plan: accounts.plan,
  industry: accounts.industry,
  employees: accounts.employees,
  country: accounts.country,
  arr: accounts.arr,
  currency: accounts.currency,
  renewalDate: accounts.renewalDate,
  traits: accounts.traits,
  status: accounts.status,
  churnedAt: accounts.churnedAt,
  createdAt: accounts.createdAt,
  updatedAt: accounts.updatedAt,
  ownerName: users.name,
}

const ownerJoin = and(eq(users.workspaceId, accounts.workspaceId), eq(users.id, accounts.ownerId))

/** The expression each sort orders by; renewal dates put accounts without one last. */
export function sortKey(sort: AccountSort): { expression: SQL; descending: boolean; kind: 'text' | 'number' | 'date' } {
  const descending = sort.startsWith('-')
  switch (sort) {
    case 'name':
    case '-name':
      return { expression: sql`${accounts.name}`, descending, kind: 'text' }
    case 'arr':
    case '-arr':
      return { expression: sql`${accounts.arr}`, descending, kind: 'number' }
    case 'renewal_date':
      return { expression: sql`coalesce(${accounts.renewalDate}, '9999-12-31'::date)`, descending, kind: 'date' }
    case '-renewal_date':
      return { expression: sql`coalesce(${accounts.renewalDate}, '0001-01-01'::date)`, descending, kind: 'date' }
  }
}

function filterConditions(workspaceId: string, filters: Omit<AccountListFilters, 'sort' | 'limit' | 'cursor'>, today: string): SQL[] {
  const conditions: SQL[] = [sql`${accounts.workspaceId} = ${workspaceId}`]
  const externalId = filters.external_id ?? filters.externalId
  if (externalId !== undefined) conditions.push(sql`${accounts.externalId} = ${externalId}`)
  if (filters.q) {
    const pattern = `%${filters.q.toLowerCase().replace(/[\\%_]/g, (match) => `\\${match}`)}%`
    conditions.push(sql`lower(${accounts.name} || ' ' || coalesce(${accounts.domain}, '')) like ${pattern}`)
  }
  if (filters.ownerId === 'none') conditions.push(sql`${accounts.ownerId} is null`)
  else if (filters.ownerId) conditions.push(sql`${accounts.ownerId} = ${filters.ownerId}`)
  if (filters.plan) conditions.push(sql`${accounts.plan} = ${filters.plan}`)
  if (filters.industry) conditions.push(sql`${accounts.industry} = ${filters.industry}`)
  if (filters.country) conditions.push(sql`${accounts.country} = ${filters.country}`)
  if (filters.status) conditions.push(sql`${accounts.status} = ${filters.status}`)
  if (filters.parentId) conditions.push(sql`${accounts.parentId} = ${filters.parentId}`)
  if (filters.renewalWithinDays !== undefined) {
    conditions.push(sql`${accounts.renewalDate} between ${today}::date and ${today}::date + ${filters.renewalWithinDays}::int`)
  }
  if (filters.renewalFrom) conditions.push(sql`${accounts.renewalDate} >= ${filters.renewalFrom}::date`)
  if (filters.renewalTo) conditions.push(sql`${accounts.renewalDate} <= ${filters.renewalTo}::date`)
  if (filters.minArr !== undefined) conditions.push(sql`${accounts.arr} >= ${filters.minArr}`)
  if (filters.maxArr !== undefined) conditions.push(sql`${accounts.arr} <= ${filters.maxArr}`)
  // Classification and health are read from their modules' tables by SQL (as Account 360 does): one
  // statement, each an index lookup per account.
  for (const [family, key] of [['segment', filters.segment], ['tier', filters.tier], ['stage', filters.stage]] as const) {
    if (key === undefined) continue
    conditions.push(sql`EXISTS (SELECT 1 FROM account_memberships m WHERE m.workspace_id = ${accounts.workspaceId} AND m.family = ${family}
      AND m.group_key = ${key} AND m.account_id = ${accounts.id})`)
  }
  if (filters.healthBand === 'unscored') {
    conditions.push(sql`NOT EXISTS (SELECT 1 FROM health_scores h WHERE h.workspace_id = ${accounts.workspaceId} AND h.account_id = ${accounts.id} AND h.band IS NOT NULL)`)
  } else if (filters.healthBand) {
    conditions.push(sql`EXISTS (SELECT 1 FROM health_scores h WHERE h.workspace_id = ${accounts.workspaceId} AND h.account_id = ${accounts.id} AND h.band = ${filters.healthBand})`)
  }
  return conditions
}

const groupOf = (family: 'tier' | 'stage') =>
  sql<string | null>`(SELECT m.group_key FROM account_memberships m
    WHERE m.workspace_id = ${accounts.workspaceId} AND m.family = ${family} AND m.account_id = ${accounts.id} ORDER BY m.group_key LIMIT 1)`

/** What a row of the list shows beside the account. */
const listColumns = {
  healthScore: sql<number | null>`(SELECT h.score::float8 FROM health_scores h WHERE h.workspace_id = ${accounts.workspaceId} AND h.account_id = ${accounts.id})`.mapWith(
    (value: unknown) => (value === null ? null : Number(value)),
  ),
  healthBand: sql<'red' | 'yellow' | 'green' | null>`(SELECT h.band FROM health_scores h WHERE h.workspace_id = ${accounts.workspaceId} AND h.account_id = ${accounts.id})`,
  tier: groupOf('tier'),
  stage: groupOf('stage'),
}
export type AccountListRow = AccountWithOwner & { healthScore: number | null; healthBand: 'red' | 'yellow' | 'green' | null; tier: string | null; stage: string | null }

export async function listAccounts(
  db: Db,
  params: { workspaceId: string; filters: AccountListFilters; after?: [unknown, string]; today: string },
): Promise<{ rows: (AccountListRow & { sortValue: unknown })[]; total: number; totalCapped: boolean }> {
  const { filters } = params
  const key = sortKey(filters.sort)
  const conditions = filterConditions(params.workspaceId, filters, params.today)
  const countConditions = [...conditions]
  if (params.after) {
    const cast = key.kind === 'number' ? sql`::numeric` : key.kind === 'date' ? sql`::date` : sql``
    const [value, id] = params.after
    conditions.push(
      key.descending
        ? sql`(${key.expression}, ${accounts.id}) < (${value}${cast}, ${id}::uuid)`
        : sql`(${key.expression}, ${accounts.id}) > (${value}${cast}, ${id}::uuid)`,
    )
  }
  const order = key.descending ? [desc(key.expression), desc(accounts.id)] : [asc(key.expression), asc(accounts.id)]
  const rowsQuery = db
    .select({ ...accountColumns, ...listColumns, sortValue: sql<unknown>`${key.expression}`.as('sort_value') })
    .from(accounts)
    .leftJoin(users, ownerJoin)
    .where(and(...conditions))
    .orderBy(...order)
    .limit(filters.limit + 1)
  // Counting stops at the cap: an exact count of 40,000 matches cost 3x the page itself.
  const counted = db
    .select({ one: sql`1` })
    .from(accounts)
    .where(and(...countConditions))
    .limit(COUNT_CAP + 1)
    .as('counted')
  const countQuery = db.select({ total: sql<number>`count(*)::int` }).from(counted)
  const [rows, [count]] = await Promise.all([rowsQuery, countQuery])
  const total = count?.total ?? 0
  return { rows, total: Math.min(total, COUNT_CAP), totalCapped: total > COUNT_CAP }
}

export async function findAccount(db: Db, params: { workspaceId: string; accountId: string }): Promise<AccountWithOwner | undefined> {
  const [row] = await db
    .select(accountColumns)
    .from(accounts)
    .leftJoin(users, ownerJoin)
    .where(and(eq(accounts.workspaceId, params.workspaceId), eq(accounts.id, params.accountId)))
    .limit(1)
  return row
}

export async function findAccountByExternalId(db: Db, params: { workspaceId: string; externalId: string }): Promise<Account | undefined> {
  const [row] = await db
    .select()
    .from(accounts)
    .where(and(eq(accounts.workspaceId, params.workspaceId), eq(accounts.externalId, params.externalId)))
    .limit(1)
  return row
}

/**
 * Accounts whose trait `key` (text or number) is one of `values`, for integrations that keep their
 * own id in a trait (e.g. zendesk_organization_id). Not indexed: callers look up a batch at once.
 */
export async function findAccountsByTrait(
  db: Db,
  params: { workspaceId: string; key: string; values: string[] },
): Promise<{ id: string; value: string }[]> {
  if (params.values.length === 0) return []
  return db
    .select({ id: accounts.id, value: sql<string>`${accounts.traits} ->> ${params.key}` })
    .from(accounts)
    .where(and(eq(accounts.workspaceId, params.workspaceId), inArray(sql`${accounts.traits} ->> ${params.key}`, params.values)))
    .limit(params.values.length * 2)
}

export async function listChildAccounts(db: Db, params: { workspaceId: string; accountId: string }) {
  return db
    .select({ id: accounts.id, name: accounts.name, arr: accounts.arr })
    .from(accounts)
    .where(and(eq(accounts.workspaceId, params.workspaceId), eq(accounts.parentId, params.accountId)))
    .orderBy(desc(accounts.arr))
    .limit(200)
}

export async function insertAccount(db: Db, account: NewAccount): Promise<Account> {
  const [row] = await db.insert(accounts).values(account).returning()
  return row
}

export async function updateAccount(db: Db, params: { workspaceId: string; accountId: string; changes: Partial<NewAccount> }): Promise<Account | undefined> {
  const [row] = await db
    .update(accounts)
    .set({ ...params.changes, updatedAt: new Date() })
    .where(and(eq(accounts.workspaceId, params.workspaceId), eq(accounts.id, params.accountId)))
    .returning()
  return row
}

export async function deleteAccount(db: Db, params: { workspaceId: string; accountId: string }): Promise<boolean> {
  const rows = await db
    .delete(accounts)
    .where(and(eq(accounts.workspaceId, params.workspaceId), eq(accounts.id, params.accountId)))
    .returning({ id: accounts.id })
  return rows.length > 0
}

export async function accountFacets(db: Db, workspaceId: string) {
  const distinctValues = async (column: typeof accounts.plan | typeof accounts.industry | typeof accounts.country) => {
    const rows = await db
      .selectDistinct({ value: column })
      .from(accounts)
      .where(and(eq(accounts.workspaceId, workspaceId), isNotNull(column)))
      .orderBy(column)
      .limit(500)
    return rows.map((row) => row.value).filter((value): value is string => value !== null)
  }
  const [plans, industries, countries] = await Promise.all([
    distinctValues(accounts.plan),
    distinctValues(accounts.industry),
    distinctValues(accounts.country),
  ])
  return { plans, industries, countries }
}

// ----- revenue ledger -----

export async function insertRevenueMovement(db: Db, movement: NewRevenueMovement): Promise<RevenueMovement> {
  const [row] = await db.insert(revenueMovements).values(movement).returning()
  return row
}

/**
 * What the ledger of each of these accounts holds for one subscription: Σ arr_delta of its movements,
 * by account (revenue_movements_workspace_account_date_idx, then the subscription filter).
 */
export async function subscriptionLedgerArr(
  db: Db,
  params: { workspaceId: string; accountIds: string[]; subscriptionId: string },
): Promise<{ accountId: string; arr: number }[]> {
  if (params.accountIds.length === 0) return []
  const rows = await db
    .select({ accountId: revenueMovements.accountId, arr: sql<number>`coalesce(sum(${revenueMovements.arrDelta}), 0)::float8` })
    .from(revenueMovements)
    .where(
      and(
        eq(revenueMovements.workspaceId, params.workspaceId),
        inArray(revenueMovements.accountId, params.accountIds),
        eq(revenueMovements.subscriptionId, params.subscriptionId),
      ),
    )
    .groupBy(revenueMovements.accountId)
  return rows.map((row) => ({ accountId: row.accountId, arr: Number(row.arr) }))
}

/** Current ARR = every movement dated today or earlier; one statement so it cannot drift. */
export async function refreshAccountArr(db: Db, params: { workspaceId: string; accountId: string; today: string }): Promise<number> {
  const [row] = await db
    .update(accounts)
    .set({
      arr: sql`(select coalesce(sum(${revenueMovements.arrDelta}), 0) from ${revenueMovements}
        where ${revenueMovements.workspaceId} = ${params.workspaceId} and ${revenueMovements.accountId} = ${params.accountId}
        and ${revenueMovements.effectiveDate} <= ${params.today}::date)`,
      updatedAt: new Date(),
    })
    .where(and(eq(accounts.workspaceId, params.workspaceId), eq(accounts.id, params.accountId)))
    .returning({ arr: accounts.arr })
  return row?.arr ?? 0
}

export async function listRevenueMovements(
  db: Db,
  params: { workspaceId: string; accountId?: string; kind?: RevenueMovement['kind']; from?: string; to?: string; limit: number; after?: [string, string] },
): Promise<RevenueMovement[]> {
  const conditions: SQL[] = [sql`${revenueMovements.workspaceId} = ${params.workspaceId}`]
  if (params.accountId) conditions.push(sql`${revenueMovements.accountId} = ${params.accountId}`)
  if (params.kind) conditions.push(sql`${revenueMovements.kind} = ${params.kind}`)
  if (params.from) conditions.push(sql`${revenueMovements.effectiveDate} >= ${params.from}::date`)
  if (params.to) conditions.push(sql`${revenueMovements.effectiveDate} <= ${params.to}::date`)
  if (params.after) {
    conditions.push(sql`(${revenueMovements.effectiveDate}, ${revenueMovements.id}) < (${params.after[0]}::date, ${params.after[1]}::uuid)`)
  }
  return db
    .select()
    .from(revenueMovements)
    .where(and(...conditions))
    .orderBy(desc(revenueMovements.effectiveDate), desc(revenueMovements.id))
    .limit(params.limit)
}

export async function arrAtDate(db: Db, params: { workspaceId: string; accountId: string; date: string }): Promise<number> {
  const [row] = await db
    .select({ arr: sql<number>`coalesce(sum(${revenueMovements.arrDelta}), 0)::float8` })
    .from(revenueMovements)
    .where(
      and(
        eq(revenueMovements.workspaceId, params.workspaceId),
        eq(revenueMovements.accountId, params.accountId),
        sql`${revenueMovements.effectiveDate} <= ${params.date}::date`,
      ),
    )
  return Number(row?.arr ?? 0)
}

/** ARR at the end of each month from `from` to `to`, for one account or the whole workspace. */
export async function arrSeries(db: Db, params: { workspaceId: string; accountId?: string; from: string; to: string }) {
  const accountFilter = params.accountId ? sql`and m.account_id = ${params.accountId}` : sql``
  return queryRows<{ month: string; arr: number }>(
    db,
    sql`with months as (
          select to_char(month_start, 'YYYY-MM') as month,
                 least((month_start + interval '1 month - 1 day')::date, ${params.to}::date) as month_end
          from generate_series(date_trunc('month', ${params.from}::date), date_trunc('month', ${params.to}::date), interval '1 month') as month_start
        ),
        opening as (
          select coalesce(sum(m.arr_delta), 0) as arr from revenue_movements m
          where m.workspace_id = ${params.workspaceId} ${accountFilter} and m.effective_date < date_trunc('month', ${params.from}::date)
        ),
        monthly as (
          select to_char(date_trunc('month', m.effective_date), 'YYYY-MM') as month, sum(m.arr_delta) as delta
          from revenue_movements m
          where m.workspace_id = ${params.workspaceId} ${accountFilter}
            and m.effective_date >= date_trunc('month', ${params.from}::date) and m.effective_date <= ${params.to}::date
          group by 1
        )
        select months.month,
               ((select arr from opening) + coalesce(sum(monthly.delta) over (order by months.month), 0))::float8 as arr
        from months left join monthly on monthly.month = months.month
        order by months.month`,
  )
}
