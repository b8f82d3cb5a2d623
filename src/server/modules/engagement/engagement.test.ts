import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../../platform/db'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { makeAccount, makeTouchpoint } from '../../testing/factories'
import { untilEventsReadable } from '../../testing/domain-events'
import { createUser } from '../identity'
import { evaluateQueuedAccounts } from '../segments'
import { runAssignmentConsumer } from './engagement.assign'

let ctx: TestContext
const json = async <T>(response: Response) => (await response.json()) as T
type Problem = { errors?: { field: string; message: string }[] }
const fieldsOf = async (response: Response) => ((await response.json()) as Problem).errors?.map((error) => error.field) ?? []
const system = { kind: 'system' as const, label: 'test' }
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString()

/** What the evaluate job does: classify every queued account. */
async function settle() {
  for (;;) {
    const result = await evaluateQueuedAccounts(ctx.handle.db, { limit: 100 })
    if (result.workspaceIds.length === 0) break
  }
  const workspaces = await queryRows<{ id: string }>(ctx.handle.db, sql`SELECT id FROM workspaces`)
  for (const workspace of workspaces) await untilEventsReadable(ctx.handle.db, workspace.id)
}

const tiers = {
  tiers: [
    { key: 'enterprise', name: 'Enterprise', condition: { field: 'arr', op: 'gte', value: 100_000 } },
    { key: 'mid-market', name: 'Mid-market', condition: { field: 'arr', op: 'gte', value: 20_000 } },
    { key: 'tech-touch', name: 'Tech-touch' },
  ],
}
const models: Record<string, unknown> = {
  enterprise: {
    name: 'High touch',
    touchModel: 'high',
    capacity: { accountsPerCsm: 3, arrPerCsm: 1_000_000 },
    cadences: [
      { key: 'touchpoint', name: 'Touchpoint', touchpointKinds: ['call', 'meeting', 'email', 'qbr'], everyDays: 30 },
      { key: 'qbr', name: 'QBR', touchpointKinds: ['qbr'], everyDays: 90 },
    ],
  },
  'mid-market': { name: 'Mid touch', touchModel: 'mid', capacity: { accountsPerCsm: 10, arrPerCsm: 500_000 }, cadences: [{ key: 'touchpoint', name: 'Touchpoint', touchpointKinds: ['call', 'email'], everyDays: 45 }] },
  'tech-touch': { name: 'Tech touch', touchModel: 'tech' },
}

async function publish(workspace: TestWorkspace, kind: string, key: string, body: unknown) {
  const admin = ctx.as(workspace, 'admin')
  const saved = await admin('PUT', `/api/v1/config/${kind}/${key}`, { body, comment: 'test' })
  expect(saved.status, await saved.clone().text()).toBe(200)
  const published = await admin('POST', `/api/v1/config/${kind}/${key}/publish`)
  expect(published.status, await published.clone().text()).toBe(200)
}

type Team = { workspace: TestWorkspace; ana: string; ben: string; cy: string }

/** A workspace with tiers, engagement models and three more CSMs: Ana, Ben and Cy. */
async function team(slug: string): Promise<Team> {
  const workspace = await ctx.createWorkspace(slug)
  await publish(workspace, 'tiers', 'default', tiers)
  for (const [key, body] of Object.entries(models)) await publish(workspace, 'engagement-model', key, body)
  const ids: string[] = []
  for (const name of ['Ana', 'Ben', 'Cy']) {
    const { user } = await createUser(ctx.handle.db, { workspaceId: workspace.id, email: `${name.toLowerCase()}@${slug}.test`, name: `${name} CSM`, role: 'csm', actor: system })
    ids.push(user.id)
  }
  return { workspace, ana: ids[0]!, ben: ids[1]!, cy: ids[2]! }
}

const ownerOf = async (accountId: string) => (await queryRows<{ owner_id: string | null }>(ctx.handle.db, sql`SELECT owner_id FROM accounts WHERE id = ${accountId}`))[0]?.owner_id ?? null

beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(() => ctx?.close())

describe('engagement models', () => {
  it('refuse a model for a tier that does not exist and assignment rules naming unknown people, by path', async () => {
    const { workspace } = await team('models')
    const admin = ctx.as(workspace, 'admin')
    const unknownTier = await admin('PUT', '/api/v1/config/engagement-model/platinum', { body: models.enterprise })
    expect(unknownTier.status).toBe(400)
    expect(JSON.stringify(await unknownTier.json())).toContain('not a published tier')

    const badCadence = await admin('PUT', '/api/v1/config/engagement-model/enterprise', { body: { name: 'x', touchModel: 'high', cadences: [{ key: 'a', name: 'A', touchpointKinds: ['fax'], everyDays: 30 }] } })
    expect(await fieldsOf(badCadence)).toEqual(['body.cadences.0.touchpointKinds.0'])

    const rules = { rules: [{ name: 'Mid', tiers: ['mid-market'], strategy: 'round-robin', pool: ['ana@models.test', 'ghost@models.test'] }, { name: 'Terr', strategy: 'territory' }] }
    const badRules = await admin('PUT', '/api/v1/config/assignment/default', { body: rules })
    expect(badRules.status).toBe(400)
    expect(await fieldsOf(badRules)).toEqual(['body.rules.1.owner'])
    rules.rules[1] = { name: 'Terr', tiers: ['gold'], strategy: 'territory', owner: 'ben@models.test' } as never
    const unknownPeople = await admin('PUT', '/api/v1/config/assignment/default', { body: rules })
    expect(await fieldsOf(unknownPeople)).toEqual(['body.rules.0.pool.1', 'body.rules.1.tiers.0'])
  })
})

describe('coverage and load', () => {
  let t: Team
  let old: { id: string }[]

  beforeAll(async () => {
    t = await team('coverage')
    const db = ctx.handle.db
    // Four enterprise accounts that became customers 200 days ago, one brand new.
    old = []
    for (const [name, ownerId] of [['Touched', t.ana], ['Emailed long ago', t.ana], ['Only notes', t.ben], ['Never touched', null]] as const) {
      const account = await makeAccount(db, t.workspace.id, { name, arr: 200_000, ownerId })
      await db.execute(sql`UPDATE accounts SET created_at = now() - interval '200 days' WHERE id = ${account.id}`)
      old.push(account)
    }
    await makeAccount(db, t.workspace.id, { name: 'Fresh', arr: 150_000, ownerId: t.cy })
    await makeTouchpoint(db, t.workspace.id, old[0]!.id, t.ana, { kind: 'call', occurredAt: daysAgo(10) })
    await makeTouchpoint(db, t.workspace.id, old[0]!.id, t.ana, { kind: 'qbr', occurredAt: daysAgo(60) })
    await makeTouchpoint(db, t.workspace.id, old[1]!.id, t.ana, { kind: 'email', occurredAt: daysAgo(40) })
    await makeTouchpoint(db, t.workspace.id, old[2]!.id, t.ben, { kind: 'note', occurredAt: daysAgo(2) })
    // Ana also carries five mid-market accounts.
    for (let index = 0; index < 5; index++) await makeAccount(db, t.workspace.id, { name: `Mid ${index}`, arr: 25_000, ownerId: t.ana })
    await settle()
  })

  type Coverage = {
    totals: { pairs: number; outOfCadence: number }
    summary: { tier: string; cadence: string; accounts: number; inCadence: number; outOfCadence: number }[]
    total: number
    items: { accountName: string; cadence: string; daysOverdue: number; lastAt: string | null; ownerName: string | null }[]
  }

  it('lists accounts out of cadence, longest overdue first, and not the fresh or recently touched ones', async () => {
    const coverage = await json<Coverage>(await ctx.as(t.workspace, 'viewer')('GET', '/api/v1/engagement/coverage?tier=enterprise'))
    const out = coverage.items.map((item) => `${item.accountName}/${item.cadence}`)
    // Never touched and only notes: both cadences, due 30 / 90 days after creation 200 days ago; the email 40 days ago is 10 days past its 30.
    expect([...out].sort()).toEqual(['Emailed long ago/qbr', 'Emailed long ago/touchpoint', 'Never touched/qbr', 'Never touched/touchpoint', 'Only notes/qbr', 'Only notes/touchpoint'])
    expect(coverage.items.map((item) => item.daysOverdue)).toEqual([170, 170, 110, 110, 110, 10])
    const byName = new Map(coverage.items.map((item) => [`${item.accountName}/${item.cadence}`, item]))
    expect(byName.get('Never touched/touchpoint')).toMatchObject({ daysOverdue: 170, lastAt: null, ownerName: null })
    expect(byName.get('Emailed long ago/touchpoint')).toMatchObject({ daysOverdue: 10, ownerName: 'Ana CSM' })
    expect(byName.get('Only notes/qbr')?.daysOverdue).toBe(110)
    expect(coverage.summary).toEqual([
      expect.objectContaining({ tier: 'enterprise', cadence: 'qbr', accounts: 5, inCadence: 2, outOfCadence: 3 }),
      expect.objectContaining({ tier: 'enterprise', cadence: 'touchpoint', accounts: 5, inCadence: 2, outOfCadence: 3 }),
    ])
    expect(coverage.total).toBe(6)

    const anas = await json<Coverage>(await ctx.as(t.workspace, 'viewer')('GET', `/api/v1/engagement/coverage?ownerId=${t.ana}&limit=1`))
    // Ana: "Emailed long ago" (2 cadences) and five mid-market accounts created today (not due yet).
    expect(anas.total).toBe(2)
    expect(anas.items).toHaveLength(1)
    const unassigned = await json<Coverage>(await ctx.as(t.workspace, 'viewer')('GET', '/api/v1/engagement/coverage?ownerId=unassigned'))
    expect(unassigned.items.map((item) => item.accountName)).toEqual(['Never touched', 'Never touched'])

    const bad = await ctx.as(t.workspace, 'viewer')('GET', '/api/v1/engagement/coverage?tier=gold&limit=0')
    expect(bad.status).toBe(400)
    expect(await fieldsOf(bad)).toContain('limit')
    expect(await fieldsOf(await ctx.as(t.workspace, 'viewer')('GET', '/api/v1/engagement/coverage?tier=gold'))).toEqual(['tier'])
  })

  it('shows each CSM’s accounts and ARR per tier against fractional capacity, and the unassigned', async () => {
    type Load = { rows: { userId: string | null; name: string; accounts: number; arr: number; tiers: { tier: string | null; accounts: number }[]; accountUtilization: number | null; arrUtilization: number | null; overCapacity: boolean }[]; overCapacity: number }
    const load = await json<Load>(await ctx.as(t.workspace, 'viewer')('GET', '/api/v1/engagement/load'))
    const ana = load.rows.find((row) => row.userId === t.ana)
    // 2 of 3 enterprise + 5 of 10 mid-market = 1.167 of a CSM by accounts; $400k/$1M + $125k/$500k = 0.65 by ARR.
    expect(ana).toMatchObject({ name: 'Ana CSM', accounts: 7, arr: 525_000, accountUtilization: 1.167, arrUtilization: 0.65, overCapacity: true })
    expect(ana?.tiers).toEqual([expect.objectContaining({ tier: 'enterprise', accounts: 2 }), expect.objectContaining({ tier: 'mid-market', accounts: 5 })])
    expect(load.rows.find((row) => row.userId === t.ben)).toMatchObject({ accounts: 1, accountUtilization: 0.333, overCapacity: false })
    // The test's own CSM owns nothing but is listed; the manager too.
    expect(load.rows.find((row) => row.name === 'Cara CSM')).toMatchObject({ accounts: 0, accountUtilization: null })
    expect(load.rows.at(-1)).toMatchObject({ userId: null, name: 'Unassigned', accounts: 1, arr: 200_000 })
    expect(load.rows[0]?.userId).toBe(t.ana)
    expect(load.overCapacity).toBe(1)
  })
})

describe('assignment rules', () => {
  it('round robin takes turns and keeps its turn across runs', async () => {
    const t = await team('robin')
    await publish(t.workspace, 'assignment', 'default', { rules: [{ name: 'Tech pool', tiers: ['tech-touch'], strategy: 'round-robin', pool: ['cy@robin.test', 'ana@robin.test', 'ben@robin.test'] }] })
    const first = []
    for (let index = 0; index < 4; index++) first.push(await makeAccount(ctx.handle.db, t.workspace.id, { name: `Small ${index}`, arr: 5_000 }))
    await settle()
    const made = await runAssignmentConsumer(ctx.handle.db, { workspaceId: t.workspace.id })
    expect(made.map((assignment) => assignment.toOwnerId)).toEqual([t.ana, t.ben, t.cy, t.ana])
    expect(made.map((assignment) => assignment.accountId).sort()).toEqual(first.map((account) => account.id).sort())
    for (const assignment of made) expect(await ownerOf(assignment.accountId)).toBe(assignment.toOwnerId)
    // Nothing new: a second run reads no events and changes nothing.
    expect(await runAssignmentConsumer(ctx.handle.db, { workspaceId: t.workspace.id })).toEqual([])

    const next = await makeAccount(ctx.handle.db, t.workspace.id, { name: 'Small 5', arr: 5_000 })
    await settle()
    await runAssignmentConsumer(ctx.handle.db, { workspaceId: t.workspace.id })
    expect(await ownerOf(next.id)).toBe(t.ben)
    const audit = await queryRows<{ action: string; actor_label: string; after: { rule: string; strategy: string } }>(
      ctx.handle.db,
      sql`SELECT action, actor_label, after FROM audit_log WHERE workspace_id = ${t.workspace.id} AND entity_id = ${next.id}`,
    )
    expect(audit).toEqual([expect.objectContaining({ action: 'account.owner_assigned', actor_label: 'Assignment rules', after: expect.objectContaining({ rule: 'Tech pool', strategy: 'round-robin' }) })])
  })

  it('least loaded picks the emptiest within capacity, by accounts or ARR', async () => {
    const t = await team('loaded')
    const db = ctx.handle.db
    // Ana: 3 enterprise accounts (3 of 3: at capacity, though the fewest accounts). Ben: 4 mid-market (0.4). Cy: 6 mid-market (0.6).
    for (let index = 0; index < 3; index++) await makeAccount(db, t.workspace.id, { arr: 100_000, ownerId: t.ana })
    for (let index = 0; index < 4; index++) await makeAccount(db, t.workspace.id, { arr: 90_000, ownerId: t.ben })
    for (let index = 0; index < 6; index++) await makeAccount(db, t.workspace.id, { arr: 20_000, ownerId: t.cy })
    await publish(t.workspace, 'assignment', 'default', {
      rules: [
        { name: 'Mid by count', tiers: ['mid-market'], when: { field: 'industry', op: 'eq', value: 'Retail' }, strategy: 'least-loaded-count', pool: ['ana@loaded.test', 'ben@loaded.test', 'cy@loaded.test'] },
        { name: 'Mid by ARR', tiers: ['mid-market'], strategy: 'least-loaded-arr', pool: ['ana@loaded.test', 'ben@loaded.test', 'cy@loaded.test'] },
      ],
    })
    await settle()
    await runAssignmentConsumer(db, { workspaceId: t.workspace.id }) // the accounts above have owners: nothing changes
    const retail = await makeAccount(db, t.workspace.id, { arr: 30_000, industry: 'Retail' })
    // By ARR: Ana $300k/$1M = 0.3, Ben $360k/$500k = 0.72, Cy $120k/$500k = 0.24 → Cy.
    const other = await makeAccount(db, t.workspace.id, { arr: 30_000, industry: 'Software' })
    await settle()
    const made = await runAssignmentConsumer(db, { workspaceId: t.workspace.id })
    expect(made.map((assignment) => `${assignment.accountId} ${assignment.rule}`).sort()).toEqual([`${retail.id} Mid by count`, `${other.id} Mid by ARR`].sort())
    expect(await ownerOf(retail.id)).toBe(t.ben)
    expect(await ownerOf(other.id)).toBe(t.cy)
  })

  it('a territory takes its accounts; a tier change reassigns only when the owner is not one of the new rule’s people', async () => {
    const t = await team('territory')
    const db = ctx.handle.db
    const manager = t.workspace.users.manager
    await publish(t.workspace, 'assignment', 'default', {
      rules: [
        { name: 'DACH', when: { field: 'country', op: 'eq', value: 'Germany' }, strategy: 'territory', owner: 'manager@territory.test' },
        { name: 'Enterprise', tiers: ['enterprise'], strategy: 'round-robin', pool: ['cy@territory.test'] },
        { name: 'Mid', tiers: ['mid-market'], strategy: 'round-robin', pool: ['ana@territory.test', 'ben@territory.test'], onTierChange: 'keep' },
        { name: 'Tech', tiers: ['tech-touch'], strategy: 'round-robin', pool: ['ana@territory.test'] },
      ],
    })
    const german = await makeAccount(db, t.workspace.id, { arr: 50_000, country: 'Germany' })
    const handPicked = await makeAccount(db, t.workspace.id, { arr: 5_000, ownerId: t.ben })
    const growing = await makeAccount(db, t.workspace.id, { arr: 25_000, ownerId: t.ana })
    const shrinking = await makeAccount(db, t.workspace.id, { arr: 150_000, ownerId: t.cy })
    await settle()
    await runAssignmentConsumer(db, { workspaceId: t.workspace.id })
    expect(await ownerOf(german.id)).toBe(manager.id)
    expect(await ownerOf(handPicked.id)).toBe(t.ben) // created with an owner: kept
    // Growing moves to enterprise, where Ana is not in the pool: reassigned to Cy.
    // Shrinking moves to mid-market, whose rule keeps owners on a tier change: stays with Cy.
    const admin = ctx.as(t.workspace, 'admin')
    expect((await admin('PATCH', `/api/v1/accounts/${growing.id}`, { arr: 200_000 })).status).toBe(200)
    expect((await admin('PATCH', `/api/v1/accounts/${shrinking.id}`, { arr: 40_000 })).status).toBe(200)
    await settle()
    const made = await runAssignmentConsumer(db, { workspaceId: t.workspace.id })
    expect(made).toEqual([expect.objectContaining({ accountId: growing.id, fromOwnerId: t.ana, toOwnerId: t.cy, trigger: 'tier-changed', rule: 'Enterprise' })])
    expect(await ownerOf(shrinking.id)).toBe(t.cy)
  })
})

describe('bulk reassignment', () => {
  let t: Team
  beforeAll(async () => {
    t = await team('bulk')
    for (const arr of [300_000, 150_000, 60_000, 40_000, 30_000, 10_000]) await makeAccount(ctx.handle.db, t.workspace.id, { arr, ownerId: t.cy })
    await makeAccount(ctx.handle.db, t.workspace.id, { arr: 120_000, ownerId: t.ana })
    await settle()
  })

  type Preview = { previewToken: string; moves: { accountId: string; fromOwnerId: string | null; toOwnerId: string; toOwnerName: string; arr: number }[]; load: { userId: string | null; before: { accounts: number }; after: { accounts: number } }[] }

  it('applies exactly what the preview showed, and refuses a stale preview', async () => {
    const manager = ctx.as(t.workspace, 'manager')
    const body = { from: t.cy, strategy: 'least-loaded-arr', pool: [t.ana, t.ben] }
    const preview = await json<Preview>(await manager('POST', '/api/v1/engagement/reassign/preview', body))
    expect(preview.moves).toHaveLength(6)
    // Largest first: $300k to Ben (empty), $150k to Ana ($120k + $150k < Ben's $300k) …
    expect(preview.moves.slice(0, 2).map((move) => [move.arr, move.toOwnerName])).toEqual([[300_000, 'Ben CSM'], [150_000, 'Ana CSM']])
    expect(preview.load.find((line) => line.userId === t.cy)).toMatchObject({ before: { accounts: 6 }, after: { accounts: 0 } })
    const again = await json<Preview>(await manager('POST', '/api/v1/engagement/reassign/preview', body))
    expect(again.previewToken).toBe(preview.previewToken)

    // Viewers may look but not move.
    expect((await ctx.as(t.workspace, 'viewer')('POST', '/api/v1/engagement/reassign/preview', body)).status).toBe(200)
    expect((await ctx.as(t.workspace, 'viewer')('POST', '/api/v1/engagement/reassign/apply', { ...body, previewToken: preview.previewToken })).status).toBe(403)

    const applied = await manager('POST', '/api/v1/engagement/reassign/apply', { ...body, previewToken: preview.previewToken })
    expect(applied.status).toBe(200)
    const result = await json<Preview & { applied: number }>(applied)
    expect(result.applied).toBe(6)
    expect(result.moves).toEqual(preview.moves)
    for (const move of preview.moves) expect(await ownerOf(move.accountId)).toBe(move.toOwnerId)
    const audited = await queryRows<{ count: number }>(ctx.handle.db, sql`SELECT count(*)::int AS count FROM audit_log WHERE workspace_id = ${t.workspace.id} AND action = 'account.owner_reassigned'`)
    expect(audited[0]?.count).toBe(6)

    // The same preview again: Cy owns nothing now, so the plan differs.
    const stale = await manager('POST', '/api/v1/engagement/reassign/apply', { ...body, previewToken: preview.previewToken })
    expect(stale.status).toBe(409)
    expect(await fieldsOf(stale)).toEqual(['previewToken'])
  })

  it('moves chosen accounts to one owner', async () => {
    const manager = ctx.as(t.workspace, 'manager')
    const account = await makeAccount(ctx.handle.db, t.workspace.id, { arr: 9_000 })
    const body = { from: 'unassigned', to: t.cy, accountIds: [account.id] }
    const preview = await json<Preview>(await manager('POST', '/api/v1/engagement/reassign/preview', body))
    expect(preview.moves).toEqual([expect.objectContaining({ accountId: account.id, fromOwnerId: null, toOwnerId: t.cy })])
    expect((await manager('POST', '/api/v1/engagement/reassign/apply', { ...body, previewToken: preview.previewToken })).status).toBe(200)
    expect(await ownerOf(account.id)).toBe(t.cy)
  })

  it('answers 400 naming the field for bad requests', async () => {
    const manager = ctx.as(t.workspace, 'manager')
    const post = (body: unknown) => manager('POST', '/api/v1/engagement/reassign/preview', body)
    expect(await fieldsOf(await post({ from: 'someone', to: t.ana }))).toEqual(['from'])
    expect(await fieldsOf(await post({ from: t.cy }))).toEqual(['to'])
    expect(await fieldsOf(await post({ from: t.cy, to: t.ana, strategy: 'round-robin', pool: [t.ben] }))).toEqual(['strategy'])
    expect(await fieldsOf(await post({ from: t.cy, strategy: 'round-robin' }))).toEqual(['pool'])
    expect(await fieldsOf(await post({ from: t.cy, strategy: 'round-robin', pool: [t.ben, t.cy] }))).toEqual(['pool.1'])
    expect(await fieldsOf(await post({ from: t.cy, to: crypto.randomUUID() }))).toEqual(['to'])
    expect(await fieldsOf(await post({ from: t.cy, to: t.ana, accountIds: [crypto.randomUUID()] }))).toEqual(['accountIds.0'])
    expect(await fieldsOf(await post({ from: t.cy, to: t.ana, colour: 'red' }))).toEqual(['colour'])
    expect(await fieldsOf(await manager('POST', '/api/v1/engagement/reassign/apply', { from: t.cy, to: t.ana }))).toEqual(['previewToken'])
  })
})
