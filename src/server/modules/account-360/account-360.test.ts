import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { makeAccount, makeContact, makeSubscription, makeTicket, makeTouchpoint } from '../../testing/factories'
import { arrSeries, recordRevenueMovement, shiftMonths, todayUtc } from '../accounts'

let ctx: TestContext
let acme: TestWorkspace
let globex: TestWorkspace

beforeAll(async () => {
  ctx = await createTestContext()
  acme = await ctx.createWorkspace('acme')
  globex = await ctx.createWorkspace('globex')
})
afterAll(() => ctx?.close())

type Account360 = {
  account: { id: string; name: string; arr: number; ownerName: string | null }
  parent: { id: string; name: string } | null
  children: { id: string; name: string; arr: number }[]
  owner: { id: string; name: string; email: string } | null
  contacts: { name: string }[]
  subscriptions: { startDate: string }[]
  tickets: { items: { openedAt: string; status: string }[]; openCount: number }
  touchpoints: { occurredAt: string; authorName: string | null }[]
  revenue: { series: { month: string; arr: number }[]; movements: { kind: string; effectiveDate: string; arrDelta: number }[] }
}

const today = todayUtc()
/** The 15th of the month `months` before this one. */
const midMonth = (months: number) => `${shiftMonths(today, -months).slice(0, 8)}15`
const monthOf = (months: number) => shiftMonths(today, -months).slice(0, 7)

describe('account 360', () => {
  it('returns the account with its hierarchy, owner, people, contracts, tickets, touchpoints and revenue', async () => {
    const { db } = ctx.handle
    const parent = await makeAccount(db, acme.id, { name: 'Kestrel Group', arr: 0 })
    const account = await makeAccount(db, acme.id, { name: 'Kestrel Logistics', parentId: parent.id, ownerId: acme.users.csm.id, arr: 10_000, arrEffectiveDate: midMonth(5) })
    await makeAccount(db, acme.id, { name: 'Kestrel East', parentId: account.id, arr: 5_000 })
    await makeAccount(db, acme.id, { name: 'Kestrel West', parentId: account.id, arr: 20_000 })
    await recordRevenueMovement(db, { workspaceId: acme.id, accountId: account.id, kind: 'expansion', effectiveDate: midMonth(3), amount: 5_000 })
    await recordRevenueMovement(db, { workspaceId: acme.id, accountId: account.id, kind: 'contraction', effectiveDate: midMonth(1), amount: 2_000 })
    for (const name of ['Zoe', 'Anna', 'Mike']) await makeContact(db, acme.id, account.id, { name })
    await makeSubscription(db, acme.id, account.id, { startDate: '2024-01-01', endDate: null })
    await makeSubscription(db, acme.id, account.id, { startDate: '2025-01-01', endDate: null })
    await makeTicket(db, acme.id, account.id, { status: 'open', openedAt: '2025-03-01T00:00:00Z' })
    await makeTicket(db, acme.id, account.id, { status: 'solved', openedAt: '2025-03-03T00:00:00Z' })
    await makeTicket(db, acme.id, account.id, { status: 'pending', openedAt: '2025-03-02T00:00:00Z' })
    await makeTouchpoint(db, acme.id, account.id, acme.users.csm.id, { occurredAt: '2025-02-01T00:00:00Z' })
    await makeTouchpoint(db, acme.id, account.id, null, { occurredAt: '2025-02-02T00:00:00Z' })
    // Someone else's records never show up.
    const other = await makeAccount(db, acme.id)
    await makeContact(db, acme.id, other.id)
    await makeTicket(db, acme.id, other.id)

    const response = await ctx.as(acme, 'viewer')('GET', `/api/v1/accounts/${account.id}/360`)
    expect(response.status).toBe(200)
    const view = (await response.json()) as Account360
    expect(Object.keys(view).sort()).toEqual(['account', 'children', 'contacts', 'owner', 'parent', 'revenue', 'subscriptions', 'tickets', 'touchpoints'])
    expect(view.account).toMatchObject({ id: account.id, name: 'Kestrel Logistics', arr: 13_000, ownerName: 'Cara CSM' })
    expect(view.parent).toEqual({ id: parent.id, name: 'Kestrel Group' })
    expect(view.children.map((child) => [child.name, child.arr])).toEqual([['Kestrel West', 20_000], ['Kestrel East', 5_000]])
    expect(view.owner).toEqual({ id: acme.users.csm.id, name: 'Cara CSM', email: acme.users.csm.email })
    expect(view.contacts.map((contact) => contact.name)).toEqual(['Anna', 'Mike', 'Zoe'])
    expect(view.subscriptions.map((subscription) => subscription.startDate)).toEqual(['2025-01-01', '2024-01-01'])
    expect(view.tickets.openCount).toBe(2)
    expect(view.tickets.items.map((ticket) => ticket.status)).toEqual(['solved', 'pending', 'open'])
    expect(view.touchpoints.map((touchpoint) => touchpoint.authorName)).toEqual([null, 'Cara CSM'])
    expect(view.revenue.movements.map((movement) => [movement.kind, movement.arrDelta])).toEqual([['contraction', -2_000], ['expansion', 5_000], ['new', 10_000]])

    // From the first movement's month to this month, each point the ledger's sum up to that month's end.
    expect(view.revenue.series).toEqual([
      { month: monthOf(5), arr: 10_000 },
      { month: monthOf(4), arr: 10_000 },
      { month: monthOf(3), arr: 15_000 },
      { month: monthOf(2), arr: 15_000 },
      { month: monthOf(1), arr: 13_000 },
      { month: monthOf(0), arr: 13_000 },
    ])
    for (const point of view.revenue.series) {
      const ledger = view.revenue.movements.filter((movement) => movement.effectiveDate.slice(0, 7) <= point.month).reduce((sum, movement) => sum + movement.arrDelta, 0)
      expect(point.arr, point.month).toBe(ledger)
    }
    expect(view.revenue.series.at(-1)?.arr).toBe(view.account.arr)
  })

  it('starts the series 24 months back for old accounts, and has none without revenue', async () => {
    const { db } = ctx.handle
    const old = await makeAccount(db, acme.id, { arr: 7_000, arrEffectiveDate: midMonth(40) })
    const view = (await (await ctx.as(acme, 'csm')('GET', `/api/v1/accounts/${old.id}/360`)).json()) as Account360
    expect(view.revenue.series).toHaveLength(24)
    expect(view.revenue.series[0]).toEqual({ month: monthOf(23), arr: 7_000 })
    expect(view.revenue.series.at(-1)).toEqual({ month: monthOf(0), arr: 7_000 })

    const empty = await makeAccount(db, acme.id, { arr: 0 })
    const bare = (await (await ctx.as(acme, 'csm')('GET', `/api/v1/accounts/${empty.id}/360`)).json()) as Account360
    expect(bare).toMatchObject({ parent: null, owner: null, children: [], contacts: [], subscriptions: [], touchpoints: [], tickets: { items: [], openCount: 0 }, revenue: { series: [], movements: [] } })

    // Revenue that starts next month has no history yet.
    const upcoming = await makeAccount(db, acme.id, { arr: 3_000, arrEffectiveDate: midMonth(-1) })
    const pending = (await (await ctx.as(acme, 'csm')('GET', `/api/v1/accounts/${upcoming.id}/360`)).json()) as Account360
    expect(pending.revenue).toMatchObject({ series: [], movements: [{ kind: 'new', arrDelta: 3_000 }] })
  })

  it('sums the same series as the ledger\'s arrSeries, whether it has all movements or only the latest 100', async () => {
    const { db } = ctx.handle
    for (const count of [37, 130]) {
      const account = await makeAccount(db, acme.id, { arr: 1_000.05, arrEffectiveDate: midMonth(30) })
      // Many small changes in cents, some months apart and some on the same day, a few in the future.
      for (let index = 0; index < count - 1; index++) {
        const months = 29 - Math.floor((index * 31) / count)
        const day = String((index % 27) + 1).padStart(2, '0')
        const kind = index % 3 === 2 ? 'contraction' : 'expansion'
        const effectiveDate = index === count - 2 ? midMonth(-2) : `${shiftMonths(today, -months).slice(0, 8)}${day}`
        await recordRevenueMovement(db, { workspaceId: acme.id, accountId: account.id, kind, effectiveDate, amount: 10.01 + (index % 7) * 0.33 })
      }
      const view = (await (await ctx.as(acme, 'csm')('GET', `/api/v1/accounts/${account.id}/360`)).json()) as Account360
      expect(view.revenue.movements).toHaveLength(Math.min(count, 100))
      const ledger = await arrSeries(db, { workspaceId: acme.id, accountId: account.id, from: shiftMonths(today, -23), to: today })
      expect(view.revenue.series, `${count} movements`).toEqual(ledger)
      expect(view.revenue.series.at(-1)?.arr).toBe(view.account.arr)
    }
  })

  it('caps tickets and touchpoints at the latest 50 while counting every open ticket', async () => {
    const { db } = ctx.handle
    const account = await makeAccount(db, acme.id)
    for (let index = 0; index < 53; index++) {
      const openedAt = new Date(Date.UTC(2025, 0, 1) + index * 3_600_000).toISOString()
      await makeTicket(db, acme.id, account.id, { status: index % 2 ? 'open' : 'closed', openedAt })
      await makeTouchpoint(db, acme.id, account.id, null, { occurredAt: openedAt })
    }
    const view = (await (await ctx.as(acme, 'csm')('GET', `/api/v1/accounts/${account.id}/360`)).json()) as Account360
    expect(view.tickets.items).toHaveLength(50)
    expect(view.tickets.openCount).toBe(26)
    expect(view.tickets.items[0].openedAt).toBe(new Date(Date.UTC(2025, 0, 1) + 52 * 3_600_000).toISOString())
    expect(view.touchpoints).toHaveLength(50)
    expect(view.touchpoints[0].occurredAt > view.touchpoints[49].occurredAt).toBe(true)
  })

  it('answers 404 for an unknown account or one of another workspace, and needs customers:read', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    expect((await ctx.as(acme, 'viewer')('GET', '/api/v1/accounts/00000000-0000-4000-8000-000000000000/360')).status).toBe(404)
    expect((await ctx.as(globex, 'owner')('GET', `/api/v1/accounts/${account.id}/360`)).status).toBe(404)
    expect((await ctx.withKey(await ctx.createKey(globex, ['read']))('GET', `/api/v1/accounts/${account.id}/360`)).status).toBe(404)
    expect((await ctx.withKey(await ctx.createKey(acme, ['ingest']))('GET', `/api/v1/accounts/${account.id}/360`)).status).toBe(403)
    const bad = await ctx.as(acme, 'viewer')('GET', '/api/v1/accounts/nope/360')
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { errors: { field: string }[] }).errors[0].field).toBe('id')
  })
})
