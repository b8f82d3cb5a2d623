import { createRoute } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { createRouter, jsonBody, jsonResponse, problemResponses, requirePermission, type AppDeps, type AppEnv } from '../../platform/http'
import {
  AccountPlansSchema,
  CreateItemBody,
  CreatePlanBody,
  IdParam,
  ItemParams,
  ItemSchema,
  PlanListQuery,
  PlanPageSchema,
  PlanSchema,
  PublicPlanSchema,
  ShareSchema,
  SuggestionsSchema,
  TokenParam,
  UpdateItemBody,
  UpdatePlanBody,
} from './success-plans.contracts'
import * as service from './success-plans.service'

const tags = ['Success plans']
const read = requirePermission('customers:read')
const write = requirePermission('customers:write')

/** Where this server is reached from outside, for the link to hand the customer (honours a proxy's X-Forwarded-*). */
function publicOrigin(c: Context<AppEnv>): string {
  const url = new URL(c.req.url)
  const forwardedProto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim()
  const forwardedHost = c.req.header('x-forwarded-host')?.split(',')[0]?.trim()
  const proto = forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : url.protocol.replace(':', '')
  const host = forwardedHost && /^[A-Za-z0-9.\-:[\]]{1,300}$/.test(forwardedHost) ? forwardedHost : url.host
  return `${proto}://${host}`
}

const userIdOf = (c: Context<AppEnv>) => {
  const actor = c.get('auth').actor
  return actor.kind === 'user' ? actor.userId : null
}

const accountPlansRoute = createRoute({
  method: 'get',
  path: '/api/v1/accounts/{id}/success-plans',
  tags,
  summary: 'An account’s success plans with objectives, milestones and progress (done milestones ÷ milestones)',
  middleware: [read] as const,
  request: { params: IdParam },
  responses: { 200: jsonResponse(AccountPlansSchema, 'The plans, active first'), ...problemResponses },
})

const suggestionsRoute = createRoute({
  method: 'get',
  path: '/api/v1/accounts/{id}/success-plans/suggestions',
  tags,
  summary: 'Published success plan templates that suit the account’s current segments, tier and lifecycle stage (and the others)',
  middleware: [read] as const,
  request: { params: IdParam },
  responses: { 200: jsonResponse(SuggestionsSchema, 'Templates'), ...problemResponses },
})

const createPlanRoute = createRoute({
  method: 'post',
  path: '/api/v1/accounts/{id}/success-plans',
  tags,
  summary: 'Start a success plan: from a published template ({templateKey}) or by hand ({title, objectives})',
  description:
    'From a template, milestones are due their template days after `startOn` (default today); CSM milestones are owned by the plan’s owner ' +
    '(default: the account’s owner), customer milestones by “Customer”.',
  middleware: [write] as const,
  request: { params: IdParam, ...jsonBody(CreatePlanBody) },
  responses: { 201: jsonResponse(PlanSchema, 'Created'), ...problemResponses },
})

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/success-plans',
  tags,
  summary: 'Success plans of the workspace with account, owner, progress, next due milestone and overdue milestones',
  middleware: [read] as const,
  request: { query: PlanListQuery },
  responses: { 200: jsonResponse(PlanPageSchema, 'Plans, active first, then by the next due milestone'), ...problemResponses },
})

const getRoute = createRoute({
  method: 'get',
  path: '/api/v1/success-plans/{id}',
  tags,
  summary: 'One success plan with objectives and milestones',
  middleware: [read] as const,
  request: { params: IdParam },
  responses: { 200: jsonResponse(PlanSchema, 'The plan'), ...problemResponses },
})

const updateRoute = createRoute({
  method: 'patch',
  path: '/api/v1/success-plans/{id}',
  tags,
  summary: 'Change a plan’s title, status or owner',
  middleware: [write] as const,
  request: { params: IdParam, ...jsonBody(UpdatePlanBody) },
  responses: { 200: jsonResponse(PlanSchema, 'Updated'), ...problemResponses },
})

const addItemRoute = createRoute({
  method: 'post',
  path: '/api/v1/success-plans/{id}/items',
  tags,
  summary: 'Add an objective, or a milestone to an objective',
  middleware: [write] as const,
  request: { params: IdParam, ...jsonBody(CreateItemBody) },
  responses: { 201: jsonResponse(ItemSchema, 'Created'), ...problemResponses },
})

const updateItemRoute = createRoute({
  method: 'patch',
  path: '/api/v1/success-plans/{id}/items/{itemId}',
  tags,
  summary: 'Change an objective or milestone (only the fields sent); `done` ticks or unticks it',
  middleware: [write] as const,
  request: { params: ItemParams, ...jsonBody(UpdateItemBody) },
  responses: { 200: jsonResponse(ItemSchema, 'Updated'), ...problemResponses },
})

const deleteItemRoute = createRoute({
  method: 'delete',
  path: '/api/v1/success-plans/{id}/items/{itemId}',
  tags,
  summary: 'Remove an objective (with its milestones) or a milestone',
  middleware: [write] as const,
  request: { params: ItemParams },
  responses: { 204: { description: 'Deleted' }, ...problemResponses },
})

const shareRoute = createRoute({
  method: 'post',
  path: '/api/v1/success-plans/{id}/share',
  tags,
  summary: 'Make a read-only link for the customer (a new link replaces the old one)',
  description: 'The link holds a random 32-byte secret; only its sha256 is stored, so the link is shown once. Anyone with it sees the plan without logging in.',
  middleware: [write] as const,
  request: { params: IdParam },
  responses: { 200: jsonResponse(ShareSchema, 'The link'), ...problemResponses },
})

const revokeShareRoute = createRoute({
  method: 'delete',
  path: '/api/v1/success-plans/{id}/share',
  tags,
  summary: 'Revoke the customer link',
  middleware: [write] as const,
  request: { params: IdParam },
  responses: { 204: { description: 'Revoked' }, ...problemResponses },
})

// Public: no requirePermission. Like the Stripe webhook it is authenticated by a secret it carries (the
// link's token) rather than a session or key, and it shows only what the customer may see.
const publicRoute = createRoute({
  method: 'get',
  path: '/api/public/success-plans/{token}',
  tags,
  summary: 'A shared success plan, read-only, for the customer (authenticated by the link’s token, not a session or key)',
  description: 'Account name, plan title, objectives, milestones with due dates, owners by name and done state, progress. No user ids, emails or revenue. Unknown or revoked token: 404.',
  request: { params: TokenParam },
  responses: { 200: jsonResponse(PublicPlanSchema, 'The plan'), 404: problemResponses[404] },
})

export function successPlanRoutes(deps: AppDeps) {
  const { db } = deps
  return createRouter()
    .openapi(accountPlansRoute, async (c) => c.json({ items: await service.listAccountPlans(db, { workspaceId: c.get('auth').workspaceId, accountId: c.req.valid('param').id }) }, 200))
    .openapi(suggestionsRoute, async (c) => c.json(await service.suggestTemplates(db, { workspaceId: c.get('auth').workspaceId, accountId: c.req.valid('param').id }), 200))
    .openapi(createPlanRoute, async (c) => {
      const plan = await service.createAccountPlan(db, { workspaceId: c.get('auth').workspaceId, accountId: c.req.valid('param').id, actorUserId: userIdOf(c), input: c.req.valid('json') })
      return c.json(plan, 201)
    })
    .openapi(listRoute, async (c) => c.json(await service.listPlans(db, { workspaceId: c.get('auth').workspaceId, filters: c.req.valid('query') }), 200))
    .openapi(getRoute, async (c) => c.json(await service.getPlan(db, { workspaceId: c.get('auth').workspaceId, planId: c.req.valid('param').id }), 200))
    .openapi(updateRoute, async (c) => c.json(await service.updatePlan(db, { workspaceId: c.get('auth').workspaceId, planId: c.req.valid('param').id, input: c.req.valid('json') }), 200))
    .openapi(addItemRoute, async (c) => c.json(await service.addItem(db, { workspaceId: c.get('auth').workspaceId, planId: c.req.valid('param').id, input: c.req.valid('json') }), 201))
    .openapi(updateItemRoute, async (c) => {
      const { id, itemId } = c.req.valid('param')
      return c.json(await service.updateItem(db, { workspaceId: c.get('auth').workspaceId, planId: id, itemId, input: c.req.valid('json') }), 200)
    })
    .openapi(deleteItemRoute, async (c) => {
      const { id, itemId } = c.req.valid('param')
      await service.deleteItem(db, { workspaceId: c.get('auth').workspaceId, planId: id, itemId })
      return c.body(null, 204)
    })
    .openapi(shareRoute, async (c) => {
      const { token, sharedAt } = await service.sharePlan(db, { workspaceId: c.get('auth').workspaceId, planId: c.req.valid('param').id })
      const path = `/shared/plans/${token}`
      return c.json({ url: `${publicOrigin(c)}${path}`, path, sharedAt }, 200)
    })
    .openapi(revokeShareRoute, async (c) => {
      await service.revokeShare(db, { workspaceId: c.get('auth').workspaceId, planId: c.req.valid('param').id })
      return c.body(null, 204)
    })
    .openapi(publicRoute, async (c) => {
      const plan = await service.getSharedPlan(db, { token: c.req.valid('param').token })
      // The token is in the URL: keep the page out of caches and its address out of Referer headers.
      c.header('cache-control', 'no-store')
      c.header('referrer-policy', 'no-referrer')
      return c.json(plan, 200)
    })
}
