import { createRoute, z } from '@hono/zod-openapi'
import { createRouter, jsonBody, jsonResponse, problemResponses, requirePermission, type AppDeps } from '../../platform/http'
import { AccountChurnSchema, ChurnModelCardSchema, ChurnModelListSchema, ModelListQuery, RiskListQuery, RiskListSchema, TrainAcceptedSchema, TrainBody } from './churn.contracts'
import { getAccountChurn, getModel, listModels, listRiskiest, requestTraining } from './churn.service'
import { TRAIN_CHURN_QUEUE } from './jobs/train'

const tags = ['Churn risk']
const idParam = z.object({ id: z.uuid() })

const listModelsRoute = createRoute({
  method: 'get',
  path: '/api/v1/churn/models',
  tags,
  summary: 'Churn model cards, newest first: date, target (churn before the next renewal), kind, features, holdout AUC / PR AUC / Brier, calibration, comparison with the health score',
  middleware: [requirePermission('customers:read')] as const,
  request: { query: ModelListQuery },
  responses: { 200: jsonResponse(ChurnModelListSchema, 'Model cards'), ...problemResponses },
})

const getModelRoute = createRoute({
  method: 'get',
  path: '/api/v1/churn/models/{id}',
  tags,
  summary: 'One churn model card',
  middleware: [requirePermission('customers:read')] as const,
  request: { params: idParam },
  responses: { 200: jsonResponse(ChurnModelCardSchema, 'Model card'), ...problemResponses },
})

const trainRoute = createRoute({
  method: 'post',
  path: '/api/v1/churn/models/train',
  tags,
  summary: "Retrain the churn model (churn before each account's next renewal) on the workspace history now (runs as a job; the card shows its progress)",
  middleware: [requirePermission('config:write')] as const,
  request: { ...jsonBody(TrainBody) },
  responses: {
    202: jsonResponse(TrainAcceptedSchema, 'Queued'),
    409: { description: 'A model is already training', content: { 'application/problem+json': { schema: z.object({}).passthrough() } } },
    ...problemResponses,
  },
})

const accountRoute = createRoute({
  method: 'get',
  path: '/api/v1/accounts/{id}/churn',
  tags,
  summary: "An account's probability of churn before its next renewal under the current model, its top drivers and the model's date",
  middleware: [requirePermission('customers:read')] as const,
  request: { params: idParam },
  responses: { 200: jsonResponse(AccountChurnSchema, 'Churn risk'), ...problemResponses },
})

const riskRoute = createRoute({
  method: 'get',
  path: '/api/v1/churn/accounts',
  tags,
  summary: 'Active accounts by probability of churn before their next renewal, highest first, with ARR, renewal date and top drivers',
  middleware: [requirePermission('customers:read')] as const,
  request: { query: RiskListQuery },
  responses: { 200: jsonResponse(RiskListSchema, 'Riskiest accounts'), ...problemResponses },
})

export function churnRoutes(deps: AppDeps) {
  const { db } = deps
  return createRouter()
    .openapi(listModelsRoute, async (c) => c.json(await listModels(db, { workspaceId: c.get('auth').workspaceId, limit: c.req.valid('query').limit }), 200))
    .openapi(trainRoute, async (c) => {
      const auth = c.get('auth')
      const body = c.req.valid('json')
      const modelId = await requestTraining(db, {
        workspaceId: auth.workspaceId,
        requestedBy: auth.actor.kind === 'user' ? auth.actor.email : `api key ${auth.actor.name}`,
        fallbackDays: body.fallbackDays ?? body.horizonDays,
        trigger: 'manual',
      })
      const jobId = await deps.jobs.send(TRAIN_CHURN_QUEUE, { workspaceId: auth.workspaceId, modelId })
      return c.json({ modelId, jobId, status: 'training' as const }, 202)
    })
    .openapi(getModelRoute, async (c) => c.json(await getModel(db, { workspaceId: c.get('auth').workspaceId, modelId: c.req.valid('param').id }), 200))
    .openapi(accountRoute, async (c) => c.json(await getAccountChurn(db, { workspaceId: c.get('auth').workspaceId, accountId: c.req.valid('param').id }), 200))
    .openapi(riskRoute, async (c) => {
      const query = c.req.valid('query')
      return c.json(await listRiskiest(db, { workspaceId: c.get('auth').workspaceId, limit: query.limit, offset: query.offset }), 200)
    })
}
