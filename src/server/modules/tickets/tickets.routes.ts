import { createRoute } from '@hono/zod-openapi'
import { ProblemError, createRouter, jsonBody, jsonResponse, problemBody, problemResponses, requirePermission, type AppDeps } from '../../platform/http'
import {
  CreateTicketBody,
  IdParam,
  TicketListQuery,
  TicketPageSchema,
  TicketSchema,
  UpdateTicketBody,
  ZendeskFeedQuery,
  ZendeskFeedResultSchema,
  ZendeskTicketSchema,
} from './tickets.contracts'
import type { Ticket } from './tickets.repo'
import * as service from './tickets.service'
import { MAX_ZENDESK_TICKETS, ingestZendeskTickets } from './tickets.zendesk'

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

const zendeskTicketRef = { $ref: '#/components/schemas/ZendeskTicket' }
const zendeskRoute = createRoute({
  method: 'post',
  path: '/api/v1/tickets/zendesk',
  tags,
  summary: 'Upsert tickets as Zendesk sends them: one ticket, { ticket }, or { tickets, users?, organizations? } (up to 1,000)',
  description:
    'Upserts by Zendesk ticket id (the externalId). The account is found, first match wins, from: the ticket custom field named by ' +
    '`accountField` (holding the account external id); `organization.external_id` of an embedded organization; the sideloaded ' +
    '`organizations[]` entry with the ticket’s organization_id (its external_id); an account whose trait `zendesk_organization_id` ' +
    'is the organization_id. The requester (`requester.email`, or `requester_id` through sideloaded `users[]`) links the ticket to a ' +
    'contact of that account with the same email. status hold → on_hold, deleted removes the ticket; satisfaction_rating.score ' +
    'good/bad → satisfaction; solved and closed tickets close at solved_at, else updated_at. Each ticket stands alone: 200 when all ' +
    'were stored; otherwise 400 problem+json whose `errors` name each bad ticket (`index`, `field` like tickets.3.status) and whose ' +
    '`tickets` list the ones stored anyway.',
  middleware: [write] as const,
  request: {
    query: ZendeskFeedQuery,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: {
            oneOf: [
              zendeskTicketRef,
              { type: 'object', required: ['ticket'], properties: { ticket: zendeskTicketRef } },
              {
                type: 'object',
                required: ['tickets'],
                properties: {
                  tickets: { type: 'array', maxItems: MAX_ZENDESK_TICKETS, items: zendeskTicketRef },
                  users: { type: 'array', description: 'Sideloaded users (id, email)', items: { type: 'object' } },
                  organizations: { type: 'array', description: 'Sideloaded organizations (id, external_id)', items: { type: 'object' } },
                },
              },
            ],
          },
        },
      },
    },
  },
  responses: {
    200: jsonResponse(ZendeskFeedResultSchema, 'Every ticket stored'),
    ...problemResponses,
    400: { description: 'Some tickets were refused (errors: index, field, message); the others were stored (tickets)', content: { 'application/problem+json': { schema: ZendeskFeedResultSchema } } },
  },
})

export function ticketRoutes(deps: AppDeps) {
  const { db } = deps
  const router = createRouter()
  router.openAPIRegistry.register('ZendeskTicket', ZendeskTicketSchema)
  return router
    .openapi(zendeskRoute, async (c) => {
      let body: unknown
      try {
        body = await c.req.json()
      } catch {
        throw new ProblemError(400, 'Bad Request', 'body: is not valid JSON', [{ field: 'body', message: 'is not valid JSON' }])
      }
      // The query was validated by the route (ZendeskFeedQuery); the untyped body leaves c.req.valid untyped.
      const result = await ingestZendeskTickets(db, { workspaceId: c.get('auth').workspaceId, body, accountField: c.req.query('accountField') })
      if (result.failed === 0) return c.json(result, 200)
      const detail = `${result.failed} of ${result.received} tickets refused: ${result.errors.slice(0, 5).map((error) => `${error.field}: ${error.message}`).join('; ')}`
      return c.body(JSON.stringify({ ...problemBody(400, 'Bad Request', detail), ...result }), 400, { 'content-type': 'application/problem+json' })
    })
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
