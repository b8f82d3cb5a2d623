import { createRoute } from '@hono/zod-openapi'
import { createRouter, jsonResponse, problemResponses, requirePermission, type AppDeps } from '../../platform/http'
import { PortfolioSummarySchema } from './portfolio.contracts'
import * as service from './portfolio.service'

const summaryRoute = createRoute({
  method: 'get',
  path: '/api/v1/portfolio/summary',
  tags: ['Portfolio'],
  summary: 'The whole book of business: ARR trend, churn, renewals in the next 90 days, open tickets, monthly revenue movements',
  middleware: [requirePermission('customers:read')] as const,
  responses: { 200: jsonResponse(PortfolioSummarySchema, 'Portfolio summary'), ...problemResponses },
})

export function portfolioRoutes(deps: AppDeps) {
  const { db } = deps
  return createRouter().openapi(summaryRoute, async (c) => {
    const summary = await service.portfolioSummary(db, { workspaceId: c.get('auth').workspaceId })
    return c.json(summary, 200)
  })
}
