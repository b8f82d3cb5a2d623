import type { Db } from '../../platform/db'
import { ProblemError, decodeTimestampCursor, encodeCursor, notFound, type AuthContext } from '../../platform/http'
import { assertAccountReference } from '../accounts'
import { assertContactsOfAccount } from '../contacts'
import type { TouchpointListFilters } from './touchpoints.contracts'
import * as repo from './touchpoints.repo'
import type { TouchpointWithAuthor } from './touchpoints.repo'
import type { touchpointKinds } from './touchpoints.tables'

export type { Touchpoint, TouchpointWithAuthor } from './touchpoints.repo'

/** Who is writing: the author of what they create, and whether they may change others' touchpoints. */
export type TouchpointActor = { userId: string | null; mayChangeOthers: boolean }

const leadRoles: ReadonlySet<string> = new Set(['owner', 'admin', 'manager'])

export function touchpointActor(auth: AuthContext): TouchpointActor {
  const userId = auth.actor.kind === 'user' ? auth.actor.userId : null
  const isLead = auth.actor.kind === 'user' && leadRoles.has(auth.actor.role)
  return { userId, mayChangeOthers: isLead || auth.permissions.has('users:manage') }
}

export type CreateTouchpointInput = {
  accountId: string
  kind: (typeof touchpointKinds)[number]
  body: string
  subject?: string | null
  occurredAt?: string
  contactIds?: string[]
}

export type UpdateTouchpointInput = Partial<CreateTouchpointInput>


export async function listTouchpoints(db: Db, params: { workspaceId: string; filters: TouchpointListFilters }) {
  const { limit } = params.filters
  const rows = await repo.listTouchpoints(db, {
    workspaceId: params.workspaceId,
    filters: { ...params.filters, limit: limit + 1 },
    after: decodeTimestampCursor(params.filters.cursor),
  })
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.cursorAt, last.id]) : null }
}

/** An account's latest touchpoints, newest first (the 360 view); uses touchpoints_workspace_account_at_idx. */
export const listAccountTouchpoints = repo.listAccountTouchpoints

export async function getTouchpoint(db: Db, params: { workspaceId: string; touchpointId: string }): Promise<TouchpointWithAuthor> {
  const touchpoint = await repo.findTouchpoint(db, params)
  if (!touchpoint) throw notFound('Touchpoint')
  return touchpoint
}


/** A touchpoint is its author's: others may change it only as a lead (or with users:manage). Imported ones have no author. */
function assertMayChange(actor: TouchpointActor, touchpoint: TouchpointWithAuthor) {
  if (touchpoint.authorId === null || touchpoint.authorId === actor.userId || actor.mayChangeOthers) return
  throw new ProblemError(403, 'Forbidden', `Only its author (${touchpoint.authorName ?? 'another user'}) or a manager may change this touchpoint`)
}

export async function createTouchpoint(
  db: Db,
  params: { workspaceId: string; actor: TouchpointActor; input: CreateTouchpointInput },
): Promise<TouchpointWithAuthor> {
  const { workspaceId, input } = params
  await assertAccountReference(db, { workspaceId: workspaceId, accountId: input.accountId })
  const contactIds = input.contactIds ?? []
  await assertContactsOfAccount(db, { workspaceId, accountId: input.accountId, contactIds, field: 'contactIds' })
  const created = await repo.insertTouchpoint(db, {
    workspaceId,
    accountId: input.accountId,
    kind: input.kind,
    authorId: params.actor.userId,
    occurredAt: input.occurredAt ? new Date(input.occurredAt) : new Date(),
    subject: input.subject ?? null,
    body: input.body,
    contactIds,
  })
  return getTouchpoint(db, { workspaceId, touchpointId: created.id })
}

export async function updateTouchpoint(
  db: Db,
  params: { workspaceId: string; touchpointId: string; actor: TouchpointActor; input: UpdateTouchpointInput },
): Promise<TouchpointWithAuthor> {
  const { workspaceId, touchpointId, input } = params
  const before = await getTouchpoint(db, { workspaceId, touchpointId })
  assertMayChange(params.actor, before)
  const accountId = input.accountId ?? before.accountId
  if (accountId !== before.accountId) await assertAccountReference(db, { workspaceId: workspaceId, accountId: accountId })
  // Moving to another account re-checks the people too: they must belong to the new account.
  if (input.contactIds !== undefined || accountId !== before.accountId) {
    await assertContactsOfAccount(db, { workspaceId, accountId, contactIds: input.contactIds ?? before.contactIds, field: 'contactIds' })
  }
  const { occurredAt, ...fields } = input
  if (Object.keys(input).length === 0) return before
  await repo.updateTouchpoint(db, {
    workspaceId,
    touchpointId,
    changes: { ...fields, ...(occurredAt ? { occurredAt: new Date(occurredAt) } : {}) },
  })
  return getTouchpoint(db, { workspaceId, touchpointId })
}

export async function deleteTouchpoint(db: Db, params: { workspaceId: string; touchpointId: string; actor: TouchpointActor }) {
  const before = await getTouchpoint(db, params)
  assertMayChange(params.actor, before)
  if (!(await repo.deleteTouchpoint(db, params))) throw notFound('Touchpoint')
}
