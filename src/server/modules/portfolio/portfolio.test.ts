import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { makeAccount, makeTicket } from '../../testing/factories'
import { recordRevenueMovement, shiftMonths, todayUtc, updateAccount } from '../accounts'

let ctx: TestContext
let book: TestWorkspace
let globex: TestWorkspace

beforeAll(async () => {
  ctx = await createTestContext()
  book = await ctx.createWorkspace('book')
  globex = await ctx.createWorkspace('globex')
})
afterAll(() => ctx?.close())

type Summary = {
  arr: { current: number; series: { month: string; arr: number }[] }
  accounts: { active: number; churned: number; churnedLast12Months: number }
  renewals: { next90Days: { count: number; arr: number }; upcoming: { id: string; name: string; ownerName: string | null; arr: number; renewalDate: string }[] }
  tickets: { open: number }
  movements: { month: string; new: number; expansion: number; contraction: number; churn: number; reactivation: number }[]
}

const today = todayUtc()
/** The 15th of the month `months` before this one (negative: after). */
const midMonth = (months: number) => `${shiftMonths(today, -months).slice(0, 8)}15`
const monthOf = (months: number) => shiftMonths(today, -months).slice(0, 7)
const inDays = (days: number) => new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

describe('portfolio summary', () => {
  it('adds up a small hand-made book correctly', async () => {
    const { db } = ctx.handle
    const workspaceId = book.id
    const move = (accountId: string, kind: 'expansion' | 'contraction', months: number, amount: number) =>
      recordRevenueMovement(db, { workspaceId, accountId, kind, effectiveDate: midMonth(months), amount })

    // A1: 10k from 14 months ago (before the window), +2k two months ago; renews in 10 days.
    const a1 = await makeAccount(db, workspaceId, { name: 'A1', ownerId: book.users.csm.id, arr: 10_000, arrEffectiveDate: midMonth(14), renewalDate: inDays(10) })
    await move(a1.id, 'expansion', 2, 2_000)
    // A2: 5k six months ago, -1k last month, +3k next month (future: not counted yet); renews in 100 days.
    const a2 = await makeAccount(db, workspaceId, { name: 'A2', arr: 5_000, arrEffectiveDate: midMonth(6), renewalDate: inDays(100) })
    await move(a2.id, 'contraction', 1, 1_000)
    await move(a2.id, 'expansion', -1, 3_000)
    // A3: 3k from 20 months ago, churned four months ago; its renewal date no longer counts.
    const a3 = await makeAccount(db, workspaceId, { name: 'A3', arr: 3_000, arrEffectiveDate: midMonth(20), renewalDate: inDays(5) })
    await updateAccount(db, { workspaceId, accountId: a3.id, input: { status: 'churned', arrEffectiveDate: midMonth(4) } })
    // A4: churned 18 months ago: churned, but not in the last 12 months.
    const a4 = await makeAccount(db, workspaceId, { name: 'A4', arr: 1_000, arrEffectiveDate: midMonth(30) })
    await updateAccount(db, { workspaceId, accountId: a4.id, input: { status: 'churned', arrEffectiveDate: midMonth(18) } })
    // A5: churned 16 months ago, reactivated at 2.5k three months ago; renews in exactly 90 days.
    const a5 = await makeAccount(db, workspaceId, { name: 'A5', arr: 2_000, arrEffectiveDate: midMonth(26), renewalDate: inDays(90) })
    await updateAccount(db, { workspaceId, accountId: a5.id, input: { status: 'churned', arrEffectiveDate: midMonth(16) } })
    await updateAccount(db, { workspaceId, accountId: a5.id, input: { status: 'active', arr: 2_500, arrEffectiveDate: midMonth(3) } })
    // A6: no revenue, renews today.
    const a6 = await makeAccount(db, workspaceId, { name: 'A6', arr: 0, renewalDate: today })
    await makeTicket(db, workspaceId, a1.id, { status: 'open' })
    await makeTicket(db, workspaceId, a2.id, { status: 'on_hold' })
    await makeTicket(db, workspaceId, a2.id, { status: 'solved' })
    // Another workspace's book never counts.
    const foreign = await makeAccount(db, globex.id, { arr: 99_000, arrEffectiveDate: midMonth(2), renewalDate: inDays(1) })
    await makeTicket(db, globex.id, foreign.id, { status: 'open' })

    const response = await ctx.as(book, 'viewer')('GET', '/api/v1/portfolio/summary')
    expect(response.status).toBe(200)
    const summary = (await response.json()) as Summary

    expect(summary.arr.current).toBe(18_500)
    const arrByMonthsAgo: [number, number][] = [
      [11, 13_000], [10, 13_000], [9, 13_000], [8, 13_000], [7, 13_000],
      [6, 18_000], [5, 18_000], [4, 15_000], [3, 17_500], [2, 19_500], [1, 18_500], [0, 18_500],
    ]
    expect(summary.arr.series).toEqual(arrByMonthsAgo.map(([months, arr]) => ({ month: monthOf(months), arr })))

    expect(summary.accounts).toEqual({ active: 4, churned: 2, churnedLast12Months: 1 })
    expect(summary.renewals.next90Days).toEqual({ count: 3, arr: 14_500 })
    expect(summary.renewals.upcoming).toEqual([
      { id: a6.id, name: 'A6', ownerName: null, arr: 0, renewalDate: today },
      { id: a1.id, name: 'A1', ownerName: 'Cara CSM', arr: 12_000, renewalDate: inDays(10) },
      { id: a5.id, name: 'A5', ownerName: null, arr: 2_500, renewalDate: inDays(90) },
    ])
    expect(summary.tickets).toEqual({ open: 2 })

    const zero = { new: 0, expansion: 0, contraction: 0, churn: 0, reactivation: 0 }
    const expected: Record<number, Partial<typeof zero>> = { 6: { new: 5_000 }, 4: { churn: 3_000 }, 3: { reactivation: 2_500 }, 2: { expansion: 2_000 }, 1: { contraction: 1_000 } }
    expect(summary.movements).toEqual(arrByMonthsAgo.map(([months]) => ({ month: monthOf(months), ...zero, ...expected[months] })))
    // The movements explain the series: opening ARR + net movements = closing ARR.
    const net = summary.movements.reduce((sum, m) => sum + m.new + m.expansion + m.reactivation - m.contraction - m.churn, 0)
    expect(13_000 + net).toBe(summary.arr.current)
  })

  it('answers an empty workspace with zeros, and needs customers:read', async () => {
    const empty = await ctx.createWorkspace('empty')
    const summary = (await (await ctx.as(empty, 'viewer')('GET', '/api/v1/portfolio/summary')).json()) as Summary
    expect(summary.arr.current).toBe(0)
    expect(summary.arr.series).toHaveLength(12)
    expect(summary.arr.series.every((point) => point.arr === 0)).toBe(true)
    expect(summary).toMatchObject({ accounts: { active: 0, churned: 0, churnedLast12Months: 0 }, renewals: { next90Days: { count: 0, arr: 0 }, upcoming: [] }, tickets: { open: 0 } })
    expect(summary.movements).toHaveLength(12)
    expect((await ctx.withKey(await ctx.createKey(empty, ['ingest']))('GET', '/api/v1/portfolio/summary')).status).toBe(403)
    expect((await ctx.app.request('/api/v1/portfolio/summary')).status).toBe(401)
  })
})
