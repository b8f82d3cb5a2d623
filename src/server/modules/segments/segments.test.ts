import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { makeAccount, makeTicket } from '../../testing/factories'
import type { AccountClassification, GroupSummary } from './segments.service'
import { evaluateQueuedAccounts, evaluateWorkspace } from './segments.engine'
import { queryRows } from '../../platform/db'
import { sql } from 'drizzle-orm'

let ctx: TestContext
let acme: TestWorkspace

const json = async <T>(response: Response) => (await response.json()) as T

/** What the evaluate job does: drain the queue. */
async function settle() {
  let total = 0
  for (;;) {
    const result = await evaluateQueuedAccounts(ctx.handle.db, { limit: 100 })
    if (result.workspaceIds.length === 0) return total
    total += result.accounts
  }
}

const tiers = {
  tiers: [
    { key: 'enterprise', name: 'Enterprise', condition: { field: 'arr', op: 'gte', value: 100_000 } },
    { key: 'mid-market', name: 'Mid-market', condition: { field: 'arr', op: 'gte', value: 20_000 } },
    { key: 'tech-touch', name: 'Tech-touch' },
  ],
}
const lifecycle = {
  stages: [
    { key: 'onboarding', name: 'Onboarding', slaDays: 30 },
    { key: 'adoption', name: 'Adoption', entry: { field: 'traits.live', op: 'eq', value: true } },
    { key: 'renewal', name: 'Renewal', entry: { field: 'renewal_date', op: 'within_next_days', days: 90 }, slaDays: 90 },
    { key: 'churned', name: 'Churned', entry: { field: 'status', op: 'eq', value: 'churned' }, terminal: true },
  ],
}

async function publish(workspace: TestWorkspace, kind: string, key: string, body: unknown) {
  const admin = ctx.as(workspace, 'admin')
  const saved = await admin('PUT', `/api/v1/config/${kind}/${key}`, { body, comment: 'test' })
  expect(saved.status, await saved.clone().text()).toBe(200)
  expect((await admin('POST', `/api/v1/config/${kind}/${key}/publish`)).status).toBe(200)
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)

beforeAll(async () => {
  ctx = await createTestContext()
  acme = await ctx.createWorkspace('acme')
  await publish(acme, 'tiers', 'default', tiers)
  await publish(acme, 'lifecycle', 'default', lifecycle)
  await publish(acme, 'segment', 'urgent', { name: 'Urgent tickets', condition: { field: 'open_urgent_tickets', op: 'gt', value: 0 } })
})
afterAll(() => ctx?.close())

describe('classification engine', () => {
  it('classifies a new account into one tier, one stage, and its segments, and moves it when its data changes', async () => {
    const csm = ctx.as(acme, 'csm')
    const account = await makeAccount(ctx.handle.db, acme.id, { name: 'Initech', arr: 50_000 })
    await settle()
    let view = await json<AccountClassification>(await csm('GET', `/api/v1/accounts/${account.id}/classification`))
    expect(view.tier?.key).toBe('mid-market')
    expect(view.stage).toMatchObject({ key: 'onboarding', slaDays: 30, overdue: false })
    expect(view.segments).toEqual([])

    // A ticket and an ARR change, written by the ordinary API, re-classify the account.
    await makeTicket(ctx.handle.db, acme.id, account.id, { priority: 'urgent', status: 'open', subject: 'Down' })
    const patched = await csm('PATCH', `/api/v1/accounts/${account.id}`, { renewalDate: inDays(30), traits: { live: true } })
    expect(patched.status).toBe(200)
    await ctx.handle.db.execute(sql`UPDATE accounts SET arr = 150000 WHERE id = ${account.id}`)
    expect(await settle()).toBe(1)
    view = await json<AccountClassification>(await csm('GET', `/api/v1/accounts/${account.id}/classification`))
    expect(view.tier?.key).toBe('enterprise')
    expect(view.stage?.key).toBe('renewal')
    expect(view.segments.map((segment) => segment.key)).toEqual(['urgent'])
    expect(view.history.filter((entry) => entry.family === 'tier').map((entry) => `${entry.change} ${entry.key}`)).toEqual(['entered enterprise', 'exited mid-market', 'entered mid-market'])

    const events = await json<{ events: { type: string; payload: Record<string, unknown> }[] }>(await csm('GET', `/api/v1/domain-events?accountId=${account.id}&type=segment.entered,segment.exited,tier.changed,lifecycle.changed`))
    expect(events.events.map((event) => event.type).sort()).toEqual(['lifecycle.changed', 'lifecycle.changed', 'segment.entered', 'tier.changed', 'tier.changed'])
    const fieldChanges = await json<{ events: { payload: { changes: Record<string, { from: unknown; to: unknown }> } }[] }>(await csm('GET', `/api/v1/domain-events?accountId=${account.id}&type=account.changed`))
    // Every writer emits account.changed (a trigger), also the raw UPDATE above.
    const changed = fieldChanges.events.map((event) => Object.keys(event.payload.changes).sort().join(','))
    expect(changed).toContain('renewal_date,traits.live')
    expect(fieldChanges.events[0]?.payload.changes).toEqual({ arr: { from: expect.anything(), to: 150000 } })
    expect(events.events.find((event) => event.type === 'segment.entered')?.payload).toEqual({ segment: 'urgent', name: 'Urgent tickets' })
  })

  it('keeps a hand move until the data points to a new stage, and records who and why', async () => {
    const csm = ctx.as(acme, 'csm')
    const account = await makeAccount(ctx.handle.db, acme.id, { name: 'Hooli', arr: 5_000 })
    await settle()
    const bad = await csm('POST', `/api/v1/accounts/${account.id}/stage`, { stage: 'nowhere', reason: 'typo' })
    expect(bad.status).toBe(400)
    expect((await json<{ errors: { field: string }[] }>(bad)).errors[0]?.field).toBe('stage')
    const moved = await csm('POST', `/api/v1/accounts/${account.id}/stage`, { stage: 'adoption', reason: 'Went live early' })
    expect(await json(moved)).toEqual({ from: 'onboarding', to: 'adoption' })

    // An unrelated change re-evaluates the account: the rules still say onboarding, so the move holds.
    await ctx.as(acme, 'csm')('PATCH', `/api/v1/accounts/${account.id}`, { industry: 'Software' })
    await settle()
    let view = await json<AccountClassification>(await csm('GET', `/api/v1/accounts/${account.id}/classification`))
    expect(view.stage).toMatchObject({ key: 'adoption', source: 'manual', suggested: 'onboarding' })
    expect(view.history[0]).toMatchObject({ family: 'stage', change: 'entered', key: 'adoption', source: 'manual', reason: 'Went live early', actorName: 'Cara CSM' })

    // The renewal comes within 90 days: the data now says something new, and the rules take over.
    await csm('PATCH', `/api/v1/accounts/${account.id}`, { renewalDate: inDays(60) })
    await settle()
    view = await json<AccountClassification>(await csm('GET', `/api/v1/accounts/${account.id}/classification`))
    expect(view.stage).toMatchObject({ key: 'renewal', source: 'rule', suggested: null })
  })

  it('agrees between the SQL sweep and the in-memory evaluation, and lists groups with counts and members', async () => {
    for (let index = 0; index < 30; index++) {
      const account = await makeAccount(ctx.handle.db, acme.id, { name: `Bulk ${index}`, arr: index * 5_000, renewalDate: index % 3 === 0 ? inDays(index) : null, traits: { live: index % 2 === 0 } })
      if (index % 7 === 0) await makeTicket(ctx.handle.db, acme.id, account.id, { priority: 'high', status: 'open', subject: 'Slow' })
    }
    await settle()
    const before = await queryRows<{ family: string; account_id: string; group_key: string }>(ctx.handle.db, sql`SELECT family, account_id, group_key FROM account_memberships WHERE source = 'rule' ORDER BY 1, 2, 3`)
    const sweep = await evaluateWorkspace(ctx.handle.db, { workspaceId: acme.id, chunkSize: 7 })
    expect(sweep.accounts).toBe(32)
    const after = await queryRows<{ family: string; account_id: string; group_key: string }>(ctx.handle.db, sql`SELECT family, account_id, group_key FROM account_memberships WHERE source = 'rule' ORDER BY 1, 2, 3`)
    expect(after).toEqual(before)
    expect(sweep.entered + sweep.exited).toBe(0)

    const viewer = ctx.as(acme, 'viewer')
    const list = await json<{ groups: GroupSummary[]; unclassified: number }>(await viewer('GET', '/api/v1/tiers'))
    expect(list.unclassified).toBe(0)
    expect(list.groups.map((group) => group.key)).toEqual(['enterprise', 'mid-market', 'tech-touch'])
    expect(list.groups.reduce((sum, group) => sum + group.accounts, 0)).toBe(32)
    const enterprise = list.groups.find((group) => group.key === 'enterprise')!
    expect(enterprise.accounts).toBe(11) // Initech at 150k and Bulk 20..29
    const members = await json<{ total: number; accounts: { name: string }[] }>(await viewer('GET', '/api/v1/tiers/enterprise/accounts?limit=5'))
    expect(members.total).toBe(11)
    expect(members.accounts).toHaveLength(5)
    const history = await json<{ points: { day: string; accounts: number | null; entered: number }[] }>(await viewer('GET', '/api/v1/tiers/enterprise/history?days=7'))
    expect(history.points).toHaveLength(7)
    expect(history.points.at(-1)).toMatchObject({ accounts: 11, entered: 11 }) // Initech (via mid-market) and Bulk 20..29
    expect((await viewer('GET', '/api/v1/segments/nope/accounts')).status).toBe(404)
  })

  it('re-classifies every account when a rule is published, and empties an archived segment', async () => {
    await publish(acme, 'segment', 'big', { name: 'Big', condition: { field: 'arr', op: 'gte', value: 140_000 } })
    await settle()
    const viewer = ctx.as(acme, 'viewer')
    let list = await json<{ groups: GroupSummary[] }>(await viewer('GET', '/api/v1/segments'))
    expect(list.groups.find((group) => group.key === 'big')).toMatchObject({ accounts: 3, entered7d: 3 })
    expect((await ctx.as(acme, 'admin')('DELETE', '/api/v1/config/segment/big', { comment: 'not needed' })).status).toBe(200)
    await settle()
    list = await json<{ groups: GroupSummary[] }>(await viewer('GET', '/api/v1/segments'))
    expect(list.groups.map((group) => group.key)).toEqual(['urgent'])
    const left = await queryRows<{ n: number }>(ctx.handle.db, sql`SELECT count(*)::int AS n FROM account_memberships WHERE group_key = 'big'`)
    expect(left[0]?.n).toBe(0)
  })
})
