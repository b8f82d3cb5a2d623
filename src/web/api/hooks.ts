/** TanStack Query hooks over the endpoints, with one place for query keys. */
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { accountsApi, apiKeysApi, auditApi, authApi, dataQualityApi, portfolioApi, touchpointsApi, usageApi, usersApi } from './endpoints'
import type {
  Account360,
  AccountInput,
  AccountPatch,
  AccountQuery,
  AuditQuery,
  CreateApiKeyInput,
  CreateTouchpointInput,
  CreateUserInput,
  UpdateUserInput,
  UsageSettings,
} from './types'

export const queryKeys = {
  me: ['me'] as const,
  users: ['users'] as const,
  apiKeys: ['api-keys'] as const,
  audit: (query: AuditQuery) => ['audit-log', query] as const,
  auditAll: ['audit-log'] as const,
  accounts: (query: AccountQuery) => ['accounts', 'list', query] as const,
  accountsAll: ['accounts'] as const,
  facets: ['accounts', 'facets'] as const,
  account360: (id: string) => ['accounts', '360', id] as const,
  portfolio: ['portfolio'] as const,
  accountUsageAll: ['accounts', 'usage'] as const,
  accountUsage: (id: string, days: number) => ['accounts', 'usage', id, days] as const,
  accountEvents: (id: string, event: string | undefined) => ['accounts', 'events', id, event ?? ''] as const,
  usageSettings: ['settings', 'usage'] as const,
}

export function useMe() {
  return useQuery({
    queryKey: queryKeys.me,
    queryFn: ({ signal }) => authApi.me(signal),
    retry: false,
    staleTime: 5 * 60_000,
  })
}

export function usePortfolioSummary() {
  return useQuery({ queryKey: queryKeys.portfolio, queryFn: ({ signal }) => portfolioApi.summary(signal) })
}

export function useUsers(enabled = true) {
  return useQuery({
    queryKey: queryKeys.users,
    queryFn: ({ signal }) => usersApi.list(signal),
    enabled,
    staleTime: 60_000,
  })
}

export function useAccounts(query: AccountQuery) {
  return useQuery({
    queryKey: queryKeys.accounts(query),
    queryFn: ({ signal }) => accountsApi.list(query, signal),
    placeholderData: keepPreviousData,
  })
}

export function useAccountFacets() {
  return useQuery({
    queryKey: queryKeys.facets,
    queryFn: ({ signal }) => accountsApi.facets(signal),
    staleTime: 5 * 60_000,
  })
}

export function useAccount360(id: string) {
  return useQuery({ queryKey: queryKeys.account360(id), queryFn: ({ signal }) => accountsApi.get360(id, signal) })
}

export function useApiKeys(enabled = true) {
  return useQuery({ queryKey: queryKeys.apiKeys, queryFn: ({ signal }) => apiKeysApi.list(signal), enabled })
}

export function useAuditLog(query: Omit<AuditQuery, 'cursor'>, enabled = true) {
  return useInfiniteQuery({
    queryKey: queryKeys.audit(query),
    queryFn: ({ pageParam, signal }) => auditApi.list({ ...query, cursor: pageParam ?? undefined }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled,
  })
}

/* ---------- mutations ---------- */

export function useCreateAccount() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (input: AccountInput) => accountsApi.create(input),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: queryKeys.accountsAll })
      void client.invalidateQueries({ queryKey: queryKeys.portfolio })
    },
  })
}

export function useUpdateAccount(id: string) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (patch: AccountPatch) => accountsApi.update(id, patch),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: queryKeys.accountsAll })
      void client.invalidateQueries({ queryKey: queryKeys.portfolio })
    },
  })
}

export function useDeleteAccount() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => accountsApi.remove(id),
    onSuccess: (_data, id) => {
      client.removeQueries({ queryKey: queryKeys.account360(id) })
      void client.invalidateQueries({ queryKey: queryKeys.accountsAll })
      void client.invalidateQueries({ queryKey: queryKeys.portfolio })
    },
  })
}

export function useCreateTouchpoint() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (input: CreateTouchpointInput) => touchpointsApi.create(input),
    onSuccess: (touchpoint) => {
      // Show it at once, then reconcile with the server.
      client.setQueryData<Account360>(queryKeys.account360(touchpoint.accountId), (current) =>
        current && !current.touchpoints.some((existing) => existing.id === touchpoint.id)
          ? { ...current, touchpoints: [touchpoint, ...current.touchpoints] }
          : current,
      )
      return client.invalidateQueries({ queryKey: queryKeys.account360(touchpoint.accountId) })
    },
  })
}

export function useCreateUser() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (input: CreateUserInput) => usersApi.create(input),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.users }),
  })
}

export function useUpdateUser() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: UpdateUserInput }) => usersApi.update(id, input),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: queryKeys.users })
      void client.invalidateQueries({ queryKey: queryKeys.auditAll })
    },
  })
}

export function useCreateApiKey() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (input: CreateApiKeyInput) => apiKeysApi.create(input),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.apiKeys }),
  })
}

export function useRevokeApiKey() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => apiKeysApi.revoke(id),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.apiKeys }),
  })
}

export function useLogout() {
  return useMutation({ mutationFn: () => authApi.logout() })
}

/* ---------- product usage ---------- */

export function useAccountUsage(id: string, days: number) {
  return useQuery({
    queryKey: queryKeys.accountUsage(id, days),
    queryFn: ({ signal }) => usageApi.account(id, days, signal),
    placeholderData: keepPreviousData,
  })
}

export function useAccountEvents(id: string, event: string | undefined, pageSize = 50) {
  return useInfiniteQuery({
    queryKey: queryKeys.accountEvents(id, event),
    queryFn: ({ pageParam, signal }) => usageApi.events(id, { limit: pageSize, event, cursor: pageParam ?? undefined }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  })
}

export function useUsageSettings(enabled = true) {
  return useQuery({ queryKey: queryKeys.usageSettings, queryFn: ({ signal }) => usageApi.settings(signal), enabled })
}

export function useSaveUsageSettings() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (input: UsageSettings) => usageApi.saveSettings(input),
    onSuccess: (saved) => {
      client.setQueryData(queryKeys.usageSettings, saved)
      // Feature breadth and the key-feature badges of every account depend on this list.
      void client.invalidateQueries({ queryKey: queryKeys.accountUsageAll })
      void client.invalidateQueries({ queryKey: queryKeys.auditAll })
    },
  })
}

/* ---------- data quality ---------- */

export const dataQualityKeys = {
  all: ['data-quality'] as const,
  report: ['data-quality', 'report'] as const,
  examples: (href: string) => ['data-quality', 'examples', href] as const,
}

export function useDataQualityReport() {
  return useQuery({ queryKey: dataQualityKeys.report, queryFn: ({ signal }) => dataQualityApi.report(signal) })
}

export function useDataQualityExamples(href: string | null) {
  return useInfiniteQuery({
    queryKey: dataQualityKeys.examples(href ?? ''),
    queryFn: ({ pageParam, signal }) => dataQualityApi.examples(href ?? '', { cursor: pageParam ?? undefined, limit: 50 }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: href !== null,
  })
}
