/** One function per endpoint of the HTTP contract. */
import { api, request } from './client'
import type {
  Account,
  Account360,
  AccountEventPage,
  AccountEventsQuery,
  AccountFacets,
  AccountInput,
  AccountPage,
  AccountPatch,
  AccountQuery,
  AccountUsage,
  ApiKey,
  AuditEntry,
  AuditQuery,
  CreateApiKeyInput,
  CreateApiKeyResult,
  CreateTouchpointInput,
  CreateUserInput,
  CreateUserResult,
  CursorPage,
  DataQualityExamples,
  DataQualityReport,
  ItemsPage,
  LoginInput,
  Me,
  PortfolioSummary,
  Touchpoint,
  UpdateUserInput,
  UsageSettings,
  User,
} from './types'

const id = (value: string) => encodeURIComponent(value)

export const authApi = {
  login: (input: LoginInput) =>
    request<Me>('/api/auth/login', { method: 'POST', body: input, skipAuthRedirect: true }),
  logout: () => request<void>('/api/auth/logout', { method: 'POST', skipAuthRedirect: true }),
  me: (signal?: AbortSignal) => request<Me>('/api/auth/me', { signal, skipAuthRedirect: true }),
}

export const usersApi = {
  list: (signal?: AbortSignal) => api.get<ItemsPage<User>>('/api/v1/users', undefined, signal),
  create: (input: CreateUserInput) => api.post<CreateUserResult>('/api/v1/users', input),
  update: (userId: string, input: UpdateUserInput) => api.patch<User>(`/api/v1/users/${id(userId)}`, input),
}

export const apiKeysApi = {
  list: (signal?: AbortSignal) => api.get<ItemsPage<ApiKey>>('/api/v1/api-keys', undefined, signal),
  create: (input: CreateApiKeyInput) => api.post<CreateApiKeyResult>('/api/v1/api-keys', input),
  revoke: (keyId: string) => api.delete<ApiKey>(`/api/v1/api-keys/${id(keyId)}`),
}

export const auditApi = {
  list: (query: AuditQuery, signal?: AbortSignal) =>
    api.get<CursorPage<AuditEntry>>('/api/v1/audit-log', query, signal),
}

export const accountsApi = {
  list: (query: AccountQuery, signal?: AbortSignal) => api.get<AccountPage>('/api/v1/accounts', query, signal),
  facets: (signal?: AbortSignal) => api.get<AccountFacets>('/api/v1/accounts/facets', undefined, signal),
  get360: (accountId: string, signal?: AbortSignal) =>
    api.get<Account360>(`/api/v1/accounts/${id(accountId)}/360`, undefined, signal),
  create: (input: AccountInput) => api.post<Account>('/api/v1/accounts', input),
  update: (accountId: string, patch: AccountPatch) => api.patch<Account>(`/api/v1/accounts/${id(accountId)}`, patch),
  remove: (accountId: string) => api.delete<void>(`/api/v1/accounts/${id(accountId)}`),
}

export const touchpointsApi = {
  create: (input: CreateTouchpointInput) => api.post<Touchpoint>('/api/v1/touchpoints', input),
}

export const portfolioApi = {
  summary: (signal?: AbortSignal) => api.get<PortfolioSummary>('/api/v1/portfolio/summary', undefined, signal),
}

export const usageApi = {
  account: (accountId: string, days: number, signal?: AbortSignal) =>
    api.get<AccountUsage>(`/api/v1/accounts/${id(accountId)}/usage`, { days }, signal),
  events: (accountId: string, query: AccountEventsQuery, signal?: AbortSignal) =>
    api.get<AccountEventPage>(`/api/v1/accounts/${id(accountId)}/events`, query, signal),
  settings: (signal?: AbortSignal) => api.get<UsageSettings>('/api/v1/settings/usage', undefined, signal),
  saveSettings: (input: UsageSettings) => request<UsageSettings>('/api/v1/settings/usage', { method: 'PUT', body: input }),
}

export const dataQualityApi = {
  report: (signal?: AbortSignal) => api.get<DataQualityReport>('/api/v1/data-quality', undefined, signal),
  /** `href` is a line's examplesHref (a path, maybe with ?source=…); cursor and limit are added to it. */
  examples: (href: string, query: { cursor?: string; limit?: number }, signal?: AbortSignal) => {
    const [path = '', search = ''] = href.split('?')
    return api.get<DataQualityExamples>(path, { ...Object.fromEntries(new URLSearchParams(search)), ...query }, signal)
  },
}
