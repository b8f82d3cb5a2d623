import { createRoute } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import {
  createRouter,
  decodeCursor,
  encodeCursor,
  jsonBody,
  jsonResponse,
  problemResponse,
  problemResponses,
  ProblemError,
  requirePermission,
  type AppDeps,
  type AppEnv,
  type AuthContext,
} from '../../platform/http'
import { recordAudit } from '../audit'
import { authenticateApiKey } from '../identity'
import { getAccount } from '../accounts'
import {
  AccountEventPageSchema,
  AccountEventsQuery,
  AccountIdParam,
  AccountUsageSchema,
  EventsStatusSchema,
  EventNamesQuery,
  EventNamesSchema,
  IngestResultSchema,
  MAX_BATCH_BYTES,
  MAX_EVENT_BYTES,
  SegmentBatchSchema,
  UsageQuery,
  UsageSettingsSchema,
} from './events.contracts'
import type { SegmentCallType } from './events.tables'
import * as service from './events.service'
import { createRateLimiter } from './rate-limit'

const ingestTags = ['Events (Segment-compatible)']
const limitsText =
  `Limits (as Segment): ${MAX_EVENT_BYTES / 1024} KB per call, ${MAX_BATCH_BYTES / 1024} KB per batch request (413 beyond); ` +
  'a per-key request rate (RateLimit-Limit / RateLimit-Remaining / RateLimit-Reset headers, 429 with Retry-After beyond; ' +
  'BOSUN_INGEST_RATE_LIMIT requests/s by default, or the key\'s own rateLimitPerSecond). ' +
  'Authenticate as Segment does: the write key (an API key with scope ingest) as the Basic-auth user name, or `writeKey` in the body ' +
  '(Bearer also works). 200 means every call was durably committed; 400 lists each bad call by index and field while the valid ones are kept. ' +
  'A retried messageId is acknowledged and stored once.'

const singleCalls: { path: string; type: SegmentCallType; summary: string }[] = [
  { path: '/v1/track', type: 'track', summary: 'Record an action a user performed (Segment track)' },
  { path: '/v1/identify', type: 'identify', summary: 'Tie a user to their traits; creates or updates the matching contact (Segment identify)' },
  { path: '/v1/group', type: 'group', summary: 'Tie a user to an account by the account\'s external id (Segment group)' },
  { path: '/v1/page', type: 'page', summary: 'Record a page view (Segment page)' },
  { path: '/v1/screen', type: 'screen', summary: 'Record a mobile screen view (Segment screen)' },
  { path: '/v1/alias', type: 'alias', summary: 'Record that one user id replaces another (Segment alias; stored, not merged)' },
]

function writeKeyFromHeader(header: string | undefined): string | undefined {
  if (!header) return undefined
  const [scheme, credential] = header.split(/\s+/, 2)
  if (!credential) return undefined
  if (scheme?.toLowerCase() === 'bearer') return credential
  if (scheme?.toLowerCase() !== 'basic') return undefined
  const decoded = Buffer.from(credential, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon >= 0 ? decoded.slice(0, colon) : decoded
}

export function eventRoutes(deps: AppDeps) {
  const { db, config, jobs, logger } = deps
  const limiter = createRateLimiter(config.ingestRateLimitPerSecond)

  // Coalesce many requests into at most four drain jobs a second from this process (the running drain
  // empties the inbox before it stops; the kick covers calls that arrive as it finishes). The spacing is
  // part of an event's way to a fresh health score: at one a second it added 0.5 s on average.
  let kickPending = false
  let lastKick = 0
  const kickDrain = () => {
    if (kickPending) return
    kickPending = true
    setTimeout(() => {
      kickPending = false
      lastKick = Date.now()
      jobs.send('events.drain', {}).catch((error: unknown) => logger.warn({ err: error }, 'could not enqueue events.drain'))
    }, Math.max(50, 250 - (Date.now() - lastKick))).unref()
  }

  const ingest = async (c: Context<AppEnv>, routeType: SegmentCallType | undefined) => {
    const receivedAt = new Date()
    let body: unknown
    try {
      body = JSON.parse(await c.req.text())
    } catch {
      return problemResponse(c, 400, 'Bad Request', 'The body is not valid JSON', [{ field: 'body', message: 'is not valid JSON' }])
    }
    const bodyObject = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined
    if (!bodyObject) return problemResponse(c, 400, 'Bad Request', 'The body must be a JSON object', [{ field: 'body', message: 'must be a JSON object' }])

    const presented = writeKeyFromHeader(c.req.header('authorization')) ?? (typeof bodyObject.writeKey === 'string' ? bodyObject.writeKey : undefined)
    if (!presented) return problemResponse(c, 401, 'Unauthorized', 'Send the write key as the Basic-auth user name or as writeKey in the body')
    const auth: AuthContext | null = await authenticateApiKey(db, presented)
    if (!auth) return problemResponse(c, 401, 'Unauthorized', 'The write key is unknown or revoked')
    if (!auth.permissions.has('events:ingest') || auth.actor.kind !== 'api_key') {
      return problemResponse(c, 403, 'Forbidden', 'This API key has no ingest scope')
    }

    const verdict = limiter.take(auth.actor.keyId, auth.actor.rateLimitPerSecond)
    c.header('RateLimit-Limit', String(verdict.limit))
    c.header('RateLimit-Remaining', String(verdict.remaining))
    c.header('RateLimit-Reset', String(verdict.resetSeconds))
    if (!verdict.allowed) {
      c.header('Retry-After', String(verdict.resetSeconds))
      return problemResponse(c, 429, 'Too Many Requests', `This key may make ${verdict.limit} ingestion requests per second`)
    }

    let calls: unknown[]
    let batchSentAt: Date | null | undefined
    let batchContext: Record<string, unknown> | null | undefined
    if (routeType) {
      calls = [bodyObject]
    } else {
      const parsed = SegmentBatchSchema.safeParse(bodyObject)
      if (!parsed.success) {
        const errors = parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || 'batch', message: issue.message }))
        return problemResponse(c, 400, 'Bad Request', 'The batch is not valid', errors)
      }
      calls = parsed.data.batch
      batchSentAt = parsed.data.sentAt
      batchContext = parsed.data.context
    }
    const outcome = await service.ingestCalls(db, {
      workspaceId: auth.workspaceId,
      sourceKeyId: auth.actor.keyId,
      calls,
      batch: !routeType,
      options: { routeType, receivedAt, batchSentAt, batchContext },
    })
    if (outcome.accepted > 0) kickDrain()
    if (outcome.errors.length > 0) {
      const problem = problemResponse(
        c,
        400,
        'Bad Request',
        `${outcome.errors.length} problem(s) in ${calls.length} call(s); ${outcome.accepted} valid call(s) were stored`,
        outcome.errors,
      )
      problem.headers.set('Bosun-Accepted', String(outcome.accepted))
      return problem
    }
    return c.json({ success: true as const, accepted: outcome.accepted }, 200)
  }

  const tooLarge = (limit: number) => (c: Context<AppEnv>) =>
    problemResponse(c, 413, 'Payload Too Large', `The request body is larger than ${limit / 1024} KB`, [{ field: 'body', message: `larger than ${limit / 1024} KB` }])

  const router = createRouter()
  for (const call of singleCalls) {
    router.post(call.path, bodyLimit({ maxSize: MAX_EVENT_BYTES, onError: tooLarge(MAX_EVENT_BYTES) }), (c) => ingest(c, call.type))
    router.openAPIRegistry.registerPath({
      method: 'post',
      path: call.path,
      tags: ingestTags,
      summary: call.summary,
      description: limitsText,
      security: [{ writeKey: [] }],
      request: { body: { content: { 'application/json': { schema: { type: 'object', description: `A Segment ${call.type} call` } } } } },
      responses: {
        200: jsonResponse(IngestResultSchema, 'Committed'),
        ...problemResponses,
        413: { description: 'Larger than the documented limit' },
        429: { description: 'Rate limited; see RateLimit-* and Retry-After headers' },
      },
    })
  }
  router.post('/v1/batch', bodyLimit({ maxSize: MAX_BATCH_BYTES, onError: tooLarge(MAX_BATCH_BYTES) }), (c) => ingest(c, undefined))
  router.post('/v1/import', bodyLimit({ maxSize: MAX_BATCH_BYTES, onError: tooLarge(MAX_BATCH_BYTES) }), (c) => ingest(c, undefined))
  router.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v1/batch',
    tags: ingestTags,
    summary: 'Send many calls of any type at once (Segment batch; /v1/import is an alias)',
    description: limitsText,
    security: [{ writeKey: [] }],
    request: { body: { content: { 'application/json': { schema: { type: 'object', properties: { batch: { type: 'array' }, sentAt: { type: 'string' }, writeKey: { type: 'string' } } } } } } },
    responses: {
      200: jsonResponse(IngestResultSchema, 'Every call committed'),
      ...problemResponses,
      413: { description: 'Larger than the documented limit' },
      429: { description: 'Rate limited; see RateLimit-* and Retry-After headers' },
    },
  })
  router.openAPIRegistry.registerComponent('securitySchemes', 'writeKey', {
    type: 'http',
    scheme: 'basic',
    description: 'Segment style: an API key with scope ingest as the user name, empty password',
  })

  const read = requirePermission('customers:read')

  const eventsRoute = createRoute({
    method: 'get',
    path: '/api/v1/accounts/{id}/events',
    tags: ['Events (Segment-compatible)'],
    summary: "An account's product events, newest first, with the total count",
    middleware: [read] as const,
    request: { params: AccountIdParam, query: AccountEventsQuery },
    responses: { 200: jsonResponse(AccountEventPageSchema, 'A page of events'), ...problemResponses },
  })
  const usageRoute = createRoute({
    method: 'get',
    path: '/api/v1/accounts/{id}/usage',
    tags: ['Events (Segment-compatible)'],
    summary: "An account's usage metrics: DAU/WAU/MAU, license utilization, feature breadth, 30-day trend, recency, users",
    middleware: [read] as const,
    request: { params: AccountIdParam, query: UsageQuery },
    responses: { 200: jsonResponse(AccountUsageSchema, 'Usage metrics and a daily series'), ...problemResponses },
  })
  const statusRoute = createRoute({
    method: 'get',
    path: '/api/v1/events/status',
    tags: ['Events (Segment-compatible)'],
    summary: 'Processing backlog: accepted calls not yet moved into events and usage metrics',
    middleware: [read] as const,
    responses: { 200: jsonResponse(EventsStatusSchema, 'Backlog'), ...problemResponses },
  })
  const namesRoute = createRoute({
    method: 'get',
    path: '/api/v1/events/names',
    tags: ['Events (Segment-compatible)'],
    summary: 'Track event names seen in the workspace recently, most used first (to choose key features)',
    middleware: [read] as const,
    request: { query: EventNamesQuery },
    responses: { 200: jsonResponse(EventNamesSchema, 'Event names'), ...problemResponses },
  })
  const getSettingsRoute = createRoute({
    method: 'get',
    path: '/api/v1/settings/usage',
    tags: ['Settings'],
    summary: 'Which event names count as key features (feature breadth)',
    middleware: [requirePermission('config:read')] as const,
    responses: { 200: jsonResponse(UsageSettingsSchema, 'Usage settings'), ...problemResponses },
  })
  const putSettingsRoute = createRoute({
    method: 'put',
    path: '/api/v1/settings/usage',
    tags: ['Settings'],
    summary: 'Set which event names count as key features',
    middleware: [requirePermission('config:write')] as const,
    request: jsonBody(UsageSettingsSchema),
    responses: { 200: jsonResponse(UsageSettingsSchema, 'Saved'), ...problemResponses },
  })

  return router
    .openapi(eventsRoute, async (c) => {
      const auth = c.get('auth')
      const { id } = c.req.valid('param')
      const query = c.req.valid('query')
      await getAccount(db, { workspaceId: auth.workspaceId, accountId: id })
      const cursor = decodeCursor(query.cursor, 2)
      if (cursor && (typeof cursor[0] !== 'string' || Number.isNaN(Date.parse(cursor[0])) || typeof cursor[1] !== 'string')) {
        throw new ProblemError(400, 'Bad Request', 'cursor: is not a cursor returned by this endpoint', [{ field: 'cursor', message: 'is not a cursor returned by this endpoint' }])
      }
      const page = await service.listAccountEvents(db, {
        workspaceId: auth.workspaceId,
        accountId: id,
        limit: query.limit,
        event: query.event,
        before: cursor ? { occurredAt: cursor[0] as string, messageId: cursor[1] as string } : undefined,
      })
      return c.json({ items: page.items, total: page.total, nextCursor: page.next ? encodeCursor([page.next.occurredAt, page.next.messageId]) : null }, 200)
    })
    .openapi(usageRoute, async (c) => {
      const auth = c.get('auth')
      const { id } = c.req.valid('param')
      await getAccount(db, { workspaceId: auth.workspaceId, accountId: id })
      return c.json(await service.getAccountUsage(db, { workspaceId: auth.workspaceId, accountId: id, days: c.req.valid('query').days }), 200)
    })
    .openapi(statusRoute, async (c) => c.json({ inboxDepth: await service.inboxDepth(db, c.get('auth').workspaceId) }, 200))
    .openapi(namesRoute, async (c) =>
      c.json({ items: await service.listRecentEventNames(db, { workspaceId: c.get('auth').workspaceId, days: c.req.valid('query').days }) }, 200),
    )
    .openapi(getSettingsRoute, async (c) => c.json({ keyFeatures: await service.getKeyFeatures(db, c.get('auth').workspaceId) }, 200))
    .openapi(putSettingsRoute, async (c) => {
      const auth = c.get('auth')
      const keyFeatures = [...new Set(c.req.valid('json').keyFeatures)]
      const before = { keyFeatures: await service.getKeyFeatures(db, auth.workspaceId) }
      await db.transaction(async (tx) => {
        await service.setKeyFeatures(tx, { workspaceId: auth.workspaceId, keyFeatures })
        await recordAudit(tx, { workspaceId: auth.workspaceId, actor: auth.actor, action: 'usage_settings.updated', entityType: 'usage_settings', entityId: auth.workspaceId, before, after: { keyFeatures } })
      })
      return c.json({ keyFeatures }, 200)
    })
}
