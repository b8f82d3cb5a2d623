import type { Db } from '../../platform/db'
import { badRequest, notFound } from '../../platform/http'
import { recordAudit, type AuditActor } from '../audit'
import * as repo from './outreach.repo'
import type { Destination, SmtpSettings } from './outreach.repo'
import type { DeliveryStatus, DestinationKind } from './outreach.tables'

export type PlaybookOrigin = { key: string; runId: string; stepId: string }

const last4 = (value: string) => value.slice(-4)

// ----- mail server -----

export type SmtpSettingsView = {
  configured: boolean
  host: string | null
  port: number | null
  secure: boolean
  username: string | null
  passwordSet: boolean
  fromAddress: string | null
  throttleDays: number
  updatedAt: string | null
}

function smtpView(settings: SmtpSettings | undefined): SmtpSettingsView {
  if (!settings) return { configured: false, host: null, port: null, secure: false, username: null, passwordSet: false, fromAddress: null, throttleDays: 3, updatedAt: null }
  return {
    configured: true,
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    username: settings.username,
    passwordSet: Boolean(settings.password),
    fromAddress: settings.fromAddress,
    throttleDays: settings.throttleDays,
    updatedAt: settings.updatedAt.toISOString(),
  }
}

/** What the audit log keeps of a mail server: never the password, only whether one is set. */
const smtpAudit = (view: SmtpSettingsView) => ({ ...view, updatedAt: undefined })

export async function getSmtpSettings(db: Db, params: { workspaceId: string }): Promise<SmtpSettingsView> {
  return smtpView(await repo.findSmtpSettings(db, params))
}

export async function putSmtpSettings(
  db: Db,
  params: {
    workspaceId: string
    actor: AuditActor
    input: { host: string; port: number; secure: boolean; username?: string | null; password?: string | null; fromAddress: string; throttleDays: number }
  },
): Promise<SmtpSettingsView> {
  const { workspaceId, actor, input } = params
  const before = await repo.findSmtpSettings(db, { workspaceId })
  const username = input.username?.trim() ? input.username.trim() : null
  // Omitted: keep the stored password (the form never shows it); null or empty: remove it.
  const password = input.password === undefined ? (before?.password ?? null) : input.password || null
  const saved = await repo.upsertSmtpSettings(db, {
    workspaceId,
    host: input.host,
    port: input.port,
    secure: input.secure,
    username,
    password,
    fromAddress: input.fromAddress,
    throttleDays: input.throttleDays,
    updatedBy: actor.kind === 'user' ? actor.userId : null,
  })
  const after = smtpView(saved)
  await recordAudit(db, {
    workspaceId,
    actor,
    action: before ? 'outreach.smtp_changed' : 'outreach.smtp_set',
    entityType: 'outreach_smtp_settings',
    entityId: workspaceId,
    before: before ? smtpAudit(smtpView(before)) : null,
    after: smtpAudit(after),
  })
  return after
}

/**
 * The address playbook emails go out as: the CSM's own (emails are "sent as the CSM", replies reach them),
 * else the workspace's sender. null: neither is known.
 */
export async function emailFromAddress(db: Db, params: { workspaceId: string; userEmail?: string | null }): Promise<string | null> {
  const own = params.userEmail?.trim()
  if (own) return own
  return (await repo.findSmtpSettings(db, { workspaceId: params.workspaceId }))?.fromAddress ?? null
}

// ----- destinations -----

export type DestinationView = { key: string; kind: DestinationKind; urlHint: string; secretSet: boolean; createdAt: string; updatedAt: string }

/** Host and the last 4 characters of the path: enough to recognise a destination, too little to post to it. */
export function urlHint(url: string): string {
  try {
    const parsed = new URL(url)
    const rest = `${parsed.pathname}${parsed.search}`
    return rest.length > 1 ? `${parsed.host}/…${last4(rest)}` : parsed.host
  } catch {
    return '…'
  }
}

const destinationView = (destination: Destination): DestinationView => ({
  key: destination.key,
  kind: destination.kind,
  urlHint: urlHint(destination.url),
  secretSet: Boolean(destination.secret),
  createdAt: destination.createdAt.toISOString(),
  updatedAt: destination.updatedAt.toISOString(),
})

export async function listDestinations(db: Db, params: { workspaceId: string }): Promise<DestinationView[]> {
  return (await repo.listDestinations(db, params)).map(destinationView)
}

export async function getDestination(db: Db, params: { workspaceId: string; key: string }): Promise<DestinationView> {
  const destination = await repo.findDestination(db, params)
  if (!destination) throw notFound(`Destination ${params.key}`)
  return destinationView(destination)
}

export async function putDestination(
  db: Db,
  params: { workspaceId: string; key: string; actor: AuditActor; input: { kind: DestinationKind; url?: string; secret?: string } },
): Promise<{ destination: DestinationView; created: boolean }> {
  const { workspaceId, key, actor, input } = params
  const before = await repo.findDestination(db, { workspaceId, key })
  const url = input.url ?? before?.url
  if (!url) throw badRequest('url', 'is required for a new destination')
  if (input.kind === 'slack' && input.secret !== undefined) throw badRequest('secret', 'Slack incoming webhooks are not signed: leave the secret out')
  // A webhook is always signed: the secret is required the first time (and when a Slack destination becomes one).
  const secret = input.kind === 'webhook' ? (input.secret ?? (before?.kind === 'webhook' ? before.secret : null)) : null
  if (input.kind === 'webhook' && !secret) throw badRequest('secret', 'is required for a new webhook destination (receivers verify Bosun-Signature with it)')
  const saved = await repo.upsertDestination(db, { workspaceId, key, kind: input.kind, url, secret })
  const after = destinationView(saved)
  const audited = (view: DestinationView) => ({ key: view.key, kind: view.kind, urlHint: view.urlHint, secretSet: view.secretSet })
  await recordAudit(db, {
    workspaceId,
    actor,
    action: before ? 'outreach.destination_changed' : 'outreach.destination_created',
    entityType: 'outreach_destination',
    entityId: key,
    before: before ? audited(destinationView(before)) : null,
    after: audited(after),
  })
  return { destination: after, created: !before }
}

export async function deleteDestination(db: Db, params: { workspaceId: string; key: string; actor: AuditActor }): Promise<void> {
  const deleted = await repo.deleteDestination(db, params)
  if (!deleted) throw notFound(`Destination ${params.key}`)
  await recordAudit(db, {
    workspaceId: params.workspaceId,
    actor: params.actor,
    action: 'outreach.destination_deleted',
    entityType: 'outreach_destination',
    entityId: params.key,
    before: { key: deleted.key, kind: deleted.kind, urlHint: urlHint(deleted.url) },
    after: null,
  })
}

// ----- queueing (called by playbooks inside their transaction) -----

export type QueueEmailParams = {
  workspaceId: string
  idempotencyKey: string
  accountId?: string | null
  contactId?: string | null
  toAddress: string
  /** The CSM's address; empty: the workspace's sender (settings.from_address). */
  fromAddress: string
  fromName?: string | null
  subject: string
  textBody: string
  playbook?: PlaybookOrigin
}

export type QueuedEmail = { id: string; status: DeliveryStatus; skipReason: string | null; created: boolean }

const plausibleAddress = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/

/**
 * Queues one email (idempotent by `idempotencyKey`: a second call answers the first row, created false).
 * Whether it may go out is decided now and kept on the row: `skipped` with the reason when the address
 * unsubscribed, no mail server is set, or the contact got an email within the throttle window.
 */
export async function queueEmail(db: Db, params: QueueEmailParams): Promise<QueuedEmail> {
  const { workspaceId, idempotencyKey } = params
  const existing = await repo.findEmailByKey(db, { workspaceId, idempotencyKey })
  if (existing) return { id: existing.id, status: existing.status, skipReason: existing.skipReason, created: false }

  const toAddress = params.toAddress.trim()
  // No lock per recipient: callers hold long transactions over many contacts, where such locks could deadlock.
  // Two playbooks emailing one contact in the same instant from two workers may both pass this check; the
  // claim before the first send checks again and skips the later one (repo.claimDueEmails).
  const settings = await repo.findSmtpSettings(db, { workspaceId })
  let skipReason: string | null = null
  if (!plausibleAddress.test(toAddress)) skipReason = 'invalid address'
  else if (await repo.isUnsubscribed(db, { workspaceId, email: toAddress })) skipReason = 'unsubscribed'
  else if (!settings) skipReason = 'no mail server configured'
  else if (settings.throttleDays > 0 && (await repo.emailedRecently(db, { workspaceId, contactId: params.contactId ?? null, toAddress, days: settings.throttleDays }))) {
    skipReason = 'throttled'
  }

  const inserted = await repo.insertEmail(db, {
    workspaceId,
    idempotencyKey,
    accountId: params.accountId ?? null,
    contactId: params.contactId ?? null,
    playbookKey: params.playbook?.key ?? null,
    playbookRunId: params.playbook?.runId ?? null,
    playbookStepId: params.playbook?.stepId ?? null,
    toAddress,
    fromAddress: params.fromAddress.trim() || settings?.fromAddress || '',
    fromName: params.fromName?.trim() || null,
    subject: params.subject,
    textBody: params.textBody,
    status: skipReason ? 'skipped' : 'pending',
    skipReason,
  })
  if (inserted) return { id: inserted.id, status: inserted.status, skipReason: inserted.skipReason, created: true }
  // A concurrent caller inserted the same key between our check and insert.
  const raced = await repo.findEmailByKey(db, { workspaceId, idempotencyKey })
  if (!raced) throw new Error(`email ${idempotencyKey} was neither inserted nor found`)
  return { id: raced.id, status: raced.status, skipReason: raced.skipReason, created: false }
}

export type QueueWebhookParams = {
  workspaceId: string
  idempotencyKey: string
  destinationKey: string
  accountId?: string | null
  payload: Record<string, unknown>
  playbook?: PlaybookOrigin
}

export type QueuedWebhook = { id: string; status: DeliveryStatus; created: boolean }

/** Queues one webhook or Slack post (the destination's kind decides); idempotent by `idempotencyKey`. */
export async function queueWebhook(db: Db, params: QueueWebhookParams): Promise<QueuedWebhook> {
  const { workspaceId, idempotencyKey } = params
  const existing = await repo.findWebhookByKey(db, { workspaceId, idempotencyKey })
  if (existing) return { id: existing.id, status: existing.status, created: false }
  const destination = await repo.findDestination(db, { workspaceId, key: params.destinationKey })
  if (!destination) throw new Error(`Outreach destination "${params.destinationKey}" does not exist (set it up under Settings → Outreach)`)
  // Slack's incoming webhooks take { text } only.
  const payload = destination.kind === 'slack' ? { text: typeof params.payload.text === 'string' ? params.payload.text : JSON.stringify(params.payload) } : params.payload
  const inserted = await repo.insertWebhook(db, {
    workspaceId,
    idempotencyKey,
    destinationKey: destination.key,
    kind: destination.kind,
    accountId: params.accountId ?? null,
    playbookKey: params.playbook?.key ?? null,
    playbookRunId: params.playbook?.runId ?? null,
    playbookStepId: params.playbook?.stepId ?? null,
    payload,
  })
  if (inserted) return { id: inserted.id, status: inserted.status, created: true }
  const raced = await repo.findWebhookByKey(db, { workspaceId, idempotencyKey })
  if (!raced) throw new Error(`webhook delivery ${idempotencyKey} was neither inserted nor found`)
  return { id: raced.id, status: raced.status, created: false }
}

// ----- logs -----

export async function listEmails(
  db: Db,
  params: { workspaceId: string; accountId?: string; playbook?: string; status?: DeliveryStatus; limit: number; cursor?: [string, string] },
) {
  const rows = await repo.listEmails(db, { ...params, limit: params.limit + 1 })
  const items = rows.slice(0, params.limit)
  const last = items[items.length - 1]
  return { items, next: rows.length > params.limit && last ? ([last.cursorAt, last.id] as const) : null }
}

export async function listWebhooks(
  db: Db,
  params: { workspaceId: string; destination?: string; accountId?: string; playbook?: string; status?: DeliveryStatus; limit: number; cursor?: [string, string] },
) {
  const rows = await repo.listWebhooks(db, { ...params, limit: params.limit + 1 })
  const items = rows.slice(0, params.limit)
  const last = items[items.length - 1]
  return { items, next: rows.length > params.limit && last ? ([last.cursorAt, last.id] as const) : null }
}

// ----- unsubscribes -----

export async function findUnsubscribeTarget(db: Db, params: { token: string }) {
  return repo.findEmailByUnsubscribeToken(db, params)
}

/** Records the address of the email behind `token` as unsubscribed (idempotent); null: no such token. */
export async function unsubscribeByToken(db: Db, params: { token: string }): Promise<{ email: string; workspaceName: string } | null> {
  const target = await repo.findEmailByUnsubscribeToken(db, params)
  if (!target) return null
  await repo.insertUnsubscribe(db, { workspaceId: target.workspaceId, email: target.toAddress })
  return { email: target.toAddress.toLowerCase(), workspaceName: target.workspaceName }
}

export async function listUnsubscribes(db: Db, params: { workspaceId: string; limit: number }) {
  return repo.listUnsubscribes(db, params)
}
