import crypto from 'node:crypto'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../../platform/db'
import { makeAccount } from '../../testing/factories'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { closePlaybookTasks, createTask, playbookTaskStats, type TaskView } from './index'

let ctx: TestContext
const json = async <T>(response: Response) => (await response.json()) as T
type Problem = { detail?: string; errors?: { field: string; message: string }[] }
const fieldsOf = async (response: Response) => ((await response.json()) as Problem).errors?.map((error) => error.field) ?? []
const today = () => new Date().toISOString().slice(0, 10)
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)

type MyDay = { date: string; overdue: TaskView[]; today: TaskView[]; upcoming: TaskView[]; noDueDate: TaskView[]; snoozed: number; later: number }
type Team = { rows: { userId: string; name: string; open: number; overdue: number; dueThisWeek: number; completed30d: number; medianDaysToComplete: number | null }[]; unassigned: { open: number; overdue: number } }

beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(() => ctx?.close())

/** A task made through the API as `role` (the caller owns it unless `ownerId` says otherwise). */
async function post(workspace: TestWorkspace, body: Record<string, unknown>, role: 'csm' | 'manager' = 'csm'): Promise<TaskView> {
  const response = await ctx.as(workspace, role)('POST', '/api/v1/tasks', body)
  expect(response.status, await response.clone().text()).toBe(201)
  return json<TaskView>(response)
}

describe('createTask', () => {
  it('is idempotent per playbook run and step, also inside a caller’s transaction', async () => {
    const workspace = await ctx.createWorkspace('tasks-idem')
    const db = ctx.handle.db
    const account = await makeAccount(db, workspace.id, { name: 'Idem Co' })
    const playbook = { key: 'health-drop', runId: crypto.randomUUID(), stepId: 'call' }
    const params = { workspaceId: workspace.id, accountId: account.id, title: 'Risk call', priority: 'high' as const, dueOn: inDays(2), ownerId: workspace.users.csm.id, playbook }

    const first = await createTask(db, params)
    const second = await db.transaction((tx) => createTask(tx, { ...params, title: 'A retry with another title' }))
    expect(first.created).toBe(true)
    expect(second.created).toBe(false)
    expect(second.task).toEqual(first.task)
    expect(first.task).toMatchObject({ accountName: 'Idem Co', title: 'Risk call', priority: 'high', playbookKey: 'health-drop', playbookStepId: 'call', createdBy: null, ownerName: 'Cara CSM' })
    const rows = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM tasks WHERE workspace_id = ${workspace.id}`)
    expect(rows[0]?.n).toBe(1)

    // Two workers running the same step at once (separate connections on PostgreSQL): one task.
    const race = { ...params, playbook: { ...playbook, runId: crypto.randomUUID() } }
    const raced = await Promise.all([0, 1, 2].map(() => db.transaction((tx) => createTask(tx, race))))
    expect(raced.filter((result) => result.created)).toHaveLength(1)
    expect(new Set(raced.map((result) => result.task.id)).size).toBe(1)
    await db.execute(sql`DELETE FROM tasks WHERE workspace_id = ${workspace.id} AND playbook_run_id = ${race.playbook.runId}`)

    // Another step of the same run is another task; manual tasks never collide.
    expect((await createTask(db, { ...params, playbook: { ...playbook, stepId: 'escalate' } })).created).toBe(true)
    expect((await createTask(db, { ...params, playbook: undefined })).created).toBe(true)
    expect((await createTask(db, { ...params, playbook: undefined })).created).toBe(true)
  })

  it('closes a playbook’s open tasks and reports its completion statistics', async () => {
    const workspace = await ctx.createWorkspace('tasks-pb')
    const db = ctx.handle.db
    const account = await makeAccount(db, workspace.id)
    const empty = await playbookTaskStats(db, { workspaceId: workspace.id, playbookKey: 'renewal' })
    expect(empty).toEqual({ created: 0, open: 0, completed: 0, dismissed: 0, completionRate: null, medianHoursToComplete: null })

    const made: TaskView[] = []
    for (let step = 0; step < 5; step++) {
      const { task } = await createTask(db, { workspaceId: workspace.id, accountId: account.id, title: `Step ${step}`, playbook: { key: 'renewal', runId: crypto.randomUUID(), stepId: 'prep' } })
      made.push(task)
    }
    await createTask(db, { workspaceId: workspace.id, accountId: account.id, title: 'Manual' })
    const csm = ctx.as(workspace, 'csm')
    // Two completed after 10 and 30 hours.
    for (const [index, hours] of [[0, 10], [1, 30]] as const) {
      await db.execute(sql`UPDATE tasks SET created_at = now() - make_interval(hours => ${hours}) WHERE id = ${made[index]!.id}`)
      expect((await csm('POST', `/api/v1/tasks/${made[index]!.id}/complete`, { outcome: 'resolved' })).status).toBe(200)
    }
    expect((await csm('POST', `/api/v1/tasks/${made[2]!.id}/dismiss`, { reason: 'Renewed early' })).status).toBe(200)

    const dismissed = await closePlaybookTasks(db, { workspaceId: workspace.id, playbookKey: 'renewal', reason: 'Playbook archived', actorId: workspace.users.admin.id })
    expect(dismissed).toBe(2)
    const stats = await playbookTaskStats(db, { workspaceId: workspace.id, playbookKey: 'renewal' })
    expect(stats).toMatchObject({ created: 5, open: 0, completed: 2, dismissed: 3, completionRate: 0.4 })
    expect(stats.medianHoursToComplete).toBeCloseTo(20, 1)
    const closed = await json<TaskView>(await csm('GET', `/api/v1/tasks/${made[4]!.id}`))
    expect(closed).toMatchObject({ status: 'dismissed', dismissReason: 'Playbook archived', closedByName: 'Ada Admin' })
    // The manual task is not the playbook's.
    const open = await json<{ items: TaskView[] }>(await csm('GET', '/api/v1/tasks?status=open'))
    expect(open.items.map((task) => task.title)).toEqual(['Manual'])
  })
})

describe('my day', () => {
  it('groups the caller’s open tasks: overdue, today, upcoming; snoozed, later, closed and others’ hidden', async () => {
    const workspace = await ctx.createWorkspace('tasks-day')
    const db = ctx.handle.db
    const account = await makeAccount(db, workspace.id, { name: 'Day Co', arr: 48_000, renewalDate: inDays(60) })
    await db.execute(sql`INSERT INTO health_scores (workspace_id, account_id, scorecard_key, scorecard_version, score, band, measures)
                         VALUES (${workspace.id}, ${account.id}, 'default', 1, 41.5, 'red', '[]'::jsonb)`)
    const make = (title: string, dueOn: string | null, extra: Record<string, unknown> = {}) => post(workspace, { accountId: account.id, title, dueOn, ...extra })
    const overdue = await make('Overdue', inDays(-3))
    const dueToday = await make('Today', today(), { priority: 'urgent' })
    const upcoming = await make('Upcoming', inDays(3))
    const undated = await make('No date', null)
    await make('Later', inDays(10))
    const snoozed = await make('Snoozed', inDays(-1))
    const snoozedToday = await make('Snoozed until today', inDays(1))
    const done = await make('Done', today())
    await make('Someone else’s', today(), { ownerId: workspace.users.manager.id })
    const csm = ctx.as(workspace, 'csm')
    expect((await csm('POST', `/api/v1/tasks/${snoozed.id}/snooze`, { until: inDays(2) })).status).toBe(200)
    // Snoozed "until today" is the day it comes back (set directly: the API only takes later days).
    await db.execute(sql`UPDATE tasks SET snoozed_until = ${today()}::date WHERE id = ${snoozedToday.id}`)
    expect((await csm('POST', `/api/v1/tasks/${done.id}/complete`, { outcome: 'resolved' })).status).toBe(200)

    const day = await json<MyDay>(await csm('GET', '/api/v1/tasks/my-day'))
    expect(day.date).toBe(today())
    expect(day.overdue.map((task) => task.id)).toEqual([overdue.id])
    expect(day.today.map((task) => task.id)).toEqual([dueToday.id])
    expect(day.upcoming.map((task) => task.id)).toEqual([snoozedToday.id, upcoming.id])
    expect(day.noDueDate.map((task) => task.id)).toEqual([undated.id])
    expect(day).toMatchObject({ snoozed: 1, later: 1 })
    expect(day.today[0]).toMatchObject({ accountName: 'Day Co', accountArr: 48_000, accountRenewalDate: inDays(60), healthScore: 41.5, healthBand: 'red', priority: 'urgent', ownerId: workspace.users.csm.id })

    // The manager's day has only their task; an API key has no day.
    const managers = await json<MyDay>(await ctx.as(workspace, 'manager')('GET', '/api/v1/tasks/my-day'))
    expect(managers.today.map((task) => task.title)).toEqual(['Someone else’s'])
    const key = await ctx.createKey(workspace, ['read'])
    expect((await ctx.withKey(key)('GET', '/api/v1/tasks/my-day')).status).toBe(400)

    // The list filters agree.
    const mine = await json<{ items: TaskView[] }>(await csm('GET', '/api/v1/tasks?owner=me&due=overdue'))
    expect(mine.items.map((task) => task.title)).toEqual(['Overdue', 'Snoozed'])
    expect(await fieldsOf(await ctx.withKey(key)('GET', '/api/v1/tasks?owner=me'))).toEqual(['owner'])
  })

  it('refuses a snooze to today or earlier, naming `until`', async () => {
    const workspace = await ctx.createWorkspace('tasks-snooze')
    const account = await makeAccount(ctx.handle.db, workspace.id)
    const task = await post(workspace, { accountId: account.id, title: 'Call' })
    const csm = ctx.as(workspace, 'csm')
    const bad = await csm('POST', `/api/v1/tasks/${task.id}/snooze`, { until: today() })
    expect(bad.status).toBe(400)
    expect(await fieldsOf(bad)).toEqual(['until'])
    expect(await fieldsOf(await csm('POST', `/api/v1/tasks/${task.id}/snooze`, { until: 'soon' }))).toEqual(['until'])
  })
})

describe('closing tasks', () => {
  it('completes only with an outcome, keeps the note as a comment, and answers 409 the second time', async () => {
    const workspace = await ctx.createWorkspace('tasks-close')
    const account = await makeAccount(ctx.handle.db, workspace.id)
    const task = await post(workspace, { accountId: account.id, title: 'Check in', body: 'Ask about the rollout' })
    const csm = ctx.as(workspace, 'csm')

    const missing = await csm('POST', `/api/v1/tasks/${task.id}/complete`, { note: 'Talked' })
    expect(missing.status).toBe(400)
    expect(await fieldsOf(missing)).toEqual(['outcome'])
    expect(await fieldsOf(await csm('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'great' }))).toEqual(['outcome'])
    expect((await ctx.as(workspace, 'viewer')('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'resolved' })).status).toBe(403)

    const completed = await csm('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'customer_engaged', note: 'They are live in two teams.' })
    expect(completed.status).toBe(200)
    expect(await json<TaskView>(completed)).toMatchObject({ status: 'done', outcome: 'customer_engaged', closedBy: workspace.users.csm.id, closedByName: 'Cara CSM', commentCount: 1 })
    const comments = await json<{ items: { body: string; authorName: string }[] }>(await csm('GET', `/api/v1/tasks/${task.id}/comments`))
    expect(comments.items).toEqual([expect.objectContaining({ body: 'They are live in two teams.', authorName: 'Cara CSM' })])

    const again = await csm('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'resolved' })
    expect(again.status).toBe(409)
    expect((await json<Problem>(again)).detail).toContain('already completed (customer_engaged)')
    expect((await csm('POST', `/api/v1/tasks/${task.id}/dismiss`, { reason: 'x' })).status).toBe(409)
    expect((await csm('POST', `/api/v1/tasks/${task.id}/snooze`, { until: inDays(3) })).status).toBe(409)

    // Reopening clears how it was closed.
    const reopened = await json<TaskView>(await csm('PATCH', `/api/v1/tasks/${task.id}`, { status: 'in_progress', dueOn: inDays(1) }))
    expect(reopened).toMatchObject({ status: 'in_progress', outcome: null, closedAt: null, closedBy: null, dueOn: inDays(1) })
  })

  it('dismisses only with a non-empty reason', async () => {
    const workspace = await ctx.createWorkspace('tasks-dismiss')
    const account = await makeAccount(ctx.handle.db, workspace.id)
    const task = await post(workspace, { accountId: account.id, title: 'Check in' })
    const csm = ctx.as(workspace, 'csm')
    expect(await fieldsOf(await csm('POST', `/api/v1/tasks/${task.id}/dismiss`, {}))).toEqual(['reason'])
    expect(await fieldsOf(await csm('POST', `/api/v1/tasks/${task.id}/dismiss`, { reason: '   ' }))).toEqual(['reason'])
    const dismissed = await csm('POST', `/api/v1/tasks/${task.id}/dismiss`, { reason: ' Duplicate of the renewal task ' })
    expect(await json<TaskView>(dismissed)).toMatchObject({ status: 'dismissed', dismissReason: 'Duplicate of the renewal task' })
  })
})

describe('manual tasks and validation', () => {
  it('defaults the owner to the caller, names bad fields, and keeps the account’s tasks open first', async () => {
    const workspace = await ctx.createWorkspace('tasks-manual')
    const account = await makeAccount(ctx.handle.db, workspace.id)
    const csm = ctx.as(workspace, 'csm')
    const bad = await csm('POST', '/api/v1/tasks', { accountId: account.id, title: ' ', dueOn: '2025-02-30', priority: 'asap' })
    expect(bad.status).toBe(400)
    expect((await fieldsOf(bad)).sort()).toEqual(['dueOn', 'priority', 'title'])
    expect(await fieldsOf(await csm('POST', '/api/v1/tasks', { accountId: crypto.randomUUID(), title: 'x' }))).toEqual(['accountId'])
    expect(await fieldsOf(await csm('POST', '/api/v1/tasks', { accountId: account.id, title: 'x', ownerId: crypto.randomUUID() }))).toEqual(['ownerId'])
    expect(await fieldsOf(await csm('POST', '/api/v1/tasks', { accountId: account.id, title: 'x', color: 'red' }))).toEqual(['color'])

    const first = await post(workspace, { accountId: account.id, title: 'First', dueOn: inDays(5) })
    expect(first).toMatchObject({ ownerId: workspace.users.csm.id, createdBy: workspace.users.csm.id, status: 'open', priority: 'normal', body: '' })
    const unassigned = await post(workspace, { accountId: account.id, title: 'Nobody’s', ownerId: null })
    expect(unassigned.ownerId).toBeNull()
    const closed = await post(workspace, { accountId: account.id, title: 'Closed' })
    await csm('POST', `/api/v1/tasks/${closed.id}/complete`, { outcome: 'not_needed' })
    const soon = await post(workspace, { accountId: account.id, title: 'Soon', dueOn: inDays(1) })
    const listed = await json<{ items: TaskView[] }>(await csm('GET', `/api/v1/accounts/${account.id}/tasks`))
    expect(listed.items.map((task) => task.title)).toEqual(['Soon', 'First', 'Nobody’s', 'Closed'])
    expect((await csm('GET', `/api/v1/accounts/${crypto.randomUUID()}/tasks`)).status).toBe(404)

    const patched = await json<TaskView>(await csm('PATCH', `/api/v1/tasks/${soon.id}`, { title: 'Sooner', priority: 'high', ownerId: workspace.users.manager.id }))
    expect(patched).toMatchObject({ title: 'Sooner', priority: 'high', ownerName: 'Max Manager', status: 'open' })
    expect(await fieldsOf(await csm('PATCH', `/api/v1/tasks/${soon.id}`, { status: 'done' }))).toEqual(['status'])

    const comment = await csm('POST', `/api/v1/tasks/${soon.id}/comments`, { body: 'Left a voicemail' })
    expect(comment.status).toBe(201)
    expect(await fieldsOf(await csm('POST', `/api/v1/tasks/${soon.id}/comments`, { body: '' }))).toEqual(['body'])
  })

  it('pages the list by due date with a cursor and refuses a forged cursor', async () => {
    const workspace = await ctx.createWorkspace('tasks-page')
    const account = await makeAccount(ctx.handle.db, workspace.id)
    for (const [title, due] of [['c', 3], ['a', 1], ['none', null], ['b', 2]] as const) await post(workspace, { accountId: account.id, title, dueOn: due === null ? null : inDays(due) })
    const csm = ctx.as(workspace, 'csm')
    const titles: string[] = []
    let cursor: string | null = null
    do {
      const query: string = cursor ? `&cursor=${cursor}` : ''
      const page: { items: TaskView[]; nextCursor: string | null } = await json(await csm('GET', `/api/v1/tasks?limit=3${query}`))
      titles.push(...page.items.map((task) => task.title))
      cursor = page.nextCursor
    } while (cursor)
    expect(titles).toEqual(['a', 'b', 'c', 'none'])
    expect(await fieldsOf(await csm('GET', '/api/v1/tasks?cursor=bm9wZQ'))).toEqual(['cursor'])
    expect(await fieldsOf(await csm('GET', '/api/v1/tasks?owner=someone'))).toEqual(['owner'])
  })
})

describe('workspace isolation', () => {
  it('never shows or changes another workspace’s task', async () => {
    const mine = await ctx.createWorkspace('tasks-iso-a')
    const theirs = await ctx.createWorkspace('tasks-iso-b')
    const account = await makeAccount(ctx.handle.db, theirs.id)
    const task = await post(theirs, { accountId: account.id, title: 'Theirs' })
    const csm = ctx.as(mine, 'csm')
    expect((await csm('GET', `/api/v1/tasks/${task.id}`)).status).toBe(404)
    expect((await csm('PATCH', `/api/v1/tasks/${task.id}`, { title: 'Mine now' })).status).toBe(404)
    expect((await csm('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'resolved' })).status).toBe(404)
    expect((await csm('POST', `/api/v1/tasks/${task.id}/dismiss`, { reason: 'x' })).status).toBe(404)
    expect((await csm('POST', `/api/v1/tasks/${task.id}/snooze`, { until: inDays(2) })).status).toBe(404)
    expect((await csm('GET', `/api/v1/tasks/${task.id}/comments`)).status).toBe(404)
    expect((await csm('POST', `/api/v1/tasks/${task.id}/comments`, { body: 'hi' })).status).toBe(404)
    expect((await csm('GET', `/api/v1/accounts/${account.id}/tasks`)).status).toBe(404)
    expect(await fieldsOf(await csm('POST', '/api/v1/tasks', { accountId: account.id, title: 'x' }))).toEqual(['accountId'])
    expect((await json<{ items: TaskView[] }>(await ctx.as(mine, 'manager')('GET', '/api/v1/tasks?status=all'))).items).toEqual([])
    expect((await json<TaskView>(await ctx.as(theirs, 'csm')('GET', `/api/v1/tasks/${task.id}`))).title).toBe('Theirs')
  })
})

describe('team view', () => {
  it('counts open, overdue, due this week, completed in 30 days and the median days to complete per person', async () => {
    const workspace = await ctx.createWorkspace('tasks-team')
    const db = ctx.handle.db
    const account = await makeAccount(db, workspace.id)
    const csmId = workspace.users.csm.id
    const make = (title: string, dueOn: string | null, ownerId: string | null = csmId) => post(workspace, { accountId: account.id, title, dueOn, ownerId }, 'manager')
    await make('Overdue 1', inDays(-2))
    await make('Overdue 2', inDays(-1))
    await make('This week', inDays(6))
    await make('Next week', inDays(7))
    await make('Unassigned overdue', inDays(-1), null)
    await make('Unassigned', null, null)
    const manager = ctx.as(workspace, 'manager')
    for (const [days, closedDaysAgo] of [[2, 0], [4, 1], [9, 1], [1, 40]] as const) {
      const task = await make(`Done after ${days}`, null)
      expect((await manager('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'resolved' })).status).toBe(200)
      await db.execute(sql`UPDATE tasks SET closed_at = now() - make_interval(days => ${closedDaysAgo}), created_at = now() - make_interval(days => ${closedDaysAgo + days}) WHERE id = ${task.id}`)
    }
    const dismissed = await make('Dismissed', inDays(-5))
    await manager('POST', `/api/v1/tasks/${dismissed.id}/dismiss`, { reason: 'Not needed' })

    const team = await json<Team>(await manager('GET', '/api/v1/tasks/team'))
    const cara = team.rows.find((row) => row.userId === csmId)
    expect(cara).toMatchObject({ name: 'Cara CSM', open: 4, overdue: 2, dueThisWeek: 1, completed30d: 3, medianDaysToComplete: 4 })
    expect(team.rows[0]?.userId).toBe(csmId)
    // Everyone who can own work is listed, with zeros; viewers are not.
    expect(team.rows.find((row) => row.name === 'Max Manager')).toMatchObject({ open: 0, overdue: 0, completed30d: 0, medianDaysToComplete: null })
    expect(team.rows.some((row) => row.name === 'Vic Viewer')).toBe(false)
    expect(team.unassigned).toEqual({ open: 2, overdue: 1 })

    const carasOpen = await json<{ items: TaskView[] }>(await manager('GET', `/api/v1/tasks?owner=${csmId}&status=open`))
    expect(carasOpen.items.map((task) => task.title)).toEqual(['Overdue 1', 'Overdue 2', 'This week', 'Next week'])
  })
})

describe('contract', () => {
  it('documents every task route in the OpenAPI document', async () => {
    const doc = await json<{ paths: Record<string, Record<string, unknown>> }>(await ctx.app.request('/api/openapi.json'))
    const paths = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`)).filter((route) => route.includes('tasks'))
    expect(paths.sort()).toEqual([
      'GET /api/v1/accounts/{id}/tasks',
      'GET /api/v1/tasks',
      'GET /api/v1/tasks/my-day',
      'GET /api/v1/tasks/team',
      'GET /api/v1/tasks/{id}',
      'GET /api/v1/tasks/{id}/comments',
      'PATCH /api/v1/tasks/{id}',
      'POST /api/v1/tasks',
      'POST /api/v1/tasks/{id}/comments',
      'POST /api/v1/tasks/{id}/complete',
      'POST /api/v1/tasks/{id}/dismiss',
      'POST /api/v1/tasks/{id}/snooze',
    ])
  })
})
