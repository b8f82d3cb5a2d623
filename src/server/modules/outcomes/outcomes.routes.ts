import { createRoute } from '@hono/zod-openapi'
import { createRouter, jsonBody, jsonResponse, problemResponses, requirePermission, type AppDeps } from '../../platform/http'
import { IdParam, OutcomeListQuery, OutcomeListSchema, OutcomePageSchema, OutcomeSchema, RecordOutcomeBody } from './outcomes.contracts'
import type { Outcome } from './outcomes.repo'
import * as service from './outcomes.service'

export const toOutcomeDto = (outcome: Outcome) => ({
  id: outcome.id,
  accountId: outcome.accountId,
  kind: outcome.kind,
  occurredOn: outcome.occurredOn,
  arrBefore: outcome.arrBefore === null ? null : Number(outcome.arrBefore),
  arrAfter: outcome.arrAfter === null ? null : Number(outcome.arrAfter),
  note: outcome.note,
  externalId: outcome.externalId,
  source: outcome.source,
  createdAt: outcome.createdAt.toISOString(),
  updatedAt: outcome.updatedAt.toISOString(),
})

const tags = ['Outcomes']
const read = requirePermission('customers:read')

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/outcomes',
  tags,
  summary: 'List account outcomes (renewed, expanded, contracted, churned), latest first, cursor pagination',
  middleware: [read] as const,
  request: { query: OutcomeListQuery },
  responses: { 200: jsonResponse(OutcomePageSchema, 'A page of outcomes'), ...problemResponses },
})

const accountOutcomesRoute = createRoute({
  method: 'get',
  path: '/api/v1/accounts/{id}/outcomes',
  tags,
  summary: "An account's outcomes, latest first (at most 500)",
  middleware: [read] as const,
  request: { params: IdParam },
  responses: { 200: jsonResponse(OutcomeListSchema, 'The outcomes'), ...problemResponses },
})

const recordRoute = createRoute({
  method: 'post',
  path: '/api/v1/outcomes',
  tags,
  summary: 'Record what happened to an account at a renewal or cancellation',
  description:
    'Idempotent by externalId: sending an outcome whose externalId is already recorded updates that outcome and answers 200; a new one answers 201. ' +
    'churned has no ARR after; expanded ends above arrBefore, contracted below it (and above 0). Outcomes do not move ARR.',
  middleware: [requirePermission('customers:write')] as const,
  request: jsonBody(RecordOutcomeBody),
  responses: { 200: jsonResponse(OutcomeSchema, 'Already recorded (updated if it differed)'), 201: jsonResponse(OutcomeSchema, 'Recorded'), ...problemResponses },
})

const deleteRoute = createRoute({
  method: 'delete',
  path: '/api/v1/outcomes/{id}',
  tags,
  summary: 'Delete an outcome',
  middleware: [requirePermission('customers:delete')] as const,
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...problemResponses },
})

export function outcomeRoutes(deps: AppDeps) {
  const { db } = deps
  return createRouter()
    .openapi(listRoute, async (c) => {
      const page = await service.listOutcomes(db, { workspaceId: c.get('auth').workspaceId, filters: c.req.valid('query') })
      return c.json({ items: page.items.map(toOutcomeDto), nextCursor: page.nextCursor }, 200)
    })
    .openapi(accountOutcomesRoute, async (c) => {
      const items = await service.listAccountOutcomes(db, { workspaceId: c.get('auth').workspaceId, accountId: c.req.valid('param').id })
      return c.json({ items: items.map(toOutcomeDto) }, 200)
    })
    .openapi(recordRoute, async (c) => {
      const result = await service.recordOutcome(db, { workspaceId: c.get('auth').workspaceId, input: c.req.valid('json') })
      return c.json(toOutcomeDto(result.outcome), result.created ? 201 : 200)
    })
    .openapi(deleteRoute, async (c) => {
      await service.deleteOutcome(db, { workspaceId: c.get('auth').workspaceId, outcomeId: c.req.valid('param').id })
      return c.body(null, 204)
    })
}
