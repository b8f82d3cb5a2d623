import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify as stringifyYaml } from 'yaml'
import { queryRows } from '../../platform/db'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { makeAccount, makeContact, makeTicket } from '../../testing/factories'
import { untilEventsReadable } from '../../testing/domain-events'
import { recordDomainEvents } from '../domain-events'
import { advanceDueRuns } from './playbooks.executor'
import { consumeEventsForPlaybooks, sweepScheduledPlaybooks } from './playbooks.triggers'

let ctx: TestContext
const json = async <T>(response: Response) => (await response.json()) as T
type Problem = { errors?: { field: string; message: string }[] }
const fieldsOf = async (response: Response) => ((await response.json()) as Problem).errors?.map((error) => error.field) ?? []
const publicUrl = 'https://bosun.example'

async function publish(workspace: TestWorkspace, kind: string, key: string, body: unknown) {
  const admin = ctx.as(workspace, 'admin')
  const saved = await admin('PUT', `/api/v1/config/${kind}/${key}`, { body, comment: 'test' })
  expect(saved.status, await saved.clone().text()).toBe(200)
  const published = await admin('POST', `/api/v1/config/${kind}/${key}/publish`)
  expect(published.status, await published.clone().text()).toBe(200)
}

/** What the trigger and advance jobs do, until nothing is left. */
async function settle(workspace: TestWorkspace) {
  for (;;) {
    await untilEventsReadable(ctx.handle.db, workspace.id)
    const read = await consumeEventsForPlaybooks(ctx.handle.db, { workspaceId: workspace.id, limit: 500 })
    if (read.read === 0) break
  }
  for (;;) {
    const advanced = await advanceDueRuns(ctx.handle.db, { limit: 50, publicUrl })
    if (advanced.runs === 0) break
  }
}

/** What the health engine does when a score falls into red: the score row and the event, together. */
async function turnRed(workspace: TestWorkspace, accountId: string, from: 'green' | 'yellow' = 'green') {
  await ctx.handle.db.execute(sql`
    INSERT INTO health_scores (workspace_id, account_id, scorecard_key, scorecard_version, score, band, measures)
    VALUES (${workspace.id}, ${accountId}, 'default', 1, 31, 'red', '[]'::jsonb)
    ON CONFLICT (workspace_id, account_id) DO UPDATE SET score = 31, band = 'red'`)
  await recordDomainEvents(ctx.handle.db, [{ workspaceId: workspace.id, type: 'health.band_changed', accountId, payload: { from, to: 'red', score: 31, scorecard: 'default' } }])
}

type Task = { id: string; title: string; body: string; ownerId: string | null; priority: string; status: string; dueOn: string | null; playbookKey: string | null }
const tasksOf = async (workspace: TestWorkspace, accountId: string) => (await json<{ items: Task[] }>(await ctx.as(workspace, 'csm')('GET', `/api/v1/accounts/${accountId}/tasks`))).items

const riskPlay = {
  name: 'Health turned red',
  trigger: { type: 'health_band_changed', to: ['red'] },
  condition: { field: 'arr', op: 'gte', value: 10_000 },
  cooldownDays: 30,
  steps: [
    { id: 'call', type: 'task', title: 'Risk call: {{account.name}} is {{account.health_band}}', body: 'Why: {{trigger.summary}}. Owner {{owner.name | nobody}}.', priority: 'high', dueDays: 2 },
    { id: 'big', type: 'branch', if: { field: 'arr', op: 'gte', value: 100_000 }, then: 'exec', else: 'end' },
    { id: 'exec', type: 'task', title: 'Exec review {{account.name}}', priority: 'urgent', dueDays: 5, owner: { type: 'role', role: 'manager' } },
  ],
}

beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx?.close()
})

describe('playbooks', () => {
  it('turns a health drop into one task per trigger, with merge fields, owner, branch and a run log', async () => {
    const ws = await ctx.createWorkspace('pb-risk')
    await publish(ws, 'playbook', 'risk', riskPlay)
    const small = await makeAccount(ctx.handle.db, ws.id, { name: 'Small Co', arr: 20_000, ownerId: ws.users.csm.id })
    const big = await makeAccount(ctx.handle.db, ws.id, { name: 'Big Co', arr: 250_000, ownerId: ws.users.csm.id })
    const tiny = await makeAccount(ctx.handle.db, ws.id, { name: 'Tiny Co', arr: 500 })
    for (const account of [small, big, tiny]) await turnRed(ws, account.id)
    await settle(ws)
    // Again: the cursor moved, nothing new.
    await settle(ws)

    const smallTasks = await tasksOf(ws, small.id)
    expect(smallTasks.map((task) => task.title)).toEqual(['Risk call: Small Co is red'])
    expect(smallTasks[0]).toMatchObject({ ownerId: ws.users.csm.id, priority: 'high', playbookKey: 'risk' })
    expect(smallTasks[0]!.body).toBe('Why: health band green → red (score 31). Owner Cara CSM.')
    const bigTasks = await tasksOf(ws, big.id)
    expect(bigTasks.map((task) => task.title).sort()).toEqual(['Exec review Big Co', 'Risk call: Big Co is red'])
    expect(bigTasks.find((task) => task.title.startsWith('Exec'))?.ownerId).toBe(ws.users.manager.id)
    // Below the condition: no run at all.
    expect(await tasksOf(ws, tiny.id)).toEqual([])

    const log = await json<{ runs: { status: string; steps: { stepId: string; outcome: string; detail: Record<string, unknown> }[] }[] }>(
      await ctx.as(ws, 'csm')('GET', `/api/v1/accounts/${small.id}/playbook-runs`),
    )
    expect(log.runs).toHaveLength(1)
    expect(log.runs[0]!.status).toBe('completed')
    expect(log.runs[0]!.steps.map((step) => `${step.stepId}:${step.outcome}`)).toEqual(['call:done', 'big:done'])
    expect(log.runs[0]!.steps[1]!.detail).toMatchObject({ condition: false, goTo: 'end' })

    // A second red within the cooldown does not run again.
    await turnRed(ws, small.id, 'yellow')
    await settle(ws)
    expect(await tasksOf(ws, small.id)).toHaveLength(1)

    const effect = await json<{ triggered: { runs: number; accounts: number }; steps: { executed: number }; tasks: { created: number } }>(await ctx.as(ws, 'admin')('GET', '/api/v1/playbooks/risk/effect'))
    expect(effect.triggered).toMatchObject({ runs: 2, accounts: 2 })
    expect(effect.tasks.created).toBe(3)
    expect(effect.steps.executed).toBe(5)
  })

  it('runs each step once when several workers advance the same runs at the same time', async () => {
    const ws = await ctx.createWorkspace('pb-race')
    await publish(ws, 'playbook', 'risk', { ...riskPlay, condition: undefined, cooldownDays: 0 })
    const accounts = []
    for (let index = 0; index < 40; index += 1) accounts.push(await makeAccount(ctx.handle.db, ws.id, { name: `Race ${index}`, arr: 150_000 }))
    for (const account of accounts) await turnRed(ws, account.id)
    await untilEventsReadable(ctx.handle.db, ws.id)
    for (;;) if ((await consumeEventsForPlaybooks(ctx.handle.db, { workspaceId: ws.id, limit: 500 })).read === 0) break
    const work = async () => {
      for (;;) if ((await advanceDueRuns(ctx.handle.db, { limit: 7, publicUrl })).runs === 0) return
    }
    await Promise.all([work(), work(), work(), work()])
    const [counts] = await queryRows<{ tasks: number; distinct_keys: number; runs: number }>(
      ctx.handle.db,
      sql`SELECT count(*)::int AS tasks, count(DISTINCT (playbook_run_id, playbook_step_id))::int AS distinct_keys,
            (SELECT count(*)::int FROM playbook_runs WHERE workspace_id = ${ws.id} AND status = 'completed') AS runs
          FROM tasks WHERE workspace_id = ${ws.id}`,
    )
    expect(counts).toEqual({ tasks: 80, distinct_keys: 80, runs: 40 })
  })

  it('waits, then continues; a ticket trigger filters by priority; emails go to contacts by role', async () => {
    const ws = await ctx.createWorkspace('pb-wait')
    await publish(ws, 'playbook', 'urgent', {
      name: 'Urgent ticket',
      trigger: { type: 'ticket_opened', priorities: ['urgent'] },
      steps: [
        { id: 'mail', type: 'email', toRoles: ['champion'], subject: 'About your ticket, {{contact.first_name}}', body: 'Hi {{contact.first_name}}, we are on it. {{owner.name}}' },
        { id: 'pause', type: 'wait', days: 2 },
        { id: 'check', type: 'task', title: 'Check the ticket at {{account.name}} was solved', dueDays: 0 },
      ],
    })
    const account = await makeAccount(ctx.handle.db, ws.id, { name: 'Ticket Co', arr: 30_000, ownerId: ws.users.csm.id })
    await makeContact(ctx.handle.db, ws.id, account.id, { name: 'Cham Pion', email: 'champ@ticket.test', roles: ['champion'] })
    await makeContact(ctx.handle.db, ws.id, account.id, { name: 'Other User', email: 'user@ticket.test', roles: ['user'] })
    await makeTicket(ctx.handle.db, ws.id, account.id, { subject: 'Minor', priority: 'low' })
    await makeTicket(ctx.handle.db, ws.id, account.id, { subject: 'Down!', priority: 'urgent' })
    await settle(ws)

    const emails = await queryRows<{ to_address: string; subject: string; from_address: string; text_body: string }>(
      ctx.handle.db,
      sql`SELECT to_address, subject, from_address, text_body FROM outbound_emails WHERE workspace_id = ${ws.id}`,
    )
    expect(emails.map((email) => [email.to_address, email.subject])).toEqual([['champ@ticket.test', 'About your ticket, Cham']])
    expect(emails[0]!.text_body).toContain('Hi Cham, we are on it. Cara CSM')
    expect(await tasksOf(ws, account.id)).toEqual([])
    const [run] = await queryRows<{ id: string; status: string; next_step_id: string }>(ctx.handle.db, sql`SELECT id, status, next_step_id FROM playbook_runs WHERE workspace_id = ${ws.id}`)
    expect(run).toMatchObject({ status: 'waiting', next_step_id: 'check' })

    // Two days later.
    await ctx.handle.db.execute(sql`UPDATE playbook_runs SET wake_at = now() WHERE id = ${run!.id}`)
    await settle(ws)
    expect((await tasksOf(ws, account.id)).map((task) => task.title)).toEqual(['Check the ticket at Ticket Co was solved'])
  })

  it('dry-runs: who would trigger now and what each would get, writing nothing', async () => {
    const ws = await ctx.createWorkspace('pb-dry')
    await publish(ws, 'playbook', 'urgent', {
      name: 'Urgent ticket',
      trigger: { type: 'ticket_opened', priorities: ['urgent'] },
      condition: { field: 'arr', op: 'gte', value: 10_000 },
      steps: [{ id: 'call', type: 'task', title: 'Call {{account.name}}', dueDays: 1 }],
    })
    const hit = await makeAccount(ctx.handle.db, ws.id, { name: 'Hit Co', arr: 50_000, ownerId: ws.users.csm.id })
    const small = await makeAccount(ctx.handle.db, ws.id, { name: 'Small Co', arr: 1_000 })
    await makeTicket(ctx.handle.db, ws.id, hit.id, { subject: 'Outage', priority: 'urgent' })
    await makeTicket(ctx.handle.db, ws.id, small.id, { subject: 'Outage', priority: 'urgent' })
    const dry = await json<{ matching: number; accounts: { accountName: string; why: string; steps: { would: string }[] }[] }>(await ctx.as(ws, 'admin')('POST', '/api/v1/playbooks/urgent/dry-run'))
    expect(dry.matching).toBe(1)
    expect(dry.accounts[0]).toMatchObject({ accountName: 'Hit Co', why: 'urgent ticket open: Outage' })
    expect(dry.accounts[0]!.steps[0]!.would).toBe('task "Call Hit Co" for Cara CSM, normal, due in 1 days')
    const [{ runs }] = (await queryRows<{ runs: number }>(ctx.handle.db, sql`SELECT count(*)::int AS runs FROM playbook_runs WHERE workspace_id = ${ws.id}`)) as [{ runs: number }]
    expect(runs).toBe(0)
  })

  it('pausing asks what to do with open runs and tasks, and does it', async () => {
    const ws = await ctx.createWorkspace('pb-pause')
    await publish(ws, 'playbook', 'follow', {
      name: 'Follow up',
      trigger: { type: 'manual' },
      steps: [
        { id: 'first', type: 'task', title: 'First touch {{account.name}}' },
        { id: 'later', type: 'wait', days: 7 },
        { id: 'second', type: 'task', title: 'Second touch {{account.name}}' },
      ],
    })
    const account = await makeAccount(ctx.handle.db, ws.id, { name: 'Pause Co', arr: 5_000 })
    const admin = ctx.as(ws, 'admin')
    const started = await admin('POST', '/api/v1/playbooks/follow/run', { accountIds: [account.id] })
    expect(started.status).toBe(202)
    await settle(ws)
    expect((await tasksOf(ws, account.id)).map((task) => task.status)).toEqual(['open'])

    const missing = await admin('POST', '/api/v1/playbooks/follow/pause', { openRuns: 'cancel' })
    expect(missing.status).toBe(400)
    expect(await fieldsOf(missing)).toContain('openTasks')

    const paused = await json<{ status: string; runsCancelled: number; tasksDismissed: number }>(await admin('POST', '/api/v1/playbooks/follow/pause', { openRuns: 'cancel', openTasks: 'dismiss' }))
    expect(paused).toEqual({ status: 'paused', runsCancelled: 1, tasksDismissed: 1 })
    const tasks = await tasksOf(ws, account.id)
    expect(tasks.map((task) => task.status)).toEqual(['dismissed'])
    const list = await json<{ playbooks: { key: string; status: string }[] }>(await admin('GET', '/api/v1/playbooks'))
    expect(list.playbooks.find((playbook) => playbook.key === 'follow')?.status).toBe('paused')

    // While paused, nothing triggers; a manual run of another account waits until resumed.
    const other = await makeAccount(ctx.handle.db, ws.id, { name: 'Later Co', arr: 5_000 })
    await admin('POST', '/api/v1/playbooks/follow/run', { accountIds: [other.id] })
    await settle(ws)
    expect(await tasksOf(ws, other.id)).toEqual([])
    await admin('POST', '/api/v1/playbooks/follow/resume')
    await settle(ws)
    expect((await tasksOf(ws, other.id)).map((task) => task.title)).toEqual(['First touch Later Co'])
  })

  it('changing a live playbook through the configuration API or a YAML apply asks what happens to its open runs and tasks', async () => {
    const ws = await ctx.createWorkspace('pb-config-open-work')
    const followBody = (name: string) => ({
      name,
      trigger: { type: 'manual' },
      steps: [
        { id: 'first', type: 'task', title: 'First touch {{account.name}}' },
        { id: 'later', type: 'wait', days: 7 },
        { id: 'second', type: 'task', title: 'Second touch {{account.name}}' },
      ],
    })
    await publish(ws, 'playbook', 'follow', followBody('Follow up'))
    const admin = ctx.as(ws, 'admin')
    const startRun = async (name: string) => {
      const account = await makeAccount(ctx.handle.db, ws.id, { name, arr: 5_000 })
      expect((await admin('POST', '/api/v1/playbooks/follow/run', { accountIds: [account.id] })).status).toBe(202)
      await settle(ws)
      return account
    }
    const first = await startRun('Open Work Co')
    type Document = { published: { version: number } | null; draft: { version: number } | null; openWork: { runs: number; tasks: number } | null; settled?: { runsCancelled: number; tasksDismissed: number } | null }
    const documentNow = async () => json<Document>(await admin('GET', '/api/v1/config/playbook/follow'))
    expect((await documentNow()).openWork).toEqual({ runs: 1, tasks: 1 })

    // Publish from the generic editor: refused until both questions are answered; the draft stays a draft.
    await admin('PUT', '/api/v1/config/playbook/follow', { body: followBody('Follow up (v2)') })
    const unanswered = await admin('POST', '/api/v1/config/playbook/follow/publish', { openRuns: 'continue' })
    expect(unanswered.status).toBe(409)
    expect(await fieldsOf(unanswered)).toEqual(['openTasks'])
    expect(await documentNow()).toMatchObject({ published: { version: 1 }, draft: { version: 2 } })
    const kept = await json<Document>(await admin('POST', '/api/v1/config/playbook/follow/publish', { openRuns: 'continue', openTasks: 'keep' }))
    expect(kept).toMatchObject({ published: { version: 2 }, settled: { runsCancelled: 0, tasksDismissed: 0 }, openWork: { runs: 1, tasks: 1 } })

    // Config as code: plan says what is under way; apply refuses without answers, then does as told.
    const yaml = stringifyYaml({ documents: [{ kind: 'playbook', key: 'follow', body: followBody('Follow up (v3)') }] })
    type Plan = { valid: boolean; documents: { key: string; notes: string[]; openWork: unknown; settled: unknown }[]; errors: { document: string | null; field: string }[] }
    const planned = await json<Plan>(await admin('POST', '/api/v1/config/plan', { yaml }))
    expect(planned.valid).toBe(true)
    expect(planned.documents[0]).toMatchObject({ openWork: { runs: 1, tasks: 1 }, settled: null })
    expect(planned.documents[0]?.notes.join(' ')).toContain('1 run under way and 1 open task: apply needs openRuns (continue or cancel); apply needs openTasks (keep or dismiss)')
    const refused = await admin('POST', '/api/v1/config/apply', { yaml })
    expect(refused.status).toBe(400)
    expect((await json<Plan>(refused)).errors).toEqual([
      expect.objectContaining({ document: 'playbook/follow', field: 'openRuns' }),
      expect.objectContaining({ document: 'playbook/follow', field: 'openTasks' }),
    ])
    expect((await documentNow()).published?.version).toBe(2)
    const applied = await admin('POST', '/api/v1/config/apply', { yaml, openRuns: 'cancel', openTasks: 'dismiss' })
    expect(applied.status).toBe(200)
    expect((await json<Plan>(applied)).documents[0]).toMatchObject({ settled: { runsCancelled: 1, tasksDismissed: 1 } })
    expect((await tasksOf(ws, first.id)).map((task) => task.status)).toEqual(['dismissed'])
    const [run] = await queryRows<{ status: string; end_reason: string }>(ctx.handle.db, sql`SELECT status, end_reason FROM playbook_runs WHERE workspace_id = ${ws.id} AND account_id = ${first.id}`)
    expect(run).toEqual({ status: 'cancelled', end_reason: 'playbook changed to version 3 by Ada Admin (config apply)' })
    expect((await documentNow()).openWork).toEqual({ runs: 0, tasks: 0 })

    // Archiving asks too (as a query string on DELETE); runs cancelled, tasks kept.
    const second = await startRun('Archive Co')
    const archiveRefused = await admin('DELETE', '/api/v1/config/playbook/follow')
    expect(archiveRefused.status).toBe(409)
    expect(await fieldsOf(archiveRefused)).toEqual(['openRuns', 'openTasks'])
    const archived = await json<Document>(await admin('DELETE', '/api/v1/config/playbook/follow?openRuns=cancel&openTasks=keep'))
    expect(archived.settled).toEqual({ runsCancelled: 1, tasksDismissed: 0 })
    expect((await tasksOf(ws, second.id)).map((task) => task.status)).toEqual(['open'])

    // A rollback with open tasks asks only about the tasks.
    const restoreRefused = await admin('POST', '/api/v1/config/playbook/follow/versions/1/restore', {})
    expect(restoreRefused.status).toBe(409)
    expect(await fieldsOf(restoreRefused)).toEqual(['openTasks'])
    expect((await admin('POST', '/api/v1/config/playbook/follow/versions/1/restore', { openTasks: 'keep' })).status).toBe(200)
  })

  it('fires a schedule once per tick and a relative date once per renewal', async () => {
    const ws = await ctx.createWorkspace('pb-sched')
    await publish(ws, 'playbook', 'weekly', {
      name: 'Weekly review',
      trigger: { type: 'schedule', cron: '0 9 * * 1' },
      condition: { field: 'arr', op: 'gte', value: 100_000 },
      steps: [{ id: 'review', type: 'task', title: 'Weekly review {{account.name}}' }],
    })
    const renewalDay = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10)
    await publish(ws, 'playbook', 'renewal', {
      name: 'Renewal in 90 days',
      trigger: { type: 'relative_date', anchor: 'renewal_date', offsetDays: -90 },
      steps: [{ id: 'prep', type: 'task', title: 'Prepare renewal {{account.renewal_date}}' }],
    })
    const big = await makeAccount(ctx.handle.db, ws.id, { name: 'Big', arr: 200_000, renewalDate: renewalDay })
    await makeAccount(ctx.handle.db, ws.id, { name: 'Small', arr: 2_000 })
    const monday = new Date('2030-01-07T08:59:00Z')
    await sweepScheduledPlaybooks(ctx.handle.db, { workspaceId: ws.id, now: monday })
    await sweepScheduledPlaybooks(ctx.handle.db, { workspaceId: ws.id, now: new Date('2030-01-07T09:00:30Z') })
    await sweepScheduledPlaybooks(ctx.handle.db, { workspaceId: ws.id, now: new Date('2030-01-07T09:01:30Z') })
    await sweepScheduledPlaybooks(ctx.handle.db, { workspaceId: ws.id })
    await sweepScheduledPlaybooks(ctx.handle.db, { workspaceId: ws.id })
    await settle(ws)
    const titles = (await tasksOf(ws, big.id)).map((task) => task.title).sort()
    expect(titles).toEqual([`Prepare renewal ${renewalDay}`, 'Weekly review Big'])
  })

  it('measures the health change 30 days after a run against same-tier accounts that started from a similar score', async () => {
    const ws = await ctx.createWorkspace('pb-effect')
    await publish(ws, 'playbook', 'risk', { ...riskPlay, condition: undefined })
    const treated = await makeAccount(ctx.handle.db, ws.id, { name: 'Treated', arr: 20_000 })
    const similar = await makeAccount(ctx.handle.db, ws.id, { name: 'Similar', arr: 20_000 })
    const healthy = await makeAccount(ctx.handle.db, ws.id, { name: 'Healthy', arr: 20_000 })
    const otherTier = await makeAccount(ctx.handle.db, ws.id, { name: 'Other tier', arr: 20_000 })
    const day = (ago: number) => new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10)
    for (const [account, tier] of [[treated, 'smb'], [similar, 'smb'], [healthy, 'smb'], [otherTier, 'enterprise']] as const) {
      await ctx.handle.db.execute(sql`INSERT INTO account_memberships (workspace_id, family, account_id, group_key) VALUES (${ws.id}, 'tier', ${account.id}, ${tier})`)
    }
    // Weekly snapshots: the run's day (40 days ago) has none, the nearest is 41 days ago; 30 days later is 11 days ago.
    const scores: [string, number, number][] = [[treated.id, 30, 60], [similar.id, 35, 40], [healthy.id, 80, 20], [otherTier.id, 30, 90]]
    for (const [accountId, before, after] of scores) {
      for (const [ago, score] of [[41, before], [11, after]] as const) {
        await ctx.handle.db.execute(sql`INSERT INTO health_snapshots (workspace_id, account_id, day, scorecard_key, scorecard_version, score, band, measures)
          VALUES (${ws.id}, ${accountId}, ${day(ago)}, 'default', 1, ${score}, 'yellow', '[]'::jsonb)`)
      }
    }
    await ctx.handle.db.execute(sql`INSERT INTO playbook_runs (workspace_id, playbook_key, playbook_version, account_id, occurrence, trigger, status, triggered_at, created_at)
      VALUES (${ws.id}, 'risk', 1, ${treated.id}, 'event:1', '{}'::jsonb, 'completed', now() - interval '40 days', now() - interval '40 days')`)
    const effect = await json<{ healthEffect: unknown }>(await ctx.as(ws, 'admin')('GET', '/api/v1/playbooks/risk/effect'))
    // Treated +30; the only comparable account (same tier, started within 10 points) +5.
    expect(effect.healthEffect).toEqual({ method: 'comparison', runsMeasured: 1, triggeredChange: 30, comparisonChange: 5, difference: 25 })
  })

  it('rejects a playbook whose steps point backwards or name unknown things, naming the field', async () => {
    const ws = await ctx.createWorkspace('pb-valid')
    const admin = ctx.as(ws, 'admin')
    const bad = await admin('PUT', '/api/v1/config/playbook/bad', {
      body: {
        name: 'Bad',
        trigger: { type: 'schedule', cron: 'every day' },
        steps: [
          { id: 'one', type: 'task', title: 'Hello {{account.nmae}}' },
          { id: 'loop', type: 'branch', if: { field: 'arr', op: 'gt', value: 1 }, then: 'one', else: 'end' },
          { id: 'post', type: 'webhook', destination: 'nowhere' },
        ],
      },
    })
    expect(bad.status).toBe(400)
    const fields = await fieldsOf(bad)
    expect(fields).toEqual(expect.arrayContaining(['body.trigger.cron', 'body.steps.0.title', 'body.steps.1.then']))
  })
})
