/** Playbooks: the list with what each did, its effect, dry run, pause/resume/publish, runs by hand and the run log — types, endpoints and hooks. */
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, request } from './client'

export type PlaybookStatus = 'active' | 'paused' | 'draft'
export type PlaybookRunStatus = 'pending' | 'waiting' | 'completed' | 'failed' | 'cancelled'
export const playbookRunStatuses: PlaybookRunStatus[] = ['pending', 'waiting', 'completed', 'failed', 'cancelled']
export type StepOutcome = 'done' | 'skipped' | 'failed' | 'waiting'

export type PlaybookSummary = {
  key: string
  name: string
  description: string | null
  /** The trigger in words, e.g. "health turns red". */
  trigger: string
  triggerType: string
  version: number | null
  hasDraft: boolean
  status: PlaybookStatus
  runs: { total: number; last30Days: number; open: number; failed: number }
  openTasks: number
  lastTriggeredAt: string | null
}

export type PlaybookEffect = {
  triggered: { runs: number; accounts: number; last30Days: number }
  runsByStatus: Record<string, number>
  steps: { executed: number; skipped: number; failed: number; byType: Record<string, number> }
  tasks: { created: number; open: number; completed: number; dismissed: number; completionRate: number | null; medianHoursToComplete: number | null }
  emails: { queued: number; sent: number; skipped: number; failed: number }
  healthEffect: { method: 'comparison' | 'before_after'; runsMeasured: number; triggeredChange: number; comparisonChange: number; difference: number } | null
}

export type DryRunAccount = { accountId: string; accountName: string; why: string; inCooldown: boolean; steps: { stepId: string; type: string; would: string }[] }
export type PlaybookDryRun = { trigger: string; matching: number; inCooldown: number; shown: number; accounts: DryRunAccount[] }
export type DryRunSource = 'draft' | 'published'

export type PlaybookRunStep = { stepId: string; stepType: string; outcome: StepOutcome | string; detail: Record<string, unknown>; executedAt: string }
export type PlaybookRun = {
  id: string
  playbookKey: string
  playbookVersion: number
  accountId: string
  accountName: string
  occurrence: string
  /** What triggered it; `summary` is the one-line description. */
  trigger: Record<string, unknown>
  status: PlaybookRunStatus
  nextStepId: string | null
  wakeAt: string
  lastError: string | null
  endReason: string | null
  triggeredAt: string
  createdAt: string
  finishedAt: string | null
  steps: PlaybookRunStep[]
}

export type RunsQuery = { playbook?: string; accountId?: string; status?: PlaybookRunStatus; limit?: number }

/** What happens to work under way when a playbook is paused or a new version is published. */
export type OpenWorkChoice = { openRuns: 'continue' | 'cancel'; openTasks: 'keep' | 'dismiss' }

/* ---------- the playbook document body (as stored by the config kind `playbook`) ---------- */

export type TaskOwner = { type: 'account_owner' } | { type: 'role'; role: string } | { type: 'user'; email: string } | { type: 'round_robin'; emails: string[] }
type StepBase = { id: string; name?: string }
export type PlaybookStep = StepBase &
  (
    | { type: 'task'; title: string; body?: string; priority?: string; dueDays?: number; owner?: TaskOwner }
    | { type: 'success_plan'; template: string }
    | { type: 'email'; toRoles?: string[]; subject: string; body: string }
    | { type: 'webhook'; destination: string }
    | { type: 'slack'; destination: string; text: string }
    | { type: 'update_field'; field: string; value: string | number | boolean | null }
    | { type: 'move_stage'; stage: string; reason: string }
    | { type: 'wait'; days: number }
    | { type: 'branch'; if: unknown; then: string; else: string }
  )
export type PlaybookBody = { name: string; description?: string; trigger: { type: string } & Record<string, unknown>; condition?: unknown; cooldownDays?: number; steps: PlaybookStep[] }

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** A stored body as a playbook, or null when it does not look like one (the server validated it on save). */
export function asPlaybookBody(body: unknown): PlaybookBody | null {
  if (!isRecord(body) || typeof body.name !== 'string' || !isRecord(body.trigger) || typeof body.trigger.type !== 'string' || !Array.isArray(body.steps)) return null
  if (!body.steps.every((step) => isRecord(step) && typeof step.id === 'string' && typeof step.type === 'string')) return null
  return body as PlaybookBody
}

const enc = encodeURIComponent
const playbookPath = (key: string) => `/api/v1/playbooks/${enc(key)}`

export const playbooksApi = {
  list: (signal?: AbortSignal) => api.get<{ playbooks: PlaybookSummary[] }>('/api/v1/playbooks', undefined, signal),
  effect: (key: string, signal?: AbortSignal) => api.get<PlaybookEffect>(`${playbookPath(key)}/effect`, undefined, signal),
  dryRun: (key: string, source: DryRunSource, limit = 50) => request<PlaybookDryRun>(`${playbookPath(key)}/dry-run`, { method: 'POST', body: {}, query: { source, limit } }),
  pause: (key: string, choice: OpenWorkChoice) => api.post<{ status: 'paused'; runsCancelled: number; tasksDismissed: number }>(`${playbookPath(key)}/pause`, choice),
  resume: (key: string) => api.post<{ status: 'active'; runsCancelled: number; tasksDismissed: number }>(`${playbookPath(key)}/resume`),
  publish: (key: string, input: OpenWorkChoice & { comment?: string }) => api.post<{ version: number; runsCancelled: number; tasksDismissed: number }>(`${playbookPath(key)}/publish`, input),
  run: (key: string, accountIds: string[]) => api.post<{ requestId: string; started: number }>(`${playbookPath(key)}/run`, { accountIds }),
  runs: (query: RunsQuery & { before?: string }, signal?: AbortSignal) => api.get<{ runs: PlaybookRun[] }>('/api/v1/playbook-runs', query, signal),
  accountRuns: (accountId: string, signal?: AbortSignal) => api.get<{ runs: PlaybookRun[] }>(`/api/v1/accounts/${enc(accountId)}/playbook-runs`, undefined, signal),
  retry: (runId: string) => api.post<void>(`/api/v1/playbook-runs/${enc(runId)}/retry`),
  cancel: (runId: string) => api.post<void>(`/api/v1/playbook-runs/${enc(runId)}/cancel`),
}

export const playbookKeys = {
  all: ['playbooks'] as const,
  list: ['playbooks', 'list'] as const,
  effect: (key: string) => ['playbooks', 'effect', key] as const,
  runsAll: ['playbooks', 'runs'] as const,
  runs: (query: RunsQuery) => ['playbooks', 'runs', 'list', query] as const,
  accountRuns: (accountId: string) => ['playbooks', 'runs', 'account', accountId] as const,
}

export function usePlaybooks() {
  return useQuery({ queryKey: playbookKeys.list, queryFn: ({ signal }) => playbooksApi.list(signal) })
}

export function usePlaybookEffect(key: string) {
  return useQuery({ queryKey: playbookKeys.effect(key), queryFn: ({ signal }) => playbooksApi.effect(key, signal) })
}

const RUNS_PAGE = 25

/** The run log, newest first, paged by `before` = the last run's createdAt. */
export function usePlaybookRuns(query: RunsQuery) {
  const limit = query.limit ?? RUNS_PAGE
  return useInfiniteQuery({
    queryKey: playbookKeys.runs({ ...query, limit }),
    queryFn: ({ pageParam, signal }) => playbooksApi.runs({ ...query, limit, before: pageParam ?? undefined }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => (last.runs.length < limit ? null : (last.runs[last.runs.length - 1]?.createdAt ?? null)),
    placeholderData: keepPreviousData,
  })
}

export function useAccountPlaybookRuns(accountId: string) {
  return useQuery({ queryKey: playbookKeys.accountRuns(accountId), queryFn: ({ signal }) => playbooksApi.accountRuns(accountId, signal) })
}

/** Nothing cached stays true after a playbook action: runs, counts, effect, documents and tasks may all move. */
function usePlaybookMutation<Input, Output>(mutationFn: (input: Input) => Promise<Output>) {
  const client = useQueryClient()
  return useMutation({
    mutationFn,
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: playbookKeys.all })
      void client.invalidateQueries({ queryKey: ['config'] })
      void client.invalidateQueries({ queryKey: ['tasks'] })
    },
  })
}

export const usePausePlaybook = () => usePlaybookMutation(({ key, ...choice }: OpenWorkChoice & { key: string }) => playbooksApi.pause(key, choice))
export const useResumePlaybook = () => usePlaybookMutation((key: string) => playbooksApi.resume(key))
export const usePublishPlaybook = () => usePlaybookMutation(({ key, ...input }: OpenWorkChoice & { key: string; comment?: string }) => playbooksApi.publish(key, input))
export const useRunPlaybook = () => usePlaybookMutation(({ key, accountIds }: { key: string; accountIds: string[] }) => playbooksApi.run(key, accountIds))
export const useRetryRun = () => usePlaybookMutation((runId: string) => playbooksApi.retry(runId))
export const useCancelRun = () => usePlaybookMutation((runId: string) => playbooksApi.cancel(runId))

/** A dry run writes nothing; it is a mutation only because it is a POST the person asks for. */
export function useDryRun() {
  return useMutation({ mutationFn: ({ key, source }: { key: string; source: DryRunSource }) => playbooksApi.dryRun(key, source) })
}
