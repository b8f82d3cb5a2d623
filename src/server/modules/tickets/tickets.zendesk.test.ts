import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeAccount, makeContact, makeTicket } from '../../testing/factories'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'

let ctx: TestContext
let acme: TestWorkspace
let globex: TestWorkspace

beforeAll(async () => {
  ctx = await createTestContext()
  acme = await ctx.createWorkspace('acme')
  globex = await ctx.createWorkspace('globex')
})
afterAll(() => ctx?.close())

type Ticket = { id: string; accountId: string; contactId: string | null; externalId: string; subject: string; status: string; priority: string; openedAt: string; closedAt: string | null; satisfaction: string | null }
type FeedResult = {
  received: number
  created: number
  updated: number
  deleted: number
  failed: number
  tickets: { index: number; externalId: string; id: string | null; action: string }[]
  errors: { index: number; field: string; message: string }[]
}

let nextId = 90_000
/** A ticket as Zendesk's API returns it. */
function zendeskTicket(overrides: Record<string, unknown> = {}) {
  nextId += 1
  return {
    url: `https://acme.zendesk.com/api/v2/tickets/${nextId}.json`,
    id: nextId,
    external_id: null,
    via: { channel: 'email' },
    created_at: '2025-05-02T09:15:00Z',
    updated_at: '2025-05-02T10:00:00Z',
    type: 'incident',
    subject: 'Export to CSV times out',
    raw_subject: 'Export to CSV times out',
    description: 'When I export more than 10k rows the page spins forever.',
    priority: 'high',
    status: 'open',
    recipient: 'support@acme.example',
    requester_id: 361_000_001,
    submitter_id: 361_000_001,
    assignee_id: 361_000_900,
    organization_id: 4_400_001,
    group_id: 360_000_123,
    collaborator_ids: [],
    has_incidents: false,
    is_public: true,
    tags: ['export', 'enterprise'],
    custom_fields: [{ id: 360_011_111, value: null }],
    satisfaction_rating: { score: 'unoffered' },
    ...overrides,
  }
}

const ticketsOf = async (workspace: TestWorkspace, accountId: string) =>
  ((await (await ctx.as(workspace, 'viewer')('GET', `/api/v1/tickets?accountId=${accountId}&limit=100`)).json()) as { items: Ticket[] }).items

describe('Zendesk tickets feed', () => {
  it('accepts a bare ticket, { ticket } and { tickets, users, organizations }, upserting by Zendesk id', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { externalId: 'SF-ORBIT' })
    const contact = await makeContact(ctx.handle.db, acme.id, account.id, { email: 'dana@orbit.example' })
    const csm = ctx.as(acme, 'csm')
    const organization = { id: 4_400_001, external_id: 'SF-ORBIT', name: 'Orbit' }

    const bare = zendeskTicket({ organization })
    const single = await csm('POST', '/api/v1/tickets/zendesk', bare)
    expect(single.status, await single.clone().text()).toBe(200)
    expect(await single.json()).toMatchObject({ received: 1, created: 1, updated: 0, failed: 0, tickets: [{ index: 0, externalId: String(bare.id), action: 'created' }] })

    const wrapped = zendeskTicket({ status: 'hold', priority: null, requester: { name: 'Dana', email: 'DANA@orbit.example' }, organization })
    expect((await csm('POST', '/api/v1/tickets/zendesk', { ticket: wrapped })).status).toBe(200)

    const sideloaded = zendeskTicket({ status: 'new', satisfaction_rating: null })
    const batch = await csm('POST', '/api/v1/tickets/zendesk', {
      tickets: [sideloaded],
      users: [{ id: 361_000_001, name: 'Dana', email: 'dana@orbit.example' }],
      organizations: [organization],
      next_page: null,
      count: 1,
    })
    expect(batch.status, await batch.clone().text()).toBe(200)

    const stored = await ticketsOf(acme, account.id)
    const byExternal = (id: number) => stored.find((ticket) => ticket.externalId === String(id))
    expect(byExternal(bare.id)).toMatchObject({ subject: 'Export to CSV times out', priority: 'high', status: 'open', openedAt: '2025-05-02T09:15:00.000Z', closedAt: null, satisfaction: null, contactId: null })
    expect(byExternal(wrapped.id)).toMatchObject({ status: 'on_hold', priority: 'normal', contactId: contact.id })
    expect(byExternal(sideloaded.id)).toMatchObject({ status: 'new', contactId: contact.id })

    // The same Zendesk id again: solved with a good rating updates the one ticket.
    const solved = await csm('POST', '/api/v1/tickets/zendesk', { ticket: { ...bare, status: 'solved', updated_at: '2025-05-03T16:45:00Z', satisfaction_rating: { score: 'good', comment: 'Fast!' } } })
    expect(await solved.json()).toMatchObject({ created: 0, updated: 1 })
    const after = await ticketsOf(acme, account.id)
    expect(after).toHaveLength(3)
    expect(after.find((ticket) => ticket.externalId === String(bare.id))).toMatchObject({ status: 'solved', closedAt: '2025-05-03T16:45:00.000Z', satisfaction: 'good' })

    // A later update of a closed ticket keeps its close time; deleted removes it.
    await csm('POST', '/api/v1/tickets/zendesk', { ticket: { ...bare, status: 'closed', updated_at: '2025-06-01T00:00:00Z', satisfaction_rating: { score: 'good' } } })
    expect((await ticketsOf(acme, account.id)).find((ticket) => ticket.externalId === String(bare.id))?.closedAt).toBe('2025-05-03T16:45:00.000Z')
    const deleted = await csm('POST', '/api/v1/tickets/zendesk', { ticket: { ...wrapped, status: 'deleted' } })
    expect(await deleted.json()).toMatchObject({ deleted: 1, tickets: [{ action: 'deleted' }] })
    expect(await ticketsOf(acme, account.id)).toHaveLength(2)
  })

  it('finds the account by custom field, embedded or sideloaded organization external_id, or the zendesk_organization_id trait', async () => {
    const byTrait = await makeAccount(ctx.handle.db, acme.id, { traits: { zendesk_organization_id: '7700001' } })
    const byField = await makeAccount(ctx.handle.db, acme.id, { externalId: 'HS-FIELD-1' })
    const csm = ctx.as(acme, 'csm')
    const traitTicket = zendeskTicket({ organization_id: 7_700_001 })
    const fieldTicket = zendeskTicket({ organization_id: 7_700_001, custom_fields: [{ id: 360_099_999, value: 'HS-FIELD-1' }] })
    const response = await csm('POST', '/api/v1/tickets/zendesk?accountField=360099999', { tickets: [traitTicket, fieldTicket] })
    expect(response.status, await response.clone().text()).toBe(200)
    expect((await ticketsOf(acme, byTrait.id)).map((ticket) => ticket.externalId)).toEqual([String(traitTicket.id)])
    expect((await ticketsOf(acme, byField.id)).map((ticket) => ticket.externalId)).toEqual([String(fieldTicket.id)])
    const badQuery = await csm('POST', '/api/v1/tickets/zendesk?accountField=abc', { tickets: [] })
    expect(badQuery.status).toBe(400)
  })

  it('keeps the good tickets of a batch and names each bad one by index and field', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { externalId: 'SF-MIXED' })
    const organizations = [{ id: 5_500_001, external_id: 'SF-MIXED' }, { id: 5_500_002, external_id: 'SF-NOBODY' }]
    const good = zendeskTicket({ organization_id: 5_500_001 })
    const alsoGood = zendeskTicket({ organization_id: 5_500_001, subject: '', raw_subject: null, description: 'Billing question\nsecond line' })
    const response = await ctx.as(acme, 'csm')('POST', '/api/v1/tickets/zendesk', {
      tickets: [
        good,
        zendeskTicket({ organization_id: 5_500_001, status: 'escalated' }),
        zendeskTicket({ organization_id: 5_500_002 }),
        { ...zendeskTicket({ organization_id: 5_500_001 }), id: undefined },
        zendeskTicket({ organization_id: null }),
        zendeskTicket({ organization_id: 5_500_001, created_at: 'yesterday' }),
        'not a ticket',
        alsoGood,
        zendeskTicket({ organization_id: 5_500_001, subject: 'nul\u0000byte' }),
      ],
      organizations,
    })
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toContain('application/problem+json')
    const result = (await response.json()) as FeedResult & { status: number }
    expect(result).toMatchObject({ status: 400, received: 9, created: 2, failed: 7 })
    expect(result.errors.map((error) => [error.index, error.field])).toEqual([
      [1, 'tickets.1.status'],
      [2, 'tickets.2.organization_id'],
      [3, 'tickets.3.id'],
      [4, 'tickets.4.organization_id'],
      [5, 'tickets.5.created_at'],
      [6, 'tickets.6.(ticket)'],
      [8, 'tickets.8'],
    ])
    expect(result.tickets.map((ticket) => [ticket.index, ticket.action])).toEqual([
      [0, 'created'],
      [7, 'created'],
    ])
    const stored = await ticketsOf(acme, account.id)
    expect(stored.map((ticket) => ticket.externalId).sort()).toEqual([String(good.id), String(alsoGood.id)].sort())
    expect(stored.find((ticket) => ticket.externalId === String(alsoGood.id))?.subject).toBe('Billing question')
  })

  it('answers malformed bodies with 400 naming the field, never 5xx', async () => {
    const csm = ctx.as(acme, 'csm')
    const cases: [unknown, string][] = [
      ['{oops', 'body'],
      [[1, 2], 'body'],
      [{ tickets: Array.from({ length: 1001 }, () => ({})) }, 'tickets'],
      [{ subject: 'no id, no status' }, 'id'],
    ]
    for (const [body, field] of cases) {
      const response = await csm('POST', '/api/v1/tickets/zendesk', body)
      expect(response.status, JSON.stringify(body).slice(0, 60)).toBe(400)
      const problem = (await response.json()) as { errors: { field: string }[] }
      expect(problem.errors.map((error) => error.field), JSON.stringify(body).slice(0, 60)).toContain(field)
    }
  })

  it('needs customers:write (an API key with write scope works) and stays inside the workspace', async () => {
    await makeAccount(ctx.handle.db, acme.id, { externalId: 'SF-PRIVATE' })
    const ticket = zendeskTicket({ organization: { id: 1, external_id: 'SF-PRIVATE' } })
    expect((await ctx.as(acme, 'viewer')('POST', '/api/v1/tickets/zendesk', ticket)).status).toBe(403)
    expect((await ctx.withKey(await ctx.createKey(acme, ['read']))('POST', '/api/v1/tickets/zendesk', ticket)).status).toBe(403)
    expect((await ctx.withKey(await ctx.createKey(acme, ['ingest']))('POST', '/api/v1/tickets/zendesk', ticket)).status).toBe(403)
    expect((await ctx.app.request('/api/v1/tickets/zendesk', { method: 'POST', body: JSON.stringify(ticket) })).status).toBe(401)

    // Globex cannot attach a ticket to Acme's account by naming its external id.
    const foreign = await ctx.withKey(await ctx.createKey(globex, ['write']))('POST', '/api/v1/tickets/zendesk', ticket)
    expect(foreign.status).toBe(400)
    expect(((await foreign.json()) as FeedResult).errors.map((error) => error.field)).toEqual(['organization.external_id'])

    const writer = ctx.withKey(await ctx.createKey(acme, ['write']))
    expect((await writer('POST', '/api/v1/tickets/zendesk', ticket)).status).toBe(200)
    // A Zendesk id already used by a ticket of Acme is updated, never duplicated.
    const existing = await makeTicket(ctx.handle.db, acme.id, (await makeAccount(ctx.handle.db, acme.id, { externalId: 'SF-OLD' })).id, { externalId: '123456' })
    const moved = await writer('POST', '/api/v1/tickets/zendesk', zendeskTicket({ id: 123456, organization: { id: 2, external_id: 'SF-PRIVATE' } }))
    expect(await moved.json()).toMatchObject({ updated: 1, tickets: [{ id: existing.id, action: 'updated' }] })
  })

  it('documents the Zendesk feed and the Stripe webhook in the OpenAPI document', async () => {
    const response = await ctx.app.request('/api/openapi.json')
    expect(response.status).toBe(200)
    const document = (await response.json()) as { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } }
    expect(document.paths['/api/v1/tickets/zendesk']?.post).toBeDefined()
    expect(document.paths['/webhooks/stripe/{workspace}']?.post).toBeDefined()
    expect(document.components.schemas.ZendeskTicket).toBeDefined()
  })
})
