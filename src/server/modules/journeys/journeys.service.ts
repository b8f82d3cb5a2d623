/** Reading journeys for people: hit rates per milestone, the accounts behind a status, one account's milestones, the journey map. */
import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../platform/db'
import { notFound } from '../../platform/http'
import { todayUtc } from '../conditions'
import { listGroups, loadClassificationRules } from '../segments'
import { describeMilestone, type JourneyBody, type Milestone } from './journeys.config'
import { evaluateJourneys, loadJourneys, type PublishedJourney } from './journeys.engine'
import type { MilestoneStatus } from './journeys.tables'

export type StatusCounts = { done: number; late: number; onTrack: number; missed: number; total: number }
export type MilestoneSummary = {
  journeyKey: string
  journeyName: string
  key: string
  name: string
  description: string | null
  rule: string
  kind: Milestone['kind']
  anchor: Milestone['anchor']
  dueDays: number
  stage: string | null
  counts: StatusCounts
  /** Shares of all tracked accounts, in percent (one decimal). */
  percent: { done: number; late: number; onTrack: number; missed: number }
  /** Done on time among the decided ones (done, late, missed), in percent; null while none is decided. */
  hitRate: number | null
}
export type JourneySummary = { key: string; name: string; description: string | null; appliesTo: string; accounts: number; milestones: MilestoneSummary[] }

const pct = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10)

function appliesToText(journey: JourneyBody): string {
  const { appliesTo } = journey
  const who = appliesTo.segment ? `segment ${appliesTo.segment}` : appliesTo.tier ? `tier ${appliesTo.tier}` : 'every active account'
  return appliesTo.startedWithinDays ? `${who}, started in the last ${appliesTo.startedWithinDays} days` : who
}

function summarize(journey: PublishedJourney, milestone: Milestone, counts: StatusCounts | undefined): MilestoneSummary {
  const c = counts ?? { done: 0, late: 0, onTrack: 0, missed: 0, total: 0 }
  const decided = c.done + c.late + c.missed
  return {
    journeyKey: journey.key,
    journeyName: journey.body.name,
    key: milestone.key,
    name: milestone.name,
    description: milestone.description ?? null,
    rule: describeMilestone(milestone),
    kind: milestone.kind,
    anchor: milestone.anchor,
    dueDays: milestone.dueDays,
    stage: milestone.stage ?? null,
    counts: c,
    percent: { done: pct(c.done, c.total), late: pct(c.late, c.total), onTrack: pct(c.onTrack, c.total), missed: pct(c.missed, c.total) },
    hitRate: decided === 0 ? null : pct(c.done, decided),
  }
}

async function statusCounts(db: Db, workspaceId: string): Promise<{ byMilestone: Map<string, StatusCounts>; accountsByJourney: Map<string, number> }> {
  const [rows, accounts] = await Promise.all([
    queryRows<{ journey_key: string; milestone_key: string; status: MilestoneStatus; n: number }>(
      db,
      sql`SELECT journey_key, milestone_key, status, count(*)::int AS n FROM account_milestones WHERE workspace_id = ${workspaceId} GROUP BY 1, 2, 3`,
    ),
    queryRows<{ journey_key: string; n: number }>(db, sql`SELECT journey_key, count(DISTINCT account_id)::int AS n FROM account_milestones WHERE workspace_id = ${workspaceId} GROUP BY 1`),
  ])
  const byMilestone = new Map<string, StatusCounts>()
  for (const row of rows) {
    const id = `${row.journey_key}/${row.milestone_key}`
    const counts = byMilestone.get(id) ?? { done: 0, late: 0, onTrack: 0, missed: 0, total: 0 }
    counts[row.status === 'on_track' ? 'onTrack' : row.status] += row.n
    counts.total += row.n
    byMilestone.set(id, counts)
  }
  return { byMilestone, accountsByJourney: new Map(accounts.map((row) => [row.journey_key, row.n])) }
}

/** Every published journey with each milestone's done / late / on track / missed counts. */
export async function listJourneys(db: Db, params: { workspaceId: string }): Promise<{ journeys: JourneySummary[] }> {
  const [journeys, counts] = await Promise.all([loadJourneys(db, params.workspaceId), statusCounts(db, params.workspaceId)])
  return {
    journeys: journeys.map((journey) => ({
      key: journey.key,
      name: journey.body.name,
      description: journey.body.description ?? null,
      appliesTo: appliesToText(journey.body),
      accounts: counts.accountsByJourney.get(journey.key) ?? 0,
      milestones: journey.body.milestones.map((milestone) => summarize(journey, milestone, counts.byMilestone.get(`${journey.key}/${milestone.key}`))),
    })),
  }
}

export type MilestoneAccount = {
  id: string
  name: string
  arr: number
  ownerName: string | null
  anchorOn: string
  dueOn: string
  achievedOn: string | null
  status: MilestoneStatus
  /** Late or missed: days past due (to the achievement, or to today). */
  daysOverdue: number | null
}

/** The accounts of one milestone, optionally of one status: the most overdue first, then the soonest due. */
export async function listMilestoneAccounts(
  db: Db,
  params: { workspaceId: string; journeyKey: string; milestoneKey: string; status?: MilestoneStatus; limit: number; offset: number },
): Promise<{ journey: { key: string; name: string }; milestone: { key: string; name: string; rule: string }; status: MilestoneStatus | null; total: number; accounts: MilestoneAccount[] }> {
  const journey = (await loadJourneys(db, params.workspaceId)).find((candidate) => candidate.key === params.journeyKey)
  if (!journey) throw notFound(`Journey "${params.journeyKey}"`)
  const milestone = journey.body.milestones.find((candidate) => candidate.key === params.milestoneKey)
  if (!milestone) throw notFound(`Milestone "${params.milestoneKey}" of journey "${params.journeyKey}"`)
  const today = todayUtc()
  const rows = await queryRows<{
    id: string
    name: string
    arr: string | number
    owner_name: string | null
    anchor_on: string
    due_on: string
    achieved_on: string | null
    status: MilestoneStatus
    overdue: number | null
    total: number
  }>(
    db,
    sql`SELECT a.id, a.name, a.arr, u.name AS owner_name, am.anchor_on::text AS anchor_on, am.due_on::text AS due_on, am.achieved_on::text AS achieved_on, am.status,
          CASE WHEN am.status IN ('late', 'missed') THEN coalesce(am.achieved_on, ${today}::date) - am.due_on END AS overdue,
          count(*) OVER ()::int AS total
        FROM account_milestones am
        JOIN accounts a ON a.workspace_id = am.workspace_id AND a.id = am.account_id
        LEFT JOIN users u ON u.workspace_id = a.workspace_id AND u.id = a.owner_id
        WHERE am.workspace_id = ${params.workspaceId} AND am.journey_key = ${params.journeyKey} AND am.milestone_key = ${params.milestoneKey}
          ${params.status ? sql`AND am.status = ${params.status}` : sql``}
        ORDER BY CASE am.status WHEN 'missed' THEN 0 WHEN 'on_track' THEN 1 WHEN 'late' THEN 2 ELSE 3 END, am.due_on, a.name, a.id
        LIMIT ${params.limit} OFFSET ${params.offset}`,
  )
  let total = rows[0]?.total ?? 0
  if (rows.length === 0 && params.offset > 0) {
    const [count] = await queryRows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM account_milestones WHERE workspace_id = ${params.workspaceId} AND journey_key = ${params.journeyKey} AND milestone_key = ${params.milestoneKey} ${params.status ? sql`AND status = ${params.status}` : sql``}`,
    )
    total = count?.n ?? 0
  }
  return {
    journey: { key: journey.key, name: journey.body.name },
    milestone: { key: milestone.key, name: milestone.name, rule: describeMilestone(milestone) },
    status: params.status ?? null,
    total,
    accounts: rows.map((row) => ({
      id: row.id,
      name: row.name,
      arr: Number(row.arr),
      ownerName: row.owner_name,
      anchorOn: row.anchor_on,
      dueOn: row.due_on,
      achievedOn: row.achieved_on,
      status: row.status,
      daysOverdue: row.overdue,
    })),
  }
}

export type AccountMilestone = {
  journeyKey: string
  journeyName: string
  key: string
  name: string
  description: string | null
  rule: string
  kind: Milestone['kind']
  stage: string | null
  anchorOn: string
  dueOn: string
  achievedOn: string | null
  status: MilestoneStatus
}

/** One account's milestones, computed afresh for it (the same engine as the scheduled run, scoped to the account). */
export async function getAccountMilestones(db: Db, params: { workspaceId: string; accountId: string }): Promise<{ milestones: AccountMilestone[] }> {
  const [account] = await queryRows<{ id: string }>(db, sql`SELECT id FROM accounts WHERE workspace_id = ${params.workspaceId} AND id = ${params.accountId}`)
  if (!account) throw notFound('Account')
  await evaluateJourneys(db, { workspaceId: params.workspaceId, accountIds: [params.accountId] })
  const journeys = await loadJourneys(db, params.workspaceId)
  const rows = await queryRows<{ journey_key: string; milestone_key: string; anchor_on: string; due_on: string; achieved_on: string | null; status: MilestoneStatus }>(
    db,
    sql`SELECT journey_key, milestone_key, anchor_on::text AS anchor_on, due_on::text AS due_on, achieved_on::text AS achieved_on, status
        FROM account_milestones WHERE workspace_id = ${params.workspaceId} AND account_id = ${params.accountId}`,
  )
  const byKey = new Map(rows.map((row) => [`${row.journey_key}/${row.milestone_key}`, row]))
  // In the documents' order: journey by journey, milestone by milestone.
  const milestones = journeys.flatMap((journey) =>
    journey.body.milestones.flatMap((milestone) => {
      const row = byKey.get(`${journey.key}/${milestone.key}`)
      if (!row) return []
      return [
        {
          journeyKey: journey.key,
          journeyName: journey.body.name,
          key: milestone.key,
          name: milestone.name,
          description: milestone.description ?? null,
          rule: describeMilestone(milestone),
          kind: milestone.kind,
          stage: milestone.stage ?? null,
          anchorOn: row.anchor_on,
          dueOn: row.due_on,
          achievedOn: row.achieved_on,
          status: row.status,
        },
      ]
    }),
  )
  return { milestones }
}

export type StageConversion = {
  toKey: string
  toName: string
  /** Accounts that entered this stage in the window. */
  entered: number
  /** Of those, the ones that later entered the next stage. */
  reachedNext: number
  rate: number | null
  /** Of those, the ones that later entered any later (non-terminal) stage: lifecycles are not always linear. */
  progressed: number
  progressedRate: number | null
}

export type JourneyMapStage = {
  key: string
  name: string
  description: string | null
  color: string | null
  slaDays: number | null
  terminal: boolean
  accounts: number
  arr: number
  overdue: number
  /** Median days current members have been in the stage. */
  medianDaysInStage: number | null
  /** Median length of stays that began and ended in the window. */
  medianDaysCompleted: number | null
  completedStays: number
  entered: number
  conversion: StageConversion | null
  milestones: MilestoneSummary[]
}

export type JourneyMap = { windowDays: number; unclassified: number; stages: JourneyMapStage[]; unstagedMilestones: MilestoneSummary[] }

/**
 * The lifecycle stages as columns: members, ARR, overdue, median time in stage (current and completed
 * stays), conversion to the next stage (from the stage history), and the milestones of each stage.
 */
export async function getJourneyMap(db: Db, params: { workspaceId: string; days: number }): Promise<JourneyMap> {
  const ws = params.workspaceId
  const [groups, rules, journeys, counts] = await Promise.all([
    listGroups(db, { workspaceId: ws, family: 'stage' }),
    loadClassificationRules(db, ws),
    loadJourneys(db, ws),
    statusCounts(db, ws),
  ])
  const order = rules.stages.map((stage) => stage.key)
  const since = sql`now() - make_interval(days => ${params.days}::int)`
  // Stage history per account in order: each entry's next change tells how long the stay was.
  const stays = await queryRows<{ group_key: string; stays: number; median_days: number | null }>(
    db,
    sql`SELECT group_key, count(*)::int AS stays,
          round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM next_at - at) / 86400)::numeric, 1)::float8 AS median_days
        FROM (
          SELECT group_key, change, at,
            lead(at) OVER w AS next_at, lead(change) OVER w AS next_change, lead(group_key) OVER w AS next_key
          FROM account_membership_changes
          WHERE workspace_id = ${ws} AND family = 'stage'
          WINDOW w AS (PARTITION BY account_id ORDER BY at, id)) h
        WHERE change = 'entered' AND next_change = 'exited' AND next_key = group_key AND at >= ${since}
        GROUP BY group_key`,
  )
  const conversions = await queryRows<{ group_key: string; entered: number; reached_next: number; progressed: number }>(
    db,
    sql`WITH stage_order AS (
          SELECT key, position, terminal
          FROM jsonb_to_recordset(${JSON.stringify(rules.stages.map((stage, position) => ({ key: stage.key, position, terminal: stage.terminal === true })))}::jsonb) AS s(key text, position int, terminal boolean)),
        firsts AS (
          SELECT DISTINCT ON (h.account_id, h.group_key) h.account_id, h.group_key, h.at, h.id
          FROM account_membership_changes h
          WHERE h.workspace_id = ${ws} AND h.family = 'stage' AND h.change = 'entered' AND h.at >= ${since}
          ORDER BY h.account_id, h.group_key, h.at, h.id)
        SELECT f.group_key, count(*)::int AS entered,
          count(*) FILTER (WHERE EXISTS (
            SELECT 1 FROM account_membership_changes n JOIN stage_order ns ON ns.key = n.group_key
            WHERE n.workspace_id = ${ws} AND n.account_id = f.account_id AND n.family = 'stage' AND n.change = 'entered'
              AND ns.position = o.position + 1 AND (n.at > f.at OR (n.at = f.at AND n.id > f.id))))::int AS reached_next,
          count(*) FILTER (WHERE EXISTS (
            SELECT 1 FROM account_membership_changes n JOIN stage_order ns ON ns.key = n.group_key
            WHERE n.workspace_id = ${ws} AND n.account_id = f.account_id AND n.family = 'stage' AND n.change = 'entered'
              AND ns.position > o.position AND NOT ns.terminal AND (n.at > f.at OR (n.at = f.at AND n.id > f.id))))::int AS progressed
        FROM firsts f JOIN stage_order o ON o.key = f.group_key
        GROUP BY f.group_key`,
  )
  const stayByKey = new Map(stays.map((row) => [row.group_key, row]))
  const conversionByKey = new Map(conversions.map((row) => [row.group_key, row]))
  const milestones = journeys.flatMap((journey) => journey.body.milestones.map((milestone) => summarize(journey, milestone, counts.byMilestone.get(`${journey.key}/${milestone.key}`))))
  const stages = groups.groups.map((group): JourneyMapStage => {
    const position = order.indexOf(group.key)
    const next = group.terminal ? undefined : rules.stages.slice(position + 1).find((stage) => stage.terminal !== true)
    const flow = conversionByKey.get(group.key)
    const entered = flow?.entered ?? 0
    return {
      key: group.key,
      name: group.name,
      description: group.description,
      color: group.color,
      slaDays: group.slaDays,
      terminal: group.terminal,
      accounts: group.accounts,
      arr: group.arr,
      overdue: group.overdue,
      medianDaysInStage: group.medianDaysInStage,
      medianDaysCompleted: stayByKey.get(group.key)?.median_days ?? null,
      completedStays: stayByKey.get(group.key)?.stays ?? 0,
      entered,
      conversion: next
        ? {
            toKey: next.key,
            toName: next.name,
            entered,
            reachedNext: flow?.reached_next ?? 0,
            rate: entered === 0 ? null : pct(flow?.reached_next ?? 0, entered),
            progressed: flow?.progressed ?? 0,
            progressedRate: entered === 0 ? null : pct(flow?.progressed ?? 0, entered),
          }
        : null,
      milestones: milestones.filter((milestone) => milestone.stage === group.key),
    }
  })
  return { windowDays: params.days, unclassified: groups.unclassified, stages, unstagedMilestones: milestones.filter((milestone) => milestone.stage === null || !order.includes(milestone.stage)) }
}

