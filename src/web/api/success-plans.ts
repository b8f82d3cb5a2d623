/** Success plans: the workspace list, an account's plans, templates to start from, items, and the customer link — types, endpoints and hooks. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, request } from './client'

export type SuccessPlanStatus = 'active' | 'completed' | 'cancelled'
export const successPlanStatuses: { value: SuccessPlanStatus; label: string }[] = [
  { value: 'active', label: 'Active' },
  { value: 'completed', label: 'Completed' },
  { value: 'cancelled', label: 'Cancelled' },
]

export type PlanProgress = { done: number; total: number; percent: number | null }

type ItemBase = {
  id: string
  title: string
  description: string
  ownerId: string | null
  ownerName: string | null
  customerOwner: string | null
  dueOn: string | null
  done: boolean
  doneAt: string | null
  position: number
}
export type PlanMilestone = ItemBase & { kind: 'milestone'; parentId: string; overdue: boolean }
export type PlanObjective = ItemBase & { kind: 'objective'; parentId: null; milestones: PlanMilestone[] }
export type PlanItem = ItemBase & { kind: 'objective' | 'milestone'; parentId: string | null }

export type SuccessPlanSummary = {
  id: string
  accountId: string
  accountName: string
  title: string
  templateKey: string | null
  templateVersion: number | null
  status: SuccessPlanStatus
  ownerId: string | null
  ownerName: string | null
  shared: boolean
  sharedAt: string | null
  playbookRunId: string | null
  createdAt: string
  updatedAt: string
  progress: PlanProgress
  nextDue: { itemId: string; title: string; dueOn: string } | null
  overdue: number
}
export type SuccessPlan = SuccessPlanSummary & { objectives: PlanObjective[] }

export type PlanTemplate = {
  key: string
  version: number
  name: string
  description: string | null
  appliesTo: string
  objectives: number
  milestones: number
  activePlanId: string | null
}

export type PlanListQuery = { status?: SuccessPlanStatus; owner?: string; limit?: number; offset?: number }

export type NewMilestoneInput = { title: string; description?: string; dueOn?: string | null; ownerId?: string | null; customerOwner?: string | null }
export type CreatePlanInput =
  | { templateKey: string; ownerId?: string | null; startOn?: string }
  | { title: string; ownerId?: string | null; objectives?: { title: string; description?: string; milestones?: NewMilestoneInput[] }[] }
export type UpdatePlanInput = { title?: string; status?: SuccessPlanStatus; ownerId?: string | null }
export type CreateItemInput = { kind: 'objective'; title: string; description?: string } | ({ kind: 'milestone'; parentId: string } & NewMilestoneInput)
export type UpdateItemInput = { title?: string; description?: string; ownerId?: string | null; customerOwner?: string | null; dueOn?: string | null; done?: boolean }

export type SharedPlan = {
  vendor: string
  accountName: string
  title: string
  status: SuccessPlanStatus
  sharedAt: string | null
  updatedAt: string
  progress: PlanProgress
  objectives: { title: string; description: string; done: boolean; milestones: { title: string; description: string; owner: string | null; dueOn: string | null; done: boolean; doneOn: string | null }[] }[]
}

const enc = encodeURIComponent

export const successPlansApi = {
  list: (query: PlanListQuery, signal?: AbortSignal) => api.get<{ total: number; items: SuccessPlanSummary[] }>('/api/v1/success-plans', query, signal),
  get: (id: string, signal?: AbortSignal) => api.get<SuccessPlan>(`/api/v1/success-plans/${enc(id)}`, undefined, signal),
  ofAccount: (accountId: string, signal?: AbortSignal) => api.get<{ items: SuccessPlan[] }>(`/api/v1/accounts/${enc(accountId)}/success-plans`, undefined, signal),
  suggestions: (accountId: string, signal?: AbortSignal) =>
    api.get<{ suggestions: PlanTemplate[]; others: PlanTemplate[] }>(`/api/v1/accounts/${enc(accountId)}/success-plans/suggestions`, undefined, signal),
  create: (accountId: string, input: CreatePlanInput) => api.post<SuccessPlan>(`/api/v1/accounts/${enc(accountId)}/success-plans`, input),
  update: (id: string, input: UpdatePlanInput) => api.patch<SuccessPlan>(`/api/v1/success-plans/${enc(id)}`, input),
  addItem: (id: string, input: CreateItemInput) => api.post<PlanItem>(`/api/v1/success-plans/${enc(id)}/items`, input),
  updateItem: (id: string, itemId: string, input: UpdateItemInput) => api.patch<PlanItem>(`/api/v1/success-plans/${enc(id)}/items/${enc(itemId)}`, input),
  removeItem: (id: string, itemId: string) => api.delete<void>(`/api/v1/success-plans/${enc(id)}/items/${enc(itemId)}`),
  share: (id: string) => api.post<{ url: string; path: string; sharedAt: string }>(`/api/v1/success-plans/${enc(id)}/share`),
  revokeShare: (id: string) => api.delete<void>(`/api/v1/success-plans/${enc(id)}/share`),
  // No session: a 401 here must not send the customer to our login page.
  shared: (token: string, signal?: AbortSignal) => request<SharedPlan>(`/api/public/success-plans/${enc(token)}`, { signal, skipAuthRedirect: true }),
}

export const successPlanKeys = {
  all: ['success-plans'] as const,
  list: (query: PlanListQuery) => ['success-plans', 'list', query] as const,
  plan: (id: string) => ['success-plans', 'plan', id] as const,
  account: (accountId: string) => ['success-plans', 'account', accountId] as const,
  suggestions: (accountId: string) => ['success-plans', 'suggestions', accountId] as const,
  shared: (token: string) => ['shared-plan', token] as const,
}

export function useSuccessPlans(query: PlanListQuery) {
  return useQuery({ queryKey: successPlanKeys.list(query), queryFn: ({ signal }) => successPlansApi.list(query, signal), placeholderData: keepPreviousData })
}

export function useSuccessPlan(id: string | null) {
  return useQuery({ queryKey: successPlanKeys.plan(id ?? ''), queryFn: ({ signal }) => successPlansApi.get(id ?? '', signal), enabled: id !== null })
}

export function useAccountSuccessPlans(accountId: string) {
  return useQuery({ queryKey: successPlanKeys.account(accountId), queryFn: ({ signal }) => successPlansApi.ofAccount(accountId, signal) })
}

export function usePlanSuggestions(accountId: string, enabled = true) {
  return useQuery({ queryKey: successPlanKeys.suggestions(accountId), queryFn: ({ signal }) => successPlansApi.suggestions(accountId, signal), enabled })
}

export function useSharedPlan(token: string) {
  return useQuery({ queryKey: successPlanKeys.shared(token), queryFn: ({ signal }) => successPlansApi.shared(token, signal), retry: false })
}

/** Any change to a plan moves its progress in every list: refresh them all. */
function useInvalidatePlans() {
  const client = useQueryClient()
  return () => client.invalidateQueries({ queryKey: successPlanKeys.all })
}

export function useCreatePlan(accountId: string) {
  const invalidate = useInvalidatePlans()
  return useMutation({ mutationFn: (input: CreatePlanInput) => successPlansApi.create(accountId, input), onSuccess: () => invalidate() })
}

export function useUpdatePlan(id: string) {
  const invalidate = useInvalidatePlans()
  return useMutation({ mutationFn: (input: UpdatePlanInput) => successPlansApi.update(id, input), onSuccess: () => invalidate() })
}

export function useAddPlanItem(id: string) {
  const invalidate = useInvalidatePlans()
  return useMutation({ mutationFn: (input: CreateItemInput) => successPlansApi.addItem(id, input), onSuccess: () => invalidate() })
}

export function useUpdatePlanItem(id: string) {
  const client = useQueryClient()
  const invalidate = useInvalidatePlans()
  return useMutation({
    mutationFn: ({ itemId, input }: { itemId: string; input: UpdateItemInput }) => successPlansApi.updateItem(id, itemId, input),
    // Tick the box at once; the server's answer reconciles.
    onMutate: ({ itemId, input }) => {
      if (input.done === undefined) return
      client.setQueryData<SuccessPlan>(successPlanKeys.plan(id), (plan) =>
        plan
          ? {
              ...plan,
              objectives: plan.objectives.map((objective) => ({
                ...objective,
                milestones: objective.milestones.map((milestone) => (milestone.id === itemId ? { ...milestone, done: input.done ?? milestone.done, overdue: input.done ? false : milestone.overdue } : milestone)),
              })),
            }
          : plan,
      )
    },
    onSettled: () => invalidate(),
  })
}

export function useRemovePlanItem(id: string) {
  const invalidate = useInvalidatePlans()
  return useMutation({ mutationFn: (itemId: string) => successPlansApi.removeItem(id, itemId), onSuccess: () => invalidate() })
}

export function useSharePlan(id: string) {
  const invalidate = useInvalidatePlans()
  return useMutation({ mutationFn: () => successPlansApi.share(id), onSuccess: () => invalidate() })
}

export function useRevokePlanShare(id: string) {
  const invalidate = useInvalidatePlans()
  return useMutation({ mutationFn: () => successPlansApi.revokeShare(id), onSuccess: () => invalidate() })
}
