/** Billing (Stripe): the connection, events, customer mappings and payment failures — types, endpoints and hooks. */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, request } from './client'

export type StripeEventStatus = 'received' | 'processed' | 'unmatched' | 'ignored' | 'failed'

export type StripeSettings = {
  configured: boolean
  secretLast4: string | null
  updatedAt: string | null
  webhookUrl: string
  eventTypes: string[]
  lastEvent: { type: string; status: StripeEventStatus; receivedAt: string } | null
  eventCounts: Record<StripeEventStatus, number>
  unmatchedCustomers: number
  openPaymentFailures: { failures: number; accounts: number }
}

export type StripeEvent = {
  id: string
  stripeEventId: string
  type: string
  livemode: boolean
  status: StripeEventStatus
  stripeCustomerId: string | null
  stripeObjectId: string | null
  accountId: string | null
  accountName: string | null
  eventCreatedAt: string
  receivedAt: string
  processedAt: string | null
  error: string | null
}

export type UnmatchedStripeCustomer = {
  stripeCustomerId: string
  events: number
  firstEventAt: string
  lastEventAt: string
  email: string | null
  name: string | null
  accountExternalId: string | null
}

export type StripeCustomerMapping = {
  stripeCustomerId: string
  accountId: string
  accountName: string
  accountExternalId: string
  source: 'metadata' | 'external_id' | 'manual'
  createdAt: string
  updatedAt: string
}

export type ReprocessCounts = { processed: number; unmatched: number; ignored: number; failed: number }

export type PaymentFailure = {
  id: string
  accountId: string
  stripeInvoiceId: string
  stripeSubscriptionId: string | null
  amount: number
  currency: string
  failedAt: string
  attemptCount: number
  nextAttemptAt: string | null
  resolvedAt: string | null
}

const enc = encodeURIComponent

export const billingApi = {
  settings: (signal?: AbortSignal) => api.get<StripeSettings>('/api/v1/billing/stripe', undefined, signal),
  setSecret: (signingSecret: string) => request<StripeSettings>('/api/v1/billing/stripe', { method: 'PUT', body: { signingSecret } }),
  events: (query: { status?: StripeEventStatus; cursor?: string; limit?: number }, signal?: AbortSignal) =>
    api.get<{ items: StripeEvent[]; nextCursor: string | null }>('/api/v1/billing/stripe/events', query, signal),
  retry: (includeFailed: boolean) => request<ReprocessCounts>(`/api/v1/billing/stripe/events/retry?includeFailed=${includeFailed}`, { method: 'POST' }),
  unmatched: (signal?: AbortSignal) => api.get<{ items: UnmatchedStripeCustomer[] }>('/api/v1/billing/stripe/unmatched-customers', undefined, signal),
  mappings: (signal?: AbortSignal) => api.get<{ items: StripeCustomerMapping[] }>('/api/v1/billing/stripe/customers', undefined, signal),
  mapCustomer: (customerId: string, accountId: string) =>
    request<{ mapping: StripeCustomerMapping; reprocessed: ReprocessCounts }>(`/api/v1/billing/stripe/customers/${enc(customerId)}`, {
      method: 'PUT',
      body: { accountId },
    }),
  paymentFailures: (accountId: string, signal?: AbortSignal) =>
    api.get<{ items: PaymentFailure[]; openCount: number }>(`/api/v1/accounts/${enc(accountId)}/payment-failures`, undefined, signal),
}

export const billingKeys = {
  all: ['billing'] as const,
  settings: ['billing', 'stripe'] as const,
  events: (status: StripeEventStatus | undefined) => ['billing', 'events', status ?? 'all'] as const,
  unmatched: ['billing', 'unmatched'] as const,
  mappings: ['billing', 'mappings'] as const,
  paymentFailures: (accountId: string) => ['accounts', 'payment-failures', accountId] as const,
}

export function useStripeSettings() {
  return useQuery({ queryKey: billingKeys.settings, queryFn: ({ signal }) => billingApi.settings(signal) })
}

export function useStripeEvents(status: StripeEventStatus | undefined) {
  return useInfiniteQuery({
    queryKey: billingKeys.events(status),
    queryFn: ({ pageParam, signal }) => billingApi.events({ status, cursor: pageParam ?? undefined, limit: 25 }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  })
}

export function useUnmatchedStripeCustomers() {
  return useQuery({ queryKey: billingKeys.unmatched, queryFn: ({ signal }) => billingApi.unmatched(signal) })
}

export function useStripeCustomerMappings() {
  return useQuery({ queryKey: billingKeys.mappings, queryFn: ({ signal }) => billingApi.mappings(signal) })
}

export function usePaymentFailures(accountId: string) {
  return useQuery({ queryKey: billingKeys.paymentFailures(accountId), queryFn: ({ signal }) => billingApi.paymentFailures(accountId, signal) })
}

/** Billing changes move subscriptions, ARR and payment failures: refresh all of it. */
function useInvalidateBilling() {
  const client = useQueryClient()
  return () => {
    void client.invalidateQueries({ queryKey: billingKeys.all })
    void client.invalidateQueries({ queryKey: ['accounts'] })
    void client.invalidateQueries({ queryKey: ['portfolio'] })
    void client.invalidateQueries({ queryKey: ['audit-log'] })
  }
}

export function useSetStripeSecret() {
  const invalidate = useInvalidateBilling()
  return useMutation({ mutationFn: (secret: string) => billingApi.setSecret(secret), onSuccess: invalidate })
}

export function useMapStripeCustomer() {
  const invalidate = useInvalidateBilling()
  return useMutation({
    mutationFn: ({ customerId, accountId }: { customerId: string; accountId: string }) => billingApi.mapCustomer(customerId, accountId),
    onSuccess: invalidate,
  })
}

export function useRetryStripeEvents() {
  const invalidate = useInvalidateBilling()
  return useMutation({ mutationFn: (includeFailed: boolean) => billingApi.retry(includeFailed), onSuccess: invalidate })
}
