import { sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Db } from './platform/db'
import { ProblemError } from './platform/http'
import { apiKeyScopes, roles } from '../shared/roles'
import { createApiKey, createUser, createWorkspaceWithOwner, generatePassword, listApiKeys, revokeApiKey } from './modules/identity'
import { findWorkspaceBySlug, listWorkspaces } from './modules/workspaces'
import { deleteWorkspaceBySlug, generateDemoWorld, SEND_DEMO_USAGE_QUEUE, sendDemoUsage } from './modules/demo'
import type { Jobs } from './platform/jobs'

/**
 * Operations the CLI offers. They run in the CLI process against the database, or — when a
 * server already owns the PGlite data dir — inside that server through /internal/cli, so the
 * same code runs either way and two processes never open one data dir.
 */
const cliActor = { kind: 'system' as const, label: 'bosun CLI' }

export const adminOperationSchemas = {
  'users.create': z.object({
    workspace: z.string().min(1),
    email: z.string().email(),
    role: z.enum(roles),
    name: z.string().min(1).optional(),
    password: z.string().min(10).optional(),
  }),
  'keys.create': z.object({
    workspace: z.string().min(1),
    name: z.string().min(1).max(100),
    scopes: z.array(z.enum(apiKeyScopes)).min(1),
  }),
  'keys.revoke': z.object({ workspace: z.string().min(1), key: z.string().min(1).describe('key id, prefix or the whole key') }),
  'keys.list': z.object({ workspace: z.string().min(1) }),
  demo: z.object({
    accounts: z.number().int().min(1).max(1_000_000),
    months: z.number().int().min(1).max(60),
    seed: z.number().int(),
    slug: z.string().min(1).default('demo'),
    replace: z.boolean().default(false),
    /** Send the product usage (Segment events) too; off for large benchmark worlds. */
    usage: z.boolean().default(true),
    adminEmail: z.string().email().optional(),
    adminPassword: z.string().min(8).optional(),
  }),
  'workspaces.list': z.object({}),
}

export type AdminOperation = keyof typeof adminOperationSchemas

async function workspaceId(db: Db, slug: string): Promise<string> {
  const workspace = await findWorkspaceBySlug(db, slug)
  if (!workspace) throw new ProblemError(404, 'Not Found', `No workspace with slug ${slug}`, [{ field: 'workspace', message: 'unknown workspace' }])
  return workspace.id
}

/** Inside a running server, `jobs` lets long work (the demo's product usage) continue in the background. */
export type AdminContext = { jobs?: Jobs }

export async function runAdminOperation(db: Db, operation: AdminOperation, input: unknown, context: AdminContext = {}): Promise<Record<string, unknown>> {
  switch (operation) {
    case 'users.create': {
      const params = adminOperationSchemas['users.create'].parse(input)
      const id = await workspaceId(db, params.workspace)
      const password = params.password ?? generatePassword()
      const { user } = await createUser(db, {
        workspaceId: id,
        email: params.email,
        name: params.name ?? params.email.split('@')[0],
        role: params.role,
        password,
        actor: cliActor,
      })
      return { id: user.id, email: user.email, role: user.role, workspace: params.workspace, ...(params.password ? {} : { password }) }
    }
    case 'keys.create': {
      const params = adminOperationSchemas['keys.create'].parse(input)
      const created = await createApiKey(db, { workspaceId: await workspaceId(db, params.workspace), name: params.name, scopes: params.scopes, actor: cliActor })
      return { id: created.apiKey.id, prefix: created.apiKey.prefix, scopes: created.apiKey.scopes, key: created.key }
    }
    case 'keys.revoke': {
      const params = adminOperationSchemas['keys.revoke'].parse(input)
      const id = await workspaceId(db, params.workspace)
      const keys = await listApiKeys(db, id)
      const wanted = params.key.trim()
      const prefix = /^bsn_([0-9a-f]{12})_/.exec(wanted)?.[1] ?? wanted
      const key = keys.find((candidate) => candidate.id === wanted || candidate.prefix === prefix)
      if (!key) throw new ProblemError(404, 'Not Found', `No API key ${wanted} in workspace ${params.workspace}`, [{ field: 'key', message: 'unknown key' }])
      const revoked = await revokeApiKey(db, { workspaceId: id, keyId: key.id, actor: cliActor })
      return { id: revoked.id, prefix: revoked.prefix, revokedAt: revoked.revokedAt?.toISOString() ?? null }
    }
    case 'keys.list': {
      const params = adminOperationSchemas['keys.list'].parse(input)
      const keys = await listApiKeys(db, await workspaceId(db, params.workspace))
      return {
        keys: keys.map((key) => ({ id: key.id, name: key.name, prefix: key.prefix, scopes: key.scopes, lastUsedAt: key.lastUsedAt?.toISOString() ?? null, revokedAt: key.revokedAt?.toISOString() ?? null })),
      }
    }
    case 'demo': {
      const params = adminOperationSchemas.demo.parse(input)
      return buildDemoWorkspace(db, params, context)
    }
    case 'workspaces.list': {
      const workspaces = await listWorkspaces(db)
      return { workspaces: workspaces.map((workspace) => ({ id: workspace.id, slug: workspace.slug, name: workspace.name })) }
    }
  }
}

export type DemoWorkspaceParams = z.infer<(typeof adminOperationSchemas)['demo']> & {
  onProgress?: (step: string, done: number, total: number) => void
}

/** The demo world plus an owner to log in with (the admin credentials printed at start). */
export async function buildDemoWorkspace(db: Db, params: DemoWorkspaceParams, context: AdminContext = {}) {
  if (params.replace) await deleteWorkspaceBySlug(db, params.slug)
  const started = Date.now()
  const result = await generateDemoWorld(db, { accounts: params.accounts, months: params.months, seed: params.seed, slug: params.slug, onProgress: params.onProgress })
  // Fresh bulk-loaded tables have no planner statistics (PGlite has no autovacuum at all).
  await db.execute(sql`ANALYZE`)
  const adminEmail = params.adminEmail ?? 'admin@bosun.local'
  const adminPassword = params.adminPassword ?? generatePassword()
  await createUser(db, { workspaceId: result.workspaceId, email: adminEmail, name: 'Bosun Admin', role: 'owner', password: adminPassword, actor: cliActor })
  let usage: Record<string, unknown> = { sent: false }
  if (params.usage && context.jobs) {
    await context.jobs.send(SEND_DEMO_USAGE_QUEUE, { workspaceId: result.workspaceId })
    usage = { sent: 'in the background' }
  } else if (params.usage) {
    const sent = await sendDemoUsage(db, { workspaceId: result.workspaceId, drain: true, onProgress: params.onProgress })
    await db.execute(sql`ANALYZE`)
    usage = { sent: true, calls: sent.calls }
  }
  return {
    workspace: result.slug,
    workspaceId: result.workspaceId,
    counts: result.counts,
    usage,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    admin: { email: adminEmail, password: adminPassword },
    demoUsers: { password: result.password, emails: result.users.map((user) => `${user.email} (${user.role})`) },
  }
}

/** A workspace without demo data, for BOSUN_DEMO=0. */
export async function buildEmptyWorkspace(db: Db, params: { adminEmail: string; adminPassword: string }) {
  const { workspace } = await createWorkspaceWithOwner(db, {
    slug: 'main',
    name: 'My company',
    ownerEmail: params.adminEmail,
    ownerName: 'Bosun Admin',
    ownerPassword: params.adminPassword,
  })
  return { workspace: workspace.slug }
}
