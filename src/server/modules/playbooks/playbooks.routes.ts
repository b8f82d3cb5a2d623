import { createRoute } from '@hono/zod-openapi'
import { createRouter, jsonBody, jsonResponse, notFound, problemResponses, requirePermission, type AppDeps } from '../../platform/http'
import { getDocument, publishDraft, type ConfigKind } from '../config'
import {
  AccountRunsParam,
  DryRunQuery,
  DryRunSchema,
  EffectSchema,
  ManualRunBody,
  ManualRunResultSchema,
  PauseBody,
  PlaybookKeyParam,
  PlaybookListSchema,
  PublishBody,
  PublishResultSchema,
  RunIdParam,
  RunListSchema,
  RunsQuery,
  StatusResultSchema,
} from './playbooks.contracts'
import { PLAYBOOK_KIND, PlaybookBodySchema } from './playbooks.config'
import { cancelRun, dryRunPlaybook, listPlaybooks, listRuns, playbookEffect, requireLivePlaybook, retryRun, runPlaybookByHand, setPlaybookStatus } from './playbooks.service'
import type { AuthContext } from '../../platform/http'

const tags = ['Playbooks']

const actorOf = (auth: AuthContext) => (auth.actor.kind === 'user' ? { id: auth.actor.userId, label: auth.actor.name } : { id: null, label: `API key ${auth.actor.name}` })

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/playbooks',
  tags,
  summary: 'Every playbook with its state (active, paused, draft) and what it has done',
  middleware: [requirePermission('config:read')] as const,
  responses: { 200: jsonResponse(PlaybookListSchema, 'Playbooks'), ...problemResponses },
})

const effectRoute = createRoute({
  method: 'get',
  path: '/api/v1/playbooks/{key}/effect',
  tags,
  summary: 'Measured: times triggered, steps executed, task completion and time to complete, emails, and the health change 30 days after against comparable accounts',
  middleware: [requirePermission('config:read')] as const,
  request: { params: PlaybookKeyParam },
  responses: { 200: jsonResponse(EffectSchema, 'Effect'), ...problemResponses },
})

const dryRunRoute = createRoute({
  method: 'post',
  path: '/api/v1/playbooks/{key}/dry-run',
  tags,
  summary: 'The accounts that would trigger now and what each would get (writes nothing)',
  middleware: [requirePermission('config:read')] as const,
  request: { params: PlaybookKeyParam, query: DryRunQuery },
  responses: { 200: jsonResponse(DryRunSchema, 'Dry run'), ...problemResponses },
})

const pauseRoute = createRoute({
  method: 'post',
  path: '/api/v1/playbooks/{key}/pause',
  tags,
  summary: 'Pause a live playbook; say what happens to its open runs and open tasks (both required)',
  middleware: [requirePermission('config:write')] as const,
  request: { params: PlaybookKeyParam, ...jsonBody(PauseBody) },
  responses: { 200: jsonResponse(StatusResultSchema, 'Paused'), ...problemResponses },
})

const resumeRoute = createRoute({
  method: 'post',
  path: '/api/v1/playbooks/{key}/resume',
  tags,
  summary: 'Resume a paused playbook (runs it kept continue; events while paused did not trigger it)',
  middleware: [requirePermission('config:write')] as const,
  request: { params: PlaybookKeyParam },
  responses: { 200: jsonResponse(StatusResultSchema, 'Active'), ...problemResponses },
})

const publishRoute = createRoute({
  method: 'post',
  path: '/api/v1/playbooks/{key}/publish',
  tags,
  summary: 'Publish the open draft of a playbook; say what happens to runs under way and open tasks of earlier versions',
  middleware: [requirePermission('config:write')] as const,
  request: { params: PlaybookKeyParam, ...jsonBody(PublishBody) },
  responses: { 200: jsonResponse(PublishResultSchema, 'Published'), ...problemResponses },
})

const manualRunRoute = createRoute({
  method: 'post',
  path: '/api/v1/playbooks/{key}/run',
  tags,
  summary: 'Run the published playbook now for the chosen accounts',
  middleware: [requirePermission('customers:write')] as const,
  request: { params: PlaybookKeyParam, ...jsonBody(ManualRunBody) },
  responses: { 202: jsonResponse(ManualRunResultSchema, 'Runs started'), ...problemResponses },
})

const runsRoute = createRoute({
  method: 'get',
  path: '/api/v1/playbook-runs',
  tags,
  summary: 'The run log: runs (newest first) with each step taken, what it did and why',
  middleware: [requirePermission('customers:read')] as const,
  request: { query: RunsQuery },
  responses: { 200: jsonResponse(RunListSchema, 'Runs'), ...problemResponses },
})

const accountRunsRoute = createRoute({
  method: 'get',
  path: '/api/v1/accounts/{id}/playbook-runs',
  tags,
  summary: 'An account’s playbook runs with their steps',
  middleware: [requirePermission('customers:read')] as const,
  request: { params: AccountRunsParam },
  responses: { 200: jsonResponse(RunListSchema, 'Runs'), ...problemResponses },
})

const retryRoute = createRoute({
  method: 'post',
  path: '/api/v1/playbook-runs/{id}/retry',
  tags,
  summary: 'Try a failed run’s failed step again',
  middleware: [requirePermission('config:write')] as const,
  request: { params: RunIdParam },
  responses: { 204: { description: 'Queued again' }, ...problemResponses },
})

const cancelRoute = createRoute({
  method: 'post',
  path: '/api/v1/playbook-runs/{id}/cancel',
  tags,
  summary: 'Stop an open or failed run',
  middleware: [requirePermission('customers:write')] as const,
  request: { params: RunIdParam },
  responses: { 204: { description: 'Cancelled' }, ...problemResponses },
})

export function playbookRoutes(deps: AppDeps, kinds: readonly ConfigKind[]) {
  return createRouter()
    .openapi(listRoute, async (c) => c.json({ playbooks: await listPlaybooks(deps.db, { workspaceId: c.get('auth').workspaceId, kinds }) }, 200))
    .openapi(effectRoute, async (c) => {
      const workspaceId = c.get('auth').workspaceId
      const { key } = c.req.valid('param')
      await getDocument(deps.db, { workspaceId, kind: PLAYBOOK_KIND, key, kinds })
      return c.json(await playbookEffect(deps.db, { workspaceId, key }), 200)
    })
    .openapi(dryRunRoute, async (c) => {
      const workspaceId = c.get('auth').workspaceId
      const { key } = c.req.valid('param')
      const query = c.req.valid('query')
      const document = await getDocument(deps.db, { workspaceId, kind: PLAYBOOK_KIND, key, kinds })
      const source = query.source === 'draft' ? (document.draft ?? document.published) : document.published
      if (!source) throw notFound('Published playbook')
      const body = PlaybookBodySchema.parse(source.body)
      return c.json(await dryRunPlaybook(deps.db, { workspaceId, key, body, limit: query.limit, publicUrl: deps.config.publicUrl }), 200)
    })
    .openapi(pauseRoute, async (c) => {
      const auth = c.get('auth')
      return c.json(await setPlaybookStatus(deps.db, { workspaceId: auth.workspaceId, key: c.req.valid('param').key, status: 'paused', choice: c.req.valid('json'), actor: actorOf(auth) }), 200)
    })
    .openapi(resumeRoute, async (c) => {
      const auth = c.get('auth')
      return c.json(await setPlaybookStatus(deps.db, { workspaceId: auth.workspaceId, key: c.req.valid('param').key, status: 'active', actor: actorOf(auth) }), 200)
    })
    .openapi(publishRoute, async (c) => {
      const auth = c.get('auth')
      const { key } = c.req.valid('param')
      const input = c.req.valid('json')
      const { comment, ...openWork } = input
      const view = await publishDraft(deps.db, { kinds, workspaceId: auth.workspaceId, kind: PLAYBOOK_KIND, key, actor: auth.actor, jobs: deps.jobs, comment, openWork })
      const settled = view.settled ?? { runsCancelled: 0, tasksDismissed: 0 }
      return c.json({ version: view.published?.version ?? 0, ...settled }, 200)
    })
    .openapi(manualRunRoute, async (c) => {
      const auth = c.get('auth')
      const playbook = await requireLivePlaybook(deps.db, { workspaceId: auth.workspaceId, key: c.req.valid('param').key })
      return c.json(await runPlaybookByHand(deps.db, { workspaceId: auth.workspaceId, playbook, accountIds: c.req.valid('json').accountIds, actor: actorOf(auth) }), 202)
    })
    .openapi(runsRoute, async (c) => {
      const query = c.req.valid('query')
      return c.json({ runs: await listRuns(deps.db, { workspaceId: c.get('auth').workspaceId, playbookKey: query.playbook, accountId: query.accountId, status: query.status, before: query.before, limit: query.limit }) }, 200)
    })
    .openapi(accountRunsRoute, async (c) => c.json({ runs: await listRuns(deps.db, { workspaceId: c.get('auth').workspaceId, accountId: c.req.valid('param').id, limit: 100 }) }, 200))
    .openapi(retryRoute, async (c) => {
      await retryRun(deps.db, { workspaceId: c.get('auth').workspaceId, runId: c.req.valid('param').id })
      return c.body(null, 204)
    })
    .openapi(cancelRoute, async (c) => {
      const auth = c.get('auth')
      await cancelRun(deps.db, { workspaceId: auth.workspaceId, runId: c.req.valid('param').id, actorLabel: actorOf(auth).label })
      return c.body(null, 204)
    })
}
