import PgBoss from 'pg-boss'
import { STARTUP_LOCK, withAdvisoryLock, type DbHandle } from './db'
import type { Logger } from './logging'

/**
 * The one background-job interface. pg-boss 10 (the newest major that runs on Node 20) keeps
 * queues in PostgreSQL; on PGlite it runs through our executeSql, so the same handlers run in
 * the embedded single process and in many `--role worker` processes on one PostgreSQL.
 */
export type JobHandler<Payload> = (payload: Payload, job: { id: string; queue: string }) => Promise<void>

export type JobDefinition<Payload> = {
  queue: string
  handler: JobHandler<Payload>
  /** Cron (UTC) for periodic jobs; the scheduler fires it once across all processes. */
  cron?: string
  batchSize?: number
  /** pg-boss queue policy; 'stately' keeps at most one job queued and one running (coalescing kicks). */
  policy?: 'standard' | 'stately' | 'singleton' | 'short'
  /** Enqueue once when a worker process starts (work left over from a crash is picked up at once). */
  runAtStart?: boolean
  /**
   * For work that appears in tables rather than as sent jobs (e.g. rows queued by triggers): every
   * `everySeconds`, each worker process asks `hasWork` and, if so, enqueues the job (use a coalescing
   * policy such as 'short' so the polls do not pile up jobs).
   */
  wake?: { everySeconds: number; hasWork: () => Promise<boolean> }
}

export type Jobs = {
  send: <Payload extends object>(queue: string, payload: Payload, options?: { singletonKey?: string; startAfterSeconds?: number }) => Promise<string | null>
  register: <Payload extends object>(definition: JobDefinition<Payload>) => Promise<void>
  stop: () => Promise<void>
}

export type StartJobsOptions = { handle: DbHandle; logger: Logger; runWorkers: boolean; definitions: JobDefinition<object>[] }

export async function startJobs(options: StartJobsOptions): Promise<Jobs> {
  const { handle, logger } = options
  const boss = new PgBoss({
    db: { executeSql: (text: string, values?: unknown[]) => handle.executeSql(text, values) },
    schema: 'pgboss',
    // Only processes that run workers maintain and schedule; web processes just enqueue.
    supervise: options.runWorkers,
    schedule: options.runWorkers,
    migrate: true,
  })
  boss.on('error', (error: Error) => logger.error({ err: error }, 'job system error'))
  await boss.start()
  const wakers: NodeJS.Timeout[] = []
  // This process's worker of each queue: a job sent from here wakes it at once instead of at its next poll
  // (pg-boss polls every 0.5 s at the fastest; an event's way to a fresh score crosses three queues).
  const localWorkers = new Map<string, string>()
  const sendAndNotify = async (queue: string, payload: object, sendOptions?: { singletonKey?: string; startAfter?: number }) => {
    const id = await boss.send(queue, payload, sendOptions ?? {})
    const worker = localWorkers.get(queue)
    if (worker && !sendOptions?.startAfter) boss.notifyWorker(worker)
    return id
  }

  // Several processes starting at once on a new database deadlock inside pgboss.create_queue (measured with
  // 4 workers): queues are created one process at a time, under the start-up lock.
  const createQueue = (definition: JobDefinition<object>) => boss.createQueue(definition.queue, definition.policy ? { name: definition.queue, policy: definition.policy } : undefined)
  // (start-up calls this inside the migration lock with no definitions: taking the lock again from another
  // pooled connection would wait for ourselves.)
  if (options.definitions.length > 0) {
    await withAdvisoryLock(handle, STARTUP_LOCK, async () => {
      for (const definition of options.definitions) await createQueue(definition)
    })
  }

  const running = new Set<Promise<void>>()
  const register = async <Payload extends object>(definition: JobDefinition<Payload>, created = false) => {
    if (!created) await withAdvisoryLock(handle, STARTUP_LOCK, () => createQueue(definition as JobDefinition<object>))
    if (definition.cron && options.runWorkers) await boss.schedule(definition.queue, definition.cron, {})
    if (!options.runWorkers) return
    if (definition.runAtStart) await boss.send(definition.queue, {})
    const wake = definition.wake
    if (wake) {
      let polling = false
      const timer = setInterval(() => {
        if (polling) return
        polling = true
        wake
          .hasWork()
          .then((hasWork) => (hasWork ? sendAndNotify(definition.queue, {}) : null))
          .catch((error: unknown) => logger.warn({ err: error, queue: definition.queue }, 'wake check failed'))
          .finally(() => {
            polling = false
          })
      }, wake.everySeconds * 1000)
      timer.unref()
      wakers.push(timer)
    }
    const workerId = await boss.work<Payload>(definition.queue, { batchSize: definition.batchSize ?? 1, pollingIntervalSeconds: 0.5 }, async (jobs) => {
      const run = (async () => {
        for (const job of jobs) {
          await definition.handler(job.data, { id: job.id, queue: definition.queue })
        }
      })()
      running.add(run)
      try {
        await run
      } finally {
        running.delete(run)
      }
    })
    localWorkers.set(definition.queue, workerId)
  }

  for (const definition of options.definitions) await register(definition, true)

  return {
    send: async (queue, payload, sendOptions) => sendAndNotify(queue, payload, { singletonKey: sendOptions?.singletonKey, startAfter: sendOptions?.startAfterSeconds }),
    register: (definition) => register(definition),
    stop: async () => {
      for (const timer of wakers) clearInterval(timer)
      await boss.stop({ graceful: true, wait: true, timeout: 30_000 })
      // A handler still running past pg-boss's wait would meet a closed pool (and pg-boss, recording its
      // failure, would crash the exiting process): the database is closed only after they finish.
      if (running.size > 0) {
        logger.info({ running: running.size }, 'waiting for running jobs before closing the database')
        await Promise.race([Promise.allSettled([...running]), new Promise((resolve) => setTimeout(resolve, 60_000).unref())])
      }
    },
  }
}
