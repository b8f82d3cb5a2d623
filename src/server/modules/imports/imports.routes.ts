import fs from 'node:fs'
import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { createRoute, z } from '@hono/zod-openapi'
import { ProblemError, createRouter, jsonBody, jsonResponse, problemResponses, requirePermission, type AppDeps, type AuthContext } from '../../platform/http'
import {
  ApplyImportBody,
  GuessMappingBody,
  GuessMappingSchema,
  IdParam,
  ImportErrorListQuery,
  ImportErrorPageSchema,
  ImportKindListSchema,
  ImportRunListQuery,
  ImportRunPageSchema,
  ImportRunSchema,
  UploadImportQuery,
} from './imports.contracts'
import { importKinds } from './imports.tables'
import type { ImportRun } from './imports.repo'
import * as service from './imports.service'
import { RUN_IMPORT_QUEUE } from './jobs/run-import'

export const toImportRunDto = (run: ImportRun) => ({
  id: run.id,
  kind: run.kind,
  fileName: run.fileName,
  fileBytes: run.fileBytes,
  status: run.status,
  dryRun: run.dryRun,
  allOrNothing: run.allOrNothing,
  dayFirst: run.dayFirst,
  mapping: run.mapping,
  headers: run.headers,
  rowsProcessed: run.rowsProcessed,
  rowsCreated: run.rowsCreated,
  rowsUpdated: run.rowsUpdated,
  rowsUnchanged: run.rowsUnchanged,
  rowsFailed: run.rowsFailed,
  bytesProcessed: run.bytesProcessed,
  progress: run.finishedAt ? 1 : run.fileBytes > 0 ? Math.min(1, run.bytesProcessed / run.fileBytes) : 0,
  preview: run.preview as z.infer<typeof ImportRunSchema>['preview'],
  failureReason: run.failureReason,
  sourceRunId: run.sourceRunId,
  canApply: run.dryRun && run.status === 'succeeded' && run.filePath !== null,
  errorReportUrl: `/api/v1/imports/${run.id}/errors.csv`,
  createdBy: run.createdBy,
  createdAt: run.createdAt.toISOString(),
  startedAt: run.startedAt ? run.startedAt.toISOString() : null,
  finishedAt: run.finishedAt ? run.finishedAt.toISOString() : null,
})

/** Who started an import, as the history shows it. */
export function importActor(auth: AuthContext): { createdBy: string; createdByUserId: string | null } {
  if (auth.actor.kind === 'user') return { createdBy: `${auth.actor.name} <${auth.actor.email}>`, createdByUserId: auth.actor.userId }
  return { createdBy: `API key ${auth.actor.name}`, createdByUserId: null }
}

const tags = ['Imports']
const write = requirePermission('customers:write')
const csvTypes = ['text/', 'application/csv', 'application/vnd.ms-excel', 'application/octet-stream']

const kindsRoute = createRoute({
  method: 'get',
  path: '/api/v1/imports/kinds',
  tags,
  summary: 'What can be imported and the fields of each kind',
  middleware: [write] as const,
  responses: { 200: jsonResponse(ImportKindListSchema, 'The import kinds'), ...problemResponses },
})

const guessRoute = createRoute({
  method: 'post',
  path: '/api/v1/imports/guess-mapping',
  tags,
  summary: 'Propose a column → field mapping for a CSV header row (Salesforce and HubSpot export headers included)',
  middleware: [write] as const,
  request: jsonBody(GuessMappingBody),
  responses: { 200: jsonResponse(GuessMappingSchema, 'The proposed mapping and the fields to choose from'), ...problemResponses },
})

const uploadRoute = createRoute({
  method: 'post',
  path: '/api/v1/imports',
  tags,
  summary: 'Upload a CSV file and import it (or dry-run it) in the background',
  description:
    'The request body is the CSV file itself (Content-Type text/csv; up to 1 GB), streamed to disk — not multipart. The first line names the columns; ' +
    'comma, semicolon, tab and pipe delimiters are recognised, UTF-8 with or without BOM. Records are upserted by external id. Answers 202 with the queued run: ' +
    'poll GET /api/v1/imports/{id} for progress, then read the preview and GET /api/v1/imports/{id}/errors.csv for every bad row. ' +
    'A finished dry run can be applied without uploading again: POST /api/v1/imports/{id}/apply. ' +
    'Empty cells leave stored values unchanged. Dates: ISO (2026-01-31), US (01/31/2026; dayFirst=true for 31/01/2026), dotted (31.01.2026), "Jan 31, 2026", Excel serials. ' +
    'Money: "$12,000.50", "12.000,50 €", "EUR 1200". Yes/no: yes/no, true/false, y/n, 1/0.',
  middleware: [write] as const,
  request: {
    query: UploadImportQuery,
    body: { content: { 'text/csv': { schema: z.string().openapi({ format: 'binary' }) } }, required: true, description: 'The CSV file' },
  },
  responses: {
    202: jsonResponse(ImportRunSchema, 'Queued'),
    ...problemResponses,
    413: { description: 'The file is larger than 1 GB' },
    415: { description: 'Not a CSV body (multipart or JSON)' },
  },
})

const applyRoute = createRoute({
  method: 'post',
  path: '/api/v1/imports/{id}/apply',
  tags,
  summary: "Import a finished dry run's file for real, with the same mapping",
  middleware: [write] as const,
  request: { params: IdParam, ...jsonBody(ApplyImportBody) },
  responses: { 202: jsonResponse(ImportRunSchema, 'Queued'), ...problemResponses, 409: { description: 'Not a finished dry run, or its file is no longer kept' } },
})

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/imports',
  tags,
  summary: 'Import history, newest first',
  middleware: [write] as const,
  request: { query: ImportRunListQuery },
  responses: { 200: jsonResponse(ImportRunPageSchema, 'A page of imports'), ...problemResponses },
})

const getRoute = createRoute({
  method: 'get',
  path: '/api/v1/imports/{id}',
  tags,
  summary: 'One import with its progress (rows processed so far), counts and preview',
  middleware: [write] as const,
  request: { params: IdParam },
  responses: { 200: jsonResponse(ImportRunSchema, 'The import'), ...problemResponses },
})

const errorsRoute = createRoute({
  method: 'get',
  path: '/api/v1/imports/{id}/errors',
  tags,
  summary: "An import's bad rows in file order (row, column, reason, the original row)",
  middleware: [write] as const,
  request: { params: IdParam, query: ImportErrorListQuery },
  responses: { 200: jsonResponse(ImportErrorPageSchema, 'A page of bad rows'), ...problemResponses },
})

const errorReportRoute = createRoute({
  method: 'get',
  path: '/api/v1/imports/{id}/errors.csv',
  tags,
  summary: 'Download the error report: every bad row with its row number, column and reason',
  middleware: [write] as const,
  request: { params: IdParam },
  responses: { 200: { description: 'CSV: row, column, field, reason, original row', content: { 'text/csv': { schema: z.string() } } }, ...problemResponses },
})

export function importRoutes(deps: AppDeps) {
  const { db } = deps
  const enqueue = async (run: ImportRun) => {
    await deps.jobs.send(RUN_IMPORT_QUEUE, { workspaceId: run.workspaceId, runId: run.id })
    return run
  }
  return createRouter()
    .openapi(kindsRoute, (c) => c.json({ kinds: importKinds.map((kind) => service.describeKind(kind)) }, 200))
    .openapi(guessRoute, (c) => {
      const body = c.req.valid('json')
      return c.json(service.proposeMapping(body.kind, body.headers), 200)
    })
    .openapi(uploadRoute, async (c) => {
      const query = c.req.valid('query')
      const contentType = (c.req.header('content-type') ?? '').toLowerCase()
      if (contentType && !csvTypes.some((type) => contentType.startsWith(type))) {
        throw new ProblemError(415, 'Unsupported Media Type', `Send the CSV file itself as the body (Content-Type text/csv), not ${contentType.split(';')[0]}`, [
          { field: 'body', message: 'must be the CSV file (text/csv)' },
        ])
      }
      const declared = Number(c.req.header('content-length') ?? 0)
      if (declared > service.MAX_UPLOAD_BYTES) throw new ProblemError(413, 'Payload Too Large', 'The file is larger than 1 GB', [{ field: 'body', message: 'file too large' }])
      const body = c.req.raw.body
      if (!body) throw new ProblemError(400, 'Bad Request', 'The request has no body: send the CSV file', [{ field: 'body', message: 'is empty' }])
      const staged = await service.stageUpload(deps.config.dataDir, Readable.fromWeb(body as unknown as WebReadableStream<Uint8Array>))
      try {
        const run = await service.createImportRun(db, {
          workspaceId: c.get('auth').workspaceId,
          input: {
            kind: query.kind,
            fileName: query.fileName ?? 'upload.csv',
            filePath: staged.filePath,
            fileOwned: true,
            fileBytes: staged.bytes,
            dryRun: query.dryRun ?? false,
            allOrNothing: query.allOrNothing ?? false,
            dayFirst: query.dayFirst ?? false,
            mapping: query.mapping,
            ...importActor(c.get('auth')),
          },
        })
        return c.json(toImportRunDto(await enqueue(run)), 202)
      } catch (error) {
        await fs.promises.rm(staged.filePath, { force: true })
        throw error
      }
    })
    .openapi(applyRoute, async (c) => {
      const run = await service.createApplyRun(db, {
        workspaceId: c.get('auth').workspaceId,
        runId: c.req.valid('param').id,
        allOrNothing: c.req.valid('json').allOrNothing,
        ...importActor(c.get('auth')),
      })
      return c.json(toImportRunDto(await enqueue(run)), 202)
    })
    .openapi(listRoute, async (c) => {
      const query = c.req.valid('query')
      const page = await service.listImportRuns(db, { workspaceId: c.get('auth').workspaceId, limit: query.limit, cursor: query.cursor })
      return c.json({ items: page.items.map(toImportRunDto), nextCursor: page.nextCursor }, 200)
    })
    .openapi(getRoute, async (c) => {
      const run = await service.getImportRun(db, { workspaceId: c.get('auth').workspaceId, runId: c.req.valid('param').id })
      return c.json(toImportRunDto(run), 200)
    })
    .openapi(errorsRoute, async (c) => {
      const query = c.req.valid('query')
      const page = await service.listImportErrors(db, { workspaceId: c.get('auth').workspaceId, runId: c.req.valid('param').id, after: query.after, limit: query.limit })
      return c.json(
        { items: page.items.map((error) => ({ seq: error.seq, rowNumber: error.rowNumber, column: error.column, field: error.field, reason: error.reason, raw: error.raw })), nextAfter: page.nextAfter },
        200,
      )
    })
    .openapi(errorReportRoute, async (c) => {
      const workspaceId = c.get('auth').workspaceId
      const run = await service.getImportRun(db, { workspaceId, runId: c.req.valid('param').id })
      const name = `${run.fileName.replace(/\.csv$/i, '').replace(/[^\w.-]+/g, '_')}-errors.csv`
      const lines = service.errorReportLines(db, { workspaceId, runId: run.id })
      const body = new ReadableStream<Uint8Array>({
        pull: async (controller) => {
          const next = await lines.next()
          if (next.done) controller.close()
          else controller.enqueue(new TextEncoder().encode(next.value))
        },
        cancel: async () => void (await lines.return(undefined)),
      })
      return c.body(body, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"` })
    })
}
