/**
 * Turns what happens into playbook runs: domain events (through the `playbooks` cursor, in the transaction
 * that moves it), schedules and relative dates (a sweep each minute), usage counts, and runs by hand. Each
 * run is one row keyed by (playbook, version, account, occurrence), so a repeated trigger is a no-op.
 */
import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { Cron } from 'croner'
import { evaluateCondition, type AccountFacts } from '../../../shared/conditions'
import { addDays } from '../../../shared/days'
import { queryRows, type Db } from '../../platform/db'
import { findMatchingAccountIds, loadAccountFacts, todayUtc } from '../conditions'
import { listPublishedDocuments } from '../config'
import { consumeDomainEvents, workspacesWithUnreadEvents, type DomainEvent } from '../domain-events'
import { PLAYBOOK_KIND, PlaybookBodySchema, describeTrigger, triggerEventTypes, type EventTriggerType, type PlaybookBody, type PlaybookTrigger } from './playbooks.config'
import * as repo from './playbooks.repo'
import type { NewRun } from './playbooks.repo'

export const PLAYBOOKS_CONSUMER = 'playbooks'

export type LivePlaybook = { key: string; version: number; body: PlaybookBody; status: 'active' | 'paused'; scheduledThrough: string | null }

/** Published playbooks with their run state (active unless paused). */
export async function loadLivePlaybooks(db: Db, workspaceId: string): Promise<LivePlaybook[]> {
  const documents = await listPublishedDocuments(db, { workspaceId, kind: PLAYBOOK_KIND })
  const states = await queryRows<{ playbook_key: string; status: 'active' | 'paused'; scheduled_through: string | null }>(
    db,
    sql`SELECT playbook_key, status, scheduled_through FROM playbook_states WHERE workspace_id = ${workspaceId}`,
  )
  const stateOf = new Map(states.map((state) => [state.playbook_key, state]))
  return documents.flatMap((document) => {
    const parsed = PlaybookBodySchema.safeParse(document.body)
    if (!parsed.success) return []
    const state = stateOf.get(document.key)
    return [{ key: document.key, version: document.version, body: parsed.data, status: state?.status ?? 'active', scheduledThrough: state?.scheduled_through ?? null }]
  })
}

const eventTriggerTypes = new Set(Object.keys(triggerEventTypes))
const isEventTrigger = (trigger: PlaybookTrigger): trigger is Extract<PlaybookTrigger, { type: EventTriggerType }> => eventTriggerTypes.has(trigger.type)

/** Whether this event is an occurrence of the trigger, and how to describe it in the run log. */
export function eventMatches(trigger: PlaybookTrigger, event: Pick<DomainEvent, 'type' | 'payload'>): string | null {
  if (!isEventTrigger(trigger) || triggerEventTypes[trigger.type] !== event.type) return null
  const payload = event.payload
  const str = (value: unknown) => (typeof value === 'string' ? value : null)
  switch (trigger.type) {
    case 'health_band_changed': {
      const to = str(payload.to)
      const from = str(payload.from)
      if (trigger.to && (!to || !trigger.to.includes(to as 'red'))) return null
      if (trigger.from && (!from || !trigger.from.includes(from as 'red'))) return null
      return `health band ${from ?? 'none'} → ${to ?? 'none'} (score ${String(payload.score ?? '—')})`
    }
    case 'health_score_dropped': {
      const from = typeof payload.from === 'number' ? payload.from : null
      const to = typeof payload.to === 'number' ? payload.to : null
      if (from === null || to === null || from - to < trigger.by) return null
      return `health score ${Math.round(from)} → ${Math.round(to)} (−${Math.round(from - to)})`
    }
    case 'segment_entered':
    case 'segment_exited':
      return payload.segment === trigger.segment ? `${trigger.type === 'segment_entered' ? 'entered' : 'left'} segment ${str(payload.name) ?? trigger.segment}` : null
    case 'stage_changed': {
      const to = str(payload.to)
      const from = str(payload.from)
      if (trigger.to && (!to || !trigger.to.includes(to))) return null
      if (trigger.from && (!from || !trigger.from.includes(from))) return null
      return `stage ${from ?? 'none'} → ${to ?? 'none'}`
    }
    case 'tier_changed': {
      const to = str(payload.to)
      if (trigger.to && (!to || !trigger.to.includes(to))) return null
      return `tier ${str(payload.from) ?? 'none'} → ${to ?? 'none'}`
    }
    case 'milestone_late':
      if (trigger.journey && payload.journey !== trigger.journey) return null
      if (trigger.milestone && payload.milestone !== trigger.milestone) return null
      return `milestone ${str(payload.milestone) ?? ''} late (due ${str(payload.dueOn) ?? '?'})`
    case 'ticket_opened': {
      const priority = str(payload.priority)
      if (trigger.priorities && (!priority || !trigger.priorities.includes(priority as 'urgent'))) return null
      return `${priority ?? ''} ticket: ${str(payload.subject) ?? ''}`.trim()
    }
    case 'payment_failed':
      return `payment failed (${String(payload.amount ?? '')} ${str(payload.currency) ?? ''}, attempt ${String(payload.attempt ?? 1)})`
    case 'field_changed': {
      const changes = (payload.changes ?? {}) as Record<string, { from: unknown; to: unknown }>
      const change = changes[trigger.field]
      if (!change) return null
      if (trigger.to !== undefined && JSON.stringify(change.to) !== JSON.stringify(trigger.to)) return null
      return `${trigger.field}: ${JSON.stringify(change.from)} → ${JSON.stringify(change.to)}`
    }
  }
}

/** Keeps the accounts whose facts satisfy the playbook's condition (one facts query for the batch). */
async function filterByCondition(db: Db, params: { workspaceId: string; body: PlaybookBody; accountIds: string[]; today: string }): Promise<Set<string>> {
  const ids = [...new Set(params.accountIds)]
  if (!params.body.condition) return new Set(ids)
  const facts = await loadAccountFacts(db, { workspaceId: params.workspaceId, today: params.today, accountIds: ids })
  return new Set(ids.filter((id) => {
    const accountFacts: AccountFacts | undefined = facts.get(id)
    return accountFacts ? evaluateCondition(params.body.condition!, accountFacts, params.today) : false
  }))
}

/** Creates the runs for candidate occurrences of one playbook: condition, then cooldown, then the unique insert. */
async function startRuns(db: Db, params: { workspaceId: string; playbook: LivePlaybook; candidates: NewRun[]; today: string }): Promise<number> {
  if (params.candidates.length === 0) return 0
  const matching = await filterByCondition(db, { workspaceId: params.workspaceId, body: params.playbook.body, accountIds: params.candidates.map((run) => run.accountId), today: params.today })
  const cooling = await repo.accountsInCooldown(db, { workspaceId: params.workspaceId, playbookKey: params.playbook.key, days: params.playbook.body.cooldownDays, accountIds: [...matching] })
  const seen = new Set<string>()
  const runs = params.candidates.filter((run) => {
    if (!matching.has(run.accountId) || cooling.has(run.accountId)) return false
    // Within one batch the cooldown also applies between occurrences.
    if (params.playbook.body.cooldownDays > 0 && seen.has(run.accountId)) return false
    seen.add(run.accountId)
    return true
  })
  return repo.insertRuns(db, { workspaceId: params.workspaceId, playbookKey: params.playbook.key, playbookVersion: params.playbook.version, runs })
}

/** Reads one workspace's new domain events (up to `limit`) and starts the runs they trigger, in one transaction. */
export async function consumeEventsForPlaybooks(db: Db, params: { workspaceId: string; limit: number }): Promise<{ read: number; started: number }> {
  let started = 0
  const read = await consumeDomainEvents(db, { workspaceId: params.workspaceId, consumer: PLAYBOOKS_CONSUMER, types: Object.values(triggerEventTypes), limit: params.limit }, async (tx, events) => {
    const playbooks = (await loadLivePlaybooks(tx, params.workspaceId)).filter((playbook) => playbook.status === 'active' && isEventTrigger(playbook.body.trigger))
    const today = todayUtc()
    for (const playbook of playbooks) {
      const candidates: NewRun[] = []
      for (const event of events) {
        if (!event.accountId) continue
        const summary = eventMatches(playbook.body.trigger, event)
        if (summary === null) continue
        candidates.push({ accountId: event.accountId, occurrence: `event:${event.id}`, triggeredAt: new Date(event.occurredAt).toISOString(), trigger: { kind: 'event', eventId: event.id, type: event.type, payload: event.payload, summary } })
      }
      started += await startRuns(tx, { workspaceId: params.workspaceId, playbook, candidates, today })
    }
  })
  return { read, started }
}

export async function workspacesWithPlaybookEvents(db: Db): Promise<string[]> {
  return workspacesWithUnreadEvents(db, { consumer: PLAYBOOKS_CONSUMER })
}

/** Accounts whose relative date falls on `day` (anchor + offset = day), with the anchor as the occurrence. */
async function relativeDateCandidates(db: Db, params: { workspaceId: string; trigger: Extract<PlaybookTrigger, { type: 'relative_date' }>; day: string }): Promise<NewRun[]> {
  const anchorDay = addDays(params.day, -params.trigger.offsetDays)
  const summary = describeTrigger(params.trigger)
  if (params.trigger.anchor === 'renewal_date') {
    const rows = await queryRows<{ id: string }>(
      db,
      sql`SELECT id FROM accounts WHERE workspace_id = ${params.workspaceId} AND status <> 'churned' AND renewal_date = ${anchorDay}::date`,
    )
    return rows.map((row) => ({ accountId: row.id, occurrence: `renewal:${anchorDay}`, triggeredAt: new Date(`${params.day}T00:00:00Z`).toISOString(), trigger: { kind: 'date', anchor: 'renewal_date', anchorDay, summary: `${summary} (${anchorDay})` } }))
  }
  const rows = await queryRows<{ id: string; account_id: string }>(
    db,
    sql`SELECT s.id, s.account_id FROM subscriptions s WHERE s.workspace_id = ${params.workspaceId} AND s.start_date = ${anchorDay}::date`,
  )
  return rows.map((row) => ({ accountId: row.account_id, occurrence: `start:${row.id}`, triggeredAt: new Date(`${params.day}T00:00:00Z`).toISOString(), trigger: { kind: 'date', anchor: 'contract_start', anchorDay, subscriptionId: row.id, summary: `${summary} (${anchorDay})` } }))
}

/** Accounts whose named event reached the count within the window (and did not run for it recently). */
async function usageCandidates(db: Db, params: { workspaceId: string; trigger: Extract<PlaybookTrigger, { type: 'usage_count' }>; today: string }): Promise<NewRun[]> {
  const rows = await queryRows<{ account_id: string; total: number }>(
    db,
    sql`SELECT account_id, sum(event_count)::int AS total FROM usage_daily_events
        WHERE workspace_id = ${params.workspaceId} AND event = ${params.trigger.event} AND day > ${params.today}::date - ${params.trigger.withinDays}
        GROUP BY account_id HAVING sum(event_count) >= ${params.trigger.count}`,
  )
  const now = new Date().toISOString()
  return rows.map((row) => ({ accountId: row.account_id, occurrence: `usage:${params.today}`, triggeredAt: now, trigger: { kind: 'usage', event: params.trigger.event, count: row.total, summary: `${params.trigger.event} × ${row.total} in ${params.trigger.withinDays} days` } }))
}

/**
 * The minute sweep for one workspace: schedule ticks since the last sweep (the latest tick only, so a
 * long outage does not fire a backlog), today's relative dates (and yesterday's, for a missed midnight),
 * and usage counts. The schedule's high-water mark moves in the same transaction as the runs it made.
 */
export async function sweepScheduledPlaybooks(db: Db, params: { workspaceId: string; now?: Date }): Promise<number> {
  const now = params.now ?? new Date()
  const today = now.toISOString().slice(0, 10)
  let started = 0
  const playbooks = (await loadLivePlaybooks(db, params.workspaceId)).filter((playbook) => playbook.status === 'active')
  for (const playbook of playbooks) {
    const trigger = playbook.body.trigger
    if (trigger.type === 'schedule') {
      started += await db.transaction(async (tx) => {
        const [state] = await queryRows<{ scheduled_through: string | null }>(
          tx,
          sql`INSERT INTO playbook_states (workspace_id, playbook_key, scheduled_through) VALUES (${params.workspaceId}, ${playbook.key}, ${now.toISOString()})
              ON CONFLICT (workspace_id, playbook_key) DO UPDATE SET scheduled_through = coalesce(playbook_states.scheduled_through, EXCLUDED.scheduled_through)
              RETURNING scheduled_through`,
        )
        const since = new Date(state?.scheduled_through ?? now.toISOString())
        const cron = new Cron(trigger.cron, { timezone: 'UTC', paused: true })
        let tick: Date | null = null
        for (let next = cron.nextRun(since); next && next <= now; next = cron.nextRun(next)) tick = next
        if (!tick) return 0
        await tx.execute(sql`UPDATE playbook_states SET scheduled_through = ${now.toISOString()} WHERE workspace_id = ${params.workspaceId} AND playbook_key = ${playbook.key}`)
        const accountIds = playbook.body.condition
          ? await findMatchingAccountIds(tx, { workspaceId: params.workspaceId, condition: playbook.body.condition, today })
          : (await queryRows<{ id: string }>(tx, sql`SELECT id FROM accounts WHERE workspace_id = ${params.workspaceId} AND status <> 'churned'`)).map((row) => row.id)
        const tickIso = tick.toISOString()
        const runs = accountIds.map((accountId) => ({ accountId, occurrence: `cron:${tickIso}`, triggeredAt: tickIso, trigger: { kind: 'schedule', cron: trigger.cron, tick: tickIso, summary: `scheduled run ${tickIso.slice(0, 16).replace('T', ' ')} UTC` } }))
        return startRuns(tx, { workspaceId: params.workspaceId, playbook: { ...playbook, body: { ...playbook.body, condition: undefined } }, candidates: runs, today })
      })
    }
    if (trigger.type === 'relative_date') {
      const candidates = [...(await relativeDateCandidates(db, { workspaceId: params.workspaceId, trigger, day: addDays(today, -1) })), ...(await relativeDateCandidates(db, { workspaceId: params.workspaceId, trigger, day: today }))]
      started += await db.transaction((tx) => startRuns(tx, { workspaceId: params.workspaceId, playbook, candidates, today }))
    }
    if (trigger.type === 'usage_count') {
      const candidates = await usageCandidates(db, { workspaceId: params.workspaceId, trigger, today })
      const window = { ...playbook, body: { ...playbook.body, cooldownDays: Math.max(playbook.body.cooldownDays, trigger.withinDays) } }
      started += await db.transaction((tx) => startRuns(tx, { workspaceId: params.workspaceId, playbook: window, candidates, today }))
    }
  }
  return started
}

export async function workspacesWithScheduledPlaybooks(db: Db): Promise<string[]> {
  const rows = await queryRows<{ workspace_id: string }>(
    db,
    sql`SELECT DISTINCT d.workspace_id FROM config_documents d
        WHERE d.kind = 'playbook' AND d.status = 'published' AND d.body->'trigger'->>'type' IN ('schedule', 'relative_date', 'usage_count')`,
  )
  return rows.map((row) => row.workspace_id)
}

/** Runs a playbook now for the chosen accounts (its condition is not applied: a person chose them). */
export async function runPlaybookByHand(db: Db, params: { workspaceId: string; playbook: LivePlaybook; accountIds: string[]; actor: { id: string | null; label: string } }): Promise<{ requestId: string; started: number }> {
  const requestId = randomUUID()
  const now = new Date().toISOString()
  const runs = [...new Set(params.accountIds)].map((accountId) => ({ accountId, occurrence: `manual:${requestId}`, triggeredAt: now, trigger: { kind: 'manual', by: params.actor.label, userId: params.actor.id, summary: `run by hand by ${params.actor.label}` } }))
  const started = await repo.insertRuns(db, { workspaceId: params.workspaceId, playbookKey: params.playbook.key, playbookVersion: params.playbook.version, runs })
  return { requestId, started }
}
