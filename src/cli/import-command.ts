import fs from 'node:fs'
import path from 'node:path'
import cliProgress from 'cli-progress'
import { Command, InvalidArgumentError } from 'commander'
import { importInProcess, runAdminOperation } from '../server/admin-operations'
import { importKinds, stageLocalFile } from '../server/modules/imports'
import { loadConfig } from '../server/platform/config'
import { readDataDirOwner } from '../server/platform/data-dir-lock'
import { runOperation, withDatabase } from './admin-client'

type ImportOptions = { map: string[]; dryRun: boolean; allOrNothing: boolean; dayFirst: boolean; workspace?: string }

type RunView = {
  id: string
  status: string
  dryRun: boolean
  rowsProcessed: number
  rowsCreated: number
  rowsUpdated: number
  rowsUnchanged: number
  rowsFailed: number
  bytesProcessed: number
  fileBytes: number
  failureReason: string | null
  preview: { rowNumber: number; action: string; label: string; changes: Record<string, { from: unknown; to: unknown }> }[]
  mapping: Record<string, string | null>
  headers: string[]
}

const collect = (value: string, previous: string[]) => [...previous, value]

/** "--map 'Account Owner=owner'" (an empty field ignores the column). */
function parseMap(entries: string[]): Record<string, string | null> {
  const mapping: Record<string, string | null> = {}
  for (const entry of entries) {
    const at = entry.lastIndexOf('=')
    if (at <= 0) throw new InvalidArgumentError(`--map ${entry}: write it as "CSV column=field" (an empty field ignores the column)`)
    mapping[entry.slice(0, at).trim()] = entry.slice(at + 1).trim() || null
  }
  return mapping
}

const number = (value: number) => value.toLocaleString('en-US')

function progressBar(fileBytes: number) {
  const bar = new cliProgress.SingleBar(
    { format: ' {bar} {percentage}% | {rows} rows | {created} new, {updated} updated, {failed} bad | {eta_formatted} left', stream: process.stderr, hideCursor: true, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  )
  bar.start(Math.max(fileBytes, 1), 0, { rows: '0', created: '0', updated: '0', failed: '0' })
  return {
    update: (progress: Pick<RunView, 'bytesProcessed' | 'rowsProcessed' | 'rowsCreated' | 'rowsUpdated' | 'rowsFailed'>) =>
      bar.update(Math.min(progress.bytesProcessed, fileBytes), {
        rows: number(progress.rowsProcessed),
        created: number(progress.rowsCreated),
        updated: number(progress.rowsUpdated),
        failed: number(progress.rowsFailed),
      }),
    stop: () => bar.stop(),
  }
}

const preview = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value))

function summary(run: RunView, reportPath: string | null): string {
  const verb = run.dryRun ? 'would be ' : ''
  const outcome: Record<string, string> = { succeeded: 'done', partially: 'done, with bad rows left out', failed: 'failed', queued: 'queued', running: 'running' }
  const lines = [
    '',
    `${run.dryRun ? 'Dry run' : 'Import'} ${outcome[run.status] ?? run.status}: ${number(run.rowsProcessed)} rows read`,
    `  ${number(run.rowsCreated)} ${verb}created, ${number(run.rowsUpdated)} ${verb}updated, ${number(run.rowsUnchanged)} unchanged, ${number(run.rowsFailed)} bad`,
  ]
  if (run.failureReason) lines.push(`  ${run.failureReason}`)
  const mapped = run.headers.filter((column) => run.mapping[column])
  lines.push(`  mapping: ${mapped.map((column) => `${column} → ${run.mapping[column]}`).join(', ')}`)
  const ignored = run.headers.filter((column) => !run.mapping[column])
  if (ignored.length > 0) lines.push(`  ignored columns: ${ignored.join(', ')}`)
  if (run.preview.length > 0) {
    lines.push(run.dryRun ? '  first changes it would make:' : '  first changes:')
    for (const entry of run.preview.slice(0, 10)) {
      const changes = Object.entries(entry.changes).map(([field, change]) => (entry.action === 'create' ? `${field}=${preview(change.to)}` : `${field}: ${preview(change.from)} → ${preview(change.to)}`))
      lines.push(`    row ${entry.rowNumber}: ${entry.action} ${entry.label}${changes.length > 0 ? ` (${changes.join(', ')})` : ''}`)
    }
  }
  if (reportPath) lines.push(`  error report (every bad row with its reason): ${reportPath}`)
  if (run.dryRun && run.status === 'succeeded') lines.push('  run it again without --dry-run to import')
  return `${lines.join('\n')}\n`
}

const finished = (status: string) => status !== 'queued' && status !== 'running'

async function defaultWorkspace(): Promise<string> {
  const { workspaces } = (await runOperation('workspaces.list', {})) as { workspaces: { slug: string }[] }
  if (workspaces.length === 1) return workspaces[0].slug
  throw new InvalidArgumentError(`pass --workspace (workspaces: ${workspaces.map((workspace) => workspace.slug).join(', ') || 'none'})`)
}

/** `bosun import <kind> FILE`: in this process, or — while a server owns the PGlite data dir — in that server. */
export function registerImportCommand(program: Command) {
  program
    .command('import')
    .description(`Import a CSV file: ${importKinds.join(', ')}. Columns are mapped from their headers (Salesforce and HubSpot exports included); records are upserted by external id`)
    .argument('<kind>', importKinds.join(' | '))
    .argument('<file>', 'the CSV file')
    .option('--map <column=field>', 'map a CSV column to a field (repeatable); "column=" ignores the column, "column=trait:name" keeps it as a trait', collect, [])
    .option('--dry-run', 'validate every row and preview the changes, write nothing', false)
    .option('--all-or-nothing', 'one transaction: nothing is written when any row is bad', false)
    .option('--day-first', 'read 03/04/2026 as 3 April (default: US, March 4)', false)
    .option('--workspace <slug>', 'workspace (default: the only one)')
    .action(async (kind: string, file: string, options: ImportOptions) => {
      if (!(importKinds as readonly string[]).includes(kind)) throw new InvalidArgumentError(`unknown kind ${kind}; use ${importKinds.join(', ')}`)
      const filePath = path.resolve(file)
      if (!fs.existsSync(filePath) || !fs.statSync(filePath).isFile()) throw new InvalidArgumentError(`no file at ${filePath}`)
      const fileBytes = fs.statSync(filePath).size
      const mapping = parseMap(options.map)
      const workspace = options.workspace ?? (await defaultWorkspace())
      const params = { workspace, kind: kind as (typeof importKinds)[number], fileName: path.basename(filePath), mapping, dryRun: options.dryRun, allOrNothing: options.allOrNothing, dayFirst: options.dayFirst }
      const reportPath = path.join(path.dirname(filePath), `${path.basename(filePath).replace(/\.[^.]*$/, '')}.errors.csv`)
      const config = loadConfig()
      const owner = config.databaseUrl ? null : readDataDirOwner(config.dataDir)
      const bar = progressBar(fileBytes)
      let run: RunView
      let report: string | null = null
      try {
        if (owner) {
          // The server owns the database: hand it a copy of the file and follow its progress.
          const staged = await stageLocalFile(config.dataDir, filePath)
          run = (await runOperation('imports.start', { ...params, file: staged.filePath }).catch(async (error: unknown) => {
            await fs.promises.rm(staged.filePath, { force: true })
            throw error
          })) as RunView
          while (!finished(run.status)) {
            await new Promise((resolve) => setTimeout(resolve, 300))
            run = (await runOperation('imports.status', { workspace, runId: run.id })) as RunView
            bar.update(run)
          }
          if (run.rowsFailed > 0) report = String((await runOperation('imports.report', { workspace, runId: run.id, out: reportPath })).path)
        } else {
          const result = await withDatabase(async (db) => {
            const done = (await importInProcess(db, { ...params, file: filePath, concurrentProgress: Boolean(config.databaseUrl), onProgress: (progress) => bar.update(progress) })) as RunView
            const path = done.rowsFailed > 0 ? String((await runAdminOperation(db, 'imports.report', { workspace, runId: done.id, out: reportPath })).path) : null
            return { done, path }
          })
          run = result.done
          report = result.path
        }
        bar.update({ ...run, bytesProcessed: fileBytes })
      } finally {
        bar.stop()
      }
      process.stdout.write(summary(run, report))
      if (run.status === 'failed') process.exitCode = 1
    })
}
