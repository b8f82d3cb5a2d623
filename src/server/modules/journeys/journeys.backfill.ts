/**
 * Reconstructed stage history for a workspace that was just created from old data (the demo): its
 * stage history would otherwise start today, leaving conversion and time-in-stage empty. Samples
 * every account's lifecycle stage weekly over the past months — the published lifecycle rules
 * evaluated on the facts as of each date (`loadAccountFacts` takes `today`; a churned account counts
 * as active before its churn date) — and writes the transitions as stage history (source `rule`,
 * reason `backfill`, no domain events). Value milestones get the first sampled date their rule held.
 *
 * Only accounts without earlier history are touched, and a workspace is backfilled once.
 */
import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../platform/db'
import { evaluateCondition, type Condition } from '../../../shared/conditions'
import { loadAccountFacts, todayUtc } from '../conditions'
import { classify, evaluateWorkspace, loadClassificationRules } from '../segments'
import { evaluateJourneys, loadJourneys } from './journeys.engine'

const DAY_MS = 86_400_000
const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10)
const noon = (day: string) => `${day}T12:00:00.000Z`

type Change = { accountId: string; groupKey: string; change: 'entered' | 'exited'; at: string }

export type BackfillResult = { skipped: boolean; accounts: number; changes: number; valueMilestones: number; samples: number }

export async function backfillStageHistory(db: Db, params: { workspaceId: string; days?: number; stepDays?: number; today?: string }): Promise<BackfillResult> {
  const ws = params.workspaceId
  const today = params.today ?? todayUtc()
  const days = params.days ?? 182
  const step = params.stepDays ?? 7
  const done = await queryRows<{ found: boolean }>(
    db,
    sql`SELECT EXISTS (SELECT 1 FROM account_membership_changes WHERE workspace_id = ${ws} AND family = 'stage' AND reason = 'backfill') AS found`,
  )
  if (done[0]?.found) return { skipped: true, accounts: 0, changes: 0, valueMilestones: 0, samples: 0 }
  // Today's classification first, so the reconstructed past joins the current stay.
  await evaluateWorkspace(db, { workspaceId: ws, today })
  const rules = await loadClassificationRules(db, ws)
  if (rules.stages.length === 0) return { skipped: true, accounts: 0, changes: 0, valueMilestones: 0, samples: 0 }
  const stageRules = { segments: [], tiers: [], stages: rules.stages }
  const entries = rules.stages.flatMap((stage) => (stage.entry ? [stage.entry] : []))
  const journeys = await loadJourneys(db, ws)
  const valueRules = journeys.flatMap((journey) =>
    journey.body.milestones.flatMap((milestone) => (milestone.kind === 'value' ? [{ journeyKey: journey.key, milestoneKey: milestone.key, condition: milestone.condition as Condition }] : [])),
  )

  const samples: string[] = []
  for (let day = addDays(today, -days); day < today; day = addDays(day, step)) samples.push(day)
  const accounts = await queryRows<{ id: string; created_at: string; created_on: string; status: string; churned_at: string | null }>(
    db,
    sql`SELECT id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at, (created_at AT TIME ZONE 'UTC')::date::text AS created_on, status, churned_at::text AS churned_at
        FROM accounts WHERE workspace_id = ${ws}`,
  )
  const timelines = new Map<string, { stage: string; at: string }[]>()
  const holds = new Map<string, string[]>()
  for (const day of samples) {
    const facts = await loadAccountFacts(db, { workspaceId: ws, today: day })
    for (const account of accounts) {
      if (account.created_on > day) continue
      const accountFacts = facts.get(account.id)
      if (!accountFacts) continue
      const churnedLater = account.status === 'churned' && account.churned_at !== null && account.churned_at > day
      const asOf = churnedLater ? { ...accountFacts, status: 'active' } : accountFacts
      const verdict = classify(stageRules, (index) => evaluateCondition(entries[index]!, asOf, day))
      if (verdict.stage) {
        const timeline = timelines.get(account.id) ?? []
        if (timeline.at(-1)?.stage !== verdict.stage) timeline.push({ stage: verdict.stage, at: timeline.length === 0 && account.created_on > samples[0]! ? account.created_at : noon(day) })
        timelines.set(account.id, timeline)
      }
      if (asOf.status !== 'active') continue
      for (const rule of valueRules) {
        if (!evaluateCondition(rule.condition, asOf, day)) continue
        const id = `${rule.journeyKey}\u0000${rule.milestoneKey}\u0000${account.id}`
        holds.set(id, [...(holds.get(id) ?? []), day])
      }
    }
  }

  // Join each reconstructed past to the account's current history (only accounts whose history starts after the window).
  const existing = await queryRows<{ id: number; account_id: string; group_key: string; change: 'entered' | 'exited'; at: string }>(
    db,
    sql`SELECT id, account_id, group_key, change, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at
        FROM account_membership_changes WHERE workspace_id = ${ws} AND family = 'stage' ORDER BY account_id, at, id`,
  )
  const historyOf = new Map<string, typeof existing>()
  for (const row of existing) historyOf.set(row.account_id, [...(historyOf.get(row.account_id) ?? []), row])
  const changes: Change[] = []
  const deleteIds: number[] = []
  const enteredAt: { accountId: string; groupKey: string; at: string }[] = []
  let touched = 0
  for (const [accountId, timeline] of timelines) {
    const history = historyOf.get(accountId) ?? []
    const first = history[0]
    if (!first || first.at.slice(0, 10) < today) continue
    touched++
    timeline.forEach((point, index) => {
      const previous = timeline[index - 1]
      if (previous) changes.push({ accountId, groupKey: previous.stage, change: 'exited', at: point.at })
      changes.push({ accountId, groupKey: point.stage, change: 'entered', at: point.at })
    })
    const last = timeline.at(-1)!
    if (first.change === 'entered' && first.group_key === last.stage) {
      // The stay that began "today" really began at the last reconstructed entry.
      deleteIds.push(first.id)
      if (history.length === 1) enteredAt.push({ accountId, groupKey: last.stage, at: last.at })
    } else {
      changes.push({ accountId, groupKey: last.stage, change: 'exited', at: new Date(Date.parse(first.at) - 1).toISOString() })
    }
  }

  await db.transaction(async (tx) => {
    for (let offset = 0; offset < changes.length; offset += 5000) {
      await tx.execute(sql`
        INSERT INTO account_membership_changes (workspace_id, account_id, family, group_key, change, at, source, reason)
        SELECT ${ws}, r."accountId", 'stage', r."groupKey", r."change", r."at", 'rule', 'backfill'
        FROM jsonb_to_recordset(${JSON.stringify(changes.slice(offset, offset + 5000))}::jsonb) AS r("accountId" uuid, "groupKey" text, "change" text, "at" timestamptz)
        ORDER BY r."at"`)
    }
    if (deleteIds.length > 0) {
      await tx.execute(sql`DELETE FROM account_membership_changes WHERE workspace_id = ${ws} AND id = ANY(ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(deleteIds)}::jsonb))::bigint[])`)
    }
    if (enteredAt.length > 0) {
      await tx.execute(sql`
        UPDATE account_memberships m SET entered_at = r."at"
        FROM jsonb_to_recordset(${JSON.stringify(enteredAt)}::jsonb) AS r("accountId" uuid, "groupKey" text, "at" timestamptz)
        WHERE m.workspace_id = ${ws} AND m.family = 'stage' AND m.account_id = r."accountId" AND m.group_key = r."groupKey"`)
    }
  })

  // Milestones on the reconstructed history; value milestones reached on the first sampled day their rule held (from the anchor on).
  await evaluateJourneys(db, { workspaceId: ws, today })
  let valueMilestones = 0
  if (holds.size > 0) {
    const rows = await queryRows<{ journey_key: string; milestone_key: string; account_id: string; anchor_on: string; achieved_on: string | null }>(
      db,
      sql`SELECT journey_key, milestone_key, account_id, anchor_on::text AS anchor_on, achieved_on::text AS achieved_on FROM account_milestones WHERE workspace_id = ${ws}`,
    )
    const updates = rows.flatMap((row) => {
      const first = holds.get(`${row.journey_key}\u0000${row.milestone_key}\u0000${row.account_id}`)?.find((day) => day >= row.anchor_on)
      return first && (row.achieved_on === null || first < row.achieved_on) ? [{ journey: row.journey_key, milestone: row.milestone_key, account: row.account_id, day: first }] : []
    })
    valueMilestones = updates.length
    for (let offset = 0; offset < updates.length; offset += 5000) {
      await db.execute(sql`
        UPDATE account_milestones am SET achieved_on = r."day",
          status = CASE WHEN r."day" <= am.due_on THEN 'done' ELSE 'late' END, updated_at = now()
        FROM jsonb_to_recordset(${JSON.stringify(updates.slice(offset, offset + 5000))}::jsonb) AS r("journey" text, "milestone" text, "account" uuid, "day" date)
        WHERE am.workspace_id = ${ws} AND am.journey_key = r."journey" AND am.milestone_key = r."milestone" AND am.account_id = r."account"`)
    }
  }
  return { skipped: false, accounts: touched, changes: changes.length, valueMilestones, samples: samples.length }
}
