import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppDeps, AppEnv } from '../platform/http'
import { accountRoutes } from './accounts'
import { auditRoutes } from './audit'
import { identityRoutes } from './identity'

/** Every module's router, mounted at the root by app.ts; a new module adds its line here. */
export function moduleRoutes(deps: AppDeps): OpenAPIHono<AppEnv>[] {
  return [identityRoutes(deps), auditRoutes(deps), accountRoutes(deps)] as unknown as OpenAPIHono<AppEnv>[]
}
