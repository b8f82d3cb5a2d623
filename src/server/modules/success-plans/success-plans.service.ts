import { addDays } from '../../../shared/days'
import crypto from 'node:crypto'
import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../platform/db'
import { badRequest, notFound } from '../../platform/http'
import { assertAccountReference, getAccount, todayUtc } from '../accounts'
import { getPublishedDocument, listPublishedDocuments } from '../config'
import { findUser } from '../identity'
import { getAccountClassification } from '../segments'
import { findWorkspaceById } from '../workspaces'
import type { CreateItemInput, CreatePlanInput, NewMilestoneInput, PlanListFilters, UpdateItemInput, UpdatePlanInput } from './success-plans.contracts'
import { describeAppliesTo, SUCCESS_PLAN_KIND, SuccessPlanTemplateBodySchema, type SuccessPlanTemplateBody, type TemplateAppliesTo } from './success-plans.config'
import * as repo from './success-plans.repo'
import type { ItemRow, NewSuccessPlanItem, PlanSummaryRow, SuccessPlan } from './success-plans.repo'
import type { SuccessPlanStatus } from './success-plans.tables'

export type { SuccessPlan, SuccessPlanItem } from './success-plans.repo'

/** The text a customer-owned milestone shows until someone names the person. */
export const CUSTOMER_OWNER = 'Customer'

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString())
const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex')

// ----- views -----

export type Progress = { done: number; total: number; percent: number | null }
type ItemBase = { id: string; title: string; description: string; ownerId: string | null; ownerName: string | null; customerOwner: string | null; dueOn: string | null; done: boolean; doneAt: string | null; position: number }
export type MilestoneView = ItemBase & { kind: 'milestone'; parentId: string; overdue: boolean }
export type ObjectiveView = ItemBase & { kind: 'objective'; parentId: null; milestones: MilestoneView[] }
export type ItemView = ItemBase & { kind: 'objective' | 'milestone'; parentId: string | null }
export type PlanSummaryView = {
  id: string
  accountId: string
  accountName: string
  title: string
  templateKey: string | null
  templateVersion: number | null
  status: SuccessPlanStatus
  ownerId: string | null
  ownerName: string | null
  shared: boolean
  sharedAt: string | null
  playbookRunId: string | null
  createdAt: string
  updatedAt: string
  progress: Progress
  nextDue: { itemId: string; title: string; dueOn: string } | null
  overdue: number
}
export type PlanView = PlanSummaryView & { objectives: ObjectiveView[] }

const progressOf = (done: number, total: number): Progress => ({ done, total, percent: total > 0 ? Math.round((done / total) * 100) : null })

function toSummaryView(row: PlanSummaryRow): PlanSummaryView {
  return {
    id: row.id,
    accountId: row.account_id,
    accountName: row.account_name,
    title: row.title,
    templateKey: row.template_key,
    templateVersion: row.template_version,
    status: row.status,
    ownerId: row.owner_id,
    ownerName: row.owner_name,
    shared: row.shared,
    sharedAt: iso(row.shared_at),
    playbookRunId: row.playbook_run_id,
    createdAt: iso(row.created_at) ?? '',
    updatedAt: iso(row.updated_at) ?? '',
    progress: progressOf(row.done, row.total),
    nextDue: row.next_id && row.next_title !== null && row.next_due_on !== null ? { itemId: row.next_id, title: row.next_title, dueOn: row.next_due_on } : null,
    overdue: row.overdue,
  }
}

function toItemBase(row: ItemRow): ItemBase {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    ownerId: row.owner_id,
    ownerName: row.owner_name,
    customerOwner: row.customer_owner,
    dueOn: row.due_on,
    done: row.done_at !== null,
    doneAt: iso(row.done_at),
    position: row.position,
  }
}

const toItemView = (row: ItemRow): ItemView => ({ ...toItemBase(row), kind: row.kind, parentId: row.parent_id })

function objectivesOf(items: ItemRow[], today: string): ObjectiveView[] {
  const objectives = items.filter((item) => item.kind === 'objective').map((item): ObjectiveView => ({ ...toItemBase(item), kind: 'objective', parentId: null, milestones: [] }))
  const byId = new Map(objectives.map((objective) => [objective.id, objective]))
  for (const item of items) {
    if (item.kind !== 'milestone' || item.parent_id === null) continue
    const base = toItemBase(item)
    byId.get(item.parent_id)?.milestones.push({ ...base, kind: 'milestone', parentId: item.parent_id, overdue: !base.done && base.dueOn !== null && base.dueOn < today })
  }
  return objectives
}

async function planViews(db: Db, params: { workspaceId: string; accountId?: string; planId?: string }): Promise<PlanView[]> {
  const today = todayUtc()
  const summaries = await repo.planSummaries(db, { ...params, today })
  const items = await repo.listItems(db, { workspaceId: params.workspaceId, planIds: summaries.map((summary) => summary.id) })
  return summaries.map((summary) => ({ ...toSummaryView(summary), objectives: objectivesOf(items.filter((item) => item.plan_id === summary.id), today) }))
}

// ----- reads -----

export async function getPlan(db: Db, params: { workspaceId: string; planId: string }): Promise<PlanView> {
  const [plan] = await planViews(db, params)
  if (!plan) throw notFound('Success plan')
  return plan
}

/** An account's plans with their objectives and milestones (active first). */
export async function listAccountPlans(db: Db, params: { workspaceId: string; accountId: string }): Promise<PlanView[]> {
  await getAccount(db, params)
  return planViews(db, params)
}

export async function listPlans(db: Db, params: { workspaceId: string; filters: PlanListFilters }): Promise<{ total: number; items: PlanSummaryView[] }> {
  const { total, rows } = await repo.listPlanSummaries(db, { ...params, today: todayUtc() })
  return { total, items: rows.map(toSummaryView) }
}

// ----- templates -----

export type TemplateView = { key: string; version: number; name: string; description: string | null; appliesTo: string; objectives: number; milestones: number; activePlanId: string | null }

async function publishedTemplates(db: Db, workspaceId: string) {
  const documents = await listPublishedDocuments(db, { workspaceId, kind: SUCCESS_PLAN_KIND })
  return documents.flatMap((document) => {
    const parsed = SuccessPlanTemplateBodySchema.safeParse(document.body)
    return parsed.success ? [{ key: document.key, version: document.version, body: parsed.data }] : []
  })
}

/** Every list the template gives must hold one of the account's groups; a template without lists suits everyone. */
export function templateMatches(appliesTo: TemplateAppliesTo, account: { segments: string[]; tier: string | null; stage: string | null }): boolean {
  const holds = (keys: string[] | undefined, values: string[]) => !keys || keys.length === 0 || keys.some((key) => values.includes(key))
  return holds(appliesTo.segments, account.segments) && holds(appliesTo.tiers, account.tier ? [account.tier] : []) && holds(appliesTo.stages, account.stage ? [account.stage] : [])
}

/** Published templates split into those that suit the account's current segments, tier and stage, and the others. */
export async function suggestTemplates(db: Db, params: { workspaceId: string; accountId: string }): Promise<{ suggestions: TemplateView[]; others: TemplateView[] }> {
  const classification = await getAccountClassification(db, params)
  const account = { segments: classification.segments.map((segment) => segment.key), tier: classification.tier?.key ?? null, stage: classification.stage?.key ?? null }
  const active = await queryRows<{ id: string; template_key: string }>(
    db,
    sql`SELECT id, template_key FROM success_plans
         WHERE workspace_id = ${params.workspaceId} AND account_id = ${params.accountId} AND status = 'active' AND template_key IS NOT NULL
         ORDER BY created_at DESC`,
  )
  const templates = (await publishedTemplates(db, params.workspaceId)).sort((left, right) => left.body.name.localeCompare(right.body.name))
  const view = (template: { key: string; version: number; body: SuccessPlanTemplateBody }): TemplateView => ({
    key: template.key,
    version: template.version,
    name: template.body.name,
    description: template.body.description ?? null,
    appliesTo: describeAppliesTo(template.body.appliesTo),
    objectives: template.body.objectives.length,
    milestones: template.body.objectives.reduce((sum, objective) => sum + objective.milestones.length, 0),
    activePlanId: active.find((plan) => plan.template_key === template.key)?.id ?? null,
  })
  return {
    suggestions: templates.filter((template) => templateMatches(template.body.appliesTo, account)).map(view),
    others: templates.filter((template) => !templateMatches(template.body.appliesTo, account)).map(view),
  }
}

// ----- writes -----

export type CreatePlanFromTemplateParams = {
  workspaceId: string
  accountId: string
  templateKey: string
  /** The CSM: owner of the plan and of the template's `csm` milestones. */
  ownerId: string | null
  createdBy?: string | null
  /** Milestones are due their template days after this day (default today, UTC). */
  startOn?: string
  /** Set by a playbook step: the plan is made once per run and step. */
  playbook?: { runId: string; stepId: string }
}

/**
 * Makes a plan from the published template: its objectives and milestones, due `dueDays` after `startOn`,
 * `csm` milestones owned by `ownerId` and `customer` ones by the customer. With `playbook`, a repeated call
 * returns the first plan (`created: false`). Runs in the caller's transaction when given one (a savepoint).
 */
export async function createPlanFromTemplate(db: Db, params: CreatePlanFromTemplateParams): Promise<{ plan: SuccessPlan; created: boolean }> {
  const { workspaceId, playbook } = params
  return db.transaction(async (tx) => {
    if (playbook) {
      const existing = await repo.findPlanByPlaybookStep(tx, { workspaceId, ...playbook })
      if (existing) return { plan: existing, created: false }
    }
    await assertAccountReference(tx, { workspaceId, accountId: params.accountId })
    const document = await getPublishedDocument(tx, { workspaceId, kind: SUCCESS_PLAN_KIND, key: params.templateKey })
    if (!document) throw badRequest('templateKey', `no published success plan template "${params.templateKey}"`)
    const parsed = SuccessPlanTemplateBodySchema.safeParse(document.body)
    if (!parsed.success) throw badRequest('templateKey', `template "${params.templateKey}" no longer matches the template schema; publish it again`)
    const template = parsed.data
    const plan = await repo.insertPlan(tx, {
      workspaceId,
      accountId: params.accountId,
      title: template.name,
      templateKey: params.templateKey,
      templateVersion: document.version,
      ownerId: params.ownerId,
      createdBy: params.createdBy ?? null,
      playbookRunId: playbook?.runId ?? null,
      playbookStepId: playbook?.stepId ?? null,
    })
    if (!plan) {
      // Another transaction made it between our look-up and insert; ON CONFLICT waited for it to commit.
      const existing = playbook ? await repo.findPlanByPlaybookStep(tx, { workspaceId, ...playbook }) : undefined
      if (!existing) throw new Error('success plan insert returned nothing')
      return { plan: existing, created: false }
    }
    const startOn = params.startOn ?? todayUtc()
    const objectives = await repo.insertItems(
      tx,
      template.objectives.map((objective, index) => ({ workspaceId, planId: plan.id, kind: 'objective' as const, position: index, title: objective.title, description: objective.description ?? '' })),
    )
    const milestones: NewSuccessPlanItem[] = template.objectives.flatMap((objective, index) =>
      objective.milestones.map((milestone, position) => ({
        workspaceId,
        planId: plan.id,
        parentId: objectives[index]!.id,
        kind: 'milestone' as const,
        position,
        title: milestone.title,
        ownerId: milestone.owner === 'csm' ? params.ownerId : null,
        customerOwner: milestone.owner === 'customer' ? CUSTOMER_OWNER : null,
        dueOn: addDays(startOn, milestone.dueDays),
      })),
    )
    await repo.insertItems(tx, milestones)
    return { plan, created: true }
  })
}

async function assertUser(db: Db, workspaceId: string, userId: string | null | undefined, field: string) {
  if (!userId) return
  if (!(await findUser(db, { workspaceId, userId }))) throw badRequest(field, 'is not a user of this workspace')
}

function milestoneRow(params: { workspaceId: string; planId: string; parentId: string; position: number; planOwnerId: string | null; input: NewMilestoneInput }): NewSuccessPlanItem {
  const { input } = params
  const customerOwner = input.customerOwner ?? null
  return {
    workspaceId: params.workspaceId,
    planId: params.planId,
    parentId: params.parentId,
    kind: 'milestone',
    position: params.position,
    title: input.title,
    description: input.description ?? '',
    // Nobody named: the plan's owner, unless the customer owns it.
    ownerId: input.ownerId !== undefined ? input.ownerId : customerOwner ? null : params.planOwnerId,
    customerOwner,
    dueOn: input.dueOn ?? null,
    doneAt: input.done ? new Date() : null,
  }
}

/** POST /accounts/{id}/success-plans: from a template, or by hand with the objectives given. */
export async function createAccountPlan(db: Db, params: { workspaceId: string; accountId: string; actorUserId: string | null; input: CreatePlanInput }): Promise<PlanView> {
  const { workspaceId, input } = params
  const account = await getAccount(db, { workspaceId, accountId: params.accountId })
  await assertUser(db, workspaceId, input.ownerId, 'ownerId')
  const ownerId = input.ownerId !== undefined ? input.ownerId : (account.ownerId ?? params.actorUserId)
  for (const [index, objective] of (input.objectives ?? []).entries()) {
    for (const [position, milestone] of objective.milestones.entries()) await assertUser(db, workspaceId, milestone.ownerId, `objectives.${index}.milestones.${position}.ownerId`)
  }
  let planId: string
  if (input.templateKey !== undefined) {
    const { plan } = await createPlanFromTemplate(db, { workspaceId, accountId: account.id, templateKey: input.templateKey, ownerId, createdBy: params.actorUserId, startOn: input.startOn })
    planId = plan.id
  } else {
    planId = await db.transaction(async (tx) => {
      const plan = await repo.insertPlan(tx, { workspaceId, accountId: account.id, title: input.title ?? 'Success plan', ownerId, createdBy: params.actorUserId })
      if (!plan) throw new Error('success plan insert returned nothing')
      const objectives = input.objectives ?? []
      const inserted = await repo.insertItems(
        tx,
        objectives.map((objective, index) => ({ workspaceId, planId: plan.id, kind: 'objective' as const, position: index, title: objective.title, description: objective.description ?? '' })),
      )
      await repo.insertItems(
        tx,
        objectives.flatMap((objective, index) =>
          objective.milestones.map((milestone, position) => milestoneRow({ workspaceId, planId: plan.id, parentId: inserted[index]!.id, position, planOwnerId: ownerId, input: milestone })),
        ),
      )
      return plan.id
    })
  }
  return getPlan(db, { workspaceId, planId })
}

export async function updatePlan(db: Db, params: { workspaceId: string; planId: string; input: UpdatePlanInput }): Promise<PlanView> {
  const { workspaceId, planId, input } = params
  if (!(await repo.findPlan(db, { workspaceId, planId }))) throw notFound('Success plan')
  await assertUser(db, workspaceId, input.ownerId, 'ownerId')
  if (Object.keys(input).length > 0) await repo.updatePlan(db, { workspaceId, planId, changes: input })
  return getPlan(db, { workspaceId, planId })
}

async function itemView(db: Db, params: { workspaceId: string; planId: string; itemId: string }): Promise<ItemView> {
  const row = (await repo.listItems(db, { workspaceId: params.workspaceId, planIds: [params.planId] })).find((item) => item.id === params.itemId)
  if (!row) throw notFound('Success plan item')
  return toItemView(row)
}

/** Adds an objective (at the end) or a milestone (at the end of its objective). */
export async function addItem(db: Db, params: { workspaceId: string; planId: string; input: CreateItemInput }): Promise<ItemView> {
  const { workspaceId, planId, input } = params
  const plan = await repo.findPlan(db, { workspaceId, planId })
  if (!plan) throw notFound('Success plan')
  let row: NewSuccessPlanItem
  if (input.kind === 'objective') {
    row = { workspaceId, planId, kind: 'objective', position: await repo.nextPosition(db, { workspaceId, planId, parentId: null }), title: input.title, description: input.description ?? '' }
  } else {
    const parent = await repo.findItem(db, { workspaceId, planId, itemId: input.parentId })
    if (!parent || parent.kind !== 'objective') throw badRequest('parentId', 'is not an objective of this plan')
    await assertUser(db, workspaceId, input.ownerId, 'ownerId')
    const position = await repo.nextPosition(db, { workspaceId, planId, parentId: parent.id })
    row = milestoneRow({ workspaceId, planId, parentId: parent.id, position, planOwnerId: plan.ownerId, input })
  }
  const [created] = await repo.insertItems(db, [row])
  await repo.touchPlan(db, { workspaceId, planId })
  return itemView(db, { workspaceId, planId, itemId: created!.id })
}

export async function updateItem(db: Db, params: { workspaceId: string; planId: string; itemId: string; input: UpdateItemInput }): Promise<ItemView> {
  const { workspaceId, planId, itemId, input } = params
  const item = await repo.findItem(db, { workspaceId, planId, itemId })
  if (!item) throw notFound('Success plan item')
  await assertUser(db, workspaceId, input.ownerId, 'ownerId')
  const { done, ...fields } = input
  const changes: Partial<NewSuccessPlanItem> = { ...fields }
  // Ticking a done item again keeps the day it was first done.
  if (done !== undefined) changes.doneAt = done ? (item.doneAt ?? new Date()) : null
  if (Object.keys(changes).length > 0) {
    await repo.updateItem(db, { workspaceId, planId, itemId, changes })
    await repo.touchPlan(db, { workspaceId, planId })
  }
  return itemView(db, { workspaceId, planId, itemId })
}

/** Removes an item; an objective takes its milestones with it. */
export async function deleteItem(db: Db, params: { workspaceId: string; planId: string; itemId: string }): Promise<void> {
  if ((await repo.deleteItem(db, params)) === 0) throw notFound('Success plan item')
  await repo.touchPlan(db, params)
}

// ----- the customer-facing link -----

/** A new random link (32 bytes, base64url); only its sha256 is stored, so it is shown once and replaces any earlier link. */
export async function sharePlan(db: Db, params: { workspaceId: string; planId: string }): Promise<{ token: string; sharedAt: string }> {
  const token = crypto.randomBytes(32).toString('base64url')
  const plan = await repo.updatePlan(db, { ...params, changes: { shareTokenHash: sha256(token), sharedAt: new Date() } })
  if (!plan) throw notFound('Success plan')
  return { token, sharedAt: iso(plan.sharedAt) ?? new Date().toISOString() }
}

export async function revokeShare(db: Db, params: { workspaceId: string; planId: string }): Promise<void> {
  const plan = await repo.updatePlan(db, { ...params, changes: { shareTokenHash: null, sharedAt: null } })
  if (!plan) throw notFound('Success plan')
}

export type SharedPlanView = {
  vendor: string
  accountName: string
  title: string
  status: SuccessPlanStatus
  sharedAt: string | null
  updatedAt: string
  progress: Progress
  objectives: { title: string; description: string; done: boolean; milestones: { title: string; description: string; owner: string | null; dueOn: string | null; done: boolean; doneOn: string | null }[] }[]
}

/** What the customer sees through the link: titles, dates, owners by name and progress; no ids, emails or revenue. */
export async function getSharedPlan(db: Db, params: { token: string }): Promise<SharedPlanView> {
  const shared = await repo.findPlanByShareHash(db, sha256(params.token))
  if (!shared) throw notFound('Shared plan')
  const plan = await getPlan(db, { workspaceId: shared.workspaceId, planId: shared.id })
  const workspace = await findWorkspaceById(db, shared.workspaceId)
  return {
    vendor: workspace?.name ?? '',
    accountName: plan.accountName,
    title: plan.title,
    status: plan.status,
    sharedAt: plan.sharedAt,
    updatedAt: plan.updatedAt,
    progress: plan.progress,
    objectives: plan.objectives.map((objective) => ({
      title: objective.title,
      description: objective.description,
      done: objective.done || (objective.milestones.length > 0 && objective.milestones.every((milestone) => milestone.done)),
      milestones: objective.milestones.map((milestone) => ({
        title: milestone.title,
        description: milestone.description,
        owner: milestone.customerOwner ?? milestone.ownerName,
        dueOn: milestone.dueOn,
        done: milestone.done,
        doneOn: milestone.doneAt?.slice(0, 10) ?? null,
      })),
    })),
  }
}
