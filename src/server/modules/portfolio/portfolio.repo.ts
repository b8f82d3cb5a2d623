import { sql } from 'drizzle-orm'
import type { Db } from '../../platform/db'
import { queryRows } from '../../platform/db'
import { accounts, revenueMovements } from '../accounts'
import { users } from '../identity'

/** One pass over the workspace's accounts: counts by status and the ARR they carry now. */
export async function accountTotals(db: Db, params: { workspaceId: string; today: string; churnedSince: string }) {
  const [row] = await queryRows<{ active: number; churned: number; churnedSince: number; arr: number }>(
    db,
    sql`select count(*) filter (where a.status = 'active')::int as "active",
               count(*) filter (where a.status = 'churned')::int as "churned",
               count(*) filter (where a.status = 'churned' and a.churned_at > ${params.churnedSince}::date and a.churned_at <= ${params.today}::date)::int as "churnedSince",
               coalesce(sum(a.arr), 0)::float8 as "arr"
        from ${accounts} a
        where a.workspace_id = ${params.workspaceId}`,
  )
  return row ?? { active: 0, churned: 0, churnedSince: 0, arr: 0 }
}

// The same expression as accounts_workspace_renewal_asc_idx, so the range is an index range scan.
const renewalKey = sql`coalesce(a.renewal_date, '9999-12-31'::date)`

/** Active accounts renewing between `from` and `to` (inclusive): how many and their ARR. */
export async function renewalTotals(db: Db, params: { workspaceId: string; from: string; to: string }) {
  const [row] = await queryRows<{ count: number; arr: number }>(
    db,
    sql`select count(*)::int as "count", coalesce(sum(a.arr), 0)::float8 as "arr"
        from ${accounts} a
        where a.workspace_id = ${params.workspaceId} and a.status = 'active'
          and ${renewalKey} between ${params.from}::date and ${params.to}::date`,
  )
  return row ?? { count: 0, arr: 0 }
}

export async function upcomingRenewals(db: Db, params: { workspaceId: string; from: string; to: string; limit: number }) {
  return queryRows<{ id: string; name: string; ownerName: string | null; arr: number; renewalDate: string }>(
    db,
    sql`select a.id as "id", a.name as "name", u.name as "ownerName", a.arr::float8 as "arr", a.renewal_date as "renewalDate"
        from ${accounts} a
        left join ${users} u on u.workspace_id = a.workspace_id and u.id = a.owner_id
        where a.workspace_id = ${params.workspaceId} and a.status = 'active'
          and ${renewalKey} between ${params.from}::date and ${params.to}::date
        order by ${renewalKey}, a.id
        limit ${params.limit}`,
  )
}

/**
 * Movements per month and kind from `from`'s month to `to` (every month present, zeros included);
 * contraction and churn are stored negative and answered as positive magnitudes.
 */
export async function movementsByMonth(db: Db, params: { workspaceId: string; from: string; to: string }) {
  return queryRows<{ month: string; new: number; expansion: number; contraction: number; churn: number; reactivation: number }>(
    db,
    sql`with monthly as (
          select date_trunc('month', m.effective_date) as month_start,
                 coalesce(sum(m.arr_delta) filter (where m.kind = 'new'), 0) as "new",
                 coalesce(sum(m.arr_delta) filter (where m.kind = 'expansion'), 0) as "expansion",
                 coalesce(-sum(m.arr_delta) filter (where m.kind = 'contraction'), 0) as "contraction",
                 coalesce(-sum(m.arr_delta) filter (where m.kind = 'churn'), 0) as "churn",
                 coalesce(sum(m.arr_delta) filter (where m.kind = 'reactivation'), 0) as "reactivation"
          from ${revenueMovements} m
          where m.workspace_id = ${params.workspaceId}
            and m.effective_date >= date_trunc('month', ${params.from}::date) and m.effective_date <= ${params.to}::date
          group by 1
        )
        select to_char(month_start, 'YYYY-MM') as "month",
               coalesce(monthly."new", 0)::float8 as "new",
               coalesce(monthly."expansion", 0)::float8 as "expansion",
               coalesce(monthly."contraction", 0)::float8 as "contraction",
               coalesce(monthly."churn", 0)::float8 as "churn",
               coalesce(monthly."reactivation", 0)::float8 as "reactivation"
        from generate_series(date_trunc('month', ${params.from}::date), date_trunc('month', ${params.to}::date), interval '1 month') as month_start
        left join monthly using (month_start)
        order by 1`,
  )
}
