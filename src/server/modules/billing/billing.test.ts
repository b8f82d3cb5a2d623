import crypto from 'node:crypto'
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeAccount } from '../../testing/factories'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { openPaymentFailures } from './billing.service'
import { retryUnmatchedStripeEventsJob } from './jobs/retry-unmatched-events'

/** Real Stripe signatures: the official package signs every payload these tests send. */
const stripe = new Stripe('sk_test_bosun_tests_never_call_stripe')

let ctx: TestContext
let acme: TestWorkspace
let globex: TestWorkspace
const acmeSecret = `whsec_${crypto.randomBytes(24).toString('base64url')}`
const globexSecret = `whsec_${crypto.randomBytes(24).toString('base64url')}`

beforeAll(async () => {
  ctx = await createTestContext()
  acme = await ctx.createWorkspace('acme')
  globex = await ctx.createWorkspace('globex')
  for (const [workspace, signingSecret] of [[acme, acmeSecret], [globex, globexSecret]] as const) {
    const response = await ctx.as(workspace, 'admin')('PUT', '/api/v1/billing/stripe', { signingSecret })
    expect(response.status).toBe(200)
  }
})
afterAll(() => ctx?.close())

type Problem = { status: number; errors?: { field: string; message: string }[] }
type Ack = { received: true; duplicate: boolean; status: string }
type Movement = { kind: string; arrDelta: number; effectiveDate: string; source: string; subscriptionId: string | null; createdAt: string }
type Subscription = { id: string; externalId: string; accountId: string; arr: number; seats: number | null; status: string; endDate: string | null; product: string; currency: string }
type PaymentFailures = { items: { stripeInvoiceId: string; amount: number; currency: string; attemptCount: number; resolvedAt: string | null }[]; openCount: number }

const now = () => Math.floor(Date.now() / 1000)
const unique = (prefix: string) => `${prefix}_${crypto.randomBytes(6).toString('hex')}`
let clock = now() - 3_600

/** Each event is 10 seconds after the previous one, as a real sequence would be. */
function stripeEvent(type: string, object: Record<string, unknown>, options: { id?: string; created?: number } = {}) {
  clock += 10
  return {
    id: options.id ?? unique('evt'),
    object: 'event',
    api_version: '2025-03-31.basil',
    created: options.created ?? clock,
    livemode: false,
    pending_webhooks: 1,
    request: { id: unique('req'), idempotency_key: null },
    type,
    data: { object },
  }
}

type SubscriptionOptions = {
  id: string
  customer: string
  seats: number
  unitAmount?: number
  interval?: 'month' | 'year'
  status?: string
  metadata?: Record<string, string>
}

/** A Stripe Subscription as the 2025 API sends it (period dates on the items). */
function subscription(options: SubscriptionOptions) {
  const start = 1_735_689_600 // 2025-01-01
  return {
    id: options.id,
    object: 'subscription',
    customer: options.customer,
    status: options.status ?? 'active',
    start_date: start,
    created: start,
    cancel_at_period_end: false,
    cancel_at: null,
    canceled_at: options.status === 'canceled' ? now() : null,
    ended_at: options.status === 'canceled' ? now() : null,
    currency: 'usd',
    collection_method: 'charge_automatically',
    metadata: options.metadata ?? {},
    items: {
      object: 'list',
      has_more: false,
      data: [
        {
          id: `si_${options.id}`,
          object: 'subscription_item',
          quantity: options.seats,
          current_period_start: 1_767_225_600, // 2026-01-01
          current_period_end: 1_798_761_600, // 2027-01-01
          price: {
            id: 'price_growth',
            object: 'price',
            active: true,
            currency: 'usd',
            nickname: 'Growth',
            product: 'prod_growth',
            type: 'recurring',
            unit_amount: options.unitAmount ?? 5_000,
            unit_amount_decimal: String(options.unitAmount ?? 5_000),
            recurring: { interval: options.interval ?? 'month', interval_count: 1, usage_type: 'licensed' },
          },
        },
      ],
    },
  }
}

function invoice(options: { id: string; customer: string; amountDue: number; attempt?: number; subscriptionId?: string; status?: string }) {
  return {
    id: options.id,
    object: 'invoice',
    customer: options.customer,
    customer_email: 'billing@kestrel.example',
    customer_name: 'Kestrel Logistics',
    currency: 'usd',
    amount_due: options.amountDue,
    amount_paid: options.status === 'paid' ? options.amountDue : 0,
    amount_remaining: options.status === 'paid' ? 0 : options.amountDue,
    attempt_count: options.attempt ?? 1,
    attempted: true,
    billing_reason: 'subscription_cycle',
    next_payment_attempt: options.status === 'paid' ? null : now() + 3 * 86_400,
    status: options.status ?? 'open',
    status_transitions: { paid_at: options.status === 'paid' ? now() : null },
    parent: { type: 'subscription_details', subscription_details: { subscription: options.subscriptionId ?? null, metadata: {} } },
  }
}

async function deliver(workspace: TestWorkspace, event: unknown, options: { secret?: string; timestamp?: number; body?: string } = {}) {
  const payload = options.body ?? JSON.stringify(event, null, 2)
  const secret = options.secret ?? (workspace === globex ? globexSecret : acmeSecret)
  const header = stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: options.timestamp })
  return ctx.app.request(`/webhooks/stripe/${workspace.slug}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': header },
    body: payload,
  })
}

async function deliverOk(workspace: TestWorkspace, event: unknown): Promise<Ack> {
  const response = await deliver(workspace, event)
  expect(response.status, await response.clone().text()).toBe(200)
  return (await response.json()) as Ack
}

const json = async <T>(response: Response) => {
  expect(response.status, await response.clone().text()).toBe(200)
  return (await response.json()) as T
}
const accountOf = (workspace: TestWorkspace, id: string) => ctx.as(workspace, 'viewer')('GET', `/api/v1/accounts/${id}`).then(json<{ arr: number; status: string }>)
const movementsOf = async (workspace: TestWorkspace, id: string) =>
  (await json<{ items: Movement[] }>(await ctx.as(workspace, 'viewer')('GET', `/api/v1/revenue-movements?accountId=${id}&limit=100`))).items.sort((a, b) =>
    a.createdAt.localeCompare(b.createdAt),
  )
const subscriptionsOf = async (workspace: TestWorkspace, id: string) =>
  (await json<{ items: Subscription[] }>(await ctx.as(workspace, 'viewer')('GET', `/api/v1/subscriptions?accountId=${id}`))).items
const failuresOf = (workspace: TestWorkspace, id: string) => ctx.as(workspace, 'viewer')('GET', `/api/v1/accounts/${id}/payment-failures`).then(json<PaymentFailures>)

describe('Stripe webhook: signatures', () => {
  it('refuses a bad, missing, stale or foreign signature with 400 naming Stripe-Signature, and stores nothing', async () => {
    const event = stripeEvent('customer.subscription.created', subscription({ id: unique('sub'), customer: unique('cus'), seats: 1 }))
    const payload = JSON.stringify(event)
    const cases: [string, Record<string, string>][] = [
      ['wrong secret', { 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret: `whsec_${crypto.randomBytes(24).toString('base64url')}` }) }],
      ["another workspace's secret", { 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret: globexSecret }) }],
      ['missing header', {}],
      ['garbage header', { 'stripe-signature': 'nonsense' }],
      ['stale timestamp', { 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret: acmeSecret, timestamp: now() - 600 }) }],
    ]
    for (const [name, headers] of cases) {
      const response = await ctx.app.request(`/webhooks/stripe/${acme.slug}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload })
      expect(response.status, name).toBe(400)
      expect(response.headers.get('content-type'), name).toContain('application/problem+json')
      expect(((await response.json()) as Problem).errors?.map((error) => error.field), name).toEqual(['Stripe-Signature'])
    }
    // A body changed after signing does not verify either.
    const signed = stripe.webhooks.generateTestHeaderString({ payload, secret: acmeSecret })
    const tampered = await ctx.app.request(`/webhooks/stripe/${acme.slug}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signed },
      body: payload.replace('"quantity":1', '"quantity":1000'),
    })
    expect(tampered.status).toBe(400)
    const events = await json<{ items: unknown[] }>(await ctx.as(acme, 'admin')('GET', '/api/v1/billing/stripe/events?limit=500'))
    expect(events.items.some((item) => (item as { stripeEventId: string }).stripeEventId === event.id)).toBe(false)
  })

  it("verifies with the workspace's own secret only: A's secret does not open B's endpoint", async () => {
    const event = stripeEvent('customer.created', { id: unique('cus'), object: 'customer', email: 'a@example.com', metadata: {} })
    expect((await deliver(globex, event, { secret: acmeSecret })).status).toBe(400)
    expect((await deliver(acme, event, { secret: globexSecret })).status).toBe(400)
    expect((await deliver(globex, event, { secret: globexSecret })).status).toBe(200)
  })

  it('answers 404 for an unknown or unconfigured workspace', async () => {
    const unconfigured = await ctx.createWorkspace('initech')
    const event = stripeEvent('invoice.paid', invoice({ id: unique('in'), customer: unique('cus'), amountDue: 100 }))
    for (const slug of [unconfigured.slug, 'no-such-workspace']) {
      const response = await ctx.app.request(`/webhooks/stripe/${slug}`, {
        method: 'POST',
        headers: { 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload: JSON.stringify(event), secret: acmeSecret }) },
        body: JSON.stringify(event),
      })
      expect(response.status, slug).toBe(404)
      expect(response.headers.get('content-type')).toContain('application/problem+json')
    }
  })

  it('never answers 5xx to garbage: bad JSON, non-events, empty and huge bodies', async () => {
    const nul = JSON.stringify(stripeEvent('customer.created', { id: unique('cus'), object: 'customer', name: 'bad\u0000name', metadata: {} }))
    const huge = JSON.stringify(stripeEvent('customer.created', { id: unique('cus'), object: 'customer', metadata: {} })).replace(/"created":\d+/, '"created":1e15')
    const bodies = [nul, huge, '{not json', '[]', '"text"', '{}', '{"id":"evt_1","type":"x","created":"yesterday","data":{"object":{}}}', '{"id":"evt_1","type":"x","created":1,"data":[]}', '']
    for (const body of bodies) {
      const signed = await deliver(acme, undefined, { body })
      expect(signed.status, body).toBe(400)
      expect(signed.headers.get('content-type'), body).toContain('application/problem+json')
      const unsigned = await ctx.app.request(`/webhooks/stripe/${acme.slug}`, { method: 'POST', body })
      expect(unsigned.status, body).toBe(400)
    }
    const fields = ((await (await deliver(acme, undefined, { body: '{"id":"evt_1","type":"x","created":"yesterday","data":{"object":{}}}' })).json()) as Problem).errors
    expect(fields?.map((error) => error.field)).toEqual(['created'])
    const tooLarge = await ctx.app.request(`/webhooks/stripe/${acme.slug}`, { method: 'POST', body: 'x'.repeat(1_100_000) })
    expect(tooLarge.status).toBe(413)
  })
})

describe('Stripe webhook: subscriptions and the revenue ledger', () => {
  it('turns created → updated (seats up, then down) → deleted into new, expansion, contraction and churn, each once', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { externalId: 'SF-KESTREL', arr: 0 })
    const customer = unique('cus')
    const subscriptionId = unique('sub')
    const metadata = { bosun_account_external_id: 'SF-KESTREL' }

    const created = stripeEvent('customer.subscription.created', subscription({ id: subscriptionId, customer, seats: 10, metadata }))
    expect(await deliverOk(acme, created)).toEqual({ received: true, duplicate: false, status: 'processed' })
    // 10 seats × $50 a month = $6,000 ARR.
    expect(await accountOf(acme, account.id)).toMatchObject({ arr: 6_000, status: 'active' })
    const [stored] = await subscriptionsOf(acme, account.id)
    expect(stored).toMatchObject({ externalId: subscriptionId, arr: 6_000, seats: 10, status: 'active', endDate: '2027-01-01', product: 'Growth', currency: 'USD' })

    const expanded = stripeEvent('customer.subscription.updated', subscription({ id: subscriptionId, customer, seats: 15, metadata }))
    expect((await deliverOk(acme, expanded)).status).toBe('processed')
    expect((await accountOf(acme, account.id)).arr).toBe(9_000)

    // Stripe retries: the same event again, even several at once, is acknowledged and never moves ARR twice.
    const replays = await Promise.all([1, 2, 3].map(() => deliverOk(acme, expanded)))
    expect(replays.every((ack) => ack.duplicate && ack.status === 'processed')).toBe(true)
    expect((await deliverOk(acme, created)).duplicate).toBe(true)
    expect((await accountOf(acme, account.id)).arr).toBe(9_000)

    const contracted = stripeEvent('customer.subscription.updated', subscription({ id: subscriptionId, customer, seats: 12, metadata }))
    await deliverOk(acme, contracted)
    expect((await accountOf(acme, account.id)).arr).toBe(7_200)

    const deleted = stripeEvent('customer.subscription.deleted', subscription({ id: subscriptionId, customer, seats: 12, status: 'canceled', metadata }))
    expect((await deliverOk(acme, deleted)).status).toBe('processed')
    expect(await accountOf(acme, account.id)).toMatchObject({ arr: 0, status: 'churned' })
    expect((await subscriptionsOf(acme, account.id))[0]).toMatchObject({ status: 'canceled', seats: 12 })

    const movements = await movementsOf(acme, account.id)
    expect(movements.map((movement) => [movement.kind, movement.arrDelta])).toEqual([
      ['new', 6_000],
      ['expansion', 3_000],
      ['contraction', -1_800],
      ['churn', -7_200],
    ])
    expect(movements.every((movement) => movement.source === 'stripe' && movement.subscriptionId === stored.id)).toBe(true)
    expect(movements[0].effectiveDate).toBe(new Date(created.created * 1000).toISOString().slice(0, 10))

    // Coming back after churn is a reactivation.
    const comeback = stripeEvent('customer.subscription.created', subscription({ id: unique('sub'), customer, seats: 2, interval: 'year', unitAmount: 100_000, metadata }))
    await deliverOk(acme, comeback)
    expect(await accountOf(acme, account.id)).toMatchObject({ arr: 2_000, status: 'active' })
    expect((await movementsOf(acme, account.id)).at(-1)).toMatchObject({ kind: 'reactivation', arrDelta: 2_000 })
  })

  it('ignores an update older than one already applied (Stripe does not guarantee order)', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { arr: 0 })
    const customer = unique('cus')
    const subscriptionId = unique('sub')
    const metadata = { account_external_id: account.externalId }
    const older = stripeEvent('customer.subscription.updated', subscription({ id: subscriptionId, customer, seats: 3, metadata }))
    const newer = stripeEvent('customer.subscription.updated', subscription({ id: subscriptionId, customer, seats: 8, metadata }))
    await deliverOk(acme, newer)
    expect((await deliverOk(acme, older)).status).toBe('ignored')
    expect((await accountOf(acme, account.id)).arr).toBe(4_800)
    expect((await subscriptionsOf(acme, account.id))[0].seats).toBe(8)
  })

  it('counts trials as no ARR until they convert, and stores unused event types as ignored', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { arr: 0 })
    const customer = unique('cus')
    const subscriptionId = unique('sub')
    const metadata = { bosun_account_external_id: account.externalId }
    await deliverOk(acme, stripeEvent('customer.subscription.created', subscription({ id: subscriptionId, customer, seats: 5, status: 'trialing', metadata })))
    expect((await accountOf(acme, account.id)).arr).toBe(0)
    expect((await subscriptionsOf(acme, account.id))[0]).toMatchObject({ status: 'trialing', arr: 3_000 })
    await deliverOk(acme, stripeEvent('customer.subscription.updated', subscription({ id: subscriptionId, customer, seats: 5, metadata })))
    expect((await accountOf(acme, account.id)).arr).toBe(3_000)
    expect((await movementsOf(acme, account.id)).map((movement) => movement.kind)).toEqual(['new'])

    const charge = stripeEvent('charge.succeeded', { id: unique('ch'), object: 'charge', customer, amount: 100 })
    expect(await deliverOk(acme, charge)).toEqual({ received: true, duplicate: false, status: 'ignored' })
  })
})

describe('Stripe webhook: unmatched customers', () => {
  it('keeps events of an unmapped customer, counts them, and applies them in order when the mapping is set', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { arr: 0 })
    const customer = unique('cus')
    const subscriptionId = unique('sub')
    const invoiceId = unique('in')
    const first = stripeEvent('customer.subscription.created', subscription({ id: subscriptionId, customer, seats: 4 }))
    const second = stripeEvent('customer.subscription.updated', subscription({ id: subscriptionId, customer, seats: 6 }))
    const failed = stripeEvent('invoice.payment_failed', invoice({ id: invoiceId, customer, amountDue: 30_000, subscriptionId }))
    for (const event of [first, second, failed]) expect((await deliverOk(acme, event)).status).toBe('unmatched')
    expect((await accountOf(acme, account.id)).arr).toBe(0)

    const admin = ctx.as(acme, 'admin')
    const settings = await json<{ unmatchedCustomers: number; eventCounts: { unmatched: number } }>(await admin('GET', '/api/v1/billing/stripe'))
    expect(settings.unmatchedCustomers).toBeGreaterThanOrEqual(1)
    expect(settings.eventCounts.unmatched).toBeGreaterThanOrEqual(3)
    const unmatched = await json<{ items: { stripeCustomerId: string; events: number; email: string | null; name: string | null }[] }>(
      await admin('GET', '/api/v1/billing/stripe/unmatched-customers'),
    )
    expect(unmatched.items.find((item) => item.stripeCustomerId === customer)).toMatchObject({ events: 3, email: 'billing@kestrel.example', name: 'Kestrel Logistics' })

    // Only config:write may map; an account of another workspace is refused naming the field.
    expect((await ctx.as(acme, 'csm')('PUT', `/api/v1/billing/stripe/customers/${customer}`, { accountId: account.id })).status).toBe(403)
    const foreign = await makeAccount(ctx.handle.db, globex.id)
    const refused = await admin('PUT', `/api/v1/billing/stripe/customers/${customer}`, { accountId: foreign.id })
    expect(refused.status).toBe(400)
    expect(((await refused.json()) as Problem).errors?.map((error) => error.field)).toEqual(['accountId'])

    const mapped = await json<{ mapping: { accountId: string; source: string; accountName: string }; reprocessed: { processed: number; unmatched: number } }>(
      await admin('PUT', `/api/v1/billing/stripe/customers/${customer}`, { accountId: account.id }),
    )
    expect(mapped.mapping).toMatchObject({ accountId: account.id, source: 'manual', accountName: account.name })
    expect(mapped.reprocessed).toMatchObject({ processed: 3, unmatched: 0 })
    expect((await accountOf(acme, account.id)).arr).toBe(3_600)
    expect((await movementsOf(acme, account.id)).map((movement) => [movement.kind, movement.arrDelta])).toEqual([
      ['new', 2_400],
      ['expansion', 1_200],
    ])
    expect((await failuresOf(acme, account.id)).openCount).toBe(1)
    const after = await json<{ items: { stripeCustomerId: string }[] }>(await admin('GET', '/api/v1/billing/stripe/unmatched-customers'))
    expect(after.items.some((item) => item.stripeCustomerId === customer)).toBe(false)

    // Later events of the customer follow the mapping.
    await deliverOk(acme, stripeEvent('customer.subscription.updated', subscription({ id: subscriptionId, customer, seats: 7 })))
    expect((await accountOf(acme, account.id)).arr).toBe(4_200)
  })

  it('applies waiting events once an account with the metadata external id exists (retry)', async () => {
    const customer = unique('cus')
    const externalId = unique('HUBSPOT')
    const event = stripeEvent('customer.subscription.created', subscription({ id: unique('sub'), customer, seats: 1, metadata: { bosun_account_external_id: externalId } }))
    expect((await deliverOk(acme, event)).status).toBe('unmatched')
    const account = await makeAccount(ctx.handle.db, acme.id, { externalId, arr: 0 })
    expect((await ctx.as(acme, 'csm')('POST', '/api/v1/billing/stripe/events/retry')).status).toBe(403)
    const counts = await json<{ processed: number }>(await ctx.as(acme, 'admin')('POST', '/api/v1/billing/stripe/events/retry'))
    expect(counts.processed).toBeGreaterThanOrEqual(1)
    expect((await accountOf(acme, account.id)).arr).toBe(600)
    const mappings = await json<{ items: { stripeCustomerId: string; source: string; accountId: string }[] }>(await ctx.as(acme, 'viewer')('GET', '/api/v1/billing/stripe/customers'))
    expect(mappings.items.find((item) => item.stripeCustomerId === customer)).toMatchObject({ source: 'metadata', accountId: account.id })
  })

  it('maps a customer whose id is the account external id, and one named by customer.created metadata', async () => {
    const byId = unique('cus')
    const account = await makeAccount(ctx.handle.db, acme.id, { externalId: byId, arr: 0 })
    await deliverOk(acme, stripeEvent('customer.subscription.created', subscription({ id: unique('sub'), customer: byId, seats: 2 })))
    expect((await accountOf(acme, account.id)).arr).toBe(1_200)

    const other = await makeAccount(ctx.handle.db, acme.id, { arr: 0 })
    const customer = unique('cus')
    const customerEvent = stripeEvent('customer.created', { id: customer, object: 'customer', email: 'ops@other.example', name: 'Other', metadata: { bosun_account_external_id: other.externalId } })
    expect((await deliverOk(acme, customerEvent)).status).toBe('processed')
    await deliverOk(acme, stripeEvent('customer.subscription.created', subscription({ id: unique('sub'), customer, seats: 1 })))
    expect((await accountOf(acme, other.id)).arr).toBe(600)
  })
})

describe('Stripe webhook: concurrency, remapping and the hourly retry', () => {
  it('applies two subscriptions of one customer delivered at the same time without losing either', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { arr: 0 })
    const customer = unique('cus')
    const metadata = { bosun_account_external_id: account.externalId }
    const events = [3, 5].map((seats) => stripeEvent('customer.subscription.created', subscription({ id: unique('sub'), customer, seats, metadata })))
    const acks = await Promise.all(events.map((event) => deliverOk(acme, event)))
    expect(acks.map((ack) => ack.status)).toEqual(['processed', 'processed'])
    expect((await accountOf(acme, account.id)).arr).toBe(4_800)
    expect((await movementsOf(acme, account.id)).map((movement) => movement.kind).sort()).toEqual(['expansion', 'new'])
  })

  it("moves a subscription's ARR to the new account when the customer is mapped elsewhere", async () => {
    const first = await makeAccount(ctx.handle.db, acme.id, { arr: 0 })
    const second = await makeAccount(ctx.handle.db, acme.id, { arr: 0 })
    const customer = unique('cus')
    const subscriptionId = unique('sub')
    const admin = ctx.as(acme, 'admin')
    await admin('PUT', `/api/v1/billing/stripe/customers/${customer}`, { accountId: first.id })
    await deliverOk(acme, stripeEvent('customer.subscription.created', subscription({ id: subscriptionId, customer, seats: 10 })))
    expect((await accountOf(acme, first.id)).arr).toBe(6_000)
    await admin('PUT', `/api/v1/billing/stripe/customers/${customer}`, { accountId: second.id })
    await deliverOk(acme, stripeEvent('customer.subscription.updated', subscription({ id: subscriptionId, customer, seats: 10 })))
    expect(await accountOf(acme, first.id)).toMatchObject({ arr: 0, status: 'churned' })
    expect((await accountOf(acme, second.id)).arr).toBe(6_000)
    expect((await subscriptionsOf(acme, second.id)).map((item) => item.externalId)).toEqual([subscriptionId])
  })

  it('the hourly job applies events whose account appeared later', async () => {
    const externalId = unique('SF')
    const customer = unique('cus')
    await deliverOk(acme, stripeEvent('customer.subscription.created', subscription({ id: unique('sub'), customer, seats: 4, metadata: { account_external_id: externalId } })))
    const account = await makeAccount(ctx.handle.db, acme.id, { externalId, arr: 0 })
    const job = retryUnmatchedStripeEventsJob(ctx.deps)
    expect(job.cron).toBeDefined()
    await job.handler({}, { id: 'test', queue: job.queue })
    expect((await accountOf(acme, account.id)).arr).toBe(2_400)
  })
})

describe('Stripe webhook: payment failures', () => {
  it('opens a payment failure on invoice.payment_failed, updates it on retries and clears it on invoice.paid', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { arr: 0 })
    const customer = unique('cus')
    const admin = ctx.as(acme, 'admin')
    await admin('PUT', `/api/v1/billing/stripe/customers/${customer}`, { accountId: account.id })
    const invoiceId = unique('in')

    await deliverOk(acme, stripeEvent('invoice.payment_failed', invoice({ id: invoiceId, customer, amountDue: 129_900 })))
    let failures = await failuresOf(acme, account.id)
    expect(failures.openCount).toBe(1)
    expect(failures.items[0]).toMatchObject({ stripeInvoiceId: invoiceId, amount: 1_299, currency: 'USD', attemptCount: 1, resolvedAt: null })
    expect((await openPaymentFailures(ctx.handle.db, { workspaceId: acme.id, accountId: account.id })).length).toBe(1)
    const settings = await json<{ openPaymentFailures: { failures: number; accounts: number } }>(await admin('GET', '/api/v1/billing/stripe'))
    expect(settings.openPaymentFailures.failures).toBeGreaterThanOrEqual(1)

    await deliverOk(acme, stripeEvent('invoice.payment_failed', invoice({ id: invoiceId, customer, amountDue: 129_900, attempt: 2 })))
    failures = await failuresOf(acme, account.id)
    expect(failures.items).toHaveLength(1)
    expect(failures.items[0].attemptCount).toBe(2)

    await deliverOk(acme, stripeEvent('invoice.paid', invoice({ id: invoiceId, customer, amountDue: 129_900, status: 'paid' })))
    failures = await failuresOf(acme, account.id)
    expect(failures.openCount).toBe(0)
    expect(failures.items[0].resolvedAt).not.toBeNull()
    expect(await openPaymentFailures(ctx.handle.db, { workspaceId: acme.id, accountId: account.id })).toEqual([])

    // Delivered out of order: a failure older than the payment stays resolved.
    const lateInvoice = unique('in')
    const lateFailure = stripeEvent('invoice.payment_failed', invoice({ id: lateInvoice, customer, amountDue: 500 }))
    const payment = stripeEvent('invoice.paid', invoice({ id: lateInvoice, customer, amountDue: 500, status: 'paid' }))
    await deliverOk(acme, payment)
    await deliverOk(acme, lateFailure)
    expect((await failuresOf(acme, account.id)).openCount).toBe(0)
  })

  it('keeps payment failures to their workspace', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    expect((await ctx.as(globex, 'owner')('GET', `/api/v1/accounts/${account.id}/payment-failures`)).status).toBe(404)
    expect((await ctx.as(acme, 'viewer')('GET', `/api/v1/accounts/${account.id}/payment-failures`)).status).toBe(200)
  })
})

describe('Stripe settings API', () => {
  it('never returns the signing secret, only its last 4, and audits the change without it', async () => {
    const initech = await ctx.createWorkspace('umbrella')
    const admin = ctx.as(initech, 'admin')
    const before = await json<{ configured: boolean; webhookUrl: string; eventTypes: string[] }>(await admin('GET', '/api/v1/billing/stripe'))
    expect(before).toMatchObject({ configured: false, webhookUrl: 'http://localhost/webhooks/stripe/umbrella' })
    expect(before.eventTypes).toEqual(expect.arrayContaining(['customer.subscription.created', 'customer.subscription.updated', 'customer.subscription.deleted', 'invoice.paid', 'invoice.payment_failed']))

    const bad = await admin('PUT', '/api/v1/billing/stripe', { signingSecret: 'sk_live_oops' })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as Problem).errors?.map((error) => error.field)).toEqual(['signingSecret'])
    expect((await ctx.as(initech, 'csm')('PUT', '/api/v1/billing/stripe', { signingSecret: acmeSecret })).status).toBe(403)

    const secret = `whsec_${crypto.randomBytes(24).toString('base64url')}`
    const saved = await admin('PUT', '/api/v1/billing/stripe', { signingSecret: secret })
    const savedText = await saved.text()
    expect(saved.status).toBe(200)
    expect(savedText).not.toContain(secret)
    expect(JSON.parse(savedText)).toMatchObject({ configured: true, secretLast4: secret.slice(-4) })
    const viewed = await ctx.as(initech, 'viewer')('GET', '/api/v1/billing/stripe')
    expect(await viewed.text()).not.toContain(secret)

    const audit = await (await ctx.as(initech, 'owner')('GET', '/api/v1/audit-log?entityType=billing_stripe_settings')).text()
    expect(audit).toContain('billing.stripe_secret_set')
    expect(audit).not.toContain(secret)

    const event = stripeEvent('customer.created', { id: unique('cus'), object: 'customer', metadata: {} })
    const response = await ctx.app.request('/webhooks/stripe/umbrella', {
      method: 'POST',
      headers: { 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload: JSON.stringify(event), secret }) },
      body: JSON.stringify(event),
    })
    expect(response.status).toBe(200)
    const settings = await json<{ lastEvent: { type: string; status: string } | null }>(await admin('GET', '/api/v1/billing/stripe'))
    expect(settings.lastEvent).toMatchObject({ type: 'customer.created', status: 'unmatched' })
  })

  it('lists received events newest first with cursors, and filters by status', async () => {
    const workspace = await ctx.createWorkspace('paging-billing')
    const secret = `whsec_${crypto.randomBytes(24).toString('base64url')}`
    await ctx.as(workspace, 'admin')('PUT', '/api/v1/billing/stripe', { signingSecret: secret })
    const ids: string[] = []
    for (let index = 0; index < 5; index++) {
      const event = stripeEvent(index % 2 ? 'charge.refunded' : 'customer.created', { id: unique('cus'), object: index % 2 ? 'charge' : 'customer', metadata: {} })
      ids.push(event.id)
      const payload = JSON.stringify(event)
      await ctx.app.request(`/webhooks/stripe/${workspace.slug}`, {
        method: 'POST',
        headers: { 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret }) },
        body: payload,
      })
    }
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const path: string = `/api/v1/billing/stripe/events?limit=2${cursor ? `&cursor=${cursor}` : ''}`
      const page = await json<{ items: { stripeEventId: string }[]; nextCursor: string | null }>(await ctx.as(workspace, 'viewer')('GET', path))
      seen.push(...page.items.map((item) => item.stripeEventId))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toEqual([...ids].reverse())
    const ignored = await json<{ items: { status: string }[] }>(await ctx.as(workspace, 'viewer')('GET', '/api/v1/billing/stripe/events?status=ignored'))
    expect(ignored.items.map((item) => item.status)).toEqual(['ignored', 'ignored'])
    expect((await ctx.as(workspace, 'viewer')('GET', '/api/v1/billing/stripe/events?cursor=garbage')).status).toBe(400)
  })
})
