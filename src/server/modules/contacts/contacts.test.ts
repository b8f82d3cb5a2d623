import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { makeAccount, makeContact } from '../../testing/factories'

let ctx: TestContext
let acme: TestWorkspace
let globex: TestWorkspace

beforeAll(async () => {
  ctx = await createTestContext()
  acme = await ctx.createWorkspace('acme')
  globex = await ctx.createWorkspace('globex')
})
afterAll(() => ctx?.close())

type Contact = { id: string; accountId: string; email: string | null; name: string; roles: string[]; externalId: string | null; traits: Record<string, unknown>; lastSeenAt: string | null; createdAt: string; updatedAt: string }
type Page = { items: Contact[]; nextCursor: string | null; total: number }
type Problem = { status: number; errors?: { field: string }[] }

const fieldsOf = async (response: Response) => ((await response.json()) as Problem).errors?.map((error) => error.field) ?? []

describe('contacts API', () => {
  it('creates, reads, lists, updates and deletes a contact', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const csm = ctx.as(acme, 'csm')
    const created = await csm('POST', '/api/v1/contacts', {
      accountId: account.id,
      name: 'Priya Raman',
      email: 'Priya.Raman@Kestrel.io',
      title: 'VP Operations',
      roles: ['champion', 'decision_maker', 'champion'],
      externalId: 'SF-C-1',
      traits: { timezone: 'Europe/Berlin' },
    })
    expect(created.status).toBe(201)
    const contact = (await created.json()) as Contact
    expect(contact).toMatchObject({ accountId: account.id, name: 'Priya Raman', roles: ['champion', 'decision_maker'], traits: { timezone: 'Europe/Berlin' }, lastSeenAt: null })
    expect(Object.keys(contact).sort()).toEqual(
      ['id', 'accountId', 'externalId', 'email', 'name', 'title', 'phone', 'roles', 'traits', 'lastSeenAt', 'createdAt', 'updatedAt'].sort(),
    )

    expect(await (await csm('GET', `/api/v1/contacts/${contact.id}`)).json()).toEqual(contact)
    const byEmail = (await (await csm('GET', '/api/v1/contacts?email=priya.raman@kestrel.io')).json()) as Page
    expect(byEmail.items.map((item) => item.id)).toEqual([contact.id])
    const byRole = (await (await csm('GET', `/api/v1/contacts?accountId=${account.id}&role=decision_maker`)).json()) as Page
    expect(byRole).toMatchObject({ total: 1, items: [{ id: contact.id }] })
    const byQuery = (await (await csm('GET', '/api/v1/contacts?q=kestrel')).json()) as Page
    expect(byQuery.items.map((item) => item.id)).toEqual([contact.id])

    const updated = await csm('PATCH', `/api/v1/contacts/${contact.id}`, { title: null, roles: ['economic_buyer'] })
    expect(updated.status).toBe(200)
    expect(await updated.json()).toMatchObject({ title: null, roles: ['economic_buyer'], name: 'Priya Raman', email: 'Priya.Raman@Kestrel.io' })

    expect((await ctx.as(acme, 'manager')('DELETE', `/api/v1/contacts/${contact.id}`)).status).toBe(204)
    expect((await csm('GET', `/api/v1/contacts/${contact.id}`)).status).toBe(404)
  })

  it('pages by name with cursors and a total', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    for (const name of ['Eve', 'Bob', 'Dan', 'Alice', 'Carol', 'Bob']) await makeContact(ctx.handle.db, acme.id, account.id, { name })
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const path: string = `/api/v1/contacts?accountId=${account.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`
      const page = (await (await ctx.as(acme, 'viewer')('GET', path)).json()) as Page
      expect(page.total).toBe(6)
      seen.push(...page.items.map((item) => item.name))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toEqual(['Alice', 'Bob', 'Bob', 'Carol', 'Dan', 'Eve'])
  })

  it('answers bad input with 400 naming the field', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const csm = ctx.as(acme, 'csm')
    const cases: [string, string, unknown, string][] = [
      ['POST', '/api/v1/contacts', { accountId: account.id }, 'name'],
      ['POST', '/api/v1/contacts', { accountId: account.id, name: 'X', email: 'not-an-email' }, 'email'],
      ['POST', '/api/v1/contacts', { accountId: account.id, name: 'X', roles: ['wizard'] }, 'roles.0'],
      ['POST', '/api/v1/contacts', { accountId: 'nope', name: 'X' }, 'accountId'],
      ['POST', '/api/v1/contacts', { accountId: '00000000-0000-4000-8000-000000000000', name: 'X' }, 'accountId'],
      ['POST', '/api/v1/contacts', { accountId: account.id, name: 'X', colour: 'red' }, 'colour'],
      ['GET', '/api/v1/contacts?cursor=garbage', undefined, 'cursor'],
      ['GET', '/api/v1/contacts?role=wizard', undefined, 'role'],
    ]
    for (const [method, path, body, field] of cases) {
      const response = await csm(method, path, body)
      expect(response.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400)
      expect(response.headers.get('content-type')).toContain('application/problem+json')
      expect(await fieldsOf(response), `${method} ${path}`).toContain(field)
    }
    const contact = await makeContact(ctx.handle.db, acme.id, account.id)
    const patch = await csm('PATCH', `/api/v1/contacts/${contact.id}`, { name: '' })
    expect(patch.status).toBe(400)
    expect(await fieldsOf(patch)).toContain('name')
  })

  it('refuses a duplicate email (any case) or externalId with 409 naming the field', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    await makeContact(ctx.handle.db, acme.id, account.id, { email: 'dup@example.com', externalId: 'DUP-C' })
    const csm = ctx.as(acme, 'csm')
    const sameEmail = await csm('POST', '/api/v1/contacts', { accountId: account.id, name: 'Again', email: 'DUP@example.com' })
    expect(sameEmail.status).toBe(409)
    expect(await fieldsOf(sameEmail)).toEqual(['email'])
    const sameExternal = await csm('POST', '/api/v1/contacts', { accountId: account.id, name: 'Again', externalId: 'DUP-C' })
    expect(sameExternal.status).toBe(409)
    expect(await fieldsOf(sameExternal)).toEqual(['externalId'])
    const other = await makeContact(ctx.handle.db, acme.id, account.id)
    const renamed = await csm('PATCH', `/api/v1/contacts/${other.id}`, { email: 'Dup@Example.com' })
    expect(renamed.status).toBe(409)
    expect(await fieldsOf(renamed)).toEqual(['email'])
    // Two requests racing past the checks meet the unique index: still 409 naming the field, never 5xx.
    const racers = await Promise.all(
      [1, 2, 3].map((n) => csm('POST', '/api/v1/contacts', { accountId: account.id, name: `Racer ${n}`, email: 'race@example.com' })),
    )
    expect(racers.map((response) => response.status).sort()).toEqual([201, 409, 409])
    for (const response of racers.filter((r) => r.status === 409)) expect(await fieldsOf(response)).toEqual(['email'])
    // The same email in another workspace is another person.
    const elsewhere = await makeAccount(ctx.handle.db, globex.id)
    expect((await ctx.as(globex, 'csm')('POST', '/api/v1/contacts', { accountId: elsewhere.id, name: 'Other', email: 'dup@example.com' })).status).toBe(201)
  })

  it('lets a viewer read but not write, and a CSM not delete', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const contact = await makeContact(ctx.handle.db, acme.id, account.id)
    const viewer = ctx.as(acme, 'viewer')
    expect((await viewer('GET', `/api/v1/contacts/${contact.id}`)).status).toBe(200)
    expect((await viewer('POST', '/api/v1/contacts', { accountId: account.id, name: 'Nope' })).status).toBe(403)
    expect((await viewer('PATCH', `/api/v1/contacts/${contact.id}`, { name: 'Nope' })).status).toBe(403)
    expect((await ctx.as(acme, 'csm')('DELETE', `/api/v1/contacts/${contact.id}`)).status).toBe(403)
  })

  it("never lets workspace B read, change or add contacts to workspace A's accounts", async () => {
    const account = await makeAccount(ctx.handle.db, acme.id)
    const contact = await makeContact(ctx.handle.db, acme.id, account.id, { email: 'secret@acme.test' })
    const asGlobex = ctx.withKey(await ctx.createKey(globex, ['read', 'write']))
    expect((await asGlobex('GET', `/api/v1/contacts/${contact.id}`)).status).toBe(404)
    expect((await asGlobex('PATCH', `/api/v1/contacts/${contact.id}`, { name: 'Hijacked' })).status).toBe(404)
    expect((await asGlobex('DELETE', `/api/v1/contacts/${contact.id}`)).status).toBe(404)
    expect(((await (await asGlobex('GET', '/api/v1/contacts?email=secret@acme.test')).json()) as Page).items).toEqual([])
    expect(((await (await asGlobex('GET', `/api/v1/contacts?accountId=${account.id}`)).json()) as Page).total).toBe(0)
    const attach = await asGlobex('POST', '/api/v1/contacts', { accountId: account.id, name: 'Intruder' })
    expect(attach.status).toBe(400)
    expect(await fieldsOf(attach)).toEqual(['accountId'])
    const globexContact = await makeContact(ctx.handle.db, globex.id, (await makeAccount(ctx.handle.db, globex.id)).id)
    const move = await asGlobex('PATCH', `/api/v1/contacts/${globexContact.id}`, { accountId: account.id })
    expect(move.status).toBe(400)
    expect(await fieldsOf(move)).toEqual(['accountId'])
    expect((await ctx.as(globex, 'owner')('GET', `/api/v1/contacts/${contact.id}`)).status).toBe(404)
  })
})
