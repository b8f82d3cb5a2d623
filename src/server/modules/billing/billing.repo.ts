import { and, asc, desc, eq, getTableColumns, inArray, isNull, sql, type SQL } from 'drizzle-orm'
import { queryRows, type Db } from '../../platform/db'
import { accounts } from '../accounts'
import {
  billingPaymentFailures,
  billingStripeCustomers,
  billingStripeEvents,
  billingStripeSettings,
  stripeEventStatuses,
  type stripeCustomerSources,
} from './billing.tables'

export type StripeSettings = typeof billingStripeSettings.$inferSelect
export type StripeEvent = typeof billingStripeEvents.$inferSelect
export type NewStripeEvent = typeof billingStripeEvents.$inferInsert
export type StripeEventStatus = (typeof stripeEventStatuses)[number]
export type StripeCustomerMapping = typeof billingStripeCustomers.$inferSelect
export type StripeCustomerSource = (typeof stripeCustomerSources)[number]
export type PaymentFailure = typeof billingPaymentFailures.$inferSelect
export type NewPaymentFailure = typeof billingPaymentFailures.$inferInsert

// ----- settings -----

export async function findStripeSettings(db: Db, params: { workspaceId: string }): Promise<StripeSettings | undefined> {
  const [row] = await db.select().from(billingStripeSettings).where(eq(billingStripeSettings.workspaceId, params.workspaceId)).limit(1)
  return row
}

export async function upsertStripeSettings(db: Db, params: { workspaceId: string; signingSecret: string; updatedBy: string | null }): Promise<StripeSettings> {
  const now = new Date()
  const [row] = await db
    .insert(billingStripeSettings)
    .values({ ...params, updatedAt: now })
    .onConflictDoUpdate({ target: billingStripeSettings.workspaceId, set: { signingSecret: params.signingSecret, updatedBy: params.updatedBy, updatedAt: now } })
    .returning()
  return row
}

// ----- events -----

/** Stores the event unless this workspace already has its Stripe id; undefined means a redelivery. */
export async function insertStripeEvent(db: Db, event: NewStripeEvent): Promise<StripeEvent | undefined> {
  const [row] = await db
    .insert(billingStripeEvents)
    .values(event)
    .onConflictDoNothing({ target: [billingStripeEvents.workspaceId, billingStripeEvents.stripeEventId] })
    .returning()
  return row
}

export async function findStripeEvent(db: Db, params: { workspaceId: string; stripeEventId: string }): Promise<StripeEvent | undefined> {
  const [row] = await db
    .select()
    .from(billingStripeEvents)
    .where(and(eq(billingStripeEvents.workspaceId, params.workspaceId), eq(billingStripeEvents.stripeEventId, params.stripeEventId)))
    .limit(1)
  return row
}

export async function updateStripeEvent(
  db: Db,
  params: { workspaceId: string; id: string; changes: Partial<Pick<StripeEvent, 'status' | 'accountId' | 'processedAt' | 'error' | 'stripeCustomerId'>> },
): Promise<void> {
  await db
    .update(billingStripeEvents)
    .set(params.changes)
    .where(and(eq(billingStripeEvents.workspaceId, params.workspaceId), eq(billingStripeEvents.id, params.id)))
}

/** A customer's events in these statuses, oldest Stripe time first (the order to apply them in). */
export async function listCustomerEvents(
  db: Db,
  params: { workspaceId: string; stripeCustomerId: string; statuses: StripeEventStatus[]; limit: number },
): Promise<StripeEvent[]> {
  return db
    .select()
    .from(billingStripeEvents)
    .where(
      and(
        eq(billingStripeEvents.workspaceId, params.workspaceId),
        inArray(billingStripeEvents.status, params.statuses),
        eq(billingStripeEvents.stripeCustomerId, params.stripeCustomerId),
      ),
    )
    .orderBy(asc(billingStripeEvents.eventCreatedAt), asc(billingStripeEvents.receivedAt))
    .limit(params.limit)
}

/** Events in these statuses without a customer (failed before one was known), oldest first. */
export async function listEventsWithoutCustomer(db: Db, params: { workspaceId: string; statuses: StripeEventStatus[]; limit: number }): Promise<StripeEvent[]> {
  return db
    .select()
    .from(billingStripeEvents)
    .where(
      and(
        eq(billingStripeEvents.workspaceId, params.workspaceId),
        inArray(billingStripeEvents.status, params.statuses),
        isNull(billingStripeEvents.stripeCustomerId),
      ),
    )
    .orderBy(asc(billingStripeEvents.eventCreatedAt), asc(billingStripeEvents.receivedAt))
    .limit(params.limit)
}

/** Distinct customers that have events in these statuses (billing_stripe_events_workspace_status_customer_idx). */
export async function customersWithStatus(db: Db, params: { workspaceId: string; statuses: StripeEventStatus[]; limit: number }): Promise<string[]> {
  const rows = await db
    .selectDistinct({ customerId: billingStripeEvents.stripeCustomerId })
    .from(billingStripeEvents)
    .where(
      and(
        eq(billingStripeEvents.workspaceId, params.workspaceId),
        inArray(billingStripeEvents.status, params.statuses),
        sql`${billingStripeEvents.stripeCustomerId} is not null`,
      ),
    )
    .limit(params.limit)
  return rows.map((row) => row.customerId).filter((id): id is string => id !== null)
}

/** The Stripe time of the newest applied event about this object of these types, to skip older deliveries. */
export async function latestAppliedEventAt(
  db: Db,
  params: { workspaceId: string; stripeObjectId: string; types: string[]; excludeId: string },
): Promise<Date | undefined> {
  const [row] = await db
    .select({ at: sql<Date | null>`max(${billingStripeEvents.eventCreatedAt})`.mapWith(billingStripeEvents.eventCreatedAt) })
    .from(billingStripeEvents)
    .where(
      and(
        eq(billingStripeEvents.workspaceId, params.workspaceId),
        eq(billingStripeEvents.stripeObjectId, params.stripeObjectId),
        eq(billingStripeEvents.status, 'processed'),
        inArray(billingStripeEvents.type, params.types),
        sql`${billingStripeEvents.id} <> ${params.excludeId}`,
      ),
    )
  return row?.at ?? undefined
}

const { payload: _payload, ...eventColumnsWithoutPayload } = getTableColumns(billingStripeEvents)
export type StripeEventSummary = Omit<StripeEvent, 'payload'> & { accountName: string | null; cursorAt: string }

export async function listStripeEvents(
  db: Db,
  params: { workspaceId: string; status?: StripeEventStatus; limit: number; after?: [string, string] },
): Promise<StripeEventSummary[]> {
  const conditions: SQL[] = [sql`${billingStripeEvents.workspaceId} = ${params.workspaceId}`]
  if (params.status) conditions.push(sql`${billingStripeEvents.status} = ${params.status}`)
  if (params.after) conditions.push(sql`(${billingStripeEvents.receivedAt}, ${billingStripeEvents.id}) < (${params.after[0]}::timestamptz, ${params.after[1]}::uuid)`)
  return db
    .select({
      ...eventColumnsWithoutPayload,
      accountName: accounts.name,
      cursorAt: sql<string>`${billingStripeEvents.receivedAt}::text`.as('cursor_at'),
    })
    .from(billingStripeEvents)
    .leftJoin(accounts, and(eq(accounts.workspaceId, billingStripeEvents.workspaceId), eq(accounts.id, billingStripeEvents.accountId)))
    .where(and(...conditions))
    .orderBy(desc(billingStripeEvents.receivedAt), desc(billingStripeEvents.id))
    .limit(params.limit)
}

export async function countStripeEventsByStatus(db: Db, params: { workspaceId: string }): Promise<Record<StripeEventStatus, number>> {
  const rows = await db
    .select({ status: billingStripeEvents.status, total: sql<number>`count(*)::int` })
    .from(billingStripeEvents)
    .where(eq(billingStripeEvents.workspaceId, params.workspaceId))
    .groupBy(billingStripeEvents.status)
  const counts = Object.fromEntries(stripeEventStatuses.map((status) => [status, 0])) as Record<StripeEventStatus, number>
  for (const row of rows) counts[row.status] = Number(row.total)
  return counts
}

export async function lastStripeEvent(db: Db, params: { workspaceId: string }): Promise<Pick<StripeEvent, 'type' | 'status' | 'receivedAt'> | undefined> {
  const [row] = await db
    .select({ type: billingStripeEvents.type, status: billingStripeEvents.status, receivedAt: billingStripeEvents.receivedAt })
    .from(billingStripeEvents)
    .where(eq(billingStripeEvents.workspaceId, params.workspaceId))
    .orderBy(desc(billingStripeEvents.receivedAt), desc(billingStripeEvents.id))
    .limit(1)
  return row
}

export type UnmatchedCustomer = {
  stripeCustomerId: string
  events: number
  firstEventAt: string
  lastEventAt: string
  email: string | null
  name: string | null
  accountExternalId: string | null
}

/** Customers with unmatched events, most recent first, with hints (email, name, metadata external id) from their payloads. */
export async function listUnmatchedCustomers(db: Db, params: { workspaceId: string; limit: number }): Promise<UnmatchedCustomer[]> {
  const rows = await queryRows<{
    stripe_customer_id: string
    events: number
    first_event_at: string
    last_event_at: string
    email: string | null
    name: string | null
    account_external_id: string | null
  }>(
    db,
    sql`select e.stripe_customer_id, count(*)::int as events,
          to_char(min(e.event_created_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as first_event_at,
          to_char(max(e.event_created_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as last_event_at,
          max(coalesce(o ->> 'customer_email', o #>> '{customer,email}', case when o ->> 'object' = 'customer' then o ->> 'email' end)) as email,
          max(coalesce(o ->> 'customer_name', o #>> '{customer,name}', case when o ->> 'object' = 'customer' then o ->> 'name' end)) as name,
          max(coalesce(o #>> '{metadata,bosun_account_external_id}', o #>> '{metadata,account_external_id}',
                       o #>> '{parent,subscription_details,metadata,bosun_account_external_id}',
                       o #>> '{parent,subscription_details,metadata,account_external_id}')) as account_external_id
        from ${billingStripeEvents} e, lateral (select e.payload #> '{data,object}' as o) p
        where e.workspace_id = ${params.workspaceId} and e.status = 'unmatched' and e.stripe_customer_id is not null
        group by e.stripe_customer_id
        order by max(e.event_created_at) desc
        limit ${params.limit}`,
  )
  return rows.map((row) => ({
    stripeCustomerId: row.stripe_customer_id,
    events: Number(row.events),
    firstEventAt: row.first_event_at,
    lastEventAt: row.last_event_at,
    email: row.email,
    name: row.name,
    accountExternalId: row.account_external_id,
  }))
}

export async function countUnmatchedCustomers(db: Db, params: { workspaceId: string }): Promise<number> {
  const [row] = await db
    .select({ total: sql<number>`count(distinct ${billingStripeEvents.stripeCustomerId})::int` })
    .from(billingStripeEvents)
    .where(and(eq(billingStripeEvents.workspaceId, params.workspaceId), eq(billingStripeEvents.status, 'unmatched')))
  return Number(row?.total ?? 0)
}

// ----- customer ↔ account -----

export async function findCustomerMapping(db: Db, params: { workspaceId: string; stripeCustomerId: string }): Promise<StripeCustomerMapping | undefined> {
  const [row] = await db
    .select()
    .from(billingStripeCustomers)
    .where(and(eq(billingStripeCustomers.workspaceId, params.workspaceId), eq(billingStripeCustomers.stripeCustomerId, params.stripeCustomerId)))
    .limit(1)
  return row
}

/** A mapping set by hand replaces any; one found automatically never replaces an existing one. */
export async function saveCustomerMapping(
  db: Db,
  params: { workspaceId: string; stripeCustomerId: string; accountId: string; source: StripeCustomerSource },
): Promise<StripeCustomerMapping | undefined> {
  const insert = db.insert(billingStripeCustomers).values(params)
  const [row] =
    params.source === 'manual'
      ? await insert
          .onConflictDoUpdate({
            target: [billingStripeCustomers.workspaceId, billingStripeCustomers.stripeCustomerId],
            set: { accountId: params.accountId, source: params.source, updatedAt: new Date() },
          })
          .returning()
      : await insert.onConflictDoNothing({ target: [billingStripeCustomers.workspaceId, billingStripeCustomers.stripeCustomerId] }).returning()
  return row
}

export async function listCustomerMappings(db: Db, params: { workspaceId: string; limit: number }) {
  return db
    .select({ ...getTableColumns(billingStripeCustomers), accountName: accounts.name, accountExternalId: accounts.externalId })
    .from(billingStripeCustomers)
    .innerJoin(accounts, and(eq(accounts.workspaceId, billingStripeCustomers.workspaceId), eq(accounts.id, billingStripeCustomers.accountId)))
    .where(eq(billingStripeCustomers.workspaceId, params.workspaceId))
    .orderBy(desc(billingStripeCustomers.updatedAt), asc(billingStripeCustomers.stripeCustomerId))
    .limit(params.limit)
}

/**
 * Serialises billing changes to one account inside the caller's transaction, so two events of the
 * same account (on several web processes) never diff against the same ledger state.
 */
export async function lockAccountForBilling(db: Db, params: { workspaceId: string; accountId: string }): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`billing:${params.workspaceId}:${params.accountId}`}, 0))`)
}

// ----- payment failures -----

/** One row per failed invoice: a later failure of the same invoice updates it and opens it again. */
export async function upsertPaymentFailure(db: Db, failure: NewPaymentFailure): Promise<PaymentFailure> {
  const [row] = await db
    .insert(billingPaymentFailures)
    .values(failure)
    .onConflictDoUpdate({
      target: [billingPaymentFailures.workspaceId, billingPaymentFailures.stripeInvoiceId],
      set: {
        accountId: failure.accountId,
        amount: failure.amount,
        currency: failure.currency,
        stripeSubscriptionId: failure.stripeSubscriptionId,
        failedAt: sql`greatest(${billingPaymentFailures.failedAt}, excluded.failed_at)`,
        attemptCount: sql`greatest(${billingPaymentFailures.attemptCount}, excluded.attempt_count)`,
        nextAttemptAt: sql`excluded.next_attempt_at`,
        // A payment recorded after this failure keeps it resolved (Stripe may deliver out of order).
        resolvedAt: sql`case when ${billingPaymentFailures.resolvedAt} >= excluded.failed_at then ${billingPaymentFailures.resolvedAt} else excluded.resolved_at end`,
        updatedAt: new Date(),
      },
    })
    .returning()
  return row
}

/** Marks open failures paid: this invoice's, and the account's older ones (the customer can pay again). */
export async function resolvePaymentFailures(db: Db, params: { workspaceId: string; accountId: string; stripeInvoiceId: string; at: Date }): Promise<number> {
  const rows = await db
    .update(billingPaymentFailures)
    .set({ resolvedAt: params.at, nextAttemptAt: null, updatedAt: new Date() })
    .where(
      and(
        eq(billingPaymentFailures.workspaceId, params.workspaceId),
        isNull(billingPaymentFailures.resolvedAt),
        sql`(${billingPaymentFailures.stripeInvoiceId} = ${params.stripeInvoiceId}
             or (${billingPaymentFailures.accountId} = ${params.accountId} and ${billingPaymentFailures.failedAt} <= ${params.at.toISOString()}::timestamptz))`,
      ),
    )
    .returning({ id: billingPaymentFailures.id })
  return rows.length
}

export async function listAccountPaymentFailures(db: Db, params: { workspaceId: string; accountId: string; limit: number }): Promise<PaymentFailure[]> {
  return db
    .select()
    .from(billingPaymentFailures)
    .where(and(eq(billingPaymentFailures.workspaceId, params.workspaceId), eq(billingPaymentFailures.accountId, params.accountId)))
    .orderBy(sql`${billingPaymentFailures.resolvedAt} is not null`, desc(billingPaymentFailures.failedAt))
    .limit(params.limit)
}

/** Open (unpaid) failures of one account, newest first: what health scores and playbooks read. */
export async function openPaymentFailures(db: Db, params: { workspaceId: string; accountId: string }): Promise<PaymentFailure[]> {
  return db
    .select()
    .from(billingPaymentFailures)
    .where(
      and(
        eq(billingPaymentFailures.workspaceId, params.workspaceId),
        eq(billingPaymentFailures.accountId, params.accountId),
        isNull(billingPaymentFailures.resolvedAt),
      ),
    )
    .orderBy(desc(billingPaymentFailures.failedAt))
    .limit(100)
}

export async function countOpenPaymentFailures(db: Db, params: { workspaceId: string }): Promise<{ failures: number; accounts: number }> {
  const [row] = await db
    .select({ failures: sql<number>`count(*)::int`, accounts: sql<number>`count(distinct ${billingPaymentFailures.accountId})::int` })
    .from(billingPaymentFailures)
    .where(and(eq(billingPaymentFailures.workspaceId, params.workspaceId), isNull(billingPaymentFailures.resolvedAt)))
  return { failures: Number(row?.failures ?? 0), accounts: Number(row?.accounts ?? 0) }
}
