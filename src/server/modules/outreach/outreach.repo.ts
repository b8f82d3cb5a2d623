import { and, count, desc, eq, getTableColumns, sql, type SQL } from 'drizzle-orm'
import { queryRows, type Db } from '../../platform/db'
import { accounts } from '../accounts'
import {
  emailUnsubscribes,
  outboundEmails,
  outreachDestinations,
  outreachSmtpSettings,
  webhookDeliveries,
  type DeliveryStatus,
  type DestinationKind,
} from './outreach.tables'

export type SmtpSettings = typeof outreachSmtpSettings.$inferSelect
export type Destination = typeof outreachDestinations.$inferSelect
export type OutboundEmail = typeof outboundEmails.$inferSelect
export type NewOutboundEmail = typeof outboundEmails.$inferInsert
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect
export type NewWebhookDelivery = typeof webhookDeliveries.$inferInsert

// ----- mail server -----

export async function findSmtpSettings(db: Db, params: { workspaceId: string }): Promise<SmtpSettings | undefined> {
  const [row] = await db.select().from(outreachSmtpSettings).where(eq(outreachSmtpSettings.workspaceId, params.workspaceId)).limit(1)
  return row
}

export async function upsertSmtpSettings(db: Db, values: Omit<SmtpSettings, 'updatedAt'>): Promise<SmtpSettings> {
  const now = new Date()
  const { workspaceId, ...rest } = values
  const [row] = await db
    .insert(outreachSmtpSettings)
    .values({ ...values, updatedAt: now })
    .onConflictDoUpdate({ target: outreachSmtpSettings.workspaceId, set: { ...rest, updatedAt: now } })
    .returning()
  if (!row) throw new Error(`SMTP settings of workspace ${workspaceId} were not saved`)
  return row
}

// ----- destinations -----

export async function findDestination(db: Db, params: { workspaceId: string; key: string }): Promise<Destination | undefined> {
  const [row] = await db
    .select()
    .from(outreachDestinations)
    .where(and(eq(outreachDestinations.workspaceId, params.workspaceId), eq(outreachDestinations.key, params.key)))
    .limit(1)
  return row
}

export async function listDestinations(db: Db, params: { workspaceId: string }): Promise<Destination[]> {
  return db.select().from(outreachDestinations).where(eq(outreachDestinations.workspaceId, params.workspaceId)).orderBy(outreachDestinations.key)
}

export async function upsertDestination(
  db: Db,
  params: { workspaceId: string; key: string; kind: DestinationKind; url: string; secret: string | null },
): Promise<Destination> {
  const now = new Date()
  const [row] = await db
    .insert(outreachDestinations)
    .values({ ...params, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [outreachDestinations.workspaceId, outreachDestinations.key],
      set: { kind: params.kind, url: params.url, secret: params.secret, updatedAt: now },
    })
    .returning()
  if (!row) throw new Error(`destination ${params.key} was not saved`)
  return row
}

export async function deleteDestination(db: Db, params: { workspaceId: string; key: string }): Promise<Destination | undefined> {
  const [row] = await db
    .delete(outreachDestinations)
    .where(and(eq(outreachDestinations.workspaceId, params.workspaceId), eq(outreachDestinations.key, params.key)))
    .returning()
  return row
}

// ----- queueing -----

export async function findEmailByKey(db: Db, params: { workspaceId: string; idempotencyKey: string }): Promise<OutboundEmail | undefined> {
  const [row] = await db
    .select()
    .from(outboundEmails)
    .where(and(eq(outboundEmails.workspaceId, params.workspaceId), eq(outboundEmails.idempotencyKey, params.idempotencyKey)))
    .limit(1)
  return row
}

/** undefined: a row with this idempotency key exists already (written by a concurrent caller). */
export async function insertEmail(db: Db, values: NewOutboundEmail): Promise<OutboundEmail | undefined> {
  const [row] = await db
    .insert(outboundEmails)
    .values(values)
    .onConflictDoNothing({ target: [outboundEmails.workspaceId, outboundEmails.idempotencyKey] })
    .returning()
  return row
}

export async function isUnsubscribed(db: Db, params: { workspaceId: string; email: string }): Promise<boolean> {
  const rows = await queryRows<{ found: boolean }>(
    db,
    sql`SELECT EXISTS (SELECT 1 FROM email_unsubscribes WHERE workspace_id = ${params.workspaceId} AND email = lower(${params.email})) AS found`,
  )
  return rows[0]?.found ?? false
}

/** A sent or queued (not skipped) email to this contact (or address, without a contact) in the last `days` days. */
export async function emailedRecently(db: Db, params: { workspaceId: string; contactId: string | null; toAddress: string; days: number }): Promise<boolean> {
  const who = params.contactId ? sql`contact_id = ${params.contactId}` : sql`lower(to_address) = lower(${params.toAddress})`
  const rows = await queryRows<{ found: boolean }>(
    db,
    sql`SELECT EXISTS (
          SELECT 1 FROM outbound_emails
          WHERE workspace_id = ${params.workspaceId} AND ${who} AND status <> 'skipped'
            AND created_at > now() - make_interval(days => ${params.days})
        ) AS found`,
  )
  return rows[0]?.found ?? false
}

export async function findWebhookByKey(db: Db, params: { workspaceId: string; idempotencyKey: string }): Promise<WebhookDelivery | undefined> {
  const [row] = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.workspaceId, params.workspaceId), eq(webhookDeliveries.idempotencyKey, params.idempotencyKey)))
    .limit(1)
  return row
}

export async function insertWebhook(db: Db, values: NewWebhookDelivery): Promise<WebhookDelivery | undefined> {
  const [row] = await db
    .insert(webhookDeliveries)
    .values(values)
    .onConflictDoNothing({ target: [webhookDeliveries.workspaceId, webhookDeliveries.idempotencyKey] })
    .returning()
  return row
}

// ----- delivery -----
// The claim queries below span workspaces (the worker serves them all), like the segments queue; every
// other statement names the row's workspace.

/** How long a claim holds: a `sending` row older than this belongs to a crashed worker and is due again. */
export const CLAIM_SECONDS = 300

export type ClaimedEmail = {
  workspace_id: string
  id: string
  attempts: number
  status: DeliveryStatus
  to_address: string
  from_address: string
  from_name: string | null
  subject: string
  text_body: string
  unsubscribe_token: string
}

/**
 * Claims due emails: pending ones whose time has come, and `sending` ones whose claim ran out. One statement
 * (FOR UPDATE SKIP LOCKED): concurrent workers take disjoint rows, and a claimed row is not due again for
 * CLAIM_SECONDS (next_attempt_at is the claim's expiry). An address unsubscribed since queueing is skipped here,
 * and so is a first send that another email to the same contact within the throttle window came before.
 */
export async function claimDueEmails(db: Db, params: { limit: number; workspaceId?: string }): Promise<ClaimedEmail[]> {
  const scope = params.workspaceId ? sql`AND workspace_id = ${params.workspaceId}` : sql``
  return queryRows<ClaimedEmail>(
    db,
    sql`WITH due AS (
          SELECT workspace_id, id FROM outbound_emails
          WHERE status IN ('pending', 'sending') AND next_attempt_at <= now() ${scope}
          ORDER BY next_attempt_at
          LIMIT ${params.limit}
          FOR UPDATE SKIP LOCKED
        ), unsubscribed AS (
          SELECT e.workspace_id, e.id, 'unsubscribed' AS reason FROM outbound_emails e JOIN due USING (workspace_id, id)
          WHERE EXISTS (SELECT 1 FROM email_unsubscribes u WHERE u.workspace_id = e.workspace_id AND u.email = lower(e.to_address))
        ), throttled AS (
          -- The throttle again, at the first send: two workers may both have queued an email to one contact
          -- (neither saw the other's yet). The earlier one, or one already going out, wins; the other is skipped.
          SELECT e.workspace_id, e.id, 'throttled' AS reason FROM outbound_emails e JOIN due USING (workspace_id, id)
          JOIN outreach_smtp_settings t ON t.workspace_id = e.workspace_id AND t.throttle_days > 0
          WHERE e.attempts = 0 AND EXISTS (
            SELECT 1 FROM outbound_emails o
            WHERE o.workspace_id = e.workspace_id AND o.id <> e.id AND o.status <> 'skipped'
              AND (CASE WHEN e.contact_id IS NOT NULL THEN o.contact_id = e.contact_id ELSE lower(o.to_address) = lower(e.to_address) END)
              AND o.created_at > e.created_at - make_interval(days => t.throttle_days)
              AND (o.status IN ('sending', 'sent') OR (o.created_at, o.id) < (e.created_at, e.id)))
        ), refused AS (
          SELECT workspace_id, id, min(reason) AS reason FROM (SELECT * FROM throttled UNION ALL SELECT * FROM unsubscribed) r GROUP BY workspace_id, id
        )
        UPDATE outbound_emails e SET
          status = CASE WHEN s.id IS NULL THEN 'sending' ELSE 'skipped' END,
          skip_reason = CASE WHEN s.id IS NULL THEN e.skip_reason ELSE s.reason END,
          attempts = e.attempts + CASE WHEN s.id IS NULL THEN 1 ELSE 0 END,
          next_attempt_at = now() + make_interval(secs => ${CLAIM_SECONDS})
        FROM due LEFT JOIN refused s USING (workspace_id, id)
        WHERE e.workspace_id = due.workspace_id AND e.id = due.id
        RETURNING e.workspace_id, e.id, e.attempts, e.status, e.to_address, e.from_address, e.from_name, e.subject, e.text_body, e.unsubscribe_token`,
  )
}

/** Records an attempt's outcome, only while the claim is still this attempt's (a reclaimed row is not overwritten). */
export async function finishEmailAttempt(
  db: Db,
  params: { workspaceId: string; id: string; attempts: number } & (
    | { outcome: 'sent'; messageId: string }
    | { outcome: 'retry'; error: string; delaySeconds: number }
    | { outcome: 'failed'; error: string }
  ),
): Promise<boolean> {
  const set =
    params.outcome === 'sent'
      ? sql`status = 'sent', sent_at = now(), message_id = ${params.messageId}`
      : params.outcome === 'retry'
        ? sql`status = 'pending', last_error = ${params.error}, next_attempt_at = now() + make_interval(secs => ${params.delaySeconds})`
        : sql`status = 'failed', last_error = ${params.error}`
  const rows = await queryRows<{ id: string }>(
    db,
    sql`UPDATE outbound_emails SET ${set}
        WHERE workspace_id = ${params.workspaceId} AND id = ${params.id} AND status = 'sending' AND attempts = ${params.attempts}
        RETURNING id`,
  )
  return rows.length > 0
}

export type ClaimedWebhook = {
  workspace_id: string
  id: string
  idempotency_key: string
  attempts: number
  destination_key: string
  kind: DestinationKind
  payload: Record<string, unknown>
  /** The destination as it is now (null: deleted since queueing). */
  url: string | null
  secret: string | null
}

/** Claims due webhook and Slack posts, as claimDueEmails does, with their destination's current URL and secret. */
export async function claimDueWebhooks(db: Db, params: { limit: number; workspaceId?: string }): Promise<ClaimedWebhook[]> {
  const scope = params.workspaceId ? sql`AND workspace_id = ${params.workspaceId}` : sql``
  return queryRows<ClaimedWebhook>(
    db,
    sql`WITH due AS (
          SELECT workspace_id, id, destination_key FROM webhook_deliveries
          WHERE status IN ('pending', 'sending') AND next_attempt_at <= now() ${scope}
          ORDER BY next_attempt_at
          LIMIT ${params.limit}
          FOR UPDATE SKIP LOCKED
        )
        UPDATE webhook_deliveries w SET status = 'sending', attempts = w.attempts + 1, next_attempt_at = now() + make_interval(secs => ${CLAIM_SECONDS})
        FROM due LEFT JOIN outreach_destinations d ON d.workspace_id = due.workspace_id AND d.key = due.destination_key
        WHERE w.workspace_id = due.workspace_id AND w.id = due.id
        RETURNING w.workspace_id, w.id, w.idempotency_key, w.attempts, w.destination_key, w.kind, w.payload, d.url, d.secret`,
  )
}

export async function finishWebhookAttempt(
  db: Db,
  params: { workspaceId: string; id: string; attempts: number; responseStatus: number | null } & (
    | { outcome: 'sent' }
    | { outcome: 'retry'; error: string; delaySeconds: number }
    | { outcome: 'failed'; error: string }
  ),
): Promise<boolean> {
  const set =
    params.outcome === 'sent'
      ? sql`status = 'sent', delivered_at = now()`
      : params.outcome === 'retry'
        ? sql`status = 'pending', last_error = ${params.error}, next_attempt_at = now() + make_interval(secs => ${params.delaySeconds})`
        : sql`status = 'failed', last_error = ${params.error}`
  const rows = await queryRows<{ id: string }>(
    db,
    sql`UPDATE webhook_deliveries SET ${set}, response_status = ${params.responseStatus}
        WHERE workspace_id = ${params.workspaceId} AND id = ${params.id} AND status = 'sending' AND attempts = ${params.attempts}
        RETURNING id`,
  )
  return rows.length > 0
}

/** Is anything due in any workspace (the job's wake check; both due indexes answer it). */
export async function hasDueOutreach(db: Db): Promise<boolean> {
  const rows = await queryRows<{ due: boolean }>(
    db,
    sql`SELECT EXISTS (SELECT 1 FROM outbound_emails WHERE status IN ('pending', 'sending') AND next_attempt_at <= now())
            OR EXISTS (SELECT 1 FROM webhook_deliveries WHERE status IN ('pending', 'sending') AND next_attempt_at <= now()) AS due`,
  )
  return rows[0]?.due ?? false
}

// ----- logs -----

const before = (createdAt: SQL, id: SQL, cursor: [string, string] | undefined) =>
  cursor ? sql`(${createdAt}, ${id}) < (${cursor[0]}::timestamptz, ${cursor[1]}::uuid)` : undefined

export type EmailLogRow = OutboundEmail & { accountName: string | null; cursorAt: string }

export async function listEmails(
  db: Db,
  params: { workspaceId: string; accountId?: string; playbook?: string; status?: DeliveryStatus; limit: number; cursor?: [string, string] },
): Promise<EmailLogRow[]> {
  const table = outboundEmails
  return db
    .select({ ...getTableColumns(table), accountName: accounts.name, cursorAt: sql<string>`${table.createdAt}::text` })
    .from(table)
    .leftJoin(accounts, and(eq(accounts.workspaceId, table.workspaceId), eq(accounts.id, table.accountId)))
    .where(
      and(
        eq(table.workspaceId, params.workspaceId),
        params.accountId ? eq(table.accountId, params.accountId) : undefined,
        params.playbook ? eq(table.playbookKey, params.playbook) : undefined,
        params.status ? eq(table.status, params.status) : undefined,
        before(sql`${table.createdAt}`, sql`${table.id}`, params.cursor),
      ),
    )
    .orderBy(desc(table.createdAt), desc(table.id))
    .limit(params.limit)
}

export type WebhookLogRow = WebhookDelivery & { accountName: string | null; cursorAt: string }

export async function listWebhooks(
  db: Db,
  params: { workspaceId: string; destination?: string; accountId?: string; playbook?: string; status?: DeliveryStatus; limit: number; cursor?: [string, string] },
): Promise<WebhookLogRow[]> {
  const table = webhookDeliveries
  return db
    .select({ ...getTableColumns(table), accountName: accounts.name, cursorAt: sql<string>`${table.createdAt}::text` })
    .from(table)
    .leftJoin(accounts, and(eq(accounts.workspaceId, table.workspaceId), eq(accounts.id, table.accountId)))
    .where(
      and(
        eq(table.workspaceId, params.workspaceId),
        params.destination ? eq(table.destinationKey, params.destination) : undefined,
        params.accountId ? eq(table.accountId, params.accountId) : undefined,
        params.playbook ? eq(table.playbookKey, params.playbook) : undefined,
        params.status ? eq(table.status, params.status) : undefined,
        before(sql`${table.createdAt}`, sql`${table.id}`, params.cursor),
      ),
    )
    .orderBy(desc(table.createdAt), desc(table.id))
    .limit(params.limit)
}

// ----- unsubscribes -----

/** The unsubscribe link works without a session: the token (unique, random) is looked up before the workspace is known. */
export async function findEmailByUnsubscribeToken(
  db: Db,
  params: { token: string },
): Promise<{ workspaceId: string; toAddress: string; workspaceName: string } | undefined> {
  const rows = await queryRows<{ workspace_id: string; to_address: string; workspace_name: string }>(
    db,
    sql`SELECT e.workspace_id, e.to_address, w.name AS workspace_name
        FROM outbound_emails e JOIN workspaces w ON w.id = e.workspace_id
        WHERE e.unsubscribe_token = ${params.token}
        LIMIT 1`,
  )
  const row = rows[0]
  return row ? { workspaceId: row.workspace_id, toAddress: row.to_address, workspaceName: row.workspace_name } : undefined
}

export async function insertUnsubscribe(db: Db, params: { workspaceId: string; email: string }): Promise<void> {
  await db
    .insert(emailUnsubscribes)
    .values({ workspaceId: params.workspaceId, email: params.email.toLowerCase() })
    .onConflictDoNothing({ target: [emailUnsubscribes.workspaceId, emailUnsubscribes.email] })
}

export async function listUnsubscribes(db: Db, params: { workspaceId: string; limit: number }): Promise<{ items: { email: string; unsubscribedAt: Date }[]; total: number }> {
  const items = await db
    .select({ email: emailUnsubscribes.email, unsubscribedAt: emailUnsubscribes.unsubscribedAt })
    .from(emailUnsubscribes)
    .where(eq(emailUnsubscribes.workspaceId, params.workspaceId))
    .orderBy(desc(emailUnsubscribes.unsubscribedAt), emailUnsubscribes.email)
    .limit(params.limit)
  const [total] = await db.select({ value: count() }).from(emailUnsubscribes).where(eq(emailUnsubscribes.workspaceId, params.workspaceId))
  return { items, total: total?.value ?? 0 }
}
