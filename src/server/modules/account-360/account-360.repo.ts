import { and, eq, sql } from 'drizzle-orm'
import { preparedPerDb, type Db } from '../../platform/db'
import { accountJsonObject, accounts, isoTimestamp, revenueMovements } from '../accounts'
import { contactRoles, contacts } from '../contacts'
import { users } from '../identity'
import { subscriptions } from '../subscriptions'
import { openTicketStatuses, tickets } from '../tickets'
import { touchpoints } from '../touchpoints'

/** The list lengths of the 360 view (the API contract describes them). */
export const account360Limits = { children: 200, contacts: 500, subscriptions: 500, tickets: 50, touchpoints: 50, movements: 100, seriesMonths: 24 } as const

const iso = isoTimestamp
const col = (alias: string, name: string) => sql.raw(`${alias}.${name}`)
const textArray = (values: readonly string[]) => sql.raw(`'{${values.join(',')}}'::text[]`)

// The outer row: "accounts" (a one-table select, so drizzle leaves it unqualified; qualified by hand here).
const A = (name: string) => sql.raw(`"accounts".${name}`)
const today = sql`${sql.placeholder('today')}::date`
const lim = (limit: number) => sql.raw(String(limit))

const accountJson = accountJsonObject(A, sql`owner.name`)

const ownerJson = sql`case when ${A('owner_id')} is not null and owner.name is not null
  then json_build_object('id', ${A('owner_id')}, 'name', owner.name, 'email', coalesce(owner.email, '')) end`

const parentJson = sql`case when ${A('parent_id')} is not null and parent.name is not null
  then json_build_object('id', ${A('parent_id')}, 'name', parent.name) end`

const childrenJson = sql`(select coalesce(json_agg(json_build_object('id', c.id, 'name', c.name, 'arr', c.arr::float8) order by c.arr desc, c.id), '[]'::json)
  from (select ch.id, ch.name, ch.arr from ${accounts} ch
        where ch.workspace_id = ${A('workspace_id')} and ch.parent_id = ${A('id')}
        order by ch.arr desc, ch.id limit ${lim(account360Limits.children)}) c)`

const contactsJson = sql`(select coalesce(json_agg(json_build_object(
    'id', c.id, 'accountId', c.account_id, 'externalId', c.external_id, 'email', c.email, 'name', c.name,
    'title', c.title, 'phone', c.phone,
    'roles', to_json(array(select r.role from unnest(c.roles) with ordinality as r(role, position)
                           where r.role = any(${textArray(contactRoles)}) order by r.position)),
    'traits', c.traits, 'lastSeenAt', ${iso(col('c', 'last_seen_at'))},
    'createdAt', ${iso(col('c', 'created_at'))}, 'updatedAt', ${iso(col('c', 'updated_at'))}) order by c.name, c.id), '[]'::json)
  from (select * from ${contacts} x where x.workspace_id = ${A('workspace_id')} and x.account_id = ${A('id')}
        order by x.name, x.id limit ${lim(account360Limits.contacts)}) c)`

const subscriptionsJson = sql`(select coalesce(json_agg(json_build_object(
    'id', s.id, 'accountId', s.account_id, 'externalId', s.external_id, 'product', s.product,
    'startDate', s.start_date, 'endDate', s.end_date, 'arr', s.arr::float8, 'currency', s.currency, 'seats', s.seats,
    'status', s.status, 'autoRenew', s.auto_renew,
    'createdAt', ${iso(col('s', 'created_at'))}, 'updatedAt', ${iso(col('s', 'updated_at'))}) order by s.start_date desc, s.id desc), '[]'::json)
  from (select * from ${subscriptions} x where x.workspace_id = ${A('workspace_id')} and x.account_id = ${A('id')}
        order by x.start_date desc, x.id desc limit ${lim(account360Limits.subscriptions)}) s)`

const ticketsJson = sql`json_build_object(
  'items', (select coalesce(json_agg(json_build_object(
      'id', t.id, 'accountId', t.account_id, 'contactId', t.contact_id, 'externalId', t.external_id, 'subject', t.subject,
      'priority', t.priority, 'status', t.status, 'openedAt', ${iso(col('t', 'opened_at'))}, 'closedAt', ${iso(col('t', 'closed_at'))},
      'satisfaction', t.satisfaction,
      'createdAt', ${iso(col('t', 'created_at'))}, 'updatedAt', ${iso(col('t', 'updated_at'))}) order by t.opened_at desc, t.id desc), '[]'::json)
    from (select * from ${tickets} x where x.workspace_id = ${A('workspace_id')} and x.account_id = ${A('id')}
          order by x.opened_at desc, x.id desc limit ${lim(account360Limits.tickets)}) t),
  'openCount', (select count(*)::int from ${tickets} x
    where x.workspace_id = ${A('workspace_id')} and x.account_id = ${A('id')} and x.status = any(${textArray(openTicketStatuses)})))`

const touchpointsJson = sql`(select coalesce(json_agg(json_build_object(
    'id', t.id, 'accountId', t.account_id, 'kind', t.kind, 'authorId', t.author_id,
    'authorName', (select u.name from ${users} u where u.workspace_id = t.workspace_id and u.id = t.author_id),
    'occurredAt', ${iso(col('t', 'occurred_at'))}, 'subject', t.subject, 'body', t.body, 'contactIds', to_json(t.contact_ids),
    'createdAt', ${iso(col('t', 'created_at'))}, 'updatedAt', ${iso(col('t', 'updated_at'))}) order by t.occurred_at desc, t.id desc), '[]'::json)
  from (select * from ${touchpoints} x where x.workspace_id = ${A('workspace_id')} and x.account_id = ${A('id')}
        order by x.occurred_at desc, x.id desc limit ${lim(account360Limits.touchpoints)}) t)`

const movementsJson = sql`(select coalesce(json_agg(json_build_object(
    'id', m.id, 'accountId', m.account_id, 'subscriptionId', m.subscription_id, 'externalId', m.external_id, 'kind', m.kind,
    'effectiveDate', m.effective_date, 'arrDelta', m.arr_delta::float8, 'currency', m.currency, 'source', m.source, 'note', m.note,
    'createdAt', ${iso(col('m', 'created_at'))}) order by m.effective_date desc, m.id desc), '[]'::json)
  from (select * from ${revenueMovements} x where x.workspace_id = ${A('workspace_id')} and x.account_id = ${A('id')}
        order by x.effective_date desc, x.id desc limit ${lim(account360Limits.movements)}) m)`

/**
 * ARR at each month's end (today for the current month) from the first movement's month or
 * `seriesMonths` back, whichever is later; none without movements or when the first is after today.
 * Each point is the exact numeric sum of the ledger up to that day, as the accounts module's arrSeries.
 */
const seriesJson = sql`(select coalesce(json_agg(json_build_object(
    'month', to_char(s.month_start, 'YYYY-MM'),
    'arr', (select coalesce(sum(x.arr_delta), 0) from ${revenueMovements} x
            where x.workspace_id = ${A('workspace_id')} and x.account_id = ${A('id')}
              and x.effective_date <= least((s.month_start + interval '1 month - 1 day')::date, ${today}))::float8)
    order by s.month_start), '[]'::json)
  from (select greatest(min(x.effective_date), (date_trunc('month', ${today}::timestamp) - interval '${sql.raw(String(account360Limits.seriesMonths - 1))} months')::date) as from_date
        from ${revenueMovements} x where x.workspace_id = ${A('workspace_id')} and x.account_id = ${A('id')}
        having min(x.effective_date) is not null) f
  cross join lateral generate_series(date_trunc('month', f.from_date::timestamp), date_trunc('month', ${today}::timestamp), interval '1 month') as s(month_start)
  where f.from_date <= ${today})`

const account360Query = preparedPerDb((db) =>
  db
    .select({
      body: sql<string>`json_build_object(
        'account', ${accountJson},
        'parent', ${parentJson},
        'children', ${childrenJson},
        'owner', ${ownerJson},
        'contacts', ${contactsJson},
        'subscriptions', ${subscriptionsJson},
        'tickets', ${ticketsJson},
        'touchpoints', ${touchpointsJson},
        'revenue', json_build_object('series', ${seriesJson}, 'movements', ${movementsJson})
      )::text`,
    })
    .from(accounts)
    .leftJoin(sql`${users} owner`, sql`owner.workspace_id = ${A('workspace_id')} and owner.id = ${A('owner_id')}`)
    .leftJoin(sql`${accounts} parent`, sql`parent.workspace_id = ${A('workspace_id')} and parent.id = ${A('parent_id')}`)
    .where(and(eq(accounts.workspaceId, sql.placeholder('workspaceId')), eq(accounts.id, sql.placeholder('accountId'))))
    .prepare('account_360_json'),
)

/** The whole 360 response as JSON text, or undefined when the workspace has no such account. */
export async function findAccount360Json(db: Db, params: { workspaceId: string; accountId: string; today: string }): Promise<string | undefined> {
  const [row] = await account360Query(db).execute(params)
  return row?.body
}
