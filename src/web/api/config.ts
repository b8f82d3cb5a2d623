/** Configuration documents (segments, …): kinds, documents, versions, YAML export / plan / apply — types, endpoints and hooks. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, request } from './client'

export type ConfigState = 'published' | 'archived' | 'draft'
export type ConfigVersionStatus = 'draft' | 'published' | 'archived'

export type ConfigKindInfo = {
  kind: string
  label: string
  description: string
  example: unknown
  published: number
  drafts: number
  archived: number
}

export type ConfigVersion = {
  kind: string
  key: string
  version: number
  status: ConfigVersionStatus
  comment: string
  createdBy: string | null
  createdByLabel: string
  createdAt: string
  summary: string | null
  body?: unknown
  live?: boolean
}

/** Work a live document started and has not finished: a playbook's runs under way and the open tasks it made. */
export type OpenWork = { runs: number; tasks: number }
/** What happens to that work on publish, restore, archive or apply; a question is asked only when there is work of its sort. */
export type OpenWorkAnswer = { openRuns?: 'continue' | 'cancel'; openTasks?: 'keep' | 'dismiss' }
export type SettledWork = { runsCancelled: number; tasksDismissed: number }

export type ConfigDocument = {
  kind: string
  key: string
  state: ConfigState
  summary: string | null
  published: ConfigVersion | null
  draft: ConfigVersion | null
  archived: ConfigVersion | null
  openWork: OpenWork | null
  /** After publish, restore or archive: what happened to the work under way. */
  settled?: SettledWork | null
}

export type ConfigListItem = {
  kind: string
  key: string
  name: string | null
  state: ConfigState
  summary: string | null
  publishedVersion: number | null
  draftVersion: number | null
  updatedAt: string
  updatedBy: string
  /** The current body: published, else the draft. */
  body: unknown
}

export type ConfigChange = { path: string; change: 'added' | 'removed' | 'changed'; before?: unknown; after?: unknown; text: string }
export type PlanAction = 'create' | 'update' | 'unchanged' | 'archive'

export type ConfigPlanEntry = {
  kind: string
  key: string
  action: PlanAction
  currentVersion: number | null
  fileVersion: number | null
  newVersion: number | null
  summary: string | null
  changes: ConfigChange[]
  draftOpen: boolean
  notes: string[]
  openWork: OpenWork | null
  settled: SettledWork | null
}

export type ConfigPlan = {
  valid: boolean
  applied: boolean
  counts: Record<PlanAction, number>
  documents: ConfigPlanEntry[]
  errors: { document: string | null; field: string; message: string }[]
}

export type ConditionPreview = {
  rendered: string
  count: number
  accounts: { id: string; name: string; arr: number; plan: string | null; renewalDate: string | null }[]
}

const enc = encodeURIComponent
const documentPath = (kind: string, key: string) => `/api/v1/config/${enc(kind)}/${enc(key)}`

export const configApi = {
  kinds: (signal?: AbortSignal) => api.get<{ items: ConfigKindInfo[] }>('/api/v1/config/kinds', undefined, signal),
  list: (kind: string, archived: boolean, signal?: AbortSignal) => api.get<{ items: ConfigListItem[] }>(`/api/v1/config/${enc(kind)}`, { archived: archived || undefined }, signal),
  get: (kind: string, key: string, signal?: AbortSignal) => api.get<ConfigDocument>(documentPath(kind, key), undefined, signal),
  versions: (kind: string, key: string, signal?: AbortSignal) => api.get<{ items: ConfigVersion[] }>(`${documentPath(kind, key)}/versions`, undefined, signal),
  version: (kind: string, key: string, version: number, signal?: AbortSignal) => api.get<ConfigVersion>(`${documentPath(kind, key)}/versions/${version}`, undefined, signal),
  saveDraft: (kind: string, key: string, body: unknown, comment: string) => request<ConfigDocument>(documentPath(kind, key), { method: 'PUT', body: { body, comment } }),
  publish: (kind: string, key: string, comment?: string, openWork?: OpenWorkAnswer) => api.post<ConfigDocument>(`${documentPath(kind, key)}/publish`, { ...openWork, ...(comment ? { comment } : {}) }),
  discardDraft: (kind: string, key: string) => api.delete<void>(`${documentPath(kind, key)}/draft`),
  restore: (kind: string, key: string, version: number, openWork?: OpenWorkAnswer) => api.post<ConfigDocument>(`${documentPath(kind, key)}/versions/${version}/restore`, { ...openWork }),
  archive: (kind: string, key: string, openWork?: OpenWorkAnswer) => {
    const query = new URLSearchParams([...(openWork?.openRuns ? [['openRuns', openWork.openRuns]] : []), ...(openWork?.openTasks ? [['openTasks', openWork.openTasks]] : [])]).toString()
    return api.delete<ConfigDocument>(`${documentPath(kind, key)}${query ? `?${query}` : ''}`)
  },
  exportYaml: () => api.get<string>('/api/v1/config/export'),
  plan: (yaml: string, prune: boolean) => api.post<ConfigPlan>('/api/v1/config/plan', { yaml, prune }),
  apply: (yaml: string, prune: boolean, comment?: string, openWork?: OpenWorkAnswer) => api.post<ConfigPlan>('/api/v1/config/apply', { yaml, prune, ...openWork, ...(comment ? { comment } : {}) }),
  previewCondition: (condition: unknown, limit: number, signal?: AbortSignal) => request<ConditionPreview>('/api/v1/conditions/preview', { method: 'POST', body: { condition, limit }, signal }),
}

export const configKeys = {
  all: ['config'] as const,
  kinds: ['config', 'kinds'] as const,
  list: (kind: string, archived: boolean) => ['config', 'list', kind, archived] as const,
  document: (kind: string, key: string) => ['config', 'document', kind, key] as const,
  versions: (kind: string, key: string) => ['config', 'versions', kind, key] as const,
  version: (kind: string, key: string, version: number) => ['config', 'version', kind, key, version] as const,
  preview: (condition: string, limit: number) => ['conditions', 'preview', condition, limit] as const,
}

export function useConfigKinds() {
  return useQuery({ queryKey: configKeys.kinds, queryFn: ({ signal }) => configApi.kinds(signal), staleTime: 60_000 })
}

export function useConfigDocuments(kind: string, archived: boolean) {
  return useQuery({ queryKey: configKeys.list(kind, archived), queryFn: ({ signal }) => configApi.list(kind, archived, signal), placeholderData: keepPreviousData })
}

export function useConfigDocument(kind: string, key: string, enabled = true) {
  return useQuery({ queryKey: configKeys.document(kind, key), queryFn: ({ signal }) => configApi.get(kind, key, signal), enabled })
}

export function useConfigVersions(kind: string, key: string) {
  return useQuery({ queryKey: configKeys.versions(kind, key), queryFn: ({ signal }) => configApi.versions(kind, key, signal) })
}

export function useConfigVersion(kind: string, key: string, version: number | null) {
  return useQuery({
    queryKey: configKeys.version(kind, key, version ?? 0),
    queryFn: ({ signal }) => configApi.version(kind, key, version ?? 0, signal),
    enabled: version !== null,
    staleTime: Infinity,
  })
}

/** A rule's one-line rendering and how many accounts match it now; `condition` null skips the call. */
export function useConditionPreview(condition: unknown, limit = 5) {
  const text = condition === null || condition === undefined ? '' : JSON.stringify(condition)
  return useQuery({
    queryKey: configKeys.preview(text, limit),
    queryFn: ({ signal }) => configApi.previewCondition(condition, limit, signal),
    enabled: text !== '',
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  })
}

/** Config changes show in lists, documents, histories and the audit log: refresh them all. */
function useInvalidateConfig() {
  const client = useQueryClient()
  return () => {
    void client.invalidateQueries({ queryKey: configKeys.all })
    void client.invalidateQueries({ queryKey: ['audit-log'] })
  }
}

type DocumentRef = { kind: string; key: string }

export function useSaveConfigDraft() {
  const invalidate = useInvalidateConfig()
  return useMutation({
    mutationFn: ({ kind, key, body, comment }: DocumentRef & { body: unknown; comment: string }) => configApi.saveDraft(kind, key, body, comment),
    onSuccess: invalidate,
  })
}

export function usePublishConfigDraft() {
  const invalidate = useInvalidateConfig()
  return useMutation({ mutationFn: ({ kind, key, comment, openWork }: DocumentRef & { comment?: string; openWork?: OpenWorkAnswer }) => configApi.publish(kind, key, comment, openWork), onSuccess: invalidate })
}

export function useDiscardConfigDraft() {
  const invalidate = useInvalidateConfig()
  return useMutation({ mutationFn: ({ kind, key }: DocumentRef) => configApi.discardDraft(kind, key), onSuccess: invalidate })
}

export function useRestoreConfigVersion() {
  const invalidate = useInvalidateConfig()
  return useMutation({ mutationFn: ({ kind, key, version, openWork }: DocumentRef & { version: number; openWork?: OpenWorkAnswer }) => configApi.restore(kind, key, version, openWork), onSuccess: invalidate })
}

export function useArchiveConfigDocument() {
  const invalidate = useInvalidateConfig()
  return useMutation({ mutationFn: ({ kind, key, openWork }: DocumentRef & { openWork?: OpenWorkAnswer }) => configApi.archive(kind, key, openWork), onSuccess: invalidate })
}

export function usePlanConfig() {
  return useMutation({ mutationFn: ({ yaml, prune }: { yaml: string; prune: boolean }) => configApi.plan(yaml, prune) })
}

export function useApplyConfig() {
  const invalidate = useInvalidateConfig()
  return useMutation({
    mutationFn: ({ yaml, prune, comment, openWork }: { yaml: string; prune: boolean; comment?: string; openWork?: OpenWorkAnswer }) => configApi.apply(yaml, prune, comment, openWork),
    onSuccess: invalidate,
  })
}
