import { createRoute, z } from '@hono/zod-openapi'
import { ProblemError, ProblemSchema, createRouter, jsonBody, jsonResponse, problemResponses, requirePermission, type AppDeps } from '../../platform/http'
import {
  CommentSchema,
  CompleteTaskBody,
  CreateCommentBody,
  CreateTaskBody,
  DismissTaskBody,
  IdParam,
  MyDaySchema,
  SnoozeTaskBody,
  TaskListQuery,
  TaskPageSchema,
  TaskSchema,
  TeamSchema,
  UpdateTaskBody,
} from './tasks.contracts'
import * as service from './tasks.service'

const tags = ['Tasks']
const read = requirePermission('customers:read')
const write = requirePermission('customers:write')
const conflictResponse = { 409: { description: 'The task is already closed', content: { 'application/problem+json': { schema: ProblemSchema } } } }

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/tasks',
  tags,
  summary: 'List tasks by due date (none last), cursor pagination',
  middleware: [read] as const,
  request: { query: TaskListQuery },
  responses: { 200: jsonResponse(TaskPageSchema, 'A page of tasks'), ...problemResponses },
})

const myDayRoute = createRoute({
  method: 'get',
  path: '/api/v1/tasks/my-day',
  tags,
  summary: 'The signed-in user’s open tasks for today: overdue, due today, upcoming (7 days), no due date; snoozed ones hidden',
  middleware: [read] as const,
  responses: { 200: jsonResponse(MyDaySchema, 'My day'), ...problemResponses },
})

const teamRoute = createRoute({
  method: 'get',
  path: '/api/v1/tasks/team',
  tags,
  summary: 'Per person: open, overdue, due this week, completed in the last 30 days, median days to complete; and unassigned open tasks',
  middleware: [requirePermission('users:read')] as const,
  responses: { 200: jsonResponse(TeamSchema, 'Team workload'), ...problemResponses },
})

const createTaskRoute = createRoute({
  method: 'post',
  path: '/api/v1/tasks',
  tags,
  summary: 'Make a task on an account by hand (owner defaults to the caller)',
  middleware: [write] as const,
  request: jsonBody(CreateTaskBody),
  responses: { 201: jsonResponse(TaskSchema, 'Created'), ...problemResponses },
})

const getRoute = createRoute({
  method: 'get',
  path: '/api/v1/tasks/{id}',
  tags,
  summary: 'One task',
  middleware: [read] as const,
  request: { params: IdParam },
  responses: { 200: jsonResponse(TaskSchema, 'The task'), ...problemResponses },
})

const updateRoute = createRoute({
  method: 'patch',
  path: '/api/v1/tasks/{id}',
  tags,
  summary: 'Change a task (only the fields sent); a status on a closed task reopens it',
  middleware: [write] as const,
  request: { params: IdParam, ...jsonBody(UpdateTaskBody) },
  responses: { 200: jsonResponse(TaskSchema, 'Updated'), ...problemResponses },
})

const completeRoute = createRoute({
  method: 'post',
  path: '/api/v1/tasks/{id}/complete',
  tags,
  summary: 'Complete an open task with its outcome; a note becomes a comment',
  middleware: [write] as const,
  request: { params: IdParam, ...jsonBody(CompleteTaskBody) },
  responses: { 200: jsonResponse(TaskSchema, 'Completed'), ...conflictResponse, ...problemResponses },
})

const dismissRoute = createRoute({
  method: 'post',
  path: '/api/v1/tasks/{id}/dismiss',
  tags,
  summary: 'Dismiss an open task, saying why',
  middleware: [write] as const,
  request: { params: IdParam, ...jsonBody(DismissTaskBody) },
  responses: { 200: jsonResponse(TaskSchema, 'Dismissed'), ...conflictResponse, ...problemResponses },
})

const snoozeRoute = createRoute({
  method: 'post',
  path: '/api/v1/tasks/{id}/snooze',
  tags,
  summary: 'Hide an open task from My day until a later day',
  middleware: [write] as const,
  request: { params: IdParam, ...jsonBody(SnoozeTaskBody) },
  responses: { 200: jsonResponse(TaskSchema, 'Snoozed'), ...conflictResponse, ...problemResponses },
})

const listCommentsRoute = createRoute({
  method: 'get',
  path: '/api/v1/tasks/{id}/comments',
  tags,
  summary: 'A task’s comments, oldest first',
  middleware: [read] as const,
  request: { params: IdParam },
  responses: { 200: jsonResponse(z.object({ items: z.array(CommentSchema) }), 'Comments'), ...problemResponses },
})

const addCommentRoute = createRoute({
  method: 'post',
  path: '/api/v1/tasks/{id}/comments',
  tags,
  summary: 'Comment on a task (the signed-in user is its author)',
  middleware: [write] as const,
  request: { params: IdParam, ...jsonBody(CreateCommentBody) },
  responses: { 201: jsonResponse(CommentSchema, 'Created'), ...problemResponses },
})

const accountTasksRoute = createRoute({
  method: 'get',
  path: '/api/v1/accounts/{id}/tasks',
  tags,
  summary: 'An account’s tasks: open ones first by due date, then closed ones newest first (max 200)',
  middleware: [read] as const,
  request: { params: IdParam },
  responses: { 200: jsonResponse(z.object({ items: z.array(TaskSchema) }), 'Tasks'), ...problemResponses },
})

export function taskRoutes(deps: AppDeps) {
  const { db } = deps
  // Static paths before /tasks/{id}, so `my-day` and `team` are never taken for an id.
  return createRouter()
    .openapi(listRoute, async (c) => {
      const auth = c.get('auth')
      return c.json(await service.listTasks(db, { workspaceId: auth.workspaceId, callerId: service.callerId(auth), filters: c.req.valid('query') }), 200)
    })
    .openapi(myDayRoute, async (c) => {
      const auth = c.get('auth')
      const userId = service.callerId(auth)
      if (!userId) throw new ProblemError(400, 'Bad Request', 'My day is a signed-in user’s view; with an API key use GET /api/v1/tasks?owner=<user id>')
      return c.json(await service.getMyDay(db, { workspaceId: auth.workspaceId, userId }), 200)
    })
    .openapi(teamRoute, async (c) => c.json(await service.getTeam(db, { workspaceId: c.get('auth').workspaceId }), 200))
    .openapi(createTaskRoute, async (c) => {
      const auth = c.get('auth')
      const input = c.req.valid('json')
      const caller = service.callerId(auth)
      const { task } = await service.createTask(db, {
        workspaceId: auth.workspaceId,
        ...input,
        ownerId: input.ownerId === undefined ? caller : input.ownerId,
        createdBy: caller,
      })
      return c.json(task, 201)
    })
    .openapi(getRoute, async (c) => c.json(await service.getTask(db, { workspaceId: c.get('auth').workspaceId, taskId: c.req.valid('param').id }), 200))
    .openapi(updateRoute, async (c) => {
      const task = await service.updateTask(db, { workspaceId: c.get('auth').workspaceId, taskId: c.req.valid('param').id, input: c.req.valid('json') })
      return c.json(task, 200)
    })
    .openapi(completeRoute, async (c) => {
      const auth = c.get('auth')
      const task = await service.completeTask(db, { workspaceId: auth.workspaceId, taskId: c.req.valid('param').id, actorId: service.callerId(auth), ...c.req.valid('json') })
      return c.json(task, 200)
    })
    .openapi(dismissRoute, async (c) => {
      const auth = c.get('auth')
      const task = await service.dismissTask(db, { workspaceId: auth.workspaceId, taskId: c.req.valid('param').id, actorId: service.callerId(auth), reason: c.req.valid('json').reason })
      return c.json(task, 200)
    })
    .openapi(snoozeRoute, async (c) => {
      const task = await service.snoozeTask(db, { workspaceId: c.get('auth').workspaceId, taskId: c.req.valid('param').id, until: c.req.valid('json').until })
      return c.json(task, 200)
    })
    .openapi(listCommentsRoute, async (c) => {
      const items = await service.listComments(db, { workspaceId: c.get('auth').workspaceId, taskId: c.req.valid('param').id })
      return c.json({ items }, 200)
    })
    .openapi(addCommentRoute, async (c) => {
      const auth = c.get('auth')
      const comment = await service.addComment(db, { workspaceId: auth.workspaceId, taskId: c.req.valid('param').id, authorId: service.callerId(auth), body: c.req.valid('json').body })
      return c.json(comment, 201)
    })
    .openapi(accountTasksRoute, async (c) => {
      const items = await service.listAccountTasks(db, { workspaceId: c.get('auth').workspaceId, accountId: c.req.valid('param').id })
      return c.json({ items }, 200)
    })
}
