import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { OpenAPIHono } from '@hono/zod-openapi'
import { swaggerUI } from '@hono/swagger-ui'
import { serveStatic } from '@hono/node-server/serve-static'
import { isDbReady } from './platform/db'
import { noteWrite } from './platform/shared-reads'
import { handleError, problemResponse, type AppDeps, type AppEnv } from './platform/http'
import { moduleRoutes } from './modules/routes'
import { authenticate } from './modules/identity'

export const webDistDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web')

const apiPrefixes = ['/api/', '/v1/', '/webhooks/', '/healthz', '/internal/']

/** The whole HTTP surface: API routes of every module, OpenAPI document, health, and the web app. */
export function createApp(deps: AppDeps, options: { serveWeb?: boolean } = {}) {
  const app = new OpenAPIHono<AppEnv>()
  app.onError((error, c) => handleError(error, c, deps.logger))
  app.notFound((c) => problemResponse(c, 404, 'Not Found', `No route for ${c.req.method} ${c.req.path}`))

  app.get('/healthz', async (c) => {
    const ready = await isDbReady(deps.db)
    return c.json({ status: ready ? 'ok' : 'starting', database: deps.dbHandle.kind }, ready ? 200 : 503)
  })

  // A write answered here ends the sharing of reads that began before it (see platform/shared-reads).
  app.use('*', async (c, next) => {
    await next()
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && c.req.method !== 'OPTIONS') noteWrite()
  })
  app.use('/api/*', authenticate(deps.db))
  for (const routes of moduleRoutes(deps)) app.route('/', routes)

  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Bosun API',
      version: '1',
      description:
        'Customer Success Operations: accounts, people, revenue, touchpoints and tickets. Authenticate with the session cookie ' +
        '(POST /api/auth/login) or `Authorization: Bearer <API key>`. Errors are application/problem+json naming the failing field.',
    },
  })
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer', description: 'bsn_… API key' })
  app.get('/api/docs', swaggerUI({ url: '/api/openapi.json' }))

  if (options.serveWeb !== false && fs.existsSync(path.join(webDistDir, 'index.html'))) {
    const indexHtml = fs.readFileSync(path.join(webDistDir, 'index.html'), 'utf8')
    const root = path.relative(process.cwd(), webDistDir) || '.'
    app.use('/assets/*', serveStatic({ root }))
    app.get('*', async (c, next) => {
      if (apiPrefixes.some((prefix) => c.req.path.startsWith(prefix))) return next()
      const file = path.join(webDistDir, c.req.path)
      if (c.req.path !== '/' && file.startsWith(webDistDir) && fs.existsSync(file) && fs.statSync(file).isFile()) {
        return serveStatic({ root })(c, next)
      }
      // Client-side routes (/accounts/123, /settings/…) all get the SPA shell.
      return c.html(indexHtml)
    })
  }
  return app
}

export type BosunApp = ReturnType<typeof createApp>
