import crypto from 'node:crypto'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../../platform/db'
import { makeAccount } from '../../testing/factories'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { evaluateWorkspace } from '../segments'
import { createPlanFromTemplate } from './success-plans.service'
import type { PlanSummaryView, PlanView, SharedPlanView, TemplateView } from './success-plans.service'

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

const lifecycle = {
  stages: [
    { key: 'onboarding', name: 'Onboarding' },
    { key: 'renewal', name: 'Renewal', entry: { field: 'renewal_date', op: 'within_next_days', days: 90 } },
    { key: 'churned', name: 'Churned', entry: { field: 'status', op: 'eq', value: 'churned' }, terminal: true },
  ],
}
const tiers = { tiers: [{ key: 'enterprise', name: 'Enterprise', condition: { field: 'arr', op: 'gte', value: 100_000 } }, { key: 'standard', name: 'Standard' }] }

const onboardingTemplate = {
  name: 'Onboarding plan',
  description: 'Kickoff to first value.',
  appliesTo: { stages: ['onboarding'] },
  objectives: [
    {
      title: 'Set up',
      milestones: [
        { title: 'Kickoff held', dueDays: 7, owner: 'csm' },
        { title: 'SSO configured', dueDays: 14, owner: 'customer' },
      ],
    },
    { title: 'Go live', description: 'First team working in it.', milestones: [{ title: 'First team trained', dueDays: 30, owner: 'csm' }] },
  ],
}
const renewalTemplate = { name: 'Renewal readiness', appliesTo: { stages: ['renewal'] }, objectives: [{ title: 'Secure the renewal', milestones: [{ title: 'Proposal sent', dueDays: 30, owner: 'csm' }] }] }
const enterpriseRenewalTemplate = { name: 'Enterprise renewal', appliesTo: { stages: ['renewal'], tiers: ['enterprise'] }, objectives: [{ title: 'Executive review', milestones: [] }] }

beforeAll(async () => {
  ctx = await createTestContext()
  acme = await ctx.createWorkspace('acme')
  beta = await ctx.createWorkspace('beta')
  for (const workspace of [acme, beta]) {
    await publish(workspace, 'lifecycle', 'default', lifecycle)
    await publish(workspace, 'tiers', 'default', tiers)
    await publish(workspace, 'success-plan', 'onboarding', onboardingTemplate)
  }
  await publish(acme, 'success-plan', 'renewal', renewalTemplate)
  await publish(acme, 'success-plan', 'enterprise-renewal', enterpriseRenewalTemplate)
})
afterAll(() => ctx?.close())

describe('templates', () => {
  it('name the failing field: unknown stages, tiers and segments, duplicate milestone titles, no objectives', async () => {
    const admin = ctx.as(acme, 'admin')
    const put = (body: unknown) => admin('PUT', '/api/v1/config/success-plan/bad', { body })
    const unknownStage = await put({ ...onboardingTemplate, appliesTo: { stages: ['nirvana'], tiers: ['standard', 'platinum'], segments: ['whales'] } })
    expect(unknownStage.status).toBe(400)
    expect(await fieldsOf(unknownStage)).toEqual(['body.appliesTo.segments.0', 'body.appliesTo.stages.0', 'body.appliesTo.tiers.1'])
    const duplicate = { ...onboardingTemplate, objectives: [{ title: 'Set up', milestones: [{ title: 'Kickoff', dueDays: 1, owner: 'csm' }, { title: 'kickoff', dueDays: 2, owner: 'customer' }] }] }
    expect(await fieldsOf(await put(duplicate))).toEqual(['body.objectives.0.milestones.1.title'])
    expect(await fieldsOf(await put({ ...onboardingTemplate, objectives: [] }))).toEqual(['body.objectives'])
    expect(await fieldsOf(await put({ ...onboardingTemplate, objectives: [{ title: 'x', milestones: [{ title: 'y', dueDays: -1, owner: 'partner' }] }] }))).toEqual([
      'body.objectives.0.milestones.0.dueDays',
      'body.objectives.0.milestones.0.owner',
    ])
  })
})

describe('plans from templates', () => {
  it('creates objectives and milestones due startOn + dueDays, CSM milestones owned by the owner and customer ones by the customer', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { ownerId: acme.users.csm.id })
    const { plan, created } = await createPlanFromTemplate(ctx.handle.db, { workspaceId: acme.id, accountId: account.id, templateKey: 'onboarding', ownerId: acme.users.csm.id, startOn: '2025-03-01' })
    expect(created).toBe(true)
    expect(plan).toMatchObject({ title: 'Onboarding plan', templateKey: 'onboarding', templateVersion: 1, status: 'active', ownerId: acme.users.csm.id })

    const view = await json<PlanView>(await ctx.as(acme, 'viewer')('GET', `/api/v1/success-plans/${plan.id}`))
    expect(view.accountName).toBe(account.name)
    expect(view.objectives.map((objective) => objective.title)).toEqual(['Set up', 'Go live'])
    expect(view.objectives[1]!.description).toBe('First team working in it.')
    expect(view.objectives[0]!.milestones.map((milestone) => [milestone.title, milestone.dueOn, milestone.ownerId, milestone.ownerName, milestone.customerOwner])).toEqual([
      ['Kickoff held', '2025-03-08', acme.users.csm.id, 'Cara CSM', null],
      ['SSO configured', '2025-03-15', null, null, 'Customer'],
    ])
    expect(view.objectives[1]!.milestones[0]).toMatchObject({ title: 'First team trained', dueOn: '2025-03-31', ownerId: acme.users.csm.id })
    expect(view.progress).toEqual({ done: 0, total: 3, percent: 0 })
    expect(view.overdue).toBe(3) // due in 2025
    expect(view.nextDue).toMatchObject({ title: 'Kickoff held', dueOn: '2025-03-08' })
  })

  it('starts today through the API, owned by the account owner by default; an unknown template is a 400 on templateKey', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { ownerId: acme.users.manager.id })
    const csm = ctx.as(acme, 'csm')
    const response = await csm('POST', `/api/v1/accounts/${account.id}/success-plans`, { templateKey: 'onboarding' })
    expect(response.status, await response.clone().text()).toBe(201)
    const plan = await json<PlanView>(response)
    expect(plan.ownerId).toBe(acme.users.manager.id)
    expect(plan.objectives[0]!.milestones[0]!.dueOn).toBe(day(7))
    expect(plan.objectives[0]!.milestones[0]!.ownerId).toBe(acme.users.manager.id)
    expect(plan.overdue).toBe(0)

    const unknown = await csm('POST', `/api/v1/accounts/${account.id}/success-plans`, { templateKey: 'nope' })
    expect(unknown.status).toBe(400)
    expect(await fieldsOf(unknown)).toEqual(['templateKey'])
    expect(await fieldsOf(await csm('POST', `/api/v1/accounts/${account.id}/success-plans`, {}))).toEqual(['templateKey'])
    expect(await fieldsOf(await csm('POST', `/api/v1/accounts/${account.id}/success-plans`, { templateKey: 'onboarding', startOn: '2025-02-30' }))).toEqual(['startOn'])
    expect(await fieldsOf(await csm('POST', `/api/v1/accounts/${account.id}/success-plans`, { templateKey: 'onboarding', ownerId: beta.users.csm.id }))).toEqual(['ownerId'])
  })

  it('is made once per playbook run and step, also inside a caller’s transaction that may roll back', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const playbook = { runId: crypto.randomUUID(), stepId: 'plan' }
    const params = { workspaceId: acme.id, accountId: account.id, templateKey: 'onboarding', ownerId: null, playbook }
    const first = await createPlanFromTemplate(ctx.handle.db, params)
    const again = await createPlanFromTemplate(ctx.handle.db, params)
    const inTransaction = await ctx.handle.db.transaction((tx) => createPlanFromTemplate(tx, params))
    expect(first.created).toBe(true)
    expect(again).toMatchObject({ created: false, plan: { id: first.plan.id } })
    expect(inTransaction).toMatchObject({ created: false, plan: { id: first.plan.id } })
    const [counts] = await queryRows<{ plans: number; items: number }>(
      ctx.handle.db,
      sql`SELECT (SELECT count(*)::int FROM success_plans WHERE workspace_id = ${acme.id} AND account_id = ${account.id}) AS plans,
                 (SELECT count(*)::int FROM success_plan_items WHERE workspace_id = ${acme.id} AND plan_id = ${first.plan.id}) AS items`,
    )
    expect(counts).toEqual({ plans: 1, items: 5 })

    // Another step of the same run makes its own plan; a rolled-back caller leaves nothing.
    const other = await createPlanFromTemplate(ctx.handle.db, { ...params, playbook: { ...playbook, stepId: 'plan-2' } })
    expect(other.created).toBe(true)
    expect(other.plan.id).not.toBe(first.plan.id)
    const rollback = new Error('rollback')
    await expect(
      ctx.handle.db.transaction(async (tx) => {
        const made = await createPlanFromTemplate(tx, { ...params, playbook: { ...playbook, stepId: 'plan-3' } })
        expect(made.created).toBe(true)
        throw rollback
      }),
    ).rejects.toBe(rollback)
    const [left] = await queryRows<{ n: number }>(ctx.handle.db, sql`SELECT count(*)::int AS n FROM success_plans WHERE workspace_id = ${acme.id} AND playbook_step_id = 'plan-3'`)
    expect(left!.n).toBe(0)
  })

  it('makes one plan when several workers run the same step at once', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const params = { workspaceId: acme.id, accountId: account.id, templateKey: 'onboarding', ownerId: null, playbook: { runId: crypto.randomUUID(), stepId: 'plan' } }
    const results = await Promise.all(Array.from({ length: 6 }, () => ctx.handle.db.transaction((tx) => createPlanFromTemplate(tx, params))))
    expect(results.filter((result) => result.created)).toHaveLength(1)
    expect(new Set(results.map((result) => result.plan.id)).size).toBe(1)
    const [items] = await queryRows<{ n: number }>(ctx.handle.db, sql`SELECT count(*)::int AS n FROM success_plan_items WHERE workspace_id = ${acme.id} AND plan_id = ${results[0]!.plan.id}`)
    expect(items!.n).toBe(5)
  })
})

describe('suggestions', () => {
  it('offers the templates that match the account’s stage (and tier), marking one already in use', async () => {
    const starting = await makeAccount(ctx.handle.db, acme.id, { arr: 200_000 })
    const renewing = await makeAccount(ctx.handle.db, acme.id, { arr: 20_000, renewalDate: day(30) })
    const renewingBig = await makeAccount(ctx.handle.db, acme.id, { arr: 250_000, renewalDate: day(30) })
    await evaluateWorkspace(ctx.handle.db, { workspaceId: acme.id })
    const csm = ctx.as(acme, 'csm')
    const suggest = async (accountId: string) => {
      const response = await csm('GET', `/api/v1/accounts/${accountId}/success-plans/suggestions`)
      expect(response.status).toBe(200)
      return json<{ suggestions: TemplateView[]; others: TemplateView[] }>(response)
    }
    const first = await suggest(starting.id)
    expect(first.suggestions.map((template) => template.key)).toEqual(['onboarding'])
    expect(first.suggestions[0]).toMatchObject({ name: 'Onboarding plan', objectives: 2, milestones: 3, appliesTo: 'stage onboarding', activePlanId: null })
    expect(first.others.map((template) => template.key).sort()).toEqual(['enterprise-renewal', 'renewal'])
    expect((await suggest(renewing.id)).suggestions.map((template) => template.key)).toEqual(['renewal'])
    expect((await suggest(renewingBig.id)).suggestions.map((template) => template.key)).toEqual(['enterprise-renewal', 'renewal'])

    const plan = await json<PlanView>(await csm('POST', `/api/v1/accounts/${renewing.id}/success-plans`, { templateKey: 'renewal' }))
    expect((await suggest(renewing.id)).suggestions[0]!.activePlanId).toBe(plan.id)
    expect((await csm('GET', `/api/v1/accounts/${crypto.randomUUID()}/success-plans/suggestions`)).status).toBe(404)
  })
})

describe('plans by hand and their items', () => {
  it('adds, edits, ticks and removes objectives and milestones; progress, overdue and the next due milestone follow', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { ownerId: acme.users.csm.id })
    const csm = ctx.as(acme, 'csm')
    const created = await csm('POST', `/api/v1/accounts/${account.id}/success-plans`, {
      title: 'Expansion to EMEA',
      objectives: [{ title: 'Land EMEA team', milestones: [{ title: 'Intro call', dueOn: day(-3) }, { title: 'Pilot signed', dueOn: day(20), customerOwner: 'Jane (VP Ops)' }] }],
    })
    expect(created.status, await created.clone().text()).toBe(201)
    const plan = await json<PlanView>(created)
    expect(plan).toMatchObject({ title: 'Expansion to EMEA', templateKey: null, ownerId: acme.users.csm.id, overdue: 1, progress: { done: 0, total: 2, percent: 0 } })
    const [intro, pilot] = plan.objectives[0]!.milestones
    expect(intro).toMatchObject({ ownerId: acme.users.csm.id, overdue: true })
    expect(pilot).toMatchObject({ ownerId: null, customerOwner: 'Jane (VP Ops)', overdue: false })

    const objective = await csm('POST', `/api/v1/success-plans/${plan.id}/items`, { kind: 'objective', title: 'Prove value' })
    expect(objective.status).toBe(201)
    const objectiveId = (await json<{ id: string; position: number }>(objective)).id
    const milestone = await json<{ id: string; position: number; ownerId: string | null }>(
      await csm('POST', `/api/v1/success-plans/${plan.id}/items`, { kind: 'milestone', parentId: objectiveId, title: 'ROI review', dueOn: day(10) }),
    )
    expect(milestone).toMatchObject({ position: 0, ownerId: acme.users.csm.id })
    expect(await fieldsOf(await csm('POST', `/api/v1/success-plans/${plan.id}/items`, { kind: 'milestone', parentId: intro!.id, title: 'Nested' }))).toEqual(['parentId'])
    expect(await fieldsOf(await csm('POST', `/api/v1/success-plans/${plan.id}/items`, { kind: 'milestone', parentId: objectiveId }))).toEqual(['title'])
    expect(await fieldsOf(await csm('POST', `/api/v1/success-plans/${plan.id}/items`, { kind: 'task', title: 'x' }))).toEqual(['kind'])

    const ticked = await csm('PATCH', `/api/v1/success-plans/${plan.id}/items/${intro!.id}`, { done: true })
    expect(ticked.status).toBe(200)
    const tickedItem = await json<{ done: boolean; doneAt: string }>(ticked)
    expect(tickedItem.done).toBe(true)
    // Ticking again keeps the first day it was done.
    expect((await json<{ doneAt: string }>(await csm('PATCH', `/api/v1/success-plans/${plan.id}/items/${intro!.id}`, { done: true }))).doneAt).toBe(tickedItem.doneAt)
    const edited = await csm('PATCH', `/api/v1/success-plans/${plan.id}/items/${pilot!.id}`, { title: 'Pilot contract signed', ownerId: acme.users.manager.id, customerOwner: null, dueOn: day(25) })
    expect(await json<unknown>(edited)).toMatchObject({ title: 'Pilot contract signed', ownerId: acme.users.manager.id, ownerName: 'Max Manager', customerOwner: null, dueOn: day(25) })
    expect(await fieldsOf(await csm('PATCH', `/api/v1/success-plans/${plan.id}/items/${pilot!.id}`, { dueOn: 'soon' }))).toEqual(['dueOn'])
    expect(await fieldsOf(await csm('PATCH', `/api/v1/success-plans/${plan.id}/items/${pilot!.id}`, { ownerId: beta.users.csm.id }))).toEqual(['ownerId'])
    expect(await fieldsOf(await csm('PATCH', `/api/v1/success-plans/${plan.id}/items/${pilot!.id}`, { colour: 'red' }))).toEqual(['colour'])

    let view = await json<PlanView>(await csm('GET', `/api/v1/success-plans/${plan.id}`))
    expect(view.progress).toEqual({ done: 1, total: 3, percent: 33 })
    expect(view.overdue).toBe(0)
    expect(view.nextDue).toMatchObject({ title: 'ROI review', dueOn: day(10) })

    expect((await csm('DELETE', `/api/v1/success-plans/${plan.id}/items/${objectiveId}`)).status).toBe(204)
    expect((await csm('DELETE', `/api/v1/success-plans/${plan.id}/items/${milestone.id}`)).status).toBe(404) // went with its objective
    view = await json<PlanView>(await csm('GET', `/api/v1/success-plans/${plan.id}`))
    expect(view.objectives).toHaveLength(1)
    expect(view.progress).toEqual({ done: 1, total: 2, percent: 50 })

    const patched = await csm('PATCH', `/api/v1/success-plans/${plan.id}`, { status: 'completed', ownerId: null, title: 'EMEA expansion' })
    expect(await json<unknown>(patched)).toMatchObject({ status: 'completed', ownerId: null, ownerName: null, title: 'EMEA expansion' })
    expect(await fieldsOf(await csm('PATCH', `/api/v1/success-plans/${plan.id}`, { status: 'paused' }))).toEqual(['status'])
    expect(await fieldsOf(await csm('POST', `/api/v1/accounts/${account.id}/success-plans`, { templateKey: 'onboarding', title: 'Mine' }))).toEqual(['title'])

    const accountPlans = await json<{ items: PlanView[] }>(await csm('GET', `/api/v1/accounts/${account.id}/success-plans`))
    expect(accountPlans.items.map((item) => item.id)).toEqual([plan.id])
  })

  it('lists the workspace’s plans with filters; viewers read but do not write', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { name: 'Listed Ltd' })
    const manager = ctx.as(acme, 'manager')
    const plan = await json<PlanView>(await manager('POST', `/api/v1/accounts/${account.id}/success-plans`, { templateKey: 'onboarding', ownerId: acme.users.admin.id, startOn: day(-10) }))
    const list = await json<{ total: number; items: PlanSummaryView[] }>(await manager('GET', `/api/v1/success-plans?owner=${acme.users.admin.id}&status=active`))
    expect(list.total).toBe(1)
    expect(list.items[0]).toMatchObject({ id: plan.id, accountName: 'Listed Ltd', ownerName: 'Ada Admin', overdue: 1, nextDue: { title: 'Kickoff held', dueOn: day(-3) }, progress: { total: 3 } })
    expect((await json<{ total: number }>(await manager('GET', `/api/v1/success-plans?owner=${acme.users.admin.id}&status=completed`))).total).toBe(0)
    const all = await json<{ total: number; items: PlanSummaryView[] }>(await manager('GET', '/api/v1/success-plans?limit=2'))
    expect(all.items).toHaveLength(2)
    expect(all.total).toBeGreaterThan(2)
    expect(all.items.every((item) => item.status === 'active')).toBe(true)
    expect(await fieldsOf(await manager('GET', '/api/v1/success-plans?owner=someone'))).toEqual(['owner'])

    const viewer = ctx.as(acme, 'viewer')
    expect((await viewer('GET', `/api/v1/success-plans/${plan.id}`)).status).toBe(200)
    expect((await viewer('PATCH', `/api/v1/success-plans/${plan.id}`, { title: 'x' })).status).toBe(403)
    expect((await viewer('POST', `/api/v1/success-plans/${plan.id}/share`)).status).toBe(403)
    expect((await viewer('POST', `/api/v1/accounts/${account.id}/success-plans`, { title: 'x' })).status).toBe(403)
    expect((await ctx.app.request(`/api/v1/success-plans/${plan.id}`)).status).toBe(401)
  })
})

describe('sharing with the customer', () => {
  it('serves the plan by link without a session, with no ids, emails or ARR; a new link replaces the old; revoked → 404', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { name: 'Customer Co', arr: 987_654, ownerId: acme.users.csm.id })
    const csm = ctx.as(acme, 'csm')
    const plan = await json<PlanView>(await csm('POST', `/api/v1/accounts/${account.id}/success-plans`, { templateKey: 'onboarding' }))
    await csm('PATCH', `/api/v1/success-plans/${plan.id}/items/${plan.objectives[0]!.milestones[0]!.id}`, { done: true })

    const shared = await csm('POST', `/api/v1/success-plans/${plan.id}/share`)
    expect(shared.status).toBe(200)
    const { url, path } = await json<{ url: string; path: string }>(shared)
    const token = path.replace('/shared/plans/', '')
    expect(url).toBe(`http://localhost/shared/plans/${token}`)
    expect(Buffer.from(token, 'base64url')).toHaveLength(32)
    const [stored] = await queryRows<{ share_token_hash: string }>(ctx.handle.db, sql`SELECT share_token_hash FROM success_plans WHERE workspace_id = ${acme.id} AND id = ${plan.id}`)
    expect(stored!.share_token_hash).toBe(crypto.createHash('sha256').update(token).digest('hex'))
    expect((await json<PlanView>(await csm('GET', `/api/v1/success-plans/${plan.id}`))).shared).toBe(true)

    const response = await ctx.app.request(`/api/public/success-plans/${token}`)
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const text = await response.text()
    const view = JSON.parse(text) as SharedPlanView
    expect(view).toMatchObject({ vendor: 'Workspace acme', accountName: 'Customer Co', title: 'Onboarding plan', status: 'active', progress: { done: 1, total: 3, percent: 33 } })
    expect(view.objectives[0]!.milestones[0]).toEqual({ title: 'Kickoff held', description: '', owner: 'Cara CSM', dueOn: day(7), done: true, doneOn: day(0) })
    expect(view.objectives[0]!.milestones[1]).toMatchObject({ owner: 'Customer', done: false })
    expect(text).not.toContain('@')
    expect(text).not.toContain('987')
    expect(text.toLowerCase()).not.toContain('arr')
    for (const id of [acme.id, account.id, plan.id, acme.users.csm.id, plan.objectives[0]!.id]) expect(text).not.toContain(id)
    expect(text).not.toMatch(/"[a-z]*Id"/)

    const replaced = await json<{ path: string }>(await csm('POST', `/api/v1/success-plans/${plan.id}/share`))
    expect((await ctx.app.request(`/api/public/success-plans/${token}`)).status).toBe(404)
    const newToken = replaced.path.replace('/shared/plans/', '')
    expect((await ctx.app.request(`/api/public/success-plans/${newToken}`)).status).toBe(200)
    expect((await csm('DELETE', `/api/v1/success-plans/${plan.id}/share`)).status).toBe(204)
    expect((await ctx.app.request(`/api/public/success-plans/${newToken}`)).status).toBe(404)
    expect((await ctx.app.request('/api/public/success-plans/not-a-token')).status).toBe(404)
    expect((await json<PlanView>(await csm('GET', `/api/v1/success-plans/${plan.id}`))).shared).toBe(false)
  })
})

describe('workspace isolation', () => {
  it('never shows or changes another workspace’s plans, accounts or users', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const plan = await json<PlanView>(await ctx.as(acme, 'csm')('POST', `/api/v1/accounts/${account.id}/success-plans`, { templateKey: 'onboarding' }))
    const item = plan.objectives[0]!
    const other = ctx.as(beta, 'admin')
    expect((await other('GET', `/api/v1/success-plans/${plan.id}`)).status).toBe(404)
    expect((await other('PATCH', `/api/v1/success-plans/${plan.id}`, { title: 'Mine now' })).status).toBe(404)
    expect((await other('POST', `/api/v1/success-plans/${plan.id}/items`, { kind: 'objective', title: 'x' })).status).toBe(404)
    expect((await other('PATCH', `/api/v1/success-plans/${plan.id}/items/${item.id}`, { done: true })).status).toBe(404)
    expect((await other('DELETE', `/api/v1/success-plans/${plan.id}/items/${item.id}`)).status).toBe(404)
    expect((await other('POST', `/api/v1/success-plans/${plan.id}/share`)).status).toBe(404)
    expect((await other('DELETE', `/api/v1/success-plans/${plan.id}/share`)).status).toBe(404)
    expect((await other('GET', `/api/v1/accounts/${account.id}/success-plans`)).status).toBe(404)
    expect((await other('GET', `/api/v1/accounts/${account.id}/success-plans/suggestions`)).status).toBe(404)
    expect((await other('POST', `/api/v1/accounts/${account.id}/success-plans`, { templateKey: 'onboarding' })).status).toBe(404)
    expect((await json<{ total: number }>(await other('GET', '/api/v1/success-plans'))).total).toBe(0)
    // The service refuses another workspace's account even when called directly (as a playbook would).
    await expect(createPlanFromTemplate(ctx.handle.db, { workspaceId: beta.id, accountId: account.id, templateKey: 'onboarding', ownerId: null })).rejects.toMatchObject({ status: 400 })
    // beta has no "renewal" template: acme's is not visible to it.
    const betaAccount = await makeAccount(ctx.handle.db, beta.id)
    expect(await fieldsOf(await other('POST', `/api/v1/accounts/${betaAccount.id}/success-plans`, { templateKey: 'renewal' }))).toEqual(['templateKey'])
    const after = await json<PlanView>(await ctx.as(acme, 'csm')('GET', `/api/v1/success-plans/${plan.id}`))
    expect(after.title).toBe('Onboarding plan')
    expect(after.objectives).toHaveLength(2)
  })
})

describe('demo defaults', () => {
  it('ship valid templates for the default lifecycle stages', async () => {
    const { successPlanConfigKind } = await import('./success-plans.config')
    expect(successPlanConfigKind.defaults.map((entry) => entry.key)).toEqual(['onboarding', 'adoption', 'renewal-readiness'])
    for (const entry of successPlanConfigKind.defaults) expect(successPlanConfigKind.schema.safeParse(entry.body).success).toBe(true)
  })
})
