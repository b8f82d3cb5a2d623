/**
 * Advances playbook runs. A worker locks a batch of due runs (FOR UPDATE SKIP LOCKED) and, in that one
 * transaction, performs each run's steps up to a wait or the end: tasks, plans, field updates and stage
 * moves are written there, and emails, webhooks and Slack posts are queued there (the outreach outbox, keyed
 * by run and step). The commit makes a step's effect and the run's progress one fact, so with any number of
 * workers each step's effect happens once; the idempotency keys make a retried step a no-op as well.
 */
import { evaluateCondition, type AccountFacts } from '../../../shared/conditions'
import { addDays } from '../../../shared/days'
import { renderMergeFields, type MergeContext } from '../../../shared/merge-fields'
import type { Db } from '../../platform/db'
import { loadAccountFacts, todayUtc } from '../conditions'
import { updateAccount } from '../accounts'
import { moveStageByHand } from '../segments'
import { createTask } from '../tasks'
import { createPlanFromTemplate } from '../success-plans'
import { queueEmail, queueWebhook } from '../outreach'
import { PlaybookBodySchema, describeTrigger, stepAfter, type PlaybookBody, type PlaybookStep, type TaskOwner } from './playbooks.config'
import * as repo from './playbooks.repo'
import type { ClaimedRun, MergeRow } from './playbooks.repo'

export type ExecutorOptions = { publicUrl: string }

const versionCache = new Map<string, PlaybookBody>()

/** A published version of a playbook, parsed (versions never change, so they are cached per process). */
export async function loadPlaybookVersion(db: Db, params: { workspaceId: string; key: string; version: number }): Promise<PlaybookBody | null> {
  const cacheKey = `${params.workspaceId}/${params.key}/${params.version}`
  const cached = versionCache.get(cacheKey)
  if (cached) return cached
  const body = await repo.findPlaybookVersion(db, params)
  const parsed = body === null ? null : PlaybookBodySchema.safeParse(body)
  if (!parsed?.success) return null
  versionCache.set(cacheKey, parsed.data)
  return parsed.data
}

export function mergeContextOf(row: MergeRow, params: { body: PlaybookBody; trigger: Record<string, unknown>; publicUrl: string }): MergeContext {
  return {
    'account.name': row.name,
    'account.arr': Math.round(row.arr).toLocaleString('en-US'),
    'account.plan': row.plan,
    'account.renewal_date': row.renewal_date,
    'account.days_to_renewal': row.days_to_renewal,
    'account.health_score': row.health_score === null ? null : Math.round(row.health_score),
    'account.health_band': row.health_band,
    'account.stage': row.stage,
    'account.tier': row.tier,
    'account.url': `${params.publicUrl}/accounts/${row.id}`,
    'owner.name': row.owner_name,
    'owner.email': row.owner_email,
    'trigger.summary': typeof params.trigger.summary === 'string' ? params.trigger.summary : describeTrigger(params.body.trigger),
    'playbook.name': params.body.name,
  }
}

type StepResult = { outcome: 'done' | 'skipped' | 'waiting'; detail: Record<string, unknown>; next: string | null; wakeAt?: string }

type RunScope = {
  db: Db
  run: ClaimedRun
  body: PlaybookBody
  account: MergeRow
  context: MergeContext
  today: string
  options: ExecutorOptions
  /** The batch's account facts, read once for every run that may branch; a step that changes the account drops its entry. */
  facts: Map<string, AccountFacts>
}

async function resolveTaskOwner(scope: RunScope, step: Extract<PlaybookStep, { type: 'task' }>): Promise<{ ownerId: string | null; why: string }> {
  const owner: TaskOwner = step.owner
  const { db, run } = scope
  if (owner.type === 'account_owner') {
    return scope.account.owner_id ? { ownerId: scope.account.owner_id, why: 'account owner' } : { ownerId: null, why: 'the account has no owner: unassigned' }
  }
  const users = await repo.activeUsers(db, { workspaceId: run.workspace_id })
  if (owner.type === 'user') {
    const user = users.find((candidate) => candidate.email === owner.email)
    return user ? { ownerId: user.id, why: owner.email } : { ownerId: null, why: `${owner.email} is not an active user: unassigned` }
  }
  const candidates = owner.type === 'role' ? users.filter((user) => user.role === owner.role) : owner.emails.flatMap((address) => users.filter((user) => user.email === address))
  const ownerId = await repo.nextInTurn(db, { workspaceId: run.workspace_id, playbookKey: run.playbook_key, stepId: step.id, candidates })
  return { ownerId, why: ownerId ? `round robin among ${candidates.length} ${owner.type === 'role' ? `${owner.role}s` : 'people'}` : 'nobody to take turns: unassigned' }
}

async function runStep(scope: RunScope, step: PlaybookStep): Promise<StepResult> {
  const { db, run, body, account, context } = scope
  const next = stepAfter(body, step.id)
  const playbook = { key: run.playbook_key, runId: run.id, stepId: step.id }
  switch (step.type) {
    case 'task': {
      const owner = await resolveTaskOwner(scope, step)
      const { task, created } = await createTask(db, {
        workspaceId: run.workspace_id,
        accountId: run.account_id,
        title: renderMergeFields(step.title, context),
        body: renderMergeFields(step.body, context),
        priority: step.priority,
        dueOn: addDays(scope.today, step.dueDays),
        ownerId: owner.ownerId,
        createdBy: null,
        playbook,
      })
      return { outcome: 'done', detail: { taskId: task.id, title: task.title, ownerId: owner.ownerId, owner: owner.why, dueOn: task.dueOn, created }, next }
    }
    case 'success_plan': {
      const { plan, created } = await createPlanFromTemplate(db, {
        workspaceId: run.workspace_id,
        accountId: run.account_id,
        templateKey: step.template,
        ownerId: account.owner_id,
        createdBy: null,
        playbook: { runId: run.id, stepId: step.id },
      })
      return { outcome: 'done', detail: { planId: plan.id, title: plan.title, created }, next }
    }
    case 'email': {
      const contacts = (await repo.accountContacts(db, { workspaceId: run.workspace_id, accountId: run.account_id })).filter(
        (contact) => !step.toRoles || contact.roles.some((role) => step.toRoles!.includes(role)),
      )
      const emails: Record<string, unknown>[] = []
      for (const contact of contacts) {
        if (!contact.email) {
          emails.push({ contactId: contact.id, name: contact.name, status: 'skipped', reason: 'no email address' })
          continue
        }
        const personal: MergeContext = { ...context, 'contact.name': contact.name, 'contact.first_name': contact.name.split(/\s+/)[0] ?? contact.name, 'contact.email': contact.email, 'contact.title': contact.title }
        const queued = await queueEmail(db, {
          workspaceId: run.workspace_id,
          idempotencyKey: `${run.id}:${step.id}:${contact.id}`,
          accountId: run.account_id,
          contactId: contact.id,
          toAddress: contact.email,
          fromAddress: account.owner_email ?? '',
          fromName: account.owner_name ?? undefined,
          subject: renderMergeFields(step.subject, personal),
          textBody: renderMergeFields(step.body, personal),
          playbook,
        })
        emails.push({ contactId: contact.id, to: contact.email, emailId: queued.id, status: queued.status, reason: queued.skipReason ?? undefined })
      }
      if (contacts.length === 0) return { outcome: 'skipped', detail: { reason: step.toRoles ? `no contact with role ${step.toRoles.join(' or ')}` : 'the account has no contacts' }, next }
      return { outcome: 'done', detail: { emails }, next }
    }
    case 'webhook': {
      const payload = {
        type: 'playbook.step',
        playbook: { key: run.playbook_key, version: run.playbook_version, name: body.name },
        step: { id: step.id },
        run: { id: run.id, occurrence: run.occurrence, triggeredAt: run.triggered_at },
        trigger: run.trigger,
        account: { id: account.id, externalId: account.external_id, name: account.name, arr: account.arr, renewalDate: account.renewal_date, healthScore: account.health_score, healthBand: account.health_band, stage: account.stage, tier: account.tier, ownerEmail: account.owner_email },
      }
      const queued = await queueWebhook(db, { workspaceId: run.workspace_id, idempotencyKey: `${run.id}:${step.id}`, destinationKey: step.destination, accountId: run.account_id, payload, playbook })
      return { outcome: 'done', detail: { deliveryId: queued.id, destination: step.destination, status: queued.status }, next }
    }
    case 'slack': {
      const text = renderMergeFields(step.text, context)
      const queued = await queueWebhook(db, { workspaceId: run.workspace_id, idempotencyKey: `${run.id}:${step.id}`, destinationKey: step.destination, accountId: run.account_id, payload: { text }, playbook })
      return { outcome: 'done', detail: { deliveryId: queued.id, destination: step.destination, text, status: queued.status }, next }
    }
    case 'update_field': {
      const input = step.field.startsWith('traits.') ? { traits: { ...account.traits, [step.field.slice('traits.'.length)]: step.value } } : { [step.field]: step.value }
      await updateAccount(db, { workspaceId: run.workspace_id, accountId: run.account_id, input })
      scope.facts.delete(`${run.workspace_id}/${run.account_id}`)
      return { outcome: 'done', detail: { field: step.field, value: step.value }, next }
    }
    case 'move_stage': {
      if (account.stage === step.stage) return { outcome: 'skipped', detail: { reason: `already in ${step.stage}` }, next }
      const moved = await moveStageByHand(db, { workspaceId: run.workspace_id, accountId: run.account_id, stageKey: step.stage, reason: `Playbook "${body.name}": ${step.reason}`, actorId: null })
      scope.facts.delete(`${run.workspace_id}/${run.account_id}`)
      return { outcome: 'done', detail: { from: moved.from, to: moved.to }, next }
    }
    case 'wait': {
      const until = new Date(Date.now() + step.days * 86_400_000).toISOString()
      return { outcome: 'waiting', detail: { until, days: step.days }, next, wakeAt: until }
    }
    case 'branch': {
      const factsKey = `${run.workspace_id}/${run.account_id}`
      const facts = scope.facts.get(factsKey) ?? (await loadAccountFacts(db, { workspaceId: run.workspace_id, today: scope.today, accountIds: [run.account_id] })).get(run.account_id)
      const holds = facts ? evaluateCondition(step.if, facts, scope.today) : false
      const target = holds ? step.then : step.else
      return { outcome: 'done', detail: { condition: holds, goTo: target }, next: target === 'end' ? null : target }
    }
  }
}

export type AdvanceResult = { runs: number; steps: number; completed: number; failed: number; workspaceIds: string[] }

/**
 * One batch: lock up to `limit` due runs and take each as far as it goes now. A step that throws fails its
 * run (logged with the error) inside a savepoint, so the rest of the batch still commits.
 */
export async function advanceDueRuns(db: Db, params: { limit: number } & ExecutorOptions): Promise<AdvanceResult> {
  return db.transaction(async (tx) => {
    const claimed = await repo.claimDueRuns(tx, { limit: params.limit })
    const result: AdvanceResult = { runs: claimed.length, steps: 0, completed: 0, failed: 0, workspaceIds: [...new Set(claimed.map((run) => run.workspace_id))] }
    if (claimed.length === 0) return result
    const today = todayUtc()
    const accounts = new Map<string, MergeRow>()
    const facts = new Map<string, AccountFacts>()
    for (const workspaceId of result.workspaceIds) {
      const runs = claimed.filter((run) => run.workspace_id === workspaceId)
      const ids = runs.map((run) => run.account_id)
      for (const [id, row] of await repo.loadMergeRows(tx, { workspaceId, accountIds: ids })) accounts.set(`${workspaceId}/${id}`, row)
      // Branch conditions read the account's facts: one statement for the batch instead of one per run.
      // One after the other: they share the transaction's connection.
      const bodies: (PlaybookBody | null)[] = []
      for (const run of runs) bodies.push(await loadPlaybookVersion(tx, { workspaceId, key: run.playbook_key, version: run.playbook_version }))
      const branching = runs.filter((_run, index) => bodies[index]?.steps.some((step) => step.type === 'branch')).map((run) => run.account_id)
      if (branching.length > 0) {
        for (const [id, accountFacts] of await loadAccountFacts(tx, { workspaceId, today, accountIds: [...new Set(branching)] })) facts.set(`${workspaceId}/${id}`, accountFacts)
      }
    }
    for (const run of claimed) {
      const body = await loadPlaybookVersion(tx, { workspaceId: run.workspace_id, key: run.playbook_key, version: run.playbook_version })
      const account = accounts.get(`${run.workspace_id}/${run.account_id}`)
      if (!body || !account) {
        await repo.updateRun(tx, { workspaceId: run.workspace_id, runId: run.id, status: 'failed', nextStepId: null, lastError: body ? 'the account no longer exists' : 'the playbook version cannot be read' })
        result.failed += 1
        continue
      }
      let stepId: string | null = run.status === 'pending' && run.next_step_id === null ? (body.steps[0]?.id ?? null) : run.next_step_id
      const scope: RunScope = { db: tx, run, body, account, context: mergeContextOf(account, { body, trigger: run.trigger, publicUrl: params.publicUrl }), today, options: params, facts }
      let waiting = false
      try {
        while (stepId && !waiting) {
          const step = body.steps.find((candidate) => candidate.id === stepId)
          if (!step) throw new Error(`step "${stepId}" is not in version ${run.playbook_version}`)
          // One savepoint per step: its effect, its log line and the run's progress stand or fall together.
          stepId = await tx.transaction(async (savepoint) => {
            const outcome = await runStep({ ...scope, db: savepoint }, step)
            await repo.logStep(savepoint, { workspaceId: run.workspace_id, runId: run.id, stepId: step.id, stepType: step.type, outcome: outcome.outcome, detail: outcome.detail })
            if (outcome.outcome === 'waiting' && outcome.next) {
              await repo.updateRun(savepoint, { workspaceId: run.workspace_id, runId: run.id, status: 'waiting', nextStepId: outcome.next, wakeAt: outcome.wakeAt })
              waiting = true
            } else {
              await repo.updateRun(savepoint, { workspaceId: run.workspace_id, runId: run.id, status: outcome.next ? 'pending' : 'completed', nextStepId: outcome.next })
            }
            return outcome.next
          })
          result.steps += 1
        }
        if (!waiting) result.completed += 1
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        if (stepId) {
          const step = body.steps.find((candidate) => candidate.id === stepId)
          await repo.logStep(tx, { workspaceId: run.workspace_id, runId: run.id, stepId, stepType: step?.type ?? 'unknown', outcome: 'failed', detail: { error: message } })
        }
        await repo.updateRun(tx, { workspaceId: run.workspace_id, runId: run.id, status: 'failed', nextStepId: stepId, lastError: message })
        result.failed += 1
      }
    }
    return result
  })
}
