/** Journeys and milestones, the journey map, and the stage drill-down — types, endpoints and hooks. */
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { api } from './client'

export type MilestoneStatus = 'done' | 'late' | 'on_track' | 'missed'
export type MilestoneKind = 'time' | 'event' | 'value'

export type MilestoneSummary = {
  journeyKey: string
  journeyName: string
  key: string
  name: string
  description: string | null
  rule: string
  kind: MilestoneKind
  anchor: 'contract_start' | 'customer_since' | 'stage_entered'
  dueDays: number
  stage: string | null
  counts: { done: number; late: number; onTrack: number; missed: number; total: number }
  percent: { done: number; late: number; onTrack: number; missed: number }
  hitRate: number | null
}

export type JourneySummary = { key: string; name: string; description: string | null; appliesTo: string; accounts: number; milestones: MilestoneSummary[] }

export type StageConversion = { toKey: string; toName: string; entered: number; reachedNext: number; rate: number | null; progressed: number; progressedRate: number | null }

export type JourneyMapStage = {
  key: string
  name: string
  description: string | null
  color: string | null
  slaDays: number | null
  terminal: boolean
  accounts: number
  arr: number
  overdue: number
  medianDaysInStage: number | null
  medianDaysCompleted: number | null
  completedStays: number
  entered: number
  conversion: StageConversion | null
  milestones: MilestoneSummary[]
}

export type JourneyMap = { windowDays: number; unclassified: number; stages: JourneyMapStage[]; unstagedMilestones: MilestoneSummary[] }

export type MilestoneAccounts = {
  journey: { key: string; name: string }
  milestone: { key: string; name: string; rule: string }
  status: MilestoneStatus | null
  total: number
  accounts: { id: string; name: string; arr: number; ownerName: string | null; anchorOn: string; dueOn: string; achievedOn: string | null; status: MilestoneStatus; daysOverdue: number | null }[]
}

export type StageMembers = {
  group: { key: string; name: string; slaDays: number | null }
  total: number
  accounts: { id: string; name: string; arr: number; ownerName: string | null; enteredAt: string; daysInGroup: number; overdue: boolean; renewalDate: string | null }[]
}

export type AccountMilestone = {
  journeyKey: string
  journeyName: string
  key: string
  name: string
  description: string | null
  rule: string
  kind: MilestoneKind
  stage: string | null
  anchorOn: string
  dueOn: string
  achievedOn: string | null
  status: MilestoneStatus
}

const enc = encodeURIComponent

export const journeysApi = {
  map: (days: number, signal?: AbortSignal) => api.get<JourneyMap>('/api/v1/journey-map', { days }, signal),
  list: (signal?: AbortSignal) => api.get<{ journeys: JourneySummary[] }>('/api/v1/journeys', undefined, signal),
  milestoneAccounts: (journey: string, milestone: string, status: MilestoneStatus | null, limit: number, offset: number, signal?: AbortSignal) =>
    api.get<MilestoneAccounts>(`/api/v1/journeys/${enc(journey)}/milestones/${enc(milestone)}/accounts`, { status, limit, offset }, signal),
  stageMembers: (stage: string, overdue: boolean, limit: number, offset: number, signal?: AbortSignal) =>
    api.get<StageMembers>(`/api/v1/stages/${enc(stage)}/accounts`, { overdue: overdue || undefined, limit, offset }, signal),
  accountMilestones: (accountId: string, signal?: AbortSignal) => api.get<{ milestones: AccountMilestone[] }>(`/api/v1/accounts/${enc(accountId)}/milestones`, undefined, signal),
}

export function useJourneyMap(days: number) {
  return useQuery({ queryKey: ['journey-map', days], queryFn: ({ signal }) => journeysApi.map(days, signal), placeholderData: keepPreviousData })
}

export function useJourneys() {
  return useQuery({ queryKey: ['journeys'], queryFn: ({ signal }) => journeysApi.list(signal) })
}

export function useMilestoneAccounts(target: { journey: string; milestone: string; status: MilestoneStatus | null } | null, page: number, pageSize = 50) {
  return useQuery({
    queryKey: ['milestone-accounts', target?.journey, target?.milestone, target?.status, page, pageSize],
    queryFn: ({ signal }) => journeysApi.milestoneAccounts(target!.journey, target!.milestone, target!.status, pageSize, (page - 1) * pageSize, signal),
    enabled: target !== null,
    placeholderData: keepPreviousData,
  })
}

export function useStageMembers(target: { stage: string; overdue: boolean } | null, page: number, pageSize = 50) {
  return useQuery({
    queryKey: ['stage-members', target?.stage, target?.overdue, page, pageSize],
    queryFn: ({ signal }) => journeysApi.stageMembers(target!.stage, target!.overdue, pageSize, (page - 1) * pageSize, signal),
    enabled: target !== null,
    placeholderData: keepPreviousData,
  })
}

export function useAccountMilestones(accountId: string) {
  return useQuery({ queryKey: ['account-milestones', accountId], queryFn: ({ signal }) => journeysApi.accountMilestones(accountId, signal) })
}
