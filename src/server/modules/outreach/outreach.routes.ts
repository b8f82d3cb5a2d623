import { createRoute, z } from '@hono/zod-openapi'
import { createRouter, decodeTimestampCursor, encodeCursor, jsonBody, jsonResponse, problemResponses, requirePermission, type AppDeps } from '../../platform/http'
import {
  DestinationKeyParam,
  DestinationSchema,
  EmailListQuery,
  EmailPageSchema,
  PutDestinationBody,
  PutSmtpSettingsBody,
  SendResultSchema,
  SmtpSettingsSchema,
  SmtpTestBody,
  UnsubscribeListQuery,
  UnsubscribeListSchema,
  UnsubscribeTokenParam,
  WebhookListQuery,
  WebhookPageSchema,
} from './outreach.contracts'
import { sendTestEmail, testDestination } from './outreach.delivery'
import { confirmPage, donePage, notFoundPage } from './outreach.pages'
import type { EmailLogRow, WebhookLogRow } from './outreach.repo'
import * as service from './outreach.service'

const tags = ['Outreach']
const readConfig = requirePermission('config:read')
const writeConfig = requirePermission('config:write')
const readCustomers = requirePermission('customers:read')

const iso = (value: Date | null) => (value ? value.toISOString() : null)
const isQueued = (status: string) => status === 'pending' || status === 'sending'

const toEmailDto = (row: EmailLogRow) => ({
  id: row.id,
  accountId: row.accountId,
  accountName: row.accountName,
  contactId: row.contactId,
  playbookKey: row.playbookKey,
  playbookRunId: row.playbookRunId,
  playbookStepId: row.playbookStepId,
  toAddress: row.toAddress,
  fromAddress: row.fromAddress,
  fromName: row.fromName,
  subject: row.subject,
  status: row.status,
  skipReason: row.skipReason,
  attempts: row.attempts,
  nextAttemptAt: isQueued(row.status) ? row.nextAttemptAt.toISOString() : null,
  lastError: row.lastError,
  messageId: row.messageId,
  sentAt: iso(row.sentAt),
  createdAt: row.createdAt.toISOString(),
})

const toWebhookDto = (row: WebhookLogRow) => ({
  id: row.id,
  destinationKey: row.destinationKey,
  kind: row.kind,
  accountId: row.accountId,
  accountName: row.accountName,
  playbookKey: row.playbookKey,
  playbookRunId: row.playbookRunId,
  playbookStepId: row.playbookStepId,
  payload: row.payload,
  status: row.status,
  attempts: row.attempts,
  nextAttemptAt: isQueued(row.status) ? row.nextAttemptAt.toISOString() : null,
  responseStatus: row.responseStatus,
  lastError: row.lastError,
  deliveredAt: iso(row.deliveredAt),
  createdAt: row.createdAt.toISOString(),
})

// ----- mail server -----

const getSmtpRoute = createRoute({
  method: 'get',
  path: '/api/v1/outreach/smtp',
  tags,
  summary: 'The mail server playbook emails are sent through (the password is never returned)',
  middleware: [readConfig] as const,
  responses: { 200: jsonResponse(SmtpSettingsSchema, 'The mail server'), ...problemResponses },
})

const putSmtpRoute = createRoute({
  method: 'put',
  path: '/api/v1/outreach/smtp',
  tags,
  summary: 'Set the mail server (omit password to keep the stored one)',
  middleware: [writeConfig] as const,
  request: jsonBody(PutSmtpSettingsBody),
  responses: { 200: jsonResponse(SmtpSettingsSchema, 'Saved'), ...problemResponses },
})

const testSmtpRoute = createRoute({
  method: 'post',
  path: '/api/v1/outreach/smtp/test',
  tags,
  summary: 'Send a test email now; the answer says what the mail server replied (ok false with the error when it failed)',
  middleware: [writeConfig] as const,
  request: jsonBody(SmtpTestBody),
  responses: { 200: jsonResponse(SendResultSchema, 'What the mail server answered'), ...problemResponses },
})

// ----- destinations -----

const listDestinationsRoute = createRoute({
  method: 'get',
  path: '/api/v1/outreach/destinations',
  tags,
  summary: 'Webhook and Slack destinations playbooks post to (URLs shortened, secrets never returned)',
  middleware: [readConfig] as const,
  responses: { 200: jsonResponse(z.object({ items: z.array(DestinationSchema) }), 'Destinations'), ...problemResponses },
})

const getDestinationRoute = createRoute({
  method: 'get',
  path: '/api/v1/outreach/destinations/{key}',
  tags,
  summary: 'One destination',
  middleware: [readConfig] as const,
  request: { params: DestinationKeyParam },
  responses: { 200: jsonResponse(DestinationSchema, 'The destination'), ...problemResponses },
})

const putDestinationRoute = createRoute({
  method: 'put',
  path: '/api/v1/outreach/destinations/{key}',
  tags,
  summary: 'Create or change a destination: a signed webhook (url + secret) or a Slack incoming webhook (url)',
  description:
    'Webhook deliveries are POSTed as JSON with `Bosun-Delivery` (the delivery id), `Bosun-Idempotency-Key` and ' +
    '`Bosun-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`; any 2xx answer within 10 s is a ' +
    'delivery, anything else is retried with backoff (30 s doubling, at most 1 h, 8 attempts).',
  middleware: [writeConfig] as const,
  request: { params: DestinationKeyParam, ...jsonBody(PutDestinationBody) },
  responses: { 200: jsonResponse(DestinationSchema, 'Saved'), 201: jsonResponse(DestinationSchema, 'Created'), ...problemResponses },
})

const deleteDestinationRoute = createRoute({
  method: 'delete',
  path: '/api/v1/outreach/destinations/{key}',
  tags,
  summary: 'Delete a destination (queued posts to it fail; playbooks naming it no longer validate)',
  middleware: [writeConfig] as const,
  request: { params: DestinationKeyParam },
  responses: { 204: { description: 'Deleted' }, ...problemResponses },
})

const testDestinationRoute = createRoute({
  method: 'post',
  path: '/api/v1/outreach/destinations/{key}/test',
  tags,
  summary: 'Post a test message now (signed like a real delivery; not logged) and answer the receiver’s status',
  middleware: [writeConfig] as const,
  request: { params: DestinationKeyParam },
  responses: { 200: jsonResponse(SendResultSchema, 'What the receiver answered'), ...problemResponses },
})

// ----- logs -----

const emailsRoute = createRoute({
  method: 'get',
  path: '/api/v1/outreach/emails',
  tags,
  summary: 'Emails queued by playbooks, newest first: status, skip reason, attempts, last error',
  middleware: [readCustomers] as const,
  request: { query: EmailListQuery },
  responses: { 200: jsonResponse(EmailPageSchema, 'A page of emails'), ...problemResponses },
})

const webhooksRoute = createRoute({
  method: 'get',
  path: '/api/v1/outreach/webhooks',
  tags,
  summary: 'Webhook and Slack posts queued by playbooks, newest first: status, attempts, response status, last error',
  middleware: [readCustomers] as const,
  request: { query: WebhookListQuery },
  responses: { 200: jsonResponse(WebhookPageSchema, 'A page of deliveries'), ...problemResponses },
})

const unsubscribesRoute = createRoute({
  method: 'get',
  path: '/api/v1/outreach/unsubscribes',
  tags,
  summary: 'Addresses that unsubscribed, newest first; playbooks never email them',
  middleware: [readCustomers] as const,
  request: { query: UnsubscribeListQuery },
  responses: { 200: jsonResponse(UnsubscribeListSchema, 'Unsubscribed addresses'), ...problemResponses },
})

// ----- public unsubscribe pages -----

const htmlResponse = (description: string) => ({ content: { 'text/html': { schema: z.string() } }, description })

const unsubscribePageRoute = createRoute({
  method: 'get',
  path: '/u/{token}',
  tags,
  summary: 'Unsubscribe link of an email (public): a confirmation page; following the link changes nothing (mail scanners follow links)',
  request: { params: UnsubscribeTokenParam },
  responses: { 200: htmlResponse('The confirmation page'), 404: htmlResponse('Unknown link') },
})

const unsubscribeRoute = createRoute({
  method: 'post',
  path: '/u/{token}',
  tags,
  summary: 'Unsubscribe (public; the confirmation button, and RFC 8058 one-click from mail clients): records the address, idempotent',
  request: { params: UnsubscribeTokenParam },
  responses: { 200: htmlResponse('You are unsubscribed'), 404: htmlResponse('Unknown link') },
})

export function outreachRoutes(deps: AppDeps) {
  const { db } = deps
  return createRouter()
    .openapi(getSmtpRoute, async (c) => c.json(await service.getSmtpSettings(db, { workspaceId: c.get('auth').workspaceId }), 200))
    .openapi(putSmtpRoute, async (c) => {
      const auth = c.get('auth')
      return c.json(await service.putSmtpSettings(db, { workspaceId: auth.workspaceId, actor: auth.actor, input: c.req.valid('json') }), 200)
    })
    .openapi(testSmtpRoute, async (c) => {
      const auth = c.get('auth')
      // The test goes out as the caller, as playbook emails go out as the CSM: a server that refuses that From shows it here.
      const userEmail = auth.actor.kind === 'user' ? auth.actor.email : null
      const address = await service.emailFromAddress(db, { workspaceId: auth.workspaceId, userEmail })
      const from = address ? { name: auth.actor.kind === 'user' ? auth.actor.name : 'Bosun', address } : null
      return c.json(await sendTestEmail(db, { workspaceId: auth.workspaceId, to: c.req.valid('json').to, from }), 200)
    })
    .openapi(listDestinationsRoute, async (c) => c.json({ items: await service.listDestinations(db, { workspaceId: c.get('auth').workspaceId }) }, 200))
    .openapi(getDestinationRoute, async (c) => c.json(await service.getDestination(db, { workspaceId: c.get('auth').workspaceId, key: c.req.valid('param').key }), 200))
    .openapi(putDestinationRoute, async (c) => {
      const auth = c.get('auth')
      const result = await service.putDestination(db, { workspaceId: auth.workspaceId, key: c.req.valid('param').key, actor: auth.actor, input: c.req.valid('json') })
      return c.json(result.destination, result.created ? 201 : 200)
    })
    .openapi(deleteDestinationRoute, async (c) => {
      const auth = c.get('auth')
      await service.deleteDestination(db, { workspaceId: auth.workspaceId, key: c.req.valid('param').key, actor: auth.actor })
      return c.body(null, 204)
    })
    .openapi(testDestinationRoute, async (c) => c.json(await testDestination(db, { workspaceId: c.get('auth').workspaceId, key: c.req.valid('param').key }), 200))
    .openapi(emailsRoute, async (c) => {
      const { cursor, ...query } = c.req.valid('query')
      const page = await service.listEmails(db, { workspaceId: c.get('auth').workspaceId, ...query, cursor: decodeTimestampCursor(cursor) })
      return c.json({ items: page.items.map(toEmailDto), nextCursor: page.next ? encodeCursor([...page.next]) : null }, 200)
    })
    .openapi(webhooksRoute, async (c) => {
      const { cursor, ...query } = c.req.valid('query')
      const page = await service.listWebhooks(db, { workspaceId: c.get('auth').workspaceId, ...query, cursor: decodeTimestampCursor(cursor) })
      return c.json({ items: page.items.map(toWebhookDto), nextCursor: page.next ? encodeCursor([...page.next]) : null }, 200)
    })
    .openapi(unsubscribesRoute, async (c) => {
      const result = await service.listUnsubscribes(db, { workspaceId: c.get('auth').workspaceId, limit: c.req.valid('query').limit })
      return c.json({ items: result.items.map((item) => ({ email: item.email, unsubscribedAt: item.unsubscribedAt.toISOString() })), total: result.total }, 200)
    })
    .openapi(unsubscribePageRoute, async (c) => {
      const token = c.req.valid('param').token
      const target = await service.findUnsubscribeTarget(db, { token })
      c.header('cache-control', 'no-store')
      if (!target) return c.html(notFoundPage(), 404)
      return c.html(confirmPage({ token, email: target.toAddress.toLowerCase(), workspaceName: target.workspaceName }), 200)
    })
    .openapi(unsubscribeRoute, async (c) => {
      const done = await service.unsubscribeByToken(db, { token: c.req.valid('param').token })
      c.header('cache-control', 'no-store')
      if (!done) return c.html(notFoundPage(), 404)
      return c.html(donePage(done), 200)
    })
}
