/**
 * Delivers the outreach outbox. Rows are claimed in one short statement (FOR UPDATE SKIP LOCKED, marked
 * `sending` with a 5-minute lease), sent with no transaction open, then marked sent or given back with a
 * backoff. Any number of workers share the outbox: a claimed row is not due again while its lease runs, and
 * an outcome is written only if the row still carries this attempt's claim.
 */
import { randomUUID } from 'node:crypto'
import nodemailer from 'nodemailer'
import type { Db } from '../../platform/db'
import { notFound } from '../../platform/http'
import * as repo from './outreach.repo'
import type { ClaimedEmail, ClaimedWebhook, SmtpSettings } from './outreach.repo'
import { signBosunPayload } from './outreach.signature'

/** After this many attempts a row is `failed` (about 1 h 34 min of retries with the backoff below). */
export const MAX_ATTEMPTS = 8
const WEBHOOK_TIMEOUT_MS = 10_000
/** Parallel sends per batch: enough to hide slow receivers, few enough for a small mail server. */
const CONCURRENCY = 4

/** Seconds to wait after failed attempt number `attempts` (1-based): 30 s × 2^(attempts−1), capped at 1 h. */
export function backoffSeconds(attempts: number): number {
  return Math.min(30 * 2 ** Math.max(0, attempts - 1), 3600)
}

export type SendResult = { ok: boolean; detail: string; responseStatus: number | null }

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 1000)

// ----- email -----

type Transporter = ReturnType<typeof nodemailer.createTransport>
const transports = new Map<string, { version: number; transporter: Transporter }>()

/** One transport per workspace, rebuilt when its settings change (updated_at). */
function transportFor(settings: SmtpSettings): Transporter {
  const version = settings.updatedAt.getTime()
  const cached = transports.get(settings.workspaceId)
  if (cached && cached.version === version) return cached.transporter
  cached?.transporter.close()
  const transporter = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth: settings.username ? { user: settings.username, pass: settings.password ?? '' } : undefined,
    // Well inside the 5-minute claim: a hung server must not outlive the lease.
    connectionTimeout: 20_000,
    greetingTimeout: 20_000,
    socketTimeout: 60_000,
    // Message content is text we compose; never let it read files or URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  })
  transports.set(settings.workspaceId, { version, transporter })
  return transporter
}

/** Closes every cached SMTP transport (tests; shutdown). */
export function closeOutreachTransports(): void {
  for (const { transporter } of transports.values()) transporter.close()
  transports.clear()
}

export const unsubscribeUrl = (publicUrl: string, token: string) => `${publicUrl}/u/${token}`
export const emailMessageId = (id: string) => `<${id}@bosun>`

type SmtpError = Error & { responseCode?: number; command?: string; response?: string }

/** A recipient the server refuses for good (5xx to RCPT TO): retrying cannot help. */
const isPermanentRecipientError = (error: unknown) => {
  const smtp = error as SmtpError
  return typeof smtp.responseCode === 'number' && smtp.responseCode >= 500 && (smtp.command ?? '').toUpperCase().startsWith('RCPT')
}

async function sendEmail(settings: SmtpSettings, email: ClaimedEmail, publicUrl: string): Promise<string> {
  const link = unsubscribeUrl(publicUrl, email.unsubscribe_token)
  const from = { name: email.from_name ?? '', address: email.from_address || settings.fromAddress }
  const info = await transportFor(settings).sendMail({
    from,
    replyTo: from,
    to: email.to_address,
    subject: email.subject,
    text: `${email.text_body.replace(/\s+$/, '')}\n\n--\nUnsubscribe: ${link}\n`,
    // Stable across retries: a receiver can drop the second copy after a crash between send and mark.
    messageId: emailMessageId(email.id),
    headers: { 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    // Bounces go to the workspace's own mailbox, the one the mail server is set up for.
    envelope: { from: settings.fromAddress, to: email.to_address },
  })
  return typeof info.messageId === 'string' && info.messageId ? info.messageId : emailMessageId(email.id)
}

/** Sends a test email now with the workspace's mail server and answers what the server said. */
export async function sendTestEmail(db: Db, params: { workspaceId: string; to: string; from: { name: string; address: string } | null }): Promise<SendResult> {
  const settings = await repo.findSmtpSettings(db, { workspaceId: params.workspaceId })
  if (!settings) return { ok: false, detail: 'No mail server is configured: save the SMTP settings first', responseStatus: null }
  const from = params.from ?? { name: 'Bosun', address: settings.fromAddress }
  try {
    const info = await transportFor(settings).sendMail({
      from,
      replyTo: from,
      to: params.to,
      subject: 'Bosun test email',
      text: `This is a test email from Bosun.\n\nPlaybook emails are sent through ${settings.host}:${settings.port} as the account's CSM (here: ${from.address}).\n`,
      envelope: { from: settings.fromAddress, to: params.to },
    })
    return { ok: true, detail: typeof info.response === 'string' ? info.response : 'accepted', responseStatus: null }
  } catch (error) {
    return { ok: false, detail: errorText(error), responseStatus: null }
  }
}

// ----- webhooks and Slack -----

async function post(params: { url: string; body: string; headers: Record<string, string> }): Promise<SendResult> {
  try {
    const response = await fetch(params.url, {
      method: 'POST',
      headers: params.headers,
      body: params.body,
      // A redirect is not a delivery: the receiver must answer 2xx at the URL it gave.
      redirect: 'manual',
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    })
    const text = (await response.text().catch(() => '')).slice(0, 300)
    if (response.status >= 200 && response.status < 300) return { ok: true, detail: `HTTP ${response.status}`, responseStatus: response.status }
    return { ok: false, detail: `HTTP ${response.status}${text ? `: ${text}` : ''}`, responseStatus: response.status }
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : ''
    return { ok: false, detail: timedOut ? `no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s` : `${errorText(error)}${cause}`, responseStatus: null }
  }
}

/** The request for one delivery: signed JSON for webhooks, Slack's `{ text }` for Slack. */
function requestFor(delivery: { id: string; idempotencyKey: string; kind: 'webhook' | 'slack'; url: string; secret: string | null; payload: Record<string, unknown> }) {
  const body = JSON.stringify(delivery.payload)
  if (delivery.kind === 'slack') return { url: delivery.url, body, headers: { 'content-type': 'application/json' } }
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'Bosun-Webhooks/1',
    'bosun-delivery': delivery.id,
    'bosun-idempotency-key': delivery.idempotencyKey,
  }
  if (delivery.secret) headers['bosun-signature'] = signBosunPayload(delivery.secret, body)
  return { url: delivery.url, body, headers }
}

/** Posts a test message to a destination now (not logged) and answers the receiver's status. */
export async function testDestination(db: Db, params: { workspaceId: string; key: string }): Promise<SendResult> {
  const destination = await repo.findDestination(db, params)
  if (!destination) throw notFound(`Destination ${params.key}`)
  const payload =
    destination.kind === 'slack'
      ? { text: `Bosun test message for destination \`${destination.key}\`: playbook posts will arrive here.` }
      : { type: 'bosun.test', destination: destination.key, sentAt: new Date().toISOString() }
  return post(requestFor({ id: randomUUID(), idempotencyKey: `test:${Date.now()}`, kind: destination.kind, url: destination.url, secret: destination.secret, payload }))
}

// ----- the delivery run -----

export type DeliveryCounts = { sent: number; retried: number; failed: number; skipped: number }
export type DeliveryResult = { emails: DeliveryCounts; webhooks: DeliveryCounts }

const zero = (): DeliveryCounts => ({ sent: 0, retried: 0, failed: 0, skipped: 0 })

async function eachWithLimit<Item>(items: Item[], limit: number, work: (item: Item) => Promise<void>): Promise<void> {
  let next = 0
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next]
      next += 1
      if (item !== undefined) await work(item)
    }
  })
  await Promise.all(lanes)
}

type Failure = { error: string; permanent: boolean }

/** What follows a failed attempt: another try after the backoff, or `failed` when attempts ran out or retrying cannot help. */
const afterFailure = (attempts: number, failure: Failure) =>
  failure.permanent || attempts >= MAX_ATTEMPTS
    ? ({ outcome: 'failed', error: failure.error } as const)
    : ({ outcome: 'retry', error: failure.error, delaySeconds: backoffSeconds(attempts) } as const)

async function deliverEmails(db: Db, emails: ClaimedEmail[], publicUrl: string, counts: DeliveryCounts): Promise<void> {
  const settingsOf = new Map<string, Promise<SmtpSettings | undefined>>()
  const sendable = emails.filter((email) => {
    if (email.status === 'skipped') counts.skipped += 1
    return email.status === 'sending'
  })
  await eachWithLimit(sendable, CONCURRENCY, async (email) => {
    const key = { workspaceId: email.workspace_id, id: email.id, attempts: email.attempts }
    if (!settingsOf.has(email.workspace_id)) settingsOf.set(email.workspace_id, repo.findSmtpSettings(db, { workspaceId: email.workspace_id }))
    const settings = await settingsOf.get(email.workspace_id)
    let failure: Failure
    if (!settings) {
      failure = { error: 'No mail server is configured (Settings → Outreach)', permanent: false }
    } else {
      try {
        const messageId = await sendEmail(settings, email, publicUrl)
        if (await repo.finishEmailAttempt(db, { ...key, outcome: 'sent', messageId })) counts.sent += 1
        return
      } catch (error) {
        failure = { error: errorText(error), permanent: isPermanentRecipientError(error) }
      }
    }
    const next = afterFailure(email.attempts, failure)
    if (await repo.finishEmailAttempt(db, { ...key, ...next })) counts[next.outcome === 'failed' ? 'failed' : 'retried'] += 1
  })
}

async function deliverWebhooks(db: Db, deliveries: ClaimedWebhook[], counts: DeliveryCounts): Promise<void> {
  await eachWithLimit(deliveries, CONCURRENCY, async (delivery) => {
    const key = { workspaceId: delivery.workspace_id, id: delivery.id, attempts: delivery.attempts }
    if (!delivery.url) {
      const done = await repo.finishWebhookAttempt(db, { ...key, responseStatus: null, outcome: 'failed', error: `Destination "${delivery.destination_key}" was deleted` })
      if (done) counts.failed += 1
      return
    }
    const result = await post(
      requestFor({ id: delivery.id, idempotencyKey: delivery.idempotency_key, kind: delivery.kind, url: delivery.url, secret: delivery.secret, payload: delivery.payload }),
    )
    if (result.ok) {
      if (await repo.finishWebhookAttempt(db, { ...key, responseStatus: result.responseStatus, outcome: 'sent' })) counts.sent += 1
      return
    }
    const next = afterFailure(delivery.attempts, { error: result.detail, permanent: false })
    if (await repo.finishWebhookAttempt(db, { ...key, responseStatus: result.responseStatus, ...next })) counts[next.outcome === 'failed' ? 'failed' : 'retried'] += 1
  })
}

/**
 * One delivery round: claims up to `limit` due emails and `limit` due webhook/Slack posts (of every
 * workspace, or of `workspaceId`), sends them, records the outcomes. The `outreach.deliver` job calls it until
 * nothing is due; tests call it directly.
 */
export async function deliverDueOutreach(db: Db, params: { publicUrl: string; limit?: number; workspaceId?: string }): Promise<DeliveryResult> {
  const limit = params.limit ?? 25
  const publicUrl = params.publicUrl.replace(/\/+$/, '')
  const emails = await db.transaction((tx) => repo.claimDueEmails(tx, { limit, workspaceId: params.workspaceId }))
  const webhooks = await db.transaction((tx) => repo.claimDueWebhooks(tx, { limit, workspaceId: params.workspaceId }))
  const result: DeliveryResult = { emails: zero(), webhooks: zero() }
  await Promise.all([deliverEmails(db, emails, publicUrl, result.emails), deliverWebhooks(db, webhooks, result.webhooks)])
  return result
}

export const claimedAny = (result: DeliveryResult) =>
  Object.values(result.emails).some((value) => value > 0) || Object.values(result.webhooks).some((value) => value > 0)

export const hasDueOutreach = (db: Db) => repo.hasDueOutreach(db)
