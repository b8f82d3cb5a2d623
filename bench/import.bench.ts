/**
 * CSV import benchmark: a generated 1,000,000-row accounts CSV imported on PostgreSQL and on PGlite,
 * against a raw COPY of the same rows into the same table measured in the same run.
 *
 *   npm run bench:import                         # both databases
 *   npm run bench:import -- --db postgres        # one of them (postgres | pglite)
 *   npm run bench:import -- --rows 200000
 *
 * Each database starts empty: PostgreSQL a fresh database bosun_bench_import_<random> on BENCH_PG_URL
 * (default postgres://postgres@127.0.0.1:5432), dropped afterwards; PGlite a fresh data dir under the
 * OS temp dir. The import runs in this process exactly as `bosun import accounts FILE` runs it
 * (createImportRun + executeImportRun: csv-parse streaming, coercion, 500-row chunks, set-based upserts).
 *
 * Phases per database, each timed on its own:
 *   - dry-run: validate and classify every row, write nothing;
 *   - import: the same file into an empty workspace (1,000,000 creates);
 *   - reimport: the same file again (1,000,000 unchanged rows: the upsert-by-external-id check);
 *   - copy: COPY of the same rows (same columns, another workspace) into `accounts` — the floor.
 * Peak RSS is the process high-water mark during the phase (/proc/self/status VmHWM, reset through
 * /proc/self/clear_refs before each phase), next to the RSS when the phase began.
 *
 * Progress goes to stderr; stdout gets ONE JSON line:
 *   {"bench":"import","rows":1000000,"fileMb":…,"results":[{"db":"postgres","phase":"import","seconds":…,"rowsPerSec":…,"ratioToCopy":…,"rssStartMb":…,"peakRssMb":…},…]}
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { parseArgs } from 'node:util'
import { from as copyFrom } from 'pg-copy-streams'
import { createWorkspaceWithOwner } from '../src/server/modules/identity'
import { createImportRun, executeImportRun } from '../src/server/modules/imports'
import { migrateDb, openDb, type DbHandle } from '../src/server/platform/db'
import { createBenchDatabase } from './support'

type DbKind = 'postgres' | 'pglite'
type Phase = 'dry-run' | 'import' | 'reimport' | 'copy'
type Result = { db: DbKind; phase: Phase; seconds: number; rowsPerSec: number; ratioToCopy?: number; rssStartMb: number; peakRssMb: number; status?: string }

const { values: args } = parseArgs({ options: { db: { type: 'string' }, rows: { type: 'string', default: '1000000' } } })
const ROWS = Number(args.rows)
const kinds: DbKind[] = args.db ? [args.db as DbKind] : ['postgres', 'pglite']
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bosun-bench-import-'))
const csvFile = path.join(workDir, 'accounts.csv')

const log = (message: string) => process.stderr.write(`[bench:import] ${message}\n`)
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024)

const industries = ['Software', 'Retail', 'Healthcare', 'Finance', 'Logistics', 'Education', 'Media', 'Manufacturing']
const countries = ['United States', 'Germany', 'France', 'United Kingdom', 'Brazil', 'Japan', 'Canada', 'Spain']
const plans = ['Starter', 'Growth', 'Enterprise']

/** One account, the same for the CSV and for COPY: external id, name, domain, industry, employees, country, plan. */
const account = (index: number) => [`ACC-${String(index).padStart(7, '0')}`, `Company ${index} Ltd`, `company-${index}.example.com`, industries[index % 8], String(10 + (index % 4990)), countries[index % 8], plans[index % 3]]

async function writeCsv() {
  const out = fs.createWriteStream(csvFile)
  out.write('Account ID,Account Name,Website,Industry,Employees,Billing Country,Plan\n')
  for (let index = 0; index < ROWS; index++) {
    if (!out.write(`${account(index).join(',')}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
  }
  await new Promise<void>((resolve) => out.end(() => resolve()))
}

/** Peak resident memory of this process since the last reset (Linux); falls back to current RSS. */
function resetPeak() {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5')
  } catch {
    // not Linux or not allowed: the peak then covers the whole process lifetime
  }
}
function peakRss(): number {
  try {
    const line = fs.readFileSync('/proc/self/status', 'utf8').split('\n').find((entry) => entry.startsWith('VmHWM:'))
    if (line) return Number(line.replace(/\D+/g, '')) * 1024
  } catch {
    // fall through
  }
  return process.memoryUsage().rss
}

async function measure<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number; rssStartMb: number; peakRssMb: number }> {
  global.gc?.()
  resetPeak()
  const rssStart = process.memoryUsage().rss
  const started = performance.now()
  const value = await work()
  return { value, seconds: (performance.now() - started) / 1000, rssStartMb: mb(rssStart), peakRssMb: mb(peakRss()) }
}

async function openFresh(kind: DbKind): Promise<{ handle: DbHandle; drop: () => Promise<void> }> {
  if (kind === 'postgres') {
    const database = await createBenchDatabase('bosun_bench_import')
    const handle = await openDb({ databaseUrl: database.url, poolSize: 4 })
    return { handle, drop: async () => (await handle.close(), await database.drop()) }
  }
  const dir = path.join(workDir, 'pglite')
  const handle = await openDb({ pgliteDir: dir })
  return { handle, drop: async () => (await handle.close(), fs.rmSync(dir, { recursive: true, force: true })) }
}

async function runImportPhase(handle: DbHandle, workspaceId: string, dryRun: boolean) {
  const run = await createImportRun(handle.db, {
    workspaceId,
    input: { kind: 'accounts', fileName: 'accounts.csv', filePath: csvFile, fileOwned: false, fileBytes: fs.statSync(csvFile).size, dryRun, allOrNothing: false, dayFirst: false, createdBy: 'bench' },
  })
  let lastLog = Date.now()
  const finished = await executeImportRun(handle.db, {
    workspaceId,
    runId: run.id,
    concurrentProgress: handle.kind === 'postgres',
    onProgress: (progress) => {
      if (Date.now() - lastLog < 10_000) return
      lastLog = Date.now()
      log(`  ${progress.rowsProcessed.toLocaleString('en-US')} rows…`)
    },
  })
  const expected = dryRun ? { created: ROWS } : undefined
  if (finished.rowsProcessed !== ROWS || finished.rowsFailed !== 0) throw new Error(`import read ${finished.rowsProcessed} rows with ${finished.rowsFailed} bad: ${finished.failureReason}`)
  if (expected && finished.rowsCreated !== expected.created) throw new Error(`dry run counted ${finished.rowsCreated} creates`)
  return finished
}

const COPY_COLUMNS = 'COPY accounts (workspace_id, external_id, name, domain, industry, employees, country, plan)'

async function copyPhase(handle: DbHandle, workspaceId: string) {
  function* rows(from: number, to: number) {
    for (let index = from; index < to; index++) yield `${workspaceId},${account(index).join(',')}\n`
  }
  if (handle.pool) {
    const client = await handle.pool.connect()
    try {
      await pipeline(Readable.from(rows(0, ROWS)), client.query(copyFrom(`${COPY_COLUMNS} FROM STDIN WITH (FORMAT csv)`)))
    } finally {
      client.release()
    }
  } else {
    const chunk = 100_000
    for (let from = 0; from < ROWS; from += chunk) {
      const text = [...rows(from, Math.min(ROWS, from + chunk))].join('')
      await handle.pglite?.query(`${COPY_COLUMNS} FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob: new Blob([text]) })
    }
  }
  const [count] = (await handle.executeSql('SELECT count(*)::int AS n FROM accounts WHERE workspace_id = $1', [workspaceId])).rows as { n: number }[]
  if (count?.n !== ROWS) throw new Error(`COPY stored ${count?.n} rows, expected ${ROWS}`)
}

async function runOne(kind: DbKind): Promise<Result[]> {
  log(`${kind}: fresh database`)
  const { handle, drop } = await openFresh(kind)
  // Interrupted (Ctrl-C): still drop the database and the temp files.
  const interrupted = () => void drop().finally(() => (fs.rmSync(workDir, { recursive: true, force: true }), process.exit(130)))
  process.once('SIGINT', interrupted)
  process.once('SIGTERM', interrupted)
  try {
    await migrateDb(handle)
    const workspace = async (slug: string) =>
      (await createWorkspaceWithOwner(handle.db, { slug, name: slug, ownerEmail: `owner@${slug}.bench`, ownerName: 'Bench Owner', ownerPassword: 'bench-password-1' })).workspace.id
    const importing = await workspace('bench')
    const copying = await workspace('copy')
    const results: Result[] = []
    const record = (phase: Phase, measured: { seconds: number; rssStartMb: number; peakRssMb: number }, status?: string) => {
      const result: Result = { db: kind, phase, seconds: Math.round(measured.seconds * 10) / 10, rowsPerSec: Math.round(ROWS / measured.seconds), rssStartMb: measured.rssStartMb, peakRssMb: measured.peakRssMb, ...(status ? { status } : {}) }
      results.push(result)
      log(`${kind} ${phase}: ${result.seconds}s, ${result.rowsPerSec.toLocaleString('en-US')} rows/s, RSS ${result.rssStartMb} → peak ${result.peakRssMb} MB`)
    }
    for (const phase of ['dry-run', 'import', 'reimport'] as const) {
      log(`${kind} ${phase}…`)
      const measured = await measure(() => runImportPhase(handle, importing, phase === 'dry-run'))
      record(phase, measured, measured.value.status)
    }
    log(`${kind} copy…`)
    record('copy', await measure(() => copyPhase(handle, copying)))
    const copy = results.find((result) => result.phase === 'copy')
    for (const result of results) if (copy && result.phase !== 'copy') result.ratioToCopy = Math.round((result.rowsPerSec / copy.rowsPerSec) * 1000) / 1000
    return results
  } finally {
    process.off('SIGINT', interrupted)
    process.off('SIGTERM', interrupted)
    await drop()
  }
}

try {
  log(`writing ${ROWS.toLocaleString('en-US')} accounts to ${csvFile}`)
  await writeCsv()
  const fileMb = mb(fs.statSync(csvFile).size)
  const results: Result[] = []
  for (const kind of kinds) results.push(...(await runOne(kind)))
  process.stdout.write(`${JSON.stringify({ bench: 'import', rows: ROWS, fileMb, results })}\n`)
} finally {
  fs.rmSync(workDir, { recursive: true, force: true })
}
