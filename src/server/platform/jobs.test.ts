import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb } from '../testing/test-db'
import type { DbHandle } from './db'
import { startJobs, type Jobs } from './jobs'
import { createLogger } from './logging'

let handle: DbHandle
const started: Jobs[] = []

beforeAll(async () => {
  handle = await createTestDb()
})
afterAll(async () => {
  for (const jobs of started) await jobs.stop()
  await handle?.close()
})

const waitFor = async (condition: () => boolean, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
}

describe('job interface (pg-boss on this database)', () => {
  it('runs every enqueued job exactly once across two worker instances, and web instances only enqueue', async () => {
    const logger = createLogger('silent')
    const seen: number[] = []
    const definition = { queue: 'test.count', batchSize: 5, handler: async (payload: { n: number }) => void seen.push(payload.n) }
    const web = await startJobs({ handle, logger, runWorkers: false, definitions: [] })
    started.push(web)
    await web.register(definition)
    for (const runWorkers of [true, true]) {
      const worker = await startJobs({ handle, logger, runWorkers, definitions: [] })
      started.push(worker)
      await worker.register(definition)
    }
    for (let n = 0; n < 40; n++) await web.send('test.count', { n })
    await waitFor(() => seen.length >= 40)
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, n) => n))
  })

  it('registers cron schedules once', async () => {
    const worker = await startJobs({ handle, logger: createLogger('silent'), runWorkers: true, definitions: [] })
    started.push(worker)
    await worker.register({ queue: 'test.hourly', cron: '5 * * * *', handler: async () => undefined })
    await worker.register({ queue: 'test.hourly', cron: '5 * * * *', handler: async () => undefined })
    const { rows } = await handle.executeSql(`select name, cron from pgboss.schedule where name = 'test.hourly'`)
    expect(rows).toEqual([{ name: 'test.hourly', cron: '5 * * * *' }])
  })
})
