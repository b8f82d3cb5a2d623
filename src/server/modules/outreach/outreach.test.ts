import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { sql } from 'drizzle-orm'
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../../platform/db'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { makeAccount, makeContact } from '../../testing/factories'
import { backoffSeconds, closeOutreachTransports, deliverDueOutreach, queueEmail, queueWebhook, verifyBosunSignature } from './index'
import { signBosunPayload } from './outreach.signature'

let ctx: TestContext
let smtp: SMTPServer
let smtpPort = 0
const mailbox: { mail: ParsedMail; mailFrom: string; rcptTo: string[] }[] = []

const json = async <T>(response: Response) => (await response.json()) as T
type Problem = { errors?: { field: string; message: string }[] }
const fieldsOf = async (response: Response) => ((await response.json()) as Problem).errors?.map((error) => error.field) ?? []

/** A receiver of webhook posts on a real port: records each request's raw body and headers, answers `answer(n)`. */
async function receiver(answer: (call: number) => number) {
  const calls: { headers: http.IncomingHttpHeaders; body: string }[] = []
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      calls.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') })
      const status = answer(calls.length)
      response.writeHead(status, { 'content-type': 'text/plain' })
      response.end(status >= 200 && status < 300 ? 'ok' : 'receiver is down')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return { url: `http://127.0.0.1:${port}/hooks/bosun-7f3a`, calls, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

const deliver = (workspace: TestWorkspace) => deliverDueOutreach(ctx.handle.db, { publicUrl: ctx.deps.config.publicUrl, workspaceId: workspace.id })
const makeDue = (table: 'outbound_emails' | 'webhook_deliveries', workspace: TestWorkspace) =>
  ctx.handle.db.execute(sql`UPDATE ${sql.raw(table)} SET next_attempt_at = now() WHERE workspace_id = ${workspace.id} AND status = 'pending'`)

async function configureSmtp(workspace: TestWorkspace, overrides: Record<string, unknown> = {}) {
  const response = await ctx.as(workspace, 'admin')('PUT', '/api/v1/outreach/smtp', {
    host: '127.0.0.1',
    port: smtpPort,
    secure: false,
    username: 'bosun',
    password: 'smtp-pass-123',
    fromAddress: 'success@vendor.test',
    throttleDays: 3,
    ...overrides,
  })
  expect(response.status, await response.clone().text()).toBe(200)
}

const addresses = (value: AddressObject | AddressObject[] | undefined) => (Array.isArray(value) ? value : value ? [value] : []).flatMap((item) => item.value)

beforeAll(async () => {
  ctx = await createTestContext()
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth: (_auth, _session, callback) => callback(null, { user: 'bosun' }),
    onData: (stream, session, callback) => {
      simpleParser(stream)
        .then((mail) => {
          mailbox.push({ mail, mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', rcptTo: session.envelope.rcptTo.map((to) => to.address) })
          callback()
        })
        .catch((error: Error) => callback(error))
    },
  })
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()))
  smtpPort = (smtp.server.address() as AddressInfo).port
})

afterAll(async () => {
  closeOutreachTransports()
  await new Promise<void>((resolve) => smtp.close(() => resolve()))
  await ctx?.close()
})

describe('email over SMTP', () => {
  it('sends as the CSM with a stable Message-ID and an unsubscribe link; the unsubscribe page records the address', async () => {
    const workspace = await ctx.createWorkspace('outreach-mail')
    await configureSmtp(workspace)
    const account = await makeAccount(ctx.handle.db, workspace.id)
    const contact = await makeContact(ctx.handle.db, workspace.id, account.id, { name: 'Dana Champion', email: 'Dana.Champion@customer.test' })

    const queued = await queueEmail(ctx.handle.db, {
      workspaceId: workspace.id,
      idempotencyKey: 'run-1:step-email:dana',
      accountId: account.id,
      contactId: contact.id,
      toAddress: 'Dana.Champion@customer.test',
      fromAddress: 'cara@vendor.test',
      fromName: 'Cara CSM',
      subject: 'Your renewal with Vendor',
      textBody: 'Hi Dana,\n\nShall we walk through the renewal next week?\n\nCara',
      playbook: { key: 'renewal-90', runId: crypto.randomUUID(), stepId: 'email' },
    })
    expect(queued).toMatchObject({ status: 'pending', skipReason: null, created: true })
    // Queueing is idempotent by key: the same step retried answers the same row.
    const again = await queueEmail(ctx.handle.db, {
      workspaceId: workspace.id,
      idempotencyKey: 'run-1:step-email:dana',
      accountId: account.id,
      contactId: contact.id,
      toAddress: 'Dana.Champion@customer.test',
      fromAddress: 'cara@vendor.test',
      subject: 'Your renewal with Vendor',
      textBody: 'different',
    })
    expect(again).toEqual({ id: queued.id, status: 'pending', skipReason: null, created: false })

    const result = await deliver(workspace)
    expect(result.emails).toEqual({ sent: 1, retried: 0, failed: 0, skipped: 0 })
    const received = mailbox.filter((item) => item.mail.messageId === `<${queued.id}@bosun>`)
    expect(received).toHaveLength(1)
    const { mail, mailFrom, rcptTo } = received[0]!
    expect(addresses(mail.from)).toEqual([{ name: 'Cara CSM', address: 'cara@vendor.test' }])
    expect(addresses(mail.replyTo)).toEqual([{ name: 'Cara CSM', address: 'cara@vendor.test' }])
    expect(addresses(mail.to).map((to) => to.address)).toEqual(['Dana.Champion@customer.test'])
    expect(mail.subject).toBe('Your renewal with Vendor')
    expect(mailFrom).toBe('success@vendor.test')
    expect(rcptTo).toEqual(['Dana.Champion@customer.test'])
    const [{ token }] = await queryRows<{ token: string }>(ctx.handle.db, sql`SELECT unsubscribe_token AS token FROM outbound_emails WHERE id = ${queued.id}`)
    const link = `http://localhost:3000/u/${token}`
    expect(mail.text).toContain('Shall we walk through the renewal next week?')
    expect(mail.text).toContain(`Unsubscribe: ${link}`)
    // Header lines as sent, unfolded (long headers wrap onto continuation lines).
    const header = (key: string) => mail.headerLines.find((line) => line.key === key)?.line.replace(/\r?\n\s+/g, ' ')
    expect(header('list-unsubscribe')).toBe(`List-Unsubscribe: <${link}>`)
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click')

    const log = await json<{ items: { id: string; status: string; attempts: number; messageId: string; sentAt: string | null; accountName: string }[] }>(
      await ctx.as(workspace, 'csm')('GET', `/api/v1/outreach/emails?accountId=${account.id}&playbook=renewal-90`),
    )
    expect(log.items).toEqual([expect.objectContaining({ id: queued.id, status: 'sent', attempts: 1, messageId: `<${queued.id}@bosun>`, accountName: account.name })])

    // GET shows a confirmation and changes nothing: mail scanners follow links.
    const page = await ctx.app.request(`/u/${token}`)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain(`<form method="post" action="/u/${token}">`)
    expect(html).toContain('dana.champion@customer.test')
    expect(await queryRows(ctx.handle.db, sql`SELECT 1 FROM email_unsubscribes WHERE workspace_id = ${workspace.id}`)).toHaveLength(0)

    for (let i = 0; i < 2; i++) {
      const done = await ctx.app.request(`/u/${token}`, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
      expect(done.status).toBe(200)
      expect(await done.text()).toContain('You are unsubscribed')
    }
    expect((await ctx.app.request('/u/not-a-token')).status).toBe(404)
    expect((await ctx.app.request('/u/not-a-token', { method: 'POST' })).status).toBe(404)

    const unsubscribes = await json<{ items: { email: string }[]; total: number }>(await ctx.as(workspace, 'viewer')('GET', '/api/v1/outreach/unsubscribes'))
    expect(unsubscribes).toMatchObject({ items: [{ email: 'dana.champion@customer.test' }], total: 1 })

    const blocked = await queueEmail(ctx.handle.db, {
      workspaceId: workspace.id,
      idempotencyKey: 'run-2:step-email:dana',
      accountId: account.id,
      contactId: contact.id,
      toAddress: 'DANA.champion@customer.test',
      fromAddress: 'cara@vendor.test',
      subject: 'Checking in',
      textBody: 'Hi again',
    })
    expect(blocked).toMatchObject({ status: 'skipped', skipReason: 'unsubscribed', created: true })
  })

  it('skips a second email to the same contact within the throttle days, and emails when no mail server is set', async () => {
    const workspace = await ctx.createWorkspace('outreach-throttle')
    const account = await makeAccount(ctx.handle.db, workspace.id)
    const contact = await makeContact(ctx.handle.db, workspace.id, account.id, { email: 'ops@customer.test' })
    const email = (key: string, overrides: Partial<Parameters<typeof queueEmail>[1]> = {}) =>
      queueEmail(ctx.handle.db, {
        workspaceId: workspace.id,
        idempotencyKey: key,
        accountId: account.id,
        contactId: contact.id,
        toAddress: 'ops@customer.test',
        fromAddress: '',
        subject: 'Hello',
        textBody: 'Body',
        ...overrides,
      })

    expect(await email('before-smtp')).toMatchObject({ status: 'skipped', skipReason: 'no mail server configured' })
    await configureSmtp(workspace, { throttleDays: 2 })
    // Skipped emails do not count toward the throttle.
    const first = await email('first')
    expect(first).toMatchObject({ status: 'pending', skipReason: null })
    expect(await email('second')).toMatchObject({ status: 'skipped', skipReason: 'throttled' })
    expect(await email('bad-address', { contactId: null, toAddress: 'not an address' })).toMatchObject({ status: 'skipped', skipReason: 'invalid address' })

    // Older than the throttle window: the contact may be emailed again.
    await ctx.handle.db.execute(sql`UPDATE outbound_emails SET created_at = now() - interval '3 days' WHERE id = ${first.id}`)
    expect(await email('third')).toMatchObject({ status: 'pending' })

    // Without the CSM's address, the email goes out as the workspace's sender.
    await deliver(workspace)
    const sent = mailbox.find((item) => item.mail.messageId === `<${first.id}@bosun>`)
    expect(addresses(sent?.mail.from).map((from) => from.address)).toEqual(['success@vendor.test'])

    const skipped = await json<{ items: { skipReason: string }[] }>(await ctx.as(workspace, 'admin')('GET', '/api/v1/outreach/emails?status=skipped'))
    expect(skipped.items.map((item) => item.skipReason).sort()).toEqual(['invalid address', 'no mail server configured', 'throttled'])
  })
})

describe('the throttle at the first send', () => {
  it('sends one of two emails that were queued to one contact at the same time, and skips the other as throttled', async () => {
    const workspace = await ctx.createWorkspace('outreach-throttle-race')
    const account = await makeAccount(ctx.handle.db, workspace.id)
    const contact = await makeContact(ctx.handle.db, workspace.id, account.id, { email: 'race@customer.test' })
    const other = await makeContact(ctx.handle.db, workspace.id, account.id, { email: 'other@customer.test' })
    const email = (key: string, to: { id: string; email: string }) =>
      queueEmail(ctx.handle.db, { workspaceId: workspace.id, idempotencyKey: key, accountId: account.id, contactId: to.id, toAddress: to.email, fromAddress: '', subject: key, textBody: 'Body' })
    // Two workers queueing at once do not see each other's row: both pass the check at queueing, as
    // here with the throttle off while they are queued.
    await configureSmtp(workspace, { throttleDays: 0 })
    const first = await email('race-first', { id: contact.id, email: 'race@customer.test' })
    const second = await email('race-second', { id: contact.id, email: 'race@customer.test' })
    const elsewhere = await email('race-other', { id: other.id, email: 'other@customer.test' })
    expect([first.status, second.status, elsewhere.status]).toEqual(['pending', 'pending', 'pending'])
    await configureSmtp(workspace, { throttleDays: 3 })

    const result = await deliver(workspace)
    expect(result.emails).toEqual({ sent: 2, retried: 0, failed: 0, skipped: 1 })
    const rows = await queryRows<{ subject: string; status: string; skip_reason: string | null }>(
      ctx.handle.db,
      sql`SELECT subject, status, skip_reason FROM outbound_emails WHERE workspace_id = ${workspace.id} ORDER BY subject`,
    )
    expect(rows).toEqual([
      { subject: 'race-first', status: 'sent', skip_reason: null },
      { subject: 'race-other', status: 'sent', skip_reason: null },
      { subject: 'race-second', status: 'skipped', skip_reason: 'throttled' },
    ])
    expect(mailbox.filter((item) => item.rcptTo.includes('race@customer.test'))).toHaveLength(1)
  })
})

describe('webhooks and Slack', () => {
  it('signs webhook posts, retries a failed delivery with backoff and ends sent with the first error in the log', async () => {
    const workspace = await ctx.createWorkspace('outreach-hooks')
    const secret = 'whsec_test_0123456789abcdef'
    const verified: boolean[] = []
    const hook = await receiver((call) => (call === 1 ? 500 : 200))
    const admin = ctx.as(workspace, 'admin')
    const created = await admin('PUT', '/api/v1/outreach/destinations/crm-sync', { kind: 'webhook', url: hook.url, secret })
    expect(created.status, await created.clone().text()).toBe(201)
    expect(await created.json()).toMatchObject({ key: 'crm-sync', kind: 'webhook', urlHint: expect.stringMatching(/^127\.0\.0\.1:\d+\/…7f3a$/), secretSet: true })
    const listed = await admin('GET', '/api/v1/outreach/destinations')
    const listedText = await listed.text()
    expect(listedText).not.toContain(secret)
    expect(listedText).not.toContain(hook.url)

    const account = await makeAccount(ctx.handle.db, workspace.id)
    const payload = { type: 'playbook.step', account: { id: account.id, name: account.name } }
    const queued = await queueWebhook(ctx.handle.db, { workspaceId: workspace.id, idempotencyKey: 'run-9:hook', destinationKey: 'crm-sync', accountId: account.id, payload })
    expect(queued).toMatchObject({ status: 'pending', created: true })
    await expect(queueWebhook(ctx.handle.db, { workspaceId: workspace.id, idempotencyKey: 'run-9:nowhere', destinationKey: 'nowhere', payload })).rejects.toThrow(
      /destination "nowhere" does not exist/,
    )

    expect((await deliver(workspace)).webhooks).toEqual({ sent: 0, retried: 1, failed: 0, skipped: 0 })
    const [pending] = await queryRows<{ status: string; attempts: number; last_error: string; response_status: number; wait: number }>(
      ctx.handle.db,
      sql`SELECT status, attempts, last_error, response_status, extract(epoch FROM next_attempt_at - now())::float AS wait FROM webhook_deliveries WHERE id = ${queued.id}`,
    )
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, response_status: 500 })
    expect(pending!.last_error).toBe('HTTP 500: receiver is down')
    expect(pending!.wait).toBeGreaterThan(20)
    // Not due yet: a delivery round leaves it alone.
    expect((await deliver(workspace)).webhooks.retried + (await deliver(workspace)).webhooks.sent).toBe(0)

    await makeDue('webhook_deliveries', workspace)
    expect((await deliver(workspace)).webhooks).toMatchObject({ sent: 1 })

    expect(hook.calls).toHaveLength(2)
    for (const call of hook.calls) {
      verified.push(verifyBosunSignature(secret, String(call.headers['bosun-signature']), call.body, 300))
      expect(call.headers['content-type']).toBe('application/json')
      expect(call.headers['bosun-delivery']).toBe(queued.id)
      expect(call.headers['bosun-idempotency-key']).toBe('run-9:hook')
      expect(JSON.parse(call.body)).toEqual(payload)
    }
    expect(verified).toEqual([true, true])
    // A wrong secret, a changed body or an old timestamp do not verify.
    const first = hook.calls[0]!
    expect(verifyBosunSignature('whsec_other_secret_000000', String(first.headers['bosun-signature']), first.body, 300)).toBe(false)
    expect(verifyBosunSignature(secret, String(first.headers['bosun-signature']), `${first.body} `, 300)).toBe(false)
    expect(verifyBosunSignature(secret, signBosunPayload(secret, first.body, Math.floor(Date.now() / 1000) - 600), first.body, 300)).toBe(false)

    const log = await json<{ items: Record<string, unknown>[] }>(await ctx.as(workspace, 'viewer')('GET', '/api/v1/outreach/webhooks?destination=crm-sync'))
    expect(log.items).toEqual([
      expect.objectContaining({ id: queued.id, status: 'sent', attempts: 2, responseStatus: 200, lastError: 'HTTP 500: receiver is down', accountName: account.name, nextAttemptAt: null }),
    ])
    expect(log.items[0]!.deliveredAt).toEqual(expect.any(String))

    // The test button posts a signed message now.
    const test = await json<{ ok: boolean; responseStatus: number }>(await admin('POST', '/api/v1/outreach/destinations/crm-sync/test'))
    expect(test).toMatchObject({ ok: true, responseStatus: 200 })
    const testCall = hook.calls[2]!
    expect(verifyBosunSignature(secret, String(testCall.headers['bosun-signature']), testCall.body, 300)).toBe(true)
    await hook.close()
  })

  it('gives up after 8 attempts, and a deleted destination fails its queued posts', async () => {
    expect([1, 2, 3, 7, 8, 9].map(backoffSeconds)).toEqual([30, 60, 120, 1920, 3600, 3600])
    const workspace = await ctx.createWorkspace('outreach-give-up')
    const hook = await receiver(() => 503)
    const admin = ctx.as(workspace, 'admin')
    await admin('PUT', '/api/v1/outreach/destinations/flaky', { kind: 'webhook', url: hook.url, secret: 'whsec_flaky_0123456789' })
    const queued = await queueWebhook(ctx.handle.db, { workspaceId: workspace.id, idempotencyKey: 'k1', destinationKey: 'flaky', payload: { n: 1 } })
    await ctx.handle.db.execute(sql`UPDATE webhook_deliveries SET attempts = 7 WHERE id = ${queued.id}`)
    expect((await deliver(workspace)).webhooks).toMatchObject({ failed: 1 })
    const [row] = await queryRows<{ status: string; attempts: number }>(ctx.handle.db, sql`SELECT status, attempts FROM webhook_deliveries WHERE id = ${queued.id}`)
    expect(row).toEqual({ status: 'failed', attempts: 8 })

    const orphan = await queueWebhook(ctx.handle.db, { workspaceId: workspace.id, idempotencyKey: 'k2', destinationKey: 'flaky', payload: { n: 2 } })
    expect((await admin('DELETE', '/api/v1/outreach/destinations/flaky')).status).toBe(204)
    expect((await admin('GET', '/api/v1/outreach/destinations/flaky')).status).toBe(404)
    await deliver(workspace)
    const failed = await json<{ items: { id: string; status: string; lastError: string }[] }>(await admin('GET', '/api/v1/outreach/webhooks?status=failed'))
    expect(failed.items.find((item) => item.id === orphan.id)).toMatchObject({ status: 'failed', lastError: 'Destination "flaky" was deleted' })
    await hook.close()
  })

  it('posts { text } to a Slack incoming webhook', async () => {
    const workspace = await ctx.createWorkspace('outreach-slack')
    const slack = await receiver(() => 200)
    const admin = ctx.as(workspace, 'admin')
    const saved = await admin('PUT', '/api/v1/outreach/destinations/cs-alerts', { kind: 'slack', url: `${slack.url}/T000/B000/XXXXabcd` })
    expect(saved.status, await saved.clone().text()).toBe(201)
    expect(await saved.json()).toMatchObject({ kind: 'slack', urlHint: expect.stringMatching(/\/…abcd$/), secretSet: false })
    const signedSlack = await admin('PUT', '/api/v1/outreach/destinations/cs-alerts', { kind: 'slack', secret: 'a-secret-for-slack-0000' })
    expect(await fieldsOf(signedSlack)).toEqual(['secret'])

    const queued = await queueWebhook(ctx.handle.db, {
      workspaceId: workspace.id,
      idempotencyKey: 'run-3:slack',
      destinationKey: 'cs-alerts',
      payload: { text: ':rotating_light: Acme dropped to red health' },
    })
    expect((await deliver(workspace)).webhooks).toMatchObject({ sent: 1 })
    expect(slack.calls).toHaveLength(1)
    expect(JSON.parse(slack.calls[0]!.body)).toEqual({ text: ':rotating_light: Acme dropped to red health' })
    expect(slack.calls[0]!.headers['content-type']).toBe('application/json')
    expect(slack.calls[0]!.headers['bosun-signature']).toBeUndefined()
    const [row] = await queryRows<{ status: string; kind: string }>(ctx.handle.db, sql`SELECT status, kind FROM webhook_deliveries WHERE id = ${queued.id}`)
    expect(row).toEqual({ status: 'sent', kind: 'slack' })

    const test = await json<{ ok: boolean }>(await admin('POST', '/api/v1/outreach/destinations/cs-alerts/test'))
    expect(test.ok).toBe(true)
    expect(JSON.parse(slack.calls[1]!.body)).toEqual({ text: expect.stringContaining('cs-alerts') })
    await slack.close()
  })
})

describe('delivery workers', () => {
  it('two concurrent delivery runs send each row once, and a crashed worker’s claim is taken over after it expires', async () => {
    const workspace = await ctx.createWorkspace('outreach-race')
    await configureSmtp(workspace)
    const hook = await receiver(() => 200)
    await ctx.as(workspace, 'admin')('PUT', '/api/v1/outreach/destinations/race', { kind: 'webhook', url: hook.url, secret: 'whsec_race_0123456789abc' })
    const account = await makeAccount(ctx.handle.db, workspace.id)
    const emailIds: string[] = []
    const hookIds: string[] = []
    for (let i = 0; i < 12; i++) {
      const contact = await makeContact(ctx.handle.db, workspace.id, account.id, { email: `person-${i}@race.test` })
      const queued = await queueEmail(ctx.handle.db, {
        workspaceId: workspace.id,
        idempotencyKey: `race-email-${i}`,
        accountId: account.id,
        contactId: contact.id,
        toAddress: `person-${i}@race.test`,
        fromAddress: 'cara@vendor.test',
        subject: `Race ${i}`,
        textBody: 'Body',
      })
      emailIds.push(queued.id)
      hookIds.push((await queueWebhook(ctx.handle.db, { workspaceId: workspace.id, idempotencyKey: `race-hook-${i}`, destinationKey: 'race', payload: { i } })).id)
    }

    const rounds = await Promise.all([
      deliverDueOutreach(ctx.handle.db, { publicUrl: 'https://bosun.example.com', workspaceId: workspace.id, limit: 8 }),
      deliverDueOutreach(ctx.handle.db, { publicUrl: 'https://bosun.example.com', workspaceId: workspace.id, limit: 8 }),
    ])
    // Whatever the first two rounds left (limit 8 each), later rounds take.
    while ((await deliverDueOutreach(ctx.handle.db, { publicUrl: 'https://bosun.example.com', workspaceId: workspace.id })).emails.sent > 0);
    expect(rounds[0]!.emails.sent + rounds[1]!.emails.sent).toBeGreaterThan(0)

    const sentIds = mailbox.map((item) => item.mail.messageId).filter((id) => emailIds.some((emailId) => id === `<${emailId}@bosun>`))
    expect(sentIds.sort()).toEqual(emailIds.map((id) => `<${id}@bosun>`).sort())
    const deliveredIds = hook.calls.map((call) => String(call.headers['bosun-delivery']))
    expect(deliveredIds.sort()).toEqual([...hookIds].sort())
    const states = await queryRows<{ status: string; attempts: number; n: number }>(
      ctx.handle.db,
      sql`SELECT status, attempts, count(*)::int AS n FROM outbound_emails WHERE workspace_id = ${workspace.id} GROUP BY 1, 2`,
    )
    expect(states).toEqual([{ status: 'sent', attempts: 1, n: 12 }])
    const link = mailbox.find((item) => item.mail.messageId === `<${emailIds[0]}@bosun>`)?.mail.text
    expect(link).toMatch(/Unsubscribe: https:\/\/bosun\.example\.com\/u\/[0-9a-f]{64}/)

    // A row claimed by a worker that died: not taken while the claim holds, taken once it expired.
    const contact = await makeContact(ctx.handle.db, workspace.id, account.id, { email: 'late@race.test' })
    const stuck = await queueEmail(ctx.handle.db, {
      workspaceId: workspace.id,
      idempotencyKey: 'stuck',
      contactId: contact.id,
      toAddress: 'late@race.test',
      fromAddress: 'cara@vendor.test',
      subject: 'Stuck',
      textBody: 'Body',
    })
    await ctx.handle.db.execute(sql`UPDATE outbound_emails SET status = 'sending', attempts = 1, next_attempt_at = now() + interval '4 minutes' WHERE id = ${stuck.id}`)
    expect((await deliver(workspace)).emails.sent).toBe(0)
    await ctx.handle.db.execute(sql`UPDATE outbound_emails SET next_attempt_at = now() - interval '1 second' WHERE id = ${stuck.id}`)
    expect((await deliver(workspace)).emails.sent).toBe(1)
    const [row] = await queryRows<{ status: string; attempts: number }>(ctx.handle.db, sql`SELECT status, attempts FROM outbound_emails WHERE id = ${stuck.id}`)
    expect(row).toEqual({ status: 'sent', attempts: 2 })
    await hook.close()
  })
})

describe('settings API', () => {
  it('validates the mail server by field, never returns the password, and needs config:write to change', async () => {
    const workspace = await ctx.createWorkspace('outreach-settings')
    const admin = ctx.as(workspace, 'admin')
    const badPort = await admin('PUT', '/api/v1/outreach/smtp', { host: 'smtp.vendor.test', port: 70000, fromAddress: 'cs@vendor.test' })
    expect(badPort.status).toBe(400)
    expect(await fieldsOf(badPort)).toEqual(['port'])
    const badFrom = await admin('PUT', '/api/v1/outreach/smtp', { host: 'smtp.vendor.test', port: 587, fromAddress: 'nope' })
    expect(await fieldsOf(badFrom)).toEqual(['fromAddress'])
    expect((await ctx.as(workspace, 'csm')('PUT', '/api/v1/outreach/smtp', { host: 'smtp.vendor.test', port: 587, fromAddress: 'cs@vendor.test' })).status).toBe(403)

    const empty = await json<{ configured: boolean }>(await admin('GET', '/api/v1/outreach/smtp'))
    expect(empty.configured).toBe(false)
    await configureSmtp(workspace)
    const shown = await admin('GET', '/api/v1/outreach/smtp')
    const text = await shown.text()
    expect(text).not.toContain('smtp-pass-123')
    expect(JSON.parse(text)).toMatchObject({ configured: true, host: '127.0.0.1', port: smtpPort, username: 'bosun', passwordSet: true, throttleDays: 3 })
    // Saving without a password keeps the stored one.
    await admin('PUT', '/api/v1/outreach/smtp', { host: '127.0.0.1', port: smtpPort, username: 'bosun', fromAddress: 'success@vendor.test', throttleDays: 5 })
    expect(await json(await admin('GET', '/api/v1/outreach/smtp'))).toMatchObject({ passwordSet: true, throttleDays: 5 })
    const audit = await json<{ items: { action: string; before: unknown; after: unknown }[] }>(await admin('GET', '/api/v1/audit-log?entityType=outreach_smtp_settings'))
    expect(JSON.stringify(audit)).not.toContain('smtp-pass-123')

    const test = await json<{ ok: boolean; detail: string }>(await admin('POST', '/api/v1/outreach/smtp/test', { to: 'admin-inbox@vendor.test' }))
    expect(test.ok, test.detail).toBe(true)
    const testMail = mailbox.find((item) => item.rcptTo.includes('admin-inbox@vendor.test'))
    expect(addresses(testMail?.mail.from)).toEqual([{ name: 'Ada Admin', address: 'admin@outreach-settings.test' }])

    // A server that is not there: 200 with ok false and the error.
    await configureSmtp(workspace, { port: 1 })
    const down = await json<{ ok: boolean; detail: string }>(await admin('POST', '/api/v1/outreach/smtp/test', { to: 'admin-inbox@vendor.test' }))
    expect(down.ok).toBe(false)
    expect(down.detail).toMatch(/ECONNREFUSED|connect/i)

    const badKey = await admin('PUT', '/api/v1/outreach/destinations/Bad%20Key', { kind: 'slack', url: 'https://hooks.slack.com/services/x' })
    expect(await fieldsOf(badKey)).toEqual(['key'])
    const noSecret = await admin('PUT', '/api/v1/outreach/destinations/hook', { kind: 'webhook', url: 'https://example.com/hook' })
    expect(await fieldsOf(noSecret)).toEqual(['secret'])
    const badUrl = await admin('PUT', '/api/v1/outreach/destinations/hook', { kind: 'webhook', url: 'ftp://example.com/hook', secret: 'whsec_0123456789abcdef' })
    expect(await fieldsOf(badUrl)).toEqual(['url'])
    expect((await ctx.as(workspace, 'manager')('PUT', '/api/v1/outreach/destinations/hook', { kind: 'webhook', url: 'https://example.com/hook', secret: 'whsec_0123456789abcdef' })).status).toBe(403)
  })
})
