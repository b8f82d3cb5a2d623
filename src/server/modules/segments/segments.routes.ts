import { createRoute, z } from '@hono/zod-openapi'
import { createRouter, jsonBody, jsonResponse, problemResponses, requirePermission, type AppDeps } from '../../platform/http'
import { evaluateWorkspace } from './segments.engine'
import { getAccountClassification, groupHistory, listGroupMembers, listGroups, moveStageByHand } from './segments.service'
import type { MembershipFamily } from './segments.tables'

const tags = ['Segments, tiers and lifecycle']

/** URL segment of each family: /api/v1/segments, /api/v1/tiers, /api/v1/stages. */
const families: { family: MembershipFamily; path: string; noun: string }[] = [
  { family: 'segment', path: 'segments', noun: 'segment' },
  { family: 'tier', path: 'tiers', noun: 'tier' },
  { family: 'stage', path: 'stages', noun: 'lifecycle stage' },
]

const GroupSchema = z
  .object({
    key: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    color: z.string().nullable(),
    rule: z.string().nullable().describe('The rule rendered as one line'),
    slaDays: z.number().int().nullable(),
    terminal: z.boolean(),
    accounts: z.number().int(),
    arr: z.number(),
    entered7d: z.number().int(),
    exited7d: z.number().int(),
    overdue: z.number().int().describe('Stages: members past the SLA'),
    medianDaysInStage: z.number().nullable(),
  })
  .openapi('ClassificationGroup')

const GroupListSchema = z
  .object({
    groups: z.array(GroupSchema),
    unclassified: z.number().int().describe('Tiers and stages: accounts not classified yet'),
    queued: z.number().int().describe('Accounts waiting to be re-classified after a change'),
  })
  .openapi('ClassificationGroupList')

const MemberSchema = z.object({
  id: z.string(),
  name: z.string(),
  arr: z.number(),
  plan: z.string().nullable(),
  renewalDate: z.string().nullable(),
  ownerName: z.string().nullable(),
  enteredAt: z.string(),
  daysInGroup: z.number().int(),
  overdue: z.boolean(),
  source: z.enum(['rule', 'manual']),
})

const MembersSchema = z.object({ group: GroupSchema.pick({ key: true, name: true, description: true, color: true, rule: true, slaDays: true, terminal: true }), total: z.number().int(), accounts: z.array(MemberSchema) }).openapi('ClassificationMembers')

const HistorySchema = z
  .object({
    group: GroupSchema.pick({ key: true, name: true }),
    points: z.array(z.object({ day: z.string(), accounts: z.number().int().nullable(), arr: z.number().nullable(), entered: z.number().int(), exited: z.number().int() })),
  })
  .openapi('ClassificationHistory')

const AccountGroupSchema = z.object({ key: z.string(), name: z.string(), color: z.string().nullable(), enteredAt: z.string(), source: z.enum(['rule', 'manual']) })

const ClassificationSchema = z
  .object({
    segments: z.array(AccountGroupSchema),
    tier: AccountGroupSchema.nullable(),
    stage: AccountGroupSchema.extend({
      slaDays: z.number().int().nullable(),
      daysInStage: z.number().int(),
      overdue: z.boolean(),
      suggested: z.string().nullable().describe('The stage the rules point to, when a hand move differs from it'),
    }).nullable(),
    pending: z.boolean().describe('A change to the account is waiting to be classified'),
    history: z.array(
      z.object({
        at: z.string(),
        family: z.enum(['segment', 'tier', 'stage']),
        key: z.string(),
        name: z.string(),
        change: z.enum(['entered', 'exited']),
        source: z.enum(['rule', 'manual']),
        reason: z.string().nullable(),
        actorName: z.string().nullable(),
      }),
    ),
  })
  .openapi('AccountClassification')

const KeyParam = z.object({ key: z.string().min(1).max(64) })
const IdParam = z.object({ id: z.uuid() })
const MembersQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  overdue: z.enum(['true', 'false']).optional().describe('Only members past the stage SLA'),
})
const HistoryQuery = z.object({ days: z.coerce.number().int().min(1).max(730).default(90) })
const MoveStageBody = z.object({ stage: z.string().min(1).max(64), reason: z.string().trim().min(3).max(500).describe('Why, for the history') }).strict()
const MoveStageSchema = z.object({ from: z.string().nullable(), to: z.string() }).openapi('StageMove')
const EvaluateSchema = z.object({ accounts: z.number().int(), entered: z.number().int(), exited: z.number().int(), ms: z.number().int() }).openapi('ClassificationSweep')

function familyRoutes(deps: AppDeps, family: (typeof families)[number]) {
  const listRoute = createRoute({
    method: 'get',
    path: `/api/v1/${family.path}`,
    tags,
    summary: `Every ${family.noun} with its accounts, ARR and moves in the last 7 days`,
    middleware: [requirePermission('customers:read')] as const,
    responses: { 200: jsonResponse(GroupListSchema, `The ${family.noun}s`), ...problemResponses },
  })
  const membersRoute = createRoute({
    method: 'get',
    path: `/api/v1/${family.path}/{key}/accounts`,
    tags,
    summary: `The accounts in a ${family.noun}, longest there first`,
    middleware: [requirePermission('customers:read')] as const,
    request: { params: KeyParam, query: MembersQuery },
    responses: { 200: jsonResponse(MembersSchema, 'Members'), ...problemResponses },
  })
  const historyRoute = createRoute({
    method: 'get',
    path: `/api/v1/${family.path}/{key}/history`,
    tags,
    summary: `Members, ARR, enters and exits of a ${family.noun} per day`,
    middleware: [requirePermission('customers:read')] as const,
    request: { params: KeyParam, query: HistoryQuery },
    responses: { 200: jsonResponse(HistorySchema, 'Daily points'), ...problemResponses },
  })
  return createRouter()
    .openapi(listRoute, async (c) => c.json(await listGroups(deps.db, { workspaceId: c.get('auth').workspaceId, family: family.family }), 200))
    .openapi(membersRoute, async (c) => {
      const query = c.req.valid('query')
      const members = await listGroupMembers(deps.db, {
        workspaceId: c.get('auth').workspaceId,
        family: family.family,
        groupKey: c.req.valid('param').key,
        limit: query.limit,
        offset: query.offset,
        overdueOnly: query.overdue === 'true',
      })
      return c.json(members, 200)
    })
    .openapi(historyRoute, async (c) =>
      c.json(await groupHistory(deps.db, { workspaceId: c.get('auth').workspaceId, family: family.family, groupKey: c.req.valid('param').key, days: c.req.valid('query').days }), 200),
    )
}

const classificationRoute = createRoute({
  method: 'get',
  path: '/api/v1/accounts/{id}/classification',
  tags,
  summary: "An account's segments, tier and lifecycle stage, with their history",
  middleware: [requirePermission('customers:read')] as const,
  request: { params: IdParam },
  responses: { 200: jsonResponse(ClassificationSchema, 'The classification'), ...problemResponses },
})

const moveStageRoute = createRoute({
  method: 'post',
  path: '/api/v1/accounts/{id}/stage',
  tags,
  summary: 'Move an account to a lifecycle stage by hand, with a reason',
  description: 'The account stays in the chosen stage until its data points to a different stage than it did at the move.',
  middleware: [requirePermission('customers:write')] as const,
  request: { params: IdParam, ...jsonBody(MoveStageBody) },
  responses: { 200: jsonResponse(MoveStageSchema, 'The move'), ...problemResponses },
})

const evaluateRoute = createRoute({
  method: 'post',
  path: '/api/v1/classification/evaluate',
  tags,
  summary: 'Re-classify every account of the workspace now (segments, tiers, stages)',
  middleware: [requirePermission('config:write')] as const,
  responses: { 200: jsonResponse(EvaluateSchema, 'What changed'), ...problemResponses },
})

export function segmentRoutes(deps: AppDeps) {
  const router = createRouter()
    .openapi(classificationRoute, async (c) => c.json(await getAccountClassification(deps.db, { workspaceId: c.get('auth').workspaceId, accountId: c.req.valid('param').id }), 200))
    .openapi(moveStageRoute, async (c) => {
      const auth = c.get('auth')
      const body = c.req.valid('json')
      const moved = await moveStageByHand(deps.db, {
        workspaceId: auth.workspaceId,
        accountId: c.req.valid('param').id,
        stageKey: body.stage,
        reason: body.reason,
        actorId: auth.actor.kind === 'user' ? auth.actor.userId : null,
      })
      return c.json(moved, 200)
    })
    .openapi(evaluateRoute, async (c) => {
      const result = await evaluateWorkspace(deps.db, { workspaceId: c.get('auth').workspaceId, reason: 're-evaluated on request' })
      return c.json(result, 200)
    })
  for (const family of families) router.route('/', familyRoutes(deps, family))
  return router
}
