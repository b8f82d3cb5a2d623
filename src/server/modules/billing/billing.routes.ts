import { createRoute } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { ProblemError, createRouter, jsonBody, jsonResponse, problemResponses, requirePermission, type AppDeps, type AppEnv } from '../../platform/http'
import {
  AccountIdParam,
  CustomerIdParam,
  MapCustomerBody,
  MapCustomerResultSchema,
  PaymentFailureListSchema,
  RetryQuery,
  RetryResultSchema,
  SetStripeSecretBody,
  StripeCustomerMappingSchema,
  StripeEventListQuery,
  StripeEventPageSchema,
  StripeSettingsSchema,
  UnmatchedCustomerSchema,
  WebhookAckSchema,
  WebhookParam,
  handledStripeEventTypes,
} from './billing.contracts'
import type { PaymentFailure, StripeCustomerMapping, StripeEventSummary } from './billing.repo'
import * as service from './billing.service'
import { z } from '@hono/zod-openapi'

const iso = (value: Date | null) => (value ? value.toISOString() : null)

export const toPaymentFailureDto = (failure: PaymentFailure) => ({
  id: failure.id,
  accountId: failure.accountId,
  stripeInvoiceId: failure.stripeInvoiceId,
  stripeSubscriptionId: failure.stripeSubscriptionId,
  amount: Number(failure.amount),
  currency: failure.currency,
  failedAt: failure.failedAt.toISOString(),
  attemptCount: failure.attemptCount,
  nextAttemptAt: iso(failure.nextAttemptAt),
  resolvedAt: iso(failure.resolvedAt),
})

const toStripeEventDto = (event: StripeEventSummary) => ({
  id: event.id,
  stripeEventId: event.stripeEventId,
  type: event.type,
  livemode: event.livemode,
  status: event.status,
  stripeCustomerId: event.stripeCustomerId,
  stripeObjectId: event.stripeObjectId,
  accountId: event.accountId,
  accountName: event.accountName,
  eventCreatedAt: event.eventCreatedAt.toISOString(),
  receivedAt: event.receivedAt.toISOString(),
  processedAt: iso(event.processedAt),
  error: event.error,
})

const toMappingDto = (mapping: StripeCustomerMapping & { accountName: string; accountExternalId: string }) => ({
  stripeCustomerId: mapping.stripeCustomerId,
  accountId: mapping.accountId,
  accountName: mapping.accountName,
  accountExternalId: mapping.accountExternalId,
  source: mapping.source,
  createdAt: mapping.createdAt.toISOString(),
  updatedAt: mapping.updatedAt.toISOString(),
})

/** Where this server is reached from outside, for the URL to paste into Stripe (honours a proxy's X-Forwarded-*). */
function publicOrigin(c: Context<AppEnv>): string {
  const url = new URL(c.req.url)
  const forwardedProto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim()
  const forwardedHost = c.req.header('x-forwarded-host')?.split(',')[0]?.trim()
  const proto = forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : url.protocol.replace(':', '')
  const host = forwardedHost && /^[A-Za-z0-9.\-:[\]]{1,300}$/.test(forwardedHost) ? forwardedHost : url.host
  return `${proto}://${host}`
}

const tags = ['Billing (Stripe)']
const readConfig = requirePermission('config:read')
const writeConfig = requirePermission('config:write')

/** Documentation only: the body is read raw (the signature covers its exact bytes), then checked. */
const stripeEventDocument = {
  type: 'object' as const,
  description: `A Stripe Event object as Stripe sends it (https://docs.stripe.com/api/events/object). Applied types: ${handledStripeEventTypes.join(', ')} (and invoice.payment_succeeded, read like invoice.paid); others are stored and ignored.`,
  required: ['id', 'type', 'created', 'data'],
  properties: {
    id: { type: 'string' as const, example: 'evt_1PqR2sT3uV4wX5yZ' },
    object: { type: 'string' as const, example: 'event' },
    type: { type: 'string' as const, example: 'customer.subscription.updated' },
    created: { type: 'integer' as const, description: 'Unix seconds' },
    livemode: { type: 'boolean' as const },
    data: { type: 'object' as const, properties: { object: { type: 'object' as const, description: 'The subscription, invoice or customer' } } },
  },
}

const webhookRoute = createRoute({
  method: 'post',
  path: '/webhooks/stripe/{workspace}',
  tags,
  summary: 'Stripe webhook endpoint of a workspace (authenticated by the Stripe-Signature header, not a session or key)',
  description:
    'Verifies `Stripe-Signature` (HMAC-SHA256 of `t.body` with the workspace’s signing secret, at most 5 minutes old), stores the event once per ' +
    'Stripe event id (redeliveries are acknowledged and not applied again) and applies it: subscriptions become Bosun subscriptions and ' +
    'revenue-ledger movements (new, expansion, contraction, churn, reactivation), invoice.payment_failed opens a payment failure and ' +
    'invoice.paid resolves it. Events of a Stripe customer not mapped to an account are kept (status unmatched) and applied when the ' +
    'mapping arrives: from `metadata.bosun_account_external_id` (or `metadata.account_external_id`) on the subscription, invoice or ' +
    'customer, from an account whose external id is the Stripe customer id, or set in Settings → Billing (Stripe).',
  request: {
    params: WebhookParam,
    headers: z.object({ 'stripe-signature': z.string().optional().describe('t=<unix seconds>,v1=<hex HMAC-SHA256>') }),
    body: { content: { 'application/json': { schema: stripeEventDocument } }, required: true },
  },
  responses: {
    200: jsonResponse(WebhookAckSchema, 'Stored (and applied, or kept as unmatched/ignored/failed: see status)'),
    400: problemResponses[400],
    404: { ...problemResponses[404], description: 'No Stripe endpoint is configured for this workspace' },
    413: { description: `Body larger than ${service.MAX_STRIPE_EVENT_BYTES} bytes` },
  },
})

const settingsRoute = createRoute({
  method: 'get',
  path: '/api/v1/billing/stripe',
  tags,
  summary: 'The Stripe connection: configured or not, the webhook URL to paste into Stripe, events received',
  middleware: [readConfig] as const,
  responses: { 200: jsonResponse(StripeSettingsSchema, 'The Stripe connection'), ...problemResponses },
})

const setSecretRoute = createRoute({
  method: 'put',
  path: '/api/v1/billing/stripe',
  tags,
  summary: 'Set or roll the webhook signing secret (whsec_…); it is never returned, only its last 4 characters',
  middleware: [writeConfig] as const,
  request: jsonBody(SetStripeSecretBody),
  responses: { 200: jsonResponse(StripeSettingsSchema, 'Saved'), ...problemResponses },
})

const eventsRoute = createRoute({
  method: 'get',
  path: '/api/v1/billing/stripe/events',
  tags,
  summary: 'Stripe events received, newest first, with what became of each (processed, unmatched, ignored, failed)',
  middleware: [readConfig] as const,
  request: { query: StripeEventListQuery },
  responses: { 200: jsonResponse(StripeEventPageSchema, 'A page of events'), ...problemResponses },
})

const retryRoute = createRoute({
  method: 'post',
  path: '/api/v1/billing/stripe/events/retry',
  tags,
  summary: 'Apply waiting events again: unmatched ones (and failed ones with includeFailed=true)',
  middleware: [writeConfig] as const,
  request: { query: RetryQuery },
  responses: { 200: jsonResponse(RetryResultSchema, 'What became of the retried events'), ...problemResponses },
})

const unmatchedRoute = createRoute({
  method: 'get',
  path: '/api/v1/billing/stripe/unmatched-customers',
  tags,
  summary: 'Stripe customers whose events wait for an account mapping (up to 500), most recent first',
  middleware: [readConfig] as const,
  responses: { 200: jsonResponse(z.object({ items: z.array(UnmatchedCustomerSchema) }), 'Unmatched customers'), ...problemResponses },
})

const mappingsRoute = createRoute({
  method: 'get',
  path: '/api/v1/billing/stripe/customers',
  tags,
  summary: 'Stripe customers mapped to accounts (up to 1,000, most recently changed first)',
  middleware: [readConfig] as const,
  responses: { 200: jsonResponse(z.object({ items: z.array(StripeCustomerMappingSchema) }), 'Mappings'), ...problemResponses },
})

const mapRoute = createRoute({
  method: 'put',
  path: '/api/v1/billing/stripe/customers/{customerId}',
  tags,
  summary: 'Map a Stripe customer to an account; its waiting events are applied at once',
  middleware: [writeConfig] as const,
  request: { params: CustomerIdParam, ...jsonBody(MapCustomerBody) },
  responses: { 200: jsonResponse(MapCustomerResultSchema, 'Mapped'), ...problemResponses },
})

const paymentFailuresRoute = createRoute({
  method: 'get',
  path: '/api/v1/accounts/{id}/payment-failures',
  tags: ['Accounts'],
  summary: 'Failed Stripe payments of an account: open ones first (the payment-failure signal), then resolved',
  middleware: [requirePermission('customers:read')] as const,
  request: { params: AccountIdParam },
  responses: { 200: jsonResponse(PaymentFailureListSchema, 'Payment failures'), ...problemResponses },
})

export function billingRoutes(deps: AppDeps) {
  const { db } = deps
  const settingsOf = (c: Context<AppEnv>) =>
    service.getStripeSettings(db, { workspaceId: c.get('auth').workspaceId, workspaceSlug: c.get('auth').workspaceSlug, origin: publicOrigin(c) })
  return createRouter()
    .openapi(webhookRoute, async (c) => {
      const declared = Number(c.req.header('content-length') ?? 0)
      const tooLarge = () => new ProblemError(413, 'Payload Too Large', `A Stripe event is at most ${service.MAX_STRIPE_EVENT_BYTES} bytes here`)
      if (declared > service.MAX_STRIPE_EVENT_BYTES) throw tooLarge()
      const rawBody = new Uint8Array(await c.req.arrayBuffer())
      if (rawBody.byteLength > service.MAX_STRIPE_EVENT_BYTES) throw tooLarge()
      const result = await service.receiveStripeWebhook(db, {
        workspaceSlug: c.req.valid('param').workspace,
        rawBody,
        signature: c.req.header('stripe-signature'),
      })
      return c.json({ received: true as const, duplicate: result.duplicate, status: result.status }, 200)
    })
    .openapi(settingsRoute, async (c) => c.json(await settingsOf(c), 200))
    .openapi(setSecretRoute, async (c) => {
      const auth = c.get('auth')
      await service.setStripeSigningSecret(db, { workspaceId: auth.workspaceId, signingSecret: c.req.valid('json').signingSecret, actor: auth.actor })
      return c.json(await settingsOf(c), 200)
    })
    .openapi(eventsRoute, async (c) => {
      const query = c.req.valid('query')
      const page = await service.listStripeEvents(db, { workspaceId: c.get('auth').workspaceId, ...query })
      return c.json({ items: page.items.map(toStripeEventDto), nextCursor: page.nextCursor }, 200)
    })
    .openapi(retryRoute, async (c) => {
      const counts = await service.retryStripeEvents(db, { workspaceId: c.get('auth').workspaceId, includeFailed: c.req.valid('query').includeFailed })
      return c.json(counts, 200)
    })
    .openapi(unmatchedRoute, async (c) => {
      const items = await service.listUnmatchedCustomers(db, { workspaceId: c.get('auth').workspaceId, limit: 500 })
      return c.json({ items }, 200)
    })
    .openapi(mappingsRoute, async (c) => {
      const items = await service.listCustomerMappings(db, { workspaceId: c.get('auth').workspaceId, limit: 1_000 })
      return c.json({ items: items.map(toMappingDto) }, 200)
    })
    .openapi(mapRoute, async (c) => {
      const auth = c.get('auth')
      const result = await service.mapStripeCustomer(db, {
        workspaceId: auth.workspaceId,
        stripeCustomerId: c.req.valid('param').customerId,
        accountId: c.req.valid('json').accountId,
        actor: auth.actor,
      })
      return c.json({ mapping: toMappingDto(result.mapping), reprocessed: result.reprocessed }, 200)
    })
    .openapi(paymentFailuresRoute, async (c) => {
      const result = await service.listAccountPaymentFailures(db, { workspaceId: c.get('auth').workspaceId, accountId: c.req.valid('param').id })
      return c.json({ items: result.items.map(toPaymentFailureDto), openCount: result.openCount }, 200)
    })
}
