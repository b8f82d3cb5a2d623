import { createRoute } from '@hono/zod-openapi'
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import {
  ProblemError,
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
  requirePermission,
  type AppDeps,
  type AppEnv,
} from '../../platform/http'
import {
  ApiKeySchema,
  CreateApiKeyBody,
  CreateUserBody,
  CreatedApiKeySchema,
  CreatedUserSchema,
  IdParam,
  LoginBody,
  MeSchema,
  UpdateUserBody,
  UserSchema,
} from './identity.contracts'
import { SESSION_COOKIE } from './identity.middleware'
import type { ApiKey, User } from './identity.repo'
import * as identity from './identity.service'
import { z } from '@hono/zod-openapi'

const iso = (value: Date | null) => (value ? value.toISOString() : null)

export const toUserDto = (user: User) => ({
  id: user.id,
  email: user.email,
  name: user.name,
  title: user.title,
  role: user.role,
  managerId: user.managerId,
  status: user.status,
  lastLoginAt: iso(user.lastLoginAt),
  createdAt: user.createdAt.toISOString(),
})

export const toApiKeyDto = (key: ApiKey) => ({
  id: key.id,
  name: key.name,
  prefix: key.prefix,
  scopes: key.scopes as ('ingest' | 'read' | 'write' | 'admin')[],
  createdAt: key.createdAt.toISOString(),
  lastUsedAt: iso(key.lastUsedAt),
  revokedAt: iso(key.revokedAt),
  createdBy: key.createdBy,
  rateLimitPerSecond: key.rateLimitPerSecond,
})

function clientAddress(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

const loginRoute = createRoute({
  method: 'post',
  path: '/api/auth/login',
  tags: ['Auth'],
  summary: 'Log in with email and password; sets an HttpOnly SameSite session cookie',
  request: jsonBody(LoginBody),
  responses: {
    200: jsonResponse(MeSchema, 'Logged in'),
    ...problemResponses,
    409: { description: 'The email belongs to several workspaces: send `workspace`' },
    429: { description: 'Too many failed attempts; see Retry-After' },
  },
})

const logoutRoute = createRoute({
  method: 'post',
  path: '/api/auth/logout',
  tags: ['Auth'],
  summary: 'End the current session',
  responses: { 204: { description: 'Logged out' } },
})

const meRoute = createRoute({
  method: 'get',
  path: '/api/auth/me',
  tags: ['Auth'],
  summary: 'The logged-in user, workspace and permissions',
  responses: { 200: jsonResponse(MeSchema, 'The current user'), ...problemResponses },
})

const listUsersRoute = createRoute({
  method: 'get',
  path: '/api/v1/users',
  tags: ['Users'],
  summary: 'Users of the workspace (the CS team)',
  middleware: [requirePermission('users:read')] as const,
  responses: { 200: jsonResponse(z.object({ items: z.array(UserSchema) }), 'All users'), ...problemResponses },
})

const createUserRoute = createRoute({
  method: 'post',
  path: '/api/v1/users',
  tags: ['Users'],
  summary: 'Add a user; without a password a temporary one is generated and returned once',
  middleware: [requirePermission('users:manage')] as const,
  request: jsonBody(CreateUserBody),
  responses: { 201: jsonResponse(CreatedUserSchema, 'Created'), ...problemResponses, 409: { description: 'Email already used' } },
})

const updateUserRoute = createRoute({
  method: 'patch',
  path: '/api/v1/users/{id}',
  tags: ['Users'],
  summary: 'Change a user: name, title, role, status (disable), manager, password',
  middleware: [requirePermission('users:manage')] as const,
  request: { params: IdParam, ...jsonBody(UpdateUserBody) },
  responses: { 200: jsonResponse(UserSchema, 'Updated'), ...problemResponses },
})

const listKeysRoute = createRoute({
  method: 'get',
  path: '/api/v1/api-keys',
  tags: ['API keys'],
  summary: 'API keys of the workspace (never the secrets)',
  middleware: [requirePermission('keys:manage')] as const,
  responses: { 200: jsonResponse(z.object({ items: z.array(ApiKeySchema) }), 'All keys'), ...problemResponses },
})

const createKeyRoute = createRoute({
  method: 'post',
  path: '/api/v1/api-keys',
  tags: ['API keys'],
  summary: 'Create an API key; the key is in this answer only',
  middleware: [requirePermission('keys:manage')] as const,
  request: jsonBody(CreateApiKeyBody),
  responses: { 201: jsonResponse(CreatedApiKeySchema, 'Created'), ...problemResponses },
})

const revokeKeyRoute = createRoute({
  method: 'delete',
  path: '/api/v1/api-keys/{id}',
  tags: ['API keys'],
  summary: 'Revoke an API key (it stops working at once)',
  middleware: [requirePermission('keys:manage')] as const,
  request: { params: IdParam },
  responses: { 200: jsonResponse(ApiKeySchema, 'Revoked'), ...problemResponses },
})

export function identityRoutes(deps: AppDeps) {
  const { db } = deps
  return createRouter()
    .openapi(loginRoute, async (c) => {
      const body = c.req.valid('json')
      const address = clientAddress(c)
      try {
        const result = await identity.login(db, { ...body, clientAddress: address, userAgent: c.req.header('user-agent') })
        setCookie(c, SESSION_COOKIE, result.cookieValue, {
          httpOnly: true,
          sameSite: 'Lax',
          secure: deps.config.secureCookies,
          path: '/',
          expires: result.expiresAt,
        })
        return c.json(result.me, 200)
      } catch (error) {
        const retryAfter = (error as { retryAfter?: number }).retryAfter
        if (error instanceof ProblemError && retryAfter) c.header('Retry-After', String(retryAfter))
        throw error
      }
    })
    .openapi(logoutRoute, async (c) => {
      const auth = c.get('auth')
      if (auth) await identity.logout(db, auth)
      deleteCookie(c, SESSION_COOKIE, { path: '/' })
      return c.body(null, 204)
    })
    .openapi(meRoute, async (c) => {
      const auth = c.get('auth')
      if (!auth) throw new ProblemError(401, 'Unauthorized', 'Not logged in')
      return c.json(await identity.getMe(db, auth), 200)
    })
    .openapi(listUsersRoute, async (c) => {
      const users = await identity.listUsers(db, c.get('auth').workspaceId)
      return c.json({ items: users.map(toUserDto) }, 200)
    })
    .openapi(createUserRoute, async (c) => {
      const auth = c.get('auth')
      const body = c.req.valid('json')
      const result = await identity.createUser(db, { ...body, workspaceId: auth.workspaceId, actor: auth.actor })
      return c.json({ user: toUserDto(result.user), ...(result.temporaryPassword ? { temporaryPassword: result.temporaryPassword } : {}) }, 201)
    })
    .openapi(updateUserRoute, async (c) => {
      const auth = c.get('auth')
      const user = await identity.updateUser(db, {
        workspaceId: auth.workspaceId,
        userId: c.req.valid('param').id,
        changes: c.req.valid('json'),
        actor: auth.actor,
      })
      return c.json(toUserDto(user), 200)
    })
    .openapi(listKeysRoute, async (c) => {
      const keys = await identity.listApiKeys(db, c.get('auth').workspaceId)
      return c.json({ items: keys.map(toApiKeyDto) }, 200)
    })
    .openapi(createKeyRoute, async (c) => {
      const auth = c.get('auth')
      const result = await identity.createApiKey(db, { ...c.req.valid('json'), workspaceId: auth.workspaceId, actor: auth.actor })
      return c.json({ apiKey: toApiKeyDto(result.apiKey), key: result.key }, 201)
    })
    .openapi(revokeKeyRoute, async (c) => {
      const auth = c.get('auth')
      const key = await identity.revokeApiKey(db, { workspaceId: auth.workspaceId, keyId: c.req.valid('param').id, actor: auth.actor })
      return c.json(toApiKeyDto(key), 200)
    })
}
