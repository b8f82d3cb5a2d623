import { createRoute, z } from '@hono/zod-openapi'
import { createRouter, jsonBody, jsonResponse, problemResponses, requirePermission, type AppDeps } from '../../platform/http'
import {
  AcceptBody,
  AcceptedWeightsSchema,
  AccountHealthSchema,
  BacktestQuery,
  BacktestSchema,
  SuggestBody,
  SuggestedWeightsSchema,
  ExplainQuery,
  HealthExplanationSchema,
  HealthHistorySchema,
  HealthPortfolioSchema,
  HealthStatusSchema,
  HistoryQuery,
  PortfolioQuery,
  SentimentBody,
  SentimentSchema,
} from './health.contracts'
import { acceptWeights, runBacktest, suggestWeights } from './health.backtest'
import { addSentiment, explainHealth, getAccountHealth, getHealthHistory, getHealthPortfolio, getHealthStatus } from './health.service'

const tags = ['Health scores']
const accountParam = z.object({ id: z.uuid() })

const accountRoute = createRoute({
  method: 'get',
  path: '/api/v1/accounts/{id}/health',
  tags,
  summary: "An account's health score: groups and measures with value, points, weight after re-weighting, and what is missing",
  middleware: [requirePermission('customers:read')] as const,
  request: { params: accountParam },
  responses: { 200: jsonResponse(AccountHealthSchema, 'Health'), ...problemResponses },
})

const historyRoute = createRoute({
  method: 'get',
  path: '/api/v1/accounts/{id}/health/history',
  tags,
  summary: 'Daily health snapshots of an account',
  middleware: [requirePermission('customers:read')] as const,
  request: { params: accountParam, query: HistoryQuery },
  responses: { 200: jsonResponse(HealthHistorySchema, 'Snapshots'), ...problemResponses },
})

const explainRoute = createRoute({
  method: 'get',
  path: '/api/v1/accounts/{id}/health/explain',
  tags,
  summary: 'Why the score changed between two days: each measure’s contribution (they sum to the change)',
  middleware: [requirePermission('customers:read')] as const,
  request: { params: accountParam, query: ExplainQuery },
  responses: { 200: jsonResponse(HealthExplanationSchema, 'Contributions'), ...problemResponses },
})

const sentimentRoute = createRoute({
  method: 'post',
  path: '/api/v1/accounts/{id}/health/sentiment',
  tags,
  summary: 'Record the CSM’s sentiment (counts until it expires); the account is rescored at once',
  middleware: [requirePermission('customers:write')] as const,
  request: { params: accountParam, ...jsonBody(SentimentBody) },
  responses: { 201: jsonResponse(SentimentSchema, 'Recorded'), ...problemResponses },
})

const portfolioRoute = createRoute({
  method: 'get',
  path: '/api/v1/health/portfolio',
  tags,
  summary: 'Health across the book: bands (accounts, ARR), per segment, ARR at risk, biggest movers in 7 days, missing inputs',
  middleware: [requirePermission('customers:read')] as const,
  request: { query: PortfolioQuery },
  responses: { 200: jsonResponse(HealthPortfolioSchema, 'Portfolio'), ...problemResponses },
})

const statusRoute = createRoute({
  method: 'get',
  path: '/api/v1/health/status',
  tags,
  summary: 'Accounts waiting to be rescored and the last full sweep',
  middleware: [requirePermission('customers:read')] as const,
  responses: { 200: jsonResponse(HealthStatusSchema, 'Status'), ...problemResponses },
})

const backtestRoute = createRoute({
  method: 'get',
  path: '/api/v1/health/backtest',
  tags,
  summary: 'Backtest a scorecard version: snapshots at T against churn within H days — AUC, churn and ARR lost per band, each measure’s AUC, calibration',
  middleware: [requirePermission('customers:read')] as const,
  request: { query: BacktestQuery },
  responses: { 200: jsonResponse(BacktestSchema, 'Backtest'), ...problemResponses },
})

const suggestRoute = createRoute({
  method: 'post',
  path: '/api/v1/health/backtest/suggest',
  tags,
  summary: 'Suggest weights: an L2 logistic regression on the measures’ points, mapped to non-negative weights, with AUC before and after (cross-validated)',
  middleware: [requirePermission('customers:read')] as const,
  request: jsonBody(SuggestBody),
  responses: { 200: jsonResponse(SuggestedWeightsSchema, 'Suggested weights'), ...problemResponses },
})

const acceptRoute = createRoute({
  method: 'post',
  path: '/api/v1/health/backtest/accept',
  tags,
  summary: 'Save the scorecard with these weights as a draft version (never published)',
  middleware: [requirePermission('config:write')] as const,
  request: jsonBody(AcceptBody),
  responses: { 201: jsonResponse(AcceptedWeightsSchema, 'Draft saved'), ...problemResponses },
})

export function healthRoutes(deps: AppDeps) {
  return createRouter()
    .openapi(accountRoute, async (c) => c.json(await getAccountHealth(deps.db, { workspaceId: c.get('auth').workspaceId, accountId: c.req.valid('param').id }), 200))
    .openapi(historyRoute, async (c) =>
      c.json(await getHealthHistory(deps.db, { workspaceId: c.get('auth').workspaceId, accountId: c.req.valid('param').id, days: c.req.valid('query').days }), 200),
    )
    .openapi(explainRoute, async (c) => {
      const query = c.req.valid('query')
      return c.json(await explainHealth(deps.db, { workspaceId: c.get('auth').workspaceId, accountId: c.req.valid('param').id, from: query.from, to: query.to }), 200)
    })
    .openapi(sentimentRoute, async (c) => {
      const auth = c.get('auth')
      const body = c.req.valid('json')
      const sentiment = await addSentiment(deps.db, {
        workspaceId: auth.workspaceId,
        accountId: c.req.valid('param').id,
        authorId: auth.actor.kind === 'user' ? auth.actor.userId : null,
        sentiment: body.sentiment,
        comment: body.comment && body.comment.length > 0 ? body.comment : null,
        expiresOn: body.expiresOn,
      })
      return c.json(sentiment, 201)
    })
    .openapi(portfolioRoute, async (c) => c.json(await getHealthPortfolio(deps.db, { workspaceId: c.get('auth').workspaceId, moversLimit: c.req.valid('query').movers }), 200))
    .openapi(statusRoute, async (c) => c.json(await getHealthStatus(deps.db, { workspaceId: c.get('auth').workspaceId }), 200))
    .openapi(backtestRoute, async (c) => c.json(await runBacktest(deps.db, { workspaceId: c.get('auth').workspaceId, ...c.req.valid('query') }), 200))
    .openapi(suggestRoute, async (c) => c.json(await suggestWeights(deps.db, { workspaceId: c.get('auth').workspaceId, ...c.req.valid('json') }), 200))
    .openapi(acceptRoute, async (c) => {
      const auth = c.get('auth')
      return c.json(await acceptWeights(deps.db, { workspaceId: auth.workspaceId, actor: auth.actor, ...c.req.valid('json') }), 201)
    })
}
