/** Tasks (CTAs): My day, the team's workload, an account's tasks, and closing them — types, endpoints and hooks. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from './client'
import type { HealthBand } from './health'

export type TaskStatus = 'open' | 'in_progress' | 'done' | 'dismissed'
export type TaskPriority = 'low' | 'normal' | 'high' | 'urgent'
export const taskPriorities: TaskPriority[] = ['low', 'normal', 'high', 'urgent']
export type TaskOutcome = 'resolved' | 'customer_engaged' | 'no_response' | 'escalated' | 'not_needed' | 'other'
export const taskOutcomes: { value: TaskOutcome; label: string }[] = [
  { value: 'resolved', label: 'Resolved' },
  { value: 'customer_engaged', label: 'Customer engaged' },
  { value: 'no_response', label: 'No response' },
  { value: 'escalated', label: 'Escalated' },
  { value: 'not_needed', label: 'Not needed' },
  { value: 'other', label: 'Other' },
]

export type Task = {
  id: string
  accountId: string
  accountName: string
  accountArr: number
  accountRenewalDate: string | null
  healthScore: number | null
  healthBand: HealthBand | null
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
  outcome: TaskOutcome | null
  dismissReason: string | null
  closedAt: string | null
  closedBy: string | null
  closedByName: string | null
  commentCount: number
  createdAt: string
  updatedAt: string
}

export type TaskComment = { id: string; taskId: string; authorId: string | null; authorName: string | null; body: string; createdAt: string }

export type MyDay = { date: string; overdue: Task[]; today: Task[]; upcoming: Task[]; noDueDate: Task[]; snoozed: number; later: number }

export type TeamRow = {
  userId: string
  name: string
  email: string
  role: string
  status: string
  open: number
  overdue: number
  dueThisWeek: number
  completed30d: number
  medianDaysToComplete: number | null
}
export type TeamWorkload = { today: string; rows: TeamRow[]; unassigned: { open: number; overdue: number } }

export type TaskListQuery = {
  owner?: string
  status?: 'open' | 'done' | 'dismissed' | 'all'
  accountId?: string
  due?: 'overdue' | 'today' | 'week'
  playbook?: string
  limit?: number
  cursor?: string
}

export type CreateTaskInput = { accountId: string; title: string; body?: string; priority?: TaskPriority; dueOn?: string | null; ownerId?: string | null }
export type UpdateTaskInput = { title?: string; body?: string; priority?: TaskPriority; dueOn?: string | null; ownerId?: string | null; status?: 'open' | 'in_progress' }

export const tasksApi = {
  list: (query: TaskListQuery, signal?: AbortSignal) => api.get<{ items: Task[]; nextCursor: string | null }>('/api/v1/tasks', query, signal),
  myDay: (signal?: AbortSignal) => api.get<MyDay>('/api/v1/tasks/my-day', undefined, signal),
  team: (signal?: AbortSignal) => api.get<TeamWorkload>('/api/v1/tasks/team', undefined, signal),
  account: (accountId: string, signal?: AbortSignal) => api.get<{ items: Task[] }>(`/api/v1/accounts/${accountId}/tasks`, undefined, signal),
  get: (id: string, signal?: AbortSignal) => api.get<Task>(`/api/v1/tasks/${id}`, undefined, signal),
  create: (input: CreateTaskInput) => api.post<Task>('/api/v1/tasks', input),
  update: (id: string, input: UpdateTaskInput) => api.patch<Task>(`/api/v1/tasks/${id}`, input),
  complete: (id: string, input: { outcome: TaskOutcome; note?: string }) => api.post<Task>(`/api/v1/tasks/${id}/complete`, input),
  dismiss: (id: string, input: { reason: string }) => api.post<Task>(`/api/v1/tasks/${id}/dismiss`, input),
  snooze: (id: string, input: { until: string }) => api.post<Task>(`/api/v1/tasks/${id}/snooze`, input),
  comments: (id: string, signal?: AbortSignal) => api.get<{ items: TaskComment[] }>(`/api/v1/tasks/${id}/comments`, undefined, signal),
  addComment: (id: string, body: string) => api.post<TaskComment>(`/api/v1/tasks/${id}/comments`, { body }),
}

export const taskKeys = {
  all: ['tasks'] as const,
  list: (query: TaskListQuery) => ['tasks', 'list', query] as const,
  myDay: ['tasks', 'my-day'] as const,
  team: ['tasks', 'team'] as const,
  account: (accountId: string) => ['tasks', 'account', accountId] as const,
  one: (id: string) => ['tasks', 'one', id] as const,
  comments: (id: string) => ['tasks', 'comments', id] as const,
}

export function useTasks(query: TaskListQuery, enabled = true) {
  return useQuery({ queryKey: taskKeys.list(query), queryFn: ({ signal }) => tasksApi.list(query, signal), placeholderData: keepPreviousData, enabled })
}

export function useMyDay() {
  return useQuery({ queryKey: taskKeys.myDay, queryFn: ({ signal }) => tasksApi.myDay(signal) })
}

export function useTeamWorkload() {
  return useQuery({ queryKey: taskKeys.team, queryFn: ({ signal }) => tasksApi.team(signal) })
}

export function useAccountTasks(accountId: string) {
  return useQuery({ queryKey: taskKeys.account(accountId), queryFn: ({ signal }) => tasksApi.account(accountId, signal) })
}

export function useTask(id: string | null) {
  return useQuery({ queryKey: taskKeys.one(id ?? ''), queryFn: ({ signal }) => tasksApi.get(id ?? '', signal), enabled: id !== null })
}

export function useTaskComments(id: string | null) {
  return useQuery({ queryKey: taskKeys.comments(id ?? ''), queryFn: ({ signal }) => tasksApi.comments(id ?? '', signal), enabled: id !== null })
}

/** Any change to a task can move it between My day's groups, the team's counts and the account's list. */
function useTaskMutation<Input, Result>(mutationFn: (input: Input) => Promise<Result>) {
  const client = useQueryClient()
  return useMutation({ mutationFn, onSuccess: () => void client.invalidateQueries({ queryKey: taskKeys.all }) })
}

export const useCreateTask = () => useTaskMutation((input: CreateTaskInput) => tasksApi.create(input))
export const useUpdateTask = () => useTaskMutation(({ id, ...input }: UpdateTaskInput & { id: string }) => tasksApi.update(id, input))
export const useCompleteTask = () => useTaskMutation(({ id, ...input }: { id: string; outcome: TaskOutcome; note?: string }) => tasksApi.complete(id, input))
export const useDismissTask = () => useTaskMutation(({ id, reason }: { id: string; reason: string }) => tasksApi.dismiss(id, { reason }))
export const useSnoozeTask = () => useTaskMutation(({ id, until }: { id: string; until: string }) => tasksApi.snooze(id, { until }))
export const useAddTaskComment = () => useTaskMutation(({ id, body }: { id: string; body: string }) => tasksApi.addComment(id, body))
