import { parse as parseYaml, stringify as stringifyYaml } from 'yaml'
import { z } from 'zod'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { makeAccount } from '../../testing/factories'
import { configKinds } from '../config-kinds'
import { defineConfigKind, conditionSchema } from './config.kinds'
import { applyConfig, getPublishedDocument, installDefaults, planConfig, publishDraft, saveDraft } from './config.service'

let ctx: TestContext
let acme: TestWorkspace
let globex: TestWorkspace

beforeAll(async () => {
  ctx = await createTestContext()
  acme = await ctx.createWorkspace('acme')
  globex = await ctx.createWorkspace('globex')
})
afterAll(() => ctx?.close())

type Version = { kind: string; key: string; version: number; status: string; comment: string; createdBy: string | null; createdByLabel: string; createdAt: string; summary: string | null; body?: unknown; live?: boolean }
type Document = { kind: string; key: string; state: string; summary: string | null; published: Version | null; draft: Version | null; archived: Version | null }
type ListItem = { key: string; name: string | null; state: string; summary: string | null; publishedVersion: number | null; draftVersion: number | null; updatedBy: string }
type Change = { path: string; change: string; before?: unknown; after?: unknown; text: string }
type PlanEntry = { kind: string; key: string; action: string; currentVersion: number | null; fileVersion: number | null; newVersion: number | null; changes: Change[]; draftOpen: boolean; notes: string[] }
type Plan = { valid: boolean; applied: boolean; counts: Record<string, number>; documents: PlanEntry[]; errors: { document: string | null; field: string; message: string }[] }
type Problem = { status: number; detail?: string; errors?: { field: string; message: string }[] }
type AuditPage = { items: { action: string; actorLabel: string; entityType: string; entityId: string | null; before: Record<string, unknown> | null; after: Record<string, unknown> | null }[] }

const json = async <T>(response: Response) => (await response.json()) as T
/** Every document the kinds ship as demo defaults, as kind/key. */
const shipped = configKinds.flatMap((kind) => kind.defaults.map((entry) => `${kind.kind}/${entry.key}`))
const fieldsOf = async (response: Response) => ((await response.json()) as Problem).errors?.map((error) => error.field) ?? []

const segment = (name: string, condition: unknown, extra: Record<string, unknown> = {}) => ({ name, condition, ...extra })
const arrAtLeast = (value: number) => ({ field: 'arr', op: 'gte', value })

describe('config documents: versions', () => {
  it('saves a draft, replaces it, publishes it, and keeps every version in the history', async () => {
    const admin = ctx.as(acme, 'admin')
    const first = await admin('PUT', '/api/v1/config/segment/big-fish', { body: segment('Big fish', arrAtLeast(50_000)), comment: 'First cut' })
    expect(first.status).toBe(200)
    const draft = await json<Document>(first)
    expect(draft).toMatchObject({ kind: 'segment', key: 'big-fish', state: 'draft', published: null, draft: { version: 1, status: 'draft', comment: 'First cut', createdByLabel: 'Ada Admin', summary: 'ARR ≥ 50000' } })

    // Saving again replaces the open draft: still version 1.
    const again = await json<Document>(await admin('PUT', '/api/v1/config/segment/big-fish', { body: segment('Big fish', arrAtLeast(60_000)), comment: 'Raised the bar' }))
    expect(again.draft).toMatchObject({ version: 1, comment: 'Raised the bar', body: { name: 'Big fish', condition: arrAtLeast(60_000) } })

    const published = await json<Document>(await admin('POST', '/api/v1/config/segment/big-fish/publish'))
    expect(published).toMatchObject({ state: 'published', draft: null, published: { version: 1, status: 'published', summary: 'ARR ≥ 60000' } })

    const second = await json<Document>(await admin('PUT', '/api/v1/config/segment/big-fish', { body: segment('Big fish', arrAtLeast(75_000), { color: 'teal' }), comment: 'Teal' }))
    expect(second).toMatchObject({ state: 'published', published: { version: 1 }, draft: { version: 2, body: { color: 'teal' } } })
    const viewer = ctx.as(acme, 'viewer')
    const seen = await json<Document>(await viewer('GET', '/api/v1/config/segment/big-fish'))
    expect(seen.published?.body).toEqual({ name: 'Big fish', condition: arrAtLeast(60_000) })
    expect(seen.draft?.body).toEqual({ name: 'Big fish', condition: arrAtLeast(75_000), color: 'teal' })

    await admin('POST', '/api/v1/config/segment/big-fish/publish', { comment: 'Teal it is' })
    const history = await json<{ items: Version[] }>(await viewer('GET', '/api/v1/config/segment/big-fish/versions'))
    expect(history.items.map((version) => [version.version, version.status, version.live, version.comment])).toEqual([
      [2, 'published', true, 'Teal it is'],
      [1, 'published', false, 'Raised the bar'],
    ])
    expect(history.items[0]).not.toHaveProperty('body')
    // Bodies come back in the schema's order (name, description, condition, color), as written.
    expect(Object.keys(seen.draft?.body as object)).toEqual(['name', 'condition', 'color'])
    expect(Object.keys(((seen.draft?.body as { condition: object }).condition))).toEqual(['field', 'op', 'value'])
    const old = await json<Version>(await viewer('GET', '/api/v1/config/segment/big-fish/versions/1'))
    expect(old).toMatchObject({ version: 1, body: { condition: arrAtLeast(60_000) }, summary: 'ARR ≥ 60000' })
    expect((await viewer('GET', '/api/v1/config/segment/big-fish/versions/9')).status).toBe(404)

    const list = await json<{ items: ListItem[] }>(await viewer('GET', '/api/v1/config/segment'))
    expect(list.items.find((item) => item.key === 'big-fish')).toMatchObject({ name: 'Big fish', state: 'published', publishedVersion: 2, draftVersion: null, summary: 'ARR ≥ 75000', updatedBy: 'Ada Admin' })
  })

  it('restores an older version as a new published version; an open draft stays on top', async () => {
    const admin = ctx.as(acme, 'admin')
    const url = '/api/v1/config/segment/mid-market'
    await admin('PUT', url, { body: segment('Mid-market', arrAtLeast(20_000)) })
    await admin('POST', `${url}/publish`)
    await admin('PUT', url, { body: segment('Mid-market', arrAtLeast(25_000)) })
    await admin('POST', `${url}/publish`)
    expect((await admin('POST', `${url}/versions/2/restore`)).status).toBe(409) // already what is published

    const restored = await json<Document>(await admin('POST', `${url}/versions/1/restore`))
    expect(restored.published).toMatchObject({ version: 3, comment: 'Restored version 1', body: { condition: arrAtLeast(20_000) } })

    await admin('PUT', url, { body: segment('Mid-market', arrAtLeast(30_000)), comment: 'Work in progress' })
    const underDraft = await json<Document>(await admin('POST', `${url}/versions/2/restore`, { comment: 'Back to 25k' }))
    expect(underDraft.published).toMatchObject({ version: 4, comment: 'Back to 25k', body: { condition: arrAtLeast(25_000) } })
    expect(underDraft.draft).toMatchObject({ version: 5, comment: 'Work in progress', body: { condition: arrAtLeast(30_000) } })
    expect((await admin('POST', `${url}/versions/5/restore`)).status).toBe(409) // the draft: publish it instead

    // Publishing with no draft open is a conflict, not a silent success.
    await admin('DELETE', `${url}/draft`)
    const nothing = await admin('POST', `${url}/publish`)
    expect(nothing.status).toBe(409)
    expect((await admin('DELETE', `${url}/draft`)).status).toBe(404)
  })

  it('archives a document (hidden from the list unless asked) and brings it back by restoring', async () => {
    const admin = ctx.as(acme, 'admin')
    const url = '/api/v1/config/segment/sunset'
    await admin('PUT', url, { body: segment('Sunset plan', { field: 'plan', op: 'eq', value: 'Legacy' }) })
    await admin('POST', `${url}/publish`)
    await admin('PUT', url, { body: segment('Sunset plan', { field: 'plan', op: 'in', values: ['Legacy', 'Starter'] }) })

    const archived = await json<Document>(await admin('DELETE', `${url}?comment=${encodeURIComponent('Plan retired')}`))
    expect(archived).toMatchObject({ state: 'archived', published: null, draft: null, archived: { version: 2, status: 'archived', comment: 'Plan retired' } })
    expect((await admin('DELETE', url)).status).toBe(409)
    const keys = async (query = '') => (await json<{ items: ListItem[] }>(await admin('GET', `/api/v1/config/segment${query}`))).items.map((item) => item.key)
    expect(await keys()).not.toContain('sunset')
    expect(await keys('?archived=true')).toContain('sunset')

    const back = await json<Document>(await admin('POST', `${url}/versions/1/restore`))
    expect(back).toMatchObject({ state: 'published', published: { version: 3, body: { condition: { field: 'plan', op: 'eq', value: 'Legacy' } } } })
    expect(await keys()).toContain('sunset')
  })
})

describe('config documents: validation', () => {
  it('names the bad node of a rule deep inside the body', async () => {
    const admin = ctx.as(acme, 'admin')
    const response = await admin('PUT', '/api/v1/config/segment/broken', {
      body: segment('Broken', { all: [arrAtLeast(1), { any: [{ field: 'plan', op: 'eq', value: 'Growth' }, { field: 'arr', op: 'gt', value: 'lots' }] }] }),
    })
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toContain('application/problem+json')
    const problem = await json<Problem>(response)
    expect(problem.errors).toEqual([{ field: 'body.condition.all.1.any.1.value', message: 'must be a number for arr' }])

    expect(await fieldsOf(await admin('PUT', '/api/v1/config/segment/broken', { body: segment('Broken', { field: 'mrr', op: 'gt', value: 1 }) }))).toEqual(['body.condition.field'])
    expect(await fieldsOf(await admin('PUT', '/api/v1/config/segment/broken', { body: { condition: arrAtLeast(1) } }))).toEqual(['body.name'])
    expect(await fieldsOf(await admin('PUT', '/api/v1/config/segment/broken', { body: segment('Broken', arrAtLeast(1), { colour: 'red' }) }))).toEqual(['body.colour'])
    expect(await fieldsOf(await admin('PUT', '/api/v1/config/segment/broken', { body: segment('Broken', arrAtLeast(1), { color: 'chartreuse' }) }))).toEqual(['body.color'])
    expect(await fieldsOf(await admin('PUT', '/api/v1/config/segment/broken', { body: segment('Broken', undefined) }))).toEqual(['body.condition'])
    expect(await fieldsOf(await admin('PUT', '/api/v1/config/segment/broken', {}))).toEqual(['body'])
    expect(await fieldsOf(await admin('PUT', '/api/v1/config/segment/Not%20A%20Slug', { body: segment('Broken', arrAtLeast(1)) }))).toEqual(['key'])
    expect(await fieldsOf(await admin('PUT', '/api/v1/config/segment/new', { body: segment('Broken', arrAtLeast(1)) }))).toEqual(['key'])
    expect(await fieldsOf(await admin('PUT', '/api/v1/config/segment/broken', '{"body": '))).toEqual(['body'])
    // Nothing was saved by any of these.
    expect((await admin('GET', '/api/v1/config/segment/broken')).status).toBe(404)
  })

  it('is documented in the OpenAPI document, YAML bodies included', async () => {
    const document = (await (await ctx.app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>> }
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/api/v1/config')).sort()).toEqual([
      '/api/v1/config/apply',
      '/api/v1/config/export',
      '/api/v1/config/kinds',
      '/api/v1/config/plan',
      '/api/v1/config/{kind}',
      '/api/v1/config/{kind}/{key}',
      '/api/v1/config/{kind}/{key}/draft',
      '/api/v1/config/{kind}/{key}/publish',
      '/api/v1/config/{kind}/{key}/versions',
      '/api/v1/config/{kind}/{key}/versions/{version}',
      '/api/v1/config/{kind}/{key}/versions/{version}/restore',
    ])
    expect(Object.keys(document.paths['/api/v1/config/apply']?.post?.requestBody?.content ?? {})).toEqual(expect.arrayContaining(['application/json', 'text/yaml']))
  })

  it('answers an unknown kind with 404 naming kind', async () => {
    const response = await ctx.as(acme, 'admin')('GET', '/api/v1/config/widget')
    expect(response.status).toBe(404)
    expect((await json<Problem>(response)).errors).toEqual([{ field: 'kind', message: expect.stringContaining('segment') }])
    expect(await fieldsOf(await ctx.as(acme, 'admin')('PUT', '/api/v1/config/widget/x', { body: {} }))).toEqual(['kind'])
  })

  it('refuses a second live segment with the same name', async () => {
    const admin = ctx.as(acme, 'admin')
    await admin('PUT', '/api/v1/config/segment/champions', { body: segment('Has a champion', { field: 'contact_roles', op: 'contains', value: 'champion' }) })
    await admin('POST', '/api/v1/config/segment/champions/publish')
    const clash = await admin('PUT', '/api/v1/config/segment/champions-2', { body: segment('HAS A CHAMPION', { field: 'contacts', op: 'gt', value: 0 }) })
    expect(clash.status).toBe(400)
    expect((await json<Problem>(clash)).errors).toEqual([{ field: 'body.name', message: 'segment "champions" already has this name' }])
  })
})

describe('config documents: who may do what', () => {
  it('lets every role read, and only config:write (admin, owner, admin keys) change', async () => {
    const body = { body: segment('Renewals', { field: 'renewal_date', op: 'within_next_days', days: 60 }) }
    for (const role of ['manager', 'csm', 'viewer'] as const) {
      const call = ctx.as(acme, role)
      expect((await call('GET', '/api/v1/config/kinds')).status).toBe(200)
      expect((await call('PUT', '/api/v1/config/segment/renewals', body)).status).toBe(403)
      expect((await call('POST', '/api/v1/config/segment/big-fish/publish')).status).toBe(403)
      expect((await call('DELETE', '/api/v1/config/segment/big-fish')).status).toBe(403)
      expect((await call('POST', '/api/v1/config/segment/big-fish/versions/1/restore')).status).toBe(403)
      expect((await call('POST', '/api/v1/config/apply', { yaml: 'documents: []' })).status).toBe(403)
      expect((await call('POST', '/api/v1/config/plan', { yaml: 'documents: []' })).status).toBe(403)
    }
    const readKey = await ctx.createKey(acme, ['read'])
    expect((await ctx.withKey(readKey)('GET', '/api/v1/config/segment')).status).toBe(200)
    expect((await ctx.withKey(readKey)('PUT', '/api/v1/config/segment/renewals', body)).status).toBe(403)
    const writeKey = await ctx.createKey(acme, ['write'])
    expect((await ctx.withKey(writeKey)('PUT', '/api/v1/config/segment/renewals', body)).status).toBe(403)

    const adminKey = await ctx.createKey(acme, ['admin'])
    const saved = await json<Document>(await ctx.withKey(adminKey)('PUT', '/api/v1/config/segment/renewals', body))
    expect(saved.draft).toMatchObject({ createdBy: null, createdByLabel: 'API key test admin' })
    const owner = await json<Document>(await ctx.as(acme, 'owner')('POST', '/api/v1/config/segment/renewals/publish'))
    expect(owner.published).toMatchObject({ createdBy: acme.users.owner.id, createdByLabel: 'Olivia Owner' })
    expect((await fetchAnonymous('/api/v1/config/kinds')).status).toBe(401)
  })

  it('records every change in the audit log with before and after', async () => {
    const admin = ctx.as(acme, 'admin')
    const url = '/api/v1/config/segment/audited'
    await admin('PUT', url, { body: segment('Audited', arrAtLeast(1)), comment: 'v1' })
    await admin('PUT', url, { body: segment('Audited', arrAtLeast(2)), comment: 'v1 again' })
    await admin('POST', `${url}/publish`)
    await admin('PUT', url, { body: segment('Audited', arrAtLeast(3)) })
    await admin('POST', `${url}/publish`)
    await admin('POST', `${url}/versions/1/restore`)
    await admin('DELETE', url)

    const page = await json<AuditPage>(await admin('GET', '/api/v1/audit-log?entityType=config_document&entityId=segment/audited&limit=50'))
    const entries = [...page.items].reverse()
    expect(entries.map((entry) => entry.action)).toEqual(['config.draft_saved', 'config.draft_saved', 'config.published', 'config.draft_saved', 'config.published', 'config.restored', 'config.archived'])
    expect(entries.every((entry) => entry.actorLabel === `admin@acme.test`)).toBe(true)
    expect(entries[1]?.before).toMatchObject({ version: 1, status: 'draft', body: { condition: arrAtLeast(1) } })
    expect(entries[1]?.after).toMatchObject({ version: 1, status: 'draft', comment: 'v1 again', body: { condition: arrAtLeast(2) } })
    expect(entries[4]?.before).toMatchObject({ version: 1, status: 'published' })
    expect(entries[4]?.after).toMatchObject({ version: 2, status: 'published', body: { condition: arrAtLeast(3) } })
    expect(entries[5]?.after).toMatchObject({ version: 3, restoredFrom: 1, body: { condition: arrAtLeast(2) } })
    expect(entries[6]?.after).toMatchObject({ version: 4, status: 'archived' })
  })

  it('keeps workspaces apart', async () => {
    await ctx.as(acme, 'admin')('PUT', '/api/v1/config/segment/acme-only', { body: segment('Acme only', arrAtLeast(1)) })
    await ctx.as(acme, 'admin')('POST', '/api/v1/config/segment/acme-only/publish')
    const other = ctx.as(globex, 'admin')
    expect((await other('GET', '/api/v1/config/segment/acme-only')).status).toBe(404)
    expect((await other('GET', '/api/v1/config/segment/acme-only/versions')).status).toBe(404)
    expect((await other('POST', '/api/v1/config/segment/acme-only/versions/1/restore')).status).toBe(404)
    expect((await other('DELETE', '/api/v1/config/segment/acme-only')).status).toBe(404)
    expect((await json<{ items: ListItem[] }>(await other('GET', '/api/v1/config/segment'))).items).toEqual([])
    expect(await (await other('GET', '/api/v1/config/export')).text()).not.toContain('acme-only')
    // The same key in another workspace is another document.
    const own = await json<Document>(await other('PUT', '/api/v1/config/segment/acme-only', { body: segment('Globex copy', arrAtLeast(5)) }))
    expect(own.draft?.version).toBe(1)
    expect((await json<Document>(await ctx.as(acme, 'viewer')('GET', '/api/v1/config/segment/acme-only'))).published?.body).toMatchObject({ name: 'Acme only' })
  })
})

async function fetchAnonymous(path: string) {
  return ctx.app.request(path)
}

describe('config as code: export, plan, apply', () => {
  let workspace: TestWorkspace
  beforeAll(async () => {
    workspace = await ctx.createWorkspace('initech')
    await installDefaults(ctx.handle.db, { kinds: configKinds, workspaceId: workspace.id, actor: { kind: 'system', label: 'test' } })
  })

  it('exports a stable, readable YAML; the same file plans as unchanged; an edit plans as an update and applies as a new version', async () => {
    const admin = ctx.as(workspace, 'admin')
    const exported = await admin('GET', '/api/v1/config/export')
    expect(exported.status).toBe(200)
    expect(exported.headers.get('content-type')).toContain('text/yaml')
    const text = await exported.text()
    expect(text).toBe(await (await admin('GET', '/api/v1/config/export')).text())
    expect(text).toContain('- kind: segment\n    key: at-risk-urgent-tickets\n    version: 1\n    body:\n      name: "At risk: open urgent tickets"')
    expect(text).toContain('- { field: arr, op: gte, value: 100000 }')
    const file = parseYaml(text) as { workspace: string; documents: { kind: string; key: string; version?: number; body: { name: string; condition: { all: Record<string, unknown>[] } } }[] }
    expect(file.workspace).toBe('initech')
    expect(file.documents.filter((document) => document.kind === 'segment').map((document) => document.key)).toEqual(['at-risk-urgent-tickets', 'enterprise', 'low-adoption', 'no-champion', 'renewing-90-days'])
    expect(file.documents.map((document) => `${document.kind}/${document.key}`).sort()).toEqual([...shipped].sort())

    const unchanged = await json<Plan>(await admin('POST', '/api/v1/config/plan', { yaml: text }))
    expect(unchanged).toMatchObject({ valid: true, applied: false, counts: { create: 0, update: 0, unchanged: shipped.length, archive: 0 }, errors: [] })

    const enterprise = file.documents.find((document) => document.kind === 'segment' && document.key === 'enterprise')
    if (!enterprise) throw new Error('no enterprise segment exported')
    enterprise.body.condition.all[1] = { field: 'arr', value: 150_000, op: 'gte' }
    enterprise.body.name = 'Enterprise (150k+)'
    file.documents.push({ kind: 'segment', key: 'growth-plan', body: { name: 'Growth plan', condition: { all: [{ field: 'plan', op: 'eq', value: 'Growth' }] } } })
    const edited = stringifyYaml(file)

    // The same plan from text/yaml with the file as the body.
    const planned = await json<Plan>(await admin('POST', '/api/v1/config/plan', edited, { 'content-type': 'text/yaml' }))
    expect(planned).toMatchObject({ valid: true, counts: { create: 1, update: 1, unchanged: shipped.length - 1 } })
    const update = planned.documents.find((document) => document.kind === 'segment' && document.key === 'enterprise')
    expect(update).toMatchObject({ action: 'update', currentVersion: 1, fileVersion: 1, newVersion: 2 })
    expect(update?.changes.map((change) => change.text)).toEqual(['~ name: "Enterprise" → "Enterprise (150k+)"', '~ condition.all.1.value: 100000 → 150000'])
    expect(planned.documents.find((document) => document.key === 'growth-plan')).toMatchObject({ action: 'create', currentVersion: null, newVersion: 1 })
    // Planning wrote nothing.
    expect((await admin('GET', '/api/v1/config/segment/growth-plan')).status).toBe(404)
    expect((await json<Document>(await admin('GET', '/api/v1/config/segment/enterprise'))).published?.version).toBe(1)

    const applied = await admin('POST', '/api/v1/config/apply', { yaml: edited, comment: 'Raise the enterprise bar' })
    expect(applied.status).toBe(200)
    expect(await json<Plan>(applied)).toMatchObject({ valid: true, applied: true, counts: { create: 1, update: 1 } })
    const enterpriseNow = await json<Document>(await admin('GET', '/api/v1/config/segment/enterprise'))
    expect(enterpriseNow.published).toMatchObject({ version: 2, comment: 'Raise the enterprise bar', createdByLabel: 'Ada Admin', summary: 'Status is "active" AND ARR ≥ 150000' })
    expect((await json<Document>(await admin('GET', '/api/v1/config/segment/growth-plan'))).published?.version).toBe(1)

    const audit = await json<AuditPage>(await admin('GET', '/api/v1/audit-log?action=config.applied'))
    expect(audit.items.map((entry) => entry.entityId).sort()).toEqual(['segment/enterprise', 'segment/growth-plan'])

    // Applying the same file again changes nothing.
    const again = await json<Plan>(await admin('POST', '/api/v1/config/apply', { yaml: edited }))
    expect(again.counts).toEqual({ create: 0, update: 0, unchanged: shipped.length + 1, archive: 0 })
    expect((await json<{ items: Version[] }>(await admin('GET', '/api/v1/config/segment/enterprise/versions'))).items).toHaveLength(2)

    // A re-export shows the new version; the stale file now notes that it replaces what changed since.
    const reexported = parseYaml(await (await admin('GET', '/api/v1/config/export')).text()) as typeof file
    expect(reexported.documents.find((document) => document.key === 'enterprise')?.version).toBe(2)
    const stale = await json<Plan>(await admin('POST', '/api/v1/config/plan', { yaml: text }))
    expect(stale.documents.find((document) => document.key === 'enterprise')).toMatchObject({ action: 'update', fileVersion: 1, currentVersion: 2 })
    expect(stale.documents.find((document) => document.key === 'enterprise')?.notes.join(' ')).toContain('exported at version 1')
  })

  it('applies all or nothing: one invalid document and nothing is written, every error named by document and path', async () => {
    const admin = ctx.as(workspace, 'admin')
    const yaml = stringifyYaml({
      documents: [
        { kind: 'segment', key: 'fine', body: segment('Fine', arrAtLeast(10)) },
        { kind: 'segment', key: 'bad-rule', body: segment('Bad rule', { all: [arrAtLeast(1), { field: 'renewal_date', op: 'within_next_days', days: -3 }] }) },
        { kind: 'gadget', key: 'x', body: {} },
        { kind: 'segment', key: 'Bad Key', body: segment('Bad key', arrAtLeast(1)) },
        { kind: 'segment', key: 'fine', body: segment('Fine again', arrAtLeast(10)) },
        { kind: 'segment', body: {} },
      ],
    })
    const response = await admin('POST', '/api/v1/config/apply', { yaml })
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toContain('application/problem+json')
    const problem = await json<Plan & Problem>(response)
    expect(problem).toMatchObject({ valid: false, applied: false })
    expect(problem.errors.map((error) => [error.document, error.field])).toEqual([
      ['documents.5', 'documents.5.key'],
      ['segment/bad-rule', 'documents.1.body.condition.all.1.days'],
      ['gadget/x', 'documents.2.kind'],
      ['segment/Bad Key', 'documents.3.key'],
      ['segment/fine', 'documents.4.key'],
    ])
    expect(problem.detail).toContain('Nothing was applied')
    expect((await admin('GET', '/api/v1/config/segment/fine')).status).toBe(404)

    const plan = await json<Plan>(await admin('POST', '/api/v1/config/plan', { yaml }))
    expect(plan.valid).toBe(false)
    expect(plan.errors).toHaveLength(5)
  })

  it('reports YAML syntax errors with line and column, and refuses what is not a config file', async () => {
    const admin = ctx.as(workspace, 'admin')
    const broken = await json<Plan>(await admin('POST', '/api/v1/config/plan', 'documents:\n  - kind: segment\n    key: [oops\n', { 'content-type': 'text/yaml' }))
    expect(broken.valid).toBe(false)
    expect(broken.errors[0]).toMatchObject({ document: null, field: 'yaml', message: expect.stringMatching(/^line \d+, column \d+: /) })
    const list = await json<Plan>(await admin('POST', '/api/v1/config/plan', { yaml: '- just\n- a list\n' }))
    expect(list.errors.map((error) => error.field)).toEqual(['yaml'])
    const extra = await json<Plan>(await admin('POST', '/api/v1/config/plan', { yaml: 'documents: []\nsegments: []\n' }))
    expect(extra.errors.map((error) => error.field)).toEqual(['segments'])
    const empty = await admin('POST', '/api/v1/config/apply', '', { 'content-type': 'text/yaml' })
    expect(empty.status).toBe(400)
    expect(await fieldsOf(await admin('POST', '/api/v1/config/plan', { prune: true }))).toEqual(['yaml'])
    expect((await admin('POST', '/api/v1/config/plan', 'x', { 'content-type': 'image/png' })).status).toBe(415)
  })

  it('with prune, archives live documents that the file leaves out', async () => {
    const pruned = await ctx.createWorkspace('pruned')
    await installDefaults(ctx.handle.db, { kinds: configKinds, workspaceId: pruned.id, actor: { kind: 'system', label: 'test' } })
    const admin = ctx.as(pruned, 'admin')
    const file = parseYaml(await (await admin('GET', '/api/v1/config/export')).text()) as { documents: { kind: string; key: string }[] }
    file.documents = file.documents.filter((document) => document.kind === 'segment' && document.key === 'enterprise')
    const yaml = stringifyYaml(file)
    expect((await json<Plan>(await admin('POST', '/api/v1/config/plan', { yaml }))).counts).toEqual({ create: 0, update: 0, unchanged: 1, archive: 0 })
    const plan = await json<Plan>(await admin('POST', '/api/v1/config/plan?prune=true', yaml, { 'content-type': 'text/yaml' }))
    expect(plan.counts).toEqual({ create: 0, update: 0, unchanged: 1, archive: shipped.length - 1 })
    await admin('POST', '/api/v1/config/apply', { yaml, prune: true })
    const live = (await json<{ items: ListItem[] }>(await admin('GET', '/api/v1/config/segment'))).items.map((item) => item.key)
    expect(live).toEqual(['enterprise'])
  })
})

describe('config kinds: hooks', () => {
  // A second kind that refers to segments, as tiers will: references resolve within one applied file.
  const tierKind = defineConfigKind<{ name: string; segment: string; condition?: unknown }>({
    kind: 'tier',
    label: 'Tiers',
    schema: z.object({ name: z.string().min(1), segment: z.string(), condition: conditionSchema().optional() }).strict(),
    validate: async (db, params) => {
      const found = await getPublishedDocument(db, { workspaceId: params.workspaceId, kind: 'segment', key: params.body.segment })
      return found ? [] : [{ path: 'segment', message: `no published segment "${params.body.segment}"` }]
    },
    onPublish: async (_db, context) => {
      if (context.document.body.name === 'explode') throw new Error('hook refused')
      context.afterCommit(async () => void published.push(`${context.document.key}@${context.document.version}`))
    },
  })
  const kinds = [...configKinds, tierKind]
  const published: string[] = []
  const actor = { kind: 'system' as const, label: 'test' }

  it('checks references against the documents of the same file, and runs onPublish hooks after commit', async () => {
    const workspace = await ctx.createWorkspace('hooks')
    const missing = await planConfig(ctx.handle.db, { kinds, workspaceId: workspace.id, actor, yaml: stringifyYaml({ documents: [{ kind: 'tier', key: 'gold', body: { name: 'Gold', segment: 'whales' } }] }) })
    expect(missing.errors).toEqual([{ document: 'tier/gold', field: 'documents.0.body.segment', message: 'no published segment "whales"' }])

    const yaml = stringifyYaml({
      documents: [
        { kind: 'tier', key: 'gold', body: { name: 'Gold', segment: 'whales', condition: { field: 'arr', op: 'gt', value: 1 } } },
        { kind: 'segment', key: 'whales', body: segment('Whales', arrAtLeast(500_000)) },
      ],
    })
    const plan = await applyConfig(ctx.handle.db, { kinds, workspaceId: workspace.id, actor, yaml })
    expect(plan).toMatchObject({ valid: true, applied: true, counts: { create: 2 } })
    expect(published).toEqual(['gold@1'])

    await saveDraft(ctx.handle.db, { kinds, workspaceId: workspace.id, kind: 'tier', key: 'gold', actor, body: { name: 'explode', segment: 'whales' } })
    await expect(publishDraft(ctx.handle.db, { kinds, workspaceId: workspace.id, kind: 'tier', key: 'gold', actor })).rejects.toThrow('hook refused')
    // The failed hook undid the publish: version 1 is still live and the draft still open.
    expect((await getPublishedDocument(ctx.handle.db, { workspaceId: workspace.id, kind: 'tier', key: 'gold' }))?.version).toBe(1)
    expect(published).toEqual(['gold@1'])
  })

  it('ships the demo defaults once, each a live segment whose rule runs', async () => {
    const workspace = await ctx.createWorkspace('defaults')
    await makeAccount(ctx.handle.db, workspace.id, { arr: 250_000 })
    await makeAccount(ctx.handle.db, workspace.id, { arr: 5_000 })
    expect((await installDefaults(ctx.handle.db, { kinds: configKinds, workspaceId: workspace.id, actor })).installed).toHaveLength(shipped.length)
    expect((await installDefaults(ctx.handle.db, { kinds: configKinds, workspaceId: workspace.id, actor })).installed).toEqual([])
    const document = await json<Document>(await ctx.as(workspace, 'viewer')('GET', '/api/v1/config/segment/enterprise'))
    const preview = await json<{ count: number }>(await ctx.as(workspace, 'viewer')('POST', '/api/v1/conditions/preview', { condition: (document.published?.body as { condition: unknown }).condition }))
    expect(preview.count).toBe(1)
    const kindsList = await json<{ items: { kind: string; published: number; example: unknown }[] }>(await ctx.as(workspace, 'viewer')('GET', '/api/v1/config/kinds'))
    expect(kindsList.items.map((item) => item.kind)).toEqual(configKinds.map((kind) => kind.kind))
    expect(kindsList.items[0]).toEqual(expect.objectContaining({ kind: 'segment', label: 'Segments', published: 5, drafts: 0, example: expect.objectContaining({ name: 'Strategic EMEA' }) }))
  })
})
