/** Tasks (CTAs): made by hand or by playbooks, worked from "My day", closed with an outcome or a reason. */
import type { Db } from '../../platform/db'
import { ProblemError, badRequest, conflict, decodeCursor, encodeCursor, notFound, type AuthContext } from '../../platform/http'
import type { TaskListFilters, TaskOutcome } from './tasks.contracts'
import * as repo from './tasks.repo'
import type { TaskView } from './tasks.repo'
import type { TaskPriority, TaskStatus } from './tasks.tables'

export type { TaskView, CommentView } from './tasks.repo'

/** The calendar day tasks are due on, in UTC (as the rest of Bosun's "today"). */
export const todayUtc = () => new Date().toISOString().slice(0, 10)

const openStatuses: readonly TaskStatus[] = ['open', 'in_progress']
/** "My day" looks this many days ahead. */
const UPCOMING_DAYS = 7
const MY_DAY_LIMIT = 500
const ACCOUNT_TASKS_LIMIT = 200
const COMMENTS_LIMIT = 500

/** The user behind a request; null with an API key. */
export const callerId = (auth: AuthContext) => (auth.actor.kind === 'user' ? auth.actor.userId : null)

export type CreateTaskParams = {
  workspaceId: string
  accountId: string
  title: string
  body?: string
  priority?: TaskPriority
  dueOn?: string | null
  ownerId?: string | null
  createdBy?: string | null
  /** The playbook run and step making it: then the call is idempotent (one task per run and step). */
  playbook?: { key: string; runId: string; stepId: string }
}

/**
 * Makes a task. With `playbook` a repeat of the same run and step makes nothing and answers the existing
 * task (`created: false`). Runs on the given `db`, so a caller's transaction makes it part of its work.
 */
export async function createTask(db: Db, params: CreateTaskParams): Promise<{ task: TaskView; created: boolean }> {
  const { workspaceId } = params
  if (!(await repo.accountExists(db, { workspaceId, accountId: params.accountId }))) throw badRequest('accountId', 'is not an account of this workspace')
  if (params.ownerId && !(await repo.userExists(db, { workspaceId, userId: params.ownerId }))) throw badRequest('ownerId', 'is not a user of this workspace')
  const insertedId = await repo.insertTask(db, {
    workspaceId,
    accountId: params.accountId,
    title: params.title.trim(),
    body: params.body ?? '',
    priority: params.priority ?? 'normal',
    dueOn: params.dueOn ?? null,
    ownerId: params.ownerId ?? null,
    createdBy: params.createdBy ?? null,
    playbookKey: params.playbook?.key ?? null,
    playbookRunId: params.playbook?.runId ?? null,
    playbookStepId: params.playbook?.stepId ?? null,
  })
  const id = insertedId ?? (params.playbook ? await repo.findPlaybookTaskId(db, { workspaceId, runId: params.playbook.runId, stepId: params.playbook.stepId }) : undefined)
  if (!id) throw new Error('task insert answered no row')
  return { task: await getTask(db, { workspaceId, taskId: id }), created: insertedId !== undefined }
}

export async function getTask(db: Db, params: { workspaceId: string; taskId: string }): Promise<TaskView> {
  const task = await repo.findTask(db, params)
  if (!task) throw notFound('Task')
  return task
}

const dayText = /^\d{4}-\d{2}-\d{2}$/
const uuidText = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function decodeTaskCursor(cursor: string | undefined): [string, string] | undefined {
  const values = decodeCursor(cursor, 2)
  if (!values) return undefined
  const [key, id] = values
  if (typeof key === 'string' && dayText.test(key) && typeof id === 'string' && uuidText.test(id)) return [key, id]
  throw badRequest('cursor', 'is not a cursor returned by this endpoint')
}

export async function listTasks(db: Db, params: { workspaceId: string; callerId: string | null; filters: TaskListFilters }) {
  const { filters } = params
  if (filters.owner === 'me' && !params.callerId) throw badRequest('owner', '`me` needs a signed-in user; pass a user id')
  const ownerId = filters.owner === 'all' ? undefined : filters.owner === 'me' ? (params.callerId ?? undefined) : filters.owner
  const rows = await repo.listTasks(db, {
    workspaceId: params.workspaceId,
    filters: { ownerId, status: filters.status, accountId: filters.accountId, due: filters.due, playbookKey: filters.playbook },
    today: todayUtc(),
    limit: filters.limit + 1,
    after: decodeTaskCursor(filters.cursor),
  })
  const page = rows.slice(0, filters.limit)
  const last = page[page.length - 1]
  return {
    items: page.map(({ dueKey: _dueKey, ...task }) => task),
    nextCursor: rows.length > filters.limit && last ? encodeCursor([last.dueKey, last.id]) : null,
  }
}

/** The signed-in user's open tasks for today, grouped: overdue, due today, upcoming (7 days), no due date. */
export async function getMyDay(db: Db, params: { workspaceId: string; userId: string; today?: string }) {
  const today = params.today ?? todayUtc()
  const scope = { workspaceId: params.workspaceId, ownerId: params.userId, today, horizonDays: UPCOMING_DAYS }
  const [tasks, hidden] = await Promise.all([repo.myDayTasks(db, { ...scope, limit: MY_DAY_LIMIT }), repo.myDayHidden(db, scope)])
  const group = (test: (task: TaskView) => boolean) => tasks.filter(test)
  return {
    date: today,
    overdue: group((task) => task.dueOn !== null && task.dueOn < today),
    today: group((task) => task.dueOn === today),
    upcoming: group((task) => task.dueOn !== null && task.dueOn > today),
    noDueDate: group((task) => task.dueOn === null),
    snoozed: hidden.snoozed,
    later: hidden.later,
  }
}

/** Each person's open work and recent completions; people with nothing open still show (except viewers). */
export async function getTeam(db: Db, params: { workspaceId: string }) {
  const today = todayUtc()
  const [counts, users] = await Promise.all([repo.teamCounts(db, { workspaceId: params.workspaceId, today }), repo.workspaceUsers(db, params.workspaceId)])
  const byOwner = new Map(counts.map((row) => [row.owner_id, row]))
  const empty = { open: 0, overdue: 0, due_this_week: 0, completed_30d: 0, median_days: null }
  const rows = users
    .filter((user) => byOwner.has(user.id) || (user.status === 'active' && user.role !== 'viewer'))
    .map((user) => {
      const row = byOwner.get(user.id) ?? empty
      return {
        userId: user.id,
        name: user.name,
        email: user.email,
        role: user.role,
        status: user.status,
        open: row.open,
        overdue: row.overdue,
        dueThisWeek: row.due_this_week,
        completed30d: row.completed_30d,
        medianDaysToComplete: row.median_days === null ? null : Math.round(row.median_days * 10) / 10,
      }
    })
    .sort((a, b) => b.overdue - a.overdue || b.open - a.open || a.name.localeCompare(b.name))
  const unassigned = byOwner.get(null)
  return { today, rows, unassigned: { open: unassigned?.open ?? 0, overdue: unassigned?.overdue ?? 0 } }
}

export type UpdateTaskInput = {
  title?: string
  body?: string
  priority?: TaskPriority
  dueOn?: string | null
  ownerId?: string | null
  status?: 'open' | 'in_progress'
}

export async function updateTask(db: Db, params: { workspaceId: string; taskId: string; input: UpdateTaskInput }): Promise<TaskView> {
  const { workspaceId, taskId, input } = params
  const current = await getTask(db, { workspaceId, taskId })
  if (input.ownerId && !(await repo.userExists(db, { workspaceId, userId: input.ownerId }))) throw badRequest('ownerId', 'is not a user of this workspace')
  const changes: repo.TaskChanges = {}
  if (input.title !== undefined) changes.title = input.title.trim()
  if (input.body !== undefined) changes.body = input.body
  if (input.priority !== undefined) changes.priority = input.priority
  if (input.dueOn !== undefined) changes.dueOn = input.dueOn
  if (input.ownerId !== undefined) changes.ownerId = input.ownerId
  if (input.status !== undefined) {
    changes.status = input.status
    // A status on a closed task reopens it: what closed it no longer holds.
    if (!openStatuses.includes(current.status)) Object.assign(changes, { outcome: null, dismissReason: null, closedAt: null, closedBy: null })
  }
  if (Object.keys(changes).length > 0) await repo.updateTask(db, { workspaceId, taskId, changes })
  return getTask(db, { workspaceId, taskId })
}

/** Closing needs the task still open; otherwise 404 (none) or 409 (already closed, saying how). */
async function assertClosable(db: Db, params: { workspaceId: string; taskId: string }, action: string): Promise<never> {
  const task = await getTask(db, params)
  const how = task.status === 'done' ? `completed${task.outcome ? ` (${task.outcome})` : ''}` : `dismissed${task.dismissReason ? ` (${task.dismissReason})` : ''}`
  throw conflict(`Cannot ${action} this task: it was already ${how}${task.closedAt ? ` at ${task.closedAt}` : ''}`, 'status')
}

export async function completeTask(
  db: Db,
  params: { workspaceId: string; taskId: string; actorId: string | null; outcome: TaskOutcome; note?: string },
): Promise<TaskView> {
  const { workspaceId, taskId } = params
  const note = params.note?.trim()
  const changed = await db.transaction(async (tx) => {
    const updated = await repo.updateTask(tx, {
      workspaceId,
      taskId,
      changes: { status: 'done', outcome: params.outcome, dismissReason: null, snoozedUntil: null, closedAt: new Date(), closedBy: params.actorId },
      fromStatuses: openStatuses,
    })
    if (updated && note) await repo.insertComment(tx, { workspaceId, taskId, authorId: params.actorId, body: note })
    return updated
  })
  if (!changed) return assertClosable(db, { workspaceId, taskId }, 'complete')
  return getTask(db, { workspaceId, taskId })
}

export async function dismissTask(db: Db, params: { workspaceId: string; taskId: string; actorId: string | null; reason: string }): Promise<TaskView> {
  const { workspaceId, taskId } = params
  const changed = await repo.updateTask(db, {
    workspaceId,
    taskId,
    changes: { status: 'dismissed', dismissReason: params.reason.trim(), outcome: null, snoozedUntil: null, closedAt: new Date(), closedBy: params.actorId },
    fromStatuses: openStatuses,
  })
  if (!changed) return assertClosable(db, { workspaceId, taskId }, 'dismiss')
  return getTask(db, { workspaceId, taskId })
}

export async function snoozeTask(db: Db, params: { workspaceId: string; taskId: string; until: string; today?: string }): Promise<TaskView> {
  const { workspaceId, taskId } = params
  const today = params.today ?? todayUtc()
  if (params.until <= today) throw badRequest('until', `must be after today (${today})`)
  const changed = await repo.updateTask(db, { workspaceId, taskId, changes: { snoozedUntil: params.until }, fromStatuses: openStatuses })
  if (!changed) return assertClosable(db, { workspaceId, taskId }, 'snooze')
  return getTask(db, { workspaceId, taskId })
}

export async function listComments(db: Db, params: { workspaceId: string; taskId: string }) {
  await getTask(db, params)
  return repo.listComments(db, { ...params, limit: COMMENTS_LIMIT })
}

export async function addComment(db: Db, params: { workspaceId: string; taskId: string; authorId: string | null; body: string }) {
  await getTask(db, params)
  const id = await repo.insertComment(db, { workspaceId: params.workspaceId, taskId: params.taskId, authorId: params.authorId, body: params.body.trim() })
  const comment = await repo.findComment(db, { workspaceId: params.workspaceId, commentId: id })
  if (!comment) throw new ProblemError(500, 'Internal Server Error', 'The comment was not saved')
  return comment
}

/** An account's tasks for Account 360: open ones first by due date, then closed ones newest first. */
export async function listAccountTasks(db: Db, params: { workspaceId: string; accountId: string }): Promise<TaskView[]> {
  if (!(await repo.accountExists(db, params))) throw notFound('Account')
  return repo.listAccountTasks(db, { ...params, limit: ACCOUNT_TASKS_LIMIT })
}

/** Dismisses the open tasks a playbook made (e.g. when it is archived); answers how many. */
export async function closePlaybookTasks(db: Db, params: { workspaceId: string; playbookKey: string; reason: string; actorId: string | null }): Promise<number> {
  return repo.dismissPlaybookTasks(db, params)
}

export type PlaybookTaskStats = {
  created: number
  open: number
  completed: number
  dismissed: number
  /** completed ÷ (completed + dismissed + open); null when the playbook made none. */
  completionRate: number | null
  medianHoursToComplete: number | null
}

export async function playbookTaskStats(db: Db, params: { workspaceId: string; playbookKey: string }): Promise<PlaybookTaskStats> {
  const row = await repo.playbookTaskStats(db, params)
  return {
    created: row.created,
    open: row.open,
    completed: row.completed,
    dismissed: row.dismissed,
    completionRate: row.completion_rate,
    medianHoursToComplete: row.median_hours,
  }
}
