/** Outreach: the mail server, webhook / Slack destinations, delivery logs and unsubscribes — types, endpoints and hooks. */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, request } from './client'

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped'
export type DestinationKind = 'webhook' | 'slack'

export type SmtpSettings = {
  configured: boolean
  host: string | null
  port: number | null
  secure: boolean
  username: string | null
  passwordSet: boolean
  fromAddress: string | null
  throttleDays: number
  updatedAt: string | null
}

export type SmtpSettingsInput = {
  host: string
  port: number
  secure: boolean
  username: string | null
  /** Omit to keep the stored password; null removes it. */
  password?: string | null
  fromAddress: string
  throttleDays: number
}

export type SendResult = { ok: boolean; detail: string; responseStatus: number | null }

export type Destination = {
  key: string
  kind: DestinationKind
  /** Host and the last 4 characters of the path; the full URL is never returned. */
  urlHint: string
  secretSet: boolean
  createdAt: string
  updatedAt: string
}

export type DestinationInput = { kind: DestinationKind; url?: string; secret?: string }

export type OutboundEmail = {
  id: string
  accountId: string | null
  accountName: string | null
  contactId: string | null
  playbookKey: string | null
  playbookRunId: string | null
  playbookStepId: string | null
  toAddress: string
  fromAddress: string
  fromName: string | null
  subject: string
  status: DeliveryStatus
  skipReason: string | null
  attempts: number
  nextAttemptAt: string | null
  lastError: string | null
  messageId: string | null
  sentAt: string | null
  createdAt: string
}

export type WebhookDelivery = {
  id: string
  destinationKey: string
  kind: DestinationKind
  accountId: string | null
  accountName: string | null
  playbookKey: string | null
  playbookRunId: string | null
  playbookStepId: string | null
  payload: Record<string, unknown>
  status: DeliveryStatus
  attempts: number
  nextAttemptAt: string | null
  responseStatus: number | null
  lastError: string | null
  deliveredAt: string | null
  createdAt: string
}

export type EmailQuery = { accountId?: string; playbook?: string; status?: DeliveryStatus }
export type WebhookQuery = { destination?: string; accountId?: string; playbook?: string; status?: DeliveryStatus }
export type Page<Item> = { items: Item[]; nextCursor: string | null }

const enc = encodeURIComponent

export const outreachApi = {
  smtp: (signal?: AbortSignal) => api.get<SmtpSettings>('/api/v1/outreach/smtp', undefined, signal),
  saveSmtp: (input: SmtpSettingsInput) => request<SmtpSettings>('/api/v1/outreach/smtp', { method: 'PUT', body: input }),
  testSmtp: (to: string) => api.post<SendResult>('/api/v1/outreach/smtp/test', { to }),
  destinations: (signal?: AbortSignal) => api.get<{ items: Destination[] }>('/api/v1/outreach/destinations', undefined, signal),
  saveDestination: (key: string, input: DestinationInput) => request<Destination>(`/api/v1/outreach/destinations/${enc(key)}`, { method: 'PUT', body: input }),
  deleteDestination: (key: string) => api.delete<void>(`/api/v1/outreach/destinations/${enc(key)}`),
  testDestination: (key: string) => api.post<SendResult>(`/api/v1/outreach/destinations/${enc(key)}/test`),
  emails: (query: EmailQuery & { cursor?: string; limit?: number }, signal?: AbortSignal) => api.get<Page<OutboundEmail>>('/api/v1/outreach/emails', query, signal),
  webhooks: (query: WebhookQuery & { cursor?: string; limit?: number }, signal?: AbortSignal) => api.get<Page<WebhookDelivery>>('/api/v1/outreach/webhooks', query, signal),
  unsubscribes: (signal?: AbortSignal) => api.get<{ items: { email: string; unsubscribedAt: string }[]; total: number }>('/api/v1/outreach/unsubscribes', undefined, signal),
}

export const outreachKeys = {
  all: ['outreach'] as const,
  smtp: ['outreach', 'smtp'] as const,
  destinations: ['outreach', 'destinations'] as const,
  emails: (query: EmailQuery) => ['outreach', 'emails', query] as const,
  webhooks: (query: WebhookQuery) => ['outreach', 'webhooks', query] as const,
  unsubscribes: ['outreach', 'unsubscribes'] as const,
}

export function useSmtpSettings() {
  return useQuery({ queryKey: outreachKeys.smtp, queryFn: ({ signal }) => outreachApi.smtp(signal) })
}

export function useDestinations() {
  return useQuery({ queryKey: outreachKeys.destinations, queryFn: ({ signal }) => outreachApi.destinations(signal) })
}

/** Delivery logs refresh every 10 s while shown: retries move on their own. */
export function useOutboundEmails(query: EmailQuery) {
  return useInfiniteQuery({
    queryKey: outreachKeys.emails(query),
    queryFn: ({ pageParam, signal }) => outreachApi.emails({ ...query, cursor: pageParam ?? undefined, limit: 25 }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: 10_000,
  })
}

export function useWebhookDeliveries(query: WebhookQuery) {
  return useInfiniteQuery({
    queryKey: outreachKeys.webhooks(query),
    queryFn: ({ pageParam, signal }) => outreachApi.webhooks({ ...query, cursor: pageParam ?? undefined, limit: 25 }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: 10_000,
  })
}

export function useUnsubscribes() {
  return useQuery({ queryKey: outreachKeys.unsubscribes, queryFn: ({ signal }) => outreachApi.unsubscribes(signal) })
}

function useInvalidateOutreach() {
  const client = useQueryClient()
  return () => {
    void client.invalidateQueries({ queryKey: outreachKeys.all })
    void client.invalidateQueries({ queryKey: ['audit-log'] })
  }
}

export function useSaveSmtpSettings() {
  const invalidate = useInvalidateOutreach()
  return useMutation({ mutationFn: (input: SmtpSettingsInput) => outreachApi.saveSmtp(input), onSuccess: invalidate })
}

export function useTestSmtp() {
  return useMutation({ mutationFn: (to: string) => outreachApi.testSmtp(to) })
}

export function useSaveDestination() {
  const invalidate = useInvalidateOutreach()
  return useMutation({ mutationFn: ({ key, input }: { key: string; input: DestinationInput }) => outreachApi.saveDestination(key, input), onSuccess: invalidate })
}

export function useDeleteDestination() {
  const invalidate = useInvalidateOutreach()
  return useMutation({ mutationFn: (key: string) => outreachApi.deleteDestination(key), onSuccess: invalidate })
}

export function useTestDestination() {
  return useMutation({ mutationFn: (key: string) => outreachApi.testDestination(key) })
}
