/**
 * Queries of the tasks module; every one filtered by workspace. Reads accounts, users and health_scores by
 * table name (as account-360 does) to show each task with its account's context.
 */
import { sql, type SQL } from 'drizzle-orm'
import { queryRows, type Db } from '../../platform/db'
import { taskComments, tasks, type TaskPriority, type TaskStatus } from './tasks.tables'

export type TaskView = {
  id: string
  accountId: string
  accountName: string
  accountArr: number
  accountRenewalDate: string | null
  healthScore: number | null
  healthBand: 'red' | 'yellow' | 'green' | null
  title: string
  body: string
  status: TaskStatus
  priority: TaskPriority
  dueOn: string | null
  ownerId: string | null
  ownerName: string | null
  createdBy: string | null
  createdByName: string | null
  playbookKey: string | null
  playbookRunId: string | null
  playbookStepId: string | null
  snoozedUntil: string | null
  outcome: string | null
  dismissReason: string | null
  closedAt: string | null
  closedBy: string | null
  closedByName: string | null
  commentCount: number
  createdAt: string
  updatedAt: string
}

/** A timestamptz as `Date.prototype.toISOString()` writes it, so both drivers answer the same text. */
const iso = (column: SQL) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
// User names as scalar subqueries: evaluated only for the rows left after ORDER BY/LIMIT, each a key lookup.
const userName = (column: SQL) => sql`(SELECT u.name FROM users u WHERE u.workspace_id = t.workspace_id AND u.id = ${column})`
const OPEN = sql.raw(`('open', 'in_progress')`)
/** The sort key of a due date: no due date sorts last. */
const dueKey = sql`coalesce(t.due_on, '9999-12-31'::date)`

const taskColumns = sql`
         t.id, t.account_id AS "accountId", a.name AS "accountName", a.arr::float8 AS "accountArr", a.renewal_date AS "accountRenewalDate",
         h.score::float8 AS "healthScore", h.band AS "healthBand",
         t.title, t.body, t.status, t.priority, t.due_on AS "dueOn",
         t.owner_id AS "ownerId", ${userName(sql`t.owner_id`)} AS "ownerName",
         t.created_by AS "createdBy", ${userName(sql`t.created_by`)} AS "createdByName",
         t.playbook_key AS "playbookKey", t.playbook_run_id AS "playbookRunId", t.playbook_step_id AS "playbookStepId",
         t.snoozed_until AS "snoozedUntil", t.outcome, t.dismiss_reason AS "dismissReason",
         ${iso(sql`t.closed_at`)} AS "closedAt", t.closed_by AS "closedBy", ${userName(sql`t.closed_by`)} AS "closedByName",
         (SELECT count(*)::int FROM task_comments c WHERE c.workspace_id = t.workspace_id AND c.task_id = t.id) AS "commentCount",
         ${iso(sql`t.created_at`)} AS "createdAt", ${iso(sql`t.updated_at`)} AS "updatedAt"`
const taskFrom = sql`
  FROM tasks t
  JOIN accounts a ON a.workspace_id = t.workspace_id AND a.id = t.account_id
  LEFT JOIN health_scores h ON h.workspace_id = t.workspace_id AND h.account_id = t.account_id`
const taskView = sql`SELECT ${taskColumns} ${taskFrom}`

export async function findTask(db: Db, params: { workspaceId: string; taskId: string }): Promise<TaskView | undefined> {
  const [row] = await queryRows<TaskView>(db, sql`${taskView} WHERE t.workspace_id = ${params.workspaceId} AND t.id = ${params.taskId}`)
  return row
}

export async function findPlaybookTaskId(db: Db, params: { workspaceId: string; runId: string; stepId: string }): Promise<string | undefined> {
  const [row] = await queryRows<{ id: string }>(
    db,
    sql`SELECT id FROM tasks WHERE workspace_id = ${params.workspaceId} AND playbook_run_id = ${params.runId} AND playbook_step_id = ${params.stepId}`,
  )
  return row?.id
}

export type TaskStatusFilter = 'open' | 'done' | 'dismissed' | 'all'
export type TaskQueryFilters = {
  /** A user id; undefined = every owner. */
  ownerId?: string
  status: TaskStatusFilter
  accountId?: string
  due?: 'overdue' | 'today' | 'week'
  playbookKey?: string
}

function statusCondition(status: TaskStatusFilter): SQL {
  if (status === 'open') return sql`t.status IN ${OPEN}`
  if (status === 'all') return sql`true`
  return sql`t.status = ${status}`
}

function dueCondition(due: TaskQueryFilters['due'], today: string): SQL {
  if (due === 'overdue') return sql`t.due_on < ${today}::date`
  if (due === 'today') return sql`t.due_on = ${today}::date`
  if (due === 'week') return sql`t.due_on >= ${today}::date AND t.due_on < ${today}::date + 7`
  return sql`true`
}

/** Tasks by due date (none last), then id; `after` is the (due key, id) of the previous page's last row. */
export async function listTasks(
  db: Db,
  params: { workspaceId: string; filters: TaskQueryFilters; today: string; limit: number; after?: [string, string] },
): Promise<(TaskView & { dueKey: string })[]> {
  const { filters } = params
  const conditions: SQL[] = [
    sql`t.workspace_id = ${params.workspaceId}`,
    statusCondition(filters.status),
    dueCondition(filters.due, params.today),
  ]
  if (filters.ownerId) conditions.push(sql`t.owner_id = ${filters.ownerId}`)
  if (filters.accountId) conditions.push(sql`t.account_id = ${filters.accountId}`)
  if (filters.playbookKey) conditions.push(sql`t.playbook_key = ${filters.playbookKey}`)
  if (params.after) conditions.push(sql`(${dueKey}, t.id) > (${params.after[0]}::date, ${params.after[1]}::uuid)`)
  return queryRows(
    db,
    sql`SELECT ${taskColumns}, ${dueKey}::text AS "dueKey" ${taskFrom}
        WHERE ${sql.join(conditions, sql` AND `)}
        ORDER BY ${dueKey}, t.id LIMIT ${params.limit}`,
  )
}

/** An account's tasks: open ones first by due date, then closed ones newest first (the Account 360 tab). */
export async function listAccountTasks(db: Db, params: { workspaceId: string; accountId: string; limit: number }): Promise<TaskView[]> {
  return queryRows<TaskView>(
    db,
    sql`${taskView}
        WHERE t.workspace_id = ${params.workspaceId} AND t.account_id = ${params.accountId}
        ORDER BY (t.status IN ${OPEN}) DESC, CASE WHEN t.status IN ${OPEN} THEN ${dueKey} END, t.closed_at DESC, t.created_at DESC, t.id
        LIMIT ${params.limit}`,
  )
}

export async function accountExists(db: Db, params: { workspaceId: string; accountId: string }): Promise<boolean> {
  const rows = await queryRows(db, sql`SELECT 1 FROM accounts WHERE workspace_id = ${params.workspaceId} AND id = ${params.accountId}`)
  return rows.length > 0
}

/** One user's open tasks shown today (not snoozed past today) and due within `horizonDays` or undated. */
export async function myDayTasks(db: Db, params: { workspaceId: string; ownerId: string; today: string; horizonDays: number; limit: number }): Promise<TaskView[]> {
  return queryRows<TaskView>(
    db,
    sql`${taskView}
        WHERE t.workspace_id = ${params.workspaceId} AND t.owner_id = ${params.ownerId} AND t.status IN ${OPEN}
          AND (t.snoozed_until IS NULL OR t.snoozed_until <= ${params.today}::date)
          AND (t.due_on IS NULL OR t.due_on <= ${params.today}::date + ${params.horizonDays}::int)
        ORDER BY ${dueKey}, CASE t.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END, t.created_at, t.id
        LIMIT ${params.limit}`,
  )
}

/** What "My day" does not list: snoozed tasks and those due after the horizon. */
export async function myDayHidden(db: Db, params: { workspaceId: string; ownerId: string; today: string; horizonDays: number }): Promise<{ snoozed: number; later: number }> {
  const [row] = await queryRows<{ snoozed: number; later: number }>(
    db,
    sql`SELECT count(*) FILTER (WHERE t.snoozed_until > ${params.today}::date)::int AS snoozed,
               count(*) FILTER (WHERE (t.snoozed_until IS NULL OR t.snoozed_until <= ${params.today}::date)
                                  AND t.due_on > ${params.today}::date + ${params.horizonDays}::int)::int AS later
        FROM tasks t
        WHERE t.workspace_id = ${params.workspaceId} AND t.owner_id = ${params.ownerId} AND t.status IN ${OPEN}`,
  )
  return row ?? { snoozed: 0, later: 0 }
}

export type TeamCountRow = {
  owner_id: string | null
  open: number
  overdue: number
  due_this_week: number
  completed_30d: number
  median_days: number | null
}

/** Per owner (null = unassigned): open work and the last 30 days' completions, in one pass over the open and recent tasks. */
export async function teamCounts(db: Db, params: { workspaceId: string; today: string }): Promise<TeamCountRow[]> {
  const recentDone = sql`t.status = 'done' AND t.closed_at >= now() - interval '30 days'`
  return queryRows<TeamCountRow>(
    db,
    sql`SELECT t.owner_id,
               count(*) FILTER (WHERE t.status IN ${OPEN})::int AS open,
               count(*) FILTER (WHERE t.status IN ${OPEN} AND t.due_on < ${params.today}::date)::int AS overdue,
               count(*) FILTER (WHERE t.status IN ${OPEN} AND t.due_on >= ${params.today}::date AND t.due_on < ${params.today}::date + 7)::int AS due_this_week,
               count(*) FILTER (WHERE ${recentDone})::int AS completed_30d,
               (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t.closed_at - t.created_at) / 86400) FILTER (WHERE ${recentDone}))::float8 AS median_days
        FROM tasks t
        WHERE t.workspace_id = ${params.workspaceId} AND (t.status IN ${OPEN} OR (${recentDone}))
        GROUP BY t.owner_id`,
  )
}

export type TeamUserRow = { id: string; name: string; email: string; role: string; status: string }

export async function workspaceUsers(db: Db, workspaceId: string): Promise<TeamUserRow[]> {
  return queryRows<TeamUserRow>(db, sql`SELECT id, name, email, role, status FROM users WHERE workspace_id = ${workspaceId} ORDER BY name, id`)
}

export async function userExists(db: Db, params: { workspaceId: string; userId: string }): Promise<boolean> {
  const rows = await queryRows(db, sql`SELECT 1 FROM users WHERE workspace_id = ${params.workspaceId} AND id = ${params.userId}`)
  return rows.length > 0
}

export type NewTask = typeof tasks.$inferInsert

/** Inserts a task; a playbook's task (run and step set) is inserted once: a repeat returns undefined. */
export async function insertTask(db: Db, values: NewTask): Promise<string | undefined> {
  const [row] = await db
    .insert(tasks)
    .values(values)
    .onConflictDoNothing({ target: [tasks.workspaceId, tasks.playbookRunId, tasks.playbookStepId], where: sql`playbook_run_id is not null` })
    .returning({ id: tasks.id })
  return row?.id
}

export type TaskChanges = Partial<Pick<NewTask, 'title' | 'body' | 'priority' | 'dueOn' | 'ownerId' | 'status' | 'snoozedUntil' | 'outcome' | 'dismissReason' | 'closedAt' | 'closedBy'>>

/**
 * Changes a task when it is in one of `fromStatuses` (all when omitted); answers whether a row changed, so
 * two people closing one task at once cannot both succeed.
 */
export async function updateTask(
  db: Db,
  params: { workspaceId: string; taskId: string; changes: TaskChanges; fromStatuses?: readonly TaskStatus[] },
): Promise<boolean> {
  const statusGuard = params.fromStatuses ? sql` AND ${tasks.status} IN (${sql.join(params.fromStatuses.map((status) => sql`${status}`), sql`, `)})` : sql``
  const rows = await db
    .update(tasks)
    .set({ ...params.changes, updatedAt: sql`now()` })
    .where(sql`${tasks.workspaceId} = ${params.workspaceId} AND ${tasks.id} = ${params.taskId}${statusGuard}`)
    .returning({ id: tasks.id })
  return rows.length > 0
}

/** Dismisses the open tasks a playbook made; answers how many. */
export async function dismissPlaybookTasks(db: Db, params: { workspaceId: string; playbookKey: string; reason: string; actorId: string | null }): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`UPDATE tasks SET status = 'dismissed', dismiss_reason = ${params.reason}, closed_at = now(), closed_by = ${params.actorId}, updated_at = now()
        WHERE workspace_id = ${params.workspaceId} AND playbook_key = ${params.playbookKey} AND status IN ${OPEN}
        RETURNING id`,
  )
  return rows.length
}

export type PlaybookTaskStatsRow = {
  created: number
  open: number
  completed: number
  dismissed: number
  completion_rate: number | null
  median_hours: number | null
}

export async function playbookTaskStats(db: Db, params: { workspaceId: string; playbookKey: string }): Promise<PlaybookTaskStatsRow> {
  const [row] = await queryRows<PlaybookTaskStatsRow>(
    db,
    sql`SELECT count(*)::int AS created,
               count(*) FILTER (WHERE status IN ${OPEN})::int AS open,
               count(*) FILTER (WHERE status = 'done')::int AS completed,
               count(*) FILTER (WHERE status = 'dismissed')::int AS dismissed,
               (count(*) FILTER (WHERE status = 'done'))::float8 / nullif(count(*), 0) AS completion_rate,
               (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - created_at) / 3600) FILTER (WHERE status = 'done'))::float8 AS median_hours
        FROM tasks
        WHERE workspace_id = ${params.workspaceId} AND playbook_key = ${params.playbookKey}`,
  )
  return row ?? { created: 0, open: 0, completed: 0, dismissed: 0, completion_rate: null, median_hours: null }
}

export type CommentView = { id: string; taskId: string; authorId: string | null; authorName: string | null; body: string; createdAt: string }

export async function listComments(db: Db, params: { workspaceId: string; taskId: string; limit: number }): Promise<CommentView[]> {
  return queryRows<CommentView>(
    db,
    sql`SELECT c.id, c.task_id AS "taskId", c.author_id AS "authorId",
               (SELECT u.name FROM users u WHERE u.workspace_id = c.workspace_id AND u.id = c.author_id) AS "authorName",
               c.body, ${iso(sql`c.created_at`)} AS "createdAt"
        FROM task_comments c
        WHERE c.workspace_id = ${params.workspaceId} AND c.task_id = ${params.taskId}
        ORDER BY c.created_at, c.id
        LIMIT ${params.limit}`,
  )
}

export async function insertComment(db: Db, values: { workspaceId: string; taskId: string; authorId: string | null; body: string }): Promise<string> {
  const [row] = await db.insert(taskComments).values(values).returning({ id: taskComments.id })
  if (!row) throw new Error('insert returned no row')
  return row.id
}

export async function findComment(db: Db, params: { workspaceId: string; commentId: string }): Promise<CommentView | undefined> {
  const [row] = await queryRows<CommentView>(
    db,
    sql`SELECT c.id, c.task_id AS "taskId", c.author_id AS "authorId",
               (SELECT u.name FROM users u WHERE u.workspace_id = c.workspace_id AND u.id = c.author_id) AS "authorName",
               c.body, ${iso(sql`c.created_at`)} AS "createdAt"
        FROM task_comments c WHERE c.workspace_id = ${params.workspaceId} AND c.id = ${params.commentId}`,
  )
  return row
}
