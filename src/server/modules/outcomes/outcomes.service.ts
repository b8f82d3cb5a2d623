import { pgErrorCode, type Db } from '../../platform/db'
import { badRequest, conflict, decodeCursor, encodeCursor, notFound } from '../../platform/http'
import { assertAccountReference, getAccount } from '../accounts'
import type { OutcomeListFilters } from './outcomes.contracts'
import * as repo from './outcomes.repo'
import type { Outcome } from './outcomes.repo'
import type { outcomeKinds } from './outcomes.tables'

export type { Outcome } from './outcomes.repo'

export type OutcomeKind = (typeof outcomeKinds)[number]

export type RecordOutcomeInput = {
  accountId: string
  kind: OutcomeKind
  occurredOn: string
  arrBefore?: number | null
  arrAfter?: number | null
  note?: string | null
  externalId?: string | null
  source?: string
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const datePattern = /^\d{4}-\d{2}-\d{2}$/

/** A cursor is client input: a forged one is a 400 naming `cursor`, never a database error. */
function cursorAfter(cursor: string | undefined): [string, string] | undefined {
  const values = decodeCursor(cursor, 2)
  if (!values) return undefined
  const [day, id] = values
  if (typeof day === 'string' && datePattern.test(day) && !Number.isNaN(Date.parse(day)) && typeof id === 'string' && uuidPattern.test(id)) return [day, id]
  throw badRequest('cursor', 'is not a cursor returned by this endpoint')
}

export async function listOutcomes(db: Db, params: { workspaceId: string; filters: OutcomeListFilters }) {
  const { limit } = params.filters
  if (params.filters.from && params.filters.to && params.filters.from > params.filters.to) throw badRequest('from', 'must not be after to')
  const rows = await repo.listOutcomes(db, {
    workspaceId: params.workspaceId,
    filters: { ...params.filters, limit: limit + 1 },
    after: cursorAfter(params.filters.cursor),
  })
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.occurredOn, last.id]) : null }
}

/** An account's outcomes, latest first (the 360 view and backtests); at most 500. */
export async function listAccountOutcomes(db: Db, params: { workspaceId: string; accountId: string }): Promise<Outcome[]> {
  await getAccount(db, params)
  return repo.listAccountOutcomes(db, { ...params, limit: 500 })
}

export const findOutcomeByExternalId = repo.findOutcomeByExternalId

export async function getOutcome(db: Db, params: { workspaceId: string; outcomeId: string }): Promise<Outcome> {
  const outcome = await repo.findOutcome(db, params)
  if (!outcome) throw notFound('Outcome')
  return outcome
}

/** The ARR figures must tell the same story as the kind. */
export function outcomeRuleViolation(input: Pick<RecordOutcomeInput, 'kind' | 'arrBefore' | 'arrAfter'>): { field: string; message: string } | null {
  const before = input.arrBefore ?? null
  const after = input.arrAfter ?? null
  if (input.kind === 'churned' && after !== null && after > 0) return { field: 'arrAfter', message: 'a churned account has no ARR after (0 or empty)' }
  if (input.kind === 'contracted' && after !== null && after <= 0) return { field: 'arrAfter', message: 'a contraction keeps some ARR; record a churn when it drops to 0' }
  if (before === null || after === null) return null
  if (input.kind === 'expanded' && after <= before) return { field: 'arrAfter', message: `an expansion ends above the ARR before (${before})` }
  if (input.kind === 'contracted' && after >= before) return { field: 'arrAfter', message: `a contraction ends below the ARR before (${before})` }
  return null
}

const sameOutcome = (stored: Outcome, input: RecordOutcomeInput) =>
  stored.accountId === input.accountId &&
  stored.kind === input.kind &&
  stored.occurredOn === input.occurredOn &&
  (stored.arrBefore === null ? null : Number(stored.arrBefore)) === (input.arrBefore ?? null) &&
  (stored.arrAfter === null ? null : Number(stored.arrAfter)) === (input.arrAfter ?? null) &&
  stored.note === (input.note ?? null)

/**
 * Records one outcome. Idempotent by external id: the same external id again updates that outcome
 * (or leaves it alone when nothing changed) instead of adding a second one.
 */
export async function recordOutcome(
  db: Db,
  params: { workspaceId: string; input: RecordOutcomeInput },
): Promise<{ outcome: Outcome; created: boolean; changed: boolean }> {
  const { workspaceId, input } = params
  const violation = outcomeRuleViolation(input)
  if (violation) throw badRequest(violation.field, violation.message)
  await assertAccountReference(db, { workspaceId, accountId: input.accountId })
  const values = {
    accountId: input.accountId,
    kind: input.kind,
    occurredOn: input.occurredOn,
    arrBefore: input.arrBefore ?? null,
    arrAfter: input.arrAfter ?? null,
    note: input.note ?? null,
  }
  const existing = input.externalId ? await repo.findOutcomeByExternalId(db, { workspaceId, externalId: input.externalId }) : undefined
  if (existing) {
    if (sameOutcome(existing, input)) return { outcome: existing, created: false, changed: false }
    const updated = await repo.updateOutcome(db, { workspaceId, outcomeId: existing.id, changes: values })
    if (!updated) throw notFound('Outcome')
    return { outcome: updated, created: false, changed: true }
  }
  try {
    const outcome = await repo.insertOutcome(db, { ...values, workspaceId, externalId: input.externalId ?? null, source: input.source ?? 'manual' })
    return { outcome, created: true, changed: true }
  } catch (error) {
    if (pgErrorCode(error) !== '23505' || !input.externalId) throw error
    // Recorded by a concurrent writer in between: that one is the outcome; update it.
    const raced = await repo.findOutcomeByExternalId(db, { workspaceId, externalId: input.externalId })
    if (!raced) throw conflict(`An outcome with externalId ${input.externalId} already exists`, 'externalId')
    const updated = await repo.updateOutcome(db, { workspaceId, outcomeId: raced.id, changes: values })
    return { outcome: updated ?? raced, created: false, changed: true }
  }
}

export async function deleteOutcome(db: Db, params: { workspaceId: string; outcomeId: string }) {
  if (!(await repo.deleteOutcome(db, params))) throw notFound('Outcome')
}
