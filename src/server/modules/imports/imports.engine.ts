/**
 * The streaming import: the file is read with csv-parse a record at a time (back-pressure, so the
 * reader never runs ahead of the database), rows are coerced, grouped in chunks, planned and
 * written chunk by chunk; bad rows go to an error sink as they are found. Memory holds one chunk,
 * a short preview and a bounded set of keys — never the file, its rows or its error list.
 */
import fs from 'node:fs'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { parse, type CsvError, type Info } from 'csv-parse'
import type { Db } from '../../platform/db'
import type { ImportKind } from './imports.fields'
import { kindHandlers, SeenKeys, type KindContext, type PlannedRow } from './imports.kinds'
import { coerceRecord, layoutColumns, uniqueHeaders, type RowInput, type UserDirectory } from './imports.rows'

export type PreviewEntry = PlannedRow

export type ImportProgress = {
  rowsProcessed: number
  rowsCreated: number
  rowsUpdated: number
  rowsUnchanged: number
  rowsFailed: number
  bytesProcessed: number
  preview: PreviewEntry[]
}

export type RowErrorRecord = { rowNumber: number; column: string | null; field: string | null; reason: string; raw: string | null }

/** Where bad rows go as they are found; implementations buffer a little and write in batches. */
export type ErrorSink = { add: (error: RowErrorRecord) => Promise<void>; flush: () => Promise<void> }

export type RunImportOptions = {
  db: Db
  workspaceId: string
  kind: ImportKind
  filePath: string
  /** Column → field, complete (see resolveMapping). */
  mapping: Record<string, string | null>
  dryRun: boolean
  allOrNothing: boolean
  dayFirst: boolean
  users: UserDirectory
  errors: ErrorSink
  /** After every chunk. */
  onProgress?: (progress: ImportProgress) => Promise<void> | void
  /**
   * ANALYZE of the written table, called as it grows (10k, 40k, 160k… rows created): PGlite and a
   * PostgreSQL without autovacuum gather no statistics, and lookups by external id then become scans.
   */
  refreshStatistics?: (db: Db) => Promise<void>
  chunkSize?: number
  previewSize?: number
  /** Keys remembered for a dry run's "repeated in the file" check. */
  seenKeyCap?: number
  today?: string
}

export type RunImportResult = {
  progress: ImportProgress
  headers: string[]
  /** All-or-nothing found bad rows, so nothing was written. */
  rolledBack: boolean
  /** The file could not be processed as a whole (no header, not CSV…). */
  failureReason: string | null
  /** More distinct keys than a dry run remembers: repeats beyond them were counted as creates. */
  seenKeysOverflowed: boolean
}

const RAW_LIMIT = 4000
const CANDIDATE_DELIMITERS = [',', ';', '\t', '|']

/** The delimiter of a header line: the candidate that occurs most often outside quotes. */
export function sniffDelimiter(firstLine: string): string {
  const counts = new Map(CANDIDATE_DELIMITERS.map((candidate) => [candidate, 0]))
  let quoted = false
  for (const char of firstLine) {
    if (char === '"') quoted = !quoted
    else if (!quoted && counts.has(char)) counts.set(char, (counts.get(char) ?? 0) + 1)
  }
  let best = ','
  for (const [candidate, count] of counts) if (count > (counts.get(best) ?? 0)) best = candidate
  return best
}

async function readHead(filePath: string, bytes: number): Promise<string> {
  const handle = await fs.promises.open(filePath, 'r')
  try {
    const buffer = Buffer.alloc(bytes)
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0)
    return buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '')
  } finally {
    await handle.close()
  }
}

const parserOptions = (delimiter: string) => ({
  delimiter,
  bom: true,
  raw: true,
  info: true,
  relax_column_count: true,
  relax_quotes: true,
  skip_empty_lines: true,
  skip_records_with_error: true,
  max_record_size: 1_000_000,
})

type ParsedRecord = { record: string[]; raw: string; info: Info }

const trimBreaks = (raw: string | undefined) => (raw ?? '').replace(/^[\r\n]+|[\r\n]+$/g, '').slice(0, RAW_LIMIT)

/** Headers and the first rows, for guessing a mapping and showing samples; reads at most 1 MB. */
export async function inspectCsv(filePath: string, sampleRows = 5): Promise<{ headers: string[]; samples: string[][]; delimiter: string }> {
  const head = await readHead(filePath, 1_000_000)
  const delimiter = sniffDelimiter(head.split(/\r?\n/, 1)[0] ?? '')
  const parser = parse({ ...parserOptions(delimiter), to_line: sampleRows + 20 })
  parser.end(head)
  const records: string[][] = []
  try {
    for await (const item of parser as AsyncIterable<ParsedRecord>) {
      records.push(item.record)
      if (records.length > sampleRows) break
    }
  } catch {
    // A head cut in the middle of a record: what was read is enough.
  }
  const [headerRow, ...rest] = records
  return { headers: headerRow ? uniqueHeaders(headerRow) : [], samples: rest, delimiter }
}

class RollbackSignal extends Error {}

export async function runImport(options: RunImportOptions): Promise<RunImportResult> {
  const chunkSize = options.chunkSize ?? 500
  const previewSize = options.previewSize ?? 20
  const handler = kindHandlers[options.kind]
  const progress: ImportProgress = { rowsProcessed: 0, rowsCreated: 0, rowsUpdated: 0, rowsUnchanged: 0, rowsFailed: 0, bytesProcessed: 0, preview: [] }
  const trackSeen = options.dryRun || options.allOrNothing
  const ctx: KindContext = {
    workspaceId: options.workspaceId,
    validateOnly: options.dryRun,
    inTransaction: options.allOrNothing && !options.dryRun,
    seen: new SeenKeys(options.seenKeyCap ?? 500_000),
    trackSeen,
    today: options.today ?? new Date().toISOString().slice(0, 10),
    userName: options.users.nameOf,
  }
  let headers: string[] = []
  let failureReason: string | null = null

  const processFile = async (db: Db) => {
    const head = await readHead(options.filePath, 64 * 1024)
    const delimiter = sniffDelimiter(head.split(/\r?\n/, 1)[0] ?? '')
    // Unreadable records, in file order: `afterRecords` records had been read before each.
    const skipped: { afterRecords: number; emptyLines: number; raw: string | undefined; message: string }[] = []
    let skippedBefore = 0
    const parser = parse({
      ...parserOptions(delimiter),
      on_skip: (error: CsvError | undefined, raw: string | undefined) => {
        skipped.push({ afterRecords: Number(error?.records ?? 0), emptyLines: Number(error?.empty_lines ?? 0), raw, message: error?.message ?? 'unreadable line' })
        return undefined
      },
    })
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        progress.bytesProcessed += chunk.length
        callback(null, chunk)
      },
    })
    const reading = pipeline(fs.createReadStream(options.filePath, { highWaterMark: 256 * 1024 }), counter, parser)
    reading.catch(() => undefined)

    let layout: ReturnType<typeof layoutColumns> | null = null
    let chunk: RowInput[] = []
    /** Rows of this chunk already known to be bad (unreadable or uncoercible), reported with the rest in file order. */
    let failures: { rowNumber: number; raw: string | null; problems: { field: string | null; reason: string }[] }[] = []
    const chunkKeys = new Set<string>()
    let analyzeAt = 10_000

    const flush = async () => {
      if (chunk.length === 0 && failures.length === 0) return
      const rows = chunk
      const bad = failures
      chunk = []
      failures = []
      chunkKeys.clear()
      const plan = rows.length > 0 ? await handler.plan(db, ctx, rows) : { planned: [], problems: [], write: async () => [] }
      // All-or-nothing: after the first bad row nothing will be kept, so only validate from then on.
      if (options.allOrNothing && (plan.problems.length > 0 || bad.length > 0)) ctx.validateOnly = true
      const writeProblems = ctx.validateOnly ? [] : await plan.write(db)
      if (options.allOrNothing && writeProblems.length > 0) ctx.validateOnly = true
      const failed = new Map<number, { rowNumber: number; raw: string | null; problems: { field: string | null; reason: string }[] }>()
      for (const entry of bad) failed.set(entry.rowNumber, entry)
      const rawOf = new Map(rows.map((row) => [row.rowNumber, row.raw]))
      for (const problem of [...plan.problems, ...writeProblems]) {
        const entry = failed.get(problem.rowNumber) ?? { rowNumber: problem.rowNumber, raw: rawOf.get(problem.rowNumber) ?? null, problems: [] }
        entry.problems.push(problem)
        failed.set(problem.rowNumber, entry)
      }
      for (const entry of [...failed.values()].sort((a, b) => a.rowNumber - b.rowNumber)) {
        progress.rowsFailed += 1
        for (const problem of entry.problems) {
          await options.errors.add({ rowNumber: entry.rowNumber, column: layout?.columnOf(problem.field) ?? null, field: problem.field, reason: problem.reason, raw: entry.raw })
        }
      }
      for (const planned of plan.planned) {
        if (failed.has(planned.rowNumber)) continue
        if (planned.action === 'create') progress.rowsCreated += 1
        else if (planned.action === 'update') progress.rowsUpdated += 1
        else progress.rowsUnchanged += 1
        if (planned.action !== 'unchanged' && progress.preview.length < previewSize) progress.preview.push(planned)
      }
      if (!ctx.validateOnly && options.refreshStatistics && progress.rowsCreated >= analyzeAt) {
        analyzeAt = progress.rowsCreated * 4
        await options.refreshStatistics(db)
      }
      await options.onProgress?.(progress)
    }
    const full = () => chunk.length + failures.length >= chunkSize

    /**
     * Reports the unreadable records that came before the `records`-th record. Rows are numbered as
     * a spreadsheet shows the file: one row per record (quoted line breaks stay in their row), blank
     * lines count, the header is row 1.
     */
    const drainSkipped = async (records: number) => {
      while (skipped.length > 0 && skipped[0].afterRecords < records) {
        const skip = skipped.shift()
        if (!skip) break
        skippedBefore += 1
        progress.rowsProcessed += 1
        failures.push({ rowNumber: skip.afterRecords + skip.emptyLines + skippedBefore, raw: trimBreaks(skip.raw), problems: [{ field: null, reason: `is not valid CSV: ${skip.message}` }] })
        if (full()) await flush()
      }
    }

    try {
      for await (const item of parser as AsyncIterable<ParsedRecord>) {
        await drainSkipped(item.info.records)
        if (!layout) {
          headers = uniqueHeaders(item.record)
          layout = layoutColumns(options.kind, headers, options.mapping)
          continue
        }
        if (item.record.every((cell) => cell.trim() === '')) continue
        progress.rowsProcessed += 1
        const rowNumber = item.info.records + item.info.empty_lines + skippedBefore
        const raw = trimBreaks(item.raw)
        const coerced = coerceRecord(layout, item.record, { dayFirst: options.dayFirst, users: options.users })
        if (coerced.problems.length > 0) {
          failures.push({ rowNumber, raw, problems: coerced.problems })
          if (full()) await flush()
          continue
        }
        const row: RowInput = { rowNumber, raw, values: coerced.values, traits: coerced.traits }
        const key = handler.keyOf(row)
        // Two rows about one record are planned one after the other, never in one chunk.
        if (key !== null && chunkKeys.has(key)) await flush()
        chunk.push(row)
        if (key !== null) chunkKeys.add(key)
        if (full()) await flush()
      }
      await drainSkipped(Number.MAX_SAFE_INTEGER)
      await flush()
      await reading
    } catch (error) {
      const csvError = error as CsvError
      if (!csvError.code?.startsWith('CSV_')) throw error
      failureReason = `the file could not be read as CSV (line ${String(csvError.lines ?? '?')}): ${csvError.message}`
    }
    if (!layout && !failureReason) failureReason = 'the file is empty: there is no header row'
    if (options.allOrNothing && !options.dryRun && (progress.rowsFailed > 0 || failureReason)) throw new RollbackSignal()
  }

  let rolledBack = false
  if (ctx.inTransaction) {
    try {
      await options.db.transaction((tx) => processFile(tx))
    } catch (error) {
      if (!(error instanceof RollbackSignal)) throw error
      rolledBack = true
    }
  } else {
    await processFile(options.db)
  }
  await options.errors.flush()
  return { progress, headers, rolledBack, failureReason, seenKeysOverflowed: ctx.seen.overflowed }
}
