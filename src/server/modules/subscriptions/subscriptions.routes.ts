import { createRoute } from '@hono/zod-openapi'
import { createRouter, jsonBody, jsonResponse, problemResponses, requirePermission, type AppDeps } from '../../platform/http'
import {
  CreateSubscriptionBody,
  IdParam,
  SubscriptionListQuery,
  SubscriptionPageSchema,
  SubscriptionSchema,
  UpdateSubscriptionBody,
} from './subscriptions.contracts'
import type { Subscription } from './subscriptions.repo'
import * as service from './subscriptions.service'

export const toSubscriptionDto = (subscription: Subscription) => ({
  id: subscription.id,
  accountId: subscription.accountId,
  externalId: subscription.externalId,
  product: subscription.product,
  startDate: subscription.startDate,
  endDate: subscription.endDate,
  arr: Number(subscription.arr),
  currency: subscription.currency,
  seats: subscription.seats,
  status: subscription.status,
  autoRenew: subscription.autoRenew,
  createdAt: subscription.createdAt.toISOString(),
  updatedAt: subscription.updatedAt.toISOString(),
})

const tags = ['Subscriptions']
const read = requirePermission('customers:read')
const write = requirePermission('customers:write')
const ledgerNote = "Subscriptions describe contracts; they do not move the account's ARR (record revenue movements for that)."

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/subscriptions',
  tags,
  summary: 'List subscriptions, newest start date first, cursor pagination',
  description: ledgerNote,
  middleware: [read] as const,
  request: { query: SubscriptionListQuery },
  responses: { 200: jsonResponse(SubscriptionPageSchema, 'A page of subscriptions'), ...problemResponses },
})

const getRoute = createRoute({
  method: 'get',
  path: '/api/v1/subscriptions/{id}',
  tags,
  summary: 'One subscription',
  middleware: [read] as const,
  request: { params: IdParam },
  responses: { 200: jsonResponse(SubscriptionSchema, 'The subscription'), ...problemResponses },
})

const createSubscriptionRoute = createRoute({
  method: 'post',
  path: '/api/v1/subscriptions',
  tags,
  summary: 'Record a subscription (a contract) of an account',
  description: `${ledgerNote} endDate must be on or after startDate; externalId is unique in the workspace.`,
  middleware: [write] as const,
  request: jsonBody(CreateSubscriptionBody),
  responses: { 201: jsonResponse(SubscriptionSchema, 'Created'), ...problemResponses, 409: { description: 'externalId already used' } },
})

const updateRoute = createRoute({
  method: 'patch',
  path: '/api/v1/subscriptions/{id}',
  tags,
  summary: 'Change a subscription (only the fields sent)',
  description: `${ledgerNote} Changing arr here does not change the account's ARR.`,
  middleware: [write] as const,
  request: { params: IdParam, ...jsonBody(UpdateSubscriptionBody) },
  responses: { 200: jsonResponse(SubscriptionSchema, 'Updated'), ...problemResponses, 409: { description: 'externalId already used' } },
})

const deleteRoute = createRoute({
  method: 'delete',
  path: '/api/v1/subscriptions/{id}',
  tags,
  summary: 'Delete a subscription (the revenue ledger is unchanged)',
  middleware: [requirePermission('customers:delete')] as const,
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...problemResponses },
})

export function subscriptionRoutes(deps: AppDeps) {
  const { db } = deps
  return createRouter()
    .openapi(listRoute, async (c) => {
      const page = await service.listSubscriptions(db, { workspaceId: c.get('auth').workspaceId, filters: c.req.valid('query') })
      return c.json({ items: page.items.map(toSubscriptionDto), nextCursor: page.nextCursor }, 200)
    })
    .openapi(getRoute, async (c) => {
      const subscription = await service.getSubscription(db, { workspaceId: c.get('auth').workspaceId, subscriptionId: c.req.valid('param').id })
      return c.json(toSubscriptionDto(subscription), 200)
    })
    .openapi(createSubscriptionRoute, async (c) => {
      const subscription = await service.createSubscription(db, { workspaceId: c.get('auth').workspaceId, input: c.req.valid('json') })
      return c.json(toSubscriptionDto(subscription), 201)
    })
    .openapi(updateRoute, async (c) => {
      const subscription = await service.updateSubscription(db, {
        workspaceId: c.get('auth').workspaceId,
        subscriptionId: c.req.valid('param').id,
        input: c.req.valid('json'),
      })
      return c.json(toSubscriptionDto(subscription), 200)
    })
    .openapi(deleteRoute, async (c) => {
      await service.deleteSubscription(db, { workspaceId: c.get('auth').workspaceId, subscriptionId: c.req.valid('param').id })
      return c.body(null, 204)
    })
}
