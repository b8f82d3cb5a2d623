/**
 * The demo workspace's playbook past: what the live health-band plays would have done over the weekly
 * health snapshots the demo reconstructs (a run on each band change the trigger matches, its cooldown
 * respected), with the tasks CSMs worked since — most done with an outcome, some dismissed, a few still
 * open and overdue. The run log, "My day" and a playbook's measured effect then start from a past
 * instead of "not enough history yet"; the effect itself is computed by the same query as for real runs.
 */
import { createHash, randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { evaluateCondition, type AccountFacts } from '../../../shared/conditions'
import { addDays, daysBetween } from '../../../shared/days'
import { renderMergeFields } from '../../../shared/merge-fields'
import { jsonb, queryRows, type Db } from '../../platform/db'
import { loadAccountFacts, todayUtc } from '../conditions'
import { stepAfter, type PlaybookStep } from './playbooks.config'
import { mergeContextOf } from './playbooks.executor'
import * as repo from './playbooks.repo'
import { eventMatches, loadLivePlaybooks, type LivePlaybook } from './playbooks.triggers'

type BandChange = { account_id: string; day: string; from_band: string; to_band: string; score: number }

const DAY_MS = 86_400_000

/** A stable number in [0, 1) per (account, day, purpose): the same demo seed gives the same past. */
function chance(...parts: string[]): number {
  return createHash('sha256').update(parts.join('|')).digest().readUInt32BE(0) / 2 ** 32
}

const outcomes = [
  { outcome: 'customer_engaged', weight: 0.45 },
  { outcome: 'resolved', weight: 0.3 },
  { outcome: 'no_response', weight: 0.15 },
  { outcome: 'escalated', weight: 0.1 },
] as const

function pickOutcome(roll: number): string {
  let sum = 0
  for (const entry of outcomes) {
    sum += entry.weight
    if (roll < sum) return entry.outcome
  }
  return 'customer_engaged'
}

type TaskState = { status: 'open' | 'in_progress' | 'done' | 'dismissed'; closedAt: string | null; outcome: string | null; dismissReason: string | null }

/** How a CSM dealt with a task made `age` days ago: older ones mostly closed, recent ones often still open. */
function taskState(key: string, createdAt: string, age: number, now: number): TaskState {
  const roll = chance(key, 'state')
  const closedAfterDays = 0.3 + chance(key, 'delay') * Math.min(6, Math.max(0.5, age - 0.5))
  const closedAt = new Date(Math.min(now - 3_600_000, Date.parse(createdAt) + closedAfterDays * DAY_MS)).toISOString()
  const open: TaskState = { status: 'open', closedAt: null, outcome: null, dismissReason: null }
  if (age < 3) return roll < 0.25 ? { status: 'in_progress', closedAt: null, outcome: null, dismissReason: null } : open
  const doneShare = age < 14 ? 0.55 : 0.74
  if (roll < doneShare) return { status: 'done', closedAt, outcome: pickOutcome(chance(key, 'outcome')), dismissReason: null }
  if (roll < doneShare + 0.14) return { status: 'dismissed', closedAt, outcome: null, dismissReason: 'Already covered in the weekly account review' }
  return open
}

/** Band changes between consecutive snapshots, oldest first. */
async function bandChanges(db: Db, params: { workspaceId: string; before: string }): Promise<BandChange[]> {
  return queryRows<BandChange>(
    db,
    sql`SELECT account_id, day::text AS day, prev_band AS from_band, band AS to_band, score::float8 AS score FROM (
          SELECT account_id, day, band, score, lag(band) OVER (PARTITION BY account_id ORDER BY day) AS prev_band
          FROM health_snapshots WHERE workspace_id = ${params.workspaceId} AND band IS NOT NULL
        ) s
        WHERE prev_band IS NOT NULL AND prev_band <> band AND day < ${params.before}::date
        ORDER BY day, account_id`,
  )
}

/** Plays that can be replayed from snapshots alone: a health-band trigger and only task and branch steps. */
const replayable = (playbook: LivePlaybook) =>
  playbook.status === 'active' && playbook.body.trigger.type === 'health_band_changed' && playbook.body.steps.every((step) => step.type === 'task' || step.type === 'branch')

export type PlaybookHistoryResult = { runs: number; tasks: number }

export async function reconstructPlaybookHistory(db: Db, params: { workspaceId: string; today?: string }): Promise<PlaybookHistoryResult> {
  const ws = params.workspaceId
  const today = params.today ?? todayUtc()
  const now = Date.now()
  const playbooks = (await loadLivePlaybooks(db, ws)).filter(replayable)
  if (playbooks.length === 0) return { runs: 0, tasks: 0 }
  // Up to the day before yesterday: today's own band changes reach the plays as real events.
  const changes = await bandChanges(db, { workspaceId: ws, before: addDays(today, -1) })
  if (changes.length === 0) return { runs: 0, tasks: 0 }
  const accountIds = [...new Set(changes.map((change) => change.account_id))]
  const merge = await repo.loadMergeRows(db, { workspaceId: ws, accountIds })
  // Conditions and branches read today's facts: the demo has no account history to read them from.
  const facts: Map<string, AccountFacts> = await loadAccountFacts(db, { workspaceId: ws, today, accountIds })
  const users = await repo.activeUsers(db, { workspaceId: ws })
  let turn = 0

  let runs = 0
  let tasks = 0
  for (const playbook of playbooks) {
    // Once per playbook: a second reconstruction would only repeat the past.
    const [done] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM playbook_runs WHERE workspace_id = ${ws} AND playbook_key = ${playbook.key} AND occurrence LIKE 'history:%'`)
    if ((done?.n ?? 0) > 0) continue
    const body = playbook.body
    const lastRun = new Map<string, string>()
    const runRows: Record<string, unknown>[] = []
    const stepRows: Record<string, unknown>[] = []
    const taskRows: Record<string, unknown>[] = []
    for (const change of changes) {
      const summary = eventMatches(body.trigger, { type: 'health.band_changed', payload: { from: change.from_band, to: change.to_band, score: change.score } })
      const account = merge.get(change.account_id)
      const accountFacts = facts.get(change.account_id)
      if (!summary || !account || !accountFacts) continue
      const previous = lastRun.get(change.account_id)
      if (previous && daysBetween(previous, change.day) < (body.cooldownDays ?? 0)) continue
      if (body.condition && !evaluateCondition(body.condition, accountFacts, today)) continue
      lastRun.set(change.account_id, change.day)

      const runId = randomUUID()
      // Snapshots are taken at the start of the day; the play fires that morning.
      const triggeredAt = new Date(Date.parse(`${change.day}T08:00:00Z`) + Math.floor(chance(runId, 'minute') * 120) * 60_000).toISOString()
      const trigger = { kind: 'event', type: 'health.band_changed', payload: { from: change.from_band, to: change.to_band, score: change.score }, summary, reconstructed: true }
      const context = mergeContextOf({ ...account, health_score: change.score, health_band: change.to_band }, { body, trigger, publicUrl: '' })
      const key = `${playbook.key}|${change.account_id}|${change.day}`
      let step: PlaybookStep | undefined = body.steps[0]
      let executed = 0
      while (step) {
        const executedAt = new Date(Date.parse(triggeredAt) + executed * 1000).toISOString()
        executed += 1
        if (step.type === 'branch') {
          const holds = evaluateCondition(step.if, accountFacts, today)
          const target: string = holds ? step.then : step.else
          stepRows.push({ runId, stepId: step.id, stepType: 'branch', outcome: 'done', detail: { condition: holds, goTo: target }, executedAt })
          step = target === 'end' ? undefined : body.steps.find((candidate) => candidate.id === target)
          continue
        }
        if (step.type !== 'task') break
        const owner = step.owner
        const roleUsers = owner.type === 'role' ? users.filter((user) => user.role === owner.role) : []
        const ownerId =
          owner.type === 'account_owner'
            ? account.owner_id
            : owner.type === 'role'
              ? (roleUsers[turn++ % Math.max(1, roleUsers.length)]?.id ?? null)
              : owner.type === 'user'
                ? (users.find((user) => user.email === owner.email)?.id ?? null)
                : (users.find((user) => user.email === owner.emails[turn++ % owner.emails.length])?.id ?? null)
        const taskId = randomUUID()
        const dueOn = addDays(change.day, step.dueDays)
        const state = taskState(`${key}|${step.id}`, executedAt, daysBetween(change.day, today), now)
        const title = renderMergeFields(step.title, context)
        taskRows.push({
          id: taskId,
          accountId: change.account_id,
          title,
          body: renderMergeFields(step.body, context),
          status: state.status,
          priority: step.priority,
          dueOn,
          ownerId,
          playbookKey: playbook.key,
          runId,
          stepId: step.id,
          outcome: state.outcome,
          dismissReason: state.dismissReason,
          closedAt: state.closedAt,
          closedBy: state.closedAt ? ownerId : null,
          createdAt: executedAt,
        })
        stepRows.push({ runId, stepId: step.id, stepType: 'task', outcome: 'done', detail: { taskId, title, ownerId, owner: owner.type === 'account_owner' ? 'account owner' : owner.type, dueOn, created: true }, executedAt })
        const nextId = stepAfter(body, step.id)
        step = nextId ? body.steps.find((candidate) => candidate.id === nextId) : undefined
      }
      runRows.push({ id: runId, accountId: change.account_id, occurrence: `history:${change.day}`, trigger, triggeredAt, finishedAt: new Date(Date.parse(triggeredAt) + executed * 1000).toISOString() })
    }
    await insertHistory(db, { workspaceId: ws, playbook, runRows, stepRows, taskRows })
    runs += runRows.length
    tasks += taskRows.length
  }
  return { runs, tasks }
}

async function insertHistory(
  db: Db,
  params: { workspaceId: string; playbook: LivePlaybook; runRows: Record<string, unknown>[]; stepRows: Record<string, unknown>[]; taskRows: Record<string, unknown>[] },
) {
  const ws = params.workspaceId
  await db.transaction(async (tx) => {
    for (let start = 0; start < params.runRows.length; start += 1000) {
      await tx.execute(sql`
        INSERT INTO playbook_runs (workspace_id, id, playbook_key, playbook_version, account_id, occurrence, trigger, status, next_step_id, wake_at, triggered_at, created_at, updated_at, finished_at)
        SELECT ${ws}, r.id, ${params.playbook.key}, ${params.playbook.version}, r."accountId", r.occurrence, r.trigger, 'completed', NULL, r."triggeredAt", r."triggeredAt", r."triggeredAt", r."finishedAt", r."finishedAt"
        FROM jsonb_to_recordset(${jsonb(params.runRows.slice(start, start + 1000))}) AS r(id uuid, "accountId" uuid, occurrence text, trigger jsonb, "triggeredAt" timestamptz, "finishedAt" timestamptz)
        ON CONFLICT DO NOTHING`)
    }
    for (let start = 0; start < params.taskRows.length; start += 1000) {
      await tx.execute(sql`
        INSERT INTO tasks (workspace_id, id, account_id, title, body, status, priority, due_on, owner_id, playbook_key, playbook_run_id, playbook_step_id, outcome, dismiss_reason, closed_at, closed_by, created_at, updated_at)
        SELECT ${ws}, t.id, t."accountId", t.title, t.body, t.status, t.priority, t."dueOn", t."ownerId", t."playbookKey", t."runId", t."stepId", t.outcome, t."dismissReason", t."closedAt", t."closedBy", t."createdAt", coalesce(t."closedAt", t."createdAt")
        FROM jsonb_to_recordset(${jsonb(params.taskRows.slice(start, start + 1000))}) AS t(id uuid, "accountId" uuid, title text, body text, status text, priority text, "dueOn" date, "ownerId" uuid, "playbookKey" text, "runId" uuid, "stepId" text, outcome text, "dismissReason" text, "closedAt" timestamptz, "closedBy" uuid, "createdAt" timestamptz)
        ON CONFLICT DO NOTHING`)
    }
    for (let start = 0; start < params.stepRows.length; start += 1000) {
      await tx.execute(sql`
        INSERT INTO playbook_run_steps (workspace_id, run_id, step_id, step_type, outcome, detail, executed_at)
        SELECT ${ws}, s."runId", s."stepId", s."stepType", s.outcome, s.detail, s."executedAt"
        FROM jsonb_to_recordset(${jsonb(params.stepRows.slice(start, start + 1000))}) AS s("runId" uuid, "stepId" text, "stepType" text, outcome text, detail jsonb, "executedAt" timestamptz)
        ON CONFLICT DO NOTHING`)
    }
  })
}
