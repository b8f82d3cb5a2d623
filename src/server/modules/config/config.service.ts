import type { Db } from '../../platform/db'
import { ProblemError, conflict } from '../../platform/http'
import type { Jobs } from '../../platform/jobs'
import type { FieldError } from '../../../shared/problem'
import { recordAudit, type AuditActor } from '../audit'
import { describeChange, diffBodies, sameBody, stableStringify, type ConfigChange } from './config.diff'
import {
  KEY_RULE,
  findKind,
  isValidKey,
  schemaIssues,
  type ConfigDocumentVersion,
  type ConfigIssue,
  type ConfigKind,
  type OpenWork,
  type OpenWorkChoice,
  type SettledWork,
} from './config.kinds'
import * as repo from './config.repo'
import type { ConfigDocumentRow } from './config.repo'
import { parseConfigYaml, renderConfigYaml, type ConfigFileEntry } from './config.yaml'

export type { ConfigDocumentRow } from './config.repo'

type Scope = { kinds: readonly ConfigKind[]; workspaceId: string }
type DocumentRef = Scope & { kind: string; key: string }
type Writer = { actor: AuditActor; jobs?: Jobs }
type AfterCommit = (work: () => Promise<void>) => void

/** Where a key stands: its live version is published, it was retired, or it only has a draft so far. */
export type ConfigDocumentState = 'published' | 'archived' | 'draft'

export type ConfigDocumentView = {
  kind: string
  key: string
  state: ConfigDocumentState
  summary: string | null
  /** The live version (null when archived or never published). */
  published: ConfigDocumentRow | null
  /** The open draft, if any: always the highest version. */
  draft: ConfigDocumentRow | null
  /** The retirement marker when archived. */
  archived: ConfigDocumentRow | null
  /** Work the document started and has not finished (kinds that start work, e.g. playbooks; read by getDocument only). */
  openWork: OpenWork | null
}

/** A write that may have settled open work: what happened to it (null for kinds that start none). */
export type ConfigWriteResult = ConfigDocumentView & { settled: SettledWork | null }

/** The person's answer to the open-work questions; a question may be left out when there is nothing of its sort. */
export type OpenWorkAnswer = Partial<OpenWorkChoice>

// ----- kinds, keys and bodies -----

export function requireKind(kinds: readonly ConfigKind[], kind: string): ConfigKind {
  const found = findKind(kinds, kind)
  if (found) return found
  const known = kinds.map((candidate) => candidate.kind).join(', ') || 'none'
  throw new ProblemError(404, 'Not Found', `No configuration kind "${kind}" (known: ${known})`, [{ field: 'kind', message: `unknown kind (known: ${known})` }])
}

const documentNotFound = (kind: string, key: string) =>
  new ProblemError(404, 'Not Found', `No ${kind} document "${key}"`, [{ field: 'key', message: `no ${kind} document with this key` }])

/** A stored body as its kind reads it today (null when the schema has moved on and it no longer parses). */
function describeBody(kind: ConfigKind | undefined, body: unknown): string | null {
  if (!kind) return null
  const parsed = kind.schema.safeParse(body)
  if (!parsed.success) return null
  try {
    return kind.describe(parsed.data)
  } catch {
    return null
  }
}

/** The schema, then the kind's own checks (references…); issue paths are relative to the body. */
async function checkBody(db: Db, kind: ConfigKind, params: { workspaceId: string; key: string; body: unknown }): Promise<{ body: unknown; issues: ConfigIssue[] }> {
  const parsed = kind.schema.safeParse(params.body)
  if (!parsed.success) return { body: params.body, issues: schemaIssues(parsed.error) }
  const issues = await kind.validate(db, { workspaceId: params.workspaceId, key: params.key, body: parsed.data })
  return { body: parsed.data, issues }
}

const bodyField = (path: string, prefix = 'body') => (path ? `${prefix}.${path}` : prefix)

function invalidBody(issues: ConfigIssue[], status: 400 | 409 = 400, lead = 'Invalid document'): ProblemError {
  const errors: FieldError[] = issues.map((issue) => ({ field: bodyField(issue.path), message: issue.message }))
  return new ProblemError(status, status === 400 ? 'Bad Request' : 'Conflict', `${lead}: ${errors.map((error) => `${error.field}: ${error.message}`).join('; ')}`, errors)
}

function author(actor: AuditActor): { createdBy: string | null; createdByLabel: string } {
  if (actor.kind === 'user') return { createdBy: actor.userId, createdByLabel: actor.name }
  if (actor.kind === 'api_key') return { createdBy: null, createdByLabel: `API key ${actor.name}` }
  return { createdBy: null, createdByLabel: actor.label }
}

const snapshot = (row: ConfigDocumentRow | null | undefined) =>
  row ? { kind: row.kind, key: row.key, version: row.version, status: row.status, comment: row.comment, body: row.body } : null

const asVersion = (row: ConfigDocumentRow): ConfigDocumentVersion<unknown> => ({ kind: row.kind, key: row.key, version: row.version, body: row.body, comment: row.comment })

/**
 * Runs config writes of a workspace one at a time (an advisory lock in the transaction) and then
 * the work hooks asked to run after commit.
 */
async function inConfigTransaction<Result>(db: Db, workspaceId: string, work: (tx: Db, afterCommit: AfterCommit) => Promise<Result>): Promise<Result> {
  const pending: (() => Promise<void>)[] = []
  const result = await db.transaction(async (tx) => {
    await repo.lockWorkspaceConfig(tx, workspaceId)
    return work(tx, (next) => void pending.push(next))
  })
  for (const next of pending) await next()
  return result
}

/**
 * A stored body in its schema's key order (jsonb keeps keys in its own order): what the API and the
 * YAML export show. A body the schema no longer accepts is shown with sorted keys.
 */
export function readableBody(kinds: readonly ConfigKind[], kind: string, body: unknown): unknown {
  const parsed = findKind(kinds, kind)?.schema.safeParse(body)
  return parsed?.success ? parsed.data : (JSON.parse(stableStringify(body)) as unknown)
}

/** A version's one-line summary, as its kind describes it today. */
export const summarizeVersion = (kinds: readonly ConfigKind[], row: ConfigDocumentRow) => describeBody(findKind(kinds, row.kind), row.body)

// ----- reads -----

function toView(kind: ConfigKind | undefined, entry: { kind: string; key: string; head: ConfigDocumentRow | null; draft: ConfigDocumentRow | null }): ConfigDocumentView {
  const published = entry.head?.status === 'published' ? entry.head : null
  const archived = entry.head?.status === 'archived' ? entry.head : null
  const state: ConfigDocumentState = published ? 'published' : archived ? 'archived' : 'draft'
  const current = published ?? entry.draft ?? archived
  return { kind: entry.kind, key: entry.key, state, summary: current ? describeBody(kind, current.body) : null, published, draft: entry.draft, archived, openWork: null }
}

/** Every kind with how many documents it has in the workspace. */
export async function listKinds(db: Db, params: Scope) {
  const entries = await repo.listHeadsAndDrafts(db, { workspaceId: params.workspaceId })
  return params.kinds.map((kind) => {
    const mine = entries.filter((entry) => entry.kind === kind.kind)
    return {
      kind: kind.kind,
      label: kind.label,
      description: kind.description,
      example: kind.example ?? null,
      published: mine.filter((entry) => entry.head?.status === 'published').length,
      drafts: mine.filter((entry) => entry.draft).length,
      archived: mine.filter((entry) => entry.head?.status === 'archived' && !entry.draft).length,
    }
  })
}

/** Every document of a kind, by key; archived ones only when asked. */
export async function listDocuments(db: Db, params: Scope & { kind: string; includeArchived: boolean }): Promise<ConfigDocumentView[]> {
  const kind = requireKind(params.kinds, params.kind)
  const entries = await repo.listHeadsAndDrafts(db, { workspaceId: params.workspaceId, kind: kind.kind })
  return entries.map((entry) => toView(kind, entry)).filter((view) => params.includeArchived || view.state !== 'archived' || view.draft)
}

export async function getDocument(db: Db, params: DocumentRef): Promise<ConfigDocumentView> {
  const kind = requireKind(params.kinds, params.kind)
  const ref = { workspaceId: params.workspaceId, kind: kind.kind, key: params.key }
  const [head, draft] = await Promise.all([repo.findHead(db, ref), repo.findDraft(db, ref)])
  if (!head && !draft) throw documentNotFound(kind.kind, params.key)
  const openWork = kind.openWork ? await kind.openWork.count(db, { workspaceId: params.workspaceId, key: params.key }) : null
  return { ...toView(kind, { kind: kind.kind, key: params.key, head: head ?? null, draft: draft ?? null }), openWork }
}

/** Every version of a document, newest first, with each one's summary. */
export async function listDocumentVersions(db: Db, params: DocumentRef) {
  const kind = requireKind(params.kinds, params.kind)
  const rows = await repo.listVersions(db, { workspaceId: params.workspaceId, kind: kind.kind, key: params.key })
  if (rows.length === 0) throw documentNotFound(kind.kind, params.key)
  const live = rows.find((row) => row.status !== 'draft')
  return rows.map((row) => ({ row, summary: describeBody(kind, row.body), live: row === live && row.status === 'published' }))
}

export async function getDocumentVersion(db: Db, params: DocumentRef & { version: number }) {
  const kind = requireKind(params.kinds, params.kind)
  const row = await repo.findVersion(db, { workspaceId: params.workspaceId, kind: kind.kind, key: params.key, version: params.version })
  if (!row) throw new ProblemError(404, 'Not Found', `${kind.kind}/${params.key} has no version ${params.version}`, [{ field: 'version', message: 'no such version' }])
  return { row, summary: describeBody(kind, row.body) }
}

/** The live (published, not archived) documents of a kind: what other modules act on. */
export async function listPublishedDocuments(db: Db, params: { workspaceId: string; kind: string }): Promise<ConfigDocumentVersion<unknown>[]> {
  const entries = await repo.listHeadsAndDrafts(db, params)
  return entries.flatMap((entry) => (entry.head?.status === 'published' ? [asVersion(entry.head)] : []))
}

export async function getPublishedDocument(db: Db, params: { workspaceId: string; kind: string; key: string }): Promise<ConfigDocumentVersion<unknown> | null> {
  const head = await repo.findHead(db, params)
  return head?.status === 'published' ? asVersion(head) : null
}

// ----- open work (a playbook's runs and tasks) -----

const countOf = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`

export function describeOpenWork(work: OpenWork): string {
  return [work.runs > 0 ? countOf(work.runs, 'run') + ' under way' : null, work.tasks > 0 ? countOf(work.tasks, 'open task') : null].filter(Boolean).join(' and ')
}

/** The open-work questions still unanswered, as field errors (empty when the work can be settled). */
function unansweredOpenWork(label: string, work: OpenWork, answer: OpenWorkAnswer | undefined): FieldError[] {
  const errors: FieldError[] = []
  if (work.runs > 0 && !answer?.openRuns) {
    errors.push({ field: 'openRuns', message: `${label} has ${countOf(work.runs, 'run')} under way: choose continue (they finish on the version they started with) or cancel` })
  }
  if (work.tasks > 0 && !answer?.openTasks) errors.push({ field: 'openTasks', message: `${label} made ${countOf(work.tasks, 'open task')}: choose keep or dismiss` })
  return errors
}

const actorUserId = (actor: AuditActor) => (actor.kind === 'user' ? actor.userId : null)

/**
 * Counts what the document has under way and settles it as the person answered; when they have not
 * answered a question that applies, nothing is written (409 naming the question).
 */
async function settleOpenWork(
  tx: Db,
  kind: ConfigKind,
  params: { workspaceId: string; key: string; answer: OpenWorkAnswer | undefined; reason: string; actor: AuditActor; beforeVersion?: number },
): Promise<SettledWork | null> {
  if (!kind.openWork) return null
  const work = await kind.openWork.count(tx, { workspaceId: params.workspaceId, key: params.key })
  if (work.runs + work.tasks === 0) return { runsCancelled: 0, tasksDismissed: 0 }
  const unanswered = unansweredOpenWork(`${kind.kind}/${params.key}`, work, params.answer)
  if (unanswered.length > 0) throw new ProblemError(409, 'Conflict', `Say what happens to the work under way: ${unanswered.map((error) => `${error.field}: ${error.message}`).join('; ')}`, unanswered)
  const choice: OpenWorkChoice = { openRuns: params.answer?.openRuns ?? 'continue', openTasks: params.answer?.openTasks ?? 'keep' }
  return kind.openWork.settle(tx, { workspaceId: params.workspaceId, key: params.key, choice, reason: params.reason, actorId: actorUserId(params.actor), beforeVersion: params.beforeVersion })
}

// ----- writes -----

function assertKey(key: string) {
  if (!isValidKey(key)) throw new ProblemError(400, 'Bad Request', `key: ${KEY_RULE}`, [{ field: 'key', message: KEY_RULE }])
}

/**
 * Saves the open draft of a key: the first save creates version n+1 as a draft, later saves replace
 * that draft's body and comment in place (one open draft per key; its history is in the audit log).
 */
export async function saveDraft(db: Db, params: DocumentRef & Writer & { body: unknown; comment?: string }): Promise<ConfigDocumentView> {
  const kind = requireKind(params.kinds, params.kind)
  assertKey(params.key)
  const ref = { workspaceId: params.workspaceId, kind: kind.kind, key: params.key }
  await inConfigTransaction(db, params.workspaceId, async (tx) => {
    const checked = await checkBody(tx, kind, { ...ref, body: params.body })
    if (checked.issues.length > 0) throw invalidBody(checked.issues)
    const draft = await repo.findDraft(tx, ref)
    const fields = { body: checked.body, comment: params.comment?.trim() ?? draft?.comment ?? '', ...author(params.actor) }
    const saved = draft
      ? await repo.updateDraft(tx, { ...ref, changes: fields })
      : await repo.insertVersion(tx, { ...ref, ...fields, version: (await repo.maxVersion(tx, ref)) + 1, status: 'draft' })
    await recordAudit(tx, { workspaceId: params.workspaceId, actor: params.actor, action: 'config.draft_saved', entityType: 'config_document', entityId: `${kind.kind}/${params.key}`, before: snapshot(draft), after: snapshot(saved) })
  })
  return getDocument(db, params)
}

export async function discardDraft(db: Db, params: DocumentRef & Writer): Promise<void> {
  const kind = requireKind(params.kinds, params.kind)
  await inConfigTransaction(db, params.workspaceId, async (tx) => {
    const deleted = await repo.deleteDraft(tx, { workspaceId: params.workspaceId, kind: kind.kind, key: params.key })
    if (!deleted) throw new ProblemError(404, 'Not Found', `${kind.kind}/${params.key} has no open draft`, [{ field: 'key', message: 'no open draft' }])
    await recordAudit(tx, { workspaceId: params.workspaceId, actor: params.actor, action: 'config.draft_discarded', entityType: 'config_document', entityId: `${kind.kind}/${params.key}`, before: snapshot(deleted), after: null })
  })
}

/** Writes a new published version (under an open draft, which moves up one version). */
async function writePublished(tx: Db, params: { workspaceId: string; kind: string; key: string; body: unknown; comment: string; actor: AuditActor }): Promise<ConfigDocumentRow> {
  const ref = { workspaceId: params.workspaceId, kind: params.kind, key: params.key }
  const draft = await repo.findDraft(tx, ref)
  let version: number
  if (draft) {
    version = draft.version
    await repo.bumpDraft(tx, ref)
  } else {
    version = (await repo.maxVersion(tx, ref)) + 1
  }
  return repo.insertVersion(tx, { ...ref, version, status: 'published', body: params.body, comment: params.comment, ...author(params.actor) })
}

/** After a version went live: the audit entry, then the kind's hook (in the same transaction). */
async function afterPublished(
  tx: Db,
  kind: ConfigKind,
  params: { workspaceId: string; row: ConfigDocumentRow; previous: ConfigDocumentRow | null; action: string; actor: AuditActor; jobs?: Jobs; afterCommit: AfterCommit; extra?: Record<string, unknown> },
) {
  const { row, previous } = params
  await recordAudit(tx, {
    workspaceId: params.workspaceId,
    actor: params.actor,
    action: params.action,
    entityType: 'config_document',
    entityId: `${row.kind}/${row.key}`,
    before: snapshot(previous),
    after: { ...snapshot(row), ...params.extra },
  })
  await kind.onPublish(tx, {
    workspaceId: params.workspaceId,
    document: asVersion(row),
    previous: previous ? asVersion(previous) : null,
    actor: params.actor,
    jobs: params.jobs,
    afterCommit: params.afterCommit,
  })
}

const livePublished = (head: ConfigDocumentRow | undefined | null) => (head?.status === 'published' ? head : null)

/** The open draft goes live; it is validated again (the schema or the documents it refers to may have changed). */
export async function publishDraft(db: Db, params: DocumentRef & Writer & { comment?: string; openWork?: OpenWorkAnswer }): Promise<ConfigWriteResult> {
  const kind = requireKind(params.kinds, params.kind)
  const ref = { workspaceId: params.workspaceId, kind: kind.kind, key: params.key }
  const settled = await inConfigTransaction(db, params.workspaceId, async (tx, afterCommit) => {
    const [draft, head] = await Promise.all([repo.findDraft(tx, ref), repo.findHead(tx, ref)])
    if (!draft && !head) throw documentNotFound(kind.kind, params.key)
    if (!draft) throw conflict(`${kind.kind}/${params.key} has no open draft to publish; save one first (PUT)`, 'key')
    const checked = await checkBody(tx, kind, { ...ref, body: draft.body })
    if (checked.issues.length > 0) throw invalidBody(checked.issues, 400, 'The draft does not pass validation')
    const comment = params.comment?.trim() || draft.comment
    const row = await repo.publishDraft(tx, { ...ref, comment, body: checked.body, ...author(params.actor) })
    if (!row) throw conflict(`${kind.kind}/${params.key} has no open draft to publish`, 'key')
    const reason = `${kind.kind} changed to version ${row.version} by ${author(params.actor).createdByLabel}`
    const work = await settleOpenWork(tx, kind, { ...ref, answer: params.openWork, reason, actor: params.actor, beforeVersion: row.version })
    await afterPublished(tx, kind, { workspaceId: params.workspaceId, row, previous: livePublished(head), action: 'config.published', actor: params.actor, jobs: params.jobs, afterCommit, extra: openWorkExtra(params.openWork, work) })
    return work
  })
  return { ...(await getDocument(db, params)), settled }
}

/** What the audit entry records of the open work: the answer and what it did. */
const openWorkExtra = (answer: OpenWorkAnswer | undefined, settled: SettledWork | null) => (settled && settled.runsCancelled + settled.tasksDismissed > 0 ? { openWork: { ...answer, ...settled } } : undefined)

/** Rollback: publishes a copy of an older version as a new version (history is never rewritten). */
export async function restoreVersion(db: Db, params: DocumentRef & Writer & { version: number; comment?: string; openWork?: OpenWorkAnswer }): Promise<ConfigWriteResult> {
  const kind = requireKind(params.kinds, params.kind)
  const ref = { workspaceId: params.workspaceId, kind: kind.kind, key: params.key }
  const settled = await inConfigTransaction(db, params.workspaceId, async (tx, afterCommit) => {
    const source = await repo.findVersion(tx, { ...ref, version: params.version })
    if (!source) throw new ProblemError(404, 'Not Found', `${kind.kind}/${params.key} has no version ${params.version}`, [{ field: 'version', message: 'no such version' }])
    if (source.status === 'draft') throw conflict(`Version ${params.version} is the open draft: publish it instead`, 'version')
    const live = livePublished(await repo.findHead(tx, ref))
    if (live && sameBody(live.body, source.body)) throw conflict(`Version ${params.version} is the same as the published version ${live.version}`, 'version')
    const checked = await checkBody(tx, kind, { ...ref, body: source.body })
    if (checked.issues.length > 0) throw invalidBody(checked.issues, 409, `Version ${params.version} no longer passes validation`)
    const comment = params.comment?.trim() || `Restored version ${params.version}`
    const row = await writePublished(tx, { ...ref, body: checked.body, comment, actor: params.actor })
    const reason = `${kind.kind} rolled back to version ${params.version} (as version ${row.version}) by ${author(params.actor).createdByLabel}`
    const work = await settleOpenWork(tx, kind, { ...ref, answer: params.openWork, reason, actor: params.actor, beforeVersion: row.version })
    await afterPublished(tx, kind, { workspaceId: params.workspaceId, row, previous: live, action: 'config.restored', actor: params.actor, jobs: params.jobs, afterCommit, extra: { restoredFrom: params.version, ...openWorkExtra(params.openWork, work) } })
    return work
  })
  return { ...(await getDocument(db, params)), settled }
}

/** Writes the retirement marker (with the last body, for the record); an open draft is dropped. */
async function writeArchived(tx: Db, params: { workspaceId: string; kind: string; key: string; comment: string; actor: AuditActor }) {
  const ref = { workspaceId: params.workspaceId, kind: params.kind, key: params.key }
  const [head, draft] = await Promise.all([repo.findHead(tx, ref), repo.findDraft(tx, ref)])
  if (draft) await repo.deleteDraft(tx, ref)
  const body = livePublished(head)?.body ?? draft?.body ?? head?.body ?? {}
  const row = await repo.insertVersion(tx, { ...ref, version: (await repo.maxVersion(tx, ref)) + 1, status: 'archived', body, comment: params.comment, ...author(params.actor) })
  return { row, previous: livePublished(head), draft: draft ?? null }
}

async function afterArchived(
  tx: Db,
  kind: ConfigKind,
  params: { workspaceId: string; row: ConfigDocumentRow; previous: ConfigDocumentRow | null; draft: ConfigDocumentRow | null; actor: AuditActor; jobs?: Jobs; afterCommit: AfterCommit },
) {
  await recordAudit(tx, {
    workspaceId: params.workspaceId,
    actor: params.actor,
    action: 'config.archived',
    entityType: 'config_document',
    entityId: `${params.row.kind}/${params.row.key}`,
    before: snapshot(params.previous ?? params.draft),
    after: snapshot(params.row),
  })
  await kind.onArchive(tx, {
    workspaceId: params.workspaceId,
    key: params.row.key,
    previous: params.previous ? asVersion(params.previous) : null,
    actor: params.actor,
    jobs: params.jobs,
    afterCommit: params.afterCommit,
  })
}

/** Retires a key: nothing of it is live any more; publishing a new draft or restoring a version brings it back. */
export async function archiveDocument(db: Db, params: DocumentRef & Writer & { comment?: string; openWork?: OpenWorkAnswer }): Promise<ConfigWriteResult> {
  const kind = requireKind(params.kinds, params.kind)
  const ref = { workspaceId: params.workspaceId, kind: kind.kind, key: params.key }
  const settled = await inConfigTransaction(db, params.workspaceId, async (tx, afterCommit) => {
    const [head, draft] = await Promise.all([repo.findHead(tx, ref), repo.findDraft(tx, ref)])
    if (!head && !draft) throw documentNotFound(kind.kind, params.key)
    if (head?.status === 'archived' && !draft) throw conflict(`${kind.kind}/${params.key} is already archived`, 'key')
    const archived = await writeArchived(tx, { ...ref, comment: params.comment?.trim() || 'Archived', actor: params.actor })
    const work = await settleOpenWork(tx, kind, { ...ref, answer: params.openWork, reason: `${kind.kind} archived by ${author(params.actor).createdByLabel}`, actor: params.actor })
    await afterArchived(tx, kind, { workspaceId: params.workspaceId, ...archived, actor: params.actor, jobs: params.jobs, afterCommit })
    return work
  })
  return { ...(await getDocument(db, params)), settled }
}

// ----- config as code: export, plan, apply -----

/** Every live document as one YAML document, in a stable order (kinds as registered, then keys). */
export async function exportConfig(db: Db, params: Scope & { workspaceSlug: string }): Promise<string> {
  const entries = await repo.listHeadsAndDrafts(db, { workspaceId: params.workspaceId })
  const kindOrder = (name: string) => {
    const index = params.kinds.findIndex((kind) => kind.kind === name)
    return index === -1 ? params.kinds.length : index
  }
  const documents = entries
    .filter((entry) => entry.head?.status === 'published')
    .sort((left, right) => kindOrder(left.kind) - kindOrder(right.kind) || left.kind.localeCompare(right.kind) || left.key.localeCompare(right.key))
    .map((entry) => {
      const head = entry.head as ConfigDocumentRow
      return { kind: entry.kind, key: entry.key, version: head.version, body: readableBody(params.kinds, entry.kind, head.body) }
    })
  return renderConfigYaml({ workspace: params.workspaceSlug, documents })
}

export type PlanAction = 'create' | 'update' | 'unchanged' | 'archive'

export type PlanEntry = {
  kind: string
  key: string
  action: PlanAction
  /** The live version now (null: none). */
  currentVersion: number | null
  /** The version the file says it was exported at. */
  fileVersion: number | null
  /** The version apply publishes (create/update) or writes as the archive marker; null when unchanged. */
  newVersion: number | null
  summary: string | null
  changes: (ConfigChange & { text: string })[]
  /** An open draft stays open on top of the new version. */
  draftOpen: boolean
  notes: string[]
  /** Work under way that the change touches (kinds that start work; null for the others or when unchanged). */
  openWork: OpenWork | null
  /** What apply did with that work. */
  settled: SettledWork | null
}

export type PlanError = FieldError & { document: string | null }

export type ConfigPlan = {
  valid: boolean
  applied: boolean
  counts: Record<PlanAction, number>
  documents: PlanEntry[]
  errors: PlanError[]
}

type Staged = { entry: PlanEntry; kind: ConfigKind; body: unknown; file: ConfigFileEntry | null; previous: ConfigDocumentRow | null; draft: ConfigDocumentRow | null }

/**
 * Compares the file with the workspace and writes its changes in `tx` (the caller commits them or
 * rolls them back), then runs the kinds' checks so references between documents of the same file
 * resolve. Returns the plan and what was staged.
 */
async function stagePlan(tx: Db, params: Scope & { yaml: string; prune: boolean; comment: string; actor: AuditActor; openWork?: OpenWorkAnswer }): Promise<{ plan: ConfigPlan; staged: Staged[] }> {
  const errors: PlanError[] = []
  const parsed = parseConfigYaml(params.yaml)
  errors.push(...parsed.errors.map((error) => ({ ...error, document: documentLabel(error.field, parsed.file?.documents) })))
  const entries = await repo.listHeadsAndDrafts(tx, { workspaceId: params.workspaceId })
  const current = new Map(entries.map((entry) => [`${entry.kind}/${entry.key}`, entry]))
  const seen = new Map<string, number>()
  const staged: Staged[] = []

  for (const document of parsed.file?.documents ?? []) {
    const at = `documents.${document.index}`
    const label = `${document.kind}/${document.key}`
    const kind = findKind(params.kinds, document.kind)
    if (!kind) {
      errors.push({ document: label, field: `${at}.kind`, message: `unknown kind (known: ${params.kinds.map((candidate) => candidate.kind).join(', ')})` })
      continue
    }
    if (!isValidKey(document.key)) {
      errors.push({ document: label, field: `${at}.key`, message: KEY_RULE })
      continue
    }
    const earlier = seen.get(label)
    if (earlier !== undefined) {
      errors.push({ document: label, field: `${at}.key`, message: `${label} is already documents.${earlier}` })
      continue
    }
    seen.set(label, document.index)
    const schemaResult = kind.schema.safeParse(document.body)
    if (!schemaResult.success) {
      errors.push(...schemaIssues(schemaResult.error).map((issue) => ({ document: label, field: bodyField(issue.path, `${at}.body`), message: issue.message })))
      continue
    }
    const entry = current.get(label)
    const live = livePublished(entry?.head)
    const action: PlanAction = !live ? 'create' : sameBody(live.body, schemaResult.data) ? 'unchanged' : 'update'
    const notes: string[] = []
    if (action === 'create' && entry?.head?.status === 'archived') notes.push(`archived at version ${entry.head.version}; applying brings it back`)
    if (action === 'update' && document.version !== undefined && document.version !== live?.version) {
      notes.push(`the file was exported at version ${document.version}, the workspace is now at version ${live?.version}: changes made since are replaced`)
    }
    if (entry?.draft && action !== 'unchanged') notes.push(`an open draft (version ${entry.draft.version}) stays open on top`)
    staged.push({
      kind,
      body: schemaResult.data,
      file: document,
      previous: live,
      draft: entry?.draft ?? null,
      entry: {
        kind: kind.kind,
        key: document.key,
        action,
        currentVersion: live?.version ?? null,
        fileVersion: document.version ?? null,
        newVersion: null,
        summary: describeBody(kind, schemaResult.data),
        changes: action === 'update' ? diffBodies(live?.body, schemaResult.data).map((change) => ({ ...change, text: describeChange(change) })) : [],
        draftOpen: Boolean(entry?.draft),
        notes,
        openWork: null,
        settled: null,
      },
    })
  }

  if (params.prune && parsed.file) {
    for (const entry of entries) {
      const label = `${entry.kind}/${entry.key}`
      const live = livePublished(entry.head)
      if (!live || seen.has(label)) continue
      const kind = findKind(params.kinds, entry.kind)
      if (!kind) continue
      staged.push({
        kind,
        body: live.body,
        file: null,
        previous: live,
        draft: entry.draft,
        entry: {
          kind: entry.kind,
          key: entry.key,
          action: 'archive',
          currentVersion: live.version,
          fileVersion: null,
          newVersion: null,
          summary: describeBody(kind, live.body),
          changes: [],
          draftOpen: Boolean(entry.draft),
          notes: ['not in the file (prune): archived', ...(entry.draft ? [`its open draft (version ${entry.draft.version}) is dropped`] : [])],
          openWork: null,
          settled: null,
        },
      })
    }
  }

  // What the changed documents have under way, counted before anything is written.
  for (const item of staged) {
    if (!item.kind.openWork || item.entry.action === 'unchanged') continue
    const work = await item.kind.openWork.count(tx, { workspaceId: params.workspaceId, key: item.entry.key })
    if (work.runs + work.tasks === 0) continue
    item.entry.openWork = work
    item.entry.notes.push(`${describeOpenWork(work)}: ${openWorkOutcome(work, params.openWork)}`)
  }

  // Write what would change, then check references with every document of the file in place.
  if (errors.length === 0) {
    for (const item of staged) {
      const ref = { workspaceId: params.workspaceId, kind: item.kind.kind, key: item.entry.key }
      if (item.entry.action === 'create' || item.entry.action === 'update') {
        item.entry.newVersion = (await writePublished(tx, { ...ref, body: item.body, comment: params.comment, actor: params.actor })).version
      } else if (item.entry.action === 'archive') {
        item.entry.newVersion = (await writeArchived(tx, { ...ref, comment: params.comment, actor: params.actor })).row.version
      }
    }
    for (const item of staged) {
      if (!item.file || item.entry.action === 'archive') continue
      const issues = await item.kind.validate(tx, { workspaceId: params.workspaceId, key: item.entry.key, body: item.body })
      errors.push(...issues.map((issue) => ({ document: `${item.kind.kind}/${item.entry.key}`, field: bodyField(issue.path, `documents.${item.file?.index}.body`), message: issue.message })))
    }
  }

  const documents = staged.map((item) => item.entry)
  const counts: Record<PlanAction, number> = { create: 0, update: 0, unchanged: 0, archive: 0 }
  for (const document of documents) counts[document.action] += 1
  return { plan: { valid: errors.length === 0, applied: false, counts, documents, errors }, staged }
}

/** What apply does with a document's open work, given the answer so far. */
function openWorkOutcome(work: OpenWork, answer: OpenWorkAnswer | undefined): string {
  const runs = work.runs === 0 ? null : answer?.openRuns === 'cancel' ? 'runs are cancelled' : answer?.openRuns === 'continue' ? 'runs finish on the version they started with' : 'apply needs openRuns (continue or cancel)'
  const tasks = work.tasks === 0 ? null : answer?.openTasks === 'dismiss' ? 'tasks are dismissed' : answer?.openTasks === 'keep' ? 'tasks are kept' : 'apply needs openTasks (keep or dismiss)'
  return [runs, tasks].filter(Boolean).join('; ')
}

/** Names the document an envelope error belongs to (`documents.3.kind` → the kind/key written there), when it can. */
function documentLabel(field: string, documents: ConfigFileEntry[] | undefined): string | null {
  const index = /^documents\.(\d+)/.exec(field)?.[1]
  if (index === undefined) return null
  const document = documents?.find((candidate) => candidate.index === Number(index))
  return document ? `${document.kind}/${document.key}` : `documents.${index}`
}

class PlanRollback extends Error {
  constructor(readonly plan: ConfigPlan) {
    super('plan only')
  }
}

/** What applying the file would do, with every validation error; nothing is written. */
export async function planConfig(db: Db, params: Scope & { yaml: string; prune?: boolean; actor: AuditActor; openWork?: OpenWorkAnswer }): Promise<ConfigPlan> {
  try {
    await db.transaction(async (tx) => {
      await repo.lockWorkspaceConfig(tx, params.workspaceId)
      const { plan } = await stagePlan(tx, { ...params, prune: params.prune ?? false, comment: 'plan' })
      throw new PlanRollback(plan)
    })
  } catch (error) {
    if (error instanceof PlanRollback) return error.plan
    throw error
  }
  throw new Error('unreachable: the plan transaction always rolls back')
}

/**
 * Applies the file all or nothing in one transaction: a new published version for every created or
 * changed document (and, with prune, an archive marker for every live document not in the file).
 * When any document is invalid nothing is written and the plan with its errors is returned (valid: false).
 */
export async function applyConfig(db: Db, params: Scope & Writer & { yaml: string; prune?: boolean; comment?: string; openWork?: OpenWorkAnswer }): Promise<ConfigPlan> {
  const comment = params.comment?.trim() || 'Applied from YAML'
  try {
    return await inConfigTransaction(db, params.workspaceId, async (tx, afterCommit) => {
      const { plan, staged } = await stagePlan(tx, { ...params, prune: params.prune ?? false, comment })
      if (!plan.valid) throw new PlanRollback(plan)
      // Work under way is never settled by a default: every question that applies must be answered.
      const unanswered = plan.documents.flatMap((entry) => {
        const label = `${entry.kind}/${entry.key}`
        return entry.openWork ? unansweredOpenWork(label, entry.openWork, params.openWork).map((error) => ({ ...error, document: label })) : []
      })
      if (unanswered.length > 0) throw new PlanRollback({ ...plan, valid: false, errors: unanswered })
      for (const item of staged) {
        if (item.entry.newVersion === null) continue
        const ref = { workspaceId: params.workspaceId, kind: item.kind.kind, key: item.entry.key, version: item.entry.newVersion }
        const row = await repo.findVersion(tx, ref)
        if (!row) throw new Error(`staged version ${item.entry.newVersion} of ${item.kind.kind}/${item.entry.key} vanished`)
        const by = author(params.actor).createdByLabel
        const reason = item.entry.action === 'archive' ? `${item.kind.kind} archived by ${by} (config apply)` : `${item.kind.kind} changed to version ${row.version} by ${by} (config apply)`
        const settled = item.entry.openWork ? await settleOpenWork(tx, item.kind, { workspaceId: params.workspaceId, key: item.entry.key, answer: params.openWork, reason, actor: params.actor, beforeVersion: item.entry.action === 'archive' ? undefined : row.version }) : null
        item.entry.settled = settled
        if (item.entry.action === 'archive') {
          await afterArchived(tx, item.kind, { workspaceId: params.workspaceId, row, previous: item.previous, draft: item.draft, actor: params.actor, jobs: params.jobs, afterCommit })
        } else {
          await afterPublished(tx, item.kind, { workspaceId: params.workspaceId, row, previous: item.previous, action: 'config.applied', actor: params.actor, jobs: params.jobs, afterCommit, extra: openWorkExtra(params.openWork, settled) })
        }
      }
      return { ...plan, applied: true }
    })
  } catch (error) {
    if (error instanceof PlanRollback) return error.plan
    throw error
  }
}

/** Publishes every kind's shipped defaults that the workspace does not have yet (the demo workspace). */
export async function installDefaults(db: Db, params: Scope & Writer): Promise<{ installed: string[] }> {
  const installed: string[] = []
  await inConfigTransaction(db, params.workspaceId, async (tx, afterCommit) => {
    for (const kind of params.kinds) {
      for (const entry of kind.defaults) {
        const ref = { workspaceId: params.workspaceId, kind: kind.kind, key: entry.key }
        if ((await repo.maxVersion(tx, ref)) > 0) continue
        const checked = await checkBody(tx, kind, { ...ref, body: entry.body })
        if (checked.issues.length > 0) throw new Error(`default ${kind.kind}/${entry.key} is invalid: ${checked.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`)
        const row = await writePublished(tx, { ...ref, body: checked.body, comment: entry.comment ?? 'Shipped default', actor: params.actor })
        await afterPublished(tx, kind, { workspaceId: params.workspaceId, row, previous: null, action: 'config.published', actor: params.actor, jobs: params.jobs, afterCommit })
        installed.push(`${kind.kind}/${entry.key}`)
      }
    }
  })
  return { installed }
}
