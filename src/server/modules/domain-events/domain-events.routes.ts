import { createRoute, z } from '@hono/zod-openapi'
import { createRouter, jsonResponse, problemResponses, requirePermission, type AppDeps } from '../../platform/http'
import { domainEventTypes, listDomainEvents } from './domain-events.service'

const DomainEventSchema = z
  .object({
    id: z.number().int(),
    type: z.string(),
    accountId: z.string().nullable(),
    payload: z.record(z.string(), z.unknown()),
    occurredAt: z.string(),
  })
  .openapi('DomainEvent')

const ListQuery = z.object({
  accountId: z.uuid().optional(),
  type: z
    .string()
    .optional()
    .describe(`Comma-separated types: ${domainEventTypes.join(', ')}`)
    .refine((value) => value === undefined || value.split(',').every((type) => (domainEventTypes as readonly string[]).includes(type)), { message: `must be types among ${domainEventTypes.join(', ')}` }),
  before: z.coerce.number().int().min(1).optional().describe('Events older than this id (the next page)'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/domain-events',
  tags: ['Domain events'],
  summary: 'What happened to accounts (segment entered/exited, tier and lifecycle changes), newest first',
  middleware: [requirePermission('customers:read')] as const,
  request: { query: ListQuery },
  responses: { 200: jsonResponse(z.object({ events: z.array(DomainEventSchema) }).openapi('DomainEventPage'), 'Events'), ...problemResponses },
})

export function domainEventRoutes(deps: AppDeps) {
  return createRouter().openapi(listRoute, async (c) => {
    const query = c.req.valid('query')
    const events = await listDomainEvents(deps.db, {
      workspaceId: c.get('auth').workspaceId,
      accountId: query.accountId,
      types: query.type?.split(','),
      beforeId: query.before,
      limit: query.limit,
    })
    return c.json({ events: events.map((event) => ({ ...event, occurredAt: event.occurredAt.toISOString() })) }, 200)
  })
}
