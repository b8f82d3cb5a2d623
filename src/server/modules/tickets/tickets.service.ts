import { pgErrorCode, type Db } from '../../platform/db'
import { ProblemError, badRequest, conflict, decodeTimestampCursor, encodeCursor, notFound } from '../../platform/http'
import { assertAccountReference } from '../accounts'
import { assertContactsOfAccount } from '../contacts'
import type { TicketListFilters } from './tickets.contracts'
import * as repo from './tickets.repo'
import type { Ticket } from './tickets.repo'
import type { ticketPriorities, ticketSatisfactions, ticketStatuses } from './tickets.tables'

export type { Ticket } from './tickets.repo'
export { openTicketStatuses } from './tickets.repo'

/** What a ticket is made of; timestamps are ISO strings or Dates so an ingestion job can pass either. */
export type CreateTicketInput = {
  accountId: string
  contactId?: string | null
  externalId?: string | null
  subject: string
  priority: (typeof ticketPriorities)[number]
  status: (typeof ticketStatuses)[number]
  openedAt?: string | Date
  closedAt?: string | Date | null
  satisfaction?: (typeof ticketSatisfactions)[number] | null
}

export type UpdateTicketInput = Partial<CreateTicketInput>

const toDate = (value: string | Date) => (value instanceof Date ? value : new Date(value))


export async function listTickets(db: Db, params: { workspaceId: string; filters: TicketListFilters }) {
  const { limit } = params.filters
  const result = await repo.listTickets(db, {
    workspaceId: params.workspaceId,
    filters: { ...params.filters, limit: limit + 1 },
    after: decodeTimestampCursor(params.filters.cursor),
  })
  const items = result.rows.slice(0, limit)
  const last = items[items.length - 1]
  return { items, nextCursor: result.rows.length > limit && last ? encodeCursor([last.cursorAt, last.id]) : null, total: result.total }
}

/** An account's latest tickets, newest opened first (the 360 view). */
export const listAccountTickets = repo.listAccountTickets

/** Open tickets (status new, open, pending or on_hold) of the workspace, or of one account. */
export async function countOpenTickets(db: Db, params: { workspaceId: string; accountId?: string }): Promise<number> {
  const { workspaceId, accountId } = params
  return accountId ? repo.countAccountOpenTickets(db, { workspaceId, accountId }) : repo.countOpenTickets(db, { workspaceId })
}

export const findTicketByExternalId = repo.findTicketByExternalId

export async function getTicket(db: Db, params: { workspaceId: string; ticketId: string }): Promise<Ticket> {
  const ticket = await repo.findTicket(db, params)
  if (!ticket) throw notFound('Ticket')
  return ticket
}


function assertTimes(openedAt: Date, closedAt: Date | null) {
  if (closedAt && closedAt < openedAt) throw badRequest('closedAt', `must be on or after openedAt (${openedAt.toISOString()})`)
}

async function assertExternalIdFree(db: Db, workspaceId: string, externalId: string | null | undefined, ticketId?: string) {
  if (!externalId) return
  const clash = await repo.findTicketByExternalId(db, { workspaceId, externalId })
  if (clash && clash.id !== ticketId) throw conflict(`A ticket with externalId ${externalId} already exists`, 'externalId')
}

/** Two writers racing past the externalId check meet the unique index: still a 409 naming the field. */
async function withUniqueExternalId<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    if (pgErrorCode(error) === '23505') throw conflict('A ticket with this externalId already exists', 'externalId')
    throw error
  }
}

export async function createTicket(db: Db, params: { workspaceId: string; input: CreateTicketInput }): Promise<Ticket> {
  const { workspaceId, input } = params
  const openedAt = input.openedAt ? toDate(input.openedAt) : new Date()
  const closedAt = input.closedAt ? toDate(input.closedAt) : null
  assertTimes(openedAt, closedAt)
  await assertAccountReference(db, { workspaceId: workspaceId, accountId: input.accountId })
  if (input.contactId) await assertContactsOfAccount(db, { workspaceId, accountId: input.accountId, contactIds: [input.contactId], field: 'contactId' })
  await assertExternalIdFree(db, workspaceId, input.externalId)
  return withUniqueExternalId(() => repo.insertTicket(db, { ...input, workspaceId, openedAt, closedAt }))
}

export async function updateTicket(db: Db, params: { workspaceId: string; ticketId: string; input: UpdateTicketInput }): Promise<Ticket> {
  const { workspaceId, ticketId, input } = params
  const before = await getTicket(db, { workspaceId, ticketId })
  const { openedAt: openedInput, closedAt: closedInput, ...fields } = input
  const openedAt = openedInput ? toDate(openedInput) : before.openedAt
  const closedAt = closedInput === undefined ? before.closedAt : closedInput === null ? null : toDate(closedInput)
  // The rules hold for the ticket after the change, so a partial change is checked merged.
  assertTimes(openedAt, closedAt)
  const accountId = input.accountId ?? before.accountId
  if (accountId !== before.accountId) await assertAccountReference(db, { workspaceId: workspaceId, accountId: accountId })
  const contactId = input.contactId === undefined ? before.contactId : input.contactId
  if (contactId && (input.contactId !== undefined || accountId !== before.accountId)) {
    await assertContactsOfAccount(db, { workspaceId, accountId, contactIds: [contactId], field: 'contactId' })
  }
  await assertExternalIdFree(db, workspaceId, input.externalId, ticketId)
  if (Object.keys(input).length === 0) return before
  const changes = { ...fields, ...(openedInput ? { openedAt } : {}), ...(closedInput !== undefined ? { closedAt } : {}) }
  const updated = await withUniqueExternalId(() => repo.updateTicket(db, { workspaceId, ticketId, changes }))
  if (!updated) throw notFound('Ticket')
  return updated
}

/**
 * Creates the ticket with this external id, or updates the one that has it: what a helpdesk
 * sync calls for every ticket it sees. Fields left out keep their stored values on update.
 */
export async function upsertTicketByExternalId(
  db: Db,
  params: { workspaceId: string; input: CreateTicketInput & { externalId: string } },
): Promise<{ ticket: Ticket; created: boolean }> {
  const { workspaceId, input } = params
  const existing = await repo.findTicketByExternalId(db, { workspaceId, externalId: input.externalId })
  if (existing) return { ticket: await updateTicket(db, { workspaceId, ticketId: existing.id, input }), created: false }
  try {
    return { ticket: await createTicket(db, { workspaceId, input }), created: true }
  } catch (error) {
    // Another sync created it in between: update that one instead.
    if (!(error instanceof ProblemError && error.status === 409)) throw error
    const raced = await repo.findTicketByExternalId(db, { workspaceId, externalId: input.externalId })
    if (!raced) throw error
    return { ticket: await updateTicket(db, { workspaceId, ticketId: raced.id, input }), created: false }
  }
}

export async function deleteTicket(db: Db, params: { workspaceId: string; ticketId: string }) {
  if (!(await repo.deleteTicket(db, params))) throw notFound('Ticket')
}
