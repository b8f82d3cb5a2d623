import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../../platform/db'
import { makeAccount, makeSubscription, makeTouchpoint } from '../../testing/factories'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { evaluateWorkspace } from '../segments'
import { backfillStageHistory } from './journeys.backfill'
import { evaluateJourneys } from './journeys.engine'
import type { AccountMilestone, JourneyMap, JourneySummary } from './journeys.service'

let ctx: TestContext
let acme: TestWorkspace
let beta: TestWorkspace

const json = async <T>(response: Response) => (await response.json()) as T
const fieldsOf = async (response: Response) => ((await response.json()) as { errors?: { field: string }[] }).errors?.map((error) => error.field) ?? []
const DAY = 86_400_000
const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10)
const at = (offset: number) => new Date(Date.now() + offset * DAY).toISOString()

async function publish(workspace: TestWorkspace, kind: string, key: string, body: unknown) {
  const admin = ctx.as(workspace, 'admin')
  const saved = await admin('PUT', `/api/v1/config/${kind}/${key}`, { body, comment: 'test' })
  expect(saved.status, await saved.clone().text()).toBe(200)
  const published = await admin('POST', `/api/v1/config/${kind}/${key}/publish`)
  expect(published.status, await published.clone().text()).toBe(200)
}

const lifecycle = {
  stages: [
    { key: 'onboarding', name: 'Onboarding', slaDays: 30 },
    { key: 'adoption', name: 'Adoption', entry: { field: 'created_on', op: 'more_than_days_ago', days: 60 } },
    { key: 'renewal', name: 'Renewal', entry: { field: 'renewal_date', op: 'within_next_days', days: 90 } },
    { key: 'churned', name: 'Churned', entry: { field: 'status', op: 'eq', value: 'churned' }, terminal: true },
  ],
}

const onboarding = {
  name: 'Onboarding',
  appliesTo: { all: true },
  milestones: [
    { key: 'kickoff', name: 'Kickoff', stage: 'onboarding', kind: 'time', anchor: 'contract_start', dueDays: 7, touchpointKinds: ['meeting', 'call'], subjectContains: 'kickoff' },
    { key: 'integration', name: 'First integration', stage: 'onboarding', kind: 'event', anchor: 'contract_start', dueDays: 30, productEvent: 'Integration Connected' },
    { key: 'ten-users', name: '10 users', stage: 'adoption', kind: 'value', anchor: 'contract_start', dueDays: 30, condition: { field: 'traits.users', op: 'gte', value: 10 } },
  ],
}

async function productEvent(workspace: TestWorkspace, accountId: string, offset: number, event: string) {
  await ctx.handle.db.execute(sql`INSERT INTO usage_daily_events (workspace_id, account_id, day, event, event_count) VALUES (${workspace.id}, ${accountId}, ${day(offset)}::date, ${event}, 3)`)
}

async function customer(name: string, startOffset: number, users: number | null) {
  const account = await makeAccount(ctx.handle.db, acme.id, { name, traits: users === null ? {} : { users } })
  await makeSubscription(ctx.handle.db, acme.id, account.id, { startDate: day(startOffset), endDate: day(startOffset + 365) })
  return account
}

beforeAll(async () => {
  ctx = await createTestContext()
  acme = await ctx.createWorkspace('acme')
  beta = await ctx.createWorkspace('beta')
  await publish(acme, 'lifecycle', 'default', lifecycle)
  await publish(beta, 'lifecycle', 'default', lifecycle)
})
afterAll(() => ctx?.close())

describe('milestones', () => {
  it('reaches done, late, on track and missed for time, event and value milestones, and never un-achieves a value milestone', async () => {
    const csm = ctx.as(acme, 'csm')
    const a = await customer('Alpha', -20, 12)
    const b = await customer('Bravo', -20, 3)
    const c = await customer('Charlie', -60, 12)
    const d = await customer('Delta', -60, 3)
    const e = await customer('Echo', -3, null)
    await makeTouchpoint(ctx.handle.db, acme.id, a.id, null, { kind: 'meeting', subject: 'Kickoff call with Alpha', occurredAt: at(-18) })
    await makeTouchpoint(ctx.handle.db, acme.id, b.id, null, { kind: 'call', subject: 'Late kickoff', occurredAt: at(-5) })
    await makeTouchpoint(ctx.handle.db, acme.id, d.id, null, { kind: 'note', subject: 'Planned the kickoff', occurredAt: at(-58) }) // a note is not a kickoff
    await productEvent(acme, a.id, -10, 'Integration Connected')
    await productEvent(acme, b.id, -25, 'Integration Connected') // before the contract started: does not count
    await productEvent(acme, c.id, -5, 'Integration Connected')
    await productEvent(acme, d.id, -30, 'Report Built')
    await publish(acme, 'journey', 'onboarding', onboarding)
    await evaluateJourneys(ctx.handle.db, { workspaceId: acme.id })

    const statuses = async (accountId: string) => {
      const response = await csm('GET', `/api/v1/accounts/${accountId}/milestones`)
      expect(response.status).toBe(200)
      const { milestones } = await json<{ milestones: AccountMilestone[] }>(response)
      return Object.fromEntries(milestones.map((milestone) => [milestone.key, milestone.status]))
    }
    expect(await statuses(a.id)).toEqual({ kickoff: 'done', integration: 'done', 'ten-users': 'done' })
    expect(await statuses(b.id)).toEqual({ kickoff: 'late', integration: 'on_track', 'ten-users': 'on_track' })
    expect(await statuses(c.id)).toEqual({ kickoff: 'missed', integration: 'late', 'ten-users': 'late' })
    expect(await statuses(d.id)).toEqual({ kickoff: 'missed', integration: 'missed', 'ten-users': 'missed' })
    expect(await statuses(e.id)).toEqual({ kickoff: 'on_track', integration: 'on_track', 'ten-users': 'on_track' })

    const detail = await json<{ milestones: AccountMilestone[] }>(await csm('GET', `/api/v1/accounts/${a.id}/milestones`))
    expect(detail.milestones[0]).toMatchObject({ journeyName: 'Onboarding', name: 'Kickoff', anchorOn: day(-20), dueOn: day(-13), achievedOn: day(-18) })

    const list = await json<{ journeys: JourneySummary[] }>(await csm('GET', '/api/v1/journeys'))
    const kickoff = list.journeys[0]!.milestones.find((milestone) => milestone.key === 'kickoff')!
    expect(list.journeys[0]!.accounts).toBe(5)
    expect(kickoff.counts).toEqual({ done: 1, late: 1, onTrack: 1, missed: 2, total: 5 })
    expect(kickoff.percent).toEqual({ done: 20, late: 20, onTrack: 20, missed: 40 })
    expect(kickoff.hitRate).toBe(25) // 1 on time of 4 decided

    const missed = await json<{ total: number; accounts: { name: string; daysOverdue: number }[] }>(await csm('GET', '/api/v1/journeys/onboarding/milestones/kickoff/accounts?status=missed'))
    expect(missed.total).toBe(2)
    expect(missed.accounts.map((account) => account.name).sort()).toEqual(['Charlie', 'Delta'])
    expect(missed.accounts[0]!.daysOverdue).toBe(53)

    // The rule stops holding for Alpha (still done) and starts holding for Delta (now late).
    await ctx.handle.db.execute(sql`UPDATE accounts SET traits = '{"users": 1}' WHERE id = ${a.id}`)
    await ctx.handle.db.execute(sql`UPDATE accounts SET traits = '{"users": 15}' WHERE id = ${d.id}`)
    const again = await evaluateJourneys(ctx.handle.db, { workspaceId: acme.id })
    expect(again.changed).toBe(1)
    expect((await statuses(a.id))['ten-users']).toBe('done')
    expect((await statuses(d.id))['ten-users']).toBe('late')
    expect((await evaluateJourneys(ctx.handle.db, { workspaceId: acme.id })).changed).toBe(0)
  })

  it('tracks only the accounts a journey applies to, and drops a milestone removed from the document', async () => {
    await publish(acme, 'segment', 'big', { name: 'Big', condition: { field: 'arr', op: 'gte', value: 50_000 } })
    const big = await makeAccount(ctx.handle.db, acme.id, { name: 'Bigco', arr: 80_000 })
    await evaluateWorkspace(ctx.handle.db, { workspaceId: acme.id })
    await publish(acme, 'journey', 'big-accounts', { name: 'Big accounts', appliesTo: { segment: 'big' }, milestones: [{ key: 'qbr', name: 'QBR', kind: 'time', anchor: 'customer_since', dueDays: 90, touchpointKinds: ['qbr'] }] })
    await publish(acme, 'journey', 'onboarding', { ...onboarding, appliesTo: { all: true, startedWithinDays: 30 }, milestones: onboarding.milestones.slice(0, 1) })
    await evaluateJourneys(ctx.handle.db, { workspaceId: acme.id })
    const list = await json<{ journeys: JourneySummary[] }>(await ctx.as(acme, 'viewer')('GET', '/api/v1/journeys'))
    expect(list.journeys.map((journey) => [journey.key, journey.accounts, journey.milestones.map((milestone) => milestone.key)])).toEqual([
      ['big-accounts', 1, ['qbr']],
      ['onboarding', 4, ['kickoff']], // Alpha, Bravo, Echo, and Bigco (no contract: customer since today) started within 30 days
    ])
    const rows = await queryRows<{ n: number }>(ctx.handle.db, sql`SELECT count(*)::int AS n FROM account_milestones WHERE workspace_id = ${acme.id} AND milestone_key = 'integration'`)
    expect(rows[0]?.n).toBe(0)
    const bigMilestones = await json<{ milestones: AccountMilestone[] }>(await ctx.as(acme, 'viewer')('GET', `/api/v1/accounts/${big.id}/milestones`))
    expect(bigMilestones.milestones.map((milestone) => `${milestone.journeyKey}/${milestone.key}:${milestone.status}`)).toEqual(['big-accounts/qbr:on_track', 'onboarding/kickoff:on_track'])
  })

  it('refuses invalid journeys with the field path, and references to unpublished segments, tiers and stages', async () => {
    const admin = ctx.as(acme, 'admin')
    const put = (body: unknown) => admin('PUT', '/api/v1/config/journey/broken', { body })
    const milestone = onboarding.milestones[0]!
    expect(await fieldsOf(await put({ ...onboarding, milestones: [{ ...milestone, dueDays: -1 }] }))).toEqual(['body.milestones.0.dueDays'])
    expect(await fieldsOf(await put({ ...onboarding, milestones: [{ ...milestone, kind: 'vibes' }] }))).toEqual(['body.milestones.0.kind'])
    expect(await fieldsOf(await put({ ...onboarding, milestones: [onboarding.milestones[2]!, { ...onboarding.milestones[2]!, key: 'other', condition: { field: 'arr', op: 'gt', value: 'lots' } }] }))).toEqual([
      'body.milestones.1.condition.value',
    ])
    expect(await fieldsOf(await put({ ...onboarding, milestones: [milestone, milestone] }))).toEqual(['body.milestones.1.key'])
    expect(await fieldsOf(await put({ ...onboarding, milestones: [{ ...milestone, anchor: 'stage_entered', stage: undefined }] }))).toEqual(['body.milestones.0.stage'])
    expect(await fieldsOf(await put({ ...onboarding, appliesTo: { all: true, tier: 'smb' } }))).toEqual(['body.appliesTo'])
    expect(await fieldsOf(await put({ ...onboarding, appliesTo: { segment: 'nope' } }))).toEqual(['body.appliesTo.segment'])
    expect(await fieldsOf(await put({ ...onboarding, appliesTo: { tier: 'smb' } }))).toEqual(['body.appliesTo.tier'])
    expect(await fieldsOf(await put({ ...onboarding, milestones: [{ ...milestone, stage: 'nirvana' }] }))).toEqual(['body.milestones.0.stage'])
    const bad = await ctx.as(acme, 'viewer')('GET', '/api/v1/journeys/onboarding/milestones/kickoff/accounts?status=sideways')
    expect(bad.status).toBe(400)
    expect(await fieldsOf(bad)).toEqual(['status'])
    expect((await ctx.as(acme, 'viewer')('GET', '/api/v1/journeys/onboarding/milestones/nope/accounts')).status).toBe(404)
  })

  it('lets every role read, only config writers recompute or edit, and keeps workspaces apart', async () => {
    expect((await ctx.as(acme, 'viewer')('GET', '/api/v1/journey-map')).status).toBe(200)
    expect((await ctx.as(acme, 'viewer')('POST', '/api/v1/journeys/evaluate')).status).toBe(403)
    expect((await ctx.as(acme, 'csm')('PUT', '/api/v1/config/journey/mine', { body: onboarding })).status).toBe(403)
    expect((await ctx.as(acme, 'admin')('POST', '/api/v1/journeys/evaluate')).status).toBe(200)
    expect((await ctx.app.request('/api/v1/journeys')).status).toBe(401)
    const [foreign] = await queryRows<{ account_id: string }>(ctx.handle.db, sql`SELECT account_id FROM account_milestones WHERE workspace_id = ${acme.id} LIMIT 1`)
    expect((await ctx.as(beta, 'owner')('GET', `/api/v1/accounts/${foreign!.account_id}/milestones`)).status).toBe(404)
    expect((await json<{ journeys: unknown[] }>(await ctx.as(beta, 'owner')('GET', '/api/v1/journeys'))).journeys).toEqual([])
  })
})

describe('journey map', () => {
  it('shows conversion to the next stage, median time in stage and milestone hit rates from the stage history', async () => {
    const db = ctx.handle.db
    const ids: string[] = []
    for (const name of ['One', 'Two', 'Three', 'Four']) ids.push((await makeAccount(db, beta.id, { name })).id)
    const [one, two, three, four] = ids as [string, string, string, string]
    await db.execute(sql`DELETE FROM account_membership_changes WHERE workspace_id = ${beta.id}`)
    await db.execute(sql`DELETE FROM account_memberships WHERE workspace_id = ${beta.id}`)
    await db.execute(sql`DELETE FROM account_evaluation_queue WHERE workspace_id = ${beta.id}`)
    const history: [string, string, 'entered' | 'exited', number][] = [
      [one, 'onboarding', 'entered', -40],
      [one, 'onboarding', 'exited', -30],
      [one, 'adoption', 'entered', -30],
      [one, 'adoption', 'exited', -10],
      [one, 'renewal', 'entered', -10],
      [two, 'onboarding', 'entered', -20],
      [two, 'onboarding', 'exited', -14],
      [two, 'adoption', 'entered', -14],
      [three, 'onboarding', 'entered', -5],
      [four, 'onboarding', 'entered', -300],
      [four, 'onboarding', 'exited', -250],
      [four, 'adoption', 'entered', -250],
    ]
    for (const [accountId, stage, change, offset] of history) {
      await db.execute(sql`INSERT INTO account_membership_changes (workspace_id, account_id, family, group_key, change, at) VALUES (${beta.id}, ${accountId}, 'stage', ${stage}, ${change}, ${at(offset)}::timestamptz)`)
    }
    for (const [accountId, stage, offset] of [[one, 'renewal', -10], [two, 'adoption', -14], [three, 'onboarding', -5], [four, 'adoption', -250]] as const) {
      await db.execute(sql`INSERT INTO account_memberships (workspace_id, family, account_id, group_key, entered_at, computed_key) VALUES (${beta.id}, 'stage', ${accountId}, ${stage}, ${at(offset)}::timestamptz, ${stage})`)
    }
    await makeTouchpoint(db, beta.id, one, null, { kind: 'call', subject: 'Adoption check-in', occurredAt: at(-28) })
    await publish(beta, 'journey', 'adoption', {
      name: 'Adoption',
      appliesTo: { all: true },
      milestones: [{ key: 'check-in', name: 'Check-in call', stage: 'adoption', kind: 'time', anchor: 'stage_entered', dueDays: 7, touchpointKinds: ['call'] }],
    })
    await evaluateJourneys(db, { workspaceId: beta.id })

    const map = await json<JourneyMap>(await ctx.as(beta, 'viewer')('GET', '/api/v1/journey-map?days=180'))
    const stage = (key: string) => map.stages.find((candidate) => candidate.key === key)!
    expect(map.stages.map((candidate) => candidate.key)).toEqual(['onboarding', 'adoption', 'renewal', 'churned'])
    expect(stage('onboarding')).toMatchObject({ accounts: 1, entered: 3, completedStays: 2, medianDaysCompleted: 8, conversion: { toKey: 'adoption', entered: 3, reachedNext: 2, rate: 66.7, progressed: 2 } })
    expect(stage('adoption')).toMatchObject({ accounts: 2, medianDaysInStage: 132, medianDaysCompleted: 20, conversion: { toKey: 'renewal', entered: 2, reachedNext: 1, rate: 50 } })
    expect(stage('renewal').conversion).toBeNull() // the next stage is terminal
    expect(stage('churned').conversion).toBeNull()
    // One entered Adoption 30 days ago and had its call 2 days later; Two and Four never did.
    expect(stage('adoption').milestones).toMatchObject([{ key: 'check-in', counts: { done: 1, missed: 2, total: 3 }, hitRate: 33.3 }])
    expect(map.unstagedMilestones).toEqual([])
    expect((await ctx.as(beta, 'viewer')('GET', '/api/v1/journey-map?days=3')).status).toBe(400)
  })

  it('reconstructs past stage history from the data (demo backfill), once', async () => {
    const gamma = await ctx.createWorkspace('gamma')
    await publish(gamma, 'lifecycle', 'default', lifecycle)
    const db = ctx.handle.db
    const old = await makeAccount(db, gamma.id, { name: 'Old' })
    const fresh = await makeAccount(db, gamma.id, { name: 'Fresh' })
    await db.execute(sql`UPDATE accounts SET created_at = now() - interval '100 days' WHERE id = ${old.id}`)
    await db.execute(sql`UPDATE accounts SET created_at = now() - interval '10 days' WHERE id = ${fresh.id}`)
    const result = await backfillStageHistory(db, { workspaceId: gamma.id })
    expect(result).toMatchObject({ skipped: false, accounts: 2 })
    const history = await queryRows<{ account_id: string; group_key: string; change: string; reason: string }>(
      db,
      sql`SELECT account_id, group_key, change, reason FROM account_membership_changes WHERE workspace_id = ${gamma.id} AND family = 'stage' ORDER BY account_id, at, id`,
    )
    // Old: onboarding from its creation until it was 60 days old, then adoption — as one continuous stay up to now.
    expect(history.filter((row) => row.account_id === old.id).map((row) => `${row.change} ${row.group_key} (${row.reason})`)).toEqual([
      'entered onboarding (backfill)',
      'exited onboarding (backfill)',
      'entered adoption (backfill)',
    ])
    const [membership] = await queryRows<{ days: number }>(db, sql`SELECT extract(day FROM now() - entered_at)::int AS days FROM account_memberships WHERE workspace_id = ${gamma.id} AND family = 'stage' AND account_id = ${old.id}`)
    expect(membership!.days).toBeGreaterThanOrEqual(34)
    expect(membership!.days).toBeLessThanOrEqual(41)
    const map = await json<JourneyMap>(await ctx.as(gamma, 'viewer')('GET', '/api/v1/journey-map'))
    expect(map.stages[0]).toMatchObject({ key: 'onboarding', accounts: 1, completedStays: 1, conversion: { entered: 2, reachedNext: 1 } })
    expect((await backfillStageHistory(db, { workspaceId: gamma.id })).skipped).toBe(true)
    // The reconstructed past raises no domain events: only today's classification did.
    const events = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM domain_events WHERE workspace_id = ${gamma.id} AND type = 'lifecycle.changed' AND account_id = ${old.id}`)
    expect(events[0]?.n).toBe(1)
  })
})
