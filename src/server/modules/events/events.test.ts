import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeAccount, makeContact, makeSubscription } from '../../testing/factories'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { createApiKey } from '../identity'
import { attachUnmatched, drainInbox } from './events.service'

let ctx: TestContext
let acme: TestWorkspace
let globex: TestWorkspace
let writeKey: string

beforeAll(async () => {
  ctx = await createTestContext()
  acme = await ctx.createWorkspace('acme')
  globex = await ctx.createWorkspace('globex')
  writeKey = await ctx.createKey(acme, ['ingest'])
})
afterAll(() => ctx?.close())

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`
const send = (path: string, body: unknown, key: string | null = writeKey) =>
  ctx.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: basic(key) } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })

type EventPage = { items: { messageId: string; event: string | null; occurredAt: string; userId: string | null }[]; total: number; nextCursor: string | null }
type Usage = {
  dau: number
  wau: number
  mau: number
  seats: number | null
  licenseUtilization: number | null
  events30d: number
  eventsPrior30d: number
  trend30d: number | null
  daysSinceLastActivity: number | null
  featureBreadth: number
  keyFeatures: { event: string; used30d: boolean; count30d: number }[]
  topEvents: { event: string; count30d: number }[]
  users: { userId: string; email: string | null; lastSeenAt: string | null; contactId: string | null }[]
  series: { day: string; events: number; activeUsers: number; weeklyActiveUsers: number; monthlyActiveUsers: number }[]
}
type Problem = { errors?: { field: string; message: string }[]; detail?: string }

const eventsOf = async (workspace: TestWorkspace, accountId: string, query = '') =>
  (await (await ctx.as(workspace, 'csm')('GET', `/api/v1/accounts/${accountId}/events${query}`)).json()) as EventPage
const usageOf = async (workspace: TestWorkspace, accountId: string) =>
  (await (await ctx.as(workspace, 'csm')('GET', `/api/v1/accounts/${accountId}/usage?days=60`)).json()) as Usage

const daysAgo = (days: number, hour = 12) => {
  const date = new Date()
  date.setUTCDate(date.getUTCDate() - days)
  date.setUTCHours(hour, 0, 0, 0)
  return date.toISOString()
}
let messageNumber = 0
const nextId = (label: string) => `${label}-${++messageNumber}-${Math.random().toString(36).slice(2, 8)}`

describe('Segment-compatible ingestion', () => {
  it('accepts a track call with the write key as Basic user name, and shows it on the account after the drain', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { externalId: 'acme-corp' })
    const messageId = nextId('track')
    const response = await send('/v1/track', {
      userId: 'u-1',
      event: 'Report Exported',
      properties: { format: 'pdf' },
      context: { groupId: 'acme-corp' },
      messageId,
      timestamp: daysAgo(1),
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ success: true, accepted: 1 })
    expect(response.headers.get('ratelimit-limit')).toBe('500')

    await drainInbox(ctx.handle.db)
    const page = await eventsOf(acme, account.id)
    expect(page.total).toBe(1)
    expect(page.items[0]).toMatchObject({ messageId, event: 'Report Exported', userId: 'u-1' })
    const usage = await usageOf(acme, account.id)
    expect(usage.topEvents).toEqual([{ event: 'Report Exported', count30d: 1 }])
    expect(usage.daysSinceLastActivity).toBe(1)
  })

  it('accepts writeKey in the body, and answers 401 for a missing or unknown key and 403 for a key without ingest scope', async () => {
    const call = { userId: 'u-2', event: 'Logged In' }
    expect((await send('/v1/track', { ...call, writeKey }, null)).status).toBe(200)
    expect((await send('/v1/track', call, null)).status).toBe(401)
    expect((await send('/v1/track', call, 'bsn_000000000000_notarealkeynotarealkey')).status).toBe(401)
    const readKey = await ctx.createKey(acme, ['read'])
    const forbidden = await send('/v1/track', call, readKey)
    expect(forbidden.status).toBe(403)
    expect(forbidden.headers.get('content-type')).toContain('application/problem+json')
  })

  it('keeps the valid calls of a batch and names each bad one by index and field', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { externalId: 'batchco' })
    const good = [nextId('good'), nextId('good')]
    const response = await send('/v1/batch', {
      batch: [
        { type: 'track', userId: 'b-1', event: 'Dashboard Viewed', messageId: good[0], context: { groupId: 'batchco' } },
        { type: 'track', userId: 'b-1', messageId: nextId('bad') },
        { type: 'page', name: 'Home', messageId: nextId('bad') },
        { type: 'track', userId: 'b-2', event: 'Dashboard Viewed', timestamp: 'not a date', messageId: nextId('bad') },
        { type: 'teleport', userId: 'b-1' },
        { type: 'identify', userId: 'b-2', traits: { email: 'b2@batchco.test' }, messageId: good[1], context: { groupId: 'batchco' } },
      ],
    })
    expect(response.status).toBe(400)
    expect(response.headers.get('bosun-accepted')).toBe('2')
    const problem = (await response.json()) as Problem
    const fields = problem.errors?.map((error) => error.field)
    expect(fields).toEqual(expect.arrayContaining(['batch[1].event', 'batch[2].userId', 'batch[3].timestamp', 'batch[4].type']))
    expect(fields).not.toContain('batch[0].event')
    expect(problem.detail).toContain('2 valid call(s) were stored')

    await drainInbox(ctx.handle.db)
    expect((await eventsOf(acme, account.id)).items.map((item) => item.messageId).sort()).toEqual([...good].sort())
  })

  it('answers 400 naming the body for malformed JSON and a batch that is not a list', async () => {
    const malformed = await send('/v1/batch', '{"batch": [')
    expect(malformed.status).toBe(400)
    expect(((await malformed.json()) as Problem).errors?.[0]?.field).toBe('body')
    const notList = await send('/v1/batch', { batch: 'nope' })
    expect(notList.status).toBe(400)
    expect(((await notList.json()) as Problem).errors?.[0]?.field).toBe('batch')
  })

  it('refuses with 413 a call over 32 KB and a batch over 500 KB', async () => {
    const big = 'x'.repeat(33 * 1024)
    expect((await send('/v1/track', { userId: 'u', event: 'Big', properties: { big } })).status).toBe(413)
    const batch = Array.from({ length: 20 }, () => ({ type: 'track', userId: 'u', event: 'Big', properties: { blob: 'y'.repeat(30 * 1024) } }))
    const response = await send('/v1/batch', { batch })
    expect(response.status).toBe(413)
    expect(((await response.json()) as Problem).errors?.[0]?.field).toBe('body')
  })

  it('refuses, inside a batch, one call over 32 KB, one with a NUL and one whose properties are not an object, and keeps the rest', async () => {
    const response = await send('/v1/batch', {
      batch: [
        { type: 'track', userId: 'lim-1', event: 'Big', properties: { blob: 'z'.repeat(33 * 1024) } },
        { type: 'track', userId: 'lim-1', event: 'Nul', properties: { note: 'a\u0000b' } },
        { type: 'track', userId: 'lim-1', event: 'List', properties: ['not', 'an', 'object'] },
        { type: 'track', userId: 'lim-1', event: 'Fine', properties: { ok: true }, context: { library: { name: 'x' } } },
      ],
    })
    expect(response.status).toBe(400)
    expect(response.headers.get('bosun-accepted')).toBe('1')
    const problem = (await response.json()) as Problem
    expect(problem.errors).toEqual([
      { field: 'batch[0]', message: 'event is larger than 32 KB' },
      { field: 'batch[1]', message: 'contains a NUL (\\u0000) character' },
      { field: 'batch[2].properties', message: 'must be a JSON object' },
    ])
  })

  it('answers 429 with RateLimit headers once a key exceeds its own limit', async () => {
    const { key } = await createApiKey(ctx.handle.db, { workspaceId: acme.id, name: 'tiny', scopes: ['ingest'], rateLimitPerSecond: 1, actor: { kind: 'system', label: 'test' } })
    const responses = await Promise.all(Array.from({ length: 20 }, () => send('/v1/track', { userId: 'r', event: 'Tick' }, key)))
    const limited = responses.filter((response) => response.status === 429)
    expect(limited.length).toBeGreaterThanOrEqual(10)
    expect(limited[0]?.headers.get('ratelimit-limit')).toBe('1')
    expect(limited[0]?.headers.get('ratelimit-remaining')).toBe('0')
    expect(limited[0]?.headers.get('retry-after')).toBeTruthy()
  })

  it('corrects the event time for the client clock (timestamp + receivedAt − sentAt)', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { externalId: 'skewco' })
    // The client's clock runs 2 hours fast: it says it sent the call at now+2h.
    const now = Date.now()
    const messageId = nextId('skew')
    await send('/v1/track', {
      userId: 'skew-user',
      event: 'Clicked',
      context: { groupId: 'skewco' },
      messageId,
      timestamp: new Date(now + 2 * 3600_000 - 60_000).toISOString(),
      sentAt: new Date(now + 2 * 3600_000).toISOString(),
    })
    await drainInbox(ctx.handle.db)
    const [item] = (await eventsOf(acme, account.id)).items
    const occurred = Date.parse(item?.occurredAt ?? '')
    expect(Math.abs(occurred - (now - 60_000))).toBeLessThan(5_000)
  })

  it('stores a resent batch of 10,000 messageIds once and counts usage once', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { externalId: 'retryco' })
    const calls = Array.from({ length: 10_000 }, (_, index) => ({
      type: 'track',
      userId: `retry-user-${index % 50}`,
      event: index % 2 === 0 ? 'Search' : 'Export',
      messageId: `retry-${index}`,
      context: { groupId: 'retryco' },
      timestamp: daysAgo(index % 5),
    }))
    const sendAll = async () => {
      for (let start = 0; start < calls.length; start += 500) {
        expect((await send('/v1/batch', { batch: calls.slice(start, start + 500), sentAt: new Date().toISOString() })).status).toBe(200)
      }
    }
    await sendAll()
    await drainInbox(ctx.handle.db)
    await sendAll() // the client retried everything
    await sendAll()
    await drainInbox(ctx.handle.db)
    expect((await eventsOf(acme, account.id)).total).toBe(10_000)
    const usage = await usageOf(acme, account.id)
    expect(usage.events30d).toBe(10_000)
    expect(usage.mau).toBe(50)
    expect(usage.topEvents).toEqual([
      { event: 'Export', count30d: 5000 },
      { event: 'Search', count30d: 5000 },
    ])
  })
})

describe('identity: users, groups and contacts', () => {
  it('keeps events of an unknown user and attaches them when the group call arrives', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { externalId: 'lateco' })
    await send('/v1/batch', {
      batch: [
        { type: 'track', userId: 'late-1', event: 'Opened', messageId: nextId('late'), timestamp: daysAgo(2) },
        { type: 'track', userId: 'late-1', event: 'Opened', messageId: nextId('late'), timestamp: daysAgo(1) },
      ],
    })
    await drainInbox(ctx.handle.db)
    expect((await eventsOf(acme, account.id)).total).toBe(0)

    expect((await send('/v1/group', { userId: 'late-1', groupId: 'lateco', traits: { name: 'Late Co' } })).status).toBe(200)
    await drainInbox(ctx.handle.db)
    expect((await eventsOf(acme, account.id)).items.filter((item) => item.event === 'Opened')).toHaveLength(2)
    const usage = await usageOf(acme, account.id)
    expect(usage.events30d).toBe(2)
    expect(usage.series.filter((day) => day.activeUsers > 0)).toHaveLength(2)
  })

  it('attaches events of an account that is created later (by the sweep)', async () => {
    await send('/v1/track', { userId: 'future-1', event: 'Signed Up', context: { groupId: 'not-yet-an-account' }, messageId: nextId('future') })
    await drainInbox(ctx.handle.db)
    const account = await makeAccount(ctx.handle.db, acme.id, { externalId: 'not-yet-an-account' })
    expect((await eventsOf(acme, account.id)).total).toBe(0)
    expect(await attachUnmatched(ctx.handle.db)).toBeGreaterThanOrEqual(1)
    expect((await eventsOf(acme, account.id)).items.map((item) => item.event)).toEqual(['Signed Up'])
    expect((await usageOf(acme, account.id)).events30d).toBe(1)
  })

  it('creates a contact from identify, and adopts an existing contact with the same email', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { externalId: 'peopleco' })
    const existing = await makeContact(ctx.handle.db, acme.id, account.id, { name: 'Priya Existing', email: 'priya@peopleco.test' })
    await send('/v1/batch', {
      batch: [
        { type: 'group', userId: 'p-1', groupId: 'peopleco', messageId: nextId('grp') },
        { type: 'identify', userId: 'p-1', traits: { email: 'new.person@peopleco.test', firstName: 'Nia', lastName: 'Newman', title: 'Ops Lead' }, messageId: nextId('id') },
        { type: 'identify', userId: 'p-2', traits: { email: 'priya@peopleco.test', name: 'Priya E.' }, context: { groupId: 'peopleco' }, messageId: nextId('id') },
      ],
    })
    await drainInbox(ctx.handle.db)
    const contacts = (await (await ctx.as(acme, 'csm')('GET', `/api/v1/contacts?accountId=${account.id}`)).json()) as {
      items: { id: string; name: string; email: string | null; title: string | null; externalId: string | null }[]
    }
    const nia = contacts.items.find((contact) => contact.externalId === 'p-1')
    expect(nia).toMatchObject({ name: 'Nia Newman', email: 'new.person@peopleco.test', title: 'Ops Lead' })
    const priya = contacts.items.find((contact) => contact.externalId === 'p-2')
    expect(priya?.id).toBe(existing.id)
    expect(contacts.items).toHaveLength(2)
    const usage = await usageOf(acme, account.id)
    expect(usage.users.map((user) => user.contactId).sort()).toEqual([nia?.id, existing.id].sort())
  })

  it('creates the contact when the group call comes after identify, in a later request', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { externalId: 'laterco' })
    await send('/v1/identify', { userId: 'late-id', traits: { email: 'late.id@laterco.test', name: 'Lee Later' }, messageId: nextId('id') })
    await drainInbox(ctx.handle.db)
    await send('/v1/group', { userId: 'late-id', groupId: 'laterco', messageId: nextId('grp') })
    await drainInbox(ctx.handle.db)
    const contacts = (await (await ctx.as(acme, 'csm')('GET', `/api/v1/contacts?accountId=${account.id}`)).json()) as { items: { name: string; email: string | null }[] }
    expect(contacts.items).toEqual([expect.objectContaining({ name: 'Lee Later', email: 'late.id@laterco.test' })])
  })

  it("never attaches one workspace's events to another workspace's account", async () => {
    const theirs = await makeAccount(ctx.handle.db, globex.id, { externalId: 'shared-external-id' })
    await send('/v1/track', { userId: 'x-1', event: 'Peek', context: { groupId: 'shared-external-id' }, messageId: nextId('x') })
    await drainInbox(ctx.handle.db)
    await attachUnmatched(ctx.handle.db)
    expect((await eventsOf(globex, theirs.id)).total).toBe(0)
    expect((await ctx.as(acme, 'csm')('GET', `/api/v1/accounts/${theirs.id}/events`)).status).toBe(404)
  })
})

describe('usage metrics', () => {
  it('derives DAU/WAU/MAU, license utilization, feature breadth, trend and recency from the rollups', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { externalId: 'metricsco' })
    await makeSubscription(ctx.handle.db, acme.id, account.id, { seats: 10, startDate: daysAgo(200).slice(0, 10), endDate: daysAgo(-100).slice(0, 10) })
    expect((await ctx.as(acme, 'admin')('PUT', '/api/v1/settings/usage', { keyFeatures: ['Report Built', 'Alert Created', 'Integration Connected'] })).status).toBe(200)
    const call = (userId: string, event: string, days: number) => ({ type: 'track', userId, event, timestamp: daysAgo(days), messageId: nextId('m'), context: { groupId: 'metricsco' } })
    await send('/v1/batch', {
      batch: [
        call('m-1', 'Report Built', 0),
        call('m-2', 'Report Built', 0),
        call('m-3', 'Alert Created', 3),
        call('m-4', 'Logged In', 20),
        call('m-1', 'Logged In', 20),
        // prior 30 days: 2 events
        call('m-5', 'Logged In', 40),
        call('m-5', 'Logged In', 45),
      ],
    })
    await drainInbox(ctx.handle.db)
    const usage = await usageOf(acme, account.id)
    expect(usage).toMatchObject({ dau: 2, wau: 3, mau: 4, seats: 10, licenseUtilization: 0.4, events30d: 5, eventsPrior30d: 2, trend30d: 1.5, daysSinceLastActivity: 0, featureBreadth: 2 })
    expect(usage.keyFeatures).toEqual([
      { event: 'Report Built', count30d: 2, used30d: true },
      { event: 'Alert Created', count30d: 1, used30d: true },
      { event: 'Integration Connected', count30d: 0, used30d: false },
    ])
    const today = usage.series.at(-1)
    expect(today).toMatchObject({ events: 2, activeUsers: 2, weeklyActiveUsers: 3, monthlyActiveUsers: 4 })
    expect(usage.users[0]?.userId).toMatch(/^m-[12]$/)
  })

  it('pages through events newest first with a total count', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { externalId: 'pagerco' })
    const batch = Array.from({ length: 7 }, (_, index) => ({ type: 'track', userId: 'pg', event: `Step ${index}`, timestamp: daysAgo(7 - index), messageId: nextId('pg'), context: { groupId: 'pagerco' } }))
    await send('/v1/batch', { batch })
    await drainInbox(ctx.handle.db)
    const first = await eventsOf(acme, account.id, '?limit=3')
    expect(first.total).toBe(7)
    expect(first.items.map((item) => item.event)).toEqual(['Step 6', 'Step 5', 'Step 4'])
    const second = await eventsOf(acme, account.id, `?limit=3&cursor=${first.nextCursor}`)
    expect(second.items.map((item) => item.event)).toEqual(['Step 3', 'Step 2', 'Step 1'])
    expect((await ctx.as(acme, 'csm')('GET', `/api/v1/accounts/${account.id}/events?cursor=garbage`)).status).toBe(400)
  })

  it('lists the event names seen recently, most used first', async () => {
    const names = (await (await ctx.as(acme, 'viewer')('GET', '/api/v1/events/names?days=30')).json()) as { items: { event: string; count: number; accounts: number }[] }
    const counts = names.items.map((item) => item.count)
    expect(counts).toEqual([...counts].sort((a, b) => b - a))
    expect(names.items.find((item) => item.event === 'Export')).toMatchObject({ count: 5000, accounts: 1 })
  })

  it('lets only config writers set key features, and validates them', async () => {
    expect((await ctx.as(acme, 'csm')('PUT', '/api/v1/settings/usage', { keyFeatures: ['A'] })).status).toBe(403)
    const bad = await ctx.as(acme, 'admin')('PUT', '/api/v1/settings/usage', { keyFeatures: [''] })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as Problem).errors?.[0]?.field).toContain('keyFeatures')
  })
})
