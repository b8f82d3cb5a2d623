/** CSV imports: kinds and fields, the guessed mapping, uploads (with upload progress), runs, bad rows — types, endpoints and hooks. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { ApiError, api, buildQuery, request } from './client'
import type { Problem } from './types'

export type ImportKind = 'accounts' | 'contacts' | 'subscriptions' | 'revenue-movements' | 'tickets' | 'touchpoints' | 'outcomes'
export type ImportStatus = 'queued' | 'running' | 'succeeded' | 'partially' | 'failed'

export type ImportField = {
  name: string
  label: string
  type: string
  required: boolean
  requiredOnCreate: boolean
  description: string
  choices?: string[]
}

export type ImportKindDescription = {
  kind: ImportKind
  label: string
  description: string
  traits: boolean
  fields: ImportField[]
}

export type MappingProposal = ImportKindDescription & {
  mapping: { column: string; field: string | null }[]
  missing: string[]
}

export type PreviewEntry = {
  rowNumber: number
  action: 'create' | 'update' | 'unchanged'
  key: string | null
  label: string
  changes: Record<string, { from: unknown; to: unknown }>
}

export type ImportRun = {
  id: string
  kind: ImportKind
  fileName: string
  fileBytes: number
  status: ImportStatus
  dryRun: boolean
  allOrNothing: boolean
  dayFirst: boolean
  mapping: Record<string, string | null>
  headers: string[]
  rowsProcessed: number
  rowsCreated: number
  rowsUpdated: number
  rowsUnchanged: number
  rowsFailed: number
  bytesProcessed: number
  progress: number
  preview: PreviewEntry[]
  failureReason: string | null
  sourceRunId: string | null
  canApply: boolean
  errorReportUrl: string
  createdBy: string
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
}

export type ImportRowError = { seq: number; rowNumber: number; column: string | null; field: string | null; reason: string; raw: string | null }

export type UploadParams = {
  kind: ImportKind
  dryRun: boolean
  allOrNothing: boolean
  dayFirst: boolean
  mapping: Record<string, string | null>
}

export const isRunning = (run: Pick<ImportRun, 'status'>) => run.status === 'queued' || run.status === 'running'

/**
 * Sends the file itself as the request body (text/csv), so the server streams it to disk; XHR
 * because fetch cannot report upload progress.
 */
export function uploadImport(file: File, params: UploadParams, onProgress?: (share: number) => void): Promise<ImportRun> {
  const query = buildQuery({ kind: params.kind, dryRun: params.dryRun, allOrNothing: params.allOrNothing, dayFirst: params.dayFirst, fileName: file.name, mapping: JSON.stringify(params.mapping) })
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', `/api/v1/imports${query}`)
    xhr.setRequestHeader('Content-Type', 'text/csv')
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json')
    xhr.withCredentials = true
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && onProgress) onProgress(event.loaded / event.total)
    }
    xhr.onerror = () => reject(new ApiError({ type: 'about:blank', title: 'Network error', status: 0, detail: 'The upload did not reach the Bosun server. Check your connection and try again.' }))
    xhr.onload = () => {
      let body: unknown
      try {
        body = JSON.parse(xhr.responseText) as unknown
      } catch {
        body = undefined
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body as ImportRun)
        return
      }
      const problem = (body && typeof body === 'object' ? body : {}) as Partial<Problem>
      reject(new ApiError({ type: problem.type ?? 'about:blank', title: problem.title ?? `HTTP ${xhr.status}`, status: xhr.status, detail: problem.detail, errors: problem.errors }))
    }
    xhr.send(file)
  })
}

const enc = encodeURIComponent

export const importsApi = {
  kinds: (signal?: AbortSignal) => api.get<{ kinds: ImportKindDescription[] }>('/api/v1/imports/kinds', undefined, signal),
  guess: (kind: ImportKind, headers: string[]) => api.post<MappingProposal>('/api/v1/imports/guess-mapping', { kind, headers }),
  runs: (signal?: AbortSignal) => api.get<{ items: ImportRun[]; nextCursor: string | null }>('/api/v1/imports', { limit: 25 }, signal),
  run: (id: string, signal?: AbortSignal) => api.get<ImportRun>(`/api/v1/imports/${enc(id)}`, undefined, signal),
  errors: (id: string, signal?: AbortSignal) => api.get<{ items: ImportRowError[]; nextAfter: number | null }>(`/api/v1/imports/${enc(id)}/errors`, { limit: 100 }, signal),
  apply: (id: string, allOrNothing: boolean) => request<ImportRun>(`/api/v1/imports/${enc(id)}/apply`, { method: 'POST', body: { allOrNothing } }),
}

export const importKeys = {
  all: ['imports'] as const,
  kinds: ['imports', 'kinds'] as const,
  runs: ['imports', 'runs'] as const,
  run: (id: string) => ['imports', 'run', id] as const,
  errors: (id: string) => ['imports', 'errors', id] as const,
}

export function useImportKinds() {
  return useQuery({ queryKey: importKeys.kinds, queryFn: ({ signal }) => importsApi.kinds(signal), staleTime: Infinity })
}

/** The history; polls while an import is queued or running. */
export function useImportRuns() {
  return useQuery({
    queryKey: importKeys.runs,
    queryFn: ({ signal }) => importsApi.runs(signal),
    refetchInterval: (query) => (query.state.data?.items.some(isRunning) ? 2000 : false),
  })
}

/** One run; polls every second until it has finished. */
export function useImportRun(id: string | null) {
  const client = useQueryClient()
  return useQuery({
    queryKey: importKeys.run(id ?? ''),
    queryFn: async ({ signal }) => {
      const run = await importsApi.run(id ?? '', signal)
      if (!isRunning(run)) {
        // A finished import changed customer data and the history.
        void client.invalidateQueries({ queryKey: importKeys.runs })
        if (!run.dryRun) void client.invalidateQueries({ queryKey: ['accounts'] })
      }
      return run
    },
    enabled: Boolean(id),
    refetchInterval: (query) => (query.state.data && !isRunning(query.state.data) ? false : 1000),
  })
}

export function useImportErrors(id: string | null, enabled: boolean) {
  return useQuery({ queryKey: importKeys.errors(id ?? ''), queryFn: ({ signal }) => importsApi.errors(id ?? '', signal), enabled: Boolean(id) && enabled })
}

export function useGuessMapping() {
  return useMutation({ mutationFn: ({ kind, headers }: { kind: ImportKind; headers: string[] }) => importsApi.guess(kind, headers) })
}

export function useUploadImport(onProgress: (share: number) => void) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: ({ file, params }: { file: File; params: UploadParams }) => uploadImport(file, params, onProgress),
    onSuccess: () => void client.invalidateQueries({ queryKey: importKeys.runs }),
  })
}

export function useApplyImport() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: ({ id, allOrNothing }: { id: string; allOrNothing: boolean }) => importsApi.apply(id, allOrNothing),
    onSuccess: () => void client.invalidateQueries({ queryKey: importKeys.runs }),
  })
}

/** A CSV's header row and first rows, read in the browser from the file's head (for the mapping step). */
export async function readCsvHead(file: File, sampleRows = 3): Promise<{ headers: string[]; samples: string[][] }> {
  const text = (await file.slice(0, 256 * 1024).text()).replace(/^\uFEFF/, '')
  const firstLine = text.split(/\r?\n/, 1)[0] ?? ''
  const delimiters = [',', ';', '\t', '|']
  const count = (delimiter: string) => firstLine.split(delimiter).length
  const delimiter = delimiters.reduce((best, candidate) => (count(candidate) > count(best) ? candidate : best), ',')
  const records: string[][] = []
  let record: string[] = []
  let cell = ''
  let quoted = false
  for (let index = 0; index < text.length && records.length <= sampleRows; index++) {
    const char = text[index]
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"'
        index++
      } else if (char === '"') quoted = false
      else cell += char
    } else if (char === '"' && cell === '') quoted = true
    else if (char === delimiter) {
      record.push(cell)
      cell = ''
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index++
      record.push(cell)
      if (record.some((value) => value.trim() !== '')) records.push(record)
      record = []
      cell = ''
    } else cell += char
  }
  const [header = [], ...samples] = records
  // Repeated or blank headers get the names the server gives them.
  const seen = new Map<string, number>()
  const headers = header.map((name, index) => {
    const base = name.trim() || `Column ${index + 1}`
    const times = (seen.get(base.toLowerCase()) ?? 0) + 1
    seen.set(base.toLowerCase(), times)
    return times === 1 ? base : `${base} (${times})`
  })
  return { headers, samples: samples.slice(0, sampleRows) }
}
