import { sql } from 'drizzle-orm'
import { evaluateCondition, type AccountFacts } from '../../../shared/conditions'
import { renderMergeFields } from '../../../shared/merge-fields'
import { queryRows, type Db } from '../../platform/db'
import { notFound, ProblemError } from '../../platform/http'
import { loadAccountFacts, todayUtc } from '../conditions'
import { listDocuments, type ConfigKind, type OpenWorkChoice } from '../config'
import { playbookTaskStats } from '../tasks'
import { describeTrigger, PLAYBOOK_KIND, PlaybookBodySchema, stepAfter, type PlaybookBody, type PlaybookTrigger } from './playbooks.config'
import { mergeContextOf } from './playbooks.executor'
import * as repo from './playbooks.repo'
import { settleOpenWork } from './playbooks.open-work'
import { loadLivePlaybooks, runPlaybookByHand, type LivePlaybook } from './playbooks.triggers'

export async function requireLivePlaybook(db: Db, params: { workspaceId: string; key: string }): Promise<LivePlaybook> {
  const playbook = (await loadLivePlaybooks(db, params.workspaceId)).find((candidate) => candidate.key === params.key)
  if (!playbook) throw notFound('Published playbook')
  return playbook
}

export type PlaybookSummary = {
  key: string
  name: string
  description: string | null
  trigger: string
  triggerType: PlaybookTrigger['type']
  version: number | null
  hasDraft: boolean
  status: 'active' | 'paused' | 'draft'
  runs: { total: number; last30Days: number; open: number; failed: number }
  openTasks: number
  lastTriggeredAt: string | null
}

/** Every playbook (published or draft only) with what it has done. */
export async function listPlaybooks(db: Db, params: { workspaceId: string; kinds: readonly ConfigKind[] }): Promise<PlaybookSummary[]> {
  const documents = await listDocuments(db, { workspaceId: params.workspaceId, kind: PLAYBOOK_KIND, kinds: params.kinds, includeArchived: false })
  const live = new Map((await loadLivePlaybooks(db, params.workspaceId)).map((playbook) => [playbook.key, playbook]))
  const counts = await queryRows<{ playbook_key: string; total: number; last_30: number; open: number; failed: number; last_at: string | null; open_tasks: number }>(
    db,
    sql`SELECT r.playbook_key, count(*)::int AS total,
          count(*) FILTER (WHERE r.created_at > now() - interval '30 days')::int AS last_30,
          count(*) FILTER (WHERE r.status IN ('pending', 'waiting'))::int AS open,
          count(*) FILTER (WHERE r.status = 'failed')::int AS failed,
          max(r.triggered_at)::text AS last_at,
          (SELECT count(*)::int FROM tasks t WHERE t.workspace_id = ${params.workspaceId} AND t.playbook_key = r.playbook_key AND t.status IN ('open', 'in_progress')) AS open_tasks
        FROM playbook_runs r WHERE r.workspace_id = ${params.workspaceId} GROUP BY r.playbook_key`,
  )
  const countOf = new Map(counts.map((row) => [row.playbook_key, row]))
  return documents.flatMap((document) => {
    const playbook = live.get(document.key)
    const parsed = playbook ? { success: true as const, data: playbook.body } : PlaybookBodySchema.safeParse(document.draft?.body ?? document.published?.body)
    if (!parsed.success) return []
    const count = countOf.get(document.key)
    return [
      {
        key: document.key,
        name: parsed.data.name,
        description: parsed.data.description ?? null,
        trigger: describeTrigger(parsed.data.trigger),
        triggerType: parsed.data.trigger.type,
        version: playbook?.version ?? null,
        hasDraft: Boolean(document.draft),
        status: playbook ? playbook.status : 'draft',
        runs: { total: count?.total ?? 0, last30Days: count?.last_30 ?? 0, open: count?.open ?? 0, failed: count?.failed ?? 0 },
        openTasks: count?.open_tasks ?? 0,
        lastTriggeredAt: count?.last_at ?? null,
      },
    ]
  })
}

export async function setPlaybookStatus(
  db: Db,
  params: { workspaceId: string; key: string; status: 'active' | 'paused'; choice?: OpenWorkChoice; actor: { id: string | null; label: string } },
): Promise<{ status: 'active' | 'paused'; runsCancelled: number; tasksDismissed: number }> {
  return db.transaction(async (tx) => {
    await requireLivePlaybook(tx, params)
    await tx.execute(sql`
      INSERT INTO playbook_states (workspace_id, playbook_key, status, changed_by, changed_at) VALUES (${params.workspaceId}, ${params.key}, ${params.status}, ${params.actor.id}, now())
      ON CONFLICT (workspace_id, playbook_key) DO UPDATE SET status = EXCLUDED.status, changed_by = EXCLUDED.changed_by, changed_at = now()`)
    if (params.status === 'active' || !params.choice) return { status: params.status, runsCancelled: 0, tasksDismissed: 0 }
    const settled = await settleOpenWork(tx, { workspaceId: params.workspaceId, key: params.key, choice: params.choice, reason: `playbook paused by ${params.actor.label}`, actorId: params.actor.id })
    return { status: params.status, ...settled }
  })
}

export type RunView = {
  id: string
  playbookKey: string
  playbookVersion: number
  accountId: string
  accountName: string
  occurrence: string
  trigger: Record<string, unknown>
  status: string
  nextStepId: string | null
  wakeAt: string
  lastError: string | null
  endReason: string | null
  triggeredAt: string
  createdAt: string
  finishedAt: string | null
  steps: { stepId: string; stepType: string; outcome: string; detail: Record<string, unknown>; executedAt: string }[]
}

/** The run log: runs (newest first) of a playbook, an account, or both, each with the steps it took. */
export async function listRuns(db: Db, params: { workspaceId: string; playbookKey?: string; accountId?: string; status?: string; before?: string; limit: number }): Promise<RunView[]> {
  const rows = await queryRows<Omit<RunView, 'steps'> & { steps: RunView['steps'] | null }>(
    db,
    sql`SELECT r.id, r.playbook_key AS "playbookKey", r.playbook_version AS "playbookVersion", r.account_id AS "accountId", a.name AS "accountName",
          r.occurrence, r.trigger, r.status, r.next_step_id AS "nextStepId", r.wake_at AS "wakeAt", r.last_error AS "lastError", r.end_reason AS "endReason",
          r.triggered_at AS "triggeredAt", r.created_at AS "createdAt", r.finished_at AS "finishedAt",
          (SELECT jsonb_agg(jsonb_build_object('stepId', s.step_id, 'stepType', s.step_type, 'outcome', s.outcome, 'detail', s.detail, 'executedAt', s.executed_at) ORDER BY s.executed_at)
             FROM playbook_run_steps s WHERE s.workspace_id = r.workspace_id AND s.run_id = r.id) AS steps
        FROM playbook_runs r JOIN accounts a ON a.workspace_id = r.workspace_id AND a.id = r.account_id
        WHERE r.workspace_id = ${params.workspaceId}
          ${params.playbookKey ? sql`AND r.playbook_key = ${params.playbookKey}` : sql``}
          ${params.accountId ? sql`AND r.account_id = ${params.accountId}` : sql``}
          ${params.status ? sql`AND r.status = ${params.status}` : sql``}
          ${params.before ? sql`AND r.created_at < ${params.before}::timestamptz` : sql``}
        ORDER BY r.created_at DESC, r.id LIMIT ${params.limit}`,
  )
  return rows.map((row) => ({ ...row, steps: row.steps ?? [] }))
}

/** A failed run tries its failed step again. */
export async function retryRun(db: Db, params: { workspaceId: string; runId: string }): Promise<void> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`UPDATE playbook_runs SET status = 'pending', wake_at = now(), last_error = NULL, finished_at = NULL, updated_at = now()
        WHERE workspace_id = ${params.workspaceId} AND id = ${params.runId} AND status = 'failed' RETURNING id`,
  )
  if (rows.length === 0) throw new ProblemError(409, 'Conflict', 'Only a failed run can be retried (or there is no such run)')
}

export async function cancelRun(db: Db, params: { workspaceId: string; runId: string; actorLabel: string }): Promise<void> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`UPDATE playbook_runs SET status = 'cancelled', end_reason = ${`cancelled by ${params.actorLabel}`}, finished_at = now(), updated_at = now()
        WHERE workspace_id = ${params.workspaceId} AND id = ${params.runId} AND status IN ('pending', 'waiting', 'failed') RETURNING id`,
  )
  if (rows.length === 0) throw new ProblemError(409, 'Conflict', 'Only an open or failed run can be cancelled (or there is no such run)')
}

export { runPlaybookByHand }

export type PlaybookEffect = {
  triggered: { runs: number; accounts: number; last30Days: number }
  runsByStatus: Record<string, number>
  steps: { executed: number; skipped: number; failed: number; byType: Record<string, number> }
  tasks: Awaited<ReturnType<typeof playbookTaskStats>>
  emails: { queued: number; sent: number; skipped: number; failed: number }
  /**
   * Health 30 days after the trigger against accounts that did not trigger (same tier, same days), or the
   * account's own 30 days before when no such account exists. Null until runs are 30 days old.
   */
  healthEffect: null | {
    method: 'comparison' | 'before_after'
    runsMeasured: number
    triggeredChange: number
    comparisonChange: number
    difference: number
  }
}

/** §4 Measured: what a playbook did and whether the accounts it touched got healthier than comparable ones. */
export async function playbookEffect(db: Db, params: { workspaceId: string; key: string }): Promise<PlaybookEffect> {
  const ws = params.workspaceId
  const [runs] = await queryRows<{ runs: number; accounts: number; last_30: number; by_status: Record<string, number> | null }>(
    db,
    sql`SELECT count(*)::int AS runs, count(DISTINCT account_id)::int AS accounts, count(*) FILTER (WHERE created_at > now() - interval '30 days')::int AS last_30,
          (SELECT jsonb_object_agg(status, n) FROM (SELECT status, count(*)::int AS n FROM playbook_runs WHERE workspace_id = ${ws} AND playbook_key = ${params.key} GROUP BY status) s) AS by_status
        FROM playbook_runs WHERE workspace_id = ${ws} AND playbook_key = ${params.key}`,
  )
  const stepRows = await queryRows<{ step_type: string; outcome: string; n: number }>(
    db,
    sql`SELECT s.step_type, s.outcome, count(*)::int AS n FROM playbook_run_steps s
        JOIN playbook_runs r ON r.workspace_id = s.workspace_id AND r.id = s.run_id
        WHERE s.workspace_id = ${ws} AND r.playbook_key = ${params.key} GROUP BY s.step_type, s.outcome`,
  )
  const steps = { executed: 0, skipped: 0, failed: 0, byType: {} as Record<string, number> }
  for (const row of stepRows) {
    if (row.outcome === 'skipped') steps.skipped += row.n
    else if (row.outcome === 'failed') steps.failed += row.n
    else {
      steps.executed += row.n
      steps.byType[row.step_type] = (steps.byType[row.step_type] ?? 0) + row.n
    }
  }
  const [emails] = await queryRows<{ queued: number; sent: number; skipped: number; failed: number }>(
    db,
    sql`SELECT count(*)::int AS queued, count(*) FILTER (WHERE status = 'sent')::int AS sent, count(*) FILTER (WHERE status = 'skipped')::int AS skipped,
          count(*) FILTER (WHERE status = 'failed')::int AS failed
        FROM outbound_emails WHERE workspace_id = ${ws} AND playbook_key = ${params.key}`,
  )
  return {
    triggered: { runs: runs?.runs ?? 0, accounts: runs?.accounts ?? 0, last30Days: runs?.last_30 ?? 0 },
    runsByStatus: runs?.by_status ?? {},
    steps,
    tasks: await playbookTaskStats(db, { workspaceId: ws, playbookKey: params.key }),
    emails: emails ?? { queued: 0, sent: 0, skipped: 0, failed: 0 },
    healthEffect: await healthEffect(db, { workspaceId: ws, key: params.key }),
  }
}

async function healthEffect(db: Db, params: { workspaceId: string; key: string }): Promise<PlaybookEffect['healthEffect']> {
  // Each account's first run (of runs at least 30 days old): health on the trigger day and 30 days later
  // (the nearest snapshot within 3 days: snapshots may be weekly). Comparison: accounts that never ran this
  // playbook, in the same tier now, whose score on the trigger day was within 10 points, over the same days —
  // matching on the starting score keeps regression to the mean (a red account tends to bounce) out of the effect.
  const [row] = await queryRows<{ runs_measured: number; triggered_change: number | null; comparison_change: number | null; compared: number; own_before_change: number | null }>(
    db,
    sql`WITH firsts AS (
          SELECT DISTINCT ON (r.account_id) r.account_id, r.triggered_at::date AS day
          FROM playbook_runs r
          WHERE r.workspace_id = ${params.workspaceId} AND r.playbook_key = ${params.key} AND r.triggered_at <= now() - interval '30 days' AND r.status <> 'cancelled'
          ORDER BY r.account_id, r.triggered_at
        ),
        measured AS (
          SELECT f.account_id, s0.day AS day0, s30.day AS day30, s0.score AS at_trigger, s30.score AS after_30, sb.score AS before_30,
            (SELECT m.group_key FROM account_memberships m WHERE m.workspace_id = ${params.workspaceId} AND m.account_id = f.account_id AND m.family = 'tier' LIMIT 1) AS tier
          FROM firsts f
          CROSS JOIN LATERAL (SELECT day, score FROM health_snapshots s WHERE s.workspace_id = ${params.workspaceId} AND s.account_id = f.account_id
            AND s.day BETWEEN f.day - 3 AND f.day + 3 AND s.score IS NOT NULL ORDER BY abs(s.day - f.day) LIMIT 1) s0
          CROSS JOIN LATERAL (SELECT day, score FROM health_snapshots s WHERE s.workspace_id = ${params.workspaceId} AND s.account_id = f.account_id
            AND s.day BETWEEN f.day + 27 AND f.day + 33 AND s.score IS NOT NULL ORDER BY abs(s.day - (f.day + 30)) LIMIT 1) s30
          LEFT JOIN LATERAL (SELECT score FROM health_snapshots s WHERE s.workspace_id = ${params.workspaceId} AND s.account_id = f.account_id
            AND s.day BETWEEN f.day - 33 AND f.day - 27 AND s.score IS NOT NULL ORDER BY abs(s.day - (f.day - 30)) LIMIT 1) sb ON true
        ),
        comparison AS (
          SELECT m.account_id, avg(c30.score - c0.score) AS change
          FROM measured m
          JOIN account_memberships tm ON tm.workspace_id = ${params.workspaceId} AND tm.family = 'tier' AND tm.group_key = m.tier
          JOIN health_snapshots c0 ON c0.workspace_id = ${params.workspaceId} AND c0.account_id = tm.account_id AND c0.day = m.day0
          JOIN health_snapshots c30 ON c30.workspace_id = ${params.workspaceId} AND c30.account_id = tm.account_id AND c30.day = m.day30
          WHERE NOT EXISTS (SELECT 1 FROM playbook_runs x WHERE x.workspace_id = ${params.workspaceId} AND x.playbook_key = ${params.key} AND x.account_id = tm.account_id)
            AND c0.score IS NOT NULL AND c30.score IS NOT NULL AND abs(c0.score - m.at_trigger) <= 10
          GROUP BY m.account_id
        )
        SELECT count(*)::int AS runs_measured,
          avg(m.after_30 - m.at_trigger)::float8 AS triggered_change,
          (SELECT avg(c.change) FROM comparison c)::float8 AS comparison_change,
          (SELECT count(*)::int FROM comparison) AS compared,
          avg(m.at_trigger - m.before_30)::float8 AS own_before_change
        FROM measured m`,
  )
  if (!row || row.runs_measured === 0 || row.triggered_change === null) return null
  const round = (value: number) => Math.round(value * 10) / 10
  if (row.comparison_change !== null) {
    return { method: 'comparison', runsMeasured: row.runs_measured, triggeredChange: round(row.triggered_change), comparisonChange: round(row.comparison_change), difference: round(row.triggered_change - row.comparison_change) }
  }
  if (row.own_before_change === null) return null
  return { method: 'before_after', runsMeasured: row.runs_measured, triggeredChange: round(row.triggered_change), comparisonChange: round(row.own_before_change), difference: round(row.triggered_change - row.own_before_change) }
}

// ----- dry run -----

/** Accounts in the state the trigger reacts to now (what would trigger if it fired today). */
async function accountsInTriggerState(db: Db, params: { workspaceId: string; trigger: PlaybookTrigger; today: string }): Promise<{ accountId: string; why: string }[]> {
  const ws = params.workspaceId
  const trigger = params.trigger
  const list = (values: readonly string[] | undefined) => (values ? sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))` : null)
  const rows = async (query: ReturnType<typeof sql>) => queryRows<{ account_id: string; why: string }>(db, query)
  let found: { account_id: string; why: string }[] = []
  switch (trigger.type) {
    case 'health_band_changed':
      found = await rows(sql`SELECT account_id, 'health is ' || band AS why FROM health_scores WHERE workspace_id = ${ws} AND band IS NOT NULL ${trigger.to ? sql`AND band = ANY(${list(trigger.to)})` : sql``}`)
      break
    case 'health_score_dropped':
      found = await rows(sql`SELECT h.account_id, 'score ' || round(s.score) || ' → ' || round(h.score) || ' in 7 days' AS why FROM health_scores h
        JOIN health_snapshots s ON s.workspace_id = h.workspace_id AND s.account_id = h.account_id AND s.day = ${params.today}::date - 7
        WHERE h.workspace_id = ${ws} AND s.score - h.score >= ${trigger.by}`)
      break
    case 'segment_entered':
      found = await rows(sql`SELECT account_id, 'in segment ' || group_key AS why FROM account_memberships WHERE workspace_id = ${ws} AND family = 'segment' AND group_key = ${trigger.segment}`)
      break
    case 'segment_exited':
      found = await rows(sql`SELECT DISTINCT account_id, 'left segment ' || group_key || ' in the last 30 days' AS why FROM account_membership_changes
        WHERE workspace_id = ${ws} AND family = 'segment' AND group_key = ${trigger.segment} AND change = 'exited' AND at > now() - interval '30 days'`)
      break
    case 'stage_changed':
    case 'tier_changed':
      found = await rows(sql`SELECT account_id, ${trigger.type === 'stage_changed' ? 'stage ' : 'tier '} || group_key AS why FROM account_memberships
        WHERE workspace_id = ${ws} AND family = ${trigger.type === 'stage_changed' ? 'stage' : 'tier'} ${trigger.to ? sql`AND group_key = ANY(${list(trigger.to)})` : sql``}`)
      break
    case 'milestone_late':
      found = await rows(sql`SELECT DISTINCT ON (account_id) account_id, 'milestone ' || milestone_key || ' late since ' || due_on AS why FROM account_milestones
        WHERE workspace_id = ${ws} AND status = 'late' ${trigger.journey ? sql`AND journey_key = ${trigger.journey}` : sql``} ${trigger.milestone ? sql`AND milestone_key = ${trigger.milestone}` : sql``}`)
      break
    case 'ticket_opened':
      found = await rows(sql`SELECT DISTINCT ON (account_id) account_id, priority || ' ticket open: ' || subject AS why FROM tickets
        WHERE workspace_id = ${ws} AND status NOT IN ('solved', 'closed') ${trigger.priorities ? sql`AND priority = ANY(${list(trigger.priorities)})` : sql``}`)
      break
    case 'payment_failed':
      found = await rows(sql`SELECT DISTINCT ON (account_id) account_id, 'unpaid invoice ' || stripe_invoice_id AS why FROM billing_payment_failures WHERE workspace_id = ${ws} AND resolved_at IS NULL`)
      break
    case 'field_changed':
      found =
        trigger.to !== undefined
          ? await rows(sql`SELECT id AS account_id, ${trigger.field} || ' = ' || ${JSON.stringify(trigger.to)} AS why FROM accounts a WHERE workspace_id = ${ws}
              AND ${trigger.field.startsWith('traits.') ? sql`a.traits -> ${trigger.field.slice(7)}` : sql`to_jsonb(a) -> ${trigger.field}`} = ${JSON.stringify(trigger.to)}::jsonb`)
          : await rows(sql`SELECT DISTINCT account_id, ${trigger.field} || ' changed in the last 30 days' AS why FROM domain_events
              WHERE workspace_id = ${ws} AND type = 'account.changed' AND payload->'changes' ? ${trigger.field} AND occurred_at > now() - interval '30 days'`)
      break
    case 'usage_count':
      found = await rows(sql`SELECT account_id, ${trigger.event} || ' × ' || sum(event_count) || ' in ' || ${trigger.withinDays} || ' days' AS why FROM usage_daily_events
        WHERE workspace_id = ${ws} AND event = ${trigger.event} AND day > ${params.today}::date - ${trigger.withinDays} GROUP BY account_id HAVING sum(event_count) >= ${trigger.count}`)
      break
    case 'relative_date': {
      const offset = trigger.offsetDays
      found =
        trigger.anchor === 'renewal_date'
          ? await rows(sql`SELECT id AS account_id, 'renews ' || renewal_date || ', fires ' || (renewal_date + ${offset}::int) AS why FROM accounts
              WHERE workspace_id = ${ws} AND status <> 'churned' AND renewal_date + ${offset}::int BETWEEN ${params.today}::date AND ${params.today}::date + 30`)
          : await rows(sql`SELECT account_id, 'term starts ' || start_date || ', fires ' || (start_date + ${offset}::int) AS why FROM subscriptions
              WHERE workspace_id = ${ws} AND start_date + ${offset}::int BETWEEN ${params.today}::date AND ${params.today}::date + 30`)
      break
    }
    case 'schedule':
    case 'manual':
      found = await rows(sql`SELECT id AS account_id, 'active account' AS why FROM accounts WHERE workspace_id = ${ws} AND status <> 'churned'`)
      break
  }
  return found.map((row) => ({ accountId: row.account_id, why: row.why }))
}

export type DryRunAccount = { accountId: string; accountName: string; why: string; inCooldown: boolean; steps: { stepId: string; type: string; would: string }[] }
export type DryRun = { trigger: string; matching: number; inCooldown: number; shown: number; accounts: DryRunAccount[] }

/**
 * Which accounts would trigger now (in the trigger's state, matching the condition) and what each would
 * get: every step rendered with its merge fields, owners and recipients, branches followed. Writes nothing.
 */
export async function dryRunPlaybook(db: Db, params: { workspaceId: string; key: string; body: PlaybookBody; limit: number; publicUrl: string }): Promise<DryRun> {
  const today = todayUtc()
  const inState = await accountsInTriggerState(db, { workspaceId: params.workspaceId, trigger: params.body.trigger, today })
  const why = new Map(inState.map((entry) => [entry.accountId, entry.why]))
  const ids = [...why.keys()]
  const facts = ids.length > 0 ? await loadAccountFacts(db, { workspaceId: params.workspaceId, today, accountIds: ids }) : new Map<string, AccountFacts>()
  const matching = ids.filter((id) => {
    const accountFacts = facts.get(id)
    if (!accountFacts) return false
    return params.body.condition ? evaluateCondition(params.body.condition, accountFacts, today) : true
  })
  const cooling = await repo.accountsInCooldown(db, { workspaceId: params.workspaceId, playbookKey: params.key, days: params.body.cooldownDays, accountIds: matching })
  const shownIds = matching.slice(0, params.limit)
  const merge = await repo.loadMergeRows(db, { workspaceId: params.workspaceId, accountIds: shownIds })
  const users = await repo.activeUsers(db, { workspaceId: params.workspaceId })
  const unsubscribed = new Set(
    (await queryRows<{ email: string }>(db, sql`SELECT lower(email) AS email FROM email_unsubscribes WHERE workspace_id = ${params.workspaceId}`)).map((row) => row.email),
  )
  const accounts: DryRunAccount[] = []
  for (const id of shownIds) {
    const row = merge.get(id)
    if (!row) continue
    const context = mergeContextOf(row, { body: params.body, trigger: { summary: why.get(id) }, publicUrl: params.publicUrl })
    const steps: DryRunAccount['steps'] = []
    let stepId: string | null = params.body.steps[0]?.id ?? null
    const contacts = params.body.steps.some((step) => step.type === 'email') ? await repo.accountContacts(db, { workspaceId: params.workspaceId, accountId: id }) : []
    while (stepId) {
      const step = params.body.steps.find((candidate) => candidate.id === stepId)
      if (!step) break
      let next = stepAfter(params.body, step.id)
      let would = ''
      switch (step.type) {
        case 'task': {
          const owner =
            step.owner.type === 'account_owner'
              ? (row.owner_name ?? 'unassigned (no owner)')
              : step.owner.type === 'user'
                ? step.owner.email
                : step.owner.type === 'role'
                  ? `the next ${step.owner.role} in turn (${users.filter((user) => user.role === (step.owner as { role: string }).role).length} people)`
                  : `the next of ${step.owner.emails.join(', ')}`
          would = `task "${renderMergeFields(step.title, context)}" for ${owner}, ${step.priority}, due in ${step.dueDays} days`
          break
        }
        case 'success_plan':
          would = `success plan from template ${step.template}`
          break
        case 'email': {
          const to = contacts.filter((contact) => !step.toRoles || contact.roles.some((role) => step.toRoles!.includes(role)))
          const described = to.map((contact) => (!contact.email ? `${contact.name} (no address: skipped)` : unsubscribed.has(contact.email.toLowerCase()) ? `${contact.email} (unsubscribed: skipped)` : contact.email))
          would = to.length === 0 ? 'email: nobody to send to (skipped)' : `email "${renderMergeFields(step.subject, { ...context, 'contact.first_name': to[0]!.name.split(/\s+/)[0] ?? '' })}" to ${described.join(', ')} as ${row.owner_email ?? 'the workspace sender'}`
          break
        }
        case 'webhook':
          would = `signed POST to destination ${step.destination}`
          break
        case 'slack':
          would = `Slack (${step.destination}): ${renderMergeFields(step.text, context)}`
          break
        case 'update_field':
          would = `set ${step.field} to ${JSON.stringify(step.value)}`
          break
        case 'move_stage':
          would = row.stage === step.stage ? `stays in ${step.stage} (already there)` : `move stage ${row.stage ?? 'none'} → ${step.stage}`
          break
        case 'wait':
          would = `wait ${step.days} days`
          break
        case 'branch': {
          const accountFacts = facts.get(id)
          const holds = accountFacts ? evaluateCondition(step.if, accountFacts, today) : false
          const target = holds ? step.then : step.else
          would = `condition ${holds ? 'holds' : 'does not hold'} → ${target === 'end' ? 'end' : target}`
          next = target === 'end' ? null : target
          break
        }
      }
      steps.push({ stepId: step.id, type: step.type, would })
      stepId = next
    }
    accounts.push({ accountId: id, accountName: row.name, why: why.get(id) ?? '', inCooldown: cooling.has(id), steps })
  }
  return { trigger: describeTrigger(params.body.trigger), matching: matching.length, inCooldown: cooling.size, shown: accounts.length, accounts }
}
