import { createRoute } from '@hono/zod-openapi'
import { createRouter, jsonResponse, problemResponses, requirePermission, type AppDeps } from '../../platform/http'
import { AuditListQuery, AuditPageSchema } from './audit.contracts'
import { pageAuditLog } from './audit.service'

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/audit-log',
  tags: ['Audit log'],
  summary: 'Changes to users, API keys and configuration: who, when, what, before/after (newest first)',
  middleware: [requirePermission('audit:read')] as const,
  request: { query: AuditListQuery },
  responses: { 200: jsonResponse(AuditPageSchema, 'A page of audit entries'), ...problemResponses },
})

export function auditRoutes(deps: AppDeps) {
  return createRouter().openapi(listRoute, async (c) => {
    const query = c.req.valid('query')
    const page = await pageAuditLog(deps.db, { workspaceId: c.get('auth').workspaceId, ...query })
    return c.json({ items: page.items.map((entry) => ({ ...entry, at: entry.at.toISOString() })), nextCursor: page.nextCursor }, 200)
  })
}
