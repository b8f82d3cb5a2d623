import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppDeps, AppEnv } from '../platform/http'
import { accountRoutes } from './accounts'
import { account360Routes } from './account-360'
import { auditRoutes } from './audit'
import { billingRoutes } from './billing'
import { conditionRoutes } from './conditions'
import { configRoutes } from './config'
import { configKinds } from './config-kinds'
import { contactRoutes } from './contacts'
import { dataQualityRoutes } from './data-quality'
import { eventRoutes } from './events'
import { identityRoutes } from './identity'
import { importRoutes } from './imports'
import { outcomeRoutes } from './outcomes'
import { portfolioRoutes } from './portfolio'
import { segmentRoutes } from './segments'
import { journeyRoutes } from './journeys'
import { domainEventRoutes } from './domain-events'
import { engagementRoutes } from './engagement'
import { healthRoutes } from './health'
import { churnRoutes } from './churn'
import { playbookRoutes } from './playbooks'
import { subscriptionRoutes } from './subscriptions'
import { ticketRoutes } from './tickets'
import { touchpointRoutes } from './touchpoints'
import { taskRoutes } from './tasks'
import { successPlanRoutes } from './success-plans'
import { outreachRoutes } from './outreach'

/** Every module's router, mounted at the root by app.ts; a new module adds its line here. */
export function moduleRoutes(deps: AppDeps): OpenAPIHono<AppEnv>[] {
  return [
    identityRoutes(deps),
    outreachRoutes(deps),
    auditRoutes(deps),
    accountRoutes(deps),
    contactRoutes(deps),
    subscriptionRoutes(deps),
    touchpointRoutes(deps),
    ticketRoutes(deps),
    account360Routes(deps),
    portfolioRoutes(deps),
    eventRoutes(deps),
    conditionRoutes(deps),
    configRoutes(deps, configKinds),
    billingRoutes(deps),
    dataQualityRoutes(deps),
    outcomeRoutes(deps),
    importRoutes(deps),
    segmentRoutes(deps),
    domainEventRoutes(deps),
    journeyRoutes(deps),
    engagementRoutes(deps),
    healthRoutes(deps),
    churnRoutes(deps),
    playbookRoutes(deps, configKinds),
    taskRoutes(deps),
    successPlanRoutes(deps),
  ] as unknown as OpenAPIHono<AppEnv>[]
}
