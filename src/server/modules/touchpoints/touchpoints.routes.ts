import { createRoute } from '@hono/zod-openapi'
import { createRouter, jsonBody, jsonResponse, problemResponses, requirePermission, type AppDeps } from '../../platform/http'
import {
  CreateTouchpointBody,
  IdParam,
  TouchpointListQuery,
  TouchpointPageSchema,
  TouchpointSchema,
  UpdateTouchpointBody,
} from './touchpoints.contracts'
import type { TouchpointWithAuthor } from './touchpoints.repo'
import * as service from './touchpoints.service'

export const toTouchpointDto = (touchpoint: TouchpointWithAuthor) => ({
  id: touchpoint.id,
  accountId: touchpoint.accountId,
  kind: touchpoint.kind,
  authorId: touchpoint.authorId,
  authorName: touchpoint.authorName,
  occurredAt: touchpoint.occurredAt.toISOString(),
  subject: touchpoint.subject,
  body: touchpoint.body,
  contactIds: touchpoint.contactIds,
  createdAt: touchpoint.createdAt.toISOString(),
  updatedAt: touchpoint.updatedAt.toISOString(),
})

const tags = ['Touchpoints']
const read = requirePermission('customers:read')
const write = requirePermission('customers:write')
const authorRule = "Only the author, or an owner/admin/manager (or a caller with users:manage), may change or delete someone else's touchpoint."

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/touchpoints',
  tags,
  summary: 'List touchpoints (notes, calls, meetings, emails, QBRs), newest first, cursor pagination',
  middleware: [read] as const,
  request: { query: TouchpointListQuery },
  responses: { 200: jsonResponse(TouchpointPageSchema, 'A page of touchpoints'), ...problemResponses },
})

const getRoute = createRoute({
  method: 'get',
  path: '/api/v1/touchpoints/{id}',
  tags,
  summary: 'One touchpoint',
  middleware: [read] as const,
  request: { params: IdParam },
  responses: { 200: jsonResponse(TouchpointSchema, 'The touchpoint'), ...problemResponses },
})

const createTouchpointRoute = createRoute({
  method: 'post',
  path: '/api/v1/touchpoints',
  tags,
  summary: 'Log a touchpoint with an account; the logged-in user is its author',
  description: 'With an API key the touchpoint has no author. contactIds must be contacts of the same account.',
  middleware: [write] as const,
  request: jsonBody(CreateTouchpointBody),
  responses: { 201: jsonResponse(TouchpointSchema, 'Created'), ...problemResponses },
})

const updateRoute = createRoute({
  method: 'patch',
  path: '/api/v1/touchpoints/{id}',
  tags,
  summary: 'Change a touchpoint (only the fields sent)',
  description: authorRule,
  middleware: [write] as const,
  request: { params: IdParam, ...jsonBody(UpdateTouchpointBody) },
  responses: { 200: jsonResponse(TouchpointSchema, 'Updated'), ...problemResponses },
})

const deleteRoute = createRoute({
  method: 'delete',
  path: '/api/v1/touchpoints/{id}',
  tags,
  summary: 'Delete a touchpoint',
  // customers:write, not customers:delete: the author rule guards it, and a CSM may remove their own note.
  description: `Needs customers:write. ${authorRule}`,
  middleware: [write] as const,
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...problemResponses },
})

export function touchpointRoutes(deps: AppDeps) {
  const { db } = deps
  return createRouter()
    .openapi(listRoute, async (c) => {
      const page = await service.listTouchpoints(db, { workspaceId: c.get('auth').workspaceId, filters: c.req.valid('query') })
      return c.json({ items: page.items.map(toTouchpointDto), nextCursor: page.nextCursor }, 200)
    })
    .openapi(getRoute, async (c) => {
      const touchpoint = await service.getTouchpoint(db, { workspaceId: c.get('auth').workspaceId, touchpointId: c.req.valid('param').id })
      return c.json(toTouchpointDto(touchpoint), 200)
    })
    .openapi(createTouchpointRoute, async (c) => {
      const auth = c.get('auth')
      const touchpoint = await service.createTouchpoint(db, { workspaceId: auth.workspaceId, actor: service.touchpointActor(auth), input: c.req.valid('json') })
      return c.json(toTouchpointDto(touchpoint), 201)
    })
    .openapi(updateRoute, async (c) => {
      const auth = c.get('auth')
      const touchpoint = await service.updateTouchpoint(db, {
        workspaceId: auth.workspaceId,
        touchpointId: c.req.valid('param').id,
        actor: service.touchpointActor(auth),
        input: c.req.valid('json'),
      })
      return c.json(toTouchpointDto(touchpoint), 200)
    })
    .openapi(deleteRoute, async (c) => {
      const auth = c.get('auth')
      await service.deleteTouchpoint(db, { workspaceId: auth.workspaceId, touchpointId: c.req.valid('param').id, actor: service.touchpointActor(auth) })
      return c.body(null, 204)
    })
}
