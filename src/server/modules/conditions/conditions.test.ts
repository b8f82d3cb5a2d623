import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { evaluateCondition, renderCondition, validateCondition, type Condition } from '../../../shared/conditions'
import { makeAccount, makeContact, makeSubscription, makeTicket, makeTouchpoint } from '../../testing/factories'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { updateAccount } from '../accounts'
import { drainInbox, ingestCalls, setKeyFeatures } from '../events'
import { accountMatches, findMatchingAccountIds, loadAccountFacts } from './conditions.service'

const TODAY = '2026-06-15'
const day = (offset: number) => new Date(Date.parse(`${TODAY}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10)

/** A small seeded generator, so a failing rule can be reproduced from the printed seed. */
function rng(seed: number) {
  let state = seed >>> 0
  const next = () => {
    state = (Math.imul(state ^ (state >>> 15), 2246822507) + 0x6d2b79f5) >>> 0
    state = Math.imul(state ^ (state >>> 13), 3266489909) >>> 0
    return ((state ^ (state >>> 16)) >>> 0) / 4294967296
  }
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1))
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!
  return { next, int, pick, chance: (p: number) => next() < p }
}

let ctx: TestContext
let acme: TestWorkspace
const accountIds: string[] = []

const plans = ['Starter', 'Growth', 'Business'] as const
const industries = ['Software', 'Retail', 'Health care'] as const
const regions = ['EMEA', 'APAC', 'AMER'] as const
const roles = ['champion', 'decision_maker', 'admin', 'user'] as const
const features = ['Report Built', 'Workflow Run', 'Alert Created']

beforeAll(async () => {
  ctx = await createTestContext()
  acme = await ctx.createWorkspace('acme')
  const db = ctx.handle.db
  const r = rng(20261115)
  const key = await ctx.createKey(acme, ['ingest'])
  void key
  await setKeyFeatures(db, { workspaceId: acme.id, keyFeatures: features })
  const calls: Record<string, unknown>[] = []
  for (let index = 0; index < 36; index++) {
    const traits: Record<string, unknown> = {}
    if (r.chance(0.7)) traits.region = r.pick(regions)
    if (r.chance(0.5)) traits.score = r.int(0, 10)
    else if (r.chance(0.3)) traits.score = String(r.int(0, 10))
    if (r.chance(0.5)) traits.vip = r.chance(0.5)
    const account = await makeAccount(db, acme.id, {
      externalId: `PROP-${index}`,
      name: `${r.pick(['Orbit', 'Nimbus', 'Cedar', 'Pylon'])} ${r.pick(['Labs', 'Retail', 'Health'])} ${index}`,
      plan: r.chance(0.85) ? r.pick(plans) : null,
      industry: r.chance(0.8) ? r.pick(industries) : null,
      employees: r.chance(0.8) ? r.int(5, 5000) : null,
      arr: r.pick([0, 5000, 12000, 48000, 120000]),
      arrEffectiveDate: day(-r.int(0, 200)),
      renewalDate: r.chance(0.8) ? day(r.int(-60, 300)) : null,
      ownerId: r.chance(0.6) ? acme.users.csm.id : null,
      traits,
    })
    accountIds.push(account.id)
    if (r.chance(0.6)) await makeSubscription(db, acme.id, account.id, { seats: r.int(1, 40), startDate: day(-200), endDate: day(200) })
    for (let t = r.int(0, 3); t > 0; t--) {
      await makeTicket(db, acme.id, account.id, { priority: r.pick(['low', 'normal', 'high', 'urgent']), status: r.pick(['new', 'open', 'solved', 'closed']), openedAt: `${day(-r.int(0, 60))}T10:00:00Z` })
    }
    for (let c = r.int(0, 3); c > 0; c--) await makeContact(db, acme.id, account.id, { roles: [r.pick(roles)] })
    if (r.chance(0.6)) await makeTouchpoint(db, acme.id, account.id, acme.users.csm.id, { occurredAt: `${day(-r.int(0, 120))}T09:00:00Z` })
    if (r.chance(0.7)) {
      for (let e = r.int(1, 12); e > 0; e--) {
        calls.push({ type: 'track', userId: `PROP-${index}-u${r.int(1, 6)}`, event: r.pick([...features, 'Dashboard Viewed']), timestamp: `${day(-r.int(0, 59))}T12:00:00Z`, context: { groupId: `PROP-${index}` } })
      }
    }
  }
  await ingestCalls(db, { workspaceId: acme.id, sourceKeyId: null, calls, batch: true, options: { receivedAt: new Date(`${TODAY}T18:00:00Z`) } })
  await drainInbox(db)
}, 120_000)
afterAll(() => ctx?.close())

type Leaf = () => Condition

function ruleGenerator(seed: number) {
  const r = rng(seed)
  const leaves: Leaf[] = [
    () => ({ field: 'plan', op: r.pick(['eq', 'neq'] as const), value: r.pick(plans) }),
    () => ({ field: 'plan', op: r.pick(['in', 'not_in'] as const), values: [r.pick(plans), r.pick(plans)] }),
    () => ({ field: r.pick(['plan', 'industry', 'renewal_date', 'employees', 'owner_id', 'traits.region', 'traits.score'] as const), op: r.pick(['exists', 'not_exists'] as const) }),
    () => ({ field: 'industry', op: 'contains', value: r.pick(['soft', 'CARE', 'tail', 'x']) }),
    () => ({ field: 'name', op: 'contains', value: r.pick(['orbit', 'Labs', '1', 'health']) }),
    () => ({ field: 'arr', op: r.pick(['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const), value: r.pick([0, 5000, 12000, 48000, 100000]) }),
    () => ({ field: 'employees', op: 'between', min: r.int(0, 1000), max: r.int(1000, 6000) }),
    () => ({ field: 'renewal_date', op: r.pick(['within_next_days', 'within_last_days', 'more_than_days_ago', 'more_than_days_from_now'] as const), days: r.pick([0, 30, 90, 180]) }),
    () => ({ field: 'renewal_date', op: r.pick(['before', 'after', 'eq'] as const), value: day(r.int(-60, 300)) }),
    () => ({ field: 'renewal_date', op: 'between', min: day(r.int(-60, 50)), max: day(r.int(50, 300)) }),
    () => ({ field: 'has_owner', op: 'eq', value: r.chance(0.5) }),
    () => ({ field: r.pick(['dau', 'wau', 'mau', 'events_30d', 'feature_breadth', 'open_tickets', 'open_urgent_tickets', 'tickets_30d', 'contacts'] as const), op: r.pick(['gt', 'gte', 'lt', 'eq'] as const), value: r.int(0, 4) }),
    () => ({ field: r.pick(['license_utilization', 'usage_trend_30d'] as const), op: r.pick(['gt', 'lt', 'gte', 'lte', 'exists'] as const), value: r.pick([0, 0.1, 0.25, 0.5, 1]) }),
    () => ({ field: r.pick(['last_activity_on', 'last_touchpoint_on'] as const), op: r.pick(['within_last_days', 'more_than_days_ago'] as const), days: r.pick([7, 30, 60]) }),
    () => ({ field: 'last_activity_on', op: r.pick(['exists', 'not_exists'] as const) }),
    () => ({ field: 'contact_roles', op: r.pick(['contains', 'not_contains'] as const), value: r.pick(roles) }),
    () => ({ field: 'contact_roles', op: r.pick(['exists', 'not_exists'] as const) }),
    () => ({ field: 'traits.region', op: r.pick(['eq', 'neq', 'contains'] as const), value: r.pick([...regions, 'em']) }),
    () => ({ field: 'traits.region', op: r.pick(['in', 'not_in'] as const), values: [r.pick(regions)] }),
    () => ({ field: 'traits.score', op: r.pick(['gt', 'lte', 'eq', 'neq'] as const), value: r.int(0, 10) }),
    () => ({ field: 'traits.score', op: 'eq', value: String(r.int(0, 10)) }),
    () => ({ field: 'traits.vip', op: r.pick(['eq', 'exists', 'not_exists'] as const), value: r.chance(0.5) }),
    () => ({ field: 'arr_change_90d', op: r.pick(['gt', 'eq'] as const), value: 0 }),
    () => ({ field: 'seats', op: r.pick(['gt', 'not_exists'] as const), value: r.int(0, 30) }),
  ]
  const rule = (depth: number): Condition => {
    const roll = r.next()
    if (depth < 3 && roll < 0.2) return { all: Array.from({ length: r.int(1, 3) }, () => rule(depth + 1)) }
    if (depth < 3 && roll < 0.4) return { any: Array.from({ length: r.int(1, 3) }, () => rule(depth + 1)) }
    if (depth < 3 && roll < 0.5) return { not: rule(depth + 1) }
    const leaf = r.pick(leaves)() as Record<string, unknown>
    // exists / not_exists take no value; the generators above may add one.
    if (leaf.op === 'exists' || leaf.op === 'not_exists') delete leaf.value
    return leaf as Condition
  }
  return () => rule(0)
}

describe('the two evaluators', () => {
  it('agree on 400 generated rules over generated accounts (SQL for the workspace, JS per account)', async () => {
    const db = ctx.handle.db
    const facts = await loadAccountFacts(db, { workspaceId: acme.id, today: TODAY })
    expect(facts.size).toBe(accountIds.length)
    const next = ruleGenerator(7)
    let informative = 0
    for (let index = 0; index < 400; index++) {
      const condition = next()
      expect(validateCondition(condition), JSON.stringify(condition)).toEqual([])
      const inSql = new Set(await findMatchingAccountIds(db, { workspaceId: acme.id, condition, today: TODAY }))
      const inMemory = new Set([...facts].filter(([, accountFacts]) => evaluateCondition(condition, accountFacts, TODAY)).map(([id]) => id))
      expect([...inSql].sort(), `rule #${index}: ${renderCondition(condition)} ${JSON.stringify(condition)}`).toEqual([...inMemory].sort())
      if (inSql.size > 0 && inSql.size < accountIds.length) informative++
    }
    // The generated rules split the accounts, rather than matching all or none.
    expect(informative).toBeGreaterThan(200)
  })

  it("reads one account's facts exactly as the workspace-wide query does", async () => {
    const db = ctx.handle.db
    const all = await loadAccountFacts(db, { workspaceId: acme.id, today: TODAY })
    for (const accountId of accountIds.slice(0, 8)) {
      const one = await loadAccountFacts(db, { workspaceId: acme.id, today: TODAY, accountIds: [accountId] })
      expect(one.get(accountId)).toEqual(all.get(accountId))
    }
  })

  it('re-evaluates one account in memory after a change', async () => {
    const db = ctx.handle.db
    const accountId = accountIds[0]!
    const condition: Condition = { all: [{ field: 'plan', op: 'eq', value: 'Enterprise' }, { field: 'traits.tier', op: 'eq', value: 'gold' }] }
    expect(await accountMatches(db, { workspaceId: acme.id, accountId, condition, today: TODAY })).toBe(false)
    await updateAccount(db, { workspaceId: acme.id, accountId, input: { plan: 'Enterprise', traits: { tier: 'gold' } } })
    expect(await accountMatches(db, { workspaceId: acme.id, accountId, condition, today: TODAY })).toBe(true)
    expect(await findMatchingAccountIds(db, { workspaceId: acme.id, condition, today: TODAY })).toEqual([accountId])
  })
})

describe('validation and rendering', () => {
  it('rejects invalid rules with the path of the bad node', () => {
    expect(validateCondition({ all: [{ field: 'plan', op: 'eq', value: 'Growth' }, { any: [{ field: 'arr', op: 'gt', value: 'lots' }] }] })).toEqual([
      { path: 'all.1.any.0.value', message: 'must be a number for arr' },
    ])
    expect(validateCondition({ field: 'nope', op: 'eq', value: 1 })[0]?.path).toBe('field')
    expect(validateCondition({ field: 'renewal_date', op: 'gt', value: 3 })[0]).toMatchObject({ path: 'op' })
    expect(validateCondition({ not: { field: 'arr', op: 'between', min: 10, max: 5 } })[0]?.path).toBe('not.max')
    expect(validateCondition({ all: [] })[0]?.path).toBe('all')
    expect(validateCondition({ any: [{ field: 'plan', op: 'equals', value: 'x' }] })[0]).toMatchObject({ path: 'any.0.op', message: expect.stringContaining('unknown operator "equals"') })
    expect(validateCondition('plan = Growth')[0]?.path).toBe('(rule)')
  })

  it('renders a rule as one readable line', () => {
    const rule: Condition = {
      all: [
        { field: 'plan', op: 'in', values: ['Growth', 'Business'] },
        { any: [{ field: 'arr', op: 'gt', value: 50000 }, { field: 'renewal_date', op: 'within_next_days', days: 90 }] },
        { not: { field: 'contact_roles', op: 'contains', value: 'champion' } },
      ],
    }
    expect(renderCondition(rule)).toBe('Plan in ["Growth", "Business"] AND (ARR > 50000 OR Renewal date within the next 90 days) AND NOT Contact roles present contains "champion"')
  })
})

describe('POST /api/v1/conditions/preview', () => {
  it('counts matches and names the bad node of an invalid rule', async () => {
    const admin = ctx.as(acme, 'admin')
    const ok = await admin('POST', '/api/v1/conditions/preview', { condition: { field: 'arr', op: 'gte', value: 0 }, today: TODAY })
    expect(ok.status).toBe(200)
    const body = (await ok.json()) as { count: number; rendered: string; accounts: unknown[] }
    expect(body.count).toBe(accountIds.length)
    expect(body.rendered).toBe('ARR ≥ 0')
    expect(body.accounts).toHaveLength(20)
    const bad = await admin('POST', '/api/v1/conditions/preview', { condition: { any: [{ field: 'plan', op: 'gt', value: 'x' }] } })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe('condition.any.0.op')
  })
})
