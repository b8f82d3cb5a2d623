import { createRoute } from '@hono/zod-openapi'
import { createRouter, jsonBody, jsonResponse, problemResponses, requirePermission, type AppDeps } from '../../platform/http'
import { ContactListQuery, ContactPageSchema, ContactSchema, CreateContactBody, IdParam, UpdateContactBody } from './contacts.contracts'
import type { Contact } from './contacts.repo'
import * as service from './contacts.service'
import { contactRoles } from './contacts.tables'

const knownRoles: ReadonlySet<string> = new Set(contactRoles)
// Imported rows may carry roles this version does not know; the contract lists only known ones.
const isContactRole = (role: string): role is (typeof contactRoles)[number] => knownRoles.has(role)

export const toContactDto = (contact: Contact) => ({
  id: contact.id,
  accountId: contact.accountId,
  externalId: contact.externalId,
  email: contact.email,
  name: contact.name,
  title: contact.title,
  phone: contact.phone,
  roles: contact.roles.filter(isContactRole),
  traits: contact.traits,
  lastSeenAt: contact.lastSeenAt ? contact.lastSeenAt.toISOString() : null,
  createdAt: contact.createdAt.toISOString(),
  updatedAt: contact.updatedAt.toISOString(),
})

const tags = ['Contacts']
const read = requirePermission('customers:read')
const write = requirePermission('customers:write')
const conflictResponse = { 409: { description: 'email or externalId already used in the workspace' } }

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/contacts',
  tags,
  summary: 'List contacts (the people at accounts): filter, search name/email, sorted by name, cursor pagination',
  middleware: [read] as const,
  request: { query: ContactListQuery },
  responses: { 200: jsonResponse(ContactPageSchema, 'A page of contacts'), ...problemResponses },
})

const getRoute = createRoute({
  method: 'get',
  path: '/api/v1/contacts/{id}',
  tags,
  summary: 'One contact',
  middleware: [read] as const,
  request: { params: IdParam },
  responses: { 200: jsonResponse(ContactSchema, 'The contact'), ...problemResponses },
})

const createContactRoute = createRoute({
  method: 'post',
  path: '/api/v1/contacts',
  tags,
  summary: 'Add a contact to an account; email (case-insensitive) and externalId are unique in the workspace',
  middleware: [write] as const,
  request: jsonBody(CreateContactBody),
  responses: { 201: jsonResponse(ContactSchema, 'Created'), ...problemResponses, ...conflictResponse },
})

const updateRoute = createRoute({
  method: 'patch',
  path: '/api/v1/contacts/{id}',
  tags,
  summary: 'Change a contact (only the fields sent)',
  middleware: [write] as const,
  request: { params: IdParam, ...jsonBody(UpdateContactBody) },
  responses: { 200: jsonResponse(ContactSchema, 'Updated'), ...problemResponses, ...conflictResponse },
})

const deleteRoute = createRoute({
  method: 'delete',
  path: '/api/v1/contacts/{id}',
  tags,
  summary: 'Delete a contact',
  middleware: [requirePermission('customers:delete')] as const,
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...problemResponses },
})

export function contactRoutes(deps: AppDeps) {
  const { db } = deps
  return createRouter()
    .openapi(listRoute, async (c) => {
      const page = await service.listContacts(db, { workspaceId: c.get('auth').workspaceId, filters: c.req.valid('query') })
      return c.json({ items: page.items.map(toContactDto), nextCursor: page.nextCursor, total: page.total }, 200)
    })
    .openapi(getRoute, async (c) => {
      const contact = await service.getContact(db, { workspaceId: c.get('auth').workspaceId, contactId: c.req.valid('param').id })
      return c.json(toContactDto(contact), 200)
    })
    .openapi(createContactRoute, async (c) => {
      const contact = await service.createContact(db, { workspaceId: c.get('auth').workspaceId, input: c.req.valid('json') })
      return c.json(toContactDto(contact), 201)
    })
    .openapi(updateRoute, async (c) => {
      const contact = await service.updateContact(db, {
        workspaceId: c.get('auth').workspaceId,
        contactId: c.req.valid('param').id,
        input: c.req.valid('json'),
      })
      return c.json(toContactDto(contact), 200)
    })
    .openapi(deleteRoute, async (c) => {
      await service.deleteContact(db, { workspaceId: c.get('auth').workspaceId, contactId: c.req.valid('param').id })
      return c.body(null, 204)
    })
}
