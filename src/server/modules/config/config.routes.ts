import { createRoute, z } from '@hono/zod-openapi'
import { bodyLimit } from 'hono/body-limit'
import { ProblemError, createRouter, jsonBody, jsonResponse, problemBody, problemResponse, problemResponses, requirePermission, type AppDeps } from '../../platform/http'
import {
  CommentBody,
  CommentQuery,
  ConfigDocumentListSchema,
  ConfigDocumentSchema,
  ConfigKindListSchema,
  ConfigPlanSchema,
  ConfigVersionListSchema,
  ConfigVersionSchema,
  DocumentParams,
  KindParam,
  ListDocumentsQuery,
  PlanJsonBody,
  PlanQuery,
  SaveDraftBody,
  VersionParams,
} from './config.contracts'
import type { ConfigKind } from './config.kinds'
import type { ConfigDocumentRow } from './config.repo'
import * as service from './config.service'
import type { ConfigDocumentView, ConfigPlan, ConfigWriteResult, OpenWorkAnswer } from './config.service'
import { MAX_CONFIG_YAML_BYTES } from './config.yaml'

const tags = ['Configuration']
const read = requirePermission('config:read')
const write = requirePermission('config:write')

export function toConfigVersionDto(kinds: readonly ConfigKind[], row: ConfigDocumentRow, withBody: boolean) {
  return {
    kind: row.kind,
    key: row.key,
    version: row.version,
    status: row.status,
    comment: row.comment,
    createdBy: row.createdBy,
    createdByLabel: row.createdByLabel,
    createdAt: row.createdAt.toISOString(),
    summary: service.summarizeVersion(kinds, row),
    ...(withBody ? { body: service.readableBody(kinds, row.kind, row.body) } : {}),
  }
}

export function toConfigDocumentDto(kinds: readonly ConfigKind[], view: ConfigDocumentView | ConfigWriteResult) {
  const version = (row: ConfigDocumentRow | null) => (row ? toConfigVersionDto(kinds, row, true) : null)
  return {
    kind: view.kind,
    key: view.key,
    state: view.state,
    summary: view.summary,
    published: version(view.published),
    draft: version(view.draft),
    archived: version(view.archived),
    openWork: view.openWork,
    ...('settled' in view ? { settled: view.settled } : {}),
  }
}

function listItemDto(kinds: readonly ConfigKind[], view: ConfigDocumentView) {
  const latest = [view.draft, view.published, view.archived].filter((row): row is ConfigDocumentRow => row !== null).sort((left, right) => right.createdAt.getTime() - left.createdAt.getTime())[0]
  const current = view.published ?? view.draft ?? view.archived
  const body = current?.body
  const name = body && typeof body === 'object' && 'name' in body && typeof body.name === 'string' ? body.name : null
  return {
    kind: view.kind,
    key: view.key,
    name,
    state: view.state,
    summary: view.summary,
    publishedVersion: view.published?.version ?? null,
    draftVersion: view.draft?.version ?? null,
    updatedAt: (latest?.createdAt ?? new Date(0)).toISOString(),
    updatedBy: latest?.createdByLabel ?? '',
    body: current ? service.readableBody(kinds, current.kind, current.body) : null,
  }
}

const kindsRoute = createRoute({
  method: 'get',
  path: '/api/v1/config/kinds',
  tags,
  summary: 'The kinds of configuration documents (segments, …) and how many of each the workspace has',
  middleware: [read] as const,
  responses: { 200: jsonResponse(ConfigKindListSchema, 'The kinds'), ...problemResponses },
})

const yamlContent = { schema: z.string().describe('YAML as bosun config export writes it') }
const yamlLimit = bodyLimit({
  maxSize: MAX_CONFIG_YAML_BYTES + 64 * 1024,
  onError: (c) => problemResponse(c, 413, 'Payload Too Large', `The file may be at most ${MAX_CONFIG_YAML_BYTES / 1024 / 1024} MB`, [{ field: 'yaml', message: 'is too large' }]),
})
const planRequest = {
  query: PlanQuery,
  body: {
    required: false,
    description: 'The YAML file as text/yaml (options in the query), or JSON { yaml, prune?, comment? }',
    content: { 'application/json': { schema: PlanJsonBody }, 'text/yaml': yamlContent, 'application/yaml': yamlContent, 'application/x-yaml': yamlContent, 'text/plain': yamlContent },
  },
}

const exportRoute = createRoute({
  method: 'get',
  path: '/api/v1/config/export',
  tags,
  summary: 'Every published document as one YAML file (config as code)',
  description: 'Stable order (kinds, then keys) and layout, so that diffs between two exports read well. Feed it back to /plan and /apply.',
  middleware: [read] as const,
  responses: { 200: { description: 'The YAML file', content: { 'text/yaml': yamlContent } }, ...problemResponses },
})

const planRoute = createRoute({
  method: 'post',
  path: '/api/v1/config/plan',
  tags,
  summary: 'What applying a YAML file would do: per document create / update (changed paths) / unchanged, and every validation error; nothing is written',
  description: 'Always 200: `valid` says whether apply would succeed; `errors[]` name the document and the path (e.g. documents.2.body.condition.all.0.value).',
  middleware: [write, yamlLimit] as const,
  request: planRequest,
  responses: { 200: jsonResponse(ConfigPlanSchema, 'The plan'), ...problemResponses, 413: { description: 'File too large' }, 415: { description: 'Not YAML or JSON' } },
})

const applyRoute = createRoute({
  method: 'post',
  path: '/api/v1/config/apply',
  tags,
  summary: 'Apply a YAML file all or nothing: publishes a new version of every created or changed document (prune: archives those not in the file)',
  middleware: [write, yamlLimit] as const,
  request: planRequest,
  responses: {
    200: jsonResponse(ConfigPlanSchema, 'The plan it applied (applied: true)'),
    ...problemResponses,
    400: { description: 'Invalid: nothing was written; the body is problem+json with the plan and its errors', content: { 'application/problem+json': { schema: ConfigPlanSchema } } },
    413: { description: 'File too large' },
    415: { description: 'Not YAML or JSON' },
  },
})

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/config/{kind}',
  tags,
  summary: 'Every document of a kind: its published version, open draft and summary',
  middleware: [read] as const,
  request: { params: KindParam, query: ListDocumentsQuery },
  responses: { 200: jsonResponse(ConfigDocumentListSchema, 'The documents, by key'), ...problemResponses },
})

const getRoute = createRoute({
  method: 'get',
  path: '/api/v1/config/{kind}/{key}',
  tags,
  summary: 'One document: its published version and its open draft, with bodies',
  middleware: [read] as const,
  request: { params: DocumentParams },
  responses: { 200: jsonResponse(ConfigDocumentSchema, 'The document'), ...problemResponses },
})

const versionsRoute = createRoute({
  method: 'get',
  path: '/api/v1/config/{kind}/{key}/versions',
  tags,
  summary: 'Version history, newest first: who, when, comment, summary',
  middleware: [read] as const,
  request: { params: DocumentParams },
  responses: { 200: jsonResponse(ConfigVersionListSchema, 'The versions'), ...problemResponses },
})

const versionRoute = createRoute({
  method: 'get',
  path: '/api/v1/config/{kind}/{key}/versions/{version}',
  tags,
  summary: 'One version, with its body',
  middleware: [read] as const,
  request: { params: VersionParams },
  responses: { 200: jsonResponse(ConfigVersionSchema, 'The version'), ...problemResponses },
})

const saveRoute = createRoute({
  method: 'put',
  path: '/api/v1/config/{kind}/{key}',
  tags,
  summary: 'Save the draft of a document (creates the document when the key is new)',
  description:
    'The first save opens a draft as the next version; saving again replaces that draft (one open draft per key). The body is validated by ' +
    "the kind's schema: errors name the path, e.g. body.condition.all.0.value. Publish it with POST …/publish.",
  middleware: [write] as const,
  request: { params: DocumentParams, ...jsonBody(SaveDraftBody) },
  responses: { 200: jsonResponse(ConfigDocumentSchema, 'The document with its draft'), ...problemResponses },
})

const publishRoute = createRoute({
  method: 'post',
  path: '/api/v1/config/{kind}/{key}/publish',
  tags,
  summary: 'Publish the open draft: it becomes the live version',
  middleware: [write] as const,
  request: { params: DocumentParams, body: { required: false, content: { 'application/json': { schema: CommentBody } } } },
  responses: { 200: jsonResponse(ConfigDocumentSchema, 'The document'), ...problemResponses, 409: { description: 'No open draft; or work under way (a playbook\'s runs, tasks) needs openRuns / openTasks' } },
})

const discardRoute = createRoute({
  method: 'delete',
  path: '/api/v1/config/{kind}/{key}/draft',
  tags,
  summary: 'Discard the open draft',
  middleware: [write] as const,
  request: { params: DocumentParams },
  responses: { 204: { description: 'Discarded' }, ...problemResponses },
})

const restoreRoute = createRoute({
  method: 'post',
  path: '/api/v1/config/{kind}/{key}/versions/{version}/restore',
  tags,
  summary: 'Roll back: publish a copy of an older version as a new version',
  middleware: [write] as const,
  request: { params: VersionParams, body: { required: false, content: { 'application/json': { schema: CommentBody } } } },
  responses: { 200: jsonResponse(ConfigDocumentSchema, 'The document'), ...problemResponses, 409: { description: 'Already the published version, or no longer valid; or work under way needs openRuns / openTasks' } },
})

const archiveRoute = createRoute({
  method: 'delete',
  path: '/api/v1/config/{kind}/{key}',
  tags,
  summary: 'Archive a document: nothing of it stays live (its history is kept; restore a version to bring it back)',
  middleware: [write] as const,
  request: { params: DocumentParams, query: CommentQuery },
  responses: { 200: jsonResponse(ConfigDocumentSchema, 'The archived document'), ...problemResponses, 409: { description: 'Already archived; or work under way needs openRuns / openTasks' } },
})

type PlanInput = { yaml: string; prune?: boolean; comment?: string; openWork: OpenWorkAnswer }

/** The JSON body ({ yaml, … }, validated by the route) or the YAML text itself with options in the query. */
async function planInput(contentType: string | undefined, json: unknown, query: z.infer<typeof PlanQuery>, text: () => Promise<string>): Promise<PlanInput> {
  if (contentType && /json/i.test(contentType)) {
    const parsed = PlanJsonBody.safeParse(json)
    if (!parsed.success) throw new ProblemError(400, 'Bad Request', 'yaml: is required', [{ field: 'yaml', message: 'is required' }])
    const { openRuns, openTasks, ...rest } = parsed.data
    return { ...rest, openWork: { openRuns, openTasks } }
  }
  return { yaml: await text(), prune: query.prune, comment: query.comment, openWork: { openRuns: query.openRuns, openTasks: query.openTasks } }
}

function planProblem(plan: ConfigPlan) {
  const shown = plan.errors.slice(0, 10).map((error) => `${error.document ? `${error.document} ` : ''}${error.field}: ${error.message}`)
  const more = plan.errors.length > shown.length ? `; and ${plan.errors.length - shown.length} more` : ''
  return JSON.stringify({ ...problemBody(400, 'Bad Request', `Nothing was applied: ${shown.join('; ')}${more}`), ...plan })
}

export function configRoutes(deps: AppDeps, kinds: readonly ConfigKind[]) {
  const { db, jobs } = deps
  return createRouter()
    .openapi(kindsRoute, async (c) => c.json({ items: await service.listKinds(db, { kinds, workspaceId: c.get('auth').workspaceId }) }, 200))
    .openapi(exportRoute, async (c) => {
      const auth = c.get('auth')
      const yaml = await service.exportConfig(db, { kinds, workspaceId: auth.workspaceId, workspaceSlug: auth.workspaceSlug })
      return c.body(yaml, 200, { 'content-type': 'text/yaml; charset=utf-8', 'content-disposition': `attachment; filename="bosun-config-${auth.workspaceSlug}.yaml"` })
    })
    .openapi(planRoute, async (c) => {
      const auth = c.get('auth')
      const input = await planInput(c.req.header('content-type'), c.req.valid('json'), c.req.valid('query'), () => c.req.text())
      const plan = await service.planConfig(db, { kinds, workspaceId: auth.workspaceId, actor: auth.actor, ...input })
      return c.json(plan, 200)
    })
    .openapi(applyRoute, async (c) => {
      const auth = c.get('auth')
      const input = await planInput(c.req.header('content-type'), c.req.valid('json'), c.req.valid('query'), () => c.req.text())
      const plan = await service.applyConfig(db, { kinds, workspaceId: auth.workspaceId, actor: auth.actor, jobs, ...input })
      if (!plan.valid) return c.body(planProblem(plan), 400, { 'content-type': 'application/problem+json' })
      return c.json(plan, 200)
    })
    .openapi(listRoute, async (c) => {
      const views = await service.listDocuments(db, { kinds, workspaceId: c.get('auth').workspaceId, kind: c.req.valid('param').kind, includeArchived: c.req.valid('query').archived ?? false })
      return c.json({ items: views.map((view) => listItemDto(kinds, view)) }, 200)
    })
    .openapi(getRoute, async (c) => {
      const view = await service.getDocument(db, { kinds, workspaceId: c.get('auth').workspaceId, ...c.req.valid('param') })
      return c.json(toConfigDocumentDto(kinds, view), 200)
    })
    .openapi(versionsRoute, async (c) => {
      const versions = await service.listDocumentVersions(db, { kinds, workspaceId: c.get('auth').workspaceId, ...c.req.valid('param') })
      return c.json({ items: versions.map((entry) => ({ ...toConfigVersionDto(kinds, entry.row, false), live: entry.live })) }, 200)
    })
    .openapi(versionRoute, async (c) => {
      const { row } = await service.getDocumentVersion(db, { kinds, workspaceId: c.get('auth').workspaceId, ...c.req.valid('param') })
      return c.json(toConfigVersionDto(kinds, row, true), 200)
    })
    .openapi(saveRoute, async (c) => {
      const auth = c.get('auth')
      const input = c.req.valid('json')
      const view = await service.saveDraft(db, { kinds, workspaceId: auth.workspaceId, actor: auth.actor, jobs, ...c.req.valid('param'), body: input.body, comment: input.comment })
      return c.json(toConfigDocumentDto(kinds, view), 200)
    })
    .openapi(publishRoute, async (c) => {
      const auth = c.get('auth')
      const { comment, ...openWork } = c.req.valid('json')
      const view = await service.publishDraft(db, { kinds, workspaceId: auth.workspaceId, actor: auth.actor, jobs, ...c.req.valid('param'), comment, openWork })
      return c.json(toConfigDocumentDto(kinds, view), 200)
    })
    .openapi(discardRoute, async (c) => {
      const auth = c.get('auth')
      await service.discardDraft(db, { kinds, workspaceId: auth.workspaceId, actor: auth.actor, jobs, ...c.req.valid('param') })
      return c.body(null, 204)
    })
    .openapi(restoreRoute, async (c) => {
      const auth = c.get('auth')
      const { comment, ...openWork } = c.req.valid('json')
      const view = await service.restoreVersion(db, { kinds, workspaceId: auth.workspaceId, actor: auth.actor, jobs, ...c.req.valid('param'), comment, openWork })
      return c.json(toConfigDocumentDto(kinds, view), 200)
    })
    .openapi(archiveRoute, async (c) => {
      const auth = c.get('auth')
      const { comment, ...openWork } = c.req.valid('query')
      const view = await service.archiveDocument(db, { kinds, workspaceId: auth.workspaceId, actor: auth.actor, jobs, ...c.req.valid('param'), comment, openWork })
      return c.json(toConfigDocumentDto(kinds, view), 200)
    })
}
