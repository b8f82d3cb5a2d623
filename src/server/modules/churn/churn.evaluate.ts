/**
 * External validation (`bosun churn evaluate`): a churn CSV someone else made is imported as
 * accounts into a scratch workspace through the imports module — every column but the id kept as
 * a trait — read back, and split by its split column into training and test rows. The model is
 * chosen and fitted on the training rows only; the test rows are scored once, for the metrics.
 * Nothing here knows any file's column names: types come from the values, the label from its spellings.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Transform } from 'node:stream'
import { parse } from 'csv-parse'
import { asc, eq, sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../platform/db'
import { ProblemError } from '../../platform/http'
import { accounts } from '../accounts'
import { createImportRun, executeImportRun } from '../imports'
import { deleteWorkspace, insertWorkspace } from '../workspaces'
import { categoryOf, isEmptyValue, parseNumeric, type RawRow, type RawValue } from './learners/features'
import { averagePrecision, brierScore, rocAuc } from './learners/metrics'
import { explainChurn, predictChurn, trainChurnModel, type ChurnModel } from './learners/model'

export type EvaluateCsvParams = {
  file: string
  idColumn: string
  labelColumn: string
  splitColumn: string
  /** The label value meaning "churned" (default: detected from common spellings). */
  positive?: string
  /** Leave the scratch workspace in place (its slug is reported). */
  keep?: boolean
  seed?: number
  onProgress?: (message: string) => void
}

export type EvaluateCsvResult = {
  auc: number
  pr_auc: number
  brier: number
  model: string
  rows_train: number
  rows_test: number
}

export type EvaluateCsvDetails = {
  result: EvaluateCsvResult
  churnModel: ChurnModel
  workspace: { id: string; slug: string; kept: boolean }
  positive: string
  seconds: { import: number; train: number; total: number }
  rowsIgnored: { noLabel: number; noSplit: number; importFailed: number }
}

const badInput = (field: string, message: string) => new ProblemError(400, 'Bad Request', `${field}: ${message}`, [{ field, message }])

/** Spellings of "churned" a label column may use; the other value is "stayed". */
const positiveSpellings = new Set(['yes', 'y', 'true', 't', '1', 'churn', 'churned', 'lost', 'left', 'exited', 'cancelled', 'canceled', 'attrited'])

/** The column named by an option: exact, else the only case- and space-insensitive match. */
function findColumn(headers: string[], wanted: string, field: string): number {
  const exact = headers.indexOf(wanted)
  if (exact >= 0) return exact
  const loose = headers.map((header, index) => ({ header, index })).filter(({ header }) => header.trim().toLowerCase() === wanted.trim().toLowerCase())
  if (loose.length === 1) return loose[0].index
  throw badInput(field, `the file has no column "${wanted}" (columns: ${headers.slice(0, 40).join(', ')})`)
}

/** Trait keys the import accepts ([a-z0-9_]{1,100}), unique per file. */
function traitKeys(headers: string[]): string[] {
  const used = new Set<string>()
  return headers.map((header, index) => {
    const base =
      header
        .trim()
        .toLowerCase()
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/[^a-z0-9]+/g, '_')
        .replace(/^_|_$/g, '')
        .slice(0, 90) || `column_${index + 1}`
    let key = base
    for (let suffix = 2; used.has(key); suffix++) key = `${base}_${suffix}`
    used.add(key)
    return key
  })
}

const csvCell = (value: string) => (/[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value)

async function readHeader(file: string): Promise<string[]> {
  const parser = fs.createReadStream(file).pipe(parse({ bom: true, to_line: 1, relax_column_count: true }))
  for await (const record of parser) return record as string[]
  return []
}

/**
 * The file as the import should see it: the same rows under neutral headers (c1, c2, …, so no
 * header is guessed as an account field), plus a generated account name (accounts need one).
 */
async function stageForImport(file: string, headers: string[], idIndex: number, out: string): Promise<void> {
  let first = true
  const rewrite = new Transform({
    objectMode: true,
    transform(record: string[], _encoding, done) {
      if (first) {
        first = false
        done(null, `${['bosun_name', ...headers.map((_, index) => `c${index + 1}`)].join(',')}\n`)
        return
      }
      const id = (record[idIndex] ?? '').trim()
      done(null, `${[csvCell(`Account ${id}`), ...headers.map((_, index) => csvCell(record[index] ?? ''))].join(',')}\n`)
    },
  })
  await pipeline(fs.createReadStream(file), parse({ bom: true, relax_column_count: true, skip_empty_lines: true }), rewrite, fs.createWriteStream(out))
}

/** 1 for churned, 0 for stayed, null for an empty label; throws when the label cannot be read. */
function labelReader(values: RawValue[], positive: string | undefined, labelColumn: string): { read: (value: RawValue) => number | null; positive: string } {
  const same = (value: RawValue, wanted: string) => {
    if (categoryOf(value) === categoryOf(wanted)) return true
    const a = parseNumeric(value)
    const b = parseNumeric(wanted)
    return a !== null && b !== null && a === b
  }
  const distinct = [...new Set(values.filter((value) => !isEmptyValue(value)).map(categoryOf))]
  if (positive !== undefined) {
    if (!distinct.some((value) => same(value, positive))) throw badInput('positive', `no row of the label column "${labelColumn}" has the value "${positive}" (values: ${distinct.slice(0, 10).join(', ')})`)
    return { read: (value) => (isEmptyValue(value) ? null : same(value, positive) ? 1 : 0), positive }
  }
  if (distinct.length !== 2) throw badInput('label', `the label column "${labelColumn}" has ${distinct.length} values (${distinct.slice(0, 10).join(', ')}); name the churned one with --positive`)
  const matches = distinct.filter((value) => positiveSpellings.has(value))
  if (matches.length !== 1) throw badInput('positive', `cannot tell which of ${distinct.join(' / ')} means churned; pass --positive`)
  const detected = matches[0]
  return { read: (value) => (isEmptyValue(value) ? null : categoryOf(value) === detected ? 1 : 0), positive: detected }
}

function splitOf(value: RawValue): 'train' | 'test' | null {
  if (isEmptyValue(value)) return null
  const text = categoryOf(value)
  if (text === 'train' || text === 'training') return 'train'
  if (text === 'test' || text === 'testing') return 'test'
  return null
}

const round = (value: number) => Math.round(value * 1_000_000) / 1_000_000

/**
 * Rows of the deleted scratch workspace that no foreign key cascades to: work queues filled by
 * triggers (classification, health, …) deliberately have none. The id was generated for this run,
 * so removing its rows from every table with a workspace_id touches nothing else.
 */
async function removeLeftovers(db: Db, workspaceId: string): Promise<void> {
  const tables = await queryRows<{ table_name: string }>(
    db,
    sql`select c.table_name from information_schema.columns c join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
        where c.table_schema = 'public' and c.column_name = 'workspace_id' and t.table_type = 'BASE TABLE'`,
  )
  for (const { table_name: table } of tables) await db.execute(sql`delete from ${sql.identifier(table)} where workspace_id = ${workspaceId}`)
}

export async function evaluateChurnCsv(db: Db, params: EvaluateCsvParams): Promise<EvaluateCsvDetails> {
  const started = Date.now()
  const progress = params.onProgress ?? (() => undefined)
  const file = path.resolve(params.file)
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw badInput('csv', `no file at ${file}`)
  const headers = await readHeader(file)
  if (headers.length === 0) throw badInput('csv', 'the file is empty: the first line must name the columns')
  const idIndex = findColumn(headers, params.idColumn, 'id')
  const labelIndex = findColumn(headers, params.labelColumn, 'label')
  const splitIndex = findColumn(headers, params.splitColumn, 'split-column')
  const keys = traitKeys(headers)
  const staged = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bosun-churn-')), 'accounts.csv')
  const slug = `churn-eval-${crypto.randomBytes(5).toString('hex')}`
  const workspace = await insertWorkspace(db, { slug, name: `Churn evaluation of ${path.basename(file)}` })
  let kept = false
  try {
    await stageForImport(file, headers, idIndex, staged)
    const mapping: Record<string, string | null> = { bosun_name: 'name' }
    headers.forEach((_, index) => {
      mapping[`c${index + 1}`] = index === idIndex ? 'externalId' : `trait:${keys[index]}`
    })
    progress(`importing ${path.basename(file)} as accounts into scratch workspace ${slug}`)
    const importStarted = Date.now()
    const run = await createImportRun(db, {
      workspaceId: workspace.id,
      input: { kind: 'accounts', fileName: path.basename(file), filePath: staged, fileOwned: false, fileBytes: fs.statSync(staged).size, dryRun: false, allOrNothing: false, dayFirst: false, mapping, createdBy: 'bosun churn evaluate' },
    })
    let lastReport = 0
    const done = await executeImportRun(db, {
      workspaceId: workspace.id,
      runId: run.id,
      onProgress: (state) => {
        if (Date.now() - lastReport < 2000) return
        lastReport = Date.now()
        progress(`  ${state.rowsProcessed.toLocaleString('en-US')} rows imported`)
      },
    })
    const importSeconds = (Date.now() - importStarted) / 1000
    if (done.status === 'failed') throw new Error(`the import failed: ${done.failureReason ?? 'unknown reason'}`)
    progress(`imported ${done.rowsCreated + done.rowsUpdated} accounts in ${importSeconds.toFixed(1)} s (${done.rowsFailed} rows refused${done.rowsUpdated > 0 ? `, ${done.rowsUpdated} repeated ids merged` : ''})`)

    // Read back what the import stored: the rows as the rest of Bosun sees them.
    const stored = await db.select({ externalId: accounts.externalId, traits: accounts.traits }).from(accounts).where(eq(accounts.workspaceId, workspace.id)).orderBy(asc(accounts.externalId))
    const labelKey = keys[labelIndex]
    const splitKey = keys[splitIndex]
    const featureKeys = keys.filter((_, index) => index !== idIndex && index !== labelIndex && index !== splitIndex)
    const rows = stored.map((account) => account.traits as Record<string, RawValue>)
    const label = labelReader(
      rows.map((row) => row[labelKey]),
      params.positive,
      headers[labelIndex],
    )
    const train: { row: RawRow; label: number }[] = []
    const test: { row: RawRow; label: number }[] = []
    let noLabel = 0
    let noSplit = 0
    for (const row of rows) {
      const value = label.read(row[labelKey])
      if (value === null) {
        noLabel++
        continue
      }
      const split = splitOf(row[splitKey])
      if (split === null) {
        noSplit++
        continue
      }
      const features: RawRow = {}
      for (const key of featureKeys) features[key] = row[key]
      ;(split === 'train' ? train : test).push({ row: features, label: value })
    }
    if (train.length === 0) throw badInput('split-column', `no row has "train" in the column "${headers[splitIndex]}"`)
    if (test.length === 0) throw badInput('split-column', `no row has "test" in the column "${headers[splitIndex]}"`)
    progress(`${train.length} training rows, ${test.length} test rows (churned = "${label.positive}")${noLabel + noSplit > 0 ? `; left out: ${noLabel} without a label, ${noSplit} without train/test` : ''}`)

    const trainStarted = Date.now()
    const churnModel = trainChurnModel(
      train.map((item) => item.row),
      train.map((item) => item.label),
      featureKeys,
      { seed: params.seed, onProgress: (message) => progress(`  ${message}`) },
    )
    const used = churnModel.columns.filter((column) => column.kind !== 'ignored').map((column) => `${headers[keys.indexOf(column.name)]} (${column.kind})`)
    const ignored = churnModel.columns.filter((column) => column.kind === 'ignored').map((column) => `${headers[keys.indexOf(column.name)]}: ${column.kind === 'ignored' ? column.reason : ''}`)
    progress(`features: ${used.join(', ')}${ignored.length > 0 ? `; ignored: ${ignored.join('; ')}` : ''}`)
    const probabilities = predictChurn(churnModel, test.map((item) => item.row))
    const labels = test.map((item) => item.label)
    const trainSeconds = (Date.now() - trainStarted) / 1000
    const drivers = explainChurn(churnModel, [test[0].row], 3)[0]
    progress(`example drivers of the first test row: ${drivers.map((driver) => `${headers[keys.indexOf(driver.column)]} ${driver.contribution > 0 ? '+' : ''}${driver.contribution.toFixed(2)}`).join(', ')}`)
    const result: EvaluateCsvResult = {
      auc: round(rocAuc(probabilities, labels)),
      pr_auc: round(averagePrecision(probabilities, labels)),
      brier: round(brierScore(probabilities, labels)),
      model: churnModel.kind,
      rows_train: train.length,
      rows_test: test.length,
    }
    kept = Boolean(params.keep)
    return {
      result,
      churnModel,
      workspace: { id: workspace.id, slug, kept },
      positive: label.positive,
      seconds: { import: importSeconds, train: trainSeconds, total: (Date.now() - started) / 1000 },
      rowsIgnored: { noLabel, noSplit, importFailed: done.rowsFailed },
    }
  } finally {
    fs.rmSync(path.dirname(staged), { recursive: true, force: true })
    if (!kept) {
      await deleteWorkspace(db, workspace.id)
      await removeLeftovers(db, workspace.id)
    }
  }
}
