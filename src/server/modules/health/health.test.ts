import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../../platform/db'
import { makeAccount, makeTicket } from '../../testing/factories'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { evaluateQueuedAccounts } from '../segments'
import { evaluateQueuedHealth, recomputeAccounts, sweepHealth } from './health.engine'
import { scoreAccount, scoreValue } from './health.scoring'
import type { AccountHealth, HealthExplanation, HealthPortfolio, HealthStatus } from './health.service'
import { ScorecardBodySchema, type ScorecardBody } from './scorecard.config'

let ctx: TestContext
let acme: TestWorkspace
let beta: TestWorkspace

const json = async <T>(response: Response) => (await response.json()) as T
const fieldsOf = async (response: Response) => ((await response.json()) as { errors?: { field: string }[] }).errors?.map((error) => error.field) ?? []
const DAY = 86_400_000
const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10)

async function publish(workspace: TestWorkspace, kind: string, key: string, body: unknown) {
  const admin = ctx.as(workspace, 'admin')
  const saved = await admin('PUT', `/api/v1/config/${kind}/${key}`, { body, comment: 'test' })
  expect(saved.status, await saved.clone().text()).toBe(200)
  const published = await admin('POST', `/api/v1/config/${kind}/${key}/publish`)
  expect(published.status, await published.clone().text()).toBe(200)
}

/** What the jobs do, until both queues are empty. */
async function settle() {
  for (;;) {
    const classified = await evaluateQueuedAccounts(ctx.handle.db, { limit: 500 })
    const scored = await evaluateQueuedHealth(ctx.handle.db, { limit: 500 })
    if (classified.workspaceIds.length === 0 && scored.workspaceIds.length === 0) return
  }
}

/** Support (urgent tickets) and adoption (two custom fields; `nps` is usually missing), half each. */
const general: ScorecardBody = ScorecardBodySchema.parse({
  name: 'General',
  appliesTo: { default: true },
  bands: { red: 40, yellow: 70 },
  groups: [
    {
      key: 'support',
      name: 'Support',
      weight: 50,
      measures: [{ key: 'urgent', name: 'Urgent tickets', source: { type: 'fact', field: 'open_urgent_tickets' }, scoring: { type: 'thresholds', steps: [{ max: 1, points: 100 }], otherwise: 0 }, weight: 1 }],
    },
    {
      key: 'adoption',
      name: 'Adoption',
      weight: 50,
      measures: [
        { key: 'adoption', name: 'Adoption', source: { type: 'trait', key: 'adoption' }, scoring: { type: 'linear', from: 0, to: 100, direction: 'higher_is_better' }, weight: 2 },
        { key: 'nps', name: 'NPS', source: { type: 'trait', key: 'nps' }, scoring: { type: 'linear', from: 0, to: 10, direction: 'higher_is_better' }, weight: 1 },
        { key: 'sentiment', name: 'CSM sentiment', source: { type: 'sentiment' }, scoring: { type: 'linear', from: 0, to: 100, direction: 'higher_is_better' }, weight: 1 },
      ],
    },
  ],
})

const measure = (health: AccountHealth, key: string) => health.groups.flatMap((group) => group.measures).find((candidate) => candidate.key === key)!

beforeAll(async () => {
  ctx = await createTestContext()
  acme = await ctx.createWorkspace('acme')
  beta = await ctx.createWorkspace('beta')
  await publish(acme, 'scorecard', 'general', general)
  await publish(beta, 'scorecard', 'general', general)
})
afterAll(() => ctx?.close())

describe('scoring rules', () => {
  it('scores thresholds (first matching step, else otherwise) and linear ranges in both directions', () => {
    const steps = { type: 'thresholds' as const, steps: [{ min: 5, points: 100 }, { min: 2, max: 5, points: 60 }], otherwise: 10 }
    expect([scoreValue(steps, 7), scoreValue(steps, 5), scoreValue(steps, 4.9), scoreValue(steps, 2), scoreValue(steps, 1)]).toEqual([100, 100, 60, 60, 10])
    const up = { type: 'linear' as const, from: 0.2, to: 0.8, direction: 'higher_is_better' as const }
    expect([scoreValue(up, 0), scoreValue(up, 0.2), scoreValue(up, 0.5), scoreValue(up, 0.8), scoreValue(up, 3)]).toEqual([0, 0, 50, 100, 100])
    const down = { ...up, from: 3, to: 30, direction: 'lower_is_better' as const }
    expect([scoreValue(down, 0), scoreValue(down, 16.5), scoreValue(down, 45)]).toEqual([100, 50, 0])
  })

  it('re-weights missing inputs within the group and across groups, and scores nothing (not zero) when all are missing', () => {
    const one = scoreAccount(general, new Map([['urgent', 0], ['adoption', 60]]))
    // Adoption group: adoption alone carries it (nps, sentiment missing) → 60; support → 100.
    expect(one.score).toBe(80)
    expect(one.band).toBe('green')
    expect(one.measures.find((row) => row.key === 'nps')).toMatchObject({ missing: true, points: null, value: null, effectiveWeight: 0 })
    expect(one.measures.find((row) => row.key === 'adoption')?.effectiveWeight).toBe(0.5)
    const onlySupport = scoreAccount(general, new Map([['urgent', 2]]))
    expect(onlySupport.score).toBe(0)
    expect(onlySupport.band).toBe('red')
    expect(onlySupport.measures.find((row) => row.key === 'urgent')?.effectiveWeight).toBe(1)
    const nothing = scoreAccount(general, new Map())
    expect(nothing).toMatchObject({ score: null, band: null })
    expect(nothing.measures.every((row) => row.missing)).toBe(true)
  })
})

describe('scores that stay current', () => {
  it('scores a new account, rescoring it after a ticket through the queue, with domain events on a move and a band change', async () => {
    const csm = ctx.as(acme, 'csm')
    const account = await makeAccount(ctx.handle.db, acme.id, { name: 'Alpha', traits: { adoption: 80 } })
    await settle()
    const first = await json<AccountHealth>(await csm('GET', `/api/v1/accounts/${account.id}/health`))
    expect(first).toMatchObject({ score: 90, band: 'green', scorecard: { key: 'general', name: 'General' }, missing: 2 })
    expect(measure(first, 'nps')).toMatchObject({ missing: true, value: null, points: null })
    expect(measure(first, 'adoption')).toMatchObject({ value: 80, points: 80, effectiveWeight: 0.5, missing: false })
    expect(first.groups.map((group) => [group.key, group.points])).toEqual([['support', 100], ['adoption', 80]])

    await makeTicket(ctx.handle.db, acme.id, account.id, { priority: 'urgent', status: 'open' })
    const [queued] = await queryRows<{ n: number }>(ctx.handle.db, sql`SELECT count(*)::int AS n FROM health_evaluation_queue WHERE account_id = ${account.id} AND claimed_at IS NULL`)
    expect(queued?.n).toBe(1)
    await settle()
    const second = await json<AccountHealth>(await csm('GET', `/api/v1/accounts/${account.id}/health`))
    expect(second).toMatchObject({ score: 40, band: 'yellow' })
    const events = await queryRows<{ type: string; payload: Record<string, unknown> }>(
      ctx.handle.db,
      sql`SELECT type, payload FROM domain_events WHERE workspace_id = ${acme.id} AND account_id = ${account.id} AND type LIKE 'health.%' ORDER BY id`,
    )
    expect(events.map((event) => [event.type, event.payload.from, event.payload.to])).toEqual([
      ['health.band_changed', null, 'green'],
      ['health.changed', 90, 40],
      ['health.band_changed', 'green', 'yellow'],
    ])
    // A recompute that changes nothing emits nothing.
    await sweepHealth(ctx.handle.db, { workspaceId: acme.id })
    // Nor does one in slices of 2 accounts, 3 slices at a time: every account once, the same scores.
    for (let index = 0; index < 6; index++) await makeAccount(ctx.handle.db, acme.id, { name: `Slice ${index}`, arr: 10_000 * (index + 1) })
    while ((await evaluateQueuedHealth(ctx.handle.db, { limit: 100 })).workspaceIds.length > 0);
    const scores = () => queryRows<{ account_id: string; score: string | null }>(ctx.handle.db, sql`SELECT account_id, score::text AS score FROM health_scores WHERE workspace_id = ${acme.id} ORDER BY account_id`)
    const before = await scores()
    expect(before.length).toBeGreaterThanOrEqual(7)
    const sliced = await sweepHealth(ctx.handle.db, { workspaceId: acme.id, chunkSize: 2, parallel: 3 })
    expect(sliced).toMatchObject({ accounts: before.length, changed: 0, bandChanged: 0 })
    expect(await scores()).toEqual(before)
    const after = await queryRows<{ n: number }>(ctx.handle.db, sql`SELECT count(*)::int AS n FROM domain_events WHERE account_id = ${account.id} AND type LIKE 'health.%'`)
    expect(after[0]?.n).toBe(3)
    const status = await json<HealthStatus>(await csm('GET', '/api/v1/health/status'))
    expect(status).toMatchObject({ queued: 0, scorecards: 1 })
    expect(status.lastSweep?.accounts).toBeGreaterThan(0)
  })

  it('attaches the first scorecard whose segments the account is in, else the default, and rescoring follows a segment change', async () => {
    await publish(acme, 'segment', 'big', { name: 'Big', condition: { field: 'arr', op: 'gte', value: 100_000 } })
    await publish(acme, 'segment', 'huge', { name: 'Huge', condition: { field: 'arr', op: 'gte', value: 500_000 } })
    const adoptionOnly = (name: string, segments: string[], order: number) => ({
      ...general,
      name,
      appliesTo: { segments },
      order,
      groups: [general.groups[1]!],
    })
    await publish(acme, 'scorecard', 'big-card', adoptionOnly('Big accounts', ['big'], 20))
    await publish(acme, 'scorecard', 'huge-card', adoptionOnly('Huge accounts', ['huge', 'big'], 10))
    const small = await makeAccount(ctx.handle.db, acme.id, { name: 'Small', arr: 10_000, traits: { adoption: 50 } })
    const big = await makeAccount(ctx.handle.db, acme.id, { name: 'Big one', arr: 200_000, traits: { adoption: 50 } })
    await settle()
    const csm = ctx.as(acme, 'csm')
    const cardOf = async (id: string) => (await json<AccountHealth>(await csm('GET', `/api/v1/accounts/${id}/health`))).scorecard?.key
    expect(await cardOf(small.id)).toBe('general')
    // In "big" only, and huge-card names big too with a lower order: it wins.
    expect(await cardOf(big.id)).toBe('huge-card')
    await ctx.handle.db.execute(sql`UPDATE accounts SET arr = 20000 WHERE id = ${big.id}`)
    await settle()
    expect(await cardOf(big.id)).toBe('general')
    await ctx.as(acme, 'admin')('POST', '/api/v1/config/scorecard/huge-card/archive')
    await ctx.as(acme, 'admin')('POST', '/api/v1/config/scorecard/big-card/archive')
  })

  it('explains the move between two days: contributions per measure sum to the change', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { name: 'Explained', traits: { adoption: 90, nps: 9 } })
    await ctx.handle.db.transaction((tx) => recomputeAccounts(tx, { workspaceId: acme.id, accountIds: [account.id], day: day(-10) }))
    await ctx.handle.db.execute(sql`UPDATE accounts SET traits = '{"adoption": 30}' WHERE id = ${account.id}`)
    await makeTicket(ctx.handle.db, acme.id, account.id, { priority: 'high', status: 'open' })
    await settle()
    const csm = ctx.as(acme, 'csm')
    const explained = await json<HealthExplanation>(await csm('GET', `/api/v1/accounts/${account.id}/health/explain?from=${day(-7)}&to=${day(0)}`))
    expect(explained.from).toMatchObject({ day: day(-10), score: 95 }) // adoption 90, nps 90 → 90; support 100
    expect(explained.to).toMatchObject({ day: day(0), score: 15 }) // support 0; adoption 30
    expect(explained.change).toBe(-80)
    const sum = explained.contributions.reduce((total, part) => total + part.contribution, 0)
    expect(sum).toBeCloseTo(-80, 1)
    expect(explained.contributions.map((part) => part.key)).toEqual(['urgent', 'adoption', 'nps', 'sentiment'])
    expect(explained.contributions.find((part) => part.key === 'nps')).toMatchObject({ fromValue: 9, toValue: null, toPoints: null })

    const history = await json<{ points: { day: string; score: number }[] }>(await csm('GET', `/api/v1/accounts/${account.id}/health/history?days=30`))
    expect(history.points.map((point) => [point.day, point.score])).toEqual([
      [day(-10), 95],
      [day(0), 15],
    ])
    expect((await csm('GET', `/api/v1/accounts/${account.id}/health/explain?from=${day(0)}&to=${day(-3)}`)).status).toBe(400)
  })

  it('counts a sentiment until it expires, and rejects a past expiry', async () => {
    const csm = ctx.as(acme, 'csm')
    const account = await makeAccount(ctx.handle.db, acme.id, { name: 'Feelings', traits: { adoption: 100 } })
    await settle()
    expect(measure(await json<AccountHealth>(await csm('GET', `/api/v1/accounts/${account.id}/health`)), 'sentiment').missing).toBe(true)
    const posted = await csm('POST', `/api/v1/accounts/${account.id}/health/sentiment`, { sentiment: 'negative', comment: 'Sponsor left', expiresOn: day(5) })
    expect(posted.status).toBe(201)
    expect(await json<{ sentiment: string; authorName: string; active: boolean }>(posted)).toMatchObject({ sentiment: 'negative', authorName: 'Cara CSM', active: true })
    const health = await json<AccountHealth>(await csm('GET', `/api/v1/accounts/${account.id}/health`))
    expect(measure(health, 'sentiment')).toMatchObject({ value: 0, points: 0, missing: false })
    // adoption 100 × 2/3, sentiment 0 × 1/3 → 66.67 for the group; support 100.
    expect(health.score).toBe(83.33)
    expect(health.sentiments[0]).toMatchObject({ comment: 'Sponsor left', active: true })
    // A week later it has expired: missing again, not zero.
    const later = await ctx.handle.db.transaction((tx) => recomputeAccounts(tx, { workspaceId: acme.id, accountIds: [account.id], day: day(7) }))
    expect(later.accounts).toBe(1)
    const [stored] = await queryRows<{ score: number; measures: { key: string; missing: boolean }[] }>(
      ctx.handle.db,
      sql`SELECT score::float8 AS score, measures FROM health_scores WHERE account_id = ${account.id}`,
    )
    expect(stored?.score).toBe(100)
    expect(stored?.measures.find((row) => row.key === 'sentiment')?.missing).toBe(true)

    expect(await fieldsOf(await csm('POST', `/api/v1/accounts/${account.id}/health/sentiment`, { sentiment: 'positive', expiresOn: day(-1) }))).toEqual(['expiresOn'])
    expect(await fieldsOf(await csm('POST', `/api/v1/accounts/${account.id}/health/sentiment`, { sentiment: 'ecstatic' }))).toEqual(['sentiment'])
  })
})

describe('scorecard documents', () => {
  it('refuses invalid scorecards with the field path', async () => {
    const admin = ctx.as(acme, 'admin')
    const put = (body: unknown) => admin('PUT', '/api/v1/config/scorecard/broken', { body })
    const measureAt = (patch: Record<string, unknown>) => ({ ...general, groups: [{ ...general.groups[0]!, measures: [{ ...general.groups[0]!.measures[0]!, ...patch }] }] })
    expect(await fieldsOf(await put(measureAt({ scoring: { type: 'linear', from: 10, to: 5, direction: 'higher_is_better' } })))).toEqual(['body.groups.0.measures.0.scoring.to'])
    expect(await fieldsOf(await put(measureAt({ source: { type: 'fact', field: 'vibes' } })))).toEqual(['body.groups.0.measures.0.source.field'])
    expect(await fieldsOf(await put(measureAt({ weight: 0 })))).toEqual(['body.groups.0.measures.0.weight'])
    expect(await fieldsOf(await put({ ...general, bands: { red: 80, yellow: 50 } }))).toEqual(['body.bands.yellow'])
    expect(await fieldsOf(await put({ ...general, appliesTo: { default: true, segments: ['big'] } }))).toEqual(['body.appliesTo'])
    expect(await fieldsOf(await put({ ...general, appliesTo: { segments: ['nowhere'] } }))).toEqual(['body.appliesTo.segments.0'])
    expect(await fieldsOf(await put({ ...general, groups: [general.groups[0]!, { ...general.groups[1]!, measures: [general.groups[0]!.measures[0]!] }] }))).toEqual([
      'body.groups.1.measures.0.key',
    ])
    const journeyRef = measureAt({ source: { type: 'milestones', journey: 'onboarding' } })
    expect(await fieldsOf(await put(journeyRef))).toEqual(['body.groups.0.measures.0.source.journey'])
  })

  it('publishing queues every account of the workspace for rescoring', async () => {
    await settle()
    await publish(beta, 'scorecard', 'general', { ...general, bands: { red: 50, yellow: 95 } })
    const [accounts] = await queryRows<{ n: number }>(ctx.handle.db, sql`SELECT count(*)::int AS n FROM accounts WHERE workspace_id = ${beta.id}`)
    const status = await json<HealthStatus>(await ctx.as(beta, 'viewer')('GET', '/api/v1/health/status'))
    expect(status.queued).toBe(accounts?.n)
  })
})

describe('portfolio and permissions', () => {
  it('shows bands with ARR, ARR at risk, segments and movers of the week', async () => {
    const ws = beta.id
    const red = await makeAccount(ctx.handle.db, ws, { name: 'Red co', arr: 30_000, traits: { adoption: 10 } })
    await makeTicket(ctx.handle.db, ws, red.id, { priority: 'urgent', status: 'open' })
    const green = await makeAccount(ctx.handle.db, ws, { name: 'Green co', arr: 50_000, traits: { adoption: 100 } })
    await settle()
    // A week ago the red account was fine.
    await ctx.handle.db.execute(sql`
      INSERT INTO health_snapshots (workspace_id, account_id, day, scorecard_key, scorecard_version, score, band, measures)
      VALUES (${ws}, ${red.id}, ${day(-8)}::date, 'general', 1, 80, 'green', '[]'::jsonb)`)
    const portfolio = await json<HealthPortfolio>(await ctx.as(beta, 'viewer')('GET', '/api/v1/health/portfolio'))
    expect(portfolio.bands.red).toEqual({ accounts: 1, arr: 30_000 })
    expect(portfolio.bands.green).toEqual({ accounts: 1, arr: 50_000 })
    expect(portfolio.arrAtRisk.red).toBe(30_000)
    expect(portfolio.movers.down[0]).toMatchObject({ accountId: red.id, from: 80, to: 5, change: -75 })
    expect(portfolio.missing.find((row) => row.key === 'nps')?.accounts).toBe(2)
    expect(portfolio.scored).toBe(2)
    expect(green.id).not.toBe(red.id)
  })

  it('lets viewers read and CSMs record sentiment, and never crosses workspaces', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { name: 'Guarded' })
    expect((await ctx.as(acme, 'viewer')('GET', `/api/v1/accounts/${account.id}/health`)).status).toBe(200)
    expect((await ctx.as(acme, 'viewer')('POST', `/api/v1/accounts/${account.id}/health/sentiment`, { sentiment: 'positive' })).status).toBe(403)
    expect((await ctx.as(beta, 'admin')('GET', `/api/v1/accounts/${account.id}/health`)).status).toBe(404)
    expect((await ctx.as(beta, 'admin')('POST', `/api/v1/accounts/${account.id}/health/sentiment`, { sentiment: 'positive' })).status).toBe(404)
    expect((await ctx.as(beta, 'admin')('GET', `/api/v1/accounts/${account.id}/health/history`)).status).toBe(404)
  })
})
