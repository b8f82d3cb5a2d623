import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, TEST_PASSWORD, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { resetLoginThrottle } from './identity.service'

let ctx: TestContext
let acme: TestWorkspace

beforeAll(async () => {
  ctx = await createTestContext()
  acme = await ctx.createWorkspace('acme')
})
afterAll(() => ctx?.close())

const login = (email: string, password: string, workspace?: string) =>
  ctx.app.request('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, ...(workspace ? { workspace } : {}) }),
  })

type AuditPage = { items: { action: string; entityId: string; actorLabel: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }[] }

describe('login and sessions', () => {
  it('sets an HttpOnly SameSite session cookie and ends it on logout', async () => {
    const response = await login('csm@acme.test', TEST_PASSWORD)
    expect(response.status).toBe(200)
    const cookieHeader = response.headers.get('set-cookie') ?? ''
    expect(cookieHeader).toMatch(/HttpOnly/i)
    expect(cookieHeader).toMatch(/SameSite=Lax/i)
    const cookie = cookieHeader.split(';')[0]
    const me = await ctx.app.request('/api/auth/me', { headers: { cookie } })
    expect(await me.json()).toMatchObject({ user: { email: 'csm@acme.test', role: 'csm' }, workspace: { slug: 'acme' } })
    expect((await ctx.app.request('/api/auth/logout', { method: 'POST', headers: { cookie } })).status).toBe(204)
    expect((await ctx.app.request('/api/auth/me', { headers: { cookie } })).status).toBe(401)
  })

  it('rejects a wrong password and a forged cookie', async () => {
    expect((await login('csm@acme.test', 'wrong-password')).status).toBe(401)
    const forged = `${acme.id}.00000000-0000-4000-8000-000000000000.secret`
    expect((await ctx.app.request('/api/v1/accounts', { headers: { cookie: `bosun_session=${forged}` } })).status).toBe(401)
  })

  it('rate-limits repeated failed logins with 429 and Retry-After', async () => {
    resetLoginThrottle()
    const statuses: number[] = []
    for (let attempt = 0; attempt < 12; attempt++) statuses.push((await login('viewer@acme.test', `guess-${attempt}`)).status)
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true)
    const limited = await login('viewer@acme.test', TEST_PASSWORD)
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    resetLoginThrottle()
  })

  it('asks which workspace when one email is a user of several', async () => {
    const other = await ctx.createWorkspace('other')
    await ctx.as(other, 'owner')('POST', '/api/v1/users', { email: 'csm@acme.test', name: 'Twin', role: 'csm', password: TEST_PASSWORD })
    const ambiguous = await login('csm@acme.test', TEST_PASSWORD)
    expect(ambiguous.status).toBe(409)
    expect(((await ambiguous.json()) as { errors: { field: string }[] }).errors[0].field).toBe('workspace')
    const chosen = await login('csm@acme.test', TEST_PASSWORD, 'other')
    expect(await chosen.json()).toMatchObject({ workspace: { slug: 'other' } })
  })
})

describe('users and roles', () => {
  it('lets an admin add a user with a one-time temporary password, and audits it without the hash', async () => {
    const admin = ctx.as(acme, 'admin')
    const created = await admin('POST', '/api/v1/users', { email: 'new.csm@acme.test', name: 'New CSM', role: 'csm' })
    expect(created.status).toBe(201)
    const body = (await created.json()) as { user: { id: string }; temporaryPassword: string }
    expect(body.temporaryPassword.length).toBeGreaterThanOrEqual(12)
    expect((await login('new.csm@acme.test', body.temporaryPassword)).status).toBe(200)

    const audit = (await (await admin('GET', '/api/v1/audit-log?entityType=user')).json()) as AuditPage
    const entry = audit.items.find((item) => item.entityId === body.user.id)
    expect(entry).toMatchObject({ action: 'user.created', actorLabel: 'admin@acme.test' })
    expect(JSON.stringify(entry)).not.toMatch(/scrypt|passwordHash/)
  })

  it('records role changes with before and after, and disabling a user ends their sessions', async () => {
    const owner = ctx.as(acme, 'owner')
    const { user } = (await (await owner('POST', '/api/v1/users', { email: 'temp@acme.test', name: 'Temp', role: 'viewer', password: TEST_PASSWORD })).json()) as { user: { id: string } }
    const cookie = (await login('temp@acme.test', TEST_PASSWORD)).headers.get('set-cookie')?.split(';')[0] ?? ''
    expect((await owner('PATCH', `/api/v1/users/${user.id}`, { role: 'manager' })).status).toBe(200)
    expect((await owner('PATCH', `/api/v1/users/${user.id}`, { status: 'disabled' })).status).toBe(200)
    expect((await ctx.app.request('/api/auth/me', { headers: { cookie } })).status).toBe(401)
    const audit = (await (await owner('GET', `/api/v1/audit-log?entityId=${user.id}`)).json()) as AuditPage
    const roleChange = audit.items.find((item) => item.before?.role === 'viewer' && item.after?.role === 'manager')
    expect(roleChange?.action).toBe('user.updated')
  })

  it('enforces who may manage users', async () => {
    expect((await ctx.as(acme, 'csm')('POST', '/api/v1/users', { email: 'x@acme.test', name: 'X', role: 'csm' })).status).toBe(403)
    expect((await ctx.as(acme, 'manager')('POST', '/api/v1/users', { email: 'y@acme.test', name: 'Y', role: 'csm' })).status).toBe(403)
    const adminMakesOwner = await ctx.as(acme, 'admin')('POST', '/api/v1/users', { email: 'z@acme.test', name: 'Z', role: 'owner' })
    expect(adminMakesOwner.status).toBe(403)
    expect((await ctx.as(acme, 'viewer')('GET', '/api/v1/users')).status).toBe(200)
    expect((await ctx.as(acme, 'viewer')('GET', '/api/v1/audit-log')).status).toBe(403)
    const lastOwner = await ctx.as(acme, 'owner')('PATCH', `/api/v1/users/${acme.users.owner.id}`, { role: 'admin' })
    expect(lastOwner.status).toBe(400)
  })

  it('validates user input and names the field', async () => {
    const response = await ctx.as(acme, 'admin')('POST', '/api/v1/users', { email: 'not-an-email', name: '', role: 'king' })
    expect(response.status).toBe(400)
    const fields = ((await response.json()) as { errors: { field: string }[] }).errors.map((error) => error.field)
    expect(fields).toEqual(expect.arrayContaining(['email', 'name', 'role']))
    const duplicate = await ctx.as(acme, 'admin')('POST', '/api/v1/users', { email: 'CSM@acme.test', name: 'Dup', role: 'csm' })
    expect(duplicate.status).toBe(409)
  })
})

describe('API keys', () => {
  it('shows a key once, stores only its hash, records last use, and stops it on revoke', async () => {
    const admin = ctx.as(acme, 'admin')
    const created = await admin('POST', '/api/v1/api-keys', { name: 'Warehouse sync', scopes: ['read'] })
    expect(created.status).toBe(201)
    const { apiKey, key } = (await created.json()) as { apiKey: { id: string; prefix: string; lastUsedAt: string | null }; key: string }
    expect(key).toMatch(/^bsn_[0-9a-f]{12}_/)
    expect(apiKey.lastUsedAt).toBeNull()

    const [stored] = (await ctx.handle.executeSql('select secret_hash from api_keys where id = $1', [apiKey.id])).rows as { secret_hash: string }[]
    // The secret is base64url and may itself contain '_', so cut at the fixed-length prefix.
    expect(stored.secret_hash).not.toContain(key.slice('bsn_'.length + 12 + 1))

    expect((await ctx.withKey(key)('GET', '/api/v1/accounts')).status).toBe(200)
    const listed = (await (await admin('GET', '/api/v1/api-keys')).json()) as { items: { id: string; lastUsedAt: string | null }[] }
    expect(listed.items.find((item) => item.id === apiKey.id)?.lastUsedAt).not.toBeNull()
    expect(JSON.stringify(listed)).not.toContain(key)

    expect((await admin('DELETE', `/api/v1/api-keys/${apiKey.id}`)).status).toBe(200)
    expect((await ctx.withKey(key)('GET', '/api/v1/accounts')).status).toBe(401)
    const audit = (await (await admin('GET', '/api/v1/audit-log?entityType=api_key')).json()) as AuditPage
    expect(audit.items.filter((item) => item.entityId === apiKey.id).map((item) => item.action)).toEqual(['api_key.revoked', 'api_key.created'])
  })

  it('needs keys:manage and a known scope', async () => {
    expect((await ctx.as(acme, 'manager')('POST', '/api/v1/api-keys', { name: 'n', scopes: ['read'] })).status).toBe(403)
    const bad = await ctx.as(acme, 'admin')('POST', '/api/v1/api-keys', { name: 'n', scopes: ['superuser'] })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { errors: { field: string }[] }).errors[0].field).toBe('scopes.0')
  })
})
