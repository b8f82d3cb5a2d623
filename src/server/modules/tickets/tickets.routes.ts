import { createRoute } from '@hono/zod-openapi'
import { createRouter, jsonBody, jsonResponse, problemResponses, requirePermission, type AppDeps } from '../../platform/http'
import { CreateTicketBody, IdParam, TicketListQuery, TicketPageSchema, TicketSchema, UpdateTicketBody } from './tickets.contracts'
import type { Ticket } from './tickets.repo'
import * as service from './tickets.service'

export const toTicketDto = (ticket: Ticket) => ({
  id: ticket.id,
  accountId: ticket.accountId,
  contactId: ticket.contactId,
  externalId: ticket.externalId,
  subject: ticket.subject,
  priority: ticket.priority,
  status: ticket.status,
  openedAt: ticket.openedAt.toISOString(),
  closedAt: ticket.closedAt ? ticket.closedAt.toISOString() : null,
  satisfaction: ticket.satisfaction,
  createdAt: ticket.createdAt.toISOString(),
  updatedAt: ticket.updatedAt.toISOString(),
})

const tags = ['Tickets']
const read = requirePermission('customers:read')
const write = requirePermission('customers:write')

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/tickets',
  tags,
  summary: 'List support tickets, newest opened first, cursor pagination; open=true for unresolved ones',
  middleware: [read] as const,
  request: { query: TicketListQuery },
  responses: { 200: jsonResponse(TicketPageSchema, 'A page of tickets'), ...problemResponses },
})

const getRoute = createRoute({
  method: 'get',
  path: '/api/v1/tickets/{id}',
  tags,
  summary: 'One ticket',
  middleware: [read] as const,
  request: { params: IdParam },
  responses: { 200: jsonResponse(TicketSchema, 'The ticket'), ...problemResponses },
})

const createTicketRoute = createRoute({
  method: 'post',
  path: '/api/v1/tickets',
  tags,
  summary: 'Record a support ticket of an account',
  description: 'contactId must be a contact of the same account; closedAt must be on or after openedAt; externalId is unique in the workspace.',
  middleware: [write] as const,
  request: jsonBody(CreateTicketBody),
  responses: { 201: jsonResponse(TicketSchema, 'Created'), ...problemResponses, 409: { description: 'externalId already used' } },
})

const updateRoute = createRoute({
  method: 'patch',
  path: '/api/v1/tickets/{id}',
  tags,
  summary: 'Change a ticket (only the fields sent)',
  middleware: [write] as const,
  request: { params: IdParam, ...jsonBody(UpdateTicketBody) },
  responses: { 200: jsonResponse(TicketSchema, 'Updated'), ...problemResponses, 409: { description: 'externalId already used' } },
})

const deleteRoute = createRoute({
  method: 'delete',
  path: '/api/v1/tickets/{id}',
  tags,
  summary: 'Delete a ticket',
  middleware: [requirePermission('customers:delete')] as const,
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...problemResponses },
})

export function ticketRoutes(deps: AppDeps) {
  const { db } = deps
  return createRouter()
    .openapi(listRoute, async (c) => {
      const page = await service.listTickets(db, { workspaceId: c.get('auth').workspaceId, filters: c.req.valid('query') })
      return c.json({ items: page.items.map(toTicketDto), nextCursor: page.nextCursor, total: page.total }, 200)
    })
    .openapi(getRoute, async (c) => {
      const ticket = await service.getTicket(db, { workspaceId: c.get('auth').workspaceId, ticketId: c.req.valid('param').id })
      return c.json(toTicketDto(ticket), 200)
    })
    .openapi(createTicketRoute, async (c) => {
      const ticket = await service.createTicket(db, { workspaceId: c.get('auth').workspaceId, input: c.req.valid('json') })
      return c.json(toTicketDto(ticket), 201)
    })
    .openapi(updateRoute, async (c) => {
      const ticket = await service.updateTicket(db, { workspaceId: c.get('auth').workspaceId, ticketId: c.req.valid('param').id, input: c.req.valid('json') })
      return c.json(toTicketDto(ticket), 200)
    })
    .openapi(deleteRoute, async (c) => {
      await service.deleteTicket(db, { workspaceId: c.get('auth').workspaceId, ticketId: c.req.valid('param').id })
      return c.body(null, 204)
    })
}
