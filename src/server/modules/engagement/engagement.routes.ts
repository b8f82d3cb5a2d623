import { createRoute } from '@hono/zod-openapi'
import { createRouter, jsonBody, jsonResponse, problemResponses, ProblemSchema, requirePermission, type AppDeps } from '../../platform/http'
import { CoverageQuery, CoverageSchema, LoadSchema, ReassignAppliedSchema, ReassignApplyBody, ReassignBody, ReassignPreviewSchema } from './engagement.contracts'
import { applyReassign, getCoverage, getLoad, previewReassign } from './engagement.service'

const tags = ['Engagement and assignment']

const coverageRoute = createRoute({
  method: 'get',
  path: '/api/v1/engagement/coverage',
  tags,
  summary: 'Accounts out of cadence (no touchpoint of a cadence’s kinds within its days), with in-cadence shares per tier and cadence',
  middleware: [requirePermission('customers:read')] as const,
  request: { query: CoverageQuery },
  responses: { 200: jsonResponse(CoverageSchema, 'Coverage'), ...problemResponses },
})

const loadRoute = createRoute({
  method: 'get',
  path: '/api/v1/engagement/load',
  tags,
  summary: 'Each CSM’s accounts and ARR per tier against the capacity of those tiers, and the unassigned accounts',
  middleware: [requirePermission('customers:read')] as const,
  responses: { 200: jsonResponse(LoadSchema, 'Team load'), ...problemResponses },
})

const previewRoute = createRoute({
  method: 'post',
  path: '/api/v1/engagement/reassign/preview',
  tags,
  summary: 'Who would get which account, and the loads before and after (changes nothing)',
  middleware: [requirePermission('customers:read')] as const,
  request: jsonBody(ReassignBody),
  responses: { 200: jsonResponse(ReassignPreviewSchema, 'The plan'), ...problemResponses },
})

const applyRoute = createRoute({
  method: 'post',
  path: '/api/v1/engagement/reassign/apply',
  tags,
  summary: 'Apply a previewed reassignment; 409 when the data changed so the plan is no longer the one shown',
  middleware: [requirePermission('customers:write')] as const,
  request: jsonBody(ReassignApplyBody),
  responses: { 200: jsonResponse(ReassignAppliedSchema, 'Applied'), 409: { description: 'The data changed since the preview', content: { 'application/problem+json': { schema: ProblemSchema } } }, ...problemResponses },
})

export function engagementRoutes(deps: AppDeps) {
  return createRouter()
    .openapi(coverageRoute, async (c) => c.json(await getCoverage(deps.db, { workspaceId: c.get('auth').workspaceId, ...c.req.valid('query') }), 200))
    .openapi(loadRoute, async (c) => c.json(await getLoad(deps.db, { workspaceId: c.get('auth').workspaceId }), 200))
    .openapi(previewRoute, async (c) => c.json(await previewReassign(deps.db, { workspaceId: c.get('auth').workspaceId, input: c.req.valid('json') }), 200))
    .openapi(applyRoute, async (c) => {
      const auth = c.get('auth')
      const { previewToken, ...input } = c.req.valid('json')
      return c.json(await applyReassign(deps.db, { workspaceId: auth.workspaceId, input, previewToken, actor: auth.actor }), 200)
    })
}
