export * from './identity.tables'
export { hashPassword, verifyPassword, generatePassword } from './passwords'
export { authenticate, SESSION_COOKIE } from './identity.middleware'
export { authenticateApiKey } from './identity.service'
export { identityRoutes } from './identity.routes'
export {
  createWorkspaceWithOwner,
  createUser,
  updateUser,
  listUsers,
  findUser,
  createApiKey,
  revokeApiKey,
  listApiKeys,
  resetLoginThrottle,
} from './identity.service'
export type { User, ApiKey } from './identity.repo'
export { expiredSessionsJob } from './jobs/expired-sessions'
import type { AppDeps } from '../../platform/http'
import { expiredSessionsJob } from './jobs/expired-sessions'
export const identityJobs = (deps: AppDeps) => [expiredSessionsJob(deps)]
