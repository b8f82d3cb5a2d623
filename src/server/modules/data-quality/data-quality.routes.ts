import { createRoute } from '@hono/zod-openapi'
import { createRouter, jsonResponse, problemResponses, requirePermission, type AppDeps } from '../../platform/http'
import { CheckParam, DataQualityReportSchema, ExamplesPageSchema, ExamplesQuery } from './data-quality.contracts'
import * as service from './data-quality.service'

const tags = ['Data quality']
const read = requirePermission('customers:read')

const reportRoute = createRoute({
  method: 'get',
  path: '/api/v1/data-quality',
  tags,
  summary: 'The data-quality report: per source last received, 30-day volume with anomalies, unmatched product data, timestamps, account hygiene',
  description:
    'Every line has a count, a status (warn when it needs a look) and examplesHref, the path of its examples. ' +
    'Volume anomalies: each day is compared with the median of the same weekday in the 4 weeks before it (at least 2 weeks of history); ' +
    'spike > 300 % (a baseline under 5 counts as 5), drop < 30 % of a baseline of at least 10, silent = nothing on a day whose baseline is at least 5; ' +
    'today is judged only for spikes.',
  middleware: [read] as const,
  responses: { 200: jsonResponse(DataQualityReportSchema, 'The report'), ...problemResponses },
})

const examplesRoute = createRoute({
  method: 'get',
  path: '/api/v1/data-quality/examples/{check}',
  tags,
  summary: 'The rows behind one check of the data-quality report, paged',
  description:
    'rowKind tells the shape of the items. source (events:<api key id>) narrows future-timestamps and ancient-timestamps; ' +
    'volume-anomalies needs it (events:<id>, tickets, stripe, imports or crm).',
  middleware: [read] as const,
  request: { params: CheckParam, query: ExamplesQuery },
  responses: { 200: jsonResponse(ExamplesPageSchema, 'A page of examples'), ...problemResponses },
})

export function dataQualityRoutes(deps: AppDeps) {
  const { db } = deps
  return createRouter()
    .openapi(reportRoute, async (c) => {
      const report = await service.dataQualityReport(db, { workspaceId: c.get('auth').workspaceId })
      return c.json(report, 200)
    })
    .openapi(examplesRoute, async (c) => {
      const page = await service.dataQualityExamples(db, {
        workspaceId: c.get('auth').workspaceId,
        check: c.req.valid('param').check,
        filters: c.req.valid('query'),
      })
      return c.json(page, 200)
    })
}
