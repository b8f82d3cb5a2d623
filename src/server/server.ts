import crypto from 'node:crypto'
import path from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'
import { sql } from 'drizzle-orm'
import { adminOperationSchemas, buildDemoWorkspace, buildEmptyWorkspace, runAdminOperation, type AdminOperation } from './admin-operations'
import { createApp } from './app'
import { loadConfig, type BosunConfig } from './platform/config'
import { acquireDataDirLock, type DataDirLock } from './platform/data-dir-lock'
import { STARTUP_LOCK, migrateDb, openDb, pgErrorCode, queryRows, withAdvisoryLock, type DbHandle } from './platform/db'
import { handleError, problemResponse, type AppDeps } from './platform/http'
import { startJobs, type JobDefinition, type Jobs } from './platform/jobs'
import { createLogger, type Logger } from './platform/logging'
import { jobDefinitions } from './modules/jobs'
import { generatePassword } from './modules/identity'

export type Role = 'all' | 'web' | 'worker'

/** PGlite has no autovacuum: without fresh statistics the planner picks bad plans as data grows. */
function platformJobs(handle: DbHandle): JobDefinition<object>[] {
  if (handle.kind !== 'pglite') return []
  return [{ queue: 'platform.analyze', cron: '23 * * * *', handler: async () => void (await handle.executeSql('ANALYZE')) }]
}

export type RunningBosun = {
  deps: AppDeps
  port: number | null
  url: string | null
  stop: () => Promise<void>
}

export async function openDatabase(
  config: BosunConfig,
  logger: Logger,
  alsoUnderLock?: (handle: DbHandle) => Promise<void>,
): Promise<{ handle: DbHandle; lock: DataDirLock | null }> {
  const lock = config.databaseUrl ? null : acquireDataDirLock(config.dataDir)
  try {
    const handle = await openDb({ databaseUrl: config.databaseUrl, pgliteDir: config.databaseUrl ? undefined : path.join(config.dataDir, 'pgdata') })
    await migrateDb(handle, { alsoUnderLock: alsoUnderLock ? () => alsoUnderLock(handle) : undefined })
    logger.debug({ kind: handle.kind }, 'database ready')
    return { handle, lock }
  } catch (error) {
    lock?.release()
    throw error
  }
}

/** First start on an empty database: the demo workspace (or an empty one) and an admin to log in with. */
async function bootstrap(deps: AppDeps) {
  const { config, logger, db } = deps
  const [existing] = await queryRows<{ count: number }>(db, sql`select count(*)::int as count from workspaces`)
  if ((existing?.count ?? 0) > 0) return
  const adminPassword = config.adminPassword ?? generatePassword()
  try {
    if (config.demoEnabled) {
      logger.info('empty database: building the demo workspace (2,000 accounts, 12 months)…')
      // Product usage (~350k Segment calls) streams in through ingestion in the background.
      const result = await buildDemoWorkspace(
        db,
        { accounts: 2000, months: 12, seed: 42, slug: 'demo', replace: false, usage: true, adminEmail: config.adminEmail, adminPassword },
        { jobs: deps.jobs },
      )
      logger.info({ counts: result.counts, seconds: result.seconds }, 'demo workspace ready')
    } else {
      await buildEmptyWorkspace(db, { adminEmail: config.adminEmail, adminPassword })
    }
  } catch (error) {
    // Another process on the same PostgreSQL may have bootstrapped first.
    if (pgErrorCode(error) === '23505' || (error as Error).name === 'DemoWorkspaceExistsError') return
    throw error
  }
  printCredentials(config, adminPassword)
}

function printCredentials(config: BosunConfig, password: string) {
  const lines = [
    '',
    '  Bosun admin login',
    `    email:     ${config.adminEmail}`,
    `    password:  ${password}${config.adminPassword ? ' (from BOSUN_ADMIN_PASSWORD)' : ''}`,
    `    workspace: ${config.demoEnabled ? 'demo' : 'main'}`,
    '',
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
}

export async function startBosun(options: { role?: Role; config?: BosunConfig; logger?: Logger; listen?: boolean } = {}): Promise<RunningBosun> {
  const role = options.role ?? 'all'
  const config = options.config ?? loadConfig()
  const logger = options.logger ?? createLogger(config.logLevel)
  if (!config.databaseUrl && role !== 'all') {
    throw new Error(`--role ${role} needs DATABASE_URL: embedded PGlite runs web and worker in one process (--role all)`)
  }
  const started: { jobs?: Jobs } = {}
  const { handle, lock } = await openDatabase(config, logger, async (opened) => {
    started.jobs = await startJobs({ handle: opened, logger, runWorkers: role !== 'web', definitions: [] })
  })
  const jobs = started.jobs
  let server: ServerType | null = null
  try {
    if (!jobs) throw new Error('the job system did not start')
    const deps: AppDeps = { db: handle.db, dbHandle: handle, jobs, logger, config }
    for (const definition of [...jobDefinitions(deps), ...platformJobs(handle)]) await jobs.register(definition)

    let port: number | null = null
    if (role !== 'worker' && options.listen !== false) {
      const app = createApp(deps)
      if (lock) mountControlEndpoint(app, deps, lock.owner.controlToken)
      const listening = await new Promise<{ port: number; server: ServerType }>((resolve, reject) => {
        const instance = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => resolve({ port: info.port, server: instance }))
        instance.once('error', reject)
      })
      server = listening.server
      // Idle keep-alive sockets stay open longer than any client's poll interval (the CLI polls an import's
      // progress): with Node's 5 s default a poll could reuse a socket the server was just closing
      // ("fetch failed"). Headers must be allowed a little longer than that.
      if ('keepAliveTimeout' in server) {
        server.keepAliveTimeout = 65_000
        server.headersTimeout = 66_000
      }
      port = listening.port
      lock?.setPort(port)
      logger.info({ url: `http://localhost:${port}`, database: handle.kind, role }, 'Bosun is listening')
    }
    // Under the start-up lock so that of several processes on one empty database, one builds the demo.
    if (role !== 'worker') await withAdvisoryLock(handle, STARTUP_LOCK, () => bootstrap(deps))
    if (port) process.stdout.write(`\n  Bosun is ready: http://localhost:${port}  (API docs: http://localhost:${port}/api/docs)\n\n`)

    const stop = async () => {
      if (server) await new Promise<void>((resolve) => server?.close(() => resolve()))
      await jobs.stop()
      await handle.close()
      lock?.release()
    }
    return { deps, port, url: port ? `http://127.0.0.1:${port}` : null, stop }
  } catch (error) {
    server?.close()
    await jobs?.stop().catch(() => undefined)
    await handle.close().catch(() => undefined)
    lock?.release()
    throw error
  }
}

/**
 * Loopback-only endpoint through which the CLI runs admin operations while this process owns the
 * PGlite data dir. Guarded by the random token in the 0600 lock file, so only the same OS user can use it.
 */
function mountControlEndpoint(app: ReturnType<typeof createApp>, deps: AppDeps, token: string) {
  app.post('/internal/cli/:operation', async (c) => {
    if (!isLoopback(c)) return problemResponse(c, 403, 'Forbidden', 'The control endpoint answers on loopback only')
    const presented = c.req.header('x-bosun-control-token') ?? ''
    const valid = presented.length === token.length && crypto.timingSafeEqual(Buffer.from(presented), Buffer.from(token))
    if (!valid) return problemResponse(c, 403, 'Forbidden', 'Control token missing or wrong')
    const operation = c.req.param('operation') as AdminOperation
    if (!(operation in adminOperationSchemas)) return problemResponse(c, 404, 'Not Found', `Unknown operation ${operation}`)
    try {
      const result = await runAdminOperation(deps.db, operation, await c.req.json(), { jobs: deps.jobs, dataDir: deps.config.dataDir })
      return c.json(result, 200)
    } catch (error) {
      return handleError(error as Error, c, deps.logger)
    }
  })
}

function isLoopback(c: Context): boolean {
  try {
    const address = getConnInfo(c).remote.address ?? ''
    return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.')
  } catch {
    return false
  }
}
