import fs from 'node:fs'
import readline from 'node:readline/promises'
import { Option, type Command } from 'commander'
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
    const settled = document.settled
    if (settled && settled.runsCancelled + settled.tasksDismissed > 0) lines.push(`      done: ${plural(settled.runsCancelled, 'run')} cancelled, ${plural(settled.tasksDismissed, 'task')} dismissed`)
  }
  const unchanged = plan.documents.filter((document) => document.action === 'unchanged')
  if (unchanged.length > 0) lines.push(`  = unchanged: ${unchanged.map((document) => `${document.kind}/${document.key}`).join(', ')}`)
  if (plan.documents.length === 0) lines.push('  (no documents in the file)')
  if (plan.errors.length > 0) {
    const fixed = `${plan.errors.length === 1 ? 'it is' : 'they are'} fixed`
    lines.push('', `${plural(plan.errors.length, 'error')}; ${mode === 'apply' ? `nothing was applied (all or nothing): fix ${plan.errors.length === 1 ? 'it' : 'them'} and apply again` : `nothing can be applied until ${fixed}`}:`)
    for (const error of plan.errors) lines.push(`  ✗ ${error.document ? `${error.document}  ` : ''}${error.field}: ${error.message}`)
    if (plan.errors.some((error) => isOpenWorkQuestion(error.field))) lines.push('', 'Say what happens to the work under way with --open-runs continue|cancel and --open-tasks keep|dismiss.')
  } else if (!plan.applied) {
    const changes = counts.create + counts.update + counts.archive
    lines.push('', changes === 0 ? 'Nothing to change.' : `Run \`bosun config apply ${file}\` to apply (all or nothing).`)
  } else if (counts.create + counts.update + counts.archive === 0) {
    lines.push('', 'Nothing changed.')
  }
  return `${lines.join('\n')}\n`
}

type OpenWorkOptions = { openRuns?: 'continue' | 'cancel'; openTasks?: 'keep' | 'dismiss' }
type FileOptions = { workspace?: string; prune: boolean; json: boolean } & OpenWorkOptions

const openRunsOption = () =>
  new Option('--open-runs <choice>', 'runs under way of the playbooks it changes: continue (finish on their version) or cancel; asked when needed').choices(['continue', 'cancel'])
const openTasksOption = () => new Option('--open-tasks <choice>', 'open tasks of the playbooks it changes: keep or dismiss; asked when needed').choices(['keep', 'dismiss'])

const isOpenWorkQuestion = (field: string) => field === 'openRuns' || field === 'openTasks'

/**
 * At a terminal, the questions apply could not answer by itself (work under way of a changed playbook)
 * are asked here; elsewhere (CI, a pipe) they must be given as options.
 */
async function askOpenWork(plan: PlanResult, options: OpenWorkOptions): Promise<OpenWorkOptions | null> {
  const questions = plan.errors.filter((error) => isOpenWorkQuestion(error.field))
  if (questions.length === 0 || questions.length !== plan.errors.length || !process.stdin.isTTY || !process.stdout.isTTY) return null
  const prompt = readline.createInterface({ input: process.stdin, output: process.stdout })
  const ask = async (question: string, choices: readonly string[]): Promise<string> => {
    for (;;) {
      const answer = (await prompt.question(`${question} [${choices.join('/')}] `)).trim().toLowerCase()
      if (choices.includes(answer)) return answer
    }
  }
  try {
    for (const error of questions) process.stdout.write(`  ${error.document ?? ''}: ${error.message}\n`)
    const answers: OpenWorkOptions = { ...options }
    if (questions.some((error) => error.field === 'openRuns')) answers.openRuns = (await ask('Runs under way: continue or cancel?', ['continue', 'cancel'])) as OpenWorkOptions['openRuns']
    if (questions.some((error) => error.field === 'openTasks')) answers.openTasks = (await ask('Open tasks: keep or dismiss?', ['keep', 'dismiss'])) as OpenWorkOptions['openTasks']
    return answers
  } finally {
    prompt.close()
  }
}

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
    .addOption(openRunsOption())
    .addOption(openTasksOption())
    .action(async (file: string, options: FileOptions) => {
      const plan = (await runOperation('config.plan', { workspace: options.workspace, yaml: readFile(file), prune: options.prune, openRuns: options.openRuns, openTasks: options.openTasks })) as PlanResult
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
    .addOption(openRunsOption())
    .addOption(openTasksOption())
    .action(async (file: string, options: FileOptions & { comment?: string }) => {
      const yaml = readFile(file)
      const apply = (answers: OpenWorkOptions) =>
        runOperation('config.apply', { workspace: options.workspace, yaml, prune: options.prune, comment: options.comment, openRuns: answers.openRuns, openTasks: answers.openTasks }) as Promise<PlanResult>
      let plan = await apply(options)
      const answers = file === '-' || options.json ? null : await askOpenWork(plan, options)
      if (answers) plan = await apply(answers)
      process.stdout.write(options.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan, file, 'apply'))
      if (!plan.valid) process.exitCode = 1
    })
}
