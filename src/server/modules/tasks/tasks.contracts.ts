import { z } from '@hono/zod-openapi'
import { limitQuery } from '../../platform/http'
import { taskPriorities, taskStatuses } from './tasks.tables'

/** What came of a completed task: required on completion, so "done" always says how it ended. */
export const taskOutcomes = ['resolved', 'customer_engaged', 'no_response', 'escalated', 'not_needed', 'other'] as const
export type TaskOutcome = (typeof taskOutcomes)[number]

const day = z.iso.date()
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => value.trim().length > 0, 'must not be blank')

export const TaskSchema = z
  .object({
    id: z.uuid(),
    accountId: z.uuid(),
    accountName: z.string(),
    accountArr: z.number(),
    accountRenewalDate: z.string().nullable(),
    healthScore: z.number().nullable().describe('The account’s current health score; null when not scored'),
    healthBand: z.enum(['red', 'yellow', 'green']).nullable(),
    title: z.string(),
    body: z.string(),
    status: z.enum(taskStatuses),
    priority: z.enum(taskPriorities),
    dueOn: z.string().nullable(),
    ownerId: z.uuid().nullable(),
    ownerName: z.string().nullable(),
    createdBy: z.uuid().nullable().describe('The user who made it; null for a playbook or an API key'),
    createdByName: z.string().nullable(),
    playbookKey: z.string().nullable(),
    playbookRunId: z.uuid().nullable(),
    playbookStepId: z.string().nullable(),
    snoozedUntil: z.string().nullable(),
    outcome: z.string().nullable(),
    dismissReason: z.string().nullable(),
    closedAt: z.string().nullable(),
    closedBy: z.uuid().nullable(),
    closedByName: z.string().nullable(),
    commentCount: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Task')

export const TaskListQuery = z.object({
  owner: z.union([z.enum(['me', 'all']), z.uuid()]).default('all').describe('`me`, `all` or a user id'),
  status: z.enum(['open', 'done', 'dismissed', 'all']).default('open').describe('`open` covers open and in progress'),
  accountId: z.uuid().optional(),
  due: z.enum(['overdue', 'today', 'week']).optional().describe('`week`: due today or in the next 6 days'),
  playbook: z.string().min(1).max(200).optional().describe('Only tasks made by this playbook (its key)'),
  limit: limitQuery,
  cursor: z.string().max(1000).optional(),
})
export type TaskListFilters = z.infer<typeof TaskListQuery>

export const TaskPageSchema = z.object({ items: z.array(TaskSchema), nextCursor: z.string().nullable() }).openapi('TaskPage')

export const MyDaySchema = z
  .object({
    date: z.string().describe('Today (UTC), the day the groups are relative to'),
    overdue: z.array(TaskSchema),
    today: z.array(TaskSchema),
    upcoming: z.array(TaskSchema).describe('Due in the next 7 days (after today)'),
    noDueDate: z.array(TaskSchema),
    snoozed: z.number().int().describe('Open tasks hidden until a later day'),
    later: z.number().int().describe('Open tasks due more than 7 days ahead (not listed)'),
  })
  .openapi('MyDay')

export const TeamSchema = z
  .object({
    today: z.string(),
    rows: z.array(
      z.object({
        userId: z.uuid(),
        name: z.string(),
        email: z.string(),
        role: z.string(),
        status: z.string(),
        open: z.number().int(),
        overdue: z.number().int(),
        dueThisWeek: z.number().int().describe('Due today or in the next 6 days'),
        completed30d: z.number().int(),
        medianDaysToComplete: z.number().nullable().describe('Over the tasks completed in the last 30 days'),
      }),
    ),
    unassigned: z.object({ open: z.number().int(), overdue: z.number().int() }),
  })
  .openapi('TaskTeam')

export const CreateTaskBody = z
  .object({
    accountId: z.uuid(),
    title: text(500),
    body: z.string().max(20_000).optional(),
    priority: z.enum(taskPriorities).optional(),
    dueOn: day.nullish(),
    ownerId: z.uuid().nullish().describe('Default: the caller (none with an API key); null: unassigned'),
  })
  .strict()
  .openapi('CreateTaskRequest')

export const UpdateTaskBody = z
  .object({
    title: text(500).optional(),
    body: z.string().max(20_000).optional(),
    priority: z.enum(taskPriorities).optional(),
    dueOn: day.nullable().optional(),
    ownerId: z.uuid().nullable().optional(),
    status: z.enum(['open', 'in_progress']).optional().describe('On a closed task this reopens it'),
  })
  .strict()
  .openapi('UpdateTaskRequest')

export const CompleteTaskBody = z
  .object({
    outcome: z.enum(taskOutcomes),
    note: z.string().max(20_000).optional().describe('Kept as a comment on the task'),
  })
  .strict()
  .openapi('CompleteTaskRequest')

export const DismissTaskBody = z.object({ reason: text(2000) }).strict().openapi('DismissTaskRequest')

export const SnoozeTaskBody = z.object({ until: day.describe('A day after today') }).strict().openapi('SnoozeTaskRequest')

export const CommentSchema = z
  .object({ id: z.uuid(), taskId: z.uuid(), authorId: z.uuid().nullable(), authorName: z.string().nullable(), body: z.string(), createdAt: z.string() })
  .openapi('TaskComment')

export const CreateCommentBody = z.object({ body: text(20_000) }).strict().openapi('CreateTaskCommentRequest')

export const IdParam = z.object({ id: z.uuid() })
