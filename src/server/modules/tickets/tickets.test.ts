import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { makeAccount, makeContact, makeTicket } from '../../testing/factories'
import { upsertTicketByExternalId } from './tickets.service'

let ctx: TestContext
let acme: TestWorkspace
let globex: TestWorkspace

beforeAll(async () => {
  ctx = await createTestContext()
  acme = await ctx.createWorkspace('acme')
  globex = await ctx.createWorkspace('globex')
})
afterAll(() => ctx?.close())

type Ticket = { id: string; accountId: string; contactId: string | null; subject: string; status: string; priority: string; openedAt: string; closedAt: string | null; satisfaction: string | null }
type Page = { items: Ticket[]; nextCursor: string | null; total: number }
type Problem = { errors?: { field: string }[] }

const fieldsOf = async (response: Response) => ((await response.json()) as Problem).errors?.map((error) => error.field) ?? []

describe('tickets API', () => {
  it('creates, reads, lists, updates and deletes a ticket', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const contact = await makeContact(ctx.handle.db, acme.id, account.id)
    const csm = ctx.as(acme, 'csm')
    const created = await csm('POST', '/api/v1/tickets', {
      accountId: account.id,
      contactId: contact.id,
      externalId: 'ZD-1001',
      subject: 'SSO login loops',
      priority: 'high',
      status: 'open',
      openedAt: '2025-04-01T08:00:00Z',
    })
    expect(created.status).toBe(201)
    const ticket = (await created.json()) as Ticket
    expect(ticket).toMatchObject({ contactId: contact.id, externalId: 'ZD-1001', priority: 'high', openedAt: '2025-04-01T08:00:00.000Z', closedAt: null, satisfaction: null })
    expect(Object.keys(ticket).sort()).toEqual(
      ['id', 'accountId', 'contactId', 'externalId', 'subject', 'priority', 'status', 'openedAt', 'closedAt', 'satisfaction', 'createdAt', 'updatedAt'].sort(),
    )
    expect(await (await csm('GET', `/api/v1/tickets/${ticket.id}`)).json()).toEqual(ticket)

    const solved = await csm('PATCH', `/api/v1/tickets/${ticket.id}`, { status: 'solved', closedAt: '2025-04-02T09:30:00Z', satisfaction: 'good' })
    expect(solved.status).toBe(200)
    expect(await solved.json()).toMatchObject({ status: 'solved', closedAt: '2025-04-02T09:30:00.000Z', satisfaction: 'good', subject: 'SSO login loops' })

    expect((await ctx.as(acme, 'manager')('DELETE', `/api/v1/tickets/${ticket.id}`)).status).toBe(204)
    expect((await csm('GET', `/api/v1/tickets/${ticket.id}`)).status).toBe(404)
  })

  it('lists newest opened first with cursors and a total; open=true means new/open/pending/on_hold', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const statuses = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const
    for (const [index, status] of statuses.entries()) {
      await makeTicket(ctx.handle.db, acme.id, account.id, { status, priority: index % 2 ? 'urgent' : 'low', openedAt: `2025-06-0${index + 1}T10:00:00.000Z` })
    }
    const collect = async (query: string) => {
      const seen: string[] = []
      let cursor: string | null = null
      do {
        const path: string = `/api/v1/tickets?accountId=${account.id}&limit=2${query}${cursor ? `&cursor=${cursor}` : ''}`
        const page = (await (await ctx.as(acme, 'viewer')('GET', path)).json()) as Page
        seen.push(...page.items.map((item) => item.status))
        cursor = page.nextCursor
      } while (cursor)
      return seen
    }
    expect(await collect('')).toEqual(['closed', 'solved', 'on_hold', 'pending', 'open', 'new'])
    expect(await collect('&open=true')).toEqual(['on_hold', 'pending', 'open', 'new'])
    expect(await collect('&open=false')).toEqual(['closed', 'solved'])
    expect(await collect('&priority=urgent')).toEqual(['closed', 'on_hold', 'open'])
    expect(await collect('&status=pending')).toEqual(['pending'])
    const page = (await (await ctx.as(acme, 'viewer')('GET', `/api/v1/tickets?accountId=${account.id}&open=true&limit=1`)).json()) as Page
    expect(page.total).toBe(4)
  })

  it('answers bad input with 400 naming the field', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const otherAccount = await makeAccount(ctx.handle.db, acme.id)
    const stranger = await makeContact(ctx.handle.db, acme.id, otherAccount.id)
    const csm = ctx.as(acme, 'csm')
    const valid = { accountId: account.id, subject: 'Help', priority: 'normal', status: 'new' }
    const cases: [unknown, string][] = [
      [{ ...valid, openedAt: '2025-05-02T00:00:00Z', closedAt: '2025-05-01T00:00:00Z' }, 'closedAt'],
      [{ ...valid, priority: 'meh' }, 'priority'],
      [{ ...valid, status: undefined }, 'status'],
      [{ ...valid, subject: ' ' }, 'subject'],
      [{ ...valid, satisfaction: 'ok' }, 'satisfaction'],
      [{ ...valid, contactId: stranger.id }, 'contactId'],
      [{ ...valid, accountId: '00000000-0000-4000-8000-000000000000' }, 'accountId'],
    ]
    for (const [body, field] of cases) {
      const response = await csm('POST', '/api/v1/tickets', body)
      expect(response.status, JSON.stringify(body)).toBe(400)
      expect(await fieldsOf(response), JSON.stringify(body)).toContain(field)
    }
    const forged = Buffer.from(JSON.stringify(["2025-01-01'; drop table tickets", 'x'])).toString('base64url')
    for (const [query, field] of [['open=maybe', 'open'], ['cursor=garbage', 'cursor'], [`cursor=${forged}`, 'cursor'], ['status=lost', 'status']]) {
      const response = await csm('GET', `/api/v1/tickets?${query}`)
      expect(response.status, query).toBe(400)
      expect(await fieldsOf(response), query).toContain(field)
    }
    const ticket = await makeTicket(ctx.handle.db, acme.id, account.id, { openedAt: '2025-05-10T00:00:00Z' })
    const early = await csm('PATCH', `/api/v1/tickets/${ticket.id}`, { closedAt: '2025-05-09T00:00:00Z' })
    expect(early.status).toBe(400)
    expect(await fieldsOf(early)).toEqual(['closedAt'])
  })

  it('refuses a duplicate externalId with 409 naming the field', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    await makeTicket(ctx.handle.db, acme.id, account.id, { externalId: 'ZD-DUP' })
    const response = await ctx.as(acme, 'csm')('POST', '/api/v1/tickets', { accountId: account.id, externalId: 'ZD-DUP', subject: 'Again', priority: 'low', status: 'new' })
    expect(response.status).toBe(409)
    expect(await fieldsOf(response)).toEqual(['externalId'])
  })

  it('upserts by external id for helpdesk syncs', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const input = { accountId: account.id, externalId: 'ZD-77', subject: 'Export fails', priority: 'normal', status: 'open', openedAt: '2025-07-01T00:00:00Z' } as const
    const first = await upsertTicketByExternalId(ctx.handle.db, { workspaceId: acme.id, input })
    expect(first.created).toBe(true)
    const second = await upsertTicketByExternalId(ctx.handle.db, { workspaceId: acme.id, input: { ...input, status: 'solved', closedAt: '2025-07-03T00:00:00Z' } })
    expect(second).toMatchObject({ created: false, ticket: { id: first.ticket.id, status: 'solved' } })
    const page = (await (await ctx.as(acme, 'viewer')('GET', `/api/v1/tickets?accountId=${account.id}`)).json()) as Page
    expect(page.total).toBe(1)
  })

  it('lets a viewer read but not write', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const ticket = await makeTicket(ctx.handle.db, acme.id, account.id)
    const viewer = ctx.as(acme, 'viewer')
    expect((await viewer('GET', `/api/v1/tickets/${ticket.id}`)).status).toBe(200)
    expect((await viewer('POST', '/api/v1/tickets', { accountId: account.id, subject: 'No', priority: 'low', status: 'new' })).status).toBe(403)
    expect((await viewer('PATCH', `/api/v1/tickets/${ticket.id}`, { status: 'closed' })).status).toBe(403)
    expect((await ctx.as(acme, 'csm')('DELETE', `/api/v1/tickets/${ticket.id}`)).status).toBe(403)
  })

  it("never lets workspace B read, change or open tickets on workspace A's accounts", async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const contact = await makeContact(ctx.handle.db, acme.id, account.id)
    const ticket = await makeTicket(ctx.handle.db, acme.id, account.id, { externalId: 'ZD-SECRET' })
    const asGlobex = ctx.withKey(await ctx.createKey(globex, ['read', 'write']))
    expect((await asGlobex('GET', `/api/v1/tickets/${ticket.id}`)).status).toBe(404)
    expect((await asGlobex('PATCH', `/api/v1/tickets/${ticket.id}`, { status: 'closed' })).status).toBe(404)
    expect((await asGlobex('DELETE', `/api/v1/tickets/${ticket.id}`)).status).toBe(404)
    expect(((await (await asGlobex('GET', `/api/v1/tickets?accountId=${account.id}`)).json()) as Page).total).toBe(0)
    const attach = await asGlobex('POST', '/api/v1/tickets', { accountId: account.id, subject: 'Intruder', priority: 'low', status: 'new' })
    expect(attach.status).toBe(400)
    expect(await fieldsOf(attach)).toEqual(['accountId'])
    const globexAccount = await makeAccount(ctx.handle.db, globex.id)
    const borrow = await asGlobex('POST', '/api/v1/tickets', { accountId: globexAccount.id, contactId: contact.id, subject: 'Hi', priority: 'low', status: 'new' })
    expect(borrow.status).toBe(400)
    expect(await fieldsOf(borrow)).toEqual(['contactId'])
    // External ids are per workspace: B may use the same one.
    expect((await asGlobex('POST', '/api/v1/tickets', { accountId: globexAccount.id, externalId: 'ZD-SECRET', subject: 'Mine', priority: 'low', status: 'new' })).status).toBe(201)
  })
})
