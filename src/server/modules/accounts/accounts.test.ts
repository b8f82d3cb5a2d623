import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { sql } from 'drizzle-orm'
import { makeAccount } from '../../testing/factories'
import { evaluateWorkspace } from '../segments'

let ctx: TestContext
let acme: TestWorkspace
let globex: TestWorkspace

beforeAll(async () => {
  ctx = await createTestContext()
  acme = await ctx.createWorkspace('acme')
  globex = await ctx.createWorkspace('globex')
})
afterAll(() => ctx?.close())

const cursorOf = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url')
const someId = '00000000-0000-4000-8000-000000000000'

type Page = { items: { id: string; name: string; arr: number; renewalDate: string | null; externalId: string }[]; nextCursor: string | null; total: number }

describe('accounts API', () => {
  it('creates an account, records its starting ARR in the ledger, and finds it by external id', async () => {
    const csm = ctx.as(acme, 'csm')
    const created = await csm('POST', '/api/v1/accounts', {
      externalId: 'SF-001',
      name: 'Kestrel Logistics',
      domain: 'https://www.Kestrel.io/about',
      arr: 48_000,
      arrEffectiveDate: '2025-01-15',
      renewalDate: '2026-01-15',
      traits: { segment: 'Mid-Market' },
    })
    expect(created.status).toBe(201)
    const account = (await created.json()) as { id: string; arr: number; domain: string }
    expect(account.arr).toBe(48_000)
    expect(account.domain).toBe('kestrel.io')

    const found = (await (await csm('GET', '/api/v1/accounts?external_id=SF-001')).json()) as Page
    expect(found.items.map((item) => item.id)).toEqual([account.id])

    const movements = (await (await csm('GET', `/api/v1/revenue-movements?accountId=${account.id}`)).json()) as { items: { kind: string; arrDelta: number }[] }
    expect(movements.items).toEqual([expect.objectContaining({ kind: 'new', arrDelta: 48_000 })])
  })

  it('derives ARR at any date from expansions, contractions and churn', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { arr: 10_000, arrEffectiveDate: '2024-01-01' })
    const csm = ctx.as(acme, 'csm')
    const move = (kind: string, effectiveDate: string, amount: number) =>
      csm('POST', '/api/v1/revenue-movements', { accountId: account.id, kind, effectiveDate, amount })
    expect((await move('expansion', '2024-06-01', 5_000)).status).toBe(201)
    expect((await move('contraction', '2025-01-01', 3_000)).status).toBe(201)
    const arrAt = async (date: string) => ((await (await csm('GET', `/api/v1/accounts/${account.id}/arr?date=${date}`)).json()) as { arr: number }).arr
    expect(await arrAt('2023-12-31')).toBe(0)
    expect(await arrAt('2024-03-01')).toBe(10_000)
    expect(await arrAt('2024-12-31')).toBe(15_000)
    expect(await arrAt('2025-02-01')).toBe(12_000)

    const churned = await csm('PATCH', `/api/v1/accounts/${account.id}`, { status: 'churned', arrEffectiveDate: '2025-06-30' })
    expect(churned.status).toBe(200)
    expect(await churned.json()).toMatchObject({ status: 'churned', arr: 0, churnedAt: '2025-06-30' })

    const series = (await (await csm('GET', `/api/v1/revenue/arr-series?accountId=${account.id}&from=2024-01-01&to=2025-07-31`)).json()) as { series: { month: string; arr: number }[] }
    expect(series.series.find((point) => point.month === '2024-05')?.arr).toBe(10_000)
    expect(series.series.find((point) => point.month === '2024-06')?.arr).toBe(15_000)
    expect(series.series.at(-1)).toEqual({ month: '2025-07', arr: 0 })
  })

  it('refuses a movement that would take ARR below zero, naming the field', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { arr: 1_000 })
    const response = await ctx.as(acme, 'csm')('POST', '/api/v1/revenue-movements', { accountId: account.id, kind: 'contraction', effectiveDate: '2020-01-01', amount: 5_000 })
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toContain('application/problem+json')
    expect(((await response.json()) as { errors: { field: string }[] }).errors[0].field).toBe('amount')
  })

  it('pages through a sorted, filtered list with cursors and no duplicates', async () => {
    const workspace = await ctx.createWorkspace('paging')
    for (let index = 0; index < 23; index++) {
      await makeAccount(ctx.handle.db, workspace.id, { name: `Pager ${String(index).padStart(2, '0')}`, arr: 1_000 * (index % 5) + 100, plan: index % 2 ? 'Growth' : 'Starter', renewalDate: index % 4 ? `2027-0${(index % 9) + 1}-10` : null })
    }
    for (const sort of ['-arr', 'arr', 'renewal_date', '-renewal_date', 'name']) {
      const seen: string[] = []
      let cursor: string | null = null
      do {
        const query: string = `/api/v1/accounts?plan=Growth&sort=${sort}&limit=4${cursor ? `&cursor=${cursor}` : ''}`
        const page = (await (await ctx.as(workspace, 'viewer')('GET', query)).json()) as Page
        expect(page.total).toBe(11)
        seen.push(...page.items.map((item) => item.id))
        cursor = page.nextCursor
      } while (cursor)
      expect(seen).toHaveLength(11)
      expect(new Set(seen).size).toBe(11)
    }
    const byArr = (await (await ctx.as(workspace, 'viewer')('GET', '/api/v1/accounts?sort=-arr&limit=100')).json()) as Page
    const arrs = byArr.items.map((item) => item.arr)
    expect(arrs).toEqual([...arrs].sort((a, b) => b - a))
    const search = (await (await ctx.as(workspace, 'viewer')('GET', '/api/v1/accounts?q=pager%2007')).json()) as Page
    expect(search.items.map((item) => item.name)).toEqual(['Pager 07'])
  })

  it('shows each account in the list exactly as GET /accounts/{id} shows it', async () => {
    const workspace = await ctx.createWorkspace('parity')
    const parent = await makeAccount(ctx.handle.db, workspace.id, { name: 'Parity Group', arr: 0, domain: null, plan: null, renewalDate: null })
    const churned = await makeAccount(ctx.handle.db, workspace.id, {
      name: 'Parity "Quoted" Ünicode',
      domain: 'parity.example',
      parentId: parent.id,
      arr: 12_345.67,
      renewalDate: '2027-03-31',
      traits: { tier: 'gold', seats: 12, nested: { live: true }, list: [1, 'two'] },
    })
    // As a churn movement leaves it (the ledger's rules are tested above).
    await ctx.handle.db.execute(sql`UPDATE accounts SET status = 'churned', churned_at = '2026-10-01' WHERE workspace_id = ${workspace.id} AND id = ${churned.id}`)
    const viewer = ctx.as(workspace, 'viewer')
    const page = (await (await viewer('GET', '/api/v1/accounts?sort=name')).json()) as { items: Record<string, unknown>[] }
    expect(page.items).toHaveLength(2)
    for (const item of page.items) {
      const { healthScore, healthBand, tier, stage, ...account } = item
      expect({ healthScore, healthBand, tier, stage }).toEqual({ healthScore: null, healthBand: null, tier: null, stage: null })
      expect(account).toEqual(await (await viewer('GET', `/api/v1/accounts/${String(item.id)}`)).json())
    }
    expect(page.items.find((item) => item.id === churned.id)).toMatchObject({ arr: 12_345.67, status: 'churned', traits: { nested: { live: true }, list: [1, 'two'] }, churnedAt: '2026-10-01' })
  })

  it('answers every combination of filters and sorts, beyond the statements it keeps prepared', async () => {
    const workspace = await ctx.createWorkspace('shapes')
    await makeAccount(ctx.handle.db, workspace.id, { name: 'Shape One', plan: 'Growth', industry: 'Retail', country: 'France', arr: 5_000 })
    await makeAccount(ctx.handle.db, workspace.id, { name: 'Shape Two', plan: 'Starter', industry: 'Retail', country: 'Spain', arr: 50_000 })
    const filters = ['plan=Growth', 'industry=Retail', 'country=France', 'status=active', 'minArr=1000', 'maxArr=10000', 'q=shape', 'ownerId=none']
    const sorts = ['name', '-name', 'arr', '-arr', 'renewal_date', '-renewal_date']
    const viewer = ctx.as(workspace, 'viewer')
    // 6 sorts × 2^8 filter sets = 1,536 shapes; every 7th is enough to pass the 200 kept.
    for (let shape = 0; shape < sorts.length * 2 ** filters.length; shape += 7) {
      const chosen = filters.filter((_, bit) => Math.floor(shape / sorts.length) & (1 << bit))
      const query = [...chosen, `sort=${sorts[shape % sorts.length]}`].join('&')
      const response = await viewer('GET', `/api/v1/accounts?${query}`)
      expect(response.status, query).toBe(200)
      const page = (await response.json()) as { items: { name: string }[]; total: number }
      // Shape One matches every filter here; Shape Two only those without plan, country, maxArr.
      const expected = chosen.some((filter) => /^(plan|country|maxArr)=/.test(filter)) ? 1 : 2
      expect(page.total, query).toBe(expected)
    }
  })

  it('filters the book by segment, tier, stage and health band, and shows each row\'s health, tier and stage', async () => {
    const workspace = await ctx.createWorkspace('book')
    const admin = ctx.as(workspace, 'admin')
    const publish = async (kind: string, key: string, body: unknown) => {
      const saved = await admin('PUT', `/api/v1/config/${kind}/${key}`, { body, comment: 'test' })
      expect(saved.status, await saved.clone().text()).toBe(200)
      expect((await admin('POST', `/api/v1/config/${kind}/${key}/publish`)).status).toBe(200)
    }
    await publish('tiers', 'default', { tiers: [{ key: 'enterprise', name: 'Enterprise', condition: { field: 'arr', op: 'gte', value: 100_000 } }, { key: 'scale', name: 'Scale' }] })
    await publish('lifecycle', 'default', { stages: [{ key: 'onboarding', name: 'Onboarding' }, { key: 'adoption', name: 'Adoption', entry: { field: 'traits.live', op: 'eq', value: true } }] })
    await publish('segment', 'emea', { name: 'EMEA', condition: { field: 'country', op: 'in', values: ['Germany', 'France'] } })
    const big = await makeAccount(ctx.handle.db, workspace.id, { name: 'Big Berlin', arr: 200_000, country: 'Germany', traits: { live: true } })
    const small = await makeAccount(ctx.handle.db, workspace.id, { name: 'Small Paris', arr: 9_000, country: 'France' })
    const other = await makeAccount(ctx.handle.db, workspace.id, { name: 'Small Austin', arr: 8_000, country: 'United States', traits: { live: true } })
    await evaluateWorkspace(ctx.handle.db, { workspaceId: workspace.id })
    // What the health engine writes (its scoring is tested in the health module).
    await ctx.handle.db.execute(sql`
      INSERT INTO health_scores (workspace_id, account_id, scorecard_key, scorecard_version, score, band, measures)
      VALUES (${workspace.id}, ${big.id}, 'default', 1, 31.44, 'red', '[]'::jsonb), (${workspace.id}, ${small.id}, 'default', 1, 82, 'green', '[]'::jsonb)`)

    type Row = { id: string; name: string; healthScore: number | null; healthBand: string | null; tier: string | null; stage: string | null }
    const names = async (query: string) => {
      const response = await ctx.as(workspace, 'viewer')('GET', `/api/v1/accounts?sort=name${query}`)
      expect(response.status, await response.clone().text()).toBe(200)
      const page = (await response.json()) as { items: Row[]; total: number }
      expect(page.total).toBe(page.items.length)
      return page.items.map((item) => item.name)
    }
    expect(await names('&segment=emea')).toEqual(['Big Berlin', 'Small Paris'])
    expect(await names('&tier=scale')).toEqual(['Small Austin', 'Small Paris'])
    expect(await names('&stage=adoption&segment=emea')).toEqual(['Big Berlin'])
    expect(await names('&healthBand=red')).toEqual(['Big Berlin'])
    expect(await names('&healthBand=unscored')).toEqual(['Small Austin'])
    expect(await names('&segment=nobody')).toEqual([])

    const rows = ((await (await ctx.as(workspace, 'csm')('GET', '/api/v1/accounts?sort=-arr')).json()) as { items: Row[] }).items
    expect(rows).toEqual([
      expect.objectContaining({ id: big.id, healthScore: 31.4, healthBand: 'red', tier: 'enterprise', stage: 'adoption' }),
      expect.objectContaining({ id: small.id, healthScore: 82, healthBand: 'green', tier: 'scale', stage: 'onboarding' }),
      expect.objectContaining({ id: other.id, healthScore: null, healthBand: null, tier: 'scale', stage: 'adoption' }),
    ])
    const bad = await ctx.as(workspace, 'viewer')('GET', '/api/v1/accounts?healthBand=purple&segment=')
    expect(bad.status).toBe(400)
    const problem = (await bad.json()) as { errors: { field: string }[] }
    expect(problem.errors.map((error) => error.field).sort()).toEqual(['healthBand', 'segment'])
  })

  it('answers bad input with problem+json naming the field, never 5xx', async () => {
    const csm = ctx.as(acme, 'csm')
    const cases: [string, string, unknown, string][] = [
      ['POST', '/api/v1/accounts', { name: 'No external id' }, 'externalId'],
      ['POST', '/api/v1/accounts', { externalId: 'X1', name: 'Bad date', renewalDate: '2025-02-30' }, 'renewalDate'],
      ['POST', '/api/v1/accounts', { externalId: 'X2', name: 'Bad owner', ownerId: '00000000-0000-4000-8000-000000000000' }, 'ownerId'],
      ['POST', '/api/v1/accounts', { externalId: 'X3', name: 'Neg', arr: -5 }, 'arr'],
      ['POST', '/api/v1/accounts', { externalId: 'X4', name: 'Unknown field', colour: 'red' }, 'colour'],
      ['GET', '/api/v1/accounts?sort=sideways', undefined, 'sort'],
      ['GET', '/api/v1/accounts?cursor=garbage', undefined, 'cursor'],
      // Cursors that decode but were not made by this list for this sort.
      ['GET', `/api/v1/accounts?sort=-arr&cursor=${cursorOf(['Pager 01', someId])}`, undefined, 'cursor'],
      ['GET', `/api/v1/accounts?sort=name&cursor=${cursorOf(['Pager 01', 'not-a-uuid'])}`, undefined, 'cursor'],
      ['GET', `/api/v1/accounts?sort=renewal_date&cursor=${cursorOf(['2027-02-30', someId])}`, undefined, 'cursor'],
      ['GET', `/api/v1/accounts?sort=name&cursor=${cursorOf([{ name: 'x' }, someId])}`, undefined, 'cursor'],
      ['GET', '/api/v1/accounts/not-a-uuid', undefined, 'id'],
    ]
    for (const [method, path, body, field] of cases) {
      const response = await csm(method, path, body)
      expect(response.status, `${method} ${path}`).toBe(400)
      const problem = (await response.json()) as { errors: { field: string }[] }
      expect(problem.errors.map((error) => error.field), `${method} ${path}`).toContain(field)
    }
    await makeAccount(ctx.handle.db, acme.id, { externalId: 'DUP-1' })
    const duplicate = await csm('POST', '/api/v1/accounts', { externalId: 'DUP-1', name: 'Again' })
    expect(duplicate.status).toBe(409)
    expect((await csm('GET', '/api/v1/accounts/00000000-0000-4000-8000-000000000000')).status).toBe(404)
  })

  it('lets a viewer read but not write, and a CSM not delete', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const viewer = ctx.as(acme, 'viewer')
    expect((await viewer('GET', `/api/v1/accounts/${account.id}`)).status).toBe(200)
    expect((await viewer('PATCH', `/api/v1/accounts/${account.id}`, { name: 'Renamed' })).status).toBe(403)
    expect((await viewer('POST', '/api/v1/accounts', { externalId: 'V-1', name: 'Nope' })).status).toBe(403)
    expect((await ctx.as(acme, 'csm')('DELETE', `/api/v1/accounts/${account.id}`)).status).toBe(403)
    expect((await ctx.as(acme, 'manager')('DELETE', `/api/v1/accounts/${account.id}`)).status).toBe(204)
  })

  it("never lets workspace B's keys or users read or write workspace A's accounts", async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { externalId: 'SECRET-1' })
    const globexKey = await ctx.createKey(globex, ['read', 'write'])
    const asGlobex = ctx.withKey(globexKey)
    expect((await asGlobex('GET', `/api/v1/accounts/${account.id}`)).status).toBe(404)
    expect((await asGlobex('PATCH', `/api/v1/accounts/${account.id}`, { name: 'Hijacked' })).status).toBe(404)
    expect((await asGlobex('DELETE', `/api/v1/accounts/${account.id}`)).status).toBe(404)
    const list = (await (await asGlobex('GET', '/api/v1/accounts?external_id=SECRET-1')).json()) as Page
    expect(list.items).toEqual([])
    expect((await asGlobex('POST', '/api/v1/revenue-movements', { accountId: account.id, kind: 'expansion', effectiveDate: '2025-01-01', amount: 5 })).status).toBe(404)
    expect((await ctx.as(globex, 'owner')('GET', `/api/v1/accounts/${account.id}`)).status).toBe(404)
    const mine = await ctx.as(acme, 'viewer')('GET', `/api/v1/accounts/${account.id}`)
    expect(await mine.json()).toMatchObject({ name: account.name })
  })

  it('limits API keys to their scopes', async () => {
    const ingestOnly = ctx.withKey(await ctx.createKey(acme, ['ingest']))
    expect((await ingestOnly('GET', '/api/v1/accounts')).status).toBe(403)
    const readOnly = ctx.withKey(await ctx.createKey(acme, ['read']))
    expect((await readOnly('GET', '/api/v1/accounts')).status).toBe(200)
    expect((await readOnly('POST', '/api/v1/accounts', { externalId: 'K-1', name: 'No' })).status).toBe(403)
    const writer = ctx.withKey(await ctx.createKey(acme, ['write']))
    expect((await writer('POST', '/api/v1/accounts', { externalId: 'K-2', name: 'Yes' })).status).toBe(201)
    expect((await ctx.withKey('bsn_000000000000_notarealkeynotarealkey')('GET', '/api/v1/accounts')).status).toBe(401)
  })
})
