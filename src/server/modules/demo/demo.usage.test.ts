import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows, type DbHandle } from '../../platform/db'
import { createTestDb } from '../../testing/test-db'
import { getAccountUsage, getKeyFeatures, inboxDepth } from '../events'
import { generateDemoWorld, sendDemoUsage, type DemoResult } from './demo.service'
import { demoKeyFeatures } from './demo.usage'

const params = { accounts: 120, months: 6, seed: 99, today: '2025-06-20', password: 'demo-password-1' }

let handle: DbHandle
let world: DemoResult
let sent: number

beforeAll(async () => {
  handle = await createTestDb()
  world = await generateDemoWorld(handle.db, params)
  sent = (await sendDemoUsage(handle.db, { workspaceId: world.workspaceId, drain: true })).calls
}, 180_000)
afterAll(() => handle?.close())

const scalar = async (query: ReturnType<typeof sql>) => (await queryRows<{ n: number }>(handle.db, query))[0]?.n ?? 0

describe('demo product usage, sent through ingestion', () => {
  it('stores every generated call once, and a resend stores nothing new', async () => {
    expect(sent).toBeGreaterThan(1000)
    expect(await inboxDepth(handle.db)).toBe(0)
    expect(await scalar(sql`select count(*)::int as n from events where workspace_id = ${world.workspaceId}`)).toBe(sent)
    await sendDemoUsage(handle.db, { workspaceId: world.workspaceId, drain: true })
    expect(await scalar(sql`select count(*)::int as n from events where workspace_id = ${world.workspaceId}`)).toBe(sent)
    expect(await getKeyFeatures(handle.db, world.workspaceId)).toEqual([...demoKeyFeatures])
  })

  it("ties product users to the demo's contacts instead of creating new ones", async () => {
    expect(await scalar(sql`select count(*)::int as n from contacts where workspace_id = ${world.workspaceId}`)).toBe(world.counts.contacts)
    const linked = await scalar(sql`select count(*)::int as n from product_users where workspace_id = ${world.workspaceId} and contact_id is not null`)
    expect(linked).toBeGreaterThan(100)
    const unmatched = await scalar(sql`select count(*)::int as n from events where workspace_id = ${world.workspaceId} and account_id is null`)
    expect(unmatched).toBe(0)
  })

  it('makes usage an observable, noisy signal of the hidden true health', async () => {
    // Monthly active users per seat in the last full month vs that month's true health.
    const rows = await queryRows<{ truth: number; per_seat: number }>(
      handle.db,
      sql`select t.true_health::float8 as truth, count(distinct d.user_id)::float8 / greatest(1, max(s.seats)) as per_seat
          from demo_account_truth t
          join usage_user_days d on d.workspace_id = t.workspace_id and d.account_id = t.account_id and d.day >= '2025-05-01' and d.day < '2025-06-01'
          join subscriptions s on s.workspace_id = t.workspace_id and s.account_id = t.account_id
          where t.workspace_id = ${world.workspaceId} and t.month = '2025-05-01'
          group by t.account_id, t.true_health`,
    )
    expect(rows.length).toBeGreaterThan(50)
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length
    const xs = rows.map((row) => row.truth)
    const ys = rows.map((row) => row.per_seat)
    const mx = mean(xs)
    const my = mean(ys)
    const cov = mean(xs.map((x, i) => (x - mx) * (ys[i]! - my)))
    const correlation = cov / Math.sqrt(mean(xs.map((x) => (x - mx) ** 2)) * mean(ys.map((y) => (y - my) ** 2)))
    expect(correlation).toBeGreaterThan(0.3)
    expect(correlation).toBeLessThan(0.98)
  })

  it('serves usage metrics for a demo account from the rollups', async () => {
    const [busiest] = await queryRows<{ account_id: string }>(
      handle.db,
      sql`select account_id from usage_daily where workspace_id = ${world.workspaceId} group by account_id order by sum(event_count) desc limit 1`,
    )
    const usage = await getAccountUsage(handle.db, { workspaceId: world.workspaceId, accountId: busiest!.account_id, days: 60, today: params.today })
    expect(usage.mau).toBeGreaterThan(5)
    expect(usage.events30d).toBeGreaterThan(20)
    expect(usage.featureBreadth).toBeGreaterThan(0)
    expect(usage.series).toHaveLength(60)
  })
})
