import type { Db } from '../../platform/db'
import { ProblemError, badRequest, decodeTimestampCursor, encodeCursor, zodFieldErrors } from '../../platform/http'
import { arrAtDate, assertAccountReference, findAccountByExternalId, getAccount, recordRevenueMovement, subscriptionLedgerArr } from '../accounts'
import { recordAudit, type AuditActor } from '../audit'
import { upsertSubscriptionByExternalId } from '../subscriptions'
import { findWorkspaceBySlug } from '../workspaces'
import { StripeEventEnvelope, handledStripeEventTypes } from './billing.contracts'
import * as repo from './billing.repo'
import type { StripeEvent, StripeEventStatus } from './billing.repo'
import { accountExternalIdOf, asRecord, customerIdOf, invoiceFacts, isoDay, subscriptionTerms, type JsonRecord } from './stripe-objects'
import { verifyStripeSignature } from './stripe-signature'

export type { PaymentFailure, StripeEvent, StripeEventStatus } from './billing.repo'

/** Larger than any Stripe event (they are a few KB to a few hundred KB). */
export const MAX_STRIPE_EVENT_BYTES = 1_000_000

const subscriptionEventTypes = ['customer.subscription.created', 'customer.subscription.updated', 'customer.subscription.deleted']
const paidEventTypes = ['invoice.paid', 'invoice.payment_succeeded']
/** What Bosun applies: the types to select in Stripe, and invoice.payment_succeeded (the same as invoice.paid). */
const appliedTypes = new Set<string>([...handledStripeEventTypes, 'invoice.payment_succeeded'])

type Outcome = Exclude<StripeEventStatus, 'received'>
export type ReprocessCounts = Record<Outcome, number>
const noCounts = (): ReprocessCounts => ({ processed: 0, unmatched: 0, ignored: 0, failed: 0 })

const last4 = (secret: string) => secret.slice(-4)
const roundCents = (value: number) => Math.round(value * 100) / 100
const objectOf = (event: Pick<StripeEvent, 'payload'>): JsonRecord => asRecord(asRecord(event.payload.data)?.object) ?? {}
const byStripeTime = (a: StripeEvent, b: StripeEvent) =>
  a.eventCreatedAt.getTime() - b.eventCreatedAt.getTime() || a.receivedAt.getTime() - b.receivedAt.getTime()

// ----- settings -----

export async function getStripeSettings(db: Db, params: { workspaceId: string; workspaceSlug: string; origin: string }) {
  const { workspaceId } = params
  const [settings, lastEvent, eventCounts, unmatchedCustomers, openPaymentFailures] = await Promise.all([
    repo.findStripeSettings(db, { workspaceId }),
    repo.lastStripeEvent(db, { workspaceId }),
    repo.countStripeEventsByStatus(db, { workspaceId }),
    repo.countUnmatchedCustomers(db, { workspaceId }),
    repo.countOpenPaymentFailures(db, { workspaceId }),
  ])
  return {
    configured: settings !== undefined,
    secretLast4: settings ? last4(settings.signingSecret) : null,
    updatedAt: settings ? settings.updatedAt.toISOString() : null,
    webhookUrl: `${params.origin}/webhooks/stripe/${encodeURIComponent(params.workspaceSlug)}`,
    eventTypes: [...handledStripeEventTypes],
    lastEvent: lastEvent ? { type: lastEvent.type, status: lastEvent.status, receivedAt: lastEvent.receivedAt.toISOString() } : null,
    eventCounts,
    unmatchedCustomers,
    openPaymentFailures,
  }
}

/** Sets (or rolls) the endpoint's signing secret; the audit log records that it changed, never the secret. */
export async function setStripeSigningSecret(db: Db, params: { workspaceId: string; signingSecret: string; actor: AuditActor }) {
  const { workspaceId, actor } = params
  const before = await repo.findStripeSettings(db, { workspaceId })
  const after = await repo.upsertStripeSettings(db, { workspaceId, signingSecret: params.signingSecret, updatedBy: actor.kind === 'user' ? actor.userId : null })
  await recordAudit(db, {
    workspaceId,
    actor,
    action: before ? 'billing.stripe_secret_changed' : 'billing.stripe_secret_set',
    entityType: 'billing_stripe_settings',
    entityId: workspaceId,
    before: before ? { configured: true, secretLast4: last4(before.signingSecret) } : null,
    after: { configured: true, secretLast4: last4(after.signingSecret) },
  })
}

// ----- the webhook -----

/**
 * Verifies, stores (once per Stripe event id) and applies one delivery. Errors are 4xx: an unknown
 * or unconfigured workspace is 404, a bad signature or a body that is not a Stripe event is 400.
 */
export async function receiveStripeWebhook(
  db: Db,
  params: { workspaceSlug: string; rawBody: Uint8Array; signature: string | undefined; nowSeconds?: number },
): Promise<{ duplicate: boolean; status: StripeEventStatus }> {
  const workspace = await findWorkspaceBySlug(db, params.workspaceSlug)
  const settings = workspace ? await repo.findStripeSettings(db, { workspaceId: workspace.id }) : undefined
  if (!workspace || !settings) {
    throw new ProblemError(404, 'Not Found', 'No Stripe endpoint is configured at this address: set the signing secret in Bosun under Settings → Billing (Stripe)')
  }
  const check = verifyStripeSignature({ rawBody: params.rawBody, header: params.signature, secret: settings.signingSecret, nowSeconds: params.nowSeconds })
  if (!check.ok) throw badRequest('Stripe-Signature', check.reason)

  const text = Buffer.from(params.rawBody).toString('utf8')
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw badRequest('body', 'is not valid JSON')
  }
  // PostgreSQL's jsonb and text cannot hold NUL: refuse it here rather than fail in the database.
  if (text.includes('\\u0000')) throw badRequest('body', 'contains \\u0000 (NUL), which cannot be stored')
  const parsed = StripeEventEnvelope.safeParse(json)
  if (!parsed.success) {
    const errors = zodFieldErrors(parsed.error, 'body')
    throw new ProblemError(400, 'Bad Request', `Not a Stripe event: ${errors.map((error) => `${error.field}: ${error.message}`).join('; ')}`, errors)
  }
  const event = parsed.data
  const object = event.data.object
  const workspaceId = workspace.id
  const stored = await repo.insertStripeEvent(db, {
    workspaceId,
    stripeEventId: event.id,
    type: event.type,
    livemode: event.livemode ?? false,
    stripeCustomerId: (object.object === 'customer' ? (typeof object.id === 'string' ? object.id : undefined) : customerIdOf(object))?.slice(0, 255) ?? null,
    stripeObjectId: typeof object.id === 'string' ? object.id.slice(0, 255) : null,
    eventCreatedAt: new Date(event.created * 1000),
    payload: json as Record<string, unknown>,
  })
  if (!stored) {
    const existing = await repo.findStripeEvent(db, { workspaceId, stripeEventId: event.id })
    return { duplicate: true, status: existing?.status ?? 'received' }
  }
  const statuses = await processEvents(db, workspaceId, [stored])
  return { duplicate: false, status: statuses.get(stored.id) ?? 'received' }
}

/**
 * Applies stored events: unhandled types are ignored; the rest are grouped by Stripe customer,
 * the customer is resolved to an account (mapping, else metadata, else an account whose external id
 * is the customer id) and, when it is, the customer's waiting (unmatched) events are applied with
 * these in Stripe time order; otherwise they are kept as unmatched.
 */
async function processEvents(db: Db, workspaceId: string, events: StripeEvent[]): Promise<Map<string, StripeEventStatus>> {
  const statuses = new Map<string, StripeEventStatus>()
  const byCustomer = new Map<string, StripeEvent[]>()
  for (const event of events) {
    if (!appliedTypes.has(event.type)) {
      await repo.updateStripeEvent(db, { workspaceId, id: event.id, changes: { status: 'ignored', processedAt: new Date(), error: null } })
      statuses.set(event.id, 'ignored')
    } else if (!event.stripeCustomerId) {
      await repo.updateStripeEvent(db, { workspaceId, id: event.id, changes: { status: 'failed', error: 'The event names no Stripe customer' } })
      statuses.set(event.id, 'failed')
    } else {
      byCustomer.set(event.stripeCustomerId, [...(byCustomer.get(event.stripeCustomerId) ?? []), event])
    }
  }
  for (const [customerId, group] of byCustomer) {
    const accountId = await resolveAccount(db, workspaceId, customerId, group)
    if (!accountId) {
      for (const event of group) {
        await repo.updateStripeEvent(db, { workspaceId, id: event.id, changes: { status: 'unmatched', accountId: null, processedAt: null, error: `No account is mapped to Stripe customer ${customerId}` } })
        statuses.set(event.id, 'unmatched')
      }
      continue
    }
    const waiting = await repo.listCustomerEvents(db, { workspaceId, stripeCustomerId: customerId, statuses: ['unmatched'], limit: 5_000 })
    const ids = new Set(group.map((event) => event.id))
    const queue = [...group, ...waiting.filter((event) => !ids.has(event.id))].sort(byStripeTime)
    for (const event of queue) statuses.set(event.id, await applyEvent(db, event, accountId))
  }
  return statuses
}

/** The account a Stripe customer is, saving the mapping when it was found from metadata or the customer id. */
async function resolveAccount(db: Db, workspaceId: string, customerId: string, events: StripeEvent[]): Promise<string | undefined> {
  const mapping = await repo.findCustomerMapping(db, { workspaceId, stripeCustomerId: customerId })
  if (mapping) return mapping.accountId
  const save = async (accountId: string, source: 'metadata' | 'external_id') => {
    await repo.saveCustomerMapping(db, { workspaceId, stripeCustomerId: customerId, accountId, source })
    // Someone else may have mapped it in between: theirs stands.
    return (await repo.findCustomerMapping(db, { workspaceId, stripeCustomerId: customerId }))?.accountId ?? accountId
  }
  const externalIds = [...new Set(events.map((event) => accountExternalIdOf(objectOf(event))).filter((id): id is string => id !== undefined))]
  for (const externalId of externalIds) {
    const account = await findAccountByExternalId(db, { workspaceId, externalId })
    if (account) return save(account.id, 'metadata')
  }
  const sameId = await findAccountByExternalId(db, { workspaceId, externalId: customerId })
  if (sameId) return save(sameId.id, 'external_id')
  return undefined
}

/** Applies one event to its account in one transaction; a failure is kept on the event (status failed, error), never thrown. */
async function applyEvent(db: Db, event: StripeEvent, accountId: string): Promise<StripeEventStatus> {
  const { workspaceId } = event
  try {
    return await db.transaction(async (tx) => {
      await repo.lockAccountForBilling(tx, { workspaceId, accountId })
      const result = await applyInTransaction(tx, event, accountId)
      await repo.updateStripeEvent(tx, { workspaceId, id: event.id, changes: { status: result.status, accountId, processedAt: new Date(), error: result.note ?? null } })
      return result.status
    })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    await repo.updateStripeEvent(db, { workspaceId, id: event.id, changes: { status: 'failed', accountId, processedAt: null, error: message.slice(0, 2000) } })
    return 'failed'
  }
}

type Applied = { status: 'processed' | 'ignored'; note?: string }

async function applyInTransaction(db: Db, event: StripeEvent, accountId: string): Promise<Applied> {
  if (subscriptionEventTypes.includes(event.type)) return applySubscription(db, event, accountId)
  if (event.type === 'invoice.payment_failed') return applyPaymentFailed(db, event, accountId)
  if (paidEventTypes.includes(event.type)) return applyPaid(db, event, accountId)
  // customer.created / customer.updated: resolving the customer was the work (the mapping is saved).
  return { status: 'processed' }
}

async function applySubscription(db: Db, event: StripeEvent, accountId: string): Promise<Applied> {
  const { workspaceId } = event
  const terms = subscriptionTerms(objectOf(event), { deleted: event.type === 'customer.subscription.deleted' })
  if (!terms) throw badRequest('data.object', 'is not a Stripe subscription')
  const newer = await repo.latestAppliedEventAt(db, { workspaceId, stripeObjectId: terms.subscriptionId, types: subscriptionEventTypes, excludeId: event.id })
  if (newer && newer > event.eventCreatedAt) {
    return { status: 'ignored', note: `Older than an event already applied to ${terms.subscriptionId} (created ${newer.toISOString()})` }
  }
  const { subscription, before } = await upsertSubscriptionByExternalId(db, {
    workspaceId,
    input: {
      accountId,
      externalId: terms.subscriptionId,
      product: terms.product,
      startDate: terms.startDate,
      endDate: terms.endDate,
      arr: terms.arr,
      currency: terms.currency,
      seats: terms.seats,
      status: terms.status,
      autoRenew: terms.autoRenew,
    },
  })
  const effectiveDate = isoDay(event.eventCreatedAt)
  const accountIds = [...new Set([accountId, before?.accountId ?? accountId])]
  const ledger = await subscriptionLedgerArr(db, { workspaceId, accountIds, subscriptionId: subscription.id })
  const movement = { subscriptionId: subscription.id, currency: terms.currency, source: 'stripe', note: `${event.type} ${terms.subscriptionId}` }
  // The customer now maps to another account: the subscription's ARR leaves the old one.
  for (const entry of ledger) {
    if (entry.accountId === accountId || entry.arr < 0.005) continue
    const kind = await movementKind(db, { workspaceId, accountId: entry.accountId, date: effectiveDate, delta: -entry.arr })
    await recordRevenueMovement(db, { ...movement, workspaceId, accountId: entry.accountId, kind, effectiveDate, amount: roundCents(entry.arr), externalId: `stripe:${event.stripeEventId}:moved` })
  }
  const recorded = ledger.find((entry) => entry.accountId === accountId)?.arr ?? 0
  const delta = roundCents(terms.contributingArr - recorded)
  if (Math.abs(delta) >= 0.01) {
    const kind = await movementKind(db, { workspaceId, accountId, date: effectiveDate, delta })
    await recordRevenueMovement(db, { ...movement, workspaceId, accountId, kind, effectiveDate, amount: Math.abs(delta), externalId: `stripe:${event.stripeEventId}` })
  }
  return { status: 'processed' }
}

/** new / reactivation from zero (reactivation if the account had churned), expansion above it; churn to zero, contraction above it. */
async function movementKind(db: Db, params: { workspaceId: string; accountId: string; date: string; delta: number }) {
  const { arr: before } = await arrAtDate(db, { workspaceId: params.workspaceId, accountId: params.accountId, date: params.date })
  if (params.delta > 0) {
    if (before >= 0.005) return 'expansion' as const
    const account = await getAccount(db, { workspaceId: params.workspaceId, accountId: params.accountId })
    return account.status === 'churned' || account.churnedAt !== null ? ('reactivation' as const) : ('new' as const)
  }
  return before + params.delta < 0.005 ? ('churn' as const) : ('contraction' as const)
}

async function applyPaymentFailed(db: Db, event: StripeEvent, accountId: string): Promise<Applied> {
  const { workspaceId } = event
  const invoice = invoiceFacts(objectOf(event))
  if (!invoice) throw badRequest('data.object', 'is not a Stripe invoice')
  const failedAt = event.eventCreatedAt
  // A payment of this invoice already applied from a later event keeps this failure resolved.
  const paidAt = await repo.latestAppliedEventAt(db, { workspaceId, stripeObjectId: invoice.invoiceId, types: paidEventTypes, excludeId: event.id })
  await repo.upsertPaymentFailure(db, {
    workspaceId,
    accountId,
    stripeInvoiceId: invoice.invoiceId,
    stripeCustomerId: invoice.customerId ?? null,
    stripeSubscriptionId: invoice.subscriptionId ?? null,
    amount: invoice.amountDue,
    currency: invoice.currency,
    failedAt,
    attemptCount: invoice.attemptCount,
    nextAttemptAt: invoice.nextAttemptAt ?? null,
    resolvedAt: paidAt && paidAt >= failedAt ? paidAt : null,
  })
  return { status: 'processed' }
}

async function applyPaid(db: Db, event: StripeEvent, accountId: string): Promise<Applied> {
  const invoice = invoiceFacts(objectOf(event))
  if (!invoice) throw badRequest('data.object', 'is not a Stripe invoice')
  await repo.resolvePaymentFailures(db, { workspaceId: event.workspaceId, accountId, stripeInvoiceId: invoice.invoiceId, at: event.eventCreatedAt })
  return { status: 'processed' }
}

// ----- customers, retries -----

const countOf = (statuses: Map<string, StripeEventStatus>): ReprocessCounts => {
  const counts = noCounts()
  for (const status of statuses.values()) if (status !== 'received') counts[status] += 1
  return counts
}

/** Maps a Stripe customer to an account by hand (replacing any mapping) and applies its waiting events. */
export async function mapStripeCustomer(db: Db, params: { workspaceId: string; stripeCustomerId: string; accountId: string; actor: AuditActor }) {
  const { workspaceId, stripeCustomerId, accountId } = params
  await assertAccountReference(db, { workspaceId, accountId })
  const before = await repo.findCustomerMapping(db, { workspaceId, stripeCustomerId })
  await repo.saveCustomerMapping(db, { workspaceId, stripeCustomerId, accountId, source: 'manual' })
  const account = await getAccount(db, { workspaceId, accountId })
  await recordAudit(db, {
    workspaceId,
    actor: params.actor,
    action: 'billing.stripe_customer_mapped',
    entityType: 'stripe_customer',
    entityId: stripeCustomerId,
    before: before ? { accountId: before.accountId, source: before.source } : null,
    after: { accountId, accountName: account.name, source: 'manual' },
  })
  const waiting = await repo.listCustomerEvents(db, { workspaceId, stripeCustomerId, statuses: ['unmatched'], limit: 5_000 })
  const reprocessed = countOf(await processEvents(db, workspaceId, waiting))
  const mapping = await repo.findCustomerMapping(db, { workspaceId, stripeCustomerId })
  if (!mapping) throw new ProblemError(409, 'Conflict', 'The mapping was removed while it was being saved (was the account deleted?)')
  return { mapping: { ...mapping, accountName: account.name, accountExternalId: account.externalId }, reprocessed }
}

/**
 * Tries waiting events again: unmatched ones (an account may have been created or given the
 * external id since), and failed ones when asked. Run hourly by the billing job and from Settings.
 */
export async function retryStripeEvents(db: Db, params: { workspaceId: string; includeFailed?: boolean }): Promise<ReprocessCounts> {
  const { workspaceId } = params
  const statuses: StripeEventStatus[] = params.includeFailed ? ['unmatched', 'failed'] : ['unmatched']
  const results = new Map<string, StripeEventStatus>()
  const customers = await repo.customersWithStatus(db, { workspaceId, statuses, limit: 10_000 })
  for (const stripeCustomerId of customers) {
    const events = await repo.listCustomerEvents(db, { workspaceId, stripeCustomerId, statuses, limit: 5_000 })
    for (const [id, status] of await processEvents(db, workspaceId, events)) results.set(id, status)
  }
  if (params.includeFailed) {
    const orphans = await repo.listEventsWithoutCustomer(db, { workspaceId, statuses: ['failed'], limit: 5_000 })
    for (const [id, status] of await processEvents(db, workspaceId, orphans)) results.set(id, status)
  }
  return countOf(results)
}

export async function listStripeEvents(db: Db, params: { workspaceId: string; status?: StripeEventStatus; limit: number; cursor?: string }) {
  const rows = await repo.listStripeEvents(db, { workspaceId: params.workspaceId, status: params.status, limit: params.limit + 1, after: decodeTimestampCursor(params.cursor) })
  const items = rows.slice(0, params.limit)
  const last = items[items.length - 1]
  return { items, nextCursor: rows.length > params.limit && last ? encodeCursor([last.cursorAt, last.id]) : null }
}

export const listUnmatchedCustomers = repo.listUnmatchedCustomers
export const listCustomerMappings = repo.listCustomerMappings

// ----- payment failures -----

export async function listAccountPaymentFailures(db: Db, params: { workspaceId: string; accountId: string }) {
  await getAccount(db, params)
  const [items, open] = await Promise.all([repo.listAccountPaymentFailures(db, { ...params, limit: 200 }), repo.openPaymentFailures(db, params)])
  return { items, openCount: open.length }
}

/** Open (unpaid) payment failures of an account, newest first: the "payment failed" signal. */
export const openPaymentFailures = repo.openPaymentFailures
