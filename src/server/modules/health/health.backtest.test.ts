import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../../platform/db'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import type { Backtest, SuggestedWeights } from './health.backtest'
import type { StoredMeasure } from './health.tables'
import { ScorecardBodySchema } from './scorecard.config'

let ctx: TestContext
let acme: TestWorkspace
let beta: TestWorkspace

const json = async <T>(response: Response) => (await response.json()) as T
const fieldsOf = async (response: Response) => ((await response.json()) as { errors?: { field: string }[] }).errors?.map((error) => error.field) ?? []
const DAY = 86_400_000
const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10)
const T = day(-120)
const H = 60

/** Adoption (a custom field) carries most of the weight; `noise` is another custom field with no bearing on churn. */
const body = ScorecardBodySchema.parse({
  name: 'Backtested',
  appliesTo: { default: true },
  bands: { red: 40, yellow: 65 },
  groups: [
    { key: 'adoption', name: 'Adoption', weight: 60, measures: [{ key: 'adoption', name: 'Adoption', source: { type: 'trait', key: 'adoption' }, scoring: { type: 'linear', from: 0, to: 100, direction: 'higher_is_better' }, weight: 1 }] },
    { key: 'other', name: 'Other', weight: 40, measures: [{ key: 'noise', name: 'Noise', source: { type: 'trait', key: 'noise' }, scoring: { type: 'linear', from: 0, to: 100, direction: 'higher_is_better' }, weight: 1 }] },
  ],
})

async function publish(workspace: TestWorkspace, key: string) {
  const admin = ctx.as(workspace, 'admin')
  expect((await admin('PUT', `/api/v1/config/scorecard/${key}`, { body, comment: 'test' })).status).toBe(200)
  expect((await admin('POST', `/api/v1/config/scorecard/${key}/publish`)).status).toBe(200)
}

/** A deterministic generator (mulberry32), so the crafted book is the same on every run. */
function rng(seed: number) {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

const stored = (key: string, group: string, value: number | null): StoredMeasure => ({ key, group, value, points: value, weight: 1, effectiveWeight: 0.5, missing: value === null })

/**
 * `count` accounts with a snapshot three days before T; low adoption churns far more often (churn
 * outcomes within the horizon). Returns the number churned.
 */
async function craftBook(workspace: TestWorkspace, params: { count: number; seed: number; churnScale: number }) {
  const random = rng(params.seed)
  const ids = await queryRows<{ id: string }>(
    ctx.handle.db,
    sql`INSERT INTO accounts (workspace_id, external_id, name, arr) SELECT ${workspace.id}, 'BT-' || n, 'Backtest ' || n, 12000 FROM generate_series(1, ${params.count}) AS n RETURNING id`,
  )
  const snapshots: Record<string, unknown>[] = []
  const outcomes: Record<string, unknown>[] = []
  for (const { id } of ids) {
    const adoption = Math.round(random() * 100)
    const noise = Math.round(random() * 100)
    snapshots.push({ accountId: id, measures: [stored('adoption', 'adoption', adoption), stored('noise', 'other', random() < 0.2 ? null : noise)] })
    const risk = (adoption < 25 ? 0.6 : adoption < 50 ? 0.2 : 0.04) * params.churnScale
    const roll = random()
    if (roll < risk) outcomes.push({ accountId: id, kind: 'churned', occurredOn: day(-120 + 5 + Math.floor(random() * 50)), arrBefore: 12000, arrAfter: 0 })
    else if (roll < risk + 0.05) outcomes.push({ accountId: id, kind: 'contracted', occurredOn: day(-100), arrBefore: 12000, arrAfter: 8000 })
  }
  await ctx.handle.db.execute(sql`
    INSERT INTO health_snapshots (workspace_id, account_id, day, scorecard_key, scorecard_version, score, band, measures)
    SELECT ${workspace.id}, r."accountId", ${day(-123)}::date, 'bt', 1, 50, 'yellow', r.measures
    FROM jsonb_to_recordset(${JSON.stringify(snapshots)}::jsonb) AS r("accountId" uuid, measures jsonb)`)
  if (outcomes.length > 0)
    await ctx.handle.db.execute(sql`
      INSERT INTO account_outcomes (workspace_id, account_id, kind, occurred_on, arr_before, arr_after)
      SELECT ${workspace.id}, r."accountId", r.kind, r."occurredOn"::date, r."arrBefore", r."arrAfter"
      FROM jsonb_to_recordset(${JSON.stringify(outcomes)}::jsonb) AS r("accountId" uuid, kind text, "occurredOn" text, "arrBefore" numeric, "arrAfter" numeric)`)
  return { ids: ids.map((row) => row.id), churned: outcomes.filter((outcome) => outcome.kind === 'churned').length }
}

beforeAll(async () => {
  ctx = await createTestContext()
  acme = await ctx.createWorkspace('acme')
  beta = await ctx.createWorkspace('beta')
  await publish(acme, 'bt')
  await publish(beta, 'bt')
  const book = await craftBook(acme, { count: 400, seed: 7, churnScale: 1 })
  // Churned two days before T (after its snapshot): no longer a customer at T, so left out.
  await ctx.handle.db.execute(sql`UPDATE accounts SET status = 'churned', churned_at = ${day(-122)}::date WHERE workspace_id = ${acme.id} AND id = ${book.ids[0]!}`)
  await ctx.handle.db.execute(sql`DELETE FROM account_outcomes WHERE workspace_id = ${acme.id} AND account_id = ${book.ids[0]!}`)
  await craftBook(beta, { count: 40, seed: 11, churnScale: 0.1 })
})
afterAll(() => ctx?.close())

describe('backtest', () => {
  it('scores the snapshots at T against churn in the horizon: AUC, ordered bands, per-measure signal and calibration', async () => {
    const response = await ctx.as(acme, 'viewer')('GET', `/api/v1/health/backtest?scorecard=bt&at=${T}&horizonDays=${H}`)
    expect(response.status, await response.clone().text()).toBe(200)
    const result = await json<Backtest>(response)
    expect(result).toMatchObject({ scorecard: { key: 'bt', version: 1, status: 'published' }, at: T, horizonDays: H, snapshotDay: day(-123), accounts: 399, enough: true, missing: null })
    expect(result.churned).toBeGreaterThan(40)
    expect(result.auc!).toBeGreaterThan(0.7)
    const [red, yellow, green] = result.bands
    expect(red!.churnRate!).toBeGreaterThan(yellow!.churnRate!)
    expect(yellow!.churnRate!).toBeGreaterThan(green!.churnRate!)
    expect(red!.arrLost).toBe(red!.churned * 12000)
    expect(result.bands.reduce((sum, band) => sum + band.contracted, 0)).toBeGreaterThan(0)
    expect(result.redVsGreen!).toBeGreaterThan(2)
    const adoption = result.measures.find((measure) => measure.key === 'adoption')!
    const noise = result.measures.find((measure) => measure.key === 'noise')!
    expect(adoption).toMatchObject({ direction: 'higher is safer', missingShare: 0 })
    expect(adoption.auc!).toBeGreaterThan(0.75)
    expect(Math.abs(noise.auc! - 0.5)).toBeLessThan(0.08)
    expect(noise.missingShare).toBeGreaterThan(0.1)
    expect(Math.abs(noise.missingShareChurned! - noise.missingShare)).toBeLessThan(0.15)
    expect(result.calibration).toHaveLength(10)
    expect(result.calibration[0]!.churnRate).toBeGreaterThan(result.calibration[9]!.churnRate)
    expect(result.calibration.reduce((sum, row) => sum + row.churned, 0)).toBe(result.churned)
  })

  it('defaults to the published default scorecard and a T whose horizon has passed', async () => {
    const result = await json<Backtest>(await ctx.as(acme, 'csm')('GET', '/api/v1/health/backtest'))
    expect(result).toMatchObject({ scorecard: { key: 'bt' }, horizonDays: 56, at: day(-123), accounts: 400 })
  })

  it('says how much history is missing', async () => {
    const few = await json<Backtest>(await ctx.as(beta, 'viewer')('GET', `/api/v1/health/backtest?scorecard=bt&at=${T}&horizonDays=${H}`))
    expect(few.enough).toBe(false)
    expect(few.missing).toMatch(/needs \d+ more churned accounts/)
    const none = await json<Backtest>(await ctx.as(acme, 'viewer')('GET', `/api/v1/health/backtest?scorecard=bt&at=${day(-300)}&horizonDays=${H}`))
    expect(none).toMatchObject({ enough: false, accounts: 0, auc: null })
    expect(none.missing).toContain(`snapshots cover ${day(-123)} to ${day(-123)}`)
    const future = await json<Backtest>(await ctx.as(acme, 'viewer')('GET', `/api/v1/health/backtest?scorecard=bt&at=${T}&horizonDays=200`))
    expect(future.enough).toBe(false)
    expect(future.missing).toContain('after today')
    const suggestion = await json<SuggestedWeights>(await ctx.as(beta, 'admin')('POST', '/api/v1/health/backtest/suggest', { scorecard: 'bt', at: T, horizonDays: H }))
    expect(suggestion).toMatchObject({ enough: false, weights: null, aucAfter: null })
  })

  it('answers 400 naming the field and 404 for an unknown scorecard or version', async () => {
    const viewer = ctx.as(acme, 'viewer')
    const bad = await viewer('GET', '/api/v1/health/backtest?horizonDays=3')
    expect(bad.status).toBe(400)
    expect(await fieldsOf(bad)).toContain('horizonDays')
    const badDay = await viewer('GET', '/api/v1/health/backtest?at=yesterday')
    expect(badDay.status).toBe(400)
    expect(await fieldsOf(badDay)).toContain('at')
    const unknown = await viewer('GET', '/api/v1/health/backtest?scorecard=nope')
    expect(unknown.status).toBe(404)
    expect(await fieldsOf(unknown)).toEqual(['scorecard'])
    const version = await viewer('GET', '/api/v1/health/backtest?scorecard=bt&version=9')
    expect(version.status).toBe(404)
    expect(await fieldsOf(version)).toEqual(['version'])
    const suggestBad = await ctx.as(acme, 'admin')('POST', '/api/v1/health/backtest/suggest', { scorecard: 'bt', horizonDays: 'long' })
    expect(suggestBad.status).toBe(400)
    expect(await fieldsOf(suggestBad)).toContain('horizonDays')
  })
})

describe('suggested weights', () => {
  it('puts more weight on the predictive measure, and accepting saves a draft that is not published', async () => {
    const admin = ctx.as(acme, 'admin')
    const response = await admin('POST', '/api/v1/health/backtest/suggest', { scorecard: 'bt', at: T, horizonDays: H })
    expect(response.status, await response.clone().text()).toBe(200)
    const suggestion = await json<SuggestedWeights>(response)
    expect(suggestion.enough).toBe(true)
    const adoption = suggestion.measures.find((measure) => measure.key === 'adoption')!
    const noise = suggestion.measures.find((measure) => measure.key === 'noise')!
    expect(adoption.before).toBe(60)
    expect(adoption.after).toBeGreaterThan(80)
    expect(noise.after).toBeLessThan(noise.before)
    expect(adoption.coefficient!).toBeLessThan(0)
    expect(suggestion.aucAfter!).toBeGreaterThan(suggestion.aucBefore! - 0.01)
    expect(suggestion.weights!.measures).toHaveProperty('adoption')

    const csm = await ctx.as(acme, 'csm')('POST', '/api/v1/health/backtest/accept', { scorecard: 'bt', weights: suggestion.weights })
    expect(csm.status).toBe(403)
    const unknownMeasure = await admin('POST', '/api/v1/health/backtest/accept', { scorecard: 'bt', weights: { measures: { nope: 2 } } })
    expect(unknownMeasure.status).toBe(400)
    expect(await fieldsOf(unknownMeasure)).toEqual(['weights.measures.nope'])
    const zero = await admin('POST', '/api/v1/health/backtest/accept', { scorecard: 'bt', weights: { groups: { adoption: 0 } } })
    expect(zero.status).toBe(400)
    expect((await fieldsOf(zero))[0]).toMatch(/^weights\.groups/)

    const accepted = await admin('POST', '/api/v1/health/backtest/accept', { scorecard: 'bt', version: 1, weights: suggestion.weights, comment: 'From the backtest' })
    expect(accepted.status, await accepted.clone().text()).toBe(201)
    expect(await accepted.json()).toEqual({ key: 'bt', version: 2, status: 'draft', url: '/configuration/scorecard/bt' })
    const document = await json<{ state: string; published: { version: number; body: typeof body }; draft: { version: number; comment: string; body: typeof body } }>(
      await admin('GET', '/api/v1/config/scorecard/bt'),
    )
    expect(document.published.version).toBe(1)
    expect(document.published.body.groups[0]!.weight).toBe(60)
    expect(document.draft).toMatchObject({ version: 2, comment: 'From the backtest' })
    expect(document.draft.body.groups.map((group) => group.weight)).toEqual([suggestion.weights!.groups.adoption, suggestion.weights!.groups.other])

    // The draft itself can be backtested, and scores better than the published version.
    const draft = await json<Backtest>(await admin('GET', `/api/v1/health/backtest?scorecard=bt&version=2&at=${T}&horizonDays=${H}`))
    expect(draft.scorecard).toMatchObject({ version: 2, status: 'draft' })
    expect(draft.auc!).toBeGreaterThan(suggestion.aucBefore!)
  })
})
