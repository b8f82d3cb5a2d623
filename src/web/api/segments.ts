/** Segments, tiers and lifecycle stages (the classification API): types, endpoints and hooks. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from './client'
import { queryKeys } from './hooks'

export type MembershipFamily = 'segment' | 'tier' | 'stage'
export type MembershipSource = 'rule' | 'manual'

/** URL segment of each family: /api/v1/segments, /api/v1/tiers, /api/v1/stages (and /segments/{path}/{key} in the app). */
export type FamilyPath = 'segments' | 'tiers' | 'stages'

export type ClassificationGroup = {
  key: string
  name: string
  description: string | null
  /** A Mantine palette name (blue, teal, …) or null. */
  color: string | null
  /** The rule rendered as one line. */
  rule: string | null
  slaDays: number | null
  terminal: boolean
  accounts: number
  arr: number
  entered7d: number
  exited7d: number
  /** Stages: members past the SLA. */
  overdue: number
  medianDaysInStage: number | null
}

export type ClassificationGroupList = {
  groups: ClassificationGroup[]
  /** Tiers and stages: accounts not classified yet. */
  unclassified: number
  /** Accounts waiting to be re-classified after a change. */
  queued: number
}

export type ClassificationMember = {
  id: string
  name: string
  arr: number
  plan: string | null
  renewalDate: string | null
  ownerName: string | null
  enteredAt: string
  daysInGroup: number
  overdue: boolean
  source: MembershipSource
}

export type ClassificationMembers = {
  group: Pick<ClassificationGroup, 'key' | 'name' | 'description' | 'color' | 'rule' | 'slaDays' | 'terminal'>
  total: number
  accounts: ClassificationMember[]
}

export type ClassificationHistoryPoint = {
  day: string
  /** Null on days without a daily count (before counting started, or today before the first count). */
  accounts: number | null
  arr: number | null
  entered: number
  exited: number
}

export type ClassificationHistory = {
  group: Pick<ClassificationGroup, 'key' | 'name'>
  points: ClassificationHistoryPoint[]
}

export type AccountGroup = { key: string; name: string; color: string | null; enteredAt: string; source: MembershipSource }

export type AccountStage = AccountGroup & {
  slaDays: number | null
  daysInStage: number
  overdue: boolean
  /** The stage key the rules point to, when a hand move differs from it. */
  suggested: string | null
}

export type ClassificationChange = {
  at: string
  family: MembershipFamily
  key: string
  name: string
  change: 'entered' | 'exited'
  source: MembershipSource
  reason: string | null
  actorName: string | null
}

export type AccountClassification = {
  segments: AccountGroup[]
  tier: AccountGroup | null
  stage: AccountStage | null
  /** A change to the account is waiting to be classified. */
  pending: boolean
  /** Newest first, at most 100. */
  history: ClassificationChange[]
}

export type MoveStageInput = { stage: string; reason: string }
export type StageMove = { from: string | null; to: string }

export type MembersQuery = { limit: number; offset: number; overdue?: boolean }

export const familyPaths: Record<MembershipFamily, FamilyPath> = { segment: 'segments', tier: 'tiers', stage: 'stages' }

const enc = encodeURIComponent

export const classificationApi = {
  groups: (family: MembershipFamily, signal?: AbortSignal) => api.get<ClassificationGroupList>(`/api/v1/${familyPaths[family]}`, undefined, signal),
  members: (family: MembershipFamily, key: string, query: MembersQuery, signal?: AbortSignal) =>
    api.get<ClassificationMembers>(`/api/v1/${familyPaths[family]}/${enc(key)}/accounts`, { limit: query.limit, offset: query.offset, overdue: query.overdue ? 'true' : undefined }, signal),
  history: (family: MembershipFamily, key: string, days: number, signal?: AbortSignal) =>
    api.get<ClassificationHistory>(`/api/v1/${familyPaths[family]}/${enc(key)}/history`, { days }, signal),
  account: (accountId: string, signal?: AbortSignal) => api.get<AccountClassification>(`/api/v1/accounts/${enc(accountId)}/classification`, undefined, signal),
  moveStage: (accountId: string, input: MoveStageInput) => api.post<StageMove>(`/api/v1/accounts/${enc(accountId)}/stage`, input),
}

export const classificationKeys = {
  all: ['classification'] as const,
  groups: (family: MembershipFamily) => ['classification', 'groups', family] as const,
  members: (family: MembershipFamily, key: string, query: MembersQuery) => ['classification', 'members', family, key, query] as const,
  history: (family: MembershipFamily, key: string, days: number) => ['classification', 'history', family, key, days] as const,
  account: (accountId: string) => ['classification', 'account', accountId] as const,
}

/** While accounts wait in the queue the numbers are moving: refresh every few seconds until it drains. */
const WAITING_REFRESH_MS = 4_000

export function useClassificationGroups(family: MembershipFamily, enabled = true) {
  return useQuery({
    queryKey: classificationKeys.groups(family),
    queryFn: ({ signal }) => classificationApi.groups(family, signal),
    enabled,
    refetchInterval: (query) => (query.state.data && (query.state.data.queued > 0 || query.state.data.unclassified > 0) ? WAITING_REFRESH_MS : false),
  })
}

export function useGroupMembers(family: MembershipFamily, key: string, query: MembersQuery) {
  return useQuery({
    queryKey: classificationKeys.members(family, key, query),
    queryFn: ({ signal }) => classificationApi.members(family, key, query, signal),
    placeholderData: keepPreviousData,
  })
}

export function useGroupHistory(family: MembershipFamily, key: string, days = 90) {
  return useQuery({
    queryKey: classificationKeys.history(family, key, days),
    queryFn: ({ signal }) => classificationApi.history(family, key, days, signal),
    staleTime: 5 * 60_000,
  })
}

export function useAccountClassification(accountId: string) {
  return useQuery({
    queryKey: classificationKeys.account(accountId),
    queryFn: ({ signal }) => classificationApi.account(accountId, signal),
    refetchInterval: (query) => (query.state.data?.pending ? WAITING_REFRESH_MS : false),
  })
}

export function useMoveStage(accountId: string) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (input: MoveStageInput) => classificationApi.moveStage(accountId, input),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: classificationKeys.all })
      void client.invalidateQueries({ queryKey: queryKeys.account360(accountId) })
    },
  })
}
