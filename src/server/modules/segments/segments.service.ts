/** Reading classifications for people: groups with counts, members, history, one account's view; hand moves. */
import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../platform/db'
import { notFound, ProblemError } from '../../platform/http'
import { renderCondition } from '../../../shared/conditions'
import { todayUtc } from '../conditions'
import { loadClassificationRules, moveAccountStage, type ClassificationRules } from './segments.engine'
import type { MembershipFamily } from './segments.tables'

export type GroupDefinition = {
  key: string
  name: string
  description: string | null
  color: string | null
  rule: string | null
  slaDays: number | null
  terminal: boolean
}

/** The groups of a family as the rules define them, in their order. */
export function groupDefinitions(rules: ClassificationRules, family: MembershipFamily): GroupDefinition[] {
  if (family === 'segment') {
    return rules.segments.map((segment) => ({ key: segment.key, name: segment.name, description: segment.description, color: segment.color, rule: renderCondition(segment.condition), slaDays: null, terminal: false }))
  }
  if (family === 'tier') {
    return rules.tiers.map((tier) => ({
      key: tier.key,
      name: tier.name,
      description: tier.description ?? null,
      color: tier.color ?? null,
      rule: tier.condition ? renderCondition(tier.condition) : 'everyone else',
      slaDays: null,
      terminal: false,
    }))
  }
  return rules.stages.map((stage) => ({
    key: stage.key,
    name: stage.name,
    description: stage.description ?? null,
    color: stage.color ?? null,
    rule: stage.entry ? renderCondition(stage.entry) : 'every account no other stage claims',
    slaDays: stage.slaDays ?? null,
    terminal: stage.terminal === true,
  }))
}

export type GroupSummary = GroupDefinition & {
  accounts: number
  arr: number
  entered7d: number
  exited7d: number
  /** Stages: members past the SLA, and the median days members have been in the stage. */
  overdue: number
  medianDaysInStage: number | null
}

export async function listGroups(db: Db, params: { workspaceId: string; family: MembershipFamily }): Promise<{ groups: GroupSummary[]; unclassified: number; queued: number }> {
  const rules = await loadClassificationRules(db, params.workspaceId)
  const definitions = groupDefinitions(rules, params.family)
  const sla = JSON.stringify(Object.fromEntries(definitions.map((definition) => [definition.key, definition.slaDays])))
  const [counts, flows, totals] = await Promise.all([
    queryRows<{ group_key: string; accounts: number; arr: string | number; overdue: number; median_days: number | null }>(
      db,
      sql`SELECT m.group_key, count(*)::int AS accounts, coalesce(sum(a.arr), 0) AS arr,
            count(*) FILTER (WHERE (${sla}::jsonb ->> m.group_key)::int IS NOT NULL
              AND m.entered_at < now() - make_interval(days => (${sla}::jsonb ->> m.group_key)::int))::int AS overdue,
            round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM now() - m.entered_at) / 86400)::numeric, 1)::float8 AS median_days
          FROM account_memberships m JOIN accounts a ON a.workspace_id = m.workspace_id AND a.id = m.account_id
          WHERE m.workspace_id = ${params.workspaceId} AND m.family = ${params.family}
          GROUP BY m.group_key`,
    ),
    queryRows<{ group_key: string; entered: number; exited: number }>(
      db,
      sql`SELECT group_key, count(*) FILTER (WHERE change = 'entered')::int AS entered, count(*) FILTER (WHERE change = 'exited')::int AS exited
          FROM account_membership_changes
          WHERE workspace_id = ${params.workspaceId} AND family = ${params.family} AND at > now() - interval '7 days'
          GROUP BY group_key`,
    ),
    queryRows<{ accounts: number; classified: number; queued: number }>(
      db,
      sql`SELECT (SELECT count(*)::int FROM accounts WHERE workspace_id = ${params.workspaceId}) AS accounts,
            (SELECT count(DISTINCT account_id)::int FROM account_memberships WHERE workspace_id = ${params.workspaceId} AND family = ${params.family}) AS classified,
            (SELECT count(DISTINCT account_id)::int FROM account_evaluation_queue WHERE workspace_id = ${params.workspaceId} AND done_at IS NULL) AS queued`,
    ),
  ])
  const countByKey = new Map(counts.map((row) => [row.group_key, row]))
  const flowByKey = new Map(flows.map((row) => [row.group_key, row]))
  const groups = definitions.map((definition) => {
    const count = countByKey.get(definition.key)
    const flow = flowByKey.get(definition.key)
    return {
      ...definition,
      accounts: count?.accounts ?? 0,
      arr: Number(count?.arr ?? 0),
      entered7d: flow?.entered ?? 0,
      exited7d: flow?.exited ?? 0,
      overdue: count?.overdue ?? 0,
      medianDaysInStage: params.family === 'stage' ? (count?.median_days ?? null) : null,
    }
  })
  const total = totals[0] ?? { accounts: 0, classified: 0, queued: 0 }
  // Segments are not exhaustive; for tiers and stages, accounts not yet classified (just created, rules just published).
  return { groups, unclassified: params.family === 'segment' ? 0 : Math.max(0, total.accounts - total.classified), queued: total.queued }
}

async function requireGroup(db: Db, params: { workspaceId: string; family: MembershipFamily; groupKey: string }): Promise<{ rules: ClassificationRules; group: GroupDefinition }> {
  const rules = await loadClassificationRules(db, params.workspaceId)
  const group = groupDefinitions(rules, params.family).find((candidate) => candidate.key === params.groupKey)
  if (!group) throw notFound(`${params.family === 'stage' ? 'Lifecycle stage' : params.family === 'tier' ? 'Tier' : 'Segment'} "${params.groupKey}"`)
  return { rules, group }
}

export type GroupMember = {
  id: string
  name: string
  arr: number
  plan: string | null
  renewalDate: string | null
  ownerName: string | null
  enteredAt: string
  daysInGroup: number
  overdue: boolean
  source: 'rule' | 'manual'
}

/** Members, longest in the group first (the ones to look at), paged by offset. */
export async function listGroupMembers(
  db: Db,
  params: { workspaceId: string; family: MembershipFamily; groupKey: string; limit: number; offset: number; overdueOnly?: boolean },
): Promise<{ group: GroupDefinition; total: number; accounts: GroupMember[] }> {
  const { group } = await requireGroup(db, params)
  const overdueFilter =
    params.overdueOnly && group.slaDays !== null ? sql`AND m.entered_at < now() - make_interval(days => ${group.slaDays}::int)` : params.overdueOnly ? sql`AND false` : sql``
  const rows = await queryRows<{
    id: string
    name: string
    arr: string | number
    plan: string | null
    renewal_date: string | null
    owner_name: string | null
    entered_at: Date | string
    days: number
    source: 'rule' | 'manual'
    total: number
  }>(
    db,
    sql`SELECT a.id, a.name, a.arr, a.plan, a.renewal_date, u.name AS owner_name, m.entered_at, m.source,
          floor(extract(epoch FROM now() - m.entered_at) / 86400)::int AS days, count(*) OVER ()::int AS total
        FROM account_memberships m
        JOIN accounts a ON a.workspace_id = m.workspace_id AND a.id = m.account_id
        LEFT JOIN users u ON u.workspace_id = a.workspace_id AND u.id = a.owner_id
        WHERE m.workspace_id = ${params.workspaceId} AND m.family = ${params.family} AND m.group_key = ${params.groupKey} ${overdueFilter}
        ORDER BY m.entered_at, a.id
        LIMIT ${params.limit} OFFSET ${params.offset}`,
  )
  return {
    group,
    total: rows[0]?.total ?? (params.offset === 0 ? 0 : await countMembers(db, params)),
    accounts: rows.map((row) => ({
      id: row.id,
      name: row.name,
      arr: Number(row.arr),
      plan: row.plan,
      renewalDate: row.renewal_date,
      ownerName: row.owner_name,
      enteredAt: new Date(row.entered_at).toISOString(),
      daysInGroup: row.days,
      overdue: group.slaDays !== null && row.days >= group.slaDays,
      source: row.source,
    })),
  }
}

async function countMembers(db: Db, params: { workspaceId: string; family: MembershipFamily; groupKey: string }): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM account_memberships WHERE workspace_id = ${params.workspaceId} AND family = ${params.family} AND group_key = ${params.groupKey}`,
  )
  return rows[0]?.n ?? 0
}

export type GroupHistoryPoint = { day: string; accounts: number | null; arr: number | null; entered: number; exited: number }

/** Per day: members and ARR (from the daily counts) and the enters and exits that day. */
export async function groupHistory(db: Db, params: { workspaceId: string; family: MembershipFamily; groupKey: string; days: number }): Promise<{ group: GroupDefinition; points: GroupHistoryPoint[] }> {
  const { group } = await requireGroup(db, params)
  const today = todayUtc()
  const rows = await queryRows<{ day: string; accounts: number | null; arr: string | number | null; entered: number; exited: number }>(
    db,
    sql`SELECT d.day::date::text AS day, c.accounts, c.arr, coalesce(f.entered, 0)::int AS entered, coalesce(f.exited, 0)::int AS exited
        FROM generate_series(${today}::date - ${params.days - 1}::int, ${today}::date, interval '1 day') AS d(day)
        LEFT JOIN membership_daily_counts c ON c.workspace_id = ${params.workspaceId} AND c.family = ${params.family} AND c.group_key = ${params.groupKey} AND c.day = d.day::date
        LEFT JOIN (
          SELECT (at AT TIME ZONE 'UTC')::date AS day, count(*) FILTER (WHERE change = 'entered') AS entered, count(*) FILTER (WHERE change = 'exited') AS exited
          FROM account_membership_changes
          WHERE workspace_id = ${params.workspaceId} AND family = ${params.family} AND group_key = ${params.groupKey} AND at >= (${today}::date - ${params.days - 1}::int)::timestamp AT TIME ZONE 'UTC'
          GROUP BY 1) f ON f.day = d.day::date
        ORDER BY d.day`,
  )
  return { group, points: rows.map((row) => ({ day: row.day, accounts: row.accounts, arr: row.arr === null ? null : Number(row.arr), entered: row.entered, exited: row.exited })) }
}

export type AccountGroup = { key: string; name: string; color: string | null; enteredAt: string; source: 'rule' | 'manual' }
export type AccountClassification = {
  segments: AccountGroup[]
  tier: AccountGroup | null
  stage: (AccountGroup & { slaDays: number | null; daysInStage: number; overdue: boolean; suggested: string | null }) | null
  pending: boolean
  history: { at: string; family: MembershipFamily; key: string; name: string; change: 'entered' | 'exited'; source: 'rule' | 'manual'; reason: string | null; actorName: string | null }[]
}

export async function getAccountClassification(db: Db, params: { workspaceId: string; accountId: string }): Promise<AccountClassification> {
  const rules = await loadClassificationRules(db, params.workspaceId)
  const [account] = await queryRows<{ id: string; queued: boolean }>(
    db,
    sql`SELECT id, EXISTS (SELECT 1 FROM account_evaluation_queue q WHERE q.workspace_id = a.workspace_id AND q.account_id = a.id AND q.done_at IS NULL) AS queued
        FROM accounts a WHERE a.workspace_id = ${params.workspaceId} AND a.id = ${params.accountId}`,
  )
  if (!account) throw notFound('Account')
  const names = new Map<string, GroupDefinition>()
  for (const family of ['segment', 'tier', 'stage'] as const) {
    for (const definition of groupDefinitions(rules, family)) names.set(`${family}:${definition.key}`, definition)
  }
  const memberships = await queryRows<{ family: MembershipFamily; group_key: string; entered_at: Date | string; source: 'rule' | 'manual'; computed_key: string | null }>(
    db,
    sql`SELECT family, group_key, entered_at, source, computed_key FROM account_memberships WHERE workspace_id = ${params.workspaceId} AND account_id = ${params.accountId}`,
  )
  const history = await queryRows<{ at: Date | string; family: MembershipFamily; group_key: string; change: 'entered' | 'exited'; source: 'rule' | 'manual'; reason: string | null; actor_name: string | null }>(
    db,
    sql`SELECT h.at, h.family, h.group_key, h.change, h.source, h.reason, u.name AS actor_name
        FROM account_membership_changes h LEFT JOIN users u ON u.workspace_id = h.workspace_id AND u.id = h.actor_id
        WHERE h.workspace_id = ${params.workspaceId} AND h.account_id = ${params.accountId}
        ORDER BY h.at DESC, h.id DESC LIMIT 100`,
  )
  const view = (row: (typeof memberships)[number]): AccountGroup => {
    const definition = names.get(`${row.family}:${row.group_key}`)
    return { key: row.group_key, name: definition?.name ?? row.group_key, color: definition?.color ?? null, enteredAt: new Date(row.entered_at).toISOString(), source: row.source }
  }
  const stageRow = memberships.find((row) => row.family === 'stage')
  const tierRow = memberships.find((row) => row.family === 'tier')
  let stage: AccountClassification['stage'] = null
  if (stageRow) {
    const slaDays = names.get(`stage:${stageRow.group_key}`)?.slaDays ?? null
    const daysInStage = Math.floor((Date.now() - new Date(stageRow.entered_at).getTime()) / 86_400_000)
    stage = { ...view(stageRow), slaDays, daysInStage, overdue: slaDays !== null && daysInStage >= slaDays, suggested: stageRow.computed_key !== stageRow.group_key ? stageRow.computed_key : null }
  }
  return {
    segments: memberships.filter((row) => row.family === 'segment').map(view).sort((left, right) => left.name.localeCompare(right.name)),
    tier: tierRow ? view(tierRow) : null,
    stage,
    pending: account.queued,
    history: history.map((row) => ({
      at: new Date(row.at).toISOString(),
      family: row.family,
      key: row.group_key,
      name: names.get(`${row.family}:${row.group_key}`)?.name ?? row.group_key,
      change: row.change,
      source: row.source,
      reason: row.reason,
      actorName: row.actor_name,
    })),
  }
}

/** A person moves an account to a stage, with a reason (kept in the history and the event). */
export async function moveStageByHand(db: Db, params: { workspaceId: string; accountId: string; stageKey: string; reason: string; actorId: string | null }) {
  const rules = await loadClassificationRules(db, params.workspaceId)
  if (rules.stages.length === 0) throw new ProblemError(409, 'Conflict', 'This workspace has no published lifecycle; publish one under Configuration first')
  if (!rules.stages.some((stage) => stage.key === params.stageKey)) {
    throw new ProblemError(400, 'Bad Request', `stage: no stage "${params.stageKey}"`, [{ field: 'stage', message: `must be one of ${rules.stages.map((stage) => stage.key).join(', ')}` }])
  }
  const [account] = await queryRows<{ id: string }>(db, sql`SELECT id FROM accounts WHERE workspace_id = ${params.workspaceId} AND id = ${params.accountId}`)
  if (!account) throw notFound('Account')
  return moveAccountStage(db, { ...params, rules })
}
