import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeAccount } from '../../testing/factories'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { recordOutcome } from './outcomes.service'

let ctx: TestContext
let acme: TestWorkspace
let globex: TestWorkspace

beforeAll(async () => {
  ctx = await createTestContext()
  acme = await ctx.createWorkspace('acme')
  globex = await ctx.createWorkspace('globex')
})
afterAll(() => ctx?.close())

type Outcome = { id: string; accountId: string; kind: string; occurredOn: string; arrBefore: number | null; arrAfter: number | null; note: string | null; externalId: string | null; source: string }
type Problem = { errors?: { field: string }[] }
const fieldsOf = async (response: Response) => ((await response.json()) as Problem).errors?.map((error) => error.field) ?? []

describe('outcomes API', () => {
  it('records, lists per account and workspace-wide, and deletes outcomes', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const csm = ctx.as(acme, 'csm')
    const renewed = await csm('POST', '/api/v1/outcomes', { accountId: account.id, kind: 'renewed', occurredOn: '2025-06-30', arrBefore: 12000, arrAfter: 12000 })
    expect(renewed.status).toBe(201)
    const churned = await csm('POST', '/api/v1/outcomes', { accountId: account.id, kind: 'churned', occurredOn: '2026-06-30', arrBefore: 12000, arrAfter: 0, note: 'Acquired by a competitor' })
    expect(churned.status).toBe(201)
    const outcome = (await churned.json()) as Outcome
    expect(outcome).toMatchObject({ kind: 'churned', occurredOn: '2026-06-30', arrBefore: 12000, arrAfter: 0, note: 'Acquired by a competitor', externalId: null, source: 'manual' })

    const listed = (await (await ctx.as(acme, 'viewer')('GET', `/api/v1/accounts/${account.id}/outcomes`)).json()) as { items: Outcome[] }
    expect(listed.items.map((item) => [item.kind, item.occurredOn])).toEqual([
      ['churned', '2026-06-30'],
      ['renewed', '2025-06-30'],
    ])
    const page = (await (await ctx.as(acme, 'viewer')(
      'GET',
      `/api/v1/outcomes?accountId=${account.id}&kind=renewed&from=2025-01-01&to=2025-12-31`,
    )).json()) as { items: Outcome[] }
    expect(page.items.map((item) => item.kind)).toEqual(['renewed'])

    expect((await csm('DELETE', `/api/v1/outcomes/${outcome.id}`)).status).toBe(403)
    expect((await ctx.as(acme, 'manager')('DELETE', `/api/v1/outcomes/${outcome.id}`)).status).toBe(204)
    expect((await ctx.as(acme, 'manager')('DELETE', `/api/v1/outcomes/${outcome.id}`)).status).toBe(404)
  })

  it('is idempotent by external id: the same id updates instead of adding', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const body = { accountId: account.id, kind: 'expanded', occurredOn: '2025-09-30', arrBefore: 10000, arrAfter: 15000, externalId: 'OPP-9' }
    expect((await ctx.as(acme, 'csm')('POST', '/api/v1/outcomes', body)).status).toBe(201)
    const again = await ctx.as(acme, 'csm')('POST', '/api/v1/outcomes', { ...body, arrAfter: 16000 })
    expect(again.status).toBe(200)
    expect(await again.json()).toMatchObject({ arrAfter: 16000, externalId: 'OPP-9' })
    const same = await recordOutcome(ctx.handle.db, { workspaceId: acme.id, input: { ...body, kind: 'expanded', arrAfter: 16000 } })
    expect(same).toMatchObject({ created: false, changed: false })
    const listed = (await (await ctx.as(acme, 'viewer')('GET', `/api/v1/accounts/${account.id}/outcomes`)).json()) as { items: Outcome[] }
    expect(listed.items).toHaveLength(1)
  })

  it('answers inconsistent or bad input with 400 naming the field', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const valid = { accountId: account.id, kind: 'renewed', occurredOn: '2025-06-30' }
    const cases: [unknown, string][] = [
      [{ ...valid, kind: 'churned', arrAfter: 500 }, 'arrAfter'],
      [{ ...valid, kind: 'expanded', arrBefore: 100, arrAfter: 90 }, 'arrAfter'],
      [{ ...valid, kind: 'contracted', arrBefore: 100, arrAfter: 0 }, 'arrAfter'],
      [{ ...valid, kind: 'won' }, 'kind'],
      [{ ...valid, occurredOn: '2025-02-30' }, 'occurredOn'],
      [{ ...valid, arrBefore: -1 }, 'arrBefore'],
      [{ ...valid, accountId: '00000000-0000-4000-8000-000000000000' }, 'accountId'],
      [{ ...valid, colour: 'red' }, 'colour'],
    ]
    for (const [body, field] of cases) {
      const response = await ctx.as(acme, 'csm')('POST', '/api/v1/outcomes', body)
      expect(response.status, JSON.stringify(body)).toBe(400)
      expect(await fieldsOf(response), JSON.stringify(body)).toContain(field)
    }
    for (const [query, field] of [['cursor=garbage', 'cursor'], ['kind=won', 'kind'], ['from=2026-01-01&to=2025-01-01', 'from']]) {
      const response = await ctx.as(acme, 'viewer')('GET', `/api/v1/outcomes?${query}`)
      expect(response.status, query).toBe(400)
      expect(await fieldsOf(response), query).toContain(field)
    }
  })

  it('pages with a cursor', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    for (const day of ['2024-01-31', '2024-02-29', '2024-03-31']) {
      await recordOutcome(ctx.handle.db, { workspaceId: acme.id, input: { accountId: account.id, kind: 'renewed', occurredOn: day } })
    }
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const path: string = `/api/v1/outcomes?accountId=${account.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`
      const page = (await (await ctx.as(acme, 'viewer')('GET', path)).json()) as { items: Outcome[]; nextCursor: string | null }
      seen.push(...page.items.map((item) => item.occurredOn))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toEqual(['2024-03-31', '2024-02-29', '2024-01-31'])
  })

  it("never shows or touches another workspace's outcomes", async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const { outcome } = await recordOutcome(ctx.handle.db, { workspaceId: acme.id, input: { accountId: account.id, kind: 'renewed', occurredOn: '2025-01-31', externalId: 'SECRET-1' } })
    const asGlobex = ctx.withKey(await ctx.createKey(globex, ['read', 'write']))
    expect((await asGlobex('GET', `/api/v1/accounts/${account.id}/outcomes`)).status).toBe(404)
    expect((await asGlobex('DELETE', `/api/v1/outcomes/${outcome.id}`)).status).toBe(404)
    expect(((await (await asGlobex('GET', '/api/v1/outcomes')).json()) as { items: Outcome[] }).items).toEqual([])
    const attach = await asGlobex('POST', '/api/v1/outcomes', { accountId: account.id, kind: 'churned', occurredOn: '2025-02-01', externalId: 'SECRET-1' })
    expect(attach.status).toBe(400)
    expect(await fieldsOf(attach)).toEqual(['accountId'])
    expect((await ctx.as(acme, 'viewer')('POST', '/api/v1/outcomes', { accountId: account.id, kind: 'renewed', occurredOn: '2025-01-31' })).status).toBe(403)
  })
})
