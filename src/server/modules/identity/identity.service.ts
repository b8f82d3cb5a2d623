import crypto from 'node:crypto'
import type { Db } from '../../platform/db'
import { ProblemError, badRequest, conflict, notFound, type AuthContext } from '../../platform/http'
import { canAssignRole, permissionsForRole, permissionsForScopes, type ApiKeyScope, type Permission, type Role } from '../../../shared/roles'
import { recordAudit, type AuditActor } from '../audit'
import { findWorkspaceById, findWorkspaceBySlug, insertWorkspace } from '../workspaces'
import * as repo from './identity.repo'
import { generatePassword, hashPassword, verifyPassword } from './passwords'

const SESSION_DAYS = 14
const SESSION_TOUCH_MS = 5 * 60_000
const KEY_TOUCH_MS = 60_000

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex')

function safeEqualHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex')
  const right = Buffer.from(b, 'hex')
  return left.length === right.length && crypto.timingSafeEqual(left, right)
}

// ----- login throttling -----
// Fixed window per email and per client address; kept in process memory, so with N web
// processes the effective limit is N× (documented in ARCHITECTURE.md).
const LOGIN_WINDOW_MS = 15 * 60_000
const LOGIN_MAX_FAILURES = 10
const loginFailures = new Map<string, { count: number; windowStart: number }>()

function throttleKeys(email: string, clientAddress: string) {
  return [`email:${email.toLowerCase()}`, `ip:${clientAddress}`]
}

export function loginRetryAfterSeconds(email: string, clientAddress: string, now = Date.now()): number {
  let wait = 0
  for (const key of throttleKeys(email, clientAddress)) {
    const entry = loginFailures.get(key)
    if (!entry || now - entry.windowStart > LOGIN_WINDOW_MS) continue
    const limit = key.startsWith('ip:') ? LOGIN_MAX_FAILURES * 5 : LOGIN_MAX_FAILURES
    if (entry.count >= limit) wait = Math.max(wait, Math.ceil((entry.windowStart + LOGIN_WINDOW_MS - now) / 1000))
  }
  return wait
}

function recordLoginFailure(email: string, clientAddress: string, now = Date.now()) {
  for (const key of throttleKeys(email, clientAddress)) {
    const entry = loginFailures.get(key)
    if (!entry || now - entry.windowStart > LOGIN_WINDOW_MS) loginFailures.set(key, { count: 1, windowStart: now })
    else entry.count += 1
  }
  if (loginFailures.size > 100_000) loginFailures.clear()
}

export function resetLoginThrottle() {
  loginFailures.clear()
}

// ----- sessions -----

export type LoginResult = { cookieValue: string; expiresAt: Date; me: Me }

export type Me = {
  user: { id: string; email: string; name: string; role: Role; title: string | null }
  workspace: { id: string; slug: string; name: string }
  permissions: Permission[]
}

export async function login(
  db: Db,
  params: { email: string; password: string; workspace?: string; clientAddress: string; userAgent?: string },
): Promise<LoginResult> {
  const retryAfter = loginRetryAfterSeconds(params.email, params.clientAddress)
  if (retryAfter > 0) {
    const error = new ProblemError(429, 'Too Many Requests', `Too many failed logins; try again in ${retryAfter} s`)
    throw Object.assign(error, { retryAfter })
  }
  const candidates = (await repo.findLoginCandidates(db, params.email)).filter(
    (candidate) => candidate.user.status === 'active' && (!params.workspace || candidate.workspaceSlug === params.workspace),
  )
  const matches = []
  for (const candidate of candidates) {
    if (await verifyPassword(params.password, candidate.user.passwordHash)) matches.push(candidate)
  }
  if (matches.length === 0) {
    recordLoginFailure(params.email, params.clientAddress)
    throw new ProblemError(401, 'Unauthorized', 'Email or password is wrong')
  }
  if (matches.length > 1) {
    const slugs = matches.map((match) => match.workspaceSlug).join(', ')
    throw new ProblemError(409, 'Conflict', `This email belongs to several workspaces (${slugs}); choose one`, [
      { field: 'workspace', message: `choose one of: ${slugs}` },
    ])
  }
  const { user, workspaceSlug, workspaceName } = matches[0]
  const secret = crypto.randomBytes(32).toString('base64url')
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000)
  const session = await repo.insertSession(db, {
    workspaceId: user.workspaceId,
    userId: user.id,
    tokenHash: sha256(secret),
    expiresAt,
    userAgent: params.userAgent?.slice(0, 300),
  })
  await repo.updateUser(db, { workspaceId: user.workspaceId, userId: user.id, changes: { lastLoginAt: new Date() } })
  return {
    cookieValue: `${user.workspaceId}.${session.id}.${secret}`,
    expiresAt,
    me: toMe(user, { id: user.workspaceId, slug: workspaceSlug, name: workspaceName }),
  }
}

function toMe(user: repo.User, workspace: Me['workspace']): Me {
  return {
    user: { id: user.id, email: user.email, name: user.name, role: user.role, title: user.title },
    workspace,
    permissions: [...permissionsForRole(user.role)],
  }
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export async function authenticateSession(db: Db, cookieValue: string): Promise<AuthContext | null> {
  const [workspaceId, sessionId, secret] = cookieValue.split('.')
  if (!workspaceId || !sessionId || !secret || !uuidPattern.test(workspaceId) || !uuidPattern.test(sessionId)) return null
  const found = await repo.findActiveSession(db, { workspaceId, sessionId })
  if (!found || !safeEqualHex(found.session.tokenHash, sha256(secret)) || found.user.status !== 'active') return null
  if (Date.now() - found.session.lastSeenAt.getTime() > SESSION_TOUCH_MS) {
    await repo.touchSession(db, { workspaceId, sessionId, expiresAt: new Date(Date.now() + SESSION_DAYS * 86_400_000) })
  }
  return {
    workspaceId,
    workspaceSlug: found.workspaceSlug,
    actor: { kind: 'user', userId: found.user.id, role: found.user.role, email: found.user.email, name: found.user.name, sessionId },
    permissions: permissionsForRole(found.user.role),
  }
}

export async function logout(db: Db, auth: AuthContext): Promise<void> {
  if (auth.actor.kind !== 'user') return
  await repo.deleteSession(db, { workspaceId: auth.workspaceId, sessionId: auth.actor.sessionId })
}

export async function getMe(db: Db, auth: AuthContext): Promise<Me> {
  if (auth.actor.kind !== 'user') throw new ProblemError(400, 'Bad Request', '/api/auth/me describes a logged-in user, not an API key')
  const user = await repo.findUser(db, { workspaceId: auth.workspaceId, userId: auth.actor.userId })
  if (!user) throw new ProblemError(401, 'Unauthorized', 'Your user no longer exists')
  const workspace = await findWorkspaceById(db, auth.workspaceId)
  return toMe(user, { id: auth.workspaceId, slug: auth.workspaceSlug, name: workspace?.name ?? auth.workspaceSlug })
}

// ----- API keys -----

const keyPattern = /^bsn_([0-9a-f]{12})_([A-Za-z0-9_-]{20,})$/

export async function authenticateApiKey(db: Db, presented: string): Promise<AuthContext | null> {
  const match = keyPattern.exec(presented.trim())
  if (!match) return null
  const found = await repo.findApiKeyByPrefix(db, match[1])
  if (!found || !safeEqualHex(found.key.secretHash, sha256(match[2]))) return null
  const { key } = found
  if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > KEY_TOUCH_MS) {
    await repo.touchApiKey(db, { workspaceId: key.workspaceId, keyId: key.id })
  }
  const scopes = key.scopes as ApiKeyScope[]
  return {
    workspaceId: key.workspaceId,
    workspaceSlug: found.workspaceSlug,
    actor: { kind: 'api_key', keyId: key.id, scopes, name: key.name, rateLimitPerSecond: key.rateLimitPerSecond },
    permissions: permissionsForScopes(scopes),
  }
}

export async function createApiKey(
  db: Db,
  params: { workspaceId: string; name: string; scopes: ApiKeyScope[]; rateLimitPerSecond?: number | null; actor: AuditActor },
): Promise<{ apiKey: repo.ApiKey; key: string }> {
  const prefix = crypto.randomBytes(6).toString('hex')
  const secret = crypto.randomBytes(24).toString('base64url')
  const apiKey = await repo.insertApiKey(db, {
    workspaceId: params.workspaceId,
    name: params.name,
    prefix,
    secretHash: sha256(secret),
    scopes: [...new Set(params.scopes)],
    rateLimitPerSecond: params.rateLimitPerSecond ?? null,
    createdBy: params.actor.kind === 'user' ? params.actor.userId : null,
  })
  await recordAudit(db, { workspaceId: params.workspaceId, actor: params.actor, action: 'api_key.created', entityType: 'api_key', entityId: apiKey.id, after: apiKey })
  return { apiKey, key: `bsn_${prefix}_${secret}` }
}

export async function revokeApiKey(db: Db, params: { workspaceId: string; keyId: string; actor: AuditActor }): Promise<repo.ApiKey> {
  const before = await repo.findApiKey(db, params)
  if (!before) throw notFound('API key')
  if (before.revokedAt) return before
  const after = await repo.revokeApiKey(db, params)
  if (!after) throw notFound('API key')
  await recordAudit(db, { workspaceId: params.workspaceId, actor: params.actor, action: 'api_key.revoked', entityType: 'api_key', entityId: after.id, before, after })
  return after
}

export const listApiKeys = repo.listApiKeys

// ----- users -----

export type CreateUserParams = {
  workspaceId: string
  email: string
  name: string
  role: Role
  title?: string | null
  password?: string
  managerId?: string | null
  actor: AuditActor
}

function assertMayAssign(actor: AuditActor, role: Role) {
  if (actor.kind === 'system') return
  const actorRole: Role = actor.kind === 'user' ? actor.role : 'admin'
  if (!canAssignRole(actorRole, role)) throw new ProblemError(403, 'Forbidden', `Your role may not grant the ${role} role`, [{ field: 'role', message: `only an owner may grant ${role}` }])
}

export async function createUser(db: Db, params: CreateUserParams): Promise<{ user: repo.User; temporaryPassword?: string }> {
  assertMayAssign(params.actor, params.role)
  if (await repo.findUserByEmail(db, params)) throw conflict(`A user with email ${params.email} already exists`, 'email')
  if (params.managerId && !(await repo.findUser(db, { workspaceId: params.workspaceId, userId: params.managerId }))) {
    throw badRequest('managerId', 'is not a user of this workspace')
  }
  const temporaryPassword = params.password ? undefined : generatePassword()
  const user = await repo.insertUser(db, {
    workspaceId: params.workspaceId,
    email: params.email,
    name: params.name,
    role: params.role,
    title: params.title ?? null,
    managerId: params.managerId ?? null,
    passwordHash: await hashPassword(params.password ?? temporaryPassword ?? generatePassword()),
  })
  await recordAudit(db, { workspaceId: params.workspaceId, actor: params.actor, action: 'user.created', entityType: 'user', entityId: user.id, after: user })
  return { user, temporaryPassword }
}

export type UpdateUserParams = {
  workspaceId: string
  userId: string
  changes: { name?: string; title?: string | null; role?: Role; status?: 'active' | 'disabled'; managerId?: string | null; password?: string }
  actor: AuditActor
}

export async function updateUser(db: Db, params: UpdateUserParams): Promise<repo.User> {
  const before = await repo.findUser(db, params)
  if (!before) throw notFound('User')
  const { password, ...changes } = params.changes
  if (changes.role && changes.role !== before.role) {
    assertMayAssign(params.actor, changes.role)
    assertMayAssign(params.actor, before.role)
  }
  if (before.role === 'owner' && ((changes.role && changes.role !== 'owner') || changes.status === 'disabled')) {
    if ((await repo.countOwners(db, params.workspaceId)) <= 1) throw badRequest('role', 'the workspace must keep at least one active owner')
  }
  if (changes.managerId && !(await repo.findUser(db, { workspaceId: params.workspaceId, userId: changes.managerId }))) {
    throw badRequest('managerId', 'is not a user of this workspace')
  }
  const passwordHash = password ? await hashPassword(password) : undefined
  const after = await repo.updateUser(db, { workspaceId: params.workspaceId, userId: params.userId, changes: { ...changes, ...(passwordHash ? { passwordHash } : {}) } })
  if (!after) throw notFound('User')
  // A disabled user or a new password ends every open session of that user.
  if (changes.status === 'disabled' || passwordHash) await repo.deleteUserSessions(db, params)
  await recordAudit(db, {
    workspaceId: params.workspaceId,
    actor: params.actor,
    action: passwordHash && Object.keys(changes).length === 0 ? 'user.password_changed' : 'user.updated',
    entityType: 'user',
    entityId: after.id,
    before,
    after,
  })
  return after
}

export const listUsers = repo.listUsers
export const findUser = repo.findUser

// ----- workspaces -----

/** Creates a workspace with its first owner; used by start-up, the CLI and tests. */
export async function createWorkspaceWithOwner(
  db: Db,
  params: { slug: string; name: string; ownerEmail: string; ownerName: string; ownerPassword: string },
) {
  if (await findWorkspaceBySlug(db, params.slug)) throw conflict(`Workspace ${params.slug} already exists`, 'slug')
  const workspace = await insertWorkspace(db, { slug: params.slug, name: params.name })
  const { user } = await createUser(db, {
    workspaceId: workspace.id,
    email: params.ownerEmail,
    name: params.ownerName,
    role: 'owner',
    password: params.ownerPassword,
    actor: { kind: 'system', label: 'bosun' },
  })
  return { workspace, owner: user }
}
