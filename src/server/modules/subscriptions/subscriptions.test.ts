import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { makeAccount, makeSubscription } from '../../testing/factories'

let ctx: TestContext
let acme: TestWorkspace
let globex: TestWorkspace

beforeAll(async () => {
  ctx = await createTestContext()
  acme = await ctx.createWorkspace('acme')
  globex = await ctx.createWorkspace('globex')
})
afterAll(() => ctx?.close())

type Subscription = { id: string; accountId: string; product: string; startDate: string; endDate: string | null; arr: number; status: string; autoRenew: boolean; seats: number | null }
type Page = { items: Subscription[]; nextCursor: string | null }
type Problem = { errors?: { field: string }[] }

const fieldsOf = async (response: Response) => ((await response.json()) as Problem).errors?.map((error) => error.field) ?? []

describe('subscriptions API', () => {
  it('creates, reads, lists, updates and deletes a subscription without moving the account ARR', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { arr: 10_000 })
    const csm = ctx.as(acme, 'csm')
    const created = await csm('POST', '/api/v1/subscriptions', {
      accountId: account.id,
      externalId: 'SUB-1',
      product: 'Analytics',
      startDate: '2025-02-01',
      endDate: '2026-01-31',
      arr: 24_000.5,
      seats: 40,
      status: 'active',
    })
    expect(created.status).toBe(201)
    const subscription = (await created.json()) as Subscription
    expect(subscription).toMatchObject({ product: 'Analytics', arr: 24_000.5, currency: 'USD', seats: 40, autoRenew: true, endDate: '2026-01-31' })
    expect(Object.keys(subscription).sort()).toEqual(
      ['id', 'accountId', 'externalId', 'product', 'startDate', 'endDate', 'arr', 'currency', 'seats', 'status', 'autoRenew', 'createdAt', 'updatedAt'].sort(),
    )
    expect(await (await csm('GET', `/api/v1/subscriptions/${subscription.id}`)).json()).toEqual(subscription)

    const updated = await csm('PATCH', `/api/v1/subscriptions/${subscription.id}`, { status: 'canceled', autoRenew: false, arr: 0 })
    expect(updated.status).toBe(200)
    expect(await updated.json()).toMatchObject({ status: 'canceled', autoRenew: false, arr: 0, product: 'Analytics' })

    // Subscriptions describe contracts; ARR moves only through the revenue ledger.
    expect(await (await csm('GET', `/api/v1/accounts/${account.id}`)).json()).toMatchObject({ arr: 10_000 })

    expect((await ctx.as(acme, 'manager')('DELETE', `/api/v1/subscriptions/${subscription.id}`)).status).toBe(204)
    expect((await csm('GET', `/api/v1/subscriptions/${subscription.id}`)).status).toBe(404)
  })

  it('lists by start date, newest first, filtered by account and status, with cursors', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    for (const [startDate, status] of [['2023-01-01', 'expired'], ['2025-01-01', 'active'], ['2024-01-01', 'active'], ['2024-06-01', 'active']] as const) {
      await makeSubscription(ctx.handle.db, acme.id, account.id, { startDate, endDate: null, status })
    }
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const path: string = `/api/v1/subscriptions?accountId=${account.id}&status=active&limit=2${cursor ? `&cursor=${cursor}` : ''}`
      const page = (await (await ctx.as(acme, 'viewer')('GET', path)).json()) as Page
      seen.push(...page.items.map((item) => item.startDate))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toEqual(['2025-01-01', '2024-06-01', '2024-01-01'])
  })

  it('answers bad input with 400 naming the field', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const csm = ctx.as(acme, 'csm')
    const valid = { accountId: account.id, product: 'Core', startDate: '2025-01-01', arr: 1000, status: 'active' }
    const cases: [unknown, string][] = [
      [{ ...valid, endDate: '2024-12-31' }, 'endDate'],
      [{ ...valid, startDate: '2025-02-30' }, 'startDate'],
      [{ ...valid, arr: -1 }, 'arr'],
      [{ ...valid, status: 'paused' }, 'status'],
      [{ ...valid, currency: 'usd' }, 'currency'],
      [{ ...valid, product: undefined }, 'product'],
      [{ ...valid, accountId: '00000000-0000-4000-8000-000000000000' }, 'accountId'],
    ]
    for (const [body, field] of cases) {
      const response = await csm('POST', '/api/v1/subscriptions', body)
      expect(response.status, JSON.stringify(body)).toBe(400)
      expect(await fieldsOf(response), JSON.stringify(body)).toContain(field)
    }
    const forged = await csm('GET', `/api/v1/subscriptions?cursor=${Buffer.from(JSON.stringify(['2025-02-30', '00000000-0000-4000-8000-000000000000'])).toString('base64url')}`)
    expect(forged.status).toBe(400)
    expect(await fieldsOf(forged)).toEqual(['cursor'])
    // A partial change is checked against the stored term.
    const subscription = await makeSubscription(ctx.handle.db, acme.id, account.id, { startDate: '2025-01-01', endDate: '2025-12-31' })
    const early = await csm('PATCH', `/api/v1/subscriptions/${subscription.id}`, { endDate: '2024-06-30' })
    expect(early.status).toBe(400)
    expect(await fieldsOf(early)).toEqual(['endDate'])
    const late = await csm('PATCH', `/api/v1/subscriptions/${subscription.id}`, { startDate: '2026-01-01' })
    expect(late.status).toBe(400)
    expect(await fieldsOf(late)).toEqual(['endDate'])
  })

  it('refuses a duplicate externalId with 409 naming the field', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    await makeSubscription(ctx.handle.db, acme.id, account.id, { externalId: 'SUB-DUP' })
    const response = await ctx.as(acme, 'csm')('POST', '/api/v1/subscriptions', { accountId: account.id, externalId: 'SUB-DUP', product: 'X', startDate: '2025-01-01', arr: 1, status: 'active' })
    expect(response.status).toBe(409)
    expect(await fieldsOf(response)).toEqual(['externalId'])
  })

  it('lets a viewer read but not write', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const subscription = await makeSubscription(ctx.handle.db, acme.id, account.id)
    const viewer = ctx.as(acme, 'viewer')
    expect((await viewer('GET', `/api/v1/subscriptions/${subscription.id}`)).status).toBe(200)
    expect((await viewer('PATCH', `/api/v1/subscriptions/${subscription.id}`, { seats: 3 })).status).toBe(403)
    expect((await viewer('POST', '/api/v1/subscriptions', { accountId: account.id, product: 'X', startDate: '2025-01-01', arr: 1, status: 'active' })).status).toBe(403)
    expect((await ctx.as(acme, 'csm')('DELETE', `/api/v1/subscriptions/${subscription.id}`)).status).toBe(403)
  })

  it("never lets workspace B read, change or add subscriptions to workspace A's accounts", async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const subscription = await makeSubscription(ctx.handle.db, acme.id, account.id)
    const asGlobex = ctx.withKey(await ctx.createKey(globex, ['read', 'write']))
    expect((await asGlobex('GET', `/api/v1/subscriptions/${subscription.id}`)).status).toBe(404)
    expect((await asGlobex('PATCH', `/api/v1/subscriptions/${subscription.id}`, { seats: 1 })).status).toBe(404)
    expect((await asGlobex('DELETE', `/api/v1/subscriptions/${subscription.id}`)).status).toBe(404)
    expect(((await (await asGlobex('GET', `/api/v1/subscriptions?accountId=${account.id}`)).json()) as Page).items).toEqual([])
    const attach = await asGlobex('POST', '/api/v1/subscriptions', { accountId: account.id, product: 'X', startDate: '2025-01-01', arr: 1, status: 'active' })
    expect(attach.status).toBe(400)
    expect(await fieldsOf(attach)).toEqual(['accountId'])
  })
})
