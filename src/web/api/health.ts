/** Health scores: one account's score, trend and explanation, sentiments, the portfolio — types, endpoints and hooks. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from './client'

export type HealthBand = 'red' | 'yellow' | 'green'
export type Sentiment = 'negative' | 'neutral' | 'positive'
export type Bands = { red: number; yellow: number }

export type HealthMeasure = {
  key: string
  name: string
  description: string | null
  source: string
  group: string
  groupName: string
  value: number | null
  points: number | null
  weight: number
  effectiveWeight: number
  missing: boolean
}

export type HealthGroup = { key: string; name: string; weight: number; effectiveWeight: number; points: number | null; missing: boolean; measures: HealthMeasure[] }

export type HealthSentiment = { id: string; sentiment: Sentiment; comment: string | null; expiresOn: string; createdAt: string; authorName: string | null; active: boolean }

export type AccountHealth = {
  accountId: string
  score: number | null
  band: HealthBand | null
  scorecard: { key: string; name: string; version: number; bands: Bands } | null
  computedAt: string | null
  groups: HealthGroup[]
  missing: number
  sentiments: HealthSentiment[]
}

export type HealthHistory = { bands: Bands | null; points: { day: string; score: number | null; band: HealthBand | null }[] }

export type HealthContribution = {
  key: string
  name: string
  group: string
  groupName: string
  fromValue: number | null
  toValue: number | null
  fromPoints: number | null
  toPoints: number | null
  fromWeight: number
  toWeight: number
  contribution: number
}

export type HealthPoint = { day: string; score: number | null; band: HealthBand | null }
export type HealthExplanation = { from: HealthPoint | null; to: HealthPoint | null; change: number | null; contributions: HealthContribution[] }

export type BandCounts = Record<HealthBand, { accounts: number; arr: number }>
export type HealthMover = { accountId: string; name: string; arr: number; ownerName: string | null; from: number; to: number; change: number; band: HealthBand | null }

export type HealthPortfolio = {
  accounts: number
  scored: number
  unscored: number
  averageScore: number | null
  bands: BandCounts
  arrAtRisk: { red: number; yellow: number }
  segments: { key: string; name: string; accounts: number; averageScore: number | null; bands: BandCounts }[]
  movers: { since: string; up: HealthMover[]; down: HealthMover[] }
  missing: { key: string; name: string; accounts: number }[]
  queued: number
}

export type HealthStatus = { accounts: number; scored: number; queued: number; scorecards: number; lastSweep: { at: string; accounts: number; ms: number } | null }

export type NewSentiment = { sentiment: Sentiment; comment?: string; expiresOn?: string }

export type BacktestScorecard = { key: string; name: string; version: number; status: string }
export type BacktestParams = { scorecard?: string; version?: number; at?: string; horizonDays?: number }
export type BacktestBand = { band: HealthBand; accounts: number; churned: number; churnRate: number | null; contracted: number; arrLost: number }
export type BacktestMeasure = { key: string; name: string; group: string; auc: number | null; direction: 'higher is safer' | 'lower is safer' | null; accounts: number; missingShare: number; missingShareChurned: number | null }
export type BacktestCalibrationRow = { decile: number; fromScore: number; toScore: number; meanScore: number; accounts: number; churned: number; churnRate: number }
export type HealthBacktest = {
  scorecard: BacktestScorecard
  at: string
  horizonDays: number
  horizonEnd: string
  snapshotDay: string | null
  accounts: number
  churned: number
  churnRate: number | null
  auc: number | null
  redVsGreen: number | null
  bands: BacktestBand[]
  measures: BacktestMeasure[]
  calibration: BacktestCalibrationRow[]
  enough: boolean
  missing: string | null
}
export type BacktestWeights = { groups: Record<string, number>; measures: Record<string, number> }
export type SuggestedWeights = {
  scorecard: BacktestScorecard
  at: string
  horizonDays: number
  accounts: number
  churned: number
  enough: boolean
  missing: string | null
  aucBefore: number | null
  aucAfter: number | null
  validation: string
  measures: { key: string; name: string; group: string; before: number; after: number; coefficient: number | null; flag: 'wrong direction' | 'not enough data' | null }[]
  groups: { key: string; name: string; before: number; after: number }[]
  weights: BacktestWeights | null
}
export type AcceptedWeights = { key: string; version: number; status: 'draft'; url: string }

const enc = encodeURIComponent

export const healthApi = {
  account: (accountId: string, signal?: AbortSignal) => api.get<AccountHealth>(`/api/v1/accounts/${enc(accountId)}/health`, undefined, signal),
  history: (accountId: string, days: number, signal?: AbortSignal) => api.get<HealthHistory>(`/api/v1/accounts/${enc(accountId)}/health/history`, { days }, signal),
  explain: (accountId: string, from: string, to: string, signal?: AbortSignal) => api.get<HealthExplanation>(`/api/v1/accounts/${enc(accountId)}/health/explain`, { from, to }, signal),
  addSentiment: (accountId: string, input: NewSentiment) => api.post<HealthSentiment>(`/api/v1/accounts/${enc(accountId)}/health/sentiment`, input),
  portfolio: (signal?: AbortSignal) => api.get<HealthPortfolio>('/api/v1/health/portfolio', { movers: 10 }, signal),
  status: (signal?: AbortSignal) => api.get<HealthStatus>('/api/v1/health/status', undefined, signal),
  backtest: (params: BacktestParams, signal?: AbortSignal) => api.get<HealthBacktest>('/api/v1/health/backtest', params, signal),
  suggestWeights: (params: BacktestParams) => api.post<SuggestedWeights>('/api/v1/health/backtest/suggest', params),
  acceptWeights: (input: { scorecard: string; version?: number; weights: BacktestWeights; comment?: string }) => api.post<AcceptedWeights>('/api/v1/health/backtest/accept', input),
}

export const healthKeys = {
  all: ['health'] as const,
  account: (accountId: string) => ['health', 'account', accountId] as const,
  history: (accountId: string, days: number) => ['health', 'history', accountId, days] as const,
  explain: (accountId: string, from: string, to: string) => ['health', 'explain', accountId, from, to] as const,
  portfolio: ['health', 'portfolio'] as const,
  status: ['health', 'status'] as const,
  backtest: (params: BacktestParams) => ['health', 'backtest', params] as const,
}

export function useAccountHealth(accountId: string) {
  return useQuery({ queryKey: healthKeys.account(accountId), queryFn: ({ signal }) => healthApi.account(accountId, signal) })
}

export function useHealthHistory(accountId: string, days: number) {
  return useQuery({ queryKey: healthKeys.history(accountId, days), queryFn: ({ signal }) => healthApi.history(accountId, days, signal), placeholderData: keepPreviousData })
}

export function useHealthExplanation(accountId: string, range: { from: string; to: string } | null) {
  return useQuery({
    queryKey: healthKeys.explain(accountId, range?.from ?? '', range?.to ?? ''),
    queryFn: ({ signal }) => healthApi.explain(accountId, range!.from, range!.to, signal),
    enabled: range !== null,
    placeholderData: keepPreviousData,
  })
}

export function useHealthPortfolio() {
  return useQuery({ queryKey: healthKeys.portfolio, queryFn: ({ signal }) => healthApi.portfolio(signal) })
}

/** Polls while accounts are queued (after a scorecard is published: the progress). */
export function useHealthStatus() {
  return useQuery({
    queryKey: healthKeys.status,
    queryFn: ({ signal }) => healthApi.status(signal),
    refetchInterval: (query) => ((query.state.data?.queued ?? 0) > 0 ? 2000 : false),
  })
}

export function useAddSentiment(accountId: string) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (input: NewSentiment) => healthApi.addSentiment(accountId, input),
    onSuccess: () => void client.invalidateQueries({ queryKey: healthKeys.all }),
  })
}

export function useHealthBacktest(params: BacktestParams) {
  return useQuery({ queryKey: healthKeys.backtest(params), queryFn: ({ signal }) => healthApi.backtest(params, signal), placeholderData: keepPreviousData })
}

export function useSuggestWeights() {
  return useMutation({ mutationFn: (params: BacktestParams) => healthApi.suggestWeights(params) })
}

/** Saves a draft of the scorecard: the configuration lists change, scores do not (nothing is published). */
export function useAcceptWeights() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: healthApi.acceptWeights,
    onSuccess: () => void client.invalidateQueries({ queryKey: ['config'] }),
  })
}
