/** Roles and what each may do: shared by the server (enforced on every route) and the web app (shown). */
export const roles = ['owner', 'admin', 'manager', 'csm', 'viewer'] as const
export type Role = (typeof roles)[number]

export const permissions = [
  'customers:read',
  'customers:write',
  'customers:delete',
  'events:ingest',
  'users:read',
  'users:manage',
  'keys:manage',
  'audit:read',
  'config:read',
  'config:write',
  'workspace:manage',
] as const
export type Permission = (typeof permissions)[number]

export const rolePermissions: Record<Role, readonly Permission[]> = {
  owner: permissions,
  admin: permissions,
  manager: ['customers:read', 'customers:write', 'customers:delete', 'users:read', 'config:read', 'audit:read'],
  csm: ['customers:read', 'customers:write', 'users:read', 'config:read'],
  viewer: ['customers:read', 'users:read', 'config:read'],
}

export const roleDescriptions: Record<Role, string> = {
  owner: 'Everything, including managing admins and the workspace itself',
  admin: 'CS Ops: configuration, users, API keys, audit log and all customer data',
  manager: 'CS leader: all customer data, team view and audit log',
  csm: 'Works their book: sees and edits accounts, contacts, notes and tickets',
  viewer: 'Read-only views for Sales, Marketing and Finance',
}

export const apiKeyScopes = ['ingest', 'read', 'write', 'admin'] as const
export type ApiKeyScope = (typeof apiKeyScopes)[number]

export const scopePermissions: Record<ApiKeyScope, readonly Permission[]> = {
  ingest: ['events:ingest'],
  read: ['customers:read', 'users:read', 'config:read'],
  write: ['customers:read', 'customers:write', 'customers:delete', 'events:ingest', 'users:read', 'config:read'],
  admin: permissions.filter((permission) => permission !== 'workspace:manage'),
}

export function permissionsForRole(role: Role): ReadonlySet<Permission> {
  return new Set(rolePermissions[role])
}

export function permissionsForScopes(scopes: readonly ApiKeyScope[]): ReadonlySet<Permission> {
  return new Set(scopes.flatMap((scope) => scopePermissions[scope]))
}

/** Only an owner may grant or take away the owner role; admins manage everyone else. */
export function canAssignRole(actorRole: Role, targetRole: Role): boolean {
  if (actorRole === 'owner') return true
  return actorRole === 'admin' && targetRole !== 'owner'
}
