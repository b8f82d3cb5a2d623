import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../../platform/db'
import { makeAccount, makeSubscription } from '../../testing/factories'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { recordOutcome } from '../outcomes'
import { addDays, dayNumber, dayText } from './churn.features'
import { addMonthsToDay, defaultTarget, loadLabeller } from './churn.target'
import { runQueuedTraining, splitByTime } from './churn.train'

let ctx: TestContext
let ws: TestWorkspace
const today = new Date().toISOString().slice(0, 10)
const ACCOUNTS = 240

/** A seeded stream, so the crafted history is the same on every run. */
function rng(seed: number) {
  let state = seed
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) % 4_294_967_296
    return state / 4_294_967_296
  }
}

const months = (day: string, count: number) => dayText(addMonthsToDay(dayNumber(day), count))

type Crafted = { id: string; lowUsage: boolean; churnDay: string | null; created: string; nextRenewal: string }
const crafted: Crafted[] = []

/**
 * 240 customers on annual terms from their start, 400 to 1,500 days ago. A third use the product little
 * (≈5 events a week against ≈60): at each renewal of the last 400 days (up to a month ago) 70 % of
 * those churn, 4 % of the others (a third of the churns booked up to 20 days after the renewal date).
 * Usage, recorded for the last 400 days, stops at the churn. Half the accounts have their terms as
 * subscriptions (a churner's last one cancelled), the others only a renewal date (the next one; a
 * churner's stays on the renewal it lapsed at). Half the churns are in the revenue ledger, half only
 * as churned outcomes.
 */
async function craftHistory(workspaceId: string) {
  const random = rng(7)
  const start = addDays(today, -400)
  const terms: { id: string; start: string; end: string; status: string }[] = []
  for (let index = 0; index < ACCOUNTS; index++) {
    const lowUsage = random() < 0.35
    const created = addDays(start, -Math.floor(random() * 1100))
    const lag = index % 3 === 0 ? Math.floor(random() * 21) : 0
    const renewals: string[] = []
    for (let term = 1; renewals.length === 0 || renewals[renewals.length - 1] <= today; term++) renewals.push(months(created, 12 * term))
    const lapsed = renewals.find((day) => dayNumber(day) >= dayNumber(start) && dayNumber(day) <= dayNumber(today) - 31 && random() < (lowUsage ? 0.7 : 0.04))
    const churnDay = lapsed ? addDays(lapsed, lag) : null
    const account = await makeAccount(ctx.handle.db, workspaceId, {
      plan: random() < 0.5 ? 'Growth' : 'Scale',
      arr: 12_000,
      employees: 20 + Math.floor(random() * 500),
      renewalDate: index % 2 === 0 ? null : (lapsed ?? renewals[renewals.length - 1]),
    })
    crafted.push({ id: account.id, lowUsage, churnDay, created, nextRenewal: renewals[renewals.length - 1] })
    if (index % 2 !== 0) continue
    let termStart = created
    for (const end of renewals) {
      const status = lapsed === end ? 'canceled' : end > today ? 'active' : 'expired'
      terms.push({ id: account.id, start: termStart, end, status })
      if (status !== 'expired') break
      termStart = end
    }
  }
  const db = ctx.handle.db
  const payload = JSON.stringify(crafted.map((c, index) => ({ id: c.id, low: c.lowUsage, churn: c.churnDay, created: c.created, offset: index % 7, viaLedger: index % 4 < 2 })))
  await db.execute(sql`
    INSERT INTO subscriptions (workspace_id, account_id, product, start_date, end_date, arr, status)
    SELECT ${workspaceId}::uuid, id, 'Platform', start, "end", 12000, status FROM jsonb_to_recordset(${JSON.stringify(terms)}::jsonb) AS x(id uuid, start date, "end" date, status text)`)
  await db.execute(sql`
    WITH c AS (SELECT * FROM jsonb_to_recordset(${payload}::jsonb) AS x(id uuid, low boolean, churn date, created date, "offset" int, "viaLedger" boolean))
    UPDATE accounts a SET created_at = c.created::timestamp AT TIME ZONE 'UTC' FROM c WHERE a.workspace_id = ${workspaceId} AND a.id = c.id`)
  await db.execute(sql`
    WITH c AS (SELECT * FROM jsonb_to_recordset(${payload}::jsonb) AS x(id uuid, low boolean, churn date, created date, "offset" int, "viaLedger" boolean))
    INSERT INTO revenue_movements (workspace_id, account_id, kind, effective_date, arr_delta, source)
    SELECT ${workspaceId}::uuid, id, 'new', created, 12000, 'test' FROM c
    UNION ALL SELECT ${workspaceId}::uuid, id, 'churn', churn, -12000, 'test' FROM c WHERE churn IS NOT NULL AND "viaLedger"`)
  await db.execute(sql`
    WITH c AS (SELECT * FROM jsonb_to_recordset(${payload}::jsonb) AS x(id uuid, low boolean, churn date, created date, "offset" int, "viaLedger" boolean))
    INSERT INTO usage_daily (workspace_id, account_id, day, event_count, active_users)
    SELECT ${workspaceId}::uuid, c.id, d::date, CASE WHEN c.low THEN 3 + (abs(hashtext(c.id::text || d::text)) % 5) ELSE 40 + (abs(hashtext(c.id::text || d::text)) % 40) END,
           CASE WHEN c.low THEN 1 ELSE 6 END
    FROM c CROSS JOIN generate_series(${start}::date + c."offset", ${today}::date, interval '7 days') AS d
    WHERE c.churn IS NULL OR d::date < c.churn`)
  await db.execute(sql`
    WITH c AS (SELECT * FROM jsonb_to_recordset(${payload}::jsonb) AS x(id uuid, churn date))
    UPDATE accounts a SET status = 'churned', churned_at = c.churn, arr = 0 FROM c WHERE a.workspace_id = ${workspaceId} AND a.id = c.id AND c.churn IS NOT NULL`)
  for (const [index, account] of crafted.entries()) {
    if (!account.churnDay || index % 4 < 2) continue
    await recordOutcome(db, { workspaceId, input: { accountId: account.id, kind: 'churned', occurredOn: account.churnDay, arrBefore: 12_000, arrAfter: 0 } })
  }
}

beforeAll(async () => {
  ctx = await createTestContext()
  ws = await ctx.createWorkspace('churn-train')
  await craftHistory(ws.id)
}, 120_000)

afterAll(async () => {
  await ctx?.close()
})

type Card = {
  id: string
  status: string
  target: { kind: string; graceDays: number; fallbackDays: number; examples: { renewal: number; fallback: number }; scored: { renewal: number; fallback: number } }
  horizonDays: number
  kind: string
  features: { key: string; label: string }[]
  rowsTrain: number
  rowsHoldout: number
  metrics: { auc: number; prAuc: number; brier: number; health: unknown; healthNote: string | null }
  calibration: { meanPredicted: number; observedRate: number; count: number }[]
  accountsScored: number
  error: string | null
}

async function trainNow(): Promise<string> {
  const response = await ctx.as(ws, 'admin')('POST', '/api/v1/churn/models/train', {})
  expect(response.status).toBe(202)
  const accepted = (await response.json()) as { modelId: string; status: string }
  expect(accepted.status).toBe('training')
  // Test contexts run no workers: run the job's work directly.
  await runQueuedTraining(ctx.handle.db, { workspaceId: ws.id, modelId: accepted.modelId })
  return accepted.modelId
}

describe('churn model training', () => {
  let firstModel = ''

  it('learns low usage → churn from the workspace history and ranks the holdout well', async () => {
    firstModel = await trainNow()
    const card = (await (await ctx.as(ws, 'viewer')('GET', `/api/v1/churn/models/${firstModel}`)).json()) as Card
    expect(card.error).toBeNull()
    expect(card.status).toBe('ready')
    expect(['logistic_regression', 'gradient_boosted_trees', 'blend']).toContain(card.kind)
    expect(card.rowsTrain).toBeGreaterThan(500)
    expect(card.rowsHoldout).toBeGreaterThan(100)
    expect(card.metrics.auc).toBeGreaterThan(0.75)
    expect(card.metrics.brier).toBeLessThan(0.2)
    expect(card.calibration.length).toBe(10)
    expect(card.features.map((feature) => feature.key)).toContain('events_30d')
    // Every crafted account has a renewal date (subscriptions or the account's): no fallback windows.
    expect(card.target).toEqual({
      kind: 'before_next_renewal',
      graceDays: 30,
      fallbackDays: 365,
      examples: { renewal: expect.any(Number), fallback: 0 },
      scored: { renewal: card.accountsScored, fallback: 0 },
    })
    expect(card.target.examples.renewal).toBeGreaterThanOrEqual(card.rowsTrain + card.rowsHoldout)
    expect(card.horizonDays).toBe(365)
    // No health snapshots in this workspace: the comparison is n/a and says why.
    expect(card.metrics.health).toBeNull()
    expect(card.metrics.healthNote).toMatch(/n\/a/)
  }, 180_000)

  it('scores every active account with a probability in [0, 1] and names usage among the drivers of the risky ones', async () => {
    const active = crafted.filter((account) => account.churnDay === null)
    const list = (await (await ctx.as(ws, 'csm')('GET', '/api/v1/churn/accounts?limit=500')).json()) as {
      total: number
      items: { accountId: string; probability: number; arr: number; drivers: { feature: string; contribution: number }[] }[]
    }
    expect(list.total).toBe(active.length)
    expect(new Set(list.items.map((item) => item.accountId))).toEqual(new Set(active.map((account) => account.id)))
    for (const item of list.items) {
      expect(item.probability).toBeGreaterThanOrEqual(0)
      expect(item.probability).toBeLessThanOrEqual(1)
    }
    const probabilities = list.items.map((item) => item.probability)
    expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a))
    // The low-usage survivors are the riskiest.
    const low = new Set(active.filter((account) => account.lowUsage).map((account) => account.id))
    const top = list.items.slice(0, low.size)
    expect(top.filter((item) => low.has(item.accountId)).length).toBeGreaterThanOrEqual(Math.ceil(low.size * 0.7))
    const usageFeatures = new Set(['events_30d', 'dau', 'wau', 'mau', 'days_since_activity', 'usage_trend_30d'])
    const first = top[0]
    expect(first.drivers.length).toBeGreaterThan(0)
    const usageDriver = first.drivers.find((driver) => usageFeatures.has(driver.feature))
    expect(usageDriver?.contribution).toBeGreaterThan(0)

    const account = (await (await ctx.as(ws, 'viewer')('GET', `/api/v1/accounts/${first.accountId}/churn`)).json()) as {
      probability: number
      nextRenewal: string | null
      drivers: unknown[]
      model: { id: string; target: { kind: string } }
    }
    expect(account.probability).toBeCloseTo(first.probability, 6)
    expect(account.model).toMatchObject({ id: firstModel, target: { kind: 'before_next_renewal' } })
    // The probability is of churn before this renewal: the account's next one after today.
    expect(account.nextRenewal).toBe(crafted.find((item) => item.id === first.accountId)?.nextRenewal)
    const churned = crafted.find((item) => item.churnDay !== null)!
    const churnedView = (await (await ctx.as(ws, 'viewer')('GET', `/api/v1/accounts/${churned.id}/churn`)).json()) as { probability: number | null }
    expect(churnedView.probability).toBeNull()
  })

  it('retrains on demand into a new card, which becomes the current model', async () => {
    const second = await trainNow()
    expect(second).not.toBe(firstModel)
    const cards = (await (await ctx.as(ws, 'viewer')('GET', '/api/v1/churn/models')).json()) as { items: Card[] }
    expect(cards.items.map((card) => card.id)).toEqual([second, firstModel])
    expect(cards.items.every((card) => card.status === 'ready')).toBe(true)
    const list = (await (await ctx.as(ws, 'viewer')('GET', '/api/v1/churn/accounts?limit=1')).json()) as { model: { id: string }; items: unknown[] }
    expect(list.model.id).toBe(second)
    expect(list.items).toHaveLength(1)
  }, 180_000)

  it('writes a failure on the card when the history is too short', async () => {
    const empty = await ctx.createWorkspace('churn-empty')
    await makeAccount(ctx.handle.db, empty.id)
    const response = await ctx.as(empty, 'owner')('POST', '/api/v1/churn/models/train', {})
    const { modelId } = (await response.json()) as { modelId: string }
    await runQueuedTraining(ctx.handle.db, { workspaceId: empty.id, modelId })
    const card = (await (await ctx.as(empty, 'viewer')('GET', `/api/v1/churn/models/${modelId}`)).json()) as Card
    expect(card.status).toBe('failed')
    expect(card.error).toMatch(/history/)
    const list = (await (await ctx.as(empty, 'viewer')('GET', '/api/v1/churn/accounts')).json()) as { model: unknown; items: unknown[] }
    expect(list).toMatchObject({ model: null, items: [] })
  })

  it('lets only config writers retrain, refuses a second run while one trains, and names bad fields', async () => {
    expect((await ctx.as(ws, 'csm')('POST', '/api/v1/churn/models/train', {})).status).toBe(403)
    expect((await ctx.as(ws, 'viewer')('POST', '/api/v1/churn/models/train', {})).status).toBe(403)
    const bad = await ctx.as(ws, 'admin')('POST', '/api/v1/churn/models/train', { fallbackDays: 5 })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(await bad.json())).toContain('fallbackDays')
    const limit = await ctx.as(ws, 'viewer')('GET', '/api/v1/churn/accounts?limit=0')
    expect(limit.status).toBe(400)
    expect(JSON.stringify(await limit.json())).toContain('limit')
    expect((await ctx.as(ws, 'viewer')('GET', '/api/v1/churn/models/not-a-uuid')).status).toBe(400)
    expect((await ctx.as(ws, 'viewer')('GET', '/api/v1/churn/models/00000000-0000-4000-8000-000000000000')).status).toBe(404)
    expect((await ctx.as(ws, 'viewer')('GET', '/api/v1/accounts/00000000-0000-4000-8000-000000000000/churn')).status).toBe(404)

    const queued = await ctx.as(ws, 'owner')('POST', '/api/v1/churn/models/train', {})
    expect(queued.status).toBe(202)
    expect((await ctx.as(ws, 'owner')('POST', '/api/v1/churn/models/train', {})).status).toBe(409)
    // Another workspace sees none of this workspace's models.
    const other = await ctx.createWorkspace('churn-other')
    const cards = (await (await ctx.as(other, 'viewer')('GET', '/api/v1/churn/models')).json()) as { items: unknown[] }
    expect(cards.items).toEqual([])
    const [row] = await queryRows<{ n: number }>(ctx.handle.db, sql`SELECT count(*)::int AS n FROM churn_scores WHERE workspace_id = ${other.id}`)
    expect(row.n).toBe(0)
  })
})

describe('the label: churn before the next renewal', () => {
  it('labels a day by the renewal in force on it (known or stepped by the term), with 30 days of grace, and falls back to 365 days without any renewal date', async () => {
    const labels = await ctx.createWorkspace('churn-labels')
    const db = ctx.handle.db
    const r1 = addDays(today, -200)
    const churned = (accountId: string, occurredOn: string) => recordOutcome(db, { workspaceId: labels.id, input: { accountId, kind: 'churned', occurredOn, arrBefore: 12_000, arrAfter: 0 } })
    const account = () => makeAccount(db, labels.id, { arr: 12_000, arrEffectiveDate: months(r1, -72) })

    // Renewed at r1, then cancelled 60 days into the new term.
    const renewedThenLeft = await account()
    await makeSubscription(db, labels.id, renewedThenLeft.id, { startDate: months(r1, -12), endDate: r1, status: 'expired' })
    await makeSubscription(db, labels.id, renewedThenLeft.id, { startDate: r1, endDate: months(r1, 12), status: 'active' })
    await churned(renewedThenLeft.id, addDays(r1, 60))
    // Did not renew at r1 (the term's subscription cancelled at its end).
    const leftAtRenewal = await account()
    await makeSubscription(db, labels.id, leftAtRenewal.id, { startDate: months(r1, -12), endDate: r1, status: 'canceled' })
    await churned(leftAtRenewal.id, r1)
    // No subscriptions, a renewal date of r1 on the account: the churn booked 20 days late counts, 45 days late is the next term's.
    const bookedLate = await makeAccount(db, labels.id, { arr: 12_000, arrEffectiveDate: months(r1, -72), renewalDate: r1 })
    await churned(bookedLate.id, addDays(r1, 20))
    const bookedTooLate = await makeAccount(db, labels.id, { arr: 12_000, arrEffectiveDate: months(r1, -72), renewalDate: r1 })
    await churned(bookedTooLate.id, addDays(r1, 45))
    // Three-year terms: the renewal in force 500 days before r1 is r1 itself, not a yearly date.
    const threeYears = await account()
    await makeSubscription(db, labels.id, threeYears.id, { startDate: months(r1, -72), endDate: months(r1, -36), status: 'expired' })
    await makeSubscription(db, labels.id, threeYears.id, { startDate: months(r1, -36), endDate: r1, status: 'canceled' })
    await churned(threeYears.id, r1)
    // Nothing says when it renews: within 365 days.
    const unknownRenewal = await account()
    await churned(unknownRenewal.id, addDays(r1, -100))

    const labeller = await loadLabeller(db, { workspaceId: labels.id, from: addDays(r1, -800), to: today, target: defaultTarget() })
    const at = (accountId: string, offset: number) => labeller.label(accountId, addDays(r1, offset))

    expect(at(renewedThenLeft.id, -100)).toEqual({ label: 0, source: 'renewal', renewal: dayNumber(r1), end: dayNumber(r1) + 30 })
    expect(at(renewedThenLeft.id, 10)).toMatchObject({ label: 1, renewal: dayNumber(months(r1, 12)) })
    expect(at(leftAtRenewal.id, -100)).toMatchObject({ label: 1, renewal: dayNumber(r1) })
    expect(at(leftAtRenewal.id, -300)).toMatchObject({ label: 1, renewal: dayNumber(r1) })
    // A year and more before: the renewal before (stepped back by the term) comes first.
    expect(at(leftAtRenewal.id, -400)).toMatchObject({ label: 0, renewal: dayNumber(months(r1, -12)) })
    expect(at(bookedLate.id, -100)).toMatchObject({ label: 1, source: 'renewal', renewal: dayNumber(r1) })
    expect(at(bookedTooLate.id, -100)).toMatchObject({ label: 0, source: 'renewal', renewal: dayNumber(r1) })
    expect(at(bookedTooLate.id, 1)).toMatchObject({ label: 1, renewal: dayNumber(months(r1, 12)) })
    expect(labeller.calendars.get(threeYears.id)?.termMonths).toBe(36)
    expect(at(threeYears.id, -500)).toMatchObject({ label: 1, renewal: dayNumber(r1) })
    expect(at(unknownRenewal.id, -400)).toEqual({ label: 1, source: 'fallback', renewal: null, end: dayNumber(r1) - 35 })
    expect(at(unknownRenewal.id, -500)).toMatchObject({ label: 0, source: 'fallback' })
  })

  it('holds out the newest days and trains only on examples whose window closed before the holdout starts', () => {
    const base = dayNumber(today) - 400
    const examples = Array.from({ length: 20 }, (_, dayIndex) =>
      Array.from({ length: 10 }, (_, account) => {
        const day = base + dayIndex * 14
        // Windows of 30 to 300 days; every third account churns in its window.
        const end = day + 30 + account * 30
        return { day: dayText(day), end, label: account % 3 === 0 ? 1 : 0 }
      }),
    ).flat()
    const split = splitByTime(examples)
    expect(split.gap).toBe(true)
    // A quarter of the rows used: older examples still open at the holdout's start are used for neither.
    expect(split.holdout.length).toBeGreaterThanOrEqual((split.holdout.length + split.train.length) / 4)
    expect(split.holdout.length).toBeLessThan((split.holdout.length + split.train.length) / 2)
    const holdoutStart = dayNumber(split.holdoutDays[0])
    expect(split.holdout.every((example) => dayNumber(example.day) >= holdoutStart)).toBe(true)
    expect(split.train.length).toBeGreaterThan(0)
    expect(split.train.every((example) => example.end < holdoutStart)).toBe(true)
    // The examples left out are exactly the older ones whose window was still open at the holdout's start.
    const older = examples.filter((example) => dayNumber(example.day) < holdoutStart)
    expect(split.train).toEqual(older.filter((example) => example.end < holdoutStart))
  })
})
