import { pgErrorCode, type Db } from '../../platform/db'
import { badRequest, conflict, decodeCursor, encodeCursor, notFound } from '../../platform/http'
import { assertAccountReference } from '../accounts'
import type { ContactListFilters } from './contacts.contracts'
import * as repo from './contacts.repo'
import type { Contact } from './contacts.repo'
import type { contactRoles } from './contacts.tables'

export type { Contact } from './contacts.repo'

type ContactRole = (typeof contactRoles)[number]

export type CreateContactInput = {
  accountId: string
  externalId?: string | null
  email?: string | null
  name: string
  title?: string | null
  phone?: string | null
  roles?: ContactRole[]
  traits?: Record<string, unknown>
}

export type UpdateContactInput = Partial<CreateContactInput>

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const isCursorKey = (value: unknown): value is string => typeof value === 'string'

/** A cursor is client input: a forged one is a 400 naming `cursor`, never a database error. */
function cursorAfter(cursor: unknown[] | undefined): [string, string] | undefined {
  if (!cursor) return undefined
  const [key, id] = cursor
  if (isCursorKey(key) && typeof id === 'string' && uuidPattern.test(id)) return [key, id]
  throw badRequest('cursor', 'is not a cursor returned by this endpoint')
}

export async function listContacts(db: Db, params: { workspaceId: string; filters: ContactListFilters }) {
  const cursor = decodeCursor(params.filters.cursor, 2)
  const result = await repo.listContacts(db, {
    workspaceId: params.workspaceId,
    filters: params.filters,
    after: cursorAfter(cursor),
  })
  const items = result.rows.slice(0, params.filters.limit)
  const last = items[items.length - 1]
  const nextCursor = result.rows.length > params.filters.limit && last ? encodeCursor([last.name, last.id]) : null
  return { items, nextCursor, total: result.total }
}

export async function getContact(db: Db, params: { workspaceId: string; contactId: string }): Promise<Contact> {
  const contact = await repo.findContact(db, params)
  if (!contact) throw notFound('Contact')
  return contact
}

export const listAccountContacts = repo.listAccountContacts
export const findContactByEmail = repo.findContactByEmail
export const findContactByExternalId = repo.findContactByExternalId

/**
 * Refuses contact ids that are not contacts of the account: other modules (touchpoints, tickets)
 * call this so a record never points at a person of another account or workspace.
 */
export async function assertContactsOfAccount(db: Db, params: { workspaceId: string; accountId: string; contactIds: string[]; field: string }) {
  const wanted = [...new Set(params.contactIds)]
  const found = new Set(await repo.findAccountContactIds(db, { ...params, contactIds: wanted }))
  const missing = wanted.filter((id) => !found.has(id))
  if (missing.length > 0) throw badRequest(params.field, `${missing.join(', ')} ${missing.length === 1 ? 'is not a contact' : 'are not contacts'} of this account`)
}


async function assertUnique(db: Db, workspaceId: string, fields: { email?: string | null; externalId?: string | null }, contactId?: string) {
  if (fields.email) {
    const clash = await repo.findContactByEmail(db, { workspaceId, email: fields.email })
    if (clash && clash.id !== contactId) throw conflict(`A contact with email ${fields.email} already exists`, 'email')
  }
  if (fields.externalId) {
    const clash = await repo.findContactByExternalId(db, { workspaceId, externalId: fields.externalId })
    if (clash && clash.id !== contactId) throw conflict(`A contact with externalId ${fields.externalId} already exists`, 'externalId')
  }
}

/**
 * Two writers racing past assertUnique meet the unique index: checking again names the field
 * that now clashes, so it is still a 409 naming the field, never a 5xx.
 */
async function withUniqueFields<T>(db: Db, workspaceId: string, fields: UpdateContactInput, contactId: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    if (pgErrorCode(error) !== '23505') throw error
    await assertUnique(db, workspaceId, fields, contactId)
    throw conflict('A contact with the same email or externalId already exists', fields.email ? 'email' : 'externalId')
  }
}

export async function createContact(db: Db, params: { workspaceId: string; input: CreateContactInput }): Promise<Contact> {
  const { workspaceId, input } = params
  await assertAccountReference(db, { workspaceId: workspaceId, accountId: input.accountId })
  await assertUnique(db, workspaceId, input)
  return withUniqueFields(db, workspaceId, input, undefined, () => repo.insertContact(db, { ...input, workspaceId }))
}

export async function updateContact(db: Db, params: { workspaceId: string; contactId: string; input: UpdateContactInput }): Promise<Contact> {
  const { workspaceId, contactId, input } = params
  const before = await getContact(db, { workspaceId, contactId })
  if (input.accountId && input.accountId !== before.accountId) await assertAccountReference(db, { workspaceId: workspaceId, accountId: input.accountId })
  await assertUnique(db, workspaceId, input, contactId)
  if (Object.keys(input).length === 0) return before
  const updated = await withUniqueFields(db, workspaceId, input, contactId, () => repo.updateContact(db, { workspaceId, contactId, changes: input }))
  if (!updated) throw notFound('Contact')
  return updated
}

export async function deleteContact(db: Db, params: { workspaceId: string; contactId: string }) {
  if (!(await repo.deleteContact(db, params))) throw notFound('Contact')
}
