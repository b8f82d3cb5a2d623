import { and, desc, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm'
import { preparedPerShape, queryRows, type Db } from '../../platform/db'
import { users } from '../identity'
import type { AccountListFilters, AccountSort } from './accounts.contracts'
import { accounts, revenueMovements } from './accounts.tables'

export type Account = typeof accounts.$inferSelect
export type NewAccount = typeof accounts.$inferInsert
export type AccountWithOwner = Account & { ownerName: string | null }
export type RevenueMovement = typeof revenueMovements.$inferSelect
export type NewRevenueMovement = typeof revenueMovements.$inferInsert

/** A timestamptz as `Date.prototype.toISOString()` writes it: UTC, milliseconds, 'Z' (JSON built by PostgreSQL). */
export const isoTimestamp = (column: SQL) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

/**
 * The JSON of AccountSchema, built by PostgreSQL, for the account row `column(name)` reads and its
 * owner's name. Shared with Account 360 so the two never disagree on what an account looks like.
 */
export const accountJsonObject = (column: (name: string) => SQL, ownerName: SQL, extra: SQL = sql``) => sql`json_build_object(
  'id', ${column('id')}, 'externalId', ${column('external_id')}, 'name', ${column('name')}, 'domain', ${column('domain')},
  'parentId', ${column('parent_id')}, 'ownerId', ${column('owner_id')}, 'ownerName', ${ownerName},
  'plan', ${column('plan')}, 'industry', ${column('industry')}, 'employees', ${column('employees')}, 'country', ${column('country')},
  'arr', ${column('arr')}::float8, 'currency', ${column('currency')}, 'renewalDate', ${column('renewal_date')}, 'traits', ${column('traits')},
  'status', ${column('status')}, 'churnedAt', ${column('churned_at')},
  'createdAt', ${isoTimestamp(column('created_at'))}, 'updatedAt', ${isoTimestamp(column('updated_at'))}${extra})`

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

/** Lists count matches up to this many and then say "more than". */
export const COUNT_CAP = 1_000

/** A column of the list's account row (alias `a`). */
const A = (name: string) => sql.raw(`a.${name}`)
const param = (name: string) => sql.placeholder(name)

/** What a list sorts by: the expression (index-backed for each sort) and how a cursor's value is cast. */
export function sortKey(sort: AccountSort): { expression: SQL; descending: boolean; kind: 'text' | 'number' | 'date' } {
  const descending = sort.startsWith('-')
  switch (sort) {
    case 'name':
    case '-name':
      return { expression: A('name'), descending, kind: 'text' }
    case 'arr':
    case '-arr':
      return { expression: A('arr'), descending, kind: 'number' }
    // Accounts without a renewal date come last in both directions.
    case 'renewal_date':
      return { expression: sql`coalesce(${A('renewal_date')}, '9999-12-31'::date)`, descending, kind: 'date' }
    case '-renewal_date':
      return { expression: sql`coalesce(${A('renewal_date')}, '0001-01-01'::date)`, descending, kind: 'date' }
  }
}

/**
 * The list's conditions with placeholders for the values, and a `shape` naming which conditions are
 * there: one prepared statement per shape, so PostgreSQL parses and plans a list once per connection.
 */
function listConditions(filters: Omit<AccountListFilters, 'sort' | 'limit' | 'cursor'>, today: string) {
  const shape: string[] = []
  const conditions: SQL[] = [sql`${A('workspace_id')} = ${param('workspaceId')}`]
  const values: Record<string, unknown> = {}
  const add = (name: string, value: unknown, condition: SQL) => {
    shape.push(name)
    values[name] = value
    conditions.push(condition)
  }
  const externalId = filters.external_id ?? filters.externalId
  if (externalId !== undefined) add('externalId', externalId, sql`${A('external_id')} = ${param('externalId')}`)
  if (filters.q) {
    const pattern = `%${filters.q.toLowerCase().replace(/[\\%_]/g, (match) => `\\${match}`)}%`
    add('q', pattern, sql`lower(${A('name')} || ' ' || coalesce(${A('domain')}, '')) like ${param('q')}`)
  }
  if (filters.ownerId === 'none') add('ownerNone', true, sql`${A('owner_id')} is null`)
  else if (filters.ownerId) add('ownerId', filters.ownerId, sql`${A('owner_id')} = ${param('ownerId')}::uuid`)
  for (const column of ['plan', 'industry', 'country', 'status'] as const) {
    const value = filters[column]
    if (value) add(column, value, sql`${A(column)} = ${param(column)}`)
  }
  if (filters.parentId) add('parentId', filters.parentId, sql`${A('parent_id')} = ${param('parentId')}::uuid`)
  if (filters.renewalWithinDays !== undefined) {
    values.today = today
    add('renewalWithinDays', filters.renewalWithinDays, sql`${A('renewal_date')} between ${param('today')}::date and ${param('today')}::date + ${param('renewalWithinDays')}::int`)
  }
  if (filters.renewalFrom) add('renewalFrom', filters.renewalFrom, sql`${A('renewal_date')} >= ${param('renewalFrom')}::date`)
  if (filters.renewalTo) add('renewalTo', filters.renewalTo, sql`${A('renewal_date')} <= ${param('renewalTo')}::date`)
  if (filters.minArr !== undefined) add('minArr', filters.minArr, sql`${A('arr')} >= ${param('minArr')}::numeric`)
  if (filters.maxArr !== undefined) add('maxArr', filters.maxArr, sql`${A('arr')} <= ${param('maxArr')}::numeric`)
  // Classification and health are read from their modules' tables by SQL (as Account 360 does): one
  // statement, each an index lookup per account.
  for (const family of ['segment', 'tier', 'stage'] as const) {
    const key = filters[family]
    if (key === undefined) continue
    add(family, key, sql`EXISTS (SELECT 1 FROM account_memberships m WHERE m.workspace_id = ${A('workspace_id')} AND m.family = ${family}
      AND m.group_key = ${param(family)} AND m.account_id = ${A('id')})`)
  }
  if (filters.healthBand === 'unscored') {
    add('unscored', true, sql`NOT EXISTS (SELECT 1 FROM health_scores h WHERE h.workspace_id = ${A('workspace_id')} AND h.account_id = ${A('id')} AND h.band IS NOT NULL)`)
  } else if (filters.healthBand) {
    add('healthBand', filters.healthBand, sql`EXISTS (SELECT 1 FROM health_scores h WHERE h.workspace_id = ${A('workspace_id')} AND h.account_id = ${A('id')} AND h.band = ${param('healthBand')})`)
  }
  return { shape, conditions, values }
}

const groupOf = (family: 'tier' | 'stage') =>
  sql`(SELECT m.group_key FROM account_memberships m
    WHERE m.workspace_id = ${A('workspace_id')} AND m.family = ${family} AND m.account_id = ${A('id')} ORDER BY m.group_key LIMIT 1)`

/** A row of the list: the account and what a CSM scans a book by (health, tier, stage), as JSON. */
const listItemJson = accountJsonObject(
  A,
  sql`owner.name`,
  sql`, 'healthScore', round(h.score, 1)::float8, 'healthBand', h.band, 'tier', ${groupOf('tier')}, 'stage', ${groupOf('stage')}`,
)

/**
 * One statement per list: the page (limit + 1 ids in index order, so the JSON is built for those rows
 * only), the cursor's sort value and id, and the count up to the cap (an exact count of 40,000 matches
 * cost 3x the page itself). PostgreSQL writes the items' JSON; Node passes the text through.
 */
function buildListStatement(db: Db, params: { name: string; sort: AccountSort; conditions: SQL[]; countConditions: SQL[] }) {
  const key = sortKey(params.sort)
  const direction = sql.raw(key.descending ? 'desc' : 'asc')
  const page = sql`select ${A('id')} as id, (${key.expression})::text as sort_value
    from ${accounts} a where ${and(...params.conditions)}
    order by ${key.expression} ${direction}, ${A('id')} ${direction} limit ${param('limit')}::int + 1`
  // Numbered after the join, in the page's order (a: the same alias, so the same sort expression).
  const rows = sql`select p.id, p.sort_value, ${listItemJson} as item,
      row_number() over (order by ${key.expression} ${direction}, ${A('id')} ${direction}) as n
    from (${page}) p
    join ${accounts} a on a.workspace_id = ${param('workspaceId')} and a.id = p.id
    left join ${users} owner on owner.workspace_id = a.workspace_id and owner.id = a.owner_id
    left join health_scores h on h.workspace_id = a.workspace_id and h.account_id = a.id`
  return db
    .select({
      items: sql<string>`coalesce(json_agg(r.item order by r.n) filter (where r.n <= ${param('limit')}), '[]'::json)::text`,
      hasMore: sql<boolean>`count(*) > ${param('limit')}`,
      lastSortValue: sql<string | null>`max(r.sort_value) filter (where r.n = ${param('limit')})`,
      lastId: sql<string | null>`max(r.id::text) filter (where r.n = ${param('limit')})`,
      total: sql<number>`(select count(*)::int from (select 1 from ${accounts} a where ${and(...params.countConditions)} limit ${sql.raw(String(COUNT_CAP + 1))}) counted)`,
    })
    .from(sql`(${rows}) r`)
    .prepare(params.name)
}
// Real shapes are few (which filters a list uses); past 200 the platform runs them unnamed.
const listStatement = preparedPerShape<ReturnType<typeof buildListStatement>>('accounts_list', 200)

export type AccountPageJson = { itemsJson: string; last: [string, string] | null; total: number; totalCapped: boolean }

export async function listAccountsJson(
  db: Db,
  params: { workspaceId: string; filters: AccountListFilters; after?: [string, string]; today: string },
): Promise<AccountPageJson> {
  const { filters } = params
  const key = sortKey(filters.sort)
  const { shape, conditions, values } = listConditions(filters, params.today)
  const countConditions = [...conditions]
  if (params.after) {
    const cast = sql.raw(key.kind === 'number' ? '::numeric' : key.kind === 'date' ? '::date' : '::text')
    const tuple = sql`(${param('afterValue')}${cast}, ${param('afterId')}::uuid)`
    conditions.push(key.descending ? sql`(${key.expression}, ${A('id')}) < ${tuple}` : sql`(${key.expression}, ${A('id')}) > ${tuple}`)
    values.afterValue = params.after[0]
    values.afterId = params.after[1]
  }
  const shapeKey = [filters.sort, params.after ? 'after' : '', ...shape].join('|')
  const statement = listStatement(db, shapeKey, (name) => buildListStatement(db, { name, sort: filters.sort, conditions, countConditions }))
  const [row] = await statement.execute({ ...values, workspaceId: params.workspaceId, limit: filters.limit })
  const total = row?.total ?? 0
  const last = row?.hasMore && row.lastSortValue !== null && row.lastId !== null ? ([row.lastSortValue, row.lastId] as [string, string]) : null
  return { itemsJson: row?.items ?? '[]', last, total: Math.min(total, COUNT_CAP), totalCapped: total > COUNT_CAP }
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
