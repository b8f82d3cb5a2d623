import { createRoute, z } from '@hono/zod-openapi'
import { createRouter, jsonBody, jsonResponse, problemResponses, requirePermission, type AppDeps } from '../../platform/http'
import { conditionFields, operatorsByType, renderCondition } from '../../../shared/conditions'
import { assertCondition, previewCondition, todayUtc } from './conditions.service'

const tags = ['Conditions']

const PreviewBody = z
  .object({
    condition: z.unknown().describe('A rule of the condition language (see GET /api/v1/conditions/fields)'),
    today: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().describe('Evaluate as of this day (default today, UTC)'),
    limit: z.number().int().min(0).max(200).default(20),
  })
  .strict()

const PreviewSchema = z
  .object({
    rendered: z.string(),
    count: z.number().int(),
    accounts: z.array(z.object({ id: z.string(), name: z.string(), arr: z.number(), plan: z.string().nullable(), renewalDate: z.string().nullable() })),
  })
  .openapi('ConditionPreview')

const FieldsSchema = z
  .object({
    fields: z.array(z.object({ field: z.string(), type: z.string(), label: z.string(), group: z.string(), operators: z.array(z.string()) })),
    traits: z.string(),
  })
  .openapi('ConditionFields')

const previewRoute = createRoute({
  method: 'post',
  path: '/api/v1/conditions/preview',
  tags,
  summary: 'Validate a rule, render it as one line, and count the accounts it matches now',
  description: 'Invalid rules answer 400 with the path of the bad node in errors[].field, e.g. condition.all.1.value.',
  middleware: [requirePermission('config:read')] as const,
  request: jsonBody(PreviewBody),
  responses: { 200: jsonResponse(PreviewSchema, 'The rule and its matches'), ...problemResponses },
})

const fieldsRoute = createRoute({
  method: 'get',
  path: '/api/v1/conditions/fields',
  tags,
  summary: 'Every field a rule may name, its type and operators',
  middleware: [requirePermission('config:read')] as const,
  responses: { 200: jsonResponse(FieldsSchema, 'The catalog'), ...problemResponses },
})

export function conditionRoutes(deps: AppDeps) {
  const { db } = deps
  return createRouter()
    .openapi(previewRoute, async (c) => {
      const body = c.req.valid('json')
      const condition = assertCondition(body.condition)
      const preview = await previewCondition(db, { workspaceId: c.get('auth').workspaceId, condition, today: body.today ?? todayUtc(), limit: body.limit })
      return c.json({ rendered: renderCondition(condition), ...preview }, 200)
    })
    .openapi(fieldsRoute, async (c) =>
      c.json(
        {
          fields: Object.entries(conditionFields).map(([field, definition]) => ({ field, ...definition, operators: [...operatorsByType[definition.type]] })),
          traits: 'traits.<key>: an account custom trait, compared as text, or as a number / boolean when the rule gives one',
        },
        200,
      ),
    )
}
