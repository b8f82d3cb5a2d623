import fs from 'node:fs'
import type { Command } from 'commander'
import type { ConfigPlan } from '../server/modules/config'
import { runOperation } from './admin-client'

type PlanResult = ConfigPlan & { workspace: string }

function readFile(file: string): string {
  try {
    return fs.readFileSync(file === '-' ? 0 : file, 'utf8')
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`)
  }
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`

/** The plan as a person reads it: + create, ~ update (with the changed paths), - archive, then errors. */
export function formatPlan(plan: PlanResult, file: string, mode: 'plan' | 'apply'): string {
  const { counts } = plan
  const verb = plan.applied ? '' : 'to '
  const heading = plan.applied ? 'Applied to' : mode === 'apply' ? 'Nothing was applied to' : 'Plan for'
  const lines = [`${heading} workspace ${plan.workspace}: ${counts.create} ${verb}create, ${counts.update} ${verb}update, ${counts.archive} ${verb}archive, ${counts.unchanged} unchanged`, '']
  const width = Math.max(0, ...plan.documents.map((document) => `${document.kind}/${document.key}`.length))
  for (const document of plan.documents) {
    const name = `${document.kind}/${document.key}`.padEnd(width)
    const version = document.newVersion ? ` (version ${document.newVersion})` : ''
    if (document.action === 'create') lines.push(`  + ${name}  create${version}${document.summary ? `  ${document.summary}` : ''}`)
    if (document.action === 'update') {
      lines.push(`  ~ ${name}  update version ${document.currentVersion}${document.newVersion ? ` → ${document.newVersion}` : ''}`)
      for (const change of document.changes) lines.push(`      ${change.text}`)
    }
    if (document.action === 'archive') lines.push(`  - ${name}  archive${version}`)
    if (document.action !== 'unchanged') for (const note of document.notes) lines.push(`      note: ${note}`)
  }
  const unchanged = plan.documents.filter((document) => document.action === 'unchanged')
  if (unchanged.length > 0) lines.push(`  = unchanged: ${unchanged.map((document) => `${document.kind}/${document.key}`).join(', ')}`)
  if (plan.documents.length === 0) lines.push('  (no documents in the file)')
  if (plan.errors.length > 0) {
    const fixed = `${plan.errors.length === 1 ? 'it is' : 'they are'} fixed`
    lines.push('', `${plural(plan.errors.length, 'error')}; ${mode === 'apply' ? `nothing was applied (all or nothing): fix ${plan.errors.length === 1 ? 'it' : 'them'} and apply again` : `nothing can be applied until ${fixed}`}:`)
    for (const error of plan.errors) lines.push(`  ✗ ${error.document ? `${error.document}  ` : ''}${error.field}: ${error.message}`)
  } else if (!plan.applied) {
    const changes = counts.create + counts.update + counts.archive
    lines.push('', changes === 0 ? 'Nothing to change.' : `Run \`bosun config apply ${file}\` to apply (all or nothing).`)
  } else if (counts.create + counts.update + counts.archive === 0) {
    lines.push('', 'Nothing changed.')
  }
  return `${lines.join('\n')}\n`
}

type FileOptions = { workspace?: string; prune: boolean; json: boolean }

export function registerConfigCommand(program: Command) {
  const config = program
    .command('config')
    .description('Configuration as code: segments and the other configuration documents as one YAML file (export, plan, apply)')

  config
    .command('export')
    .description('Write every published document as YAML (to stdout, or --out)')
    .option('--workspace <slug>', 'workspace (default: the only one)')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (options: { workspace?: string; out?: string }) => {
      const result = await runOperation('config.export', { workspace: options.workspace })
      const yaml = String(result.yaml)
      if (!options.out) {
        process.stdout.write(yaml)
        return
      }
      fs.writeFileSync(options.out, yaml)
      process.stderr.write(`Exported the configuration of workspace ${String(result.workspace)} to ${options.out}\n`)
    })

  config
    .command('plan')
    .description('Show what applying FILE would change (create / update with changed paths / unchanged) and every error; writes nothing')
    .argument('<file>', 'the YAML file (- for stdin)')
    .option('--workspace <slug>', 'workspace (default: the only one)')
    .option('--prune', 'also archive published documents the file leaves out', false)
    .option('--json', 'print the plan as JSON', false)
    .action(async (file: string, options: FileOptions) => {
      const plan = (await runOperation('config.plan', { workspace: options.workspace, yaml: readFile(file), prune: options.prune })) as PlanResult
      process.stdout.write(options.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan, file, 'plan'))
      if (!plan.valid) process.exitCode = 1
    })

  config
    .command('apply')
    .alias('import')
    .description('Apply FILE all or nothing: publishes a new version of every created or changed document')
    .argument('<file>', 'the YAML file (- for stdin)')
    .option('--workspace <slug>', 'workspace (default: the only one)')
    .option('--prune', 'also archive published documents the file leaves out', false)
    .option('--comment <text>', 'comment of the new versions (default "Applied from YAML")')
    .option('--json', 'print the result as JSON', false)
    .action(async (file: string, options: FileOptions & { comment?: string }) => {
      const plan = (await runOperation('config.apply', { workspace: options.workspace, yaml: readFile(file), prune: options.prune, comment: options.comment })) as PlanResult
      process.stdout.write(options.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan, file, 'apply'))
      if (!plan.valid) process.exitCode = 1
    })
}
