import { pgErrorCode, type Db } from '../../platform/db'
import { ProblemError, badRequest, conflict, decodeCursor, decodeKeyedCursor, encodeCursor, notFound } from '../../platform/http'
import { findUser } from '../identity'
import type { AccountListFilters } from './accounts.contracts'
import * as repo from './accounts.repo'
import type { RevenueMovement } from './accounts.repo'

export type { Account, AccountWithOwner, RevenueMovement } from './accounts.repo'

export const todayUtc = () => new Date().toISOString().slice(0, 10)

type MovementKind = RevenueMovement['kind']
const positiveKinds: ReadonlySet<MovementKind> = new Set(['new', 'expansion', 'reactivation'])

const isCalendarDate = (text: string) => /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text)) && new Date(text).toISOString().startsWith(text)
/** What a list cursor's sort value looks like for each kind of sort (so a forged one is a 400, not a database error). */
const isCursorValue = { number: (text: string) => /^-?\d{1,14}(\.\d{1,2})?$/.test(text), date: isCalendarDate, text: () => true } as const

/**
 * A page of the accounts list as the JSON text of AccountPageSchema: the items are written by
 * PostgreSQL and never parsed here (at 50 rows a page, parsing and re-serialising cost more than the query).
 */
export async function listAccountsJson(db: Db, params: { workspaceId: string; filters: AccountListFilters }): Promise<string> {
  const page = await repo.listAccountsJson(db, {
    workspaceId: params.workspaceId,
    filters: params.filters,
    after: decodeKeyedCursor(params.filters.cursor, isCursorValue[repo.sortKey(params.filters.sort).kind]),
    today: todayUtc(),
  })
  const nextCursor = page.last ? encodeCursor(page.last) : null
  return `{"items":${page.itemsJson},"nextCursor":${JSON.stringify(nextCursor)},"total":${page.total},"totalCapped":${page.totalCapped}}`
}

export async function getAccount(db: Db, params: { workspaceId: string; accountId: string }) {
  const account = await repo.findAccount(db, params)
  if (!account) throw notFound('Account')
  return account
}

/** An account named in a request body (accountId): unknown or another workspace's is a 400 on that field. */
export async function assertAccountReference(db: Db, params: { workspaceId: string; accountId: string; field?: string }) {
  if (!(await repo.findAccount(db, params))) throw badRequest(params.field ?? 'accountId', 'is not an account of this workspace')
}

export const findAccountByExternalId = repo.findAccountByExternalId
export const findAccountsByTrait = repo.findAccountsByTrait
/** Σ of the revenue movements recorded for one subscription, per account (billing syncs diff against it). */
export const subscriptionLedgerArr = repo.subscriptionLedgerArr
export const listChildAccounts = repo.listChildAccounts
export const accountFacets = repo.accountFacets

async function assertOwner(db: Db, workspaceId: string, ownerId: string | null | undefined) {
  if (!ownerId) return
  if (!(await findUser(db, { workspaceId, userId: ownerId }))) throw badRequest('ownerId', 'is not a user of this workspace')
}

async function assertParent(db: Db, workspaceId: string, parentId: string | null | undefined, accountId?: string) {
  if (!parentId) return
  if (parentId === accountId) throw badRequest('parentId', 'an account cannot be its own parent')
  let current: string | null = parentId
  // Walk up the hierarchy: a parent must exist and must not be a descendant of this account.
  for (let depth = 0; current && depth < 50; depth++) {
    const parent = await repo.findAccount(db, { workspaceId, accountId: current })
    if (!parent) throw badRequest('parentId', depth === 0 ? 'is not an account of this workspace' : 'hierarchy is broken')
    if (accountId && parent.parentId === accountId) throw badRequest('parentId', 'would make a cycle in the account hierarchy')
    current = parent.parentId
  }
}

export type CreateAccountInput = {
  externalId: string
  name: string
  domain?: string | null
  parentId?: string | null
  ownerId?: string | null
  plan?: string | null
  industry?: string | null
  employees?: number | null
  country?: string | null
  currency?: string
  renewalDate?: string | null
  traits?: Record<string, unknown>
  arr?: number
  arrEffectiveDate?: string
}

export async function createAccount(db: Db, params: { workspaceId: string; input: CreateAccountInput }) {
  const { workspaceId, input } = params
  const { arr, arrEffectiveDate, ...fields } = input
  if (await repo.findAccountByExternalId(db, { workspaceId, externalId: input.externalId })) {
    throw conflict(`An account with externalId ${input.externalId} already exists`, 'externalId')
  }
  await assertOwner(db, workspaceId, input.ownerId)
  await assertParent(db, workspaceId, input.parentId)
  const account = await db.transaction(async (tx) => {
    const created = await repo.insertAccount(tx, { ...fields, workspaceId, arr: 0 })
    if (arr && arr > 0) {
      await recordMovementInTransaction(tx, {
        workspaceId,
        accountId: created.id,
        kind: 'new',
        effectiveDate: arrEffectiveDate ?? todayUtc(),
        amount: arr,
        currency: created.currency,
        source: 'manual',
      })
    }
    return created
  })
  return getAccount(db, { workspaceId, accountId: account.id })
}

export type UpdateAccountInput = Partial<Omit<CreateAccountInput, 'arrEffectiveDate'>> & {
  arrEffectiveDate?: string
  status?: 'active' | 'churned'
}

export async function updateAccount(db: Db, params: { workspaceId: string; accountId: string; input: UpdateAccountInput }) {
  const { workspaceId, accountId } = params
  const { arr, arrEffectiveDate, status, ...fields } = params.input
  const before = await getAccount(db, { workspaceId, accountId })
  if (fields.externalId && fields.externalId !== before.externalId) {
    const clash = await repo.findAccountByExternalId(db, { workspaceId, externalId: fields.externalId })
    if (clash) throw conflict(`An account with externalId ${fields.externalId} already exists`, 'externalId')
  }
  if (fields.ownerId !== undefined) await assertOwner(db, workspaceId, fields.ownerId)
  if (fields.parentId !== undefined) await assertParent(db, workspaceId, fields.parentId, accountId)
  const effectiveDate = arrEffectiveDate ?? todayUtc()
  await db.transaction(async (tx) => {
    if (Object.keys(fields).length > 0) await repo.updateAccount(tx, { workspaceId, accountId, changes: fields })
    if (status === 'churned' && before.status !== 'churned') {
      if (arr !== undefined && arr > 0) throw badRequest('arr', 'a churned account has no ARR')
      if (before.arr > 0) {
        await recordMovementInTransaction(tx, { workspaceId, accountId, kind: 'churn', effectiveDate, amount: before.arr, source: 'manual' })
      }
      await repo.updateAccount(tx, { workspaceId, accountId, changes: { status: 'churned', churnedAt: effectiveDate } })
      return
    }
    if (status === 'active' && before.status === 'churned') {
      if (arr !== undefined && arr > 0) {
        await recordMovementInTransaction(tx, { workspaceId, accountId, kind: 'reactivation', effectiveDate, amount: arr, source: 'manual' })
      }
      await repo.updateAccount(tx, { workspaceId, accountId, changes: { status: 'active', churnedAt: null } })
      return
    }
    if (arr !== undefined && arr !== before.arr) {
      const delta = arr - before.arr
      const kind: MovementKind = before.arr === 0 ? 'new' : delta > 0 ? 'expansion' : 'contraction'
      await recordMovementInTransaction(tx, { workspaceId, accountId, kind, effectiveDate, amount: Math.abs(delta), source: 'manual' })
    }
  })
  return getAccount(db, { workspaceId, accountId })
}

export async function deleteAccount(db: Db, params: { workspaceId: string; accountId: string }) {
  if (!(await repo.deleteAccount(db, params))) throw notFound('Account')
}

// ----- revenue ledger -----

export type RecordMovementInput = {
  workspaceId: string
  accountId: string
  kind: MovementKind
  effectiveDate: string
  /** Size of the change, positive; the sign follows the kind. */
  amount: number
  subscriptionId?: string | null
  externalId?: string | null
  currency?: string
  source?: string
  note?: string | null
}

async function recordMovementInTransaction(db: Db, input: RecordMovementInput): Promise<RevenueMovement> {
  if (!(input.amount > 0)) throw badRequest('amount', 'must be greater than 0')
  const arrDelta = positiveKinds.has(input.kind) ? input.amount : -input.amount
  const movement = await repo.insertRevenueMovement(db, {
    workspaceId: input.workspaceId,
    accountId: input.accountId,
    subscriptionId: input.subscriptionId ?? null,
    externalId: input.externalId ?? null,
    kind: input.kind,
    effectiveDate: input.effectiveDate,
    arrDelta,
    currency: input.currency ?? 'USD',
    source: input.source ?? 'manual',
    note: input.note ?? null,
  })
  const today = todayUtc()
  const arr = await repo.refreshAccountArr(db, { workspaceId: input.workspaceId, accountId: input.accountId, today })
  if (arr < -0.005) throw badRequest('amount', `would take the account's ARR below zero (to ${arr.toFixed(2)})`)
  if (input.effectiveDate <= today) {
    if (input.kind === 'churn' && Math.abs(arr) < 0.005) {
      await repo.updateAccount(db, { workspaceId: input.workspaceId, accountId: input.accountId, changes: { status: 'churned', churnedAt: input.effectiveDate } })
    }
    if (input.kind === 'reactivation' || input.kind === 'new') {
      await repo.updateAccount(db, { workspaceId: input.workspaceId, accountId: input.accountId, changes: { status: 'active', churnedAt: null } })
    }
  }
  return movement
}

/** Records one movement and moves the account's ARR (and churn status) with it, atomically. */
export async function recordRevenueMovement(db: Db, input: RecordMovementInput): Promise<RevenueMovement> {
  await getAccount(db, { workspaceId: input.workspaceId, accountId: input.accountId })
  try {
    return await db.transaction((tx) => recordMovementInTransaction(tx, input))
  } catch (error) {
    if (pgErrorCode(error) === '23505') throw conflict(`A movement with externalId ${input.externalId} already exists`, 'externalId')
    throw error
  }
}

export async function listRevenueMovements(
  db: Db,
  params: { workspaceId: string; accountId?: string; kind?: MovementKind; from?: string; to?: string; limit: number; cursor?: string },
) {
  const cursor = decodeCursor(params.cursor, 2)
  const rows = await repo.listRevenueMovements(db, { ...params, limit: params.limit + 1, after: cursor ? [String(cursor[0]), String(cursor[1])] : undefined })
  const items = rows.slice(0, params.limit)
  const last = items[items.length - 1]
  return { items, nextCursor: rows.length > params.limit && last ? encodeCursor([last.effectiveDate, last.id]) : null }
}

export async function arrAtDate(db: Db, params: { workspaceId: string; accountId: string; date?: string }) {
  await getAccount(db, params)
  const date = params.date ?? todayUtc()
  return { accountId: params.accountId, date, arr: await repo.arrAtDate(db, { ...params, date }) }
}

export async function arrSeries(db: Db, params: { workspaceId: string; accountId?: string; from?: string; to?: string }) {
  const to = params.to ?? todayUtc()
  const from = params.from ?? shiftMonths(to, -11)
  if (from > to) throw badRequest('from', 'must not be after to')
  if (monthsBetween(from, to) > 240) throw new ProblemError(400, 'Bad Request', 'from/to span at most 20 years', [{ field: 'from', message: 'span too long' }])
  return repo.arrSeries(db, { workspaceId: params.workspaceId, accountId: params.accountId, from, to })
}

export function shiftMonths(isoDate: string, months: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`)
  date.setUTCDate(1)
  date.setUTCMonth(date.getUTCMonth() + months)
  return date.toISOString().slice(0, 10)
}

function monthsBetween(from: string, to: string): number {
  const a = new Date(`${from}T00:00:00Z`)
  const b = new Date(`${to}T00:00:00Z`)
  return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth()
}
