import fs from 'node:fs'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Db } from './platform/db'
import { ProblemError } from './platform/http'
import { apiKeyScopes, roles } from '../shared/roles'
import { createApiKey, createUser, createWorkspaceWithOwner, generatePassword, listApiKeys, revokeApiKey } from './modules/identity'
import { findWorkspaceBySlug, listWorkspaces } from './modules/workspaces'
import { deleteWorkspaceBySlug, generateDemoWorld, SEND_DEMO_USAGE_QUEUE, reconstructDemoHistory, sendDemoUsage } from './modules/demo'
import type { Jobs } from './platform/jobs'
import { createImportRun, executeImportRun, getImportRun, importFilesDir, importKinds, toImportRunDto, writeErrorReport, RUN_IMPORT_QUEUE, type ImportProgress } from './modules/imports'
import { applyConfig, exportConfig, installDefaults, planConfig } from './modules/config'
import { configKinds } from './modules/config-kinds'
import { getModel, requestTraining, runQueuedTraining, TRAIN_CHURN_QUEUE } from './modules/churn'

/**
 * Operations the CLI offers. They run in the CLI process against the database, or — when a
 * server already owns the PGlite data dir — inside that server through /internal/cli, so the
 * same code runs either way and two processes never open one data dir.
 */
const cliActor = { kind: 'system' as const, label: 'bosun CLI' }

/** What `config apply` does with the work under way of the playbooks it changes (asked, never defaulted). */
const openWorkAnswer = { openRuns: z.enum(['continue', 'cancel']).optional(), openTasks: z.enum(['keep', 'dismiss']).optional() }

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
    /** Reconstruct the last quarter (trends, stage history, snapshots); off for large benchmark worlds. Default on. */
    history: z.boolean().optional(),
    adminEmail: z.string().email().optional(),
    adminPassword: z.string().min(8).optional(),
  }),
  'workspaces.list': z.object({}),
  'imports.start': z.object({
    workspace: z.string().min(1),
    kind: z.enum(importKinds),
    file: z.string().min(1).describe('a copy of the file staged under <data dir>/imports'),
    fileName: z.string().min(1).max(300),
    mapping: z.record(z.string(), z.string().nullable()).optional(),
    dryRun: z.boolean().default(false),
    allOrNothing: z.boolean().default(false),
    dayFirst: z.boolean().default(false),
  }),
  'imports.status': z.object({ workspace: z.string().min(1), runId: z.string().uuid() }),
  'imports.report': z.object({ workspace: z.string().min(1), runId: z.string().uuid(), out: z.string().min(1) }),
  /** workspace may be left out when there is only one. */
  'config.export': z.object({ workspace: z.string().min(1).optional() }),
  'config.plan': z.object({ workspace: z.string().min(1).optional(), yaml: z.string(), prune: z.boolean().default(false), ...openWorkAnswer }),
  'config.apply': z.object({ workspace: z.string().min(1).optional(), yaml: z.string(), prune: z.boolean().default(false), comment: z.string().max(2000).optional(), ...openWorkAnswer }),
  /** workspace may be left out when there is only one, or one named demo. */
  'churn.train': z.object({ workspace: z.string().min(1).optional(), fallbackDays: z.number().int().min(30).max(730).optional() }),
  'churn.model': z.object({ workspace: z.string().min(1), modelId: z.string().uuid() }),
}

export type AdminOperation = keyof typeof adminOperationSchemas

async function workspaceId(db: Db, slug: string): Promise<string> {
  const workspace = await findWorkspaceBySlug(db, slug)
  if (!workspace) throw new ProblemError(404, 'Not Found', `No workspace with slug ${slug}`, [{ field: 'workspace', message: 'unknown workspace' }])
  return workspace.id
}

/**
 * Inside a running server, `jobs` lets long work (the demo's product usage, imports) continue in
 * the background; `dataDir` is where the CLI stages files for the server (imports).
 */
export type AdminContext = { jobs?: Jobs; dataDir?: string }

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
    case 'imports.start': {
      const params = adminOperationSchemas['imports.start'].parse(input)
      const id = await workspaceId(db, params.workspace)
      // Only a staged copy is Bosun's to delete after the run; any other path is read and left alone.
      const staged = context.dataDir ? path.resolve(params.file).startsWith(`${importFilesDir(context.dataDir)}${path.sep}`) : false
      const run = await createImportRun(db, {
        workspaceId: id,
        input: { ...params, filePath: path.resolve(params.file), fileOwned: staged, fileBytes: fs.statSync(params.file).size, createdBy: 'bosun CLI' },
      })
      if (context.jobs) {
        await context.jobs.send(RUN_IMPORT_QUEUE, { workspaceId: id, runId: run.id })
        return toImportRunDto(run)
      }
      return toImportRunDto(await executeImportRun(db, { workspaceId: id, runId: run.id }))
    }
    case 'imports.status': {
      const params = adminOperationSchemas['imports.status'].parse(input)
      return toImportRunDto(await getImportRun(db, { workspaceId: await workspaceId(db, params.workspace), runId: params.runId }))
    }
    case 'imports.report': {
      const params = adminOperationSchemas['imports.report'].parse(input)
      await writeErrorReport(db, { workspaceId: await workspaceId(db, params.workspace), runId: params.runId, out: fs.createWriteStream(params.out) })
      return { path: params.out }
    }
    case 'config.export': {
      const params = adminOperationSchemas['config.export'].parse(input)
      const workspace = await configWorkspace(db, params.workspace)
      return { workspace: workspace.slug, yaml: await exportConfig(db, { kinds: configKinds, workspaceId: workspace.id, workspaceSlug: workspace.slug }) }
    }
    case 'config.plan': {
      const params = adminOperationSchemas['config.plan'].parse(input)
      const workspace = await configWorkspace(db, params.workspace)
      return { workspace: workspace.slug, ...(await planConfig(db, { kinds: configKinds, workspaceId: workspace.id, yaml: params.yaml, prune: params.prune, actor: cliActor, openWork: { openRuns: params.openRuns, openTasks: params.openTasks } })) }
    }
    case 'config.apply': {
      const params = adminOperationSchemas['config.apply'].parse(input)
      const workspace = await configWorkspace(db, params.workspace)
      const plan = await applyConfig(db, { kinds: configKinds, workspaceId: workspace.id, yaml: params.yaml, prune: params.prune, comment: params.comment, actor: cliActor, jobs: context.jobs, openWork: { openRuns: params.openRuns, openTasks: params.openTasks } })
      return { workspace: workspace.slug, ...plan }
    }
    case 'churn.train': {
      const params = adminOperationSchemas['churn.train'].parse(input)
      const workspace = await trainingWorkspace(db, params.workspace)
      const modelId = await requestTraining(db, { workspaceId: workspace.id, requestedBy: 'bosun CLI', fallbackDays: params.fallbackDays, trigger: 'manual' })
      // In a server the training runs as the churn.train job (the CLI follows the model card); else here.
      if (context.jobs) await context.jobs.send(TRAIN_CHURN_QUEUE, { workspaceId: workspace.id, modelId })
      else await runQueuedTraining(db, { workspaceId: workspace.id, modelId })
      return { workspace: workspace.slug, model: await getModel(db, { workspaceId: workspace.id, modelId }) }
    }
    case 'churn.model': {
      const params = adminOperationSchemas['churn.model'].parse(input)
      return { workspace: params.workspace, model: await getModel(db, { workspaceId: await workspaceId(db, params.workspace), modelId: params.modelId }) }
    }
  }
}

/** The named workspace; else the only one, or `preferred` among several (churn training prefers demo). */
async function configWorkspace(db: Db, slug: string | undefined, preferred?: string): Promise<{ id: string; slug: string }> {
  if (slug) return { id: await workspaceId(db, slug), slug }
  const workspaces = await listWorkspaces(db)
  const chosen = workspaces.length === 1 ? workspaces[0] : workspaces.find((workspace) => preferred !== undefined && workspace.slug === preferred)
  if (chosen) return { id: chosen.id, slug: chosen.slug }
  const message = workspaces.length === 0 ? 'there is no workspace yet' : `there are several workspaces (${workspaces.map((workspace) => workspace.slug).join(', ')}): name one with --workspace`
  throw new ProblemError(400, 'Bad Request', `workspace: ${message}`, [{ field: 'workspace', message }])
}

/** The workspace `bosun churn train` trains: the named one, else the only one, or demo among several. */
export const trainingWorkspace = (db: Db, slug: string | undefined) => configWorkspace(db, slug, 'demo')

/**
 * An import run in this process (the CLI when no server owns the data dir, or on PostgreSQL),
 * reporting progress to `onProgress` as it goes.
 */
export async function importInProcess(
  db: Db,
  params: Omit<z.infer<(typeof adminOperationSchemas)['imports.start']>, 'file'> & {
    file: string
    concurrentProgress: boolean
    onProgress: (progress: ImportProgress) => void
  },
) {
  const id = await workspaceId(db, params.workspace)
  const run = await createImportRun(db, {
    workspaceId: id,
    input: { ...params, filePath: path.resolve(params.file), fileOwned: false, fileBytes: fs.statSync(params.file).size, createdBy: 'bosun CLI' },
  })
  return toImportRunDto(await executeImportRun(db, { workspaceId: id, runId: run.id, concurrentProgress: params.concurrentProgress, onProgress: params.onProgress }))
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
  // The configuration every kind ships (segments, …), published as version 1.
  await installDefaults(db, { kinds: configKinds, workspaceId: result.workspaceId, actor: { kind: 'system', label: 'Bosun demo' }, jobs: context.jobs })
  let usage: Record<string, unknown> = { sent: false }
  if (params.usage && context.jobs) {
    await context.jobs.send(SEND_DEMO_USAGE_QUEUE, { workspaceId: result.workspaceId })
    usage = { sent: 'in the background' }
  } else if (params.usage) {
    const sent = await sendDemoUsage(db, { workspaceId: result.workspaceId, drain: true, onProgress: params.onProgress })
    await db.execute(sql`ANALYZE`)
    usage = { sent: true, calls: sent.calls }
  }
  // Without background jobs, reconstruct stage history and segment trends now (the usage job does it otherwise).
  if (params.history !== false && !(params.usage && context.jobs)) await reconstructDemoHistory(db, { workspaceId: result.workspaceId })
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
