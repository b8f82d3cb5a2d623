import crypto from 'node:crypto'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestDb } from '../testing/test-db'
import { claimQueuedAccounts, hasQueuedAccountsIn, recomputeClaimed } from './account-queue'
import { queryRows, type DbHandle } from './db'

// The queue tables exist from the migrations; accounts are plain ids here (the queues have no foreign key).
const queue = 'health_evaluation_queue' as const
let handle: DbHandle
const workspaceId = crypto.randomUUID()

beforeAll(async () => {
  handle = await createTestDb()
})
afterAll(async () => {
  await handle?.close()
})
beforeEach(async () => {
  await handle.db.execute(sql`DELETE FROM health_evaluation_queue`)
})

/** What the triggers do when an input of the account changes. */
const markChanged = (accountId: string, db = handle.db) =>
  db.execute(sql`INSERT INTO health_evaluation_queue (workspace_id, account_id) VALUES (${workspaceId}, ${accountId}) ON CONFLICT DO NOTHING`)

const claimedIds = (claim: { byWorkspace: Map<string, string[]> }) => claim.byWorkspace.get(workspaceId) ?? []
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('account queues (health and classification recomputes)', () => {
  it('recomputes an account once however often it changed while it waited', async () => {
    const account = crypto.randomUUID()
    for (let change = 0; change < 5; change++) await markChanged(account)
    const recomputed: string[][] = []
    await recomputeClaimed(handle.db, { queue, limit: 10, cooldownMs: 0 }, {}, async (_tx, _workspaceId, accountIds) => {
      recomputed.push(accountIds)
      return {}
    })
    expect(recomputed).toEqual([[account]])
    expect(await hasQueuedAccountsIn(handle.db, queue)).toBe(false)
  })

  it('keeps a change made while the account was being recomputed, and recomputes it again', async () => {
    const account = crypto.randomUUID()
    await markChanged(account)
    await recomputeClaimed(handle.db, { queue, limit: 10, cooldownMs: 0 }, {}, async () => {
      // On PostgreSQL, from another connection while the recompute's transaction is open. When the queue
      // rows were taken inside that transaction, this insert waited for it: the drain stalled behind
      // every recompute (here it would never return). PGlite has one connection: it marks just after.
      if (handle.kind === 'postgres') await markChanged(account)
      return {}
    })
    if (handle.kind === 'pglite') await markChanged(account)
    expect(await hasQueuedAccountsIn(handle.db, queue)).toBe(true)
    const again = await claimQueuedAccounts(handle.db, { queue, limit: 10, cooldownMs: 0 })
    expect(claimedIds(again)).toEqual([account])
  })

  it('debounces a busy account: the first change is taken at once, later ones after the cool-down', async () => {
    const busy = crypto.randomUUID()
    const quiet = crypto.randomUUID()
    await markChanged(busy)
    const first = await recomputeClaimed(handle.db, { queue, limit: 10, cooldownMs: 800 }, { accounts: 0 }, async () => ({ accounts: 1 }))
    expect(claimedIds(first.claim)).toEqual([busy])
    await markChanged(busy)
    await markChanged(quiet)
    const during = await claimQueuedAccounts(handle.db, { queue, limit: 10, cooldownMs: 800 })
    expect(claimedIds(during)).toEqual([quiet])
    await sleep(900)
    const after = await claimQueuedAccounts(handle.db, { queue, limit: 10, cooldownMs: 800 })
    expect(claimedIds(after)).toEqual([busy])
  })

  it('puts the accounts back when the recompute fails, merged with changes queued meanwhile', async () => {
    const account = crypto.randomUUID()
    await markChanged(account)
    await expect(
      recomputeClaimed(handle.db, { queue, limit: 10, cooldownMs: 0 }, {}, async () => {
        throw new Error('scorecard broken')
      }),
    ).rejects.toThrow('scorecard broken')
    await markChanged(account)
    const rows = await queryRows<{ n: number }>(handle.db, sql`SELECT count(*)::int AS n FROM health_evaluation_queue WHERE account_id = ${account}`)
    expect(rows[0]?.n).toBe(1)
    const retried = await claimQueuedAccounts(handle.db, { queue, limit: 10, cooldownMs: 0 })
    expect(claimedIds(retried)).toEqual([account])
  })

  it('lets another worker take a claim whose worker died (stale after 5 minutes)', async () => {
    const account = crypto.randomUUID()
    await markChanged(account)
    const lost = await claimQueuedAccounts(handle.db, { queue, limit: 10, cooldownMs: 0 })
    expect(claimedIds(lost)).toEqual([account])
    expect(claimedIds(await claimQueuedAccounts(handle.db, { queue, limit: 10, cooldownMs: 0 }))).toEqual([])
    await handle.db.execute(sql`UPDATE health_evaluation_queue SET claimed_at = now() - interval '6 minutes' WHERE account_id = ${account}`)
    expect(await hasQueuedAccountsIn(handle.db, queue)).toBe(true)
    expect(claimedIds(await claimQueuedAccounts(handle.db, { queue, limit: 10, cooldownMs: 0 }))).toEqual([account])
  })
})
