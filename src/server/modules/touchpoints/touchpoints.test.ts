import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { makeAccount, makeContact, makeTouchpoint } from '../../testing/factories'

let ctx: TestContext
let acme: TestWorkspace
let globex: TestWorkspace

beforeAll(async () => {
  ctx = await createTestContext()
  acme = await ctx.createWorkspace('acme')
  globex = await ctx.createWorkspace('globex')
})
afterAll(() => ctx?.close())

type Touchpoint = { id: string; accountId: string; kind: string; authorId: string | null; authorName: string | null; occurredAt: string; subject: string | null; body: string; contactIds: string[] }
type Page = { items: Touchpoint[]; nextCursor: string | null }
type Problem = { errors?: { field: string }[] }

const fieldsOf = async (response: Response) => ((await response.json()) as Problem).errors?.map((error) => error.field) ?? []

describe('touchpoints API', () => {
  it('logs a touchpoint authored by the logged-in user, and reads, lists, updates and deletes it', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const contact = await makeContact(ctx.handle.db, acme.id, account.id)
    const csm = ctx.as(acme, 'csm')
    const before = Date.now()
    const created = await csm('POST', '/api/v1/touchpoints', {
      accountId: account.id,
      kind: 'call',
      subject: 'Renewal prep',
      body: 'Talked through the renewal and the new SSO requirement.',
      contactIds: [contact.id, contact.id],
    })
    expect(created.status).toBe(201)
    const touchpoint = (await created.json()) as Touchpoint
    expect(touchpoint).toMatchObject({ kind: 'call', authorId: acme.users.csm.id, authorName: 'Cara CSM', contactIds: [contact.id], subject: 'Renewal prep' })
    expect(Date.parse(touchpoint.occurredAt)).toBeGreaterThanOrEqual(before - 1000)
    expect(Object.keys(touchpoint).sort()).toEqual(
      ['id', 'accountId', 'kind', 'authorId', 'authorName', 'occurredAt', 'subject', 'body', 'contactIds', 'createdAt', 'updatedAt'].sort(),
    )
    expect(await (await csm('GET', `/api/v1/touchpoints/${touchpoint.id}`)).json()).toEqual(touchpoint)

    const updated = await csm('PATCH', `/api/v1/touchpoints/${touchpoint.id}`, { kind: 'meeting', occurredAt: '2025-03-04T10:00:00+01:00', contactIds: [] })
    expect(updated.status).toBe(200)
    expect(await updated.json()).toMatchObject({ kind: 'meeting', occurredAt: '2025-03-04T09:00:00.000Z', contactIds: [], authorId: acme.users.csm.id })

    expect((await csm('DELETE', `/api/v1/touchpoints/${touchpoint.id}`)).status).toBe(204)
    expect((await csm('GET', `/api/v1/touchpoints/${touchpoint.id}`)).status).toBe(404)
  })

  it('lists newest first with cursors, filtered by account, kind and author', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const { db } = ctx.handle
    const csmId = acme.users.csm.id
    for (const [day, kind, author] of [['01', 'note', csmId], ['03', 'call', csmId], ['02', 'note', null], ['05', 'note', csmId], ['04', 'qbr', csmId]] as const) {
      await makeTouchpoint(db, acme.id, account.id, author, { kind, occurredAt: `2025-05-${day}T12:00:00.000Z` })
    }
    const collect = async (query: string) => {
      const seen: string[] = []
      let cursor: string | null = null
      do {
        const path: string = `/api/v1/touchpoints?accountId=${account.id}&limit=2${query}${cursor ? `&cursor=${cursor}` : ''}`
        const page = (await (await ctx.as(acme, 'viewer')('GET', path)).json()) as Page
        seen.push(...page.items.map((item) => item.occurredAt.slice(8, 10)))
        cursor = page.nextCursor
      } while (cursor)
      return seen
    }
    expect(await collect('')).toEqual(['05', '04', '03', '02', '01'])
    expect(await collect('&kind=note')).toEqual(['05', '02', '01'])
    expect(await collect(`&authorId=${csmId}`)).toEqual(['05', '04', '03', '01'])
  })

  it('keeps a touchpoint to its author: others need to be an owner, admin or manager', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const byCsm = await makeTouchpoint(ctx.handle.db, acme.id, account.id, acme.users.csm.id)
    const byManager = await makeTouchpoint(ctx.handle.db, acme.id, account.id, acme.users.manager.id)
    const csm = ctx.as(acme, 'csm')

    const forbidden = await csm('PATCH', `/api/v1/touchpoints/${byManager.id}`, { body: 'Rewritten' })
    expect(forbidden.status).toBe(403)
    expect(forbidden.headers.get('content-type')).toContain('application/problem+json')
    expect((await csm('DELETE', `/api/v1/touchpoints/${byManager.id}`)).status).toBe(403)
    // A write-scoped API key is nobody's author and no manager either.
    const writer = ctx.withKey(await ctx.createKey(acme, ['write']))
    expect((await writer('PATCH', `/api/v1/touchpoints/${byCsm.id}`, { body: 'Rewritten' })).status).toBe(403)

    expect((await csm('PATCH', `/api/v1/touchpoints/${byCsm.id}`, { body: 'My own words' })).status).toBe(200)
    for (const role of ['manager', 'admin', 'owner'] as const) {
      const response = await ctx.as(acme, role)('PATCH', `/api/v1/touchpoints/${byCsm.id}`, { subject: `Edited by ${role}` })
      expect(response.status, role).toBe(200)
      // Editing does not change the author.
      expect(await response.json()).toMatchObject({ authorId: acme.users.csm.id, subject: `Edited by ${role}` })
    }
    const admin = ctx.withKey(await ctx.createKey(acme, ['admin']))
    expect((await admin('PATCH', `/api/v1/touchpoints/${byManager.id}`, { subject: 'Admin key' })).status).toBe(200)
    expect((await ctx.as(acme, 'manager')('DELETE', `/api/v1/touchpoints/${byCsm.id}`)).status).toBe(204)
  })

  it('logs API-key touchpoints without an author; anyone who may write can correct them', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const writer = ctx.withKey(await ctx.createKey(acme, ['write']))
    const created = await writer('POST', '/api/v1/touchpoints', { accountId: account.id, kind: 'email', body: 'Imported from the mailbox' })
    expect(created.status).toBe(201)
    const touchpoint = (await created.json()) as Touchpoint
    expect(touchpoint).toMatchObject({ authorId: null, authorName: null })
    expect((await ctx.as(acme, 'csm')('PATCH', `/api/v1/touchpoints/${touchpoint.id}`, { subject: 'Filed' })).status).toBe(200)
    expect((await writer('DELETE', `/api/v1/touchpoints/${touchpoint.id}`)).status).toBe(204)
  })

  it('answers bad input with 400 naming the field', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const otherAccount = await makeAccount(ctx.handle.db, acme.id)
    const stranger = await makeContact(ctx.handle.db, acme.id, otherAccount.id)
    const csm = ctx.as(acme, 'csm')
    const valid = { accountId: account.id, kind: 'note', body: 'Hello' }
    const cases: [unknown, string][] = [
      [{ ...valid, kind: 'fax' }, 'kind'],
      [{ ...valid, body: '' }, 'body'],
      [{ ...valid, body: '   ' }, 'body'],
      [{ ...valid, body: 'x'.repeat(20_001) }, 'body'],
      [{ ...valid, occurredAt: 'yesterday' }, 'occurredAt'],
      [{ ...valid, contactIds: ['nope'] }, 'contactIds.0'],
      [{ ...valid, contactIds: [stranger.id] }, 'contactIds'],
      [{ ...valid, contactIds: ['00000000-0000-4000-8000-000000000000'] }, 'contactIds'],
      [{ ...valid, accountId: '00000000-0000-4000-8000-000000000000' }, 'accountId'],
      [{ ...valid, authorId: acme.users.owner.id }, 'authorId'],
    ]
    for (const [body, field] of cases) {
      const response = await csm('POST', '/api/v1/touchpoints', body)
      expect(response.status, JSON.stringify(body).slice(0, 200)).toBe(400)
      expect(await fieldsOf(response), JSON.stringify(body).slice(0, 200)).toContain(field)
    }
    expect((await csm('POST', '/api/v1/touchpoints', { ...valid, body: 'x'.repeat(20_000) })).status).toBe(201)
    for (const values of [['yesterday', '00000000-0000-4000-8000-000000000000'], ['2025-01-01 00:00:00+00', 'nope'], [1, 2]]) {
      const forged = await csm('GET', `/api/v1/touchpoints?cursor=${Buffer.from(JSON.stringify(values)).toString('base64url')}`)
      expect(forged.status, JSON.stringify(values)).toBe(400)
      expect(await fieldsOf(forged)).toEqual(['cursor'])
    }
    // Moving a touchpoint to another account takes its people along only if they belong there.
    const contact = await makeContact(ctx.handle.db, acme.id, account.id)
    const touchpoint = await makeTouchpoint(ctx.handle.db, acme.id, account.id, acme.users.csm.id, { contactIds: [contact.id] })
    const move = await csm('PATCH', `/api/v1/touchpoints/${touchpoint.id}`, { accountId: otherAccount.id })
    expect(move.status).toBe(400)
    expect(await fieldsOf(move)).toEqual(['contactIds'])
    expect((await csm('PATCH', `/api/v1/touchpoints/${touchpoint.id}`, { accountId: otherAccount.id, contactIds: [stranger.id] })).status).toBe(200)
  })

  it('lets a viewer read but not write', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const touchpoint = await makeTouchpoint(ctx.handle.db, acme.id, account.id, acme.users.viewer.id)
    const viewer = ctx.as(acme, 'viewer')
    expect((await viewer('GET', `/api/v1/touchpoints/${touchpoint.id}`)).status).toBe(200)
    expect((await viewer('POST', '/api/v1/touchpoints', { accountId: account.id, kind: 'note', body: 'No' })).status).toBe(403)
    // Even as its author: a viewer may not write at all.
    expect((await viewer('PATCH', `/api/v1/touchpoints/${touchpoint.id}`, { body: 'No' })).status).toBe(403)
    expect((await viewer('DELETE', `/api/v1/touchpoints/${touchpoint.id}`)).status).toBe(403)
  })

  it("never lets workspace B read, change or log touchpoints on workspace A's accounts", async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const contact = await makeContact(ctx.handle.db, acme.id, account.id)
    const touchpoint = await makeTouchpoint(ctx.handle.db, acme.id, account.id, acme.users.csm.id)
    const globexOwner = ctx.as(globex, 'owner')
    expect((await globexOwner('GET', `/api/v1/touchpoints/${touchpoint.id}`)).status).toBe(404)
    expect((await globexOwner('PATCH', `/api/v1/touchpoints/${touchpoint.id}`, { body: 'Hijacked' })).status).toBe(404)
    expect((await globexOwner('DELETE', `/api/v1/touchpoints/${touchpoint.id}`)).status).toBe(404)
    expect(((await (await globexOwner('GET', `/api/v1/touchpoints?accountId=${account.id}`)).json()) as Page).items).toEqual([])
    const attach = await globexOwner('POST', '/api/v1/touchpoints', { accountId: account.id, kind: 'note', body: 'Intruder' })
    expect(attach.status).toBe(400)
    expect(await fieldsOf(attach)).toEqual(['accountId'])
    // Nor name A's people on B's own account.
    const globexAccount = await makeAccount(ctx.handle.db, globex.id)
    const borrow = await globexOwner('POST', '/api/v1/touchpoints', { accountId: globexAccount.id, kind: 'note', body: 'Hi', contactIds: [contact.id] })
    expect(borrow.status).toBe(400)
    expect(await fieldsOf(borrow)).toEqual(['contactIds'])
  })
})
