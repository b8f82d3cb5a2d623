import { pgErrorCode, type Db } from '../../platform/db'
import { ProblemError, badRequest, conflict, decodeCursor, encodeCursor, notFound } from '../../platform/http'
import { assertAccountReference } from '../accounts'
import type { SubscriptionListFilters } from './subscriptions.contracts'
import * as repo from './subscriptions.repo'
import type { Subscription } from './subscriptions.repo'
import type { subscriptionStatuses } from './subscriptions.tables'

export type { Subscription } from './subscriptions.repo'

export type CreateSubscriptionInput = {
  accountId: string
  externalId?: string | null
  product: string
  startDate: string
  endDate?: string | null
  arr: number
  currency?: string
  seats?: number | null
  status: (typeof subscriptionStatuses)[number]
  autoRenew?: boolean
}

export type UpdateSubscriptionInput = Partial<CreateSubscriptionInput>

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
// A real calendar date: Date.parse alone would roll 2025-02-30 over to March.
const isCursorKey = (value: unknown): value is string =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString().slice(0, 10) === value

/** A cursor is client input: a forged one is a 400 naming `cursor`, never a database error. */
function cursorAfter(cursor: unknown[] | undefined): [string, string] | undefined {
  if (!cursor) return undefined
  const [key, id] = cursor
  if (isCursorKey(key) && typeof id === 'string' && uuidPattern.test(id)) return [key, id]
  throw badRequest('cursor', 'is not a cursor returned by this endpoint')
}

export async function listSubscriptions(db: Db, params: { workspaceId: string; filters: SubscriptionListFilters }) {
  const cursor = decodeCursor(params.filters.cursor, 2)
  const { limit } = params.filters
  const rows = await repo.listSubscriptions(db, {
    workspaceId: params.workspaceId,
    filters: { ...params.filters, limit: limit + 1 },
    after: cursorAfter(cursor),
  })
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.startDate, last.id]) : null }
}

export async function getSubscription(db: Db, params: { workspaceId: string; subscriptionId: string }): Promise<Subscription> {
  const subscription = await repo.findSubscription(db, params)
  if (!subscription) throw notFound('Subscription')
  return subscription
}

/** An account's subscriptions, newest start first (the 360 view); uses subscriptions_workspace_account_idx. */
export const listAccountSubscriptions = repo.listAccountSubscriptions
export const findSubscriptionByExternalId = repo.findSubscriptionByExternalId


function assertTerm(startDate: string, endDate: string | null | undefined) {
  if (endDate && endDate < startDate) throw badRequest('endDate', `must be on or after startDate (${startDate})`)
}

async function assertExternalIdFree(db: Db, workspaceId: string, externalId: string | null | undefined, subscriptionId?: string) {
  if (!externalId) return
  const clash = await repo.findSubscriptionByExternalId(db, { workspaceId, externalId })
  if (clash && clash.id !== subscriptionId) throw conflict(`A subscription with externalId ${externalId} already exists`, 'externalId')
}

/** Two writers racing past the externalId check meet the unique index: still a 409 naming the field. */
async function withUniqueExternalId<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    if (pgErrorCode(error) === '23505') throw conflict('A subscription with this externalId already exists', 'externalId')
    throw error
  }
}

export async function createSubscription(db: Db, params: { workspaceId: string; input: CreateSubscriptionInput }): Promise<Subscription> {
  const { workspaceId, input } = params
  assertTerm(input.startDate, input.endDate)
  await assertAccountReference(db, { workspaceId: workspaceId, accountId: input.accountId })
  await assertExternalIdFree(db, workspaceId, input.externalId)
  return withUniqueExternalId(() => repo.insertSubscription(db, { ...input, workspaceId }))
}

export async function updateSubscription(
  db: Db,
  params: { workspaceId: string; subscriptionId: string; input: UpdateSubscriptionInput },
): Promise<Subscription> {
  const { workspaceId, subscriptionId, input } = params
  const before = await getSubscription(db, { workspaceId, subscriptionId })
  // The term rule holds for the record after the change, so a partial change is checked merged.
  assertTerm(input.startDate ?? before.startDate, input.endDate === undefined ? before.endDate : input.endDate)
  if (input.accountId && input.accountId !== before.accountId) await assertAccountReference(db, { workspaceId: workspaceId, accountId: input.accountId })
  await assertExternalIdFree(db, workspaceId, input.externalId, subscriptionId)
  if (Object.keys(input).length === 0) return before
  const updated = await withUniqueExternalId(() => repo.updateSubscription(db, { workspaceId, subscriptionId, changes: input }))
  if (!updated) throw notFound('Subscription')
  return updated
}

/**
 * Creates the subscription with this external id, or updates the one that has it: what a billing
 * sync (Stripe) calls for every subscription it sees. Fields left out keep their stored values.
 */
export async function upsertSubscriptionByExternalId(
  db: Db,
  params: { workspaceId: string; input: CreateSubscriptionInput & { externalId: string } },
): Promise<{ subscription: Subscription; created: boolean; before: Subscription | undefined }> {
  const { workspaceId, input } = params
  const existing = await repo.findSubscriptionByExternalId(db, { workspaceId, externalId: input.externalId })
  if (existing) {
    return { subscription: await updateSubscription(db, { workspaceId, subscriptionId: existing.id, input }), created: false, before: existing }
  }
  try {
    return { subscription: await createSubscription(db, { workspaceId, input }), created: true, before: undefined }
  } catch (error) {
    // Another sync created it in between: update that one instead.
    if (!(error instanceof ProblemError && error.status === 409)) throw error
    const raced = await repo.findSubscriptionByExternalId(db, { workspaceId, externalId: input.externalId })
    if (!raced) throw error
    return { subscription: await updateSubscription(db, { workspaceId, subscriptionId: raced.id, input }), created: false, before: raced }
  }
}

export async function deleteSubscription(db: Db, params: { workspaceId: string; subscriptionId: string }) {
  if (!(await repo.deleteSubscription(db, params))) throw notFound('Subscription')
}
