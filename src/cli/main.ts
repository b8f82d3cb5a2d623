import { Command, InvalidArgumentError, Option } from 'commander'
import { apiKeyScopes, roles, type ApiKeyScope } from '../shared/roles'
import { runOperation, withDatabase } from './admin-client'
import { buildWebIfNeeded } from './build-web'
import { registerImportCommand } from './import-command'
import { registerConfigCommand } from './config-command'
import { registerChurnCommand } from './churn-command'
import { loadConfig } from '../server/platform/config'
import { readDataDirOwner } from '../server/platform/data-dir-lock'

const integer = (name: string) => (value: string) => {
  const parsed = Number(value)
  if (!Number.isInteger(parsed)) throw new InvalidArgumentError(`${name} must be a whole number`)
  return parsed
}

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)

const program = new Command()
program.name('bosun').description('Bosun — Customer Success Operations').showHelpAfterError()

program
  .command('start')
  .description('Run Bosun: web server and background workers (PORT, DATABASE_URL, BOSUN_DATA_DIR)')
  .addOption(new Option('--role <role>', 'all = web + workers in one process; web or worker need DATABASE_URL').choices(['all', 'web', 'worker']).default('all'))
  .option('--port <port>', 'port to listen on (default PORT or 3000)', integer('port'))
  .action(async (options: { role: 'all' | 'web' | 'worker'; port?: number }) => {
    if (options.port !== undefined) process.env.PORT = String(options.port)
    // Refuse a second server on one PGlite data dir before doing any work.
    const config = loadConfig()
    if (!config.databaseUrl) {
      const owner = readDataDirOwner(config.dataDir)
      if (owner) throw new Error(`The data directory ${config.dataDir} is in use by Bosun process ${owner.pid}${owner.port ? ` (http://127.0.0.1:${owner.port})` : ''}`)
    }
    if (options.role !== 'worker') buildWebIfNeeded()
    const { startBosun } = await import('../server/server')
    const running = await startBosun({ role: options.role })
    let stopping = false
    const shutdown = async () => {
      if (stopping) return
      stopping = true
      await running.stop()
      process.exit(0)
    }
    process.on('SIGINT', shutdown)
    process.on('SIGTERM', shutdown)
  })

program
  .command('migrate')
  .description('Apply database migrations (start does this too)')
  .action(async () => {
    await withDatabase(async () => undefined)
    process.stdout.write('Migrations applied.\n')
  })

program
  .command('demo')
  .description('Build the deterministic demo world: a fictional B2B SaaS company and its customers')
  .option('--accounts <n>', 'number of customer accounts', integer('accounts'), 2000)
  .option('--months <m>', 'months of history', integer('months'), 12)
  .option('--seed <s>', 'random seed (same seed, same world)', integer('seed'), 42)
  .option('--workspace <slug>', 'workspace slug', 'demo')
  .option('--replace', 'delete the workspace first if it exists', false)
  .option('--no-usage', 'skip the product usage (Segment events sent through ingestion)')
  .option('--no-history', "skip reconstructing the last quarter (stage history, weekly trends and health snapshots, the risk play's runs): for large benchmark worlds")
  .option('--admin-email <email>', 'owner to create in the demo workspace', process.env.BOSUN_ADMIN_EMAIL)
  .option('--admin-password <password>', 'their password (default generated)', process.env.BOSUN_ADMIN_PASSWORD)
  .action(async (options: { accounts: number; months: number; seed: number; workspace: string; replace: boolean; usage: boolean; history: boolean; adminEmail?: string; adminPassword?: string }) => {
    const result = await runOperation('demo', {
      usage: options.usage,
      history: options.history,
      accounts: options.accounts,
      months: options.months,
      seed: options.seed,
      slug: options.workspace,
      replace: options.replace,
      adminEmail: options.adminEmail,
      adminPassword: options.adminPassword,
    })
    print(result)
  })

const users = program.command('users').description('Manage users')
users
  .command('create')
  .description('Create a user; prints a generated password unless --password is given')
  .requiredOption('--email <email>')
  .addOption(new Option('--role <role>').choices([...roles]).makeOptionMandatory())
  .requiredOption('--workspace <slug>')
  .option('--name <name>')
  .option('--password <password>')
  .action(async (options: { email: string; role: string; workspace: string; name?: string; password?: string }) => {
    print(await runOperation('users.create', options))
  })

const keys = program.command('keys').description('Manage API keys')
keys
  .command('create')
  .description('Create an API key; the key alone is printed on the last line')
  .requiredOption('--workspace <slug>')
  .requiredOption('--scopes <scopes>', `comma-separated: ${apiKeyScopes.join(',')}`)
  .requiredOption('--name <name>')
  .action(async (options: { workspace: string; scopes: string; name: string }) => {
    const scopes = options.scopes.split(',').map((scope) => scope.trim()).filter(Boolean) as ApiKeyScope[]
    const unknown = scopes.filter((scope) => !apiKeyScopes.includes(scope))
    if (unknown.length > 0) throw new InvalidArgumentError(`unknown scope(s) ${unknown.join(', ')}; use ${apiKeyScopes.join(', ')}`)
    const result = await runOperation('keys.create', { workspace: options.workspace, scopes, name: options.name })
    process.stdout.write(`Created API key ${String(result.prefix)} (${scopes.join(', ')}) in ${options.workspace}. Store it now; it is not shown again:\n${String(result.key)}\n`)
  })
keys
  .command('revoke')
  .description('Revoke an API key by id, prefix or the whole key')
  .requiredOption('--workspace <slug>')
  .argument('<key>')
  .action(async (key: string, options: { workspace: string }) => {
    print(await runOperation('keys.revoke', { workspace: options.workspace, key }))
  })
keys
  .command('list')
  .requiredOption('--workspace <slug>')
  .action(async (options: { workspace: string }) => {
    print(await runOperation('keys.list', options))
  })

program
  .command('workspaces')
  .description('List workspaces')
  .action(async () => {
    print(await runOperation('workspaces.list', {}))
  })

registerImportCommand(program)
registerConfigCommand(program)
registerChurnCommand(program)

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`bosun: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
