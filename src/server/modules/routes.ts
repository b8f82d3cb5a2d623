import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppDeps, AppEnv } from '../platform/http'
import { accountRoutes } from './accounts'
import { account360Routes } from './account-360'
import { auditRoutes } from './audit'
import { contactRoutes } from './contacts'
import { eventRoutes } from './events'
import { identityRoutes } from './identity'
import { portfolioRoutes } from './portfolio'
import { subscriptionRoutes } from './subscriptions'
import { ticketRoutes } from './tickets'
import { touchpointRoutes } from './touchpoints'

/** Every module's router, mounted at the root by app.ts; a new module adds its line here. */
export function moduleRoutes(deps: AppDeps): OpenAPIHono<AppEnv>[] {
  return [
    identityRoutes(deps),
    auditRoutes(deps),
    accountRoutes(deps),
    contactRoutes(deps),
    subscriptionRoutes(deps),
    touchpointRoutes(deps),
    ticketRoutes(deps),
    account360Routes(deps),
    portfolioRoutes(deps),
    eventRoutes(deps),
  ] as unknown as OpenAPIHono<AppEnv>[]
}
