/** Churn risk: model cards, retraining, the riskiest accounts and one account's risk — types, endpoints and hooks. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from './client'

export type ChurnDriver = { feature: string; label: string; contribution: number; value: string | number | null }
export type ChurnCalibrationBin = { meanPredicted: number; observedRate: number; count: number }
export type ChurnWindowCounts = { renewal: number; fallback: number }
/** What a model predicts: churn before the next renewal (plus grace; a fixed window without a renewal date), or for older models churn within `days`. */
export type ChurnTarget =
  | { kind: 'before_next_renewal'; graceDays: number; fallbackDays: number; examples: ChurnWindowCounts | null; scored: ChurnWindowCounts | null }
  | { kind: 'within_days'; days: number }

export type ChurnModelCard = {
  id: string
  status: 'training' | 'ready' | 'failed'
  trigger: string
  createdAt: string
  trainedAt: string | null
  asOf: string | null
  /** Deprecated: see target. */
  horizonDays: number
  target: ChurnTarget
  kind: string | null
  features: { key: string; label: string }[]
  candidates: { kind: string; cvAuc: number; detail: string }[]
  rowsTrain: number | null
  rowsHoldout: number | null
  positivesTrain: number | null
  positivesHoldout: number | null
  trainFrom: string | null
  trainTo: string | null
  holdoutFrom: string | null
  holdoutTo: string | null
  cvAuc: number | null
  metrics: {
    auc: number | null
    prAuc: number | null
    brier: number | null
    positiveRate: number | null
    health: { rows: number; healthAuc: number; modelAuc: number } | null
    healthNote: string | null
  } | null
  calibration: ChurnCalibrationBin[]
  accountsScored: number | null
  seconds: number | null
  error: string | null
}

export type ChurnRiskList = {
  model: { id: string; kind: string | null; trainedAt: string | null; horizonDays: number; target: ChurnTarget } | null
  total: number
  items: { accountId: string; name: string; arr: number; renewalDate: string | null; ownerName: string | null; probability: number; drivers: ChurnDriver[] }[]
}

export type AccountChurn = {
  accountId: string
  probability: number | null
  drivers: ChurnDriver[]
  renewalDate: string | null
  /** The renewal the probability is about (null: not scored, an older model, or no renewal date: the fallback window). */
  nextRenewal: string | null
  scoredAt: string | null
  model: { id: string; kind: string | null; trainedAt: string | null; horizonDays: number; target: ChurnTarget; auc: number | null } | null
}

const enc = encodeURIComponent

export const churnApi = {
  models: (signal?: AbortSignal) => api.get<{ items: ChurnModelCard[] }>('/api/v1/churn/models', { limit: 10 }, signal),
  train: () => api.post<{ modelId: string; jobId: string | null; status: string }>('/api/v1/churn/models/train', {}),
  risk: (limit: number, offset: number, signal?: AbortSignal) => api.get<ChurnRiskList>('/api/v1/churn/accounts', { limit, offset }, signal),
  account: (accountId: string, signal?: AbortSignal) => api.get<AccountChurn>(`/api/v1/accounts/${enc(accountId)}/churn`, undefined, signal),
}

export const churnKeys = {
  all: ['churn'] as const,
  models: ['churn', 'models'] as const,
  risk: (limit: number, offset: number) => ['churn', 'risk', limit, offset] as const,
  account: (accountId: string) => ['churn', 'account', accountId] as const,
}

/** Polls while a model trains, then refreshes everything that shows its scores. */
export function useChurnModels() {
  const client = useQueryClient()
  return useQuery({
    queryKey: churnKeys.models,
    queryFn: async ({ signal }) => {
      const result = await churnApi.models(signal)
      const previous = client.getQueryData<{ items: ChurnModelCard[] }>(churnKeys.models)
      if (previous?.items[0]?.status === 'training' && result.items[0]?.status !== 'training') void client.invalidateQueries({ queryKey: ['churn', 'risk'] })
      return result
    },
    refetchInterval: (query) => (query.state.data?.items[0]?.status === 'training' ? 3000 : false),
  })
}

export function useChurnRisk(limit: number, offset: number) {
  return useQuery({ queryKey: churnKeys.risk(limit, offset), queryFn: ({ signal }) => churnApi.risk(limit, offset, signal), placeholderData: keepPreviousData })
}

export function useAccountChurn(accountId: string) {
  return useQuery({ queryKey: churnKeys.account(accountId), queryFn: ({ signal }) => churnApi.account(accountId, signal) })
}

export function useRetrainChurn() {
  const client = useQueryClient()
  return useMutation({ mutationFn: churnApi.train, onSuccess: () => client.invalidateQueries({ queryKey: churnKeys.models }) })
}
