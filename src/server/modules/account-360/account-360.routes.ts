import { createRoute, type z } from '@hono/zod-openapi'
import { createRouter, jsonResponse, problemResponses, requirePermission, type AppDeps } from '../../platform/http'
import { sharedRead } from '../../platform/shared-reads'
import { Account360Schema, IdParam } from './account-360.contracts'
import * as service from './account-360.service'

const account360Route = createRoute({
  method: 'get',
  path: '/api/v1/accounts/{id}/360',
  tags: ['Accounts'],
  summary: 'Everything about one account: hierarchy, owner, contacts, subscriptions, tickets, touchpoints and revenue',
  middleware: [requirePermission('customers:read')] as const,
  request: { params: IdParam },
  responses: { 200: jsonResponse(Account360Schema, 'The account and what belongs to it'), ...problemResponses },
})

export function account360Routes(deps: AppDeps) {
  const { db } = deps
  return createRouter().openapi(account360Route, async (c) => {
    const workspaceId = c.get('auth').workspaceId
    const accountId = c.req.valid('param').id
    const body = await sharedRead(`account-360\u0000${workspaceId}\u0000${accountId}`, () => service.getAccount360Json(db, { workspaceId, accountId }))
    // Already the JSON of Account360Schema, built by PostgreSQL: sent as it is, never parsed or stringified here.
    // The cast only restores the contract's type, which a body of text cannot carry.
    return c.body(body, 200, { 'content-type': 'application/json' }) as unknown as ReturnType<typeof c.json<z.infer<typeof Account360Schema>, 200>>
  })
}
