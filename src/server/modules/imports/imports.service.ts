import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { Readable, Transform, type Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Db } from '../../platform/db'
import { ProblemError, badRequest, decodeTimestampCursor, encodeCursor, notFound } from '../../platform/http'
import { listUsers } from '../identity'
import { runImport, inspectCsv, type ErrorSink, type ImportProgress, type RowErrorRecord } from './imports.engine'
import { guessMapping, kindSpecs, missingRequiredFields, type ImportKind } from './imports.fields'
import * as repo from './imports.repo'
import type { ImportRun } from './imports.repo'
import { resolveMapping, userDirectory } from './imports.rows'

export type { ImportRun } from './imports.repo'
export type { ImportProgress } from './imports.engine'

/** Uploads larger than this are refused (413): about 7 million rows of a typical account export. */
export const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024
/** Uploaded files wait this long for their apply after a dry run, then are removed. */
export const KEEP_FILES_HOURS = 24
const ERROR_BATCH = 500

/** Where uploads wait for their job: <data dir>/imports. */
export const importFilesDir = (dataDir: string) => path.join(dataDir, 'imports')

// ----- mapping -----

export function describeKind(kind: ImportKind) {
  const spec = kindSpecs[kind]
  return {
    kind,
    label: spec.label,
    description: spec.description,
    traits: spec.traits,
    fields: spec.fields.map((field) => ({
      name: field.name,
      label: field.label,
      type: field.type,
      required: Boolean(field.required),
      requiredOnCreate: Boolean(field.requiredOnCreate),
      description: field.description,
      ...(field.choices ? { choices: [...field.choices] } : {}),
    })),
  }
}

/** What the UI and the API offer before an upload: the guessed mapping and the fields to choose from. */
export function proposeMapping(kind: ImportKind, headers: string[]) {
  const mapping = guessMapping(kind, headers)
  return {
    ...describeKind(kind),
    mapping: headers.map((column) => ({ column, field: mapping[column] ?? null })),
    missing: missingRequiredFields(kind, mapping).map((field) => field.name),
  }
}

// ----- files -----

/**
 * Streams an upload to a new file under the data dir (never holding it in memory). Bodies over
 * MAX_UPLOAD_BYTES are cut off with a 413 and the partial file removed.
 */
export async function stageUpload(dataDir: string, body: Readable, maxBytes = MAX_UPLOAD_BYTES): Promise<{ filePath: string; bytes: number }> {
  const dir = importFilesDir(dataDir)
  await fs.promises.mkdir(dir, { recursive: true })
  const filePath = path.join(dir, `upload-${Date.now()}-${crypto.randomBytes(6).toString('hex')}.csv`)
  let bytes = 0
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length
      if (bytes > maxBytes) callback(new ProblemError(413, 'Payload Too Large', `The file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB`, [{ field: 'body', message: 'file too large' }]))
      else callback(null, chunk)
    },
  })
  try {
    await pipeline(body, limit, fs.createWriteStream(filePath, { mode: 0o600 }))
  } catch (error) {
    await fs.promises.rm(filePath, { force: true })
    if (error instanceof ProblemError) throw error
    // The client went away mid-upload: a client problem, not the server's.
    const code = (error as NodeJS.ErrnoException).code ?? ''
    if (['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'ABORT_ERR', 'UND_ERR_ABORTED'].includes(code) || (error as Error).name === 'AbortError') {
      throw new ProblemError(400, 'Bad Request', 'The upload was interrupted before the whole file arrived', [{ field: 'body', message: 'incomplete upload' }])
    }
    throw error
  }
  return { filePath, bytes }
}

/** A copy of a local file for a server process to import (the CLI's file may move or change). */
export async function stageLocalFile(dataDir: string, source: string): Promise<{ filePath: string; bytes: number }> {
  return stageUpload(dataDir, fs.createReadStream(source), Number.MAX_SAFE_INTEGER)
}

// ----- runs -----

export type CreateRunInput = {
  kind: ImportKind
  fileName: string
  filePath: string
  /** The file is Bosun's copy and is removed after the run (or after KEEP_FILES_HOURS for a dry run). */
  fileOwned: boolean
  fileBytes: number
  dryRun: boolean
  allOrNothing: boolean
  dayFirst: boolean
  /** Column → field choices; the rest is guessed from the headers. */
  mapping?: Record<string, string | null>
  createdBy: string
  createdByUserId?: string | null
  sourceRunId?: string | null
}

/** Checks the file's header against the mapping and records a queued run; a bad mapping is a 400 naming it. */
export async function createImportRun(db: Db, params: { workspaceId: string; input: CreateRunInput }): Promise<ImportRun> {
  const { workspaceId, input } = params
  const { headers } = await inspectCsv(input.filePath, 0)
  if (headers.length === 0) throw badRequest('body', 'the file is empty: the first line must name the columns')
  const resolved = resolveMapping(input.kind, headers, input.mapping)
  if (resolved.problems.length > 0) {
    throw new ProblemError(400, 'Bad Request', resolved.problems.map((problem) => `${problem.field}: ${problem.message}`).join('; '), resolved.problems)
  }
  return repo.insertRun(db, {
    workspaceId,
    kind: input.kind,
    fileName: input.fileName.slice(0, 300),
    filePath: input.filePath,
    fileOwned: input.fileOwned,
    fileBytes: input.fileBytes,
    dryRun: input.dryRun,
    allOrNothing: input.allOrNothing,
    dayFirst: input.dayFirst,
    mapping: resolved.mapping,
    headers,
    createdBy: input.createdBy.slice(0, 300),
    createdByUserId: input.createdByUserId ?? null,
    sourceRunId: input.sourceRunId ?? null,
  })
}

/** A dry run's file and mapping, imported for real. */
export async function createApplyRun(
  db: Db,
  params: { workspaceId: string; runId: string; allOrNothing?: boolean; createdBy: string; createdByUserId?: string | null },
): Promise<ImportRun> {
  const source = await getImportRun(db, { workspaceId: params.workspaceId, runId: params.runId })
  if (!source.dryRun) throw new ProblemError(409, 'Conflict', 'Only a dry run can be applied; this import was applied already')
  if (source.status !== 'succeeded') throw new ProblemError(409, 'Conflict', `The dry run has not finished successfully (status ${source.status})`)
  if ((await repo.findApplies(db, { workspaceId: params.workspaceId, sourceRunId: source.id })).length > 0) {
    throw new ProblemError(409, 'Conflict', 'This dry run has been applied already; see the import history')
  }
  if (!source.filePath || !fs.existsSync(source.filePath)) {
    throw new ProblemError(409, 'Conflict', `The uploaded file is no longer kept (files wait ${KEEP_FILES_HOURS} hours after a dry run); upload it again`)
  }
  return repo.insertRun(db, {
    workspaceId: params.workspaceId,
    kind: source.kind,
    fileName: source.fileName,
    filePath: source.filePath,
    fileOwned: source.fileOwned,
    fileBytes: source.fileBytes,
    dryRun: false,
    allOrNothing: params.allOrNothing ?? source.allOrNothing,
    dayFirst: source.dayFirst,
    mapping: source.mapping,
    headers: source.headers,
    createdBy: params.createdBy,
    createdByUserId: params.createdByUserId ?? null,
    sourceRunId: source.id,
  })
}

export async function getImportRun(db: Db, params: { workspaceId: string; runId: string }): Promise<ImportRun> {
  const run = await repo.findRun(db, params)
  if (!run) throw notFound('Import')
  return run
}

export async function listImportRuns(db: Db, params: { workspaceId: string; limit: number; cursor?: string }) {
  const rows = await repo.listRuns(db, { workspaceId: params.workspaceId, limit: params.limit + 1, after: decodeTimestampCursor(params.cursor) })
  const items = rows.slice(0, params.limit)
  const last = items[items.length - 1]
  return { items, nextCursor: rows.length > params.limit && last ? encodeCursor([last.cursorAt, last.id]) : null }
}

export async function listImportErrors(db: Db, params: { workspaceId: string; runId: string; after: number; limit: number }) {
  await getImportRun(db, params)
  const rows = await repo.listRowErrors(db, { workspaceId: params.workspaceId, runId: params.runId, afterSeq: params.after, limit: params.limit + 1 })
  const items = rows.slice(0, params.limit)
  return { items, nextAfter: rows.length > params.limit ? (items[items.length - 1]?.seq ?? null) : null }
}

const csvCell = (value: unknown) => {
  const text = value === null || value === undefined ? '' : String(value)
  // A leading = + - @ would run as a formula in a spreadsheet: quote it as text.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
  return /[",\r\n]/.test(safe) || safe !== text ? `"${safe.replace(/"/g, '""')}"` : safe
}

/** The error report as CSV (row, column, field, reason, the row as it was in the file), streamed page by page. */
export async function* errorReportLines(db: Db, params: { workspaceId: string; runId: string }): AsyncGenerator<string> {
  await getImportRun(db, params)
  yield 'row,column,field,reason,original row\r\n'
  let after = 0
  for (;;) {
    const page = await repo.listRowErrors(db, { workspaceId: params.workspaceId, runId: params.runId, afterSeq: after, limit: 1000 })
    if (page.length === 0) return
    yield page.map((error) => [error.rowNumber, error.column, error.field, error.reason, error.raw].map(csvCell).join(',')).join('\r\n') + '\r\n'
    after = page[page.length - 1].seq
  }
}

export async function writeErrorReport(db: Db, params: { workspaceId: string; runId: string; out: Writable }): Promise<void> {
  await pipeline(Readable.from(errorReportLines(db, params)), params.out)
}

/** Writes bad rows to import_row_errors in batches. */
function databaseErrorSink(db: Db, workspaceId: string, runId: string): ErrorSink {
  let seq = 0
  let buffer: (RowErrorRecord & { seq: number })[] = []
  const flush = async () => {
    if (buffer.length === 0) return
    const rows = buffer
    buffer = []
    await repo.insertRowErrors(db, rows.map((row) => ({ ...row, workspaceId, runId })))
  }
  return {
    add: async (error) => {
      seq += 1
      buffer.push({ ...error, seq })
      if (buffer.length >= ERROR_BATCH) await flush()
    },
    flush,
  }
}

/**
 * Spools bad rows to a file while the all-or-nothing transaction runs (on PGlite nothing else may
 * touch the database meanwhile); `load` moves them into the table afterwards.
 */
function spoolErrorSink(filePath: string): ErrorSink & { load: (db: Db, workspaceId: string, runId: string) => Promise<void> } {
  const out = fs.createWriteStream(filePath, { mode: 0o600 })
  let pending: string[] = []
  const flush = async () => {
    if (pending.length === 0) return
    const text = pending.join('')
    pending = []
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
  }
  return {
    add: async (error) => {
      pending.push(`${JSON.stringify(error)}\n`)
      if (pending.length >= ERROR_BATCH) await flush()
    },
    flush,
    load: async (db, workspaceId, runId) => {
      await flush()
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())))
      const sink = databaseErrorSink(db, workspaceId, runId)
      const lines = readline.createInterface({ input: fs.createReadStream(filePath), crlfDelay: Infinity })
      for await (const line of lines) if (line) await sink.add(JSON.parse(line) as RowErrorRecord)
      await sink.flush()
      await fs.promises.rm(filePath, { force: true })
    },
  }
}

const STALE_AFTER_MS = 10 * 60_000

export type ExecuteOptions = {
  /** Progress may be written while an all-or-nothing transaction runs (PostgreSQL: another connection). */
  concurrentProgress?: boolean
  /** Every chunk, in the process that runs the import (the CLI's progress bar). */
  onProgress?: (progress: ImportProgress) => void
  chunkSize?: number
}

/**
 * Runs a queued import to its end and records the outcome: what the background job does, and what
 * the CLI does in its own process. Runs once: a run already taken by another worker is left alone.
 */
export async function executeImportRun(db: Db, params: { workspaceId: string; runId: string } & ExecuteOptions): Promise<ImportRun> {
  const { workspaceId, runId } = params
  const run = await repo.claimRun(db, { workspaceId, runId })
  if (!run) {
    const current = await getImportRun(db, { workspaceId, runId })
    const beat = current.heartbeatAt ?? current.startedAt
    if (current.status === 'running' && beat && Date.now() - beat.getTime() > STALE_AFTER_MS) {
      // Its process stopped mid-run (a crash or a restart): say so instead of "running" forever.
      return (await repo.updateRun(db, { workspaceId, runId, changes: { status: 'failed', finishedAt: new Date(), failureReason: 'interrupted: the process running it stopped; start the import again' } })) ?? current
    }
    return current
  }
  const users = await listUsers(db, workspaceId)
  const spool = run.allOrNothing && !run.dryRun ? spoolErrorSink(path.join(os.tmpdir(), `bosun-import-${runId}.errors.ndjson`)) : null
  const errors = spool ?? databaseErrorSink(db, workspaceId, runId)
  let lastWrite = Date.now()
  const inTransaction = run.allOrNothing && !run.dryRun
  const onProgress = async (progress: ImportProgress) => {
    params.onProgress?.(progress)
    if (inTransaction && !params.concurrentProgress) return
    if (Date.now() - lastWrite < 1000) return
    lastWrite = Date.now()
    await repo.updateRun(db, { workspaceId, runId, changes: { ...counts(progress), heartbeatAt: new Date() } })
  }
  try {
    if (!run.filePath || !fs.existsSync(run.filePath)) throw new Error('the uploaded file is gone (removed after the time files are kept)')
    const result = await runImport({
      db,
      workspaceId,
      kind: run.kind,
      filePath: run.filePath,
      mapping: run.mapping,
      dryRun: run.dryRun,
      allOrNothing: run.allOrNothing,
      dayFirst: run.dayFirst,
      users: userDirectory(users),
      errors,
      onProgress,
      refreshStatistics: (target) => repo.analyzeImportedTable(target, run.kind),
      chunkSize: params.chunkSize,
    })
    await spool?.load(db, workspaceId, runId)
    const progress = result.progress
    let status: ImportRun['status'] = progress.rowsFailed > 0 && !run.dryRun ? 'partially' : 'succeeded'
    let failureReason = result.failureReason
    if (failureReason) status = 'failed'
    if (result.rolledBack) {
      status = 'failed'
      failureReason = failureReason ?? `${progress.rowsFailed.toLocaleString('en-US')} bad ${progress.rowsFailed === 1 ? 'row' : 'rows'}; nothing was imported (all-or-nothing)`
    }
    if (!run.dryRun && !result.rolledBack && progress.rowsProcessed > progress.rowsFailed && status !== 'failed') {
      // Bulk writes leave the planner's statistics behind (PGlite never analyzes on its own).
      await repo.analyzeImportedTable(db, run.kind).catch(() => undefined)
    }
    const keepFile = run.dryRun && status === 'succeeded'
    if (run.fileOwned && !keepFile && run.filePath) await fs.promises.rm(run.filePath, { force: true })
    const finished = await repo.updateRun(db, {
      workspaceId,
      runId,
      changes: {
        ...counts(progress),
        ...(result.rolledBack ? { rowsCreated: 0, rowsUpdated: 0, rowsUnchanged: 0 } : {}),
        preview: result.rolledBack ? [] : progress.preview,
        status,
        failureReason,
        headers: result.headers.length > 0 ? result.headers : run.headers,
        finishedAt: new Date(),
        heartbeatAt: new Date(),
        ...(keepFile || !run.fileOwned ? {} : { filePath: null }),
      },
    })
    return finished ?? run
  } catch (error) {
    await spool?.load(db, workspaceId, runId).catch(() => undefined)
    if (run.fileOwned && run.filePath && !run.dryRun) await fs.promises.rm(run.filePath, { force: true }).catch(() => undefined)
    const message = error instanceof Error ? error.message : String(error)
    const failed = await repo.updateRun(db, {
      workspaceId,
      runId,
      changes: { status: 'failed', failureReason: `stopped by an error: ${message}`.slice(0, 2000), finishedAt: new Date(), ...(run.fileOwned && !run.dryRun ? { filePath: null } : {}) },
    })
    return failed ?? run
  }
}

const counts = (progress: ImportProgress) => ({
  rowsProcessed: progress.rowsProcessed,
  rowsCreated: progress.rowsCreated,
  rowsUpdated: progress.rowsUpdated,
  rowsUnchanged: progress.rowsUnchanged,
  rowsFailed: progress.rowsFailed,
  bytesProcessed: progress.bytesProcessed,
})

/**
 * Removes uploaded files whose runs are over: applied files at once (the run does it), dry-run files
 * after KEEP_FILES_HOURS, and uploads that never became a run (an interrupted request).
 */
export async function cleanupImportFiles(db: Db, params: { dataDir: string; now?: Date }): Promise<number> {
  const now = params.now ?? new Date()
  const before = new Date(now.getTime() - KEEP_FILES_HOURS * 3_600_000)
  let removed = 0
  for (;;) {
    const runs = await repo.listFinishedRunsWithFiles(db, { before, limit: 200 })
    if (runs.length === 0) break
    for (const run of runs) {
      if (run.fileOwned && run.filePath) await fs.promises.rm(run.filePath, { force: true })
      await repo.updateRun(db, { workspaceId: run.workspaceId, runId: run.id, changes: { filePath: null } })
      removed += 1
    }
  }
  const dir = importFilesDir(params.dataDir)
  const entries = await fs.promises.readdir(dir).catch(() => [] as string[])
  for (const name of entries) {
    const file = path.join(dir, name)
    const stat = await fs.promises.stat(file).catch(() => null)
    if (!stat || stat.mtime > before) continue
    // A queued or running run's file is still in use: only orphans that old are removed.
    if (await repo.runUsesFile(db, file)) continue
    await fs.promises.rm(file, { force: true })
    removed += 1
  }
  return removed
}
