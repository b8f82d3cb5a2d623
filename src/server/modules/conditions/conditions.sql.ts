import { sql, type SQL } from 'drizzle-orm'
import { fieldType, type Condition, type ConditionField } from '../../../shared/conditions'

/**
 * Account facts: one row per account with every field the condition language names, as of `today`.
 * The same statement serves both evaluators: the whole workspace for the SQL compiler (GROUP BY
 * subqueries, one pass over each table) and one account for the in-memory evaluator (the scope is
 * pushed into every subquery). Derived ratios are rounded to 4 decimals so the numeric in SQL and
 * the double in JS hold the same decimal value.
 */
export function accountFactsQuery(params: {
  workspaceId: string
  today: string
  accountIds?: string[]
  /** A slice of the workspace by id (after < id <= last): index range scans, for sweeping every account in chunks. */
  accountRange?: { after: string; last: string }
  keyFeatures: string[]
}): SQL {
  const ws = params.workspaceId
  const today = sql`${params.today}::date`
  // Cast each element inside the subquery: a cast of the whole array outside it is re-done for every row compared.
  const ids = params.accountIds ? sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(params.accountIds)}::jsonb)::uuid)` : null
  const range = params.accountRange
  const scope = (column: string) =>
    ids ? sql`AND ${sql.raw(column)} = ANY(${ids})` : range ? sql`AND ${sql.raw(column)} > ${range.after}::uuid AND ${sql.raw(column)} <= ${range.last}::uuid` : sql``
  const features = sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(params.keyFeatures)}::jsonb))`
  return sql`
    SELECT a.id AS account_id, a.name, a.external_id, a.domain, a.plan, a.industry, a.country,
      -- As of the day asked: an account that churned later was still a customer then.
      CASE WHEN a.status = 'churned' AND a.churned_at > ${today} THEN 'active' ELSE a.status END AS status, a.currency,
      a.owner_id::text AS owner_id, (a.owner_id IS NOT NULL) AS has_owner, (a.parent_id IS NOT NULL) AS has_parent,
      a.employees, (a.created_at AT TIME ZONE 'UTC')::date AS created_on, a.arr, a.renewal_date, a.traits,
      coalesce(rm.change, 0) AS arr_change_90d,
      s.seats,
      coalesce(ud.dau, 0) AS dau, coalesce(uu.wau, 0) AS wau, coalesce(uu.mau, 0) AS mau,
      CASE WHEN s.seats > 0 THEN round(coalesce(uu.mau, 0)::numeric / s.seats, 4) END AS license_utilization,
      coalesce(ue.events_30d, 0) AS events_30d,
      CASE WHEN ue.events_prior > 0 THEN round((ue.events_30d - ue.events_prior)::numeric / ue.events_prior, 4) END AS usage_trend_30d,
      coalesce(uf.breadth, 0) AS feature_breadth,
      ue.last_day AS last_activity_on,
      coalesce(t.open, 0) AS open_tickets, coalesce(t.open_urgent, 0) AS open_urgent_tickets, coalesce(t.recent, 0) AS tickets_30d,
      coalesce(c.n, 0) AS contacts, coalesce(cr.roles, '{}'::text[]) AS contact_roles,
      tp.last_on AS last_touchpoint_on
    FROM accounts a
    LEFT JOIN (
      SELECT account_id, sum(arr_delta) AS change FROM revenue_movements
      WHERE workspace_id = ${ws} AND effective_date > ${today} - 90 AND effective_date <= ${today} ${scope('account_id')}
      GROUP BY account_id) rm ON rm.account_id = a.id
    LEFT JOIN (
      SELECT account_id, sum(seats)::int AS seats FROM subscriptions
      -- Seats of the terms that cover the day: a term since canceled or expired still counted while it ran
      -- (status is today's, so filtering on 'active' alone would make every past day of a churned account seatless).
      WHERE workspace_id = ${ws} AND (status = 'active' OR (status IN ('canceled', 'expired', 'past_due') AND end_date IS NOT NULL))
        AND start_date <= ${today} AND (end_date IS NULL OR end_date >= ${today}) ${scope('account_id')}
      GROUP BY account_id) s ON s.account_id = a.id
    LEFT JOIN (
      SELECT account_id, active_users AS dau FROM usage_daily
      WHERE workspace_id = ${ws} AND day = ${today} ${scope('account_id')}) ud ON ud.account_id = a.id
    LEFT JOIN (
      SELECT account_id,
        count(DISTINCT user_id) FILTER (WHERE day > ${today} - 7)::int AS wau,
        count(DISTINCT user_id)::int AS mau
      FROM usage_user_days
      WHERE workspace_id = ${ws} AND day > ${today} - 30 AND day <= ${today} ${scope('account_id')}
      GROUP BY account_id) uu ON uu.account_id = a.id
    LEFT JOIN (
      SELECT account_id,
        coalesce(sum(event_count) FILTER (WHERE day > ${today} - 30), 0)::int AS events_30d,
        coalesce(sum(event_count) FILTER (WHERE day <= ${today} - 30 AND day > ${today} - 60), 0)::int AS events_prior,
        max(day) AS last_day
      FROM usage_daily
      WHERE workspace_id = ${ws} AND day <= ${today} ${scope('account_id')}
      GROUP BY account_id) ue ON ue.account_id = a.id
    LEFT JOIN (
      SELECT account_id, count(DISTINCT event)::int AS breadth FROM usage_daily_events
      WHERE workspace_id = ${ws} AND day > ${today} - 30 AND day <= ${today} AND event = ANY(${features}) ${scope('account_id')}
      GROUP BY account_id) uf ON uf.account_id = a.id
    LEFT JOIN (
      SELECT account_id,
        count(*) FILTER (WHERE status NOT IN ('solved', 'closed'))::int AS open,
        count(*) FILTER (WHERE status NOT IN ('solved', 'closed') AND priority IN ('high', 'urgent'))::int AS open_urgent,
        count(*) FILTER (WHERE opened_at >= ((${today} - 29)::timestamp AT TIME ZONE 'UTC'))::int AS recent
      FROM tickets WHERE workspace_id = ${ws} ${scope('account_id')}
      GROUP BY account_id) t ON t.account_id = a.id
    LEFT JOIN (
      SELECT account_id, count(*)::int AS n FROM contacts
      WHERE workspace_id = ${ws} ${scope('account_id')}
      GROUP BY account_id) c ON c.account_id = a.id
    LEFT JOIN (
      SELECT account_id, array_agg(DISTINCT role ORDER BY role) AS roles FROM contacts CROSS JOIN LATERAL unnest(roles) AS role
      WHERE workspace_id = ${ws} ${scope('account_id')}
      GROUP BY account_id) cr ON cr.account_id = a.id
    LEFT JOIN (
      SELECT account_id, max((occurred_at AT TIME ZONE 'UTC')::date) AS last_on FROM touchpoints
      WHERE workspace_id = ${ws} AND occurred_at < ((${today} + 1)::timestamp AT TIME ZONE 'UTC') ${scope('account_id')}
      GROUP BY account_id) tp ON tp.account_id = a.id
    WHERE a.workspace_id = ${ws} ${scope('a.id')}`
}

/** The SQL expression of a field over the facts row `f`, typed as the rule compares it. */
function fieldExpression(field: string, type: ReturnType<typeof fieldType>): SQL {
  if (!field.startsWith('traits.')) return sql`f.${sql.identifier(field as ConditionField)}`
  const key = field.slice('traits.'.length)
  if (type === 'number') return sql`(CASE WHEN jsonb_typeof(f.traits -> ${key}) = 'number' THEN (f.traits ->> ${key})::numeric END)`
  if (type === 'boolean') return sql`(CASE WHEN jsonb_typeof(f.traits -> ${key}) = 'boolean' THEN (f.traits ->> ${key})::boolean END)`
  return sql`(f.traits ->> ${key})`
}

const typed = (value: unknown, type: ReturnType<typeof fieldType>): SQL => {
  if (type === 'number') return sql`${value}::numeric`
  if (type === 'date') return sql`${value}::date`
  if (type === 'boolean') return sql`${value}::boolean`
  return sql`${value}::text`
}

/**
 * Compiles a rule to a boolean SQL expression over the facts row `f`, with the semantics of
 * evaluateCondition (src/shared/conditions.ts): every leaf is two-valued (a missing value makes a
 * comparison false, `neq`/`not_in` true), so NOT and OR behave as in JS.
 */
export function compileCondition(condition: Condition, today: string): SQL {
  if ('all' in condition) return sql`(${sql.join(condition.all.map((part) => compileCondition(part, today)), sql` AND `)})`
  if ('any' in condition) return sql`(${sql.join(condition.any.map((part) => compileCondition(part, today)), sql` OR `)})`
  if ('not' in condition) return sql`(NOT ${compileCondition(condition.not, today)})`
  const sample = 'value' in condition ? condition.value : 'values' in condition ? condition.values[0] : 'min' in condition ? condition.min : undefined
  const type = fieldType(condition.field, sample)
  if (!type) throw new Error(`unknown field ${condition.field}`)
  const x = fieldExpression(condition.field, type)
  const now = sql`${today}::date`
  const yes = (predicate: SQL) => sql`coalesce(${predicate}, false)`
  if (type === 'string_list') {
    if (condition.op === 'exists') return yes(sql`cardinality(${x}) > 0`)
    if (condition.op === 'not_exists') return sql`NOT ${yes(sql`cardinality(${x}) > 0`)}`
    const has = 'value' in condition ? yes(sql`${condition.value}::text = ANY(${x})`) : sql`false`
    return condition.op === 'contains' ? has : sql`NOT ${has}`
  }
  switch (condition.op) {
    case 'exists':
      return sql`(${x} IS NOT NULL)`
    case 'not_exists':
      return sql`(${x} IS NULL)`
    case 'eq':
      return yes(sql`${x} = ${typed(condition.value, type)}`)
    case 'neq':
      return sql`(${x} IS DISTINCT FROM ${typed(condition.value, type)})`
    case 'gt':
      return yes(sql`${x} > ${typed(condition.value, type)}`)
    case 'gte':
      return yes(sql`${x} >= ${typed(condition.value, type)}`)
    case 'lt':
      return yes(sql`${x} < ${typed(condition.value, type)}`)
    case 'lte':
      return yes(sql`${x} <= ${typed(condition.value, type)}`)
    case 'before':
      return yes(sql`${x} < ${typed(condition.value, 'date')}`)
    case 'after':
      return yes(sql`${x} > ${typed(condition.value, 'date')}`)
    case 'between':
      return yes(sql`${x} BETWEEN ${typed(condition.min, type)} AND ${typed(condition.max, type)}`)
    case 'in':
      return yes(sql`${x} IN (${sql.join(condition.values.map((value) => typed(value, type)), sql`, `)})`)
    case 'not_in':
      return sql`NOT ${yes(sql`${x} IN (${sql.join(condition.values.map((value) => typed(value, type)), sql`, `)})`)}`
    case 'contains':
      return yes(sql`strpos(lower(${x}), lower(${String(condition.value)}::text)) > 0`)
    case 'not_contains':
      return sql`NOT ${yes(sql`strpos(lower(${x}), lower(${String(condition.value)}::text)) > 0`)}`
    case 'within_next_days':
      return yes(sql`${x} BETWEEN ${now} AND ${now} + ${condition.days}::int`)
    case 'within_last_days':
      return yes(sql`${x} BETWEEN ${now} - ${condition.days}::int AND ${now}`)
    case 'more_than_days_ago':
      return yes(sql`${x} < ${now} - ${condition.days}::int`)
    case 'more_than_days_from_now':
      return yes(sql`${x} > ${now} + ${condition.days}::int`)
  }
}

