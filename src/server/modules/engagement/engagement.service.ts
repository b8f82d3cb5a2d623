/** Coverage (accounts out of cadence), team load against capacity, and bulk reassignment with a preview. */
import crypto from 'node:crypto'
import type { Db } from '../../platform/db'
import { badRequest, conflict } from '../../platform/http'
import { updateAccount } from '../accounts'
import { recordAudit, type AuditActor } from '../audit'
import type { AssignmentStrategy } from './assignment.config'
import { loadTeamContext } from './engagement.assign'
import { loadEngagementModels, publishedTierKeys, type EngagementModel } from './engagement-models.config'
import { bookTotals, overCapacity, pickOwner, utilization, type Book, type Utilization } from './engagement.load'
import * as repo from './engagement.repo'

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString())

/** The tiers (in order) with their engagement model, as the views show them. */
function tierModels(tiers: { key: string; name: string; color: string | null }[], models: Map<string, EngagementModel>) {
  return tiers.map((tier) => {
    const model = models.get(tier.key)
    return {
      key: tier.key,
      name: tier.name,
      color: tier.color,
      model: model
        ? {
            name: model.name,
            touchModel: model.touchModel,
            accountsPerCsm: model.capacity.accountsPerCsm ?? null,
            arrPerCsm: model.capacity.arrPerCsm ?? null,
            cadences: model.cadences.map((cadence) => ({ key: cadence.key, name: cadence.name, touchpointKinds: cadence.touchpointKinds, everyDays: cadence.everyDays })),
          }
        : null,
    }
  })
}

export async function getCoverage(
  db: Db,
  params: { workspaceId: string; tier?: string; ownerId?: string; cadence?: string; limit: number; offset: number },
) {
  const [tiers, models] = await Promise.all([publishedTierKeys(db, params.workspaceId), loadEngagementModels(db, params.workspaceId)])
  if (params.tier && !models.has(params.tier)) throw badRequest('tier', 'is not a tier with an engagement model')
  if (params.cadence && ![...models.values()].some((model) => model.cadences.some((cadence) => cadence.key === params.cadence))) throw badRequest('cadence', 'is not a cadence of any engagement model')
  const cadences: repo.CadenceInput[] = [...models.values()].flatMap((model) => model.cadences.map((cadence) => ({ tier: model.tier, key: cadence.key, kinds: cadence.touchpointKinds, every_days: cadence.everyDays })))
  const filters = { tier: params.tier, ownerId: params.ownerId, cadence: params.cadence }
  const [summaryRows, rows] = await Promise.all([
    repo.coverageSummary(db, { workspaceId: params.workspaceId, cadences, filters }),
    repo.outOfCadence(db, { workspaceId: params.workspaceId, cadences, filters, limit: params.limit, offset: params.offset }),
  ])
  const tierName = new Map(tiers.map((tier) => [tier.key, tier.name]))
  const cadenceOf = (tier: string, key: string) => models.get(tier)?.cadences.find((cadence) => cadence.key === key)
  const tierRank = (tier: string) => tiers.findIndex((entry) => entry.key === tier)
  const summary = summaryRows
    .map((row) => {
      const cadence = cadenceOf(row.tier, row.cadence)
      return {
        tier: row.tier,
        tierName: tierName.get(row.tier) ?? row.tier,
        cadence: row.cadence,
        cadenceName: cadence?.name ?? row.cadence,
        everyDays: cadence?.everyDays ?? 0,
        accounts: row.accounts,
        inCadence: row.accounts - row.out_of_cadence,
        outOfCadence: row.out_of_cadence,
        inCadenceShare: row.accounts === 0 ? 1 : (row.accounts - row.out_of_cadence) / row.accounts,
      }
    })
    .sort((a, b) => tierRank(a.tier) - tierRank(b.tier) || a.cadence.localeCompare(b.cadence))
  const pairs = summary.reduce((total, line) => total + line.accounts, 0)
  const out = summary.reduce((total, line) => total + line.outOfCadence, 0)
  return {
    tiers: tierModels(tiers, models),
    totals: { pairs, inCadence: pairs - out, outOfCadence: out, inCadenceShare: pairs === 0 ? 1 : (pairs - out) / pairs },
    summary,
    total: out,
    items: rows.map((row) => ({
      accountId: row.account_id,
      accountName: row.account_name,
      arr: row.arr,
      tier: row.tier,
      tierName: tierName.get(row.tier) ?? row.tier,
      ownerId: row.owner_id,
      ownerName: row.owner_name,
      cadence: row.cadence,
      cadenceName: cadenceOf(row.tier, row.cadence)?.name ?? row.cadence,
      everyDays: row.every_days,
      lastAt: iso(row.last_at),
      dueAt: iso(row.due_at)!,
      daysOverdue: row.days_overdue,
    })),
  }
}

const round = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000)

function loadLine(book: Book, models: Map<string, EngagementModel>, tierOrder: string[]) {
  const used = utilization(book, models)
  const totals = bookTotals(book)
  const rank = (tier: string) => (tier === '' ? tierOrder.length : tierOrder.indexOf(tier))
  return {
    accounts: totals.accounts,
    arr: totals.arr,
    tiers: [...book].sort(([a], [b]) => rank(a) - rank(b)).map(([tier, load]) => ({ tier: tier || null, accounts: load.accounts, arr: load.arr })),
    accountUtilization: round(used.accounts),
    arrUtilization: round(used.arr),
    utilization: round(maxUtilization(used)),
    overCapacity: overCapacity(used),
  }
}

const maxUtilization = (used: Utilization) => (used.accounts === null && used.arr === null ? null : Math.max(used.accounts ?? 0, used.arr ?? 0))

/** Each CSM's (and manager's, and any other owner's) accounts and ARR per tier against capacity, plus the unassigned. */
export async function getLoad(db: Db, params: { workspaceId: string }) {
  const context = await loadTeamContext(db, params.workspaceId)
  const order = context.tiers.map((tier) => tier.key)
  const owners = context.users.filter((user) => (user.status === 'active' && (user.role === 'csm' || user.role === 'manager')) || bookTotals(context.book(user.id)).accounts > 0)
  const rows = owners
    .map((user) => ({ userId: user.id as string | null, name: user.name, email: user.email as string | null, role: user.role as string | null, status: user.status as string | null, ...loadLine(context.book(user.id), context.models, order) }))
    .sort((a, b) => (b.utilization ?? -1) - (a.utilization ?? -1) || b.accounts - a.accounts || a.name.localeCompare(b.name))
  const unassigned = { userId: null, name: 'Unassigned', email: null, role: null, status: null, ...loadLine(context.book(null), context.models, order) }
  return {
    tiers: tierModels(context.tiers, context.models),
    rows: [...rows, unassigned],
    overCapacity: rows.filter((row) => row.overCapacity).length,
  }
}

// ----- bulk reassignment -----

export const MAX_REASSIGN = 2000

export type ReassignInput = {
  from: string
  to?: string
  accountIds?: string[]
  strategy?: Exclude<AssignmentStrategy, 'territory'>
  pool?: string[]
}

type Move = { accountId: string; accountName: string; arr: number; tier: string | null; fromOwnerId: string | null; toOwnerId: string }

/** Checks the request against the data and works out who gets what; the token names exactly this plan. */
async function planReassign(db: Db, params: { workspaceId: string; input: ReassignInput }) {
  const { input } = params
  const context = await loadTeamContext(db, params.workspaceId)
  const fromId = input.from === 'unassigned' ? null : input.from
  if (fromId && !context.usersById.has(fromId)) throw badRequest('from', 'is not a user of this workspace')
  const active = (id: string, field: string) => {
    const user = context.usersById.get(id)
    if (!user || user.status !== 'active') throw badRequest(field, 'is not an active user of this workspace')
    if (id === fromId) throw badRequest(field, 'is the owner the accounts move away from')
    return user
  }
  if (input.to && input.strategy) throw badRequest('strategy', 'give either `to` (one new owner) or `strategy` with `pool`, not both')
  if (!input.to && !input.strategy) throw badRequest('to', 'is required: the new owner (or give `strategy` and `pool` to share the accounts)')
  if (input.strategy && !input.pool?.length) throw badRequest('pool', `is required with strategy ${input.strategy}: the users who share the accounts`)
  if (input.to) active(input.to, 'to')
  const pool = (input.pool ?? []).map((id, index) => active(id, `pool.${index}`))

  let accounts = await repo.accountsOfOwner(db, { workspaceId: params.workspaceId, ownerId: fromId, limit: MAX_REASSIGN + 1 })
  if (input.accountIds) {
    const chosen = new Map((await repo.accountsByIds(db, params.workspaceId, input.accountIds)).map((row) => [row.id, row]))
    input.accountIds.forEach((id, index) => {
      const account = chosen.get(id)
      if (!account) throw badRequest(`accountIds.${index}`, 'is not an account of this workspace')
      if (account.owner_id !== fromId) throw badRequest(`accountIds.${index}`, fromId ? 'is not owned by `from`' : 'is not unassigned')
      if (account.status !== 'active') throw badRequest(`accountIds.${index}`, 'is churned; only active accounts are reassigned')
    })
    const wanted = new Set(input.accountIds)
    accounts = [...chosen.values()].filter((account) => wanted.has(account.id)).sort((a, b) => b.arr - a.arr || a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
  } else if (accounts.length > MAX_REASSIGN) {
    throw badRequest('accountIds', `\`from\` has more than ${MAX_REASSIGN} active accounts; move them in parts by listing accountIds`)
  }

  const before = new Map<string | null, Book>()
  const snapshot = (id: string | null) => {
    if (!before.has(id)) before.set(id, new Map([...context.book(id)].map(([tier, load]) => [tier, { ...load }])))
  }
  snapshot(fromId)
  for (const user of input.to ? [context.usersById.get(input.to)!] : pool) snapshot(user.id)

  // Largest accounts first, so least-loaded spreads ARR evenly; each pick sees the loads so far.
  const moves: Move[] = []
  let last: string | null = null
  for (const account of accounts) {
    const toId: string = input.to ?? pickOwner({ strategy: input.strategy!, candidates: pool.map((user) => ({ id: user.id, name: user.name, book: context.book(user.id) })), models: context.models, lastUserId: last })!.id
    last = toId
    context.move({ tier: account.tier, arr: account.arr }, fromId, toId)
    moves.push({ accountId: account.id, accountName: account.name, arr: account.arr, tier: account.tier, fromOwnerId: fromId, toOwnerId: toId })
  }
  const token = crypto.createHash('sha256').update(JSON.stringify(moves.map((move) => [move.accountId, move.fromOwnerId, move.toOwnerId]))).digest('hex').slice(0, 32)
  return { context, moves, token, before }
}

function describePlan(plan: Awaited<ReturnType<typeof planReassign>>) {
  const { context, before } = plan
  const order = context.tiers.map((tier) => tier.key)
  const tierName = new Map(context.tiers.map((tier) => [tier.key, tier.name]))
  const userName = (id: string | null) => (id ? (context.usersById.get(id)?.name ?? 'Unknown user') : 'Unassigned')
  return {
    previewToken: plan.token,
    moves: plan.moves.map((move) => ({ ...move, tierName: move.tier ? (tierName.get(move.tier) ?? move.tier) : null, fromOwnerName: userName(move.fromOwnerId), toOwnerName: userName(move.toOwnerId) })),
    load: [...before].map(([id, book]) => ({
      userId: id,
      name: userName(id),
      before: loadLine(book, context.models, order),
      after: loadLine(context.book(id), context.models, order),
    })),
  }
}

export async function previewReassign(db: Db, params: { workspaceId: string; input: ReassignInput }) {
  return describePlan(await planReassign(db, params))
}

/** Applies the plan the preview showed, or 409 when the accounts or loads changed so the plan differs. */
export async function applyReassign(db: Db, params: { workspaceId: string; input: ReassignInput; previewToken: string; actor: AuditActor }) {
  return db.transaction(async (tx) => {
    const plan = await planReassign(tx, params)
    if (plan.token !== params.previewToken) throw conflict('The accounts or the team’s loads changed since the preview; preview again', 'previewToken')
    for (const move of plan.moves) {
      await updateAccount(tx, { workspaceId: params.workspaceId, accountId: move.accountId, input: { ownerId: move.toOwnerId } })
      await recordAudit(tx, {
        workspaceId: params.workspaceId,
        actor: params.actor,
        action: 'account.owner_reassigned',
        entityType: 'account',
        entityId: move.accountId,
        before: { ownerId: move.fromOwnerId },
        after: { ownerId: move.toOwnerId, bulk: true, strategy: params.input.strategy ?? 'to' },
      })
    }
    return { applied: plan.moves.length, ...describePlan(plan) }
  })
}

