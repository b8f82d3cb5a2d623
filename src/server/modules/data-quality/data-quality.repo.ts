/**
 * Queries of the data-quality report. It owns no table: it reads the other modules' tables
 * (through their index exports), every query filtered by workspace_id.
 */
import { sql, type SQL } from 'drizzle-orm'
import { queryRows, type Db } from '../../platform/db'
import { accounts } from '../accounts'
import { billingStripeEvents, billingStripeSettings } from '../billing'
import { contacts } from '../contacts'
import { eventInbox, eventSourceDaily, events, productUsers, SYSTEM_SOURCE_ID } from '../events'
import { apiKeys, users } from '../identity'
import { importRuns } from '../imports'
import { tickets } from '../tickets'

/** A timestamp as either driver returns it. */
export type DbTime = Date | string
export type DayCount = { day: string; count: number }
export type VolumeTotals = { firstDay: string | null; lastReceivedAt: DbTime | null }
export type Page = { limit: number; offset: number }

// UTC midnight of a 'YYYY-MM-DD' day as a timestamptz, whatever the session time zone.
const utcStart = (day: string) => sql`(${day}::date::timestamp at time zone 'UTC')`
const utcDay = (column: SQL) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD')`
const page = (params: Page) => sql`limit ${params.limit} offset ${params.offset}`

// ----- events sources ------------------------------------------------------------------------

export type EventSourceRow = { id: string; firstDay: string | null; lastReceivedAt: DbTime | null; name: string | null; prefix: string | null; revokedAt: DbTime | null }

/** Every source that sent events, plus live ingest keys that never have. */
export async function listEventSources(db: Db, params: { workspaceId: string }): Promise<EventSourceRow[]> {
  return queryRows<EventSourceRow>(
    db,
    sql`with seen as (
          select s.source_key_id, min(s.day) as first_day, max(s.last_received_at) as last_received_at
          from ${eventSourceDaily} s where s.workspace_id = ${params.workspaceId} group by 1)
        , ids as (
          select source_key_id as id from seen
          union
          select k.id from ${apiKeys} k
          where k.workspace_id = ${params.workspaceId} and k.revoked_at is null and 'ingest' = any(k.scopes))
        select ids.id as "id", to_char(seen.first_day, 'YYYY-MM-DD') as "firstDay", seen.last_received_at as "lastReceivedAt",
               k.name as "name", k.prefix as "prefix", k.revoked_at as "revokedAt"
        from ids
        left join seen on seen.source_key_id = ids.id
        left join ${apiKeys} k on k.workspace_id = ${params.workspaceId} and k.id = ids.id
        order by seen.last_received_at desc nulls last, k.name, ids.id`,
  )
}

export type EventSourceDayRow = { sourceKeyId: string; day: string; received: number; duplicates: number; future: number; ancient: number }

export async function eventSourceDays(db: Db, params: { workspaceId: string; from: string }): Promise<EventSourceDayRow[]> {
  return queryRows<EventSourceDayRow>(
    db,
    sql`select s.source_key_id as "sourceKeyId", to_char(s.day, 'YYYY-MM-DD') as "day", s.received as "received",
               s.duplicates as "duplicates", s.future_timestamps as "future", s.ancient_timestamps as "ancient"
        from ${eventSourceDaily} s
        where s.workspace_id = ${params.workspaceId} and s.day >= ${params.from}::date`,
  )
}

/** Calls with future / ancient timestamps received since `from`, per the drain's counts (retries counted per call). */
export async function timestampTotals(db: Db, params: { workspaceId: string; from: string; sourceKeyId?: string }) {
  const source = params.sourceKeyId ? sql`and s.source_key_id = ${params.sourceKeyId}::uuid` : sql``
  const [row] = await queryRows<{ future: number; ancient: number }>(
    db,
    sql`select coalesce(sum(s.future_timestamps), 0)::int as "future", coalesce(sum(s.ancient_timestamps), 0)::int as "ancient"
        from ${eventSourceDaily} s
        where s.workspace_id = ${params.workspaceId} and s.day >= ${params.from}::date ${source}`,
  )
  return row ?? { future: 0, ancient: 0 }
}

// ----- other sources -------------------------------------------------------------------------

async function volume(db: Db, days: SQL, totals: SQL): Promise<{ days: DayCount[] } & VolumeTotals> {
  const [dayRows, [total]] = await Promise.all([
    queryRows<DayCount>(db, days),
    queryRows<{ firstDay: string | null; lastReceivedAt: DbTime | null }>(db, totals),
  ])
  return { days: dayRows, firstDay: total?.firstDay ?? null, lastReceivedAt: total?.lastReceivedAt ?? null }
}

/** Support tickets created per day; last received = the latest ticket write (a helpdesk sync updates). */
export async function ticketVolume(db: Db, params: { workspaceId: string; from: string }) {
  return volume(
    db,
    sql`select ${utcDay(sql`t.created_at`)} as "day", count(*)::int as "count"
        from ${tickets} t where t.workspace_id = ${params.workspaceId} and t.created_at >= ${utcStart(params.from)} group by 1`,
    sql`select ${utcDay(sql`min(t.created_at)`)} as "firstDay", max(t.updated_at) as "lastReceivedAt"
        from ${tickets} t where t.workspace_id = ${params.workspaceId}`,
  )
}

/** Stripe webhook events received per day. */
export async function stripeVolume(db: Db, params: { workspaceId: string; from: string }) {
  return volume(
    db,
    sql`select ${utcDay(sql`e.received_at`)} as "day", count(*)::int as "count"
        from ${billingStripeEvents} e where e.workspace_id = ${params.workspaceId} and e.received_at >= ${utcStart(params.from)} group by 1`,
    sql`select ${utcDay(sql`min(e.received_at)`)} as "firstDay", max(e.received_at) as "lastReceivedAt"
        from ${billingStripeEvents} e where e.workspace_id = ${params.workspaceId}`,
  )
}

export async function stripeStatus(db: Db, params: { workspaceId: string }) {
  const [row] = await queryRows<{ configured: boolean; unmatched: number; failed: number }>(
    db,
    sql`select exists (select 1 from ${billingStripeSettings} s where s.workspace_id = ${params.workspaceId}) as "configured",
               count(*) filter (where e.status = 'unmatched')::int as "unmatched",
               count(*) filter (where e.status = 'failed')::int as "failed"
        from ${billingStripeEvents} e
        where e.workspace_id = ${params.workspaceId} and e.status in ('unmatched', 'failed')`,
  )
  return row ?? { configured: false, unmatched: 0, failed: 0 }
}

const appliedRuns = (workspaceId: string) => sql`r.workspace_id = ${workspaceId} and r.dry_run = false`
const failedRun = sql`r.status in ('failed', 'partially')`

/** Rows processed by applied (not dry-run) CSV imports per day the run was started. */
export async function importVolume(db: Db, params: { workspaceId: string; from: string }) {
  return volume(
    db,
    sql`select ${utcDay(sql`r.created_at`)} as "day", sum(r.rows_processed)::int as "count"
        from ${importRuns} r where ${appliedRuns(params.workspaceId)} and r.created_at >= ${utcStart(params.from)} group by 1`,
    sql`select ${utcDay(sql`min(r.created_at)`)} as "firstDay",
               max(r.finished_at) filter (where r.status in ('succeeded', 'partially')) as "lastReceivedAt"
        from ${importRuns} r where ${appliedRuns(params.workspaceId)}`,
  )
}

export async function countImportFailures(db: Db, params: { workspaceId: string; from: string }): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as "n" from ${importRuns} r
        where ${appliedRuns(params.workspaceId)} and ${failedRun} and r.created_at >= ${utcStart(params.from)}`,
  )
  return row?.n ?? 0
}

/** CRM records (accounts and contacts) created per day; last received = the latest change to either. */
export async function crmVolume(db: Db, params: { workspaceId: string; from: string }) {
  const records = sql`(select created_at, updated_at from ${accounts} where workspace_id = ${params.workspaceId}
                       union all
                       select created_at, updated_at from ${contacts} where workspace_id = ${params.workspaceId}) r`
  return volume(
    db,
    sql`select ${utcDay(sql`r.created_at`)} as "day", count(*)::int as "count"
        from ${records} where r.created_at >= ${utcStart(params.from)} group by 1`,
    sql`select ${utcDay(sql`min(r.created_at)`)} as "firstDay", max(r.updated_at) as "lastReceivedAt" from ${records}`,
  )
}

// ----- unmatched product data ----------------------------------------------------------------

// The user a call counts for, as the events module keys product_users.
const userKey = (alias: string) => sql.raw(`coalesce(${alias}.user_id, 'anon:' || ${alias}.anonymous_id)`)

/**
 * Group ids the product named (product users, unmatched events) that no account has as external
 * id, with the users naming each and the unmatched events waiting on it.
 */
const unmatchedGroups = (workspaceId: string) => sql`
  with pu as (
    select p.group_id, count(*)::int as users, max(p.last_seen_at) as last_seen
    from ${productUsers} p where p.workspace_id = ${workspaceId} and p.group_id is not null group by 1)
  , ev as (
    -- an unmatched event waits on the group it names, else on its user's group
    select coalesce(e.group_id, p.group_id) as group_id, count(*)::int as n, max(e.occurred_at) as last_at
    from ${events} e
    left join ${productUsers} p on p.workspace_id = e.workspace_id and p.user_id = ${userKey('e')}
    where e.workspace_id = ${workspaceId} and e.account_id is null and coalesce(e.group_id, p.group_id) is not null
    group by 1)
  , g as (
    select coalesce(pu.group_id, ev.group_id) as group_id, coalesce(pu.users, 0) as users, coalesce(ev.n, 0) as unmatched_events,
           greatest(pu.last_seen, ev.last_at) as last_seen
    from pu full join ev on ev.group_id = pu.group_id)
  select g.* from g
  where not exists (select 1 from ${accounts} a where a.workspace_id = ${workspaceId} and a.external_id = g.group_id)`

export async function unmatchedTotals(db: Db, params: { workspaceId: string }) {
  const { workspaceId } = params
  const [row] = await queryRows<{ users: number; events: number; groups: number; backlog: number; oldestWaiting: DbTime | null }>(
    db,
    sql`select
          (select count(*)::int from ${productUsers} p where p.workspace_id = ${workspaceId} and p.account_id is null) as "users",
          (select count(*)::int from ${events} e where e.workspace_id = ${workspaceId} and e.account_id is null) as "events",
          (select count(*)::int from (${unmatchedGroups(workspaceId)}) x) as "groups",
          (select count(*)::int from ${eventInbox} i where i.workspace_id = ${workspaceId}) as "backlog",
          (select i.received_at from ${eventInbox} i where i.workspace_id = ${workspaceId} order by i.id limit 1) as "oldestWaiting"`,
  )
  return row ?? { users: 0, events: 0, groups: 0, backlog: 0, oldestWaiting: null }
}

export type ProductUserRow = {
  userId: string
  email: string | null
  name: string | null
  groupId: string | null
  firstSeenAt: DbTime | null
  lastSeenAt: DbTime | null
  unmatchedEvents: number
}

export async function listUnmatchedUsers(db: Db, params: { workspaceId: string } & Page): Promise<ProductUserRow[]> {
  const { workspaceId } = params
  return queryRows<ProductUserRow>(
    db,
    sql`select p.user_id as "userId", p.email as "email", p.name as "name", p.group_id as "groupId",
               p.first_seen_at as "firstSeenAt", p.last_seen_at as "lastSeenAt",
               (case when p.user_id like 'anon:%'
                  then (select count(*) from ${events} e where e.workspace_id = ${workspaceId} and e.account_id is null
                          and e.user_id is null and e.anonymous_id = substr(p.user_id, 6))
                  else (select count(*) from ${events} e where e.workspace_id = ${workspaceId} and e.account_id is null
                          and e.user_id = p.user_id) end)::int as "unmatchedEvents"
        from ${productUsers} p
        where p.workspace_id = ${workspaceId} and p.account_id is null
        order by p.last_seen_at desc nulls last, p.user_id
        ${page(params)}`,
  )
}

export type GroupRow = { groupId: string; users: number; unmatchedEvents: number; lastSeenAt: DbTime | null }

export async function listUnmatchedGroups(db: Db, params: { workspaceId: string } & Page): Promise<GroupRow[]> {
  return queryRows<GroupRow>(
    db,
    sql`select x.group_id as "groupId", x.users as "users", x.unmatched_events as "unmatchedEvents", x.last_seen as "lastSeenAt"
        from (${unmatchedGroups(params.workspaceId)}) x
        order by x.users desc, x.unmatched_events desc, x.group_id
        ${page(params)}`,
  )
}

export type EventRow = {
  messageId: string
  type: string
  event: string | null
  userId: string | null
  anonymousId: string | null
  groupId: string | null
  occurredAt: DbTime
  receivedAt: DbTime
  sourceKeyId: string
  sourceName: string | null
}

const eventColumns = (alias: string) =>
  sql.raw(`${alias}.message_id as "messageId", ${alias}.type as "type", ${alias}.event as "event", ${alias}.user_id as "userId",
    ${alias}.anonymous_id as "anonymousId", ${alias}.group_id as "groupId", ${alias}.occurred_at as "occurredAt",
    ${alias}.received_at as "receivedAt", coalesce(${alias}.source_key_id, '${SYSTEM_SOURCE_ID}'::uuid) as "sourceKeyId", k.name as "sourceName"`)

export async function listUnmatchedEvents(db: Db, params: { workspaceId: string } & Page): Promise<EventRow[]> {
  return queryRows<EventRow>(
    db,
    sql`select ${eventColumns('e')}
        from ${events} e left join ${apiKeys} k on k.workspace_id = e.workspace_id and k.id = e.source_key_id
        where e.workspace_id = ${params.workspaceId} and e.account_id is null
        order by e.received_at desc, e.message_id
        ${page(params)}`,
  )
}

/** The rules of the drain's counts: > 1 h ahead of receipt (after clock-skew correction), > 2 years before it. */
export const timestampRules = {
  future: sql`e.occurred_at > e.received_at + interval '1 hour'`,
  ancient: sql`e.occurred_at < e.received_at - interval '2 years'`,
}

export async function listTimestampEvents(
  db: Db,
  params: { workspaceId: string; rule: keyof typeof timestampRules; from: string; sourceKeyId?: string } & Page,
): Promise<EventRow[]> {
  const source = params.sourceKeyId ? sql`and coalesce(e.source_key_id, ${SYSTEM_SOURCE_ID}::uuid) = ${params.sourceKeyId}::uuid` : sql``
  return queryRows<EventRow>(
    db,
    sql`select ${eventColumns('e')}
        from ${events} e left join ${apiKeys} k on k.workspace_id = e.workspace_id and k.id = e.source_key_id
        where e.workspace_id = ${params.workspaceId} and e.received_at >= ${utcStart(params.from)} and ${timestampRules[params.rule]} ${source}
        order by e.received_at desc, e.message_id
        ${page(params)}`,
  )
}

/** Accepted calls not processed yet, oldest first. */
export async function listBacklog(db: Db, params: { workspaceId: string } & Page): Promise<EventRow[]> {
  return queryRows<EventRow>(
    db,
    sql`select ${eventColumns('i')}
        from ${eventInbox} i left join ${apiKeys} k on k.workspace_id = i.workspace_id and k.id = i.source_key_id
        where i.workspace_id = ${params.workspaceId}
        order by i.id
        ${page(params)}`,
  )
}

// ----- accounts ------------------------------------------------------------------------------

export const accountChecks = ['accounts-without-owner', 'accounts-inactive-owner', 'accounts-without-renewal', 'accounts-renewal-overdue', 'accounts-without-arr'] as const
export type AccountCheck = (typeof accountChecks)[number]

/** Each account check over ACTIVE accounts: its condition and the order its examples are listed in. */
const accountCheckSql = (overdueBefore: string): Record<AccountCheck, { where: SQL; orderBy: SQL }> => ({
  'accounts-without-owner': { where: sql`a.owner_id is null`, orderBy: sql`a.arr desc, a.name, a.id` },
  'accounts-inactive-owner': { where: sql`a.owner_id is not null and (u.id is null or u.status <> 'active')`, orderBy: sql`a.arr desc, a.name, a.id` },
  'accounts-without-renewal': { where: sql`a.renewal_date is null`, orderBy: sql`a.arr desc, a.name, a.id` },
  'accounts-renewal-overdue': { where: sql`a.renewal_date < ${overdueBefore}::date`, orderBy: sql`a.renewal_date, a.arr desc, a.id` },
  'accounts-without-arr': { where: sql`coalesce(a.arr, 0) <= 0`, orderBy: sql`a.name, a.id` },
})

const accountsWithOwner = (workspaceId: string) => sql`${accounts} a
  left join ${users} u on u.workspace_id = a.workspace_id and u.id = a.owner_id
  where a.workspace_id = ${workspaceId} and a.status = 'active'`

/** All account checks in one pass over the workspace's active accounts. */
export async function accountCheckTotals(db: Db, params: { workspaceId: string; overdueBefore: string }): Promise<Record<AccountCheck, number>> {
  const checks = accountCheckSql(params.overdueBefore)
  const columns = sql.join(
    accountChecks.map((check) => sql`count(*) filter (where ${checks[check].where})::int as ${sql.identifier(check)}`),
    sql`, `,
  )
  const [row] = await queryRows<Record<AccountCheck, number>>(db, sql`select ${columns} from ${accountsWithOwner(params.workspaceId)}`)
  return row ?? { 'accounts-without-owner': 0, 'accounts-inactive-owner': 0, 'accounts-without-renewal': 0, 'accounts-renewal-overdue': 0, 'accounts-without-arr': 0 }
}

export type AccountRow = {
  accountId: string
  externalId: string
  name: string
  domain: string | null
  ownerId: string | null
  ownerName: string | null
  ownerStatus: 'active' | 'disabled' | 'missing' | null
  arr: number
  currency: string
  renewalDate: string | null
  updatedAt: DbTime
}

export async function listAccountCheck(db: Db, params: { workspaceId: string; check: AccountCheck; overdueBefore: string } & Page): Promise<AccountRow[]> {
  const { where, orderBy } = accountCheckSql(params.overdueBefore)[params.check]
  return queryRows<AccountRow>(
    db,
    sql`select a.id as "accountId", a.external_id as "externalId", a.name as "name", a.domain as "domain", a.owner_id as "ownerId",
               u.name as "ownerName",
               case when a.owner_id is null then null when u.id is null then 'missing' else u.status end as "ownerStatus",
               a.arr::float8 as "arr", a.currency as "currency", a.renewal_date as "renewalDate", a.updated_at as "updatedAt"
        from ${accountsWithOwner(params.workspaceId)} and ${where}
        order by ${orderBy}
        ${page(params)}`,
  )
}

/**
 * Likely duplicates among active accounts: the same normalised domain (lower case, no scheme,
 * no www., no path), or the same normalised name (lower case, letters and digits only, legal
 * suffixes such as Inc, LLC, Ltd, GmbH dropped). A child account sharing its parent's key is a
 * hierarchy, not a duplicate; a name group holding exactly the accounts of a domain group is
 * reported once (by domain).
 */
const duplicateGroups = (workspaceId: string) => sql`
  with a as (
    select x.id, x.parent_id,
      nullif(regexp_replace(lower(btrim(x.domain)), '^([a-z][a-z0-9+.-]*://)?(www\\.)?([^/:?#]+).*$', '\\3'), '') as domain_key,
      nullif(replace(regexp_replace(btrim(regexp_replace(lower(x.name), '[^[:alnum:]]+', ' ', 'g')),
        '( (inc|llc|ltd|limited|gmbh|corp|corporation|co|company|plc|sa|ag|bv|srl|pty))+$', ''), ' ', ''), '') as name_key
    from ${accounts} x where x.workspace_id = ${workspaceId} and x.status = 'active')
  , by_domain as (
    select 'domain'::text as matched_by, c.domain_key as key, array_agg(c.id order by c.id) as ids
    from a c
    where c.domain_key is not null and not exists (select 1 from a p where p.id = c.parent_id and p.domain_key = c.domain_key)
    group by c.domain_key having count(*) > 1)
  , by_name as (
    select 'name'::text as matched_by, c.name_key as key, array_agg(c.id order by c.id) as ids
    from a c
    where c.name_key is not null and not exists (select 1 from a p where p.id = c.parent_id and p.name_key = c.name_key)
    group by c.name_key having count(*) > 1)
  select * from by_domain
  union all
  select n.* from by_name n where not exists (select 1 from by_domain d where d.ids = n.ids)`

export async function countDuplicateGroups(db: Db, params: { workspaceId: string }): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as "n" from (${duplicateGroups(params.workspaceId)}) g`)
  return row?.n ?? 0
}

export type DuplicateGroupRow = {
  matchedBy: 'domain' | 'name'
  key: string
  accounts: { accountId: string; externalId: string; name: string; domain: string | null; ownerName: string | null; arr: number; currency: string; updatedAt: string }[]
}

export async function listDuplicateGroups(db: Db, params: { workspaceId: string } & Page): Promise<DuplicateGroupRow[]> {
  const { workspaceId } = params
  const rows = await queryRows<{ matchedBy: 'domain' | 'name'; key: string; accounts: DuplicateGroupRow['accounts'] | string }>(
    db,
    sql`select g.matched_by as "matchedBy", g.key as "key",
          (select json_agg(json_build_object(
              'accountId', x.id, 'externalId', x.external_id, 'name', x.name, 'domain', x.domain, 'ownerName', u.name,
              'arr', x.arr::float8, 'currency', x.currency,
              'updatedAt', to_char(x.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) order by x.arr desc, x.id)
           from ${accounts} x left join ${users} u on u.workspace_id = x.workspace_id and u.id = x.owner_id
           where x.workspace_id = ${workspaceId} and x.id = any(g.ids)) as "accounts"
        from (${duplicateGroups(workspaceId)}) g
        order by g.matched_by, g.key
        ${page(params)}`,
  )
  return rows.map((row) => ({ ...row, accounts: typeof row.accounts === 'string' ? (JSON.parse(row.accounts) as DuplicateGroupRow['accounts']) : row.accounts }))
}

// ----- Stripe and imports --------------------------------------------------------------------

export type StripeEventRow = { id: string; stripeEventId: string; type: string; status: string; stripeCustomerId: string | null; receivedAt: DbTime; error: string | null }

export async function listStripeEvents(db: Db, params: { workspaceId: string; status: 'unmatched' | 'failed' } & Page): Promise<StripeEventRow[]> {
  return queryRows<StripeEventRow>(
    db,
    sql`select e.id as "id", e.stripe_event_id as "stripeEventId", e.type as "type", e.status as "status",
               e.stripe_customer_id as "stripeCustomerId", e.received_at as "receivedAt", e.error as "error"
        from ${billingStripeEvents} e
        where e.workspace_id = ${params.workspaceId} and e.status = ${params.status}
        order by e.received_at desc, e.id
        ${page(params)}`,
  )
}

export type ImportRunRow = {
  runId: string
  kind: string
  fileName: string
  status: string
  rowsProcessed: number
  rowsFailed: number
  failureReason: string | null
  createdBy: string
  createdAt: DbTime
}

export async function listImportFailures(db: Db, params: { workspaceId: string; from: string } & Page): Promise<ImportRunRow[]> {
  return queryRows<ImportRunRow>(
    db,
    sql`select r.id as "runId", r.kind as "kind", r.file_name as "fileName", r.status as "status", r.rows_processed as "rowsProcessed",
               r.rows_failed as "rowsFailed", r.failure_reason as "failureReason", r.created_by as "createdBy", r.created_at as "createdAt"
        from ${importRuns} r
        where ${appliedRuns(params.workspaceId)} and ${failedRun} and r.created_at >= ${utcStart(params.from)}
        order by r.created_at desc, r.id
        ${page(params)}`,
  )
}
