import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeAccount, makeTicket } from '../../testing/factories'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { drainInbox, ingestCalls } from '../events'
import { createImportRun, executeImportRun } from '../imports'

let ctx: TestContext

beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(() => ctx?.close())

type Line = { check: string; label: string; count: number; status: 'ok' | 'warn'; note: string | null; examplesHref: string }
type VolumeDay = { day: string; count: number; baseline: number | null; anomaly: 'spike' | 'drop' | 'silent' | null }
type Source = {
  id: string
  kind: string
  name: string
  keyId: string | null
  lastReceivedAt: string | null
  receivedToday: number
  received7d: number
  received30d: number
  duplicates30d: number | null
  series: VolumeDay[]
  anomalies: Line
  checks: Line[]
  status: 'ok' | 'warn'
}
type Report = {
  today: string
  sources: Source[]
  unmatched: Record<'users' | 'groups' | 'events' | 'backlog', Line>
  timestamps: Record<'future' | 'ancient', Line>
  accounts: Record<'withoutOwner' | 'inactiveOwner' | 'withoutRenewal' | 'renewalOverdue' | 'withoutArr' | 'duplicates', Line>
  summary: { checks: number; warnings: number }
}
type Examples = { check: string; rowKind: string; items: Record<string, unknown>[]; total: number; nextCursor: string | null }
type Problem = { errors?: { field: string; message: string }[] }

const fieldsOf = async (response: Response) => ((await response.json()) as Problem).errors?.map((error) => error.field) ?? []

const utcDay = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10)
const at = (daysAgo: number, hour = 12) => new Date(`${utcDay(daysAgo)}T${String(hour).padStart(2, '0')}:00:00.000Z`)

async function reportOf(workspace: TestWorkspace, role: 'viewer' | 'csm' | 'admin' = 'viewer'): Promise<Report> {
  const response = await ctx.as(workspace, role)('GET', '/api/v1/data-quality')
  expect(response.status).toBe(200)
  return (await response.json()) as Report
}

async function examplesOf(workspace: TestWorkspace, href: string): Promise<Examples> {
  const response = await ctx.as(workspace, 'viewer')('GET', href)
  expect(response.status, href).toBe(200)
  return (await response.json()) as Examples
}

/** Every row of a check, following the cursors one row at a time. */
async function allExamples(workspace: TestWorkspace, href: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = []
  let cursor: string | null = null
  do {
    const separator = href.includes('?') ? '&' : '?'
    const page: Examples = await examplesOf(workspace, `${href}${separator}limit=1${cursor ? `&cursor=${cursor}` : ''}`)
    rows.push(...page.items)
    cursor = page.nextCursor
  } while (cursor)
  return rows
}

let messageNumber = 0
const track = (userId: string, extra: Record<string, unknown> = {}) => ({ type: 'track', event: 'Report Viewed', userId, messageId: `m-${++messageNumber}-${crypto.randomUUID()}`, ...extra })

async function ingest(workspaceId: string, calls: Record<string, unknown>[], options: { receivedAt?: Date; sourceKeyId?: string | null } = {}) {
  const outcome = await ingestCalls(ctx.handle.db, {
    workspaceId,
    sourceKeyId: options.sourceKeyId ?? null,
    calls,
    batch: true,
    options: { receivedAt: options.receivedAt ?? new Date() },
  })
  expect(outcome.errors).toEqual([])
}

async function keyIdOf(workspace: TestWorkspace, key: string): Promise<string> {
  const response = await ctx.as(workspace, 'admin')('GET', '/api/v1/api-keys')
  const { items } = (await response.json()) as { items: { id: string; prefix: string }[] }
  const found = items.find((item) => key.startsWith(`bsn_${item.prefix}_`))
  if (!found) throw new Error('key not listed')
  return found.id
}

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`

describe('data-quality report: sources', () => {
  it('gives each events source its last received time, 30-day volume and anomaly days', async () => {
    const ws = await ctx.createWorkspace('dq-volume')
    const account = await makeAccount(ctx.handle.db, ws.id, { externalId: 'VOL-1' })
    const key = await ctx.createKey(ws, ['ingest'])
    const keyId = await keyIdOf(ws, key)
    const idleKeyId = await keyIdOf(ws, await ctx.createKey(ws, ['ingest']))
    const matched = (userId: string) => track(userId, { context: { groupId: 'VOL-1' } })

    // A steady 6 calls a day for 20 days, silence 5 days ago, a burst of 40 three days ago.
    for (let daysAgo = 20; daysAgo >= 1; daysAgo--) {
      if (daysAgo === 5) continue
      const count = daysAgo === 3 ? 40 : 6
      await ingest(ws.id, Array.from({ length: count }, (_, index) => matched(`vol-user-${index % 3}`)), { receivedAt: at(daysAgo), sourceKeyId: keyId })
    }
    // Today, through the real endpoint with the key, one call sent twice (a client retry).
    const retried = matched('vol-user-0')
    for (const batch of [[matched('vol-user-1'), retried], [retried]]) {
      const response = await ctx.app.request('/v1/batch', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basic(key) },
        body: JSON.stringify({ batch }),
      })
      expect(response.status).toBe(200)
    }
    const sentAt = Date.now()
    await drainInbox(ctx.handle.db)

    const report = await reportOf(ws)
    const source = report.sources.find((candidate) => candidate.id === `events:${keyId}`)
    expect(source).toMatchObject({ kind: 'events', name: 'test ingest', keyId, receivedToday: 3, duplicates30d: 1 })
    expect(Math.abs(Date.parse(source?.lastReceivedAt ?? '') - sentAt)).toBeLessThan(60_000)
    expect(source?.series).toHaveLength(30)
    expect(source?.series.at(-1)?.day).toBe(report.today)
    expect(source?.received7d).toBe(3 + 6 * 5 + 40 - 6) // today, 1..6 days ago with 5 silent and 3 the burst
    expect(source?.received30d).toBe(3 + 6 * 18 + 40)
    const anomalies = Object.fromEntries((source?.series ?? []).filter((day) => day.anomaly).map((day) => [day.day, day.anomaly]))
    expect(anomalies).toEqual({ [utcDay(3)]: 'spike', [utcDay(5)]: 'silent' })
    expect(source?.series.find((day) => day.day === utcDay(3))).toMatchObject({ count: 40, baseline: 6 })
    expect(source?.anomalies).toMatchObject({ count: 2, status: 'warn' })
    expect(source?.status).toBe('warn')

    const days = await examplesOf(ws, source?.anomalies.examplesHref ?? '')
    expect(days.rowKind).toBe('anomaly-day')
    expect(days.items).toEqual([
      { day: utcDay(3), count: 40, baseline: 6, anomaly: 'spike' },
      { day: utcDay(5), count: 0, baseline: 6, anomaly: 'silent' },
    ])

    // A live ingest key that never sent anything is listed as such.
    expect(report.sources.find((candidate) => candidate.id === `events:${idleKeyId}`)).toMatchObject({ lastReceivedAt: null, received30d: 0, status: 'ok' })
    // The CRM source saw the account created today.
    expect(report.sources.find((candidate) => candidate.id === 'crm')).toMatchObject({ kind: 'crm', receivedToday: 1 })
    expect(report.unmatched.events.count).toBe(0)
    expect(account.id).toBeTruthy()
  })

  it('reports tickets, Stripe and imports as sources with their own checks', async () => {
    const ws = await ctx.createWorkspace('dq-feeds')
    const account = await makeAccount(ctx.handle.db, ws.id)
    await makeTicket(ctx.handle.db, ws.id, account.id, { externalId: 'ZD-1' })
    await makeTicket(ctx.handle.db, ws.id, account.id)

    const signingSecret = `whsec_${crypto.randomBytes(24).toString('base64url')}`
    expect((await ctx.as(ws, 'admin')('PUT', '/api/v1/billing/stripe', { signingSecret })).status).toBe(200)
    const stripe = new Stripe('sk_test_bosun_tests_never_call_stripe')
    const payload = JSON.stringify({
      id: `evt_${crypto.randomBytes(6).toString('hex')}`,
      object: 'event',
      api_version: '2025-03-31.basil',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type: 'invoice.paid',
      data: { object: { id: 'in_dq_1', object: 'invoice', customer: 'cus_nobody_knows', currency: 'usd', amount_paid: 1000, amount_due: 1000, status: 'paid', lines: { data: [] } } },
    })
    const delivered = await ctx.app.request(`/webhooks/stripe/${ws.slug}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret: signingSecret }) },
      body: payload,
    })
    expect(delivered.status).toBe(200)

    const report = await reportOf(ws)
    const tickets = report.sources.find((source) => source.id === 'tickets')
    expect(tickets).toMatchObject({ kind: 'tickets', receivedToday: 2, received30d: 2 })
    const billing = report.sources.find((source) => source.id === 'stripe')
    expect(billing).toMatchObject({ kind: 'stripe', receivedToday: 1 })
    const unmatchedStripe = billing?.checks.find((check) => check.check === 'stripe-unmatched')
    expect(unmatchedStripe).toMatchObject({ count: 1, status: 'warn' })
    const rows = await examplesOf(ws, unmatchedStripe?.examplesHref ?? '')
    expect(rows).toMatchObject({ rowKind: 'stripe-event', total: 1, items: [{ stripeCustomerId: 'cus_nobody_knows', status: 'unmatched', type: 'invoice.paid' }] })

    // A CSV import with a bad row: the good rows are kept, the run is listed as needing a look.
    const file = path.join(os.tmpdir(), `dq-import-${crypto.randomUUID()}.csv`)
    fs.writeFileSync(file, 'External ID,Name,ARR\nIMP-1,Imported One,1000\nIMP-2,Imported Two,not money\nIMP-3,Imported Three,3000\n')
    const run = await createImportRun(ctx.handle.db, {
      workspaceId: ws.id,
      input: { kind: 'accounts', fileName: 'crm-export.csv', filePath: file, fileOwned: true, fileBytes: fs.statSync(file).size, dryRun: false, allOrNothing: false, dayFirst: false, createdBy: 'test' },
    })
    const finished = await executeImportRun(ctx.handle.db, { workspaceId: ws.id, runId: run.id })
    expect(finished).toMatchObject({ status: 'partially', rowsFailed: 1 })

    const afterImport = await reportOf(ws)
    const imports = afterImport.sources.find((source) => source.id === 'imports')
    expect(imports).toMatchObject({ kind: 'imports', receivedToday: 3 })
    expect(Date.parse(imports?.lastReceivedAt ?? '')).toBe(finished.finishedAt?.getTime())
    const failures = imports?.checks.find((check) => check.check === 'import-failures')
    expect(failures).toMatchObject({ count: 1, status: 'warn' })
    expect(await examplesOf(ws, failures?.examplesHref ?? '')).toMatchObject({
      rowKind: 'import-run',
      total: 1,
      items: [{ runId: run.id, fileName: 'crm-export.csv', status: 'partially', rowsProcessed: 3, rowsFailed: 1 }],
    })
    expect(afterImport.sources.find((source) => source.id === 'crm')).toMatchObject({ receivedToday: 3 })
  })
})

describe('data-quality report: unmatched product data and timestamps', () => {
  let ws: TestWorkspace
  let report: Report

  beforeAll(async () => {
    ws = await ctx.createWorkspace('dq-product')
    await makeAccount(ctx.handle.db, ws.id, { externalId: 'KNOWN-1' })
    const receivedAt = new Date()
    await ingest(
      ws.id,
      [
        { type: 'group', userId: 'u-known', groupId: 'KNOWN-1', messageId: 'g-known' },
        track('u-known'),
        { type: 'identify', userId: 'u-lost', traits: { email: 'lost@ghost.example' }, messageId: 'i-lost' },
        { type: 'group', userId: 'u-lost', groupId: 'GHOST-1', messageId: 'g-lost' },
        track('u-lost', { messageId: 'e-lost-1' }),
        track('u-other', { context: { groupId: 'GHOST-2' }, messageId: 'e-ghost-2' }),
        { type: 'page', anonymousId: 'visitor-7', name: 'Pricing', messageId: 'p-anon' },
        // dated a day after receipt, three years before it, and 30 minutes ahead (tolerated)
        track('u-known', { messageId: 'ts-future', timestamp: new Date(receivedAt.getTime() + 86_400_000).toISOString() }),
        track('u-known', { messageId: 'ts-ancient', timestamp: new Date(receivedAt.getTime() - 3 * 365 * 86_400_000).toISOString() }),
        track('u-known', { messageId: 'ts-close', timestamp: new Date(receivedAt.getTime() + 30 * 60_000).toISOString() }),
      ],
      { receivedAt },
    )
    await drainInbox(ctx.handle.db)
    report = await reportOf(ws)
  })

  it('counts unmatched users, groups and events, and lists them', async () => {
    expect(report.unmatched.users).toMatchObject({ count: 3, status: 'warn' })
    expect(report.unmatched.groups).toMatchObject({ count: 2, status: 'warn' })
    expect(report.unmatched.events).toMatchObject({ count: 5, status: 'warn' })
    expect(report.unmatched.backlog).toMatchObject({ count: 0, status: 'ok' })

    const users = await allExamples(ws, report.unmatched.users.examplesHref)
    expect(users.map((user) => user.userId).sort()).toEqual(['anon:visitor-7', 'u-lost', 'u-other'])
    expect(users.find((user) => user.userId === 'u-lost')).toMatchObject({ email: 'lost@ghost.example', groupId: 'GHOST-1', anonymous: false, unmatchedEvents: 3 })
    expect(users.find((user) => user.userId === 'anon:visitor-7')).toMatchObject({ anonymous: true, unmatchedEvents: 1 })

    const groups = await examplesOf(ws, report.unmatched.groups.examplesHref)
    expect(groups.rowKind).toBe('group')
    expect(groups.items.map((group) => [group.groupId, group.users, group.unmatchedEvents]).sort()).toEqual([
      ['GHOST-1', 1, 3],
      ['GHOST-2', 1, 1],
    ])

    const unmatchedEvents = await allExamples(ws, report.unmatched.events.examplesHref)
    expect(unmatchedEvents.map((event) => event.messageId).sort()).toEqual(['e-ghost-2', 'e-lost-1', 'g-lost', 'i-lost', 'p-anon'])
  })

  it('counts events with future and ancient timestamps, per source and overall, with examples', async () => {
    expect(report.timestamps.future).toMatchObject({ count: 1, status: 'warn' })
    expect(report.timestamps.ancient).toMatchObject({ count: 1, status: 'warn' })
    const system = report.sources.find((source) => source.id === 'events:00000000-0000-0000-0000-000000000000')
    expect(system?.name).toBe('Bosun (built-in and demo)')
    const futureLine = system?.checks.find((check) => check.check === 'future-timestamps')
    expect(futureLine).toMatchObject({ count: 1 })

    const future = await examplesOf(ws, futureLine?.examplesHref ?? '')
    expect(future.rowKind).toBe('event')
    expect(future.items).toHaveLength(1)
    const [row] = future.items
    expect(row).toMatchObject({ messageId: 'ts-future', sourceName: 'Bosun (built-in and demo)' })
    expect(Date.parse(String(row?.occurredAt)) - Date.parse(String(row?.receivedAt))).toBe(86_400_000)

    const ancient = await examplesOf(ws, report.timestamps.ancient.examplesHref)
    expect(ancient.items.map((event) => event.messageId)).toEqual(['ts-ancient'])

    // Narrowed to another source: none of these.
    const elsewhere = await examplesOf(ws, `/api/v1/data-quality/examples/future-timestamps?source=events:${crypto.randomUUID()}`)
    expect(elsewhere).toMatchObject({ items: [], total: 0 })
  })

  it('shows calls waiting in the inbox as the processing backlog', async () => {
    await ingest(ws.id, [track('u-known', { messageId: 'waiting-1' })])
    const waiting = await reportOf(ws)
    expect(waiting.unmatched.backlog.count).toBe(1)
    const rows = await examplesOf(ws, waiting.unmatched.backlog.examplesHref)
    expect(rows.items.map((event) => event.messageId)).toEqual(['waiting-1'])
    await drainInbox(ctx.handle.db)
    expect((await reportOf(ws)).unmatched.backlog.count).toBe(0)
  })
})

describe('data-quality report: account hygiene', () => {
  let ws: TestWorkspace
  let report: Report
  const ids: Record<string, string> = {}

  beforeAll(async () => {
    ws = await ctx.createWorkspace('dq-accounts')
    const owner = ws.users.csm.id
    const renewal = utcDay(-120)
    const clean = { ownerId: owner, renewalDate: renewal, arr: 10_000 }
    const make = async (label: string, overrides: Parameters<typeof makeAccount>[2]) => {
      const account = await makeAccount(ctx.handle.db, ws.id, { ...clean, ...overrides })
      ids[label] = account.id
      return account
    }
    await make('fine', {})
    await make('noOwnerBig', { ownerId: null, arr: 90_000 })
    await make('noOwnerSmall', { ownerId: null, arr: 5_000 })
    await make('noRenewal', { renewalDate: null })
    await make('overdue', { renewalDate: utcDay(60) })
    await make('noArr', { arr: 0 })
    // A user who left: disabled, still owning an account.
    const created = await ctx.as(ws, 'admin')('POST', '/api/v1/users', { email: 'leaver@dq-accounts.test', name: 'Lee Leaver', role: 'csm' })
    expect(created.status).toBe(201)
    const leaver = ((await created.json()) as { user: { id: string } }).user
    await make('leaverOwned', { ownerId: leaver.id })
    expect((await ctx.as(ws, 'admin')('PATCH', `/api/v1/users/${leaver.id}`, { status: 'disabled' })).status).toBe(200)
    // Duplicates: the same domain written two ways (their names match too: reported once), and the same name.
    await make('dupDomainA', { name: 'Globex Corp', domain: 'www.globex.example' })
    await make('dupDomainB', { name: 'Globex', domain: 'https://GLOBEX.example/' })
    await make('dupNameA', { name: 'Initech, Inc.', domain: 'initech-us.example' })
    await make('dupNameB', { name: 'INITECH', domain: 'initech-eu.example' })
    // A subsidiary sharing its parent's domain is a hierarchy; a churned look-alike is history.
    const parent = await make('parent', { name: 'Umbrella', domain: 'umbrella.example' })
    await make('child', { name: 'Umbrella EMEA', domain: 'umbrella.example', parentId: parent.id })
    const churned = await make('churned', { name: 'Umbrella Old', domain: 'umbrella.example', ownerId: null })
    expect((await ctx.as(ws, 'manager')('PATCH', `/api/v1/accounts/${churned.id}`, { status: 'churned' })).status).toBe(200)
    report = await reportOf(ws)
  })

  it('counts active accounts without owner, renewal date or ARR, with owners who left and stale renewal dates', () => {
    expect(report.accounts.withoutOwner).toMatchObject({ count: 2, status: 'warn' })
    expect(report.accounts.inactiveOwner).toMatchObject({ count: 1, status: 'warn' })
    expect(report.accounts.withoutRenewal).toMatchObject({ count: 1, status: 'warn' })
    expect(report.accounts.renewalOverdue).toMatchObject({ count: 1, status: 'warn' })
    expect(report.accounts.withoutArr).toMatchObject({ count: 1, status: 'warn' })
  })

  it('lists the accounts behind each check so the UI can link to them', async () => {
    const noOwner = await examplesOf(ws, report.accounts.withoutOwner.examplesHref)
    expect(noOwner.rowKind).toBe('account')
    expect(noOwner.items.map((row) => row.accountId)).toEqual([ids.noOwnerBig, ids.noOwnerSmall]) // biggest ARR first
    expect(noOwner.items[0]).toMatchObject({ arr: 90_000, ownerId: null, ownerStatus: null })
    const leaver = await examplesOf(ws, report.accounts.inactiveOwner.examplesHref)
    expect(leaver.items).toMatchObject([{ accountId: ids.leaverOwned, ownerName: 'Lee Leaver', ownerStatus: 'disabled' }])
    expect((await examplesOf(ws, report.accounts.withoutRenewal.examplesHref)).items.map((row) => row.accountId)).toEqual([ids.noRenewal])
    expect((await examplesOf(ws, report.accounts.renewalOverdue.examplesHref)).items).toMatchObject([{ accountId: ids.overdue, renewalDate: utcDay(60) }])
    expect((await examplesOf(ws, report.accounts.withoutArr.examplesHref)).items).toMatchObject([{ accountId: ids.noArr, arr: 0 }])
  })

  it('finds likely duplicate accounts by normalised domain and name, not subsidiaries or churned ones', async () => {
    expect(report.accounts.duplicates).toMatchObject({ count: 2, status: 'warn' })
    const groups = await examplesOf(ws, report.accounts.duplicates.examplesHref)
    expect(groups.rowKind).toBe('duplicate-group')
    const shape = groups.items.map((group) => ({
      matchedBy: group.matchedBy,
      key: group.key,
      accounts: (group.accounts as { accountId: string }[]).map((account) => account.accountId).sort(),
    }))
    expect(shape).toEqual([
      { matchedBy: 'domain', key: 'globex.example', accounts: [ids.dupDomainA, ids.dupDomainB].sort() },
      { matchedBy: 'name', key: 'initech', accounts: [ids.dupNameA, ids.dupNameB].sort() },
    ])
  })

  it('pages examples with a cursor', async () => {
    const first = await examplesOf(ws, `${report.accounts.withoutOwner.examplesHref}?limit=1`)
    expect(first.items).toHaveLength(1)
    expect(first.total).toBe(2)
    expect(first.nextCursor).not.toBeNull()
    const second = await examplesOf(ws, `${report.accounts.withoutOwner.examplesHref}?limit=1&cursor=${first.nextCursor}`)
    expect(second.items.map((row) => row.accountId)).toEqual([ids.noOwnerSmall])
    expect(second.nextCursor).toBeNull()
  })
})

describe('data-quality report: access and isolation', () => {
  it('never shows another workspace’s data', async () => {
    const acme = await ctx.createWorkspace('dq-acme')
    const globex = await ctx.createWorkspace('dq-globex')
    const globexKey = await ctx.createKey(globex, ['ingest'])
    const globexKeyId = await keyIdOf(globex, globexKey)
    const globexAccount = await makeAccount(ctx.handle.db, globex.id, { name: 'Globex Only', domain: 'shared.example' })
    await makeAccount(ctx.handle.db, globex.id, { name: 'Globex Twin', domain: 'shared.example' })
    await makeAccount(ctx.handle.db, acme.id, { name: 'Acme Lone', domain: 'shared.example' })
    await ingest(globex.id, [track('globex-user', { context: { groupId: 'GLOBEX-GHOST' }, timestamp: new Date(Date.now() + 86_400_000).toISOString() })], { sourceKeyId: globexKeyId })
    await drainInbox(ctx.handle.db)

    const acmeReport = await reportOf(acme)
    expect(acmeReport.sources.map((source) => source.id)).toEqual(['crm'])
    expect(acmeReport.unmatched.users.count).toBe(0)
    expect(acmeReport.unmatched.groups.count).toBe(0)
    expect(acmeReport.timestamps.future.count).toBe(0)
    expect(acmeReport.accounts.duplicates.count).toBe(0)
    expect(acmeReport.accounts.withoutOwner.count).toBe(1)
    const acmeRows = JSON.stringify([
      await examplesOf(acme, acmeReport.accounts.withoutOwner.examplesHref),
      await examplesOf(acme, acmeReport.unmatched.users.examplesHref),
      await examplesOf(acme, `/api/v1/data-quality/examples/future-timestamps?source=events:${globexKeyId}`),
      await examplesOf(acme, `/api/v1/data-quality/examples/volume-anomalies?source=events:${globexKeyId}`),
    ])
    expect(acmeRows).not.toContain(globexAccount.id)
    expect(acmeRows).not.toContain('globex-user')

    const globexReport = await reportOf(globex)
    expect(globexReport.sources.find((source) => source.id === `events:${globexKeyId}`)?.receivedToday).toBe(1)
    expect(globexReport.unmatched.groups.count).toBe(1)
    expect(globexReport.timestamps.future.count).toBe(1)
    expect(globexReport.accounts.duplicates.count).toBe(1)
  })

  it('is readable by every role and read keys, not by ingest-only keys or anonymous callers', async () => {
    const ws = await ctx.createWorkspace('dq-access')
    for (const role of ['owner', 'admin', 'manager', 'csm', 'viewer'] as const) {
      expect((await ctx.as(ws, role)('GET', '/api/v1/data-quality')).status, role).toBe(200)
    }
    expect((await ctx.withKey(await ctx.createKey(ws, ['read']))('GET', '/api/v1/data-quality/examples/duplicate-accounts')).status).toBe(200)
    expect((await ctx.withKey(await ctx.createKey(ws, ['ingest']))('GET', '/api/v1/data-quality')).status).toBe(403)
    expect((await ctx.app.request('/api/v1/data-quality')).status).toBe(401)
  })

  it('answers bad requests with 400 naming the field', async () => {
    const ws = await ctx.createWorkspace('dq-input')
    const viewer = ctx.as(ws, 'viewer')
    const forged = Buffer.from(JSON.stringify([-5])).toString('base64url')
    const cases: [string, string][] = [
      ['/api/v1/data-quality/examples/everything', 'check'],
      ['/api/v1/data-quality/examples/unmatched-users?cursor=garbage', 'cursor'],
      [`/api/v1/data-quality/examples/unmatched-users?cursor=${forged}`, 'cursor'],
      ['/api/v1/data-quality/examples/unmatched-users?limit=0', 'limit'],
      ['/api/v1/data-quality/examples/unmatched-users?limit=many', 'limit'],
      ['/api/v1/data-quality/examples/volume-anomalies', 'source'],
      ['/api/v1/data-quality/examples/volume-anomalies?source=salesforce', 'source'],
      ['/api/v1/data-quality/examples/future-timestamps?source=tickets', 'source'],
      ['/api/v1/data-quality/examples/accounts-without-owner?source=crm', 'source'],
    ]
    for (const [path, field] of cases) {
      const response = await viewer('GET', path)
      expect(response.status, path).toBe(400)
      expect(response.headers.get('content-type'), path).toContain('application/problem+json')
      expect(await fieldsOf(response), path).toContain(field)
    }
  })
})
