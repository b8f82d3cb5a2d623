/** Engagement: coverage (accounts out of cadence), team load against capacity, bulk reassignment — types, endpoints and hooks. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from './client'

export type TouchModel = 'high' | 'mid' | 'tech'

export type TierModel = {
  key: string
  name: string
  color: string | null
  model: {
    name: string
    touchModel: TouchModel
    accountsPerCsm: number | null
    arrPerCsm: number | null
    cadences: { key: string; name: string; touchpointKinds: string[]; everyDays: number }[]
  } | null
}

export type CoverageSummaryLine = {
  tier: string
  tierName: string
  cadence: string
  cadenceName: string
  everyDays: number
  accounts: number
  inCadence: number
  outOfCadence: number
  inCadenceShare: number
}

export type CoverageItem = {
  accountId: string
  accountName: string
  arr: number
  tier: string
  tierName: string
  ownerId: string | null
  ownerName: string | null
  cadence: string
  cadenceName: string
  everyDays: number
  lastAt: string | null
  dueAt: string
  daysOverdue: number
}

export type Coverage = {
  tiers: TierModel[]
  totals: { pairs: number; inCadence: number; outOfCadence: number; inCadenceShare: number }
  summary: CoverageSummaryLine[]
  total: number
  items: CoverageItem[]
}

export type CoverageQuery = { tier?: string; ownerId?: string; cadence?: string; limit: number; offset: number }

export type LoadLine = {
  accounts: number
  arr: number
  tiers: { tier: string | null; accounts: number; arr: number }[]
  accountUtilization: number | null
  arrUtilization: number | null
  utilization: number | null
  overCapacity: boolean
}

export type LoadRow = LoadLine & { userId: string | null; name: string; email: string | null; role: string | null; status: string | null }
export type TeamLoad = { tiers: TierModel[]; rows: LoadRow[]; overCapacity: number }

export type ReassignStrategy = 'round-robin' | 'least-loaded-count' | 'least-loaded-arr'
export type ReassignInput = { from: string; to?: string; accountIds?: string[]; strategy?: ReassignStrategy; pool?: string[] }

export type ReassignMove = {
  accountId: string
  accountName: string
  arr: number
  tier: string | null
  tierName: string | null
  fromOwnerId: string | null
  fromOwnerName: string
  toOwnerId: string
  toOwnerName: string
}

export type ReassignPreview = {
  previewToken: string
  moves: ReassignMove[]
  load: { userId: string | null; name: string; before: LoadLine; after: LoadLine }[]
}

export const engagementApi = {
  coverage: (query: CoverageQuery, signal?: AbortSignal) => api.get<Coverage>('/api/v1/engagement/coverage', query, signal),
  load: (signal?: AbortSignal) => api.get<TeamLoad>('/api/v1/engagement/load', undefined, signal),
  preview: (input: ReassignInput) => api.post<ReassignPreview>('/api/v1/engagement/reassign/preview', input),
  apply: (input: ReassignInput & { previewToken: string }) => api.post<ReassignPreview & { applied: number }>('/api/v1/engagement/reassign/apply', input),
}

export const engagementKeys = {
  all: ['engagement'] as const,
  coverage: (query: CoverageQuery) => ['engagement', 'coverage', query] as const,
  load: ['engagement', 'load'] as const,
}

export function useCoverage(query: CoverageQuery) {
  return useQuery({ queryKey: engagementKeys.coverage(query), queryFn: ({ signal }) => engagementApi.coverage(query, signal), placeholderData: keepPreviousData })
}

export function useTeamLoad() {
  return useQuery({ queryKey: engagementKeys.load, queryFn: ({ signal }) => engagementApi.load(signal) })
}

export function useReassignPreview() {
  return useMutation({ mutationFn: (input: ReassignInput) => engagementApi.preview(input) })
}

/** Applying moves owners: the engagement views and every account list change. */
export function useReassignApply() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (input: ReassignInput & { previewToken: string }) => engagementApi.apply(input),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: engagementKeys.all })
      void client.invalidateQueries({ queryKey: ['accounts'] })
    },
  })
}
