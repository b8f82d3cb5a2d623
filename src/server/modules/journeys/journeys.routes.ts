import { createRoute, z } from '@hono/zod-openapi'
import { createRouter, jsonResponse, problemResponses, requirePermission, type AppDeps } from '../../platform/http'
import { AccountMilestonesSchema, EvaluationSchema, JourneyListSchema, JourneyMapQuery, JourneyMapSchema, MilestoneAccountsQuery, MilestoneAccountsSchema } from './journeys.contracts'
import { evaluateJourneys } from './journeys.engine'
import { getAccountMilestones, getJourneyMap, listJourneys, listMilestoneAccounts } from './journeys.service'

const tags = ['Journeys and milestones']
const slug = z.string().min(1).max(64)

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/journeys',
  tags,
  summary: 'Every journey with each milestone’s done, late, on track and missed accounts',
  middleware: [requirePermission('customers:read')] as const,
  responses: { 200: jsonResponse(JourneyListSchema, 'Journeys'), ...problemResponses },
})

const accountsRoute = createRoute({
  method: 'get',
  path: '/api/v1/journeys/{key}/milestones/{milestone}/accounts',
  tags,
  summary: 'The accounts of a milestone (optionally of one status), most overdue first',
  middleware: [requirePermission('customers:read')] as const,
  request: { params: z.object({ key: slug, milestone: slug }), query: MilestoneAccountsQuery },
  responses: { 200: jsonResponse(MilestoneAccountsSchema, 'Accounts'), ...problemResponses },
})

const accountMilestonesRoute = createRoute({
  method: 'get',
  path: '/api/v1/accounts/{id}/milestones',
  tags,
  summary: "An account's milestones, computed afresh",
  middleware: [requirePermission('customers:read')] as const,
  request: { params: z.object({ id: z.uuid() }) },
  responses: { 200: jsonResponse(AccountMilestonesSchema, 'Milestones'), ...problemResponses },
})

const mapRoute = createRoute({
  method: 'get',
  path: '/api/v1/journey-map',
  tags,
  summary: 'Lifecycle stages as columns: accounts, ARR, overdue, time in stage, conversion, milestone hit rates',
  middleware: [requirePermission('customers:read')] as const,
  request: { query: JourneyMapQuery },
  responses: { 200: jsonResponse(JourneyMapSchema, 'The journey map'), ...problemResponses },
})

const evaluateRoute = createRoute({
  method: 'post',
  path: '/api/v1/journeys/evaluate',
  tags,
  summary: 'Recompute every milestone of the workspace now',
  middleware: [requirePermission('config:write')] as const,
  responses: { 200: jsonResponse(EvaluationSchema, 'What changed'), ...problemResponses },
})

export function journeyRoutes(deps: AppDeps) {
  return createRouter()
    .openapi(listRoute, async (c) => c.json(await listJourneys(deps.db, { workspaceId: c.get('auth').workspaceId }), 200))
    .openapi(accountsRoute, async (c) => {
      const param = c.req.valid('param')
      const query = c.req.valid('query')
      return c.json(
        await listMilestoneAccounts(deps.db, { workspaceId: c.get('auth').workspaceId, journeyKey: param.key, milestoneKey: param.milestone, status: query.status, limit: query.limit, offset: query.offset }),
        200,
      )
    })
    .openapi(accountMilestonesRoute, async (c) => c.json(await getAccountMilestones(deps.db, { workspaceId: c.get('auth').workspaceId, accountId: c.req.valid('param').id }), 200))
    .openapi(mapRoute, async (c) => c.json(await getJourneyMap(deps.db, { workspaceId: c.get('auth').workspaceId, days: c.req.valid('query').days }), 200))
    .openapi(evaluateRoute, async (c) => c.json(await evaluateJourneys(deps.db, { workspaceId: c.get('auth').workspaceId }), 200))
}
