/**
 * Milestone evaluation: for every published journey, the accounts it applies to, each milestone's
 * anchor and due day, and the day it was reached — one set-based statement per milestone that
 * upserts `account_milestones` (rows that did not change are not rewritten) and one that drops rows
 * of accounts the journey no longer applies to. Value milestones are evaluated together in one facts
 * statement (the SQL compiler of the condition language) and keep the day they were first seen holding.
 */
import { sql, type SQL } from 'drizzle-orm'
import { queryRows, type Db } from '../../platform/db'
import { accountFactsQuery, compileCondition, todayUtc } from '../conditions'
import { listPublishedDocuments } from '../config'
import { getKeyFeatures } from '../events'
import { JOURNEY_KIND, JourneyBodySchema, type JourneyBody, type Milestone } from './journeys.config'

export type PublishedJourney = { key: string; version: number; body: JourneyBody }

/** The published journeys of a workspace, in key order; a stored body that no longer parses is skipped. */
export async function loadJourneys(db: Db, workspaceId: string): Promise<PublishedJourney[]> {
  const docs = await listPublishedDocuments(db, { workspaceId, kind: JOURNEY_KIND })
  return docs
    .flatMap((doc) => {
      const parsed = JourneyBodySchema.safeParse(doc.body)
      return parsed.success ? [{ key: doc.key, version: doc.version, body: parsed.data }] : []
    })
    .sort((left, right) => left.key.localeCompare(right.key))
}

const idArray = (ids: string[]) => sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)`
const textArray = (values: readonly string[]) => sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`

/** The accounts a journey applies to (active ones), with the anchors every milestone may count from. */
function targetsQuery(params: { workspaceId: string; journey: JourneyBody; today: string; accountIds?: string[] }): SQL {
  const ws = params.workspaceId
  const { appliesTo } = params.journey
  const scope = params.accountIds ? sql`AND a.id = ANY(${idArray(params.accountIds)})` : sql``
  const group =
    appliesTo.segment !== undefined
      ? sql`AND EXISTS (SELECT 1 FROM account_memberships m WHERE m.workspace_id = a.workspace_id AND m.family = 'segment' AND m.group_key = ${appliesTo.segment} AND m.account_id = a.id)`
      : appliesTo.tier !== undefined
        ? sql`AND EXISTS (SELECT 1 FROM account_memberships m WHERE m.workspace_id = a.workspace_id AND m.family = 'tier' AND m.group_key = ${appliesTo.tier} AND m.account_id = a.id)`
        : sql``
  const started = appliesTo.startedWithinDays !== undefined ? sql`WHERE t.contract_start > ${params.today}::date - ${appliesTo.startedWithinDays}::int` : sql``
  // Contract start: the first contract (trials are not contracts); without any, the day the account became a customer.
  return sql`
    SELECT * FROM (
      SELECT a.id AS account_id, (a.created_at AT TIME ZONE 'UTC')::date AS customer_since,
        coalesce(s.first_start, (a.created_at AT TIME ZONE 'UTC')::date) AS contract_start
      FROM accounts a
      LEFT JOIN (
        SELECT account_id, min(start_date) AS first_start FROM subscriptions
        WHERE workspace_id = ${ws} AND status <> 'trialing' ${params.accountIds ? sql`AND account_id = ANY(${idArray(params.accountIds)})` : sql``}
        GROUP BY account_id) s ON s.account_id = a.id
      WHERE a.workspace_id = ${ws} AND a.status = 'active' ${scope} ${group}) t
    ${started}`
}

/** The anchor day of a milestone over the targets row `t` (null: it does not apply yet, e.g. the stage was never entered). */
function anchorExpression(workspaceId: string, milestone: Milestone): SQL {
  if (milestone.anchor === 'contract_start') return sql`t.contract_start`
  if (milestone.anchor === 'customer_since') return sql`t.customer_since`
  // The current stay if the account is in the stage, else its latest entry into it.
  return sql`(coalesce(
    (SELECT m.entered_at FROM account_memberships m WHERE m.workspace_id = ${workspaceId} AND m.family = 'stage' AND m.group_key = ${milestone.stage ?? ''} AND m.account_id = t.account_id),
    (SELECT max(h.at) FROM account_membership_changes h WHERE h.workspace_id = ${workspaceId} AND h.account_id = t.account_id AND h.family = 'stage' AND h.group_key = ${milestone.stage ?? ''} AND h.change = 'entered')
  ) AT TIME ZONE 'UTC')::date`
}

/** The day the milestone was reached, over the anchored row `x` (value milestones: today when the rule holds now). */
function achievedExpression(workspaceId: string, milestone: Milestone, today: string, holding: string[]): SQL {
  if (milestone.kind === 'event') {
    return sql`(SELECT min(e.day) FROM usage_daily_events e WHERE e.workspace_id = ${workspaceId} AND e.account_id = x.account_id AND e.event = ${milestone.productEvent} AND e.day >= x.anchor_on AND e.day <= ${today}::date)`
  }
  if (milestone.kind === 'time') {
    const kinds = milestone.touchpointKinds ? sql`AND tp.kind = ANY(${textArray(milestone.touchpointKinds)})` : sql``
    const subject = milestone.subjectContains ? sql`AND strpos(lower(coalesce(tp.subject, '')), lower(${milestone.subjectContains}::text)) > 0` : sql``
    return sql`(SELECT min((tp.occurred_at AT TIME ZONE 'UTC')::date) FROM touchpoints tp
      WHERE tp.workspace_id = ${workspaceId} AND tp.account_id = x.account_id
        AND tp.occurred_at >= (x.anchor_on::timestamp AT TIME ZONE 'UTC') AND tp.occurred_at < ((${today}::date + 1)::timestamp AT TIME ZONE 'UTC') ${kinds} ${subject})`
  }
  // IN (subquery) is a hashed lookup per row; = ANY(array) scanned the array for each row (at 100k accounts
  // with ~50k holding the rule, one milestone took minutes).
  return sql`(CASE WHEN x.account_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(holding)}::jsonb)::uuid) THEN ${today}::date END)`
}

const statusOf = (achieved: SQL, due: SQL, today: string) =>
  sql`(CASE WHEN ${achieved} IS NOT NULL AND ${achieved} <= ${due} THEN 'done' WHEN ${achieved} IS NOT NULL THEN 'late' WHEN ${due} >= ${today}::date THEN 'on_track' ELSE 'missed' END)`

/** Accounts (of `accountIds`, or all) for which each value rule holds today, keyed `journey/milestone`. */
async function holdingValueRules(db: Db, params: { workspaceId: string; journeys: PublishedJourney[]; today: string; accountIds?: string[] }): Promise<Map<string, string[]>> {
  const rules = params.journeys.flatMap((journey) => journey.body.milestones.flatMap((milestone) => (milestone.kind === 'value' ? [{ id: `${journey.key}/${milestone.key}`, condition: milestone.condition }] : [])))
  const holding = new Map(rules.map((rule) => [rule.id, [] as string[]]))
  if (rules.length === 0) return holding
  const keyFeatures = await getKeyFeatures(db, params.workspaceId)
  const facts = accountFactsQuery({ workspaceId: params.workspaceId, today: params.today, accountIds: params.accountIds, keyFeatures })
  const rows = await queryRows<{ account_id: string; hits: boolean[] }>(
    db,
    sql`SELECT f.account_id, ARRAY[${sql.join(rules.map((rule) => compileCondition(rule.condition, params.today)), sql`, `)}] AS hits FROM (${facts}) f WHERE f.status = 'active'`,
  )
  for (const row of rows) rules.forEach((rule, index) => row.hits[index] && holding.get(rule.id)!.push(row.account_id))
  return holding
}

export type EvaluationResult = { journeys: number; milestones: number; rows: number; changed: number; removed: number; ms: number }

/**
 * Recomputes the milestones of a workspace (or of some of its accounts), in one transaction.
 * Idempotent: run it as often as you like; rows only change when the data or the documents did.
 */
export async function evaluateJourneys(db: Db, params: { workspaceId: string; today?: string; accountIds?: string[] }): Promise<EvaluationResult> {
  const started = performance.now()
  const today = params.today ?? todayUtc()
  const ws = params.workspaceId
  return db.transaction(async (tx) => {
    const journeys = await loadJourneys(tx, ws)
    const holding = await holdingValueRules(tx, { workspaceId: ws, journeys, today, accountIds: params.accountIds })
    const result: EvaluationResult = { journeys: journeys.length, milestones: 0, rows: 0, changed: 0, removed: 0, ms: 0 }
    const accountScope = params.accountIds ? sql`AND account_id = ANY(${idArray(params.accountIds)})` : sql``
    // Journeys and milestones no longer published.
    const live = journeys.flatMap((journey) => journey.body.milestones.map((milestone) => `${journey.key}/${milestone.key}`))
    const dropped = await queryRows<{ n: number }>(
      tx,
      sql`WITH gone AS (DELETE FROM account_milestones WHERE workspace_id = ${ws} ${accountScope} AND NOT (journey_key || '/' || milestone_key = ANY(${textArray(live)})) RETURNING 1)
          SELECT count(*)::int AS n FROM gone`,
    )
    result.removed += dropped[0]?.n ?? 0
    for (const journey of journeys) {
      const targets = targetsQuery({ workspaceId: ws, journey: journey.body, today, accountIds: params.accountIds })
      for (const milestone of journey.body.milestones) {
        result.milestones++
        const anchored = sql`SELECT t.account_id, ${anchorExpression(ws, milestone)} AS anchor_on FROM (${targets}) t`
        const achieved = achievedExpression(ws, milestone, today, holding.get(`${journey.key}/${milestone.key}`) ?? [])
        const rows = sql`
          SELECT x.account_id, x.anchor_on, x.anchor_on + ${milestone.dueDays}::int AS due_on, ${achieved} AS achieved_on
          FROM (${anchored}) x WHERE x.anchor_on IS NOT NULL`
        // A value milestone once reached stays reached; the others follow their evidence.
        const keptAchieved = milestone.kind === 'value' ? sql`coalesce(account_milestones.achieved_on, excluded.achieved_on)` : sql`excluded.achieved_on`
        const scoped = params.accountIds ? sql`AND am.account_id = ANY(${idArray(params.accountIds)})` : sql``
        // One statement: the rows, their upsert (unchanged rows are not rewritten), and dropping accounts the milestone no longer applies to.
        const [counts] = await queryRows<{ n: number; changed: number; removed: number }>(
          tx,
          sql`WITH r AS MATERIALIZED (${rows}),
              up AS (
                INSERT INTO account_milestones (workspace_id, journey_key, milestone_key, account_id, anchor_on, due_on, achieved_on, status, updated_at)
                SELECT ${ws}, ${journey.key}, ${milestone.key}, r.account_id, r.anchor_on, r.due_on, r.achieved_on, ${statusOf(sql`r.achieved_on`, sql`r.due_on`, today)}, now()
                FROM r
                ON CONFLICT (workspace_id, journey_key, milestone_key, account_id) DO UPDATE SET
                  anchor_on = excluded.anchor_on, due_on = excluded.due_on, achieved_on = ${keptAchieved},
                  status = ${statusOf(keptAchieved, sql`excluded.due_on`, today)}, updated_at = now()
                WHERE (account_milestones.anchor_on, account_milestones.due_on, account_milestones.achieved_on, account_milestones.status)
                  IS DISTINCT FROM (excluded.anchor_on, excluded.due_on, ${keptAchieved}, ${statusOf(keptAchieved, sql`excluded.due_on`, today)})
                RETURNING 1),
              gone AS (
                DELETE FROM account_milestones am
                WHERE am.workspace_id = ${ws} AND am.journey_key = ${journey.key} AND am.milestone_key = ${milestone.key} ${scoped}
                  AND NOT EXISTS (SELECT 1 FROM r WHERE r.account_id = am.account_id)
                RETURNING 1)
              SELECT (SELECT count(*)::int FROM r) AS n, (SELECT count(*)::int FROM up) AS changed, (SELECT count(*)::int FROM gone) AS removed`,
        )
        result.rows += counts?.n ?? 0
        result.changed += counts?.changed ?? 0
        result.removed += counts?.removed ?? 0
      }
    }
    result.ms = Math.round(performance.now() - started)
    return result
  })
}

/** Workspaces that have at least one published journey (what the scheduled run visits). */
export async function workspacesWithJourneys(db: Db): Promise<string[]> {
  const rows = await queryRows<{ workspace_id: string }>(
    db,
    sql`SELECT DISTINCT workspace_id FROM config_documents WHERE kind = ${JOURNEY_KIND} AND status = 'published'`,
  )
  return rows.map((row) => row.workspace_id)
}
