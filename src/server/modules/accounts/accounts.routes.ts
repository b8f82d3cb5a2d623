import { createRoute, z } from '@hono/zod-openapi'
import { createRouter, jsonBody, jsonResponse, problemResponses, requirePermission, type AppDeps } from '../../platform/http'
import { sharedRead } from '../../platform/shared-reads'
import { listUsers } from '../identity'
import {
  AccountFacetsSchema,
  AccountListQuery,
  AccountPageSchema,
  AccountSchema,
  ArrAtQuery,
  ArrAtSchema,
  ArrSeriesQuery,
  ArrSeriesSchema,
  CreateAccountBody,
  CreateRevenueMovementBody,
  IdParam,
  RevenueMovementListQuery,
  RevenueMovementSchema,
  UpdateAccountBody,
} from './accounts.contracts'
import type { AccountWithOwner, RevenueMovement } from './accounts.repo'
import * as service from './accounts.service'

export const toAccountDto = (account: AccountWithOwner) => ({
  id: account.id,
  externalId: account.externalId,
  name: account.name,
  domain: account.domain,
  parentId: account.parentId,
  ownerId: account.ownerId,
  ownerName: account.ownerName,
  plan: account.plan,
  industry: account.industry,
  employees: account.employees,
  country: account.country,
  arr: Number(account.arr),
  currency: account.currency,
  renewalDate: account.renewalDate,
  traits: account.traits,
  status: account.status,
  churnedAt: account.churnedAt,
  createdAt: account.createdAt.toISOString(),
  updatedAt: account.updatedAt.toISOString(),
})

export const toRevenueMovementDto = (movement: RevenueMovement) => ({
  id: movement.id,
  accountId: movement.accountId,
  subscriptionId: movement.subscriptionId,
  externalId: movement.externalId,
  kind: movement.kind,
  effectiveDate: movement.effectiveDate,
  arrDelta: Number(movement.arrDelta),
  currency: movement.currency,
  source: movement.source,
  note: movement.note,
  createdAt: movement.createdAt.toISOString(),
})

const tags = ['Accounts']
const read = requirePermission('customers:read')
const write = requirePermission('customers:write')

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/accounts',
  tags,
  summary: 'List accounts: search, filter, sort, cursor pagination; ?external_id=X finds one by external id',
  middleware: [read] as const,
  request: { query: AccountListQuery },
  responses: { 200: jsonResponse(AccountPageSchema, 'A page of accounts'), ...problemResponses },
})

const facetsRoute = createRoute({
  method: 'get',
  path: '/api/v1/accounts/facets',
  tags,
  summary: 'Values to filter accounts by: plans, industries, countries, owners',
  middleware: [read] as const,
  responses: { 200: jsonResponse(AccountFacetsSchema, 'Filter values'), ...problemResponses },
})

const getRoute = createRoute({
  method: 'get',
  path: '/api/v1/accounts/{id}',
  tags,
  summary: 'One account',
  middleware: [read] as const,
  request: { params: IdParam },
  responses: { 200: jsonResponse(AccountSchema, 'The account'), ...problemResponses },
})

const createAccountRoute = createRoute({
  method: 'post',
  path: '/api/v1/accounts',
  tags,
  summary: 'Create an account (a starting ARR is recorded in the revenue ledger)',
  middleware: [write] as const,
  request: jsonBody(CreateAccountBody),
  responses: { 201: jsonResponse(AccountSchema, 'Created'), ...problemResponses, 409: { description: 'externalId already used' } },
})

const updateRoute = createRoute({
  method: 'patch',
  path: '/api/v1/accounts/{id}',
  tags,
  summary: 'Change an account; ARR and churn changes go through the revenue ledger',
  middleware: [write] as const,
  request: { params: IdParam, ...jsonBody(UpdateAccountBody) },
  responses: { 200: jsonResponse(AccountSchema, 'Updated'), ...problemResponses },
})

const deleteRoute = createRoute({
  method: 'delete',
  path: '/api/v1/accounts/{id}',
  tags,
  summary: 'Delete an account and everything that belongs to it (prefer status churned)',
  middleware: [requirePermission('customers:delete')] as const,
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...problemResponses },
})

const arrAtRoute = createRoute({
  method: 'get',
  path: '/api/v1/accounts/{id}/arr',
  tags: ['Revenue'],
  summary: "An account's ARR at a date, derived from the revenue ledger",
  middleware: [read] as const,
  request: { params: IdParam, query: ArrAtQuery },
  responses: { 200: jsonResponse(ArrAtSchema, 'ARR at the date'), ...problemResponses },
})

const listMovementsRoute = createRoute({
  method: 'get',
  path: '/api/v1/revenue-movements',
  tags: ['Revenue'],
  summary: 'The revenue ledger: new, expansion, contraction, churn and reactivation movements (newest first)',
  middleware: [read] as const,
  request: { query: RevenueMovementListQuery },
  responses: {
    200: jsonResponse(z.object({ items: z.array(RevenueMovementSchema), nextCursor: z.string().nullable() }), 'A page of movements'),
    ...problemResponses,
  },
})

const createMovementRoute = createRoute({
  method: 'post',
  path: '/api/v1/revenue-movements',
  tags: ['Revenue'],
  summary: "Record a revenue movement; the account's ARR follows",
  middleware: [write] as const,
  request: jsonBody(CreateRevenueMovementBody),
  responses: { 201: jsonResponse(RevenueMovementSchema, 'Recorded'), ...problemResponses, 409: { description: 'externalId already used' } },
})

const seriesRoute = createRoute({
  method: 'get',
  path: '/api/v1/revenue/arr-series',
  tags: ['Revenue'],
  summary: 'ARR at the end of each month, for the workspace or one account',
  middleware: [read] as const,
  request: { query: ArrSeriesQuery },
  responses: { 200: jsonResponse(ArrSeriesSchema, 'Monthly ARR'), ...problemResponses },
})

export function accountRoutes(deps: AppDeps) {
  const { db } = deps
  return createRouter()
    .openapi(listRoute, async (c) => {
      const workspaceId = c.get('auth').workspaceId
      const filters = c.req.valid('query')
      const body = await sharedRead(`accounts-list\u0000${workspaceId}\u0000${JSON.stringify(filters)}`, () => service.listAccountsJson(db, { workspaceId, filters }))
      // Already the JSON of AccountPageSchema (items written by PostgreSQL): sent as it is. The cast only
      // restores the contract's type, which a body of text cannot carry.
      return c.body(body, 200, { 'content-type': 'application/json' }) as unknown as ReturnType<typeof c.json<z.infer<typeof AccountPageSchema>, 200>>
    })
    .openapi(facetsRoute, async (c) => {
      const workspaceId = c.get('auth').workspaceId
      const [facets, users] = await Promise.all([service.accountFacets(db, workspaceId), listUsers(db, workspaceId)])
      const owners = users.filter((user) => user.status === 'active').map((user) => ({ id: user.id, name: user.name }))
      return c.json({ ...facets, owners }, 200)
    })
    .openapi(getRoute, async (c) => {
      const account = await service.getAccount(db, { workspaceId: c.get('auth').workspaceId, accountId: c.req.valid('param').id })
      return c.json(toAccountDto(account), 200)
    })
    .openapi(createAccountRoute, async (c) => {
      const account = await service.createAccount(db, { workspaceId: c.get('auth').workspaceId, input: c.req.valid('json') })
      return c.json(toAccountDto(account), 201)
    })
    .openapi(updateRoute, async (c) => {
      const account = await service.updateAccount(db, {
        workspaceId: c.get('auth').workspaceId,
        accountId: c.req.valid('param').id,
        input: c.req.valid('json'),
      })
      return c.json(toAccountDto(account), 200)
    })
    .openapi(deleteRoute, async (c) => {
      await service.deleteAccount(db, { workspaceId: c.get('auth').workspaceId, accountId: c.req.valid('param').id })
      return c.body(null, 204)
    })
    .openapi(arrAtRoute, async (c) => {
      const result = await service.arrAtDate(db, { workspaceId: c.get('auth').workspaceId, accountId: c.req.valid('param').id, date: c.req.valid('query').date })
      return c.json(result, 200)
    })
    .openapi(listMovementsRoute, async (c) => {
      const page = await service.listRevenueMovements(db, { workspaceId: c.get('auth').workspaceId, ...c.req.valid('query') })
      return c.json({ items: page.items.map(toRevenueMovementDto), nextCursor: page.nextCursor }, 200)
    })
    .openapi(createMovementRoute, async (c) => {
      const movement = await service.recordRevenueMovement(db, { workspaceId: c.get('auth').workspaceId, ...c.req.valid('json') })
      return c.json(toRevenueMovementDto(movement), 201)
    })
    .openapi(seriesRoute, async (c) => {
      const series = await service.arrSeries(db, { workspaceId: c.get('auth').workspaceId, ...c.req.valid('query') })
      return c.json({ series }, 200)
    })
}
