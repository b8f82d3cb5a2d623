/** One function per endpoint of the HTTP contract. */
import { api, request } from './client'
import type {
  Account,
  Account360,
  AccountFacets,
  AccountInput,
  AccountPage,
  AccountPatch,
  AccountQuery,
  ApiKey,
  AuditEntry,
  AuditQuery,
  CreateApiKeyInput,
  CreateApiKeyResult,
  CreateTouchpointInput,
  CreateUserInput,
  CreateUserResult,
  CursorPage,
  ItemsPage,
  LoginInput,
  Me,
  PortfolioSummary,
  Touchpoint,
  UpdateUserInput,
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
