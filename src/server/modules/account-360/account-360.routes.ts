import { createRoute } from '@hono/zod-openapi'
import { createRouter, jsonResponse, problemResponses, requirePermission, type AppDeps } from '../../platform/http'
import { toAccountDto, toRevenueMovementDto } from '../accounts'
import { toContactDto } from '../contacts'
import { toSubscriptionDto } from '../subscriptions'
import { toTicketDto } from '../tickets'
import { toTouchpointDto } from '../touchpoints'
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
    const view = await service.getAccount360(db, { workspaceId: c.get('auth').workspaceId, accountId: c.req.valid('param').id })
    return c.json(
      {
        account: toAccountDto(view.account),
        parent: view.parent,
        children: view.children.map((child) => ({ id: child.id, name: child.name, arr: Number(child.arr) })),
        owner: view.owner,
        contacts: view.contacts.map(toContactDto),
        subscriptions: view.subscriptions.map(toSubscriptionDto),
        tickets: { items: view.tickets.items.map(toTicketDto), openCount: view.tickets.openCount },
        touchpoints: view.touchpoints.map(toTouchpointDto),
        revenue: { series: view.revenue.series, movements: view.revenue.movements.map(toRevenueMovementDto) },
      },
      200,
    )
  })
}
