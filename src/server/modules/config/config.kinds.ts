import { z } from 'zod'
import type { Db } from '../../platform/db'
import type { Jobs } from '../../platform/jobs'
import { validateCondition, type Condition } from '../../../shared/conditions'
import type { AuditActor } from '../audit'

/** A problem in a document body; `path` is relative to the body (e.g. `rules.2.condition.all.0.value`, '' for the body itself). */
export type ConfigIssue = { path: string; message: string }

/** A published version as hooks see it. */
export type ConfigDocumentVersion<Body> = { kind: string; key: string; version: number; body: Body; comment: string }

export type ConfigPublishContext<Body> = {
  workspaceId: string
  /** The version just published (also by restore and apply). */
  document: ConfigDocumentVersion<Body>
  /** The version that was live before, if any (its body as stored; it may predate a schema change). */
  previous: ConfigDocumentVersion<unknown> | null
  actor: AuditActor
  /** The job system, when running inside a server (absent in a CLI process). */
  jobs?: Jobs
  /**
   * Work to run once the publish has committed (e.g. sending a job that reads the new version):
   * hooks run inside the publishing transaction, so a job sent directly could start before commit.
   */
  afterCommit: (work: () => Promise<void>) => void
}

export type ConfigArchiveContext = Omit<ConfigPublishContext<unknown>, 'document'> & { key: string }

/** Work a live document started and has not finished: a playbook's runs under way and the open tasks it made. */
export type OpenWork = { runs: number; tasks: number }
/** What happens to that work when the document is changed, rolled back or archived. */
export type OpenWorkChoice = { openRuns: 'continue' | 'cancel'; openTasks: 'keep' | 'dismiss' }
export type SettledWork = { runsCancelled: number; tasksDismissed: number }

/**
 * A kind whose documents start work declares how to count and settle it; publishing, restoring,
 * archiving or applying such a document then asks what happens to that work (nothing is left behind silently).
 */
export type OpenWorkHooks = {
  count: (db: Db, params: { workspaceId: string; key: string }) => Promise<OpenWork>
  /** `beforeVersion`: only runs started on older versions are cancelled (the new version's own runs go on). */
  settle: (db: Db, params: { workspaceId: string; key: string; choice: OpenWorkChoice; reason: string; actorId: string | null; beforeVersion?: number }) => Promise<SettledWork>
}

/** What a module declares to make a kind of configuration document. */
export type ConfigKindDefinition<Body> = {
  /** Lower-case name used in URLs and YAML, e.g. `segment`. */
  kind: string
  /** Human name, e.g. `Segments`. */
  label: string
  /** One sentence for the UI and the API's kind list. */
  description?: string
  /** The document's schema; its parse output is what is stored. Use `conditionSchema()` for rules so errors point into them. */
  schema: z.ZodType<Body>
  /** A starting body for a new document (the UI's template). */
  example?: Body
  /** Documents the demo workspace ships (key → body). */
  defaults?: { key: string; body: Body; comment?: string }[]
  /** One-line summary shown in lists (e.g. the rendered rule). */
  describe?: (body: Body) => string
  /**
   * Checks that need the database, e.g. references to other documents; runs after the schema passed,
   * inside the writing transaction (during apply it sees every document of the file as already written).
   */
  validate?: (db: Db, params: { workspaceId: string; key: string; body: Body }) => Promise<ConfigIssue[]>
  /** Runs inside the publishing transaction; a throw undoes the publish. */
  onPublish?: (db: Db, context: ConfigPublishContext<Body>) => Promise<void>
  /** Runs inside the archiving transaction. */
  onArchive?: (db: Db, context: ConfigArchiveContext) => Promise<void>
  openWork?: OpenWorkHooks
}

/** A kind as the config module uses it: bodies are unknown until its schema parsed them. */
export type ConfigKind = {
  kind: string
  label: string
  description: string
  schema: z.ZodType
  example: unknown
  defaults: { key: string; body: unknown; comment?: string }[]
  describe: (body: unknown) => string | null
  validate: (db: Db, params: { workspaceId: string; key: string; body: unknown }) => Promise<ConfigIssue[]>
  onPublish: (db: Db, context: ConfigPublishContext<unknown>) => Promise<void>
  onArchive: (db: Db, context: ConfigArchiveContext) => Promise<void>
  openWork: OpenWorkHooks | null
}

const KEY_PATTERN = /^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$/
export const KEY_RULE = 'must be a slug: lower-case letters, digits, - and _ (up to 64, starting and ending with a letter or digit), not "new"'
/** A document key: a slug; "new" is the web app's page for a new document. */
export const isValidKey = (key: string) => KEY_PATTERN.test(key) && key !== 'new'
const KIND_PATTERN = /^[a-z][a-z0-9_-]{0,39}$/
/** Path segments of the config API (and the web app's /configuration/yaml) that a kind may not take. */
const reservedKinds = new Set(['kinds', 'export', 'plan', 'apply', 'yaml'])

/** Declares a kind of configuration document; list it in src/server/modules/config-kinds.ts. */
export function defineConfigKind<Body>(definition: ConfigKindDefinition<Body>): ConfigKind {
  if (!KIND_PATTERN.test(definition.kind) || reservedKinds.has(definition.kind)) {
    throw new Error(`config kind "${definition.kind}" must be lower-case letters, digits, - or _, and not one of ${[...reservedKinds].join(', ')}`)
  }
  for (const entry of definition.defaults ?? []) {
    if (!isValidKey(entry.key)) throw new Error(`default ${definition.kind}/${entry.key}: key ${KEY_RULE}`)
  }
  // Bodies reach the hooks only after the schema parsed them, so the casts below hold.
  return {
    kind: definition.kind,
    label: definition.label,
    description: definition.description ?? '',
    schema: definition.schema,
    example: definition.example,
    defaults: definition.defaults ?? [],
    describe: (body) => (definition.describe ? definition.describe(body as Body) : null),
    validate: (db, params) => (definition.validate ? definition.validate(db, params as { workspaceId: string; key: string; body: Body }) : Promise.resolve([])),
    onPublish: (db, context) => (definition.onPublish ? definition.onPublish(db, context as ConfigPublishContext<Body>) : Promise.resolve()),
    onArchive: (db, context) => (definition.onArchive ? definition.onArchive(db, context) : Promise.resolve()),
    openWork: definition.openWork ?? null,
  }
}

export function findKind(kinds: readonly ConfigKind[], kind: string): ConfigKind | undefined {
  return kinds.find((candidate) => candidate.kind === kind)
}

const pathParts = (path: string) => (path === '(rule)' ? [] : path.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)))

/** A leaf's keys in reading order, so stored and exported rules read field, op, value. */
const leafKeyOrder = ['field', 'op', 'value', 'values', 'min', 'max', 'days']

function canonicalCondition(condition: Condition): Condition {
  if ('all' in condition) return { all: condition.all.map(canonicalCondition) }
  if ('any' in condition) return { any: condition.any.map(canonicalCondition) }
  if ('not' in condition) return { not: canonicalCondition(condition.not) }
  const leaf = condition as Record<string, unknown>
  return Object.fromEntries(leafKeyOrder.filter((key) => key in leaf).map((key) => [key, leaf[key]])) as Condition
}

/**
 * A rule of the condition language inside a document schema. Unlike ConditionSchema (a union, whose
 * error sits at the top), its issues point at the bad node: `condition.all.0.value`.
 */
export function conditionSchema() {
  return z
    .custom<Condition>(() => true)
    .superRefine((value, ctx) => {
      if (value === undefined || value === null) {
        ctx.addIssue({ code: 'custom', path: [], message: 'is required: a rule (all, any, not, or a field comparison)' })
        return
      }
      for (const issue of validateCondition(value)) ctx.addIssue({ code: 'custom', path: pathParts(issue.path), message: issue.message })
    })
    .transform(canonicalCondition)
}

/** zod issues as body paths; an unknown key is named itself so the client sees what to remove. */
export function schemaIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.')
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: path ? `${path}.${key}` : key, message: 'is not a known field' }))
    return [{ path, message: issue.message }]
  })
}
