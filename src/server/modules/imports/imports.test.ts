import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startJobs, type JobDefinition } from '../../platform/jobs'
import { createLogger } from '../../platform/logging'
import { makeAccount, makeContact } from '../../testing/factories'
import { createTestContext, type ApiCall, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { RUN_IMPORT_QUEUE, runImportJob } from './jobs/run-import'

let ctx: TestContext
let acme: TestWorkspace
let globex: TestWorkspace
let dataDir: string

beforeAll(async () => {
  ctx = await createTestContext()
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bosun-imports-'))
  ctx.deps.config.dataDir = dataDir
  // The queue exists as in a server; this test process runs the job itself (see runQueued).
  await ctx.deps.jobs.register(runImportJob(ctx.deps))
  acme = await ctx.createWorkspace('acme')
  globex = await ctx.createWorkspace('globex')
})
afterAll(async () => {
  await ctx?.close()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

type Run = {
  id: string
  status: string
  dryRun: boolean
  rowsProcessed: number
  rowsCreated: number
  rowsUpdated: number
  rowsUnchanged: number
  rowsFailed: number
  progress: number
  preview: { rowNumber: number; action: string; key: string | null; changes: Record<string, { from: unknown; to: unknown }> }[]
  failureReason: string | null
  canApply: boolean
  mapping: Record<string, string | null>
  errorReportUrl: string
}
type ImportError = { rowNumber: number; column: string | null; field: string | null; reason: string; raw: string | null }
type Problem = { status: number; errors?: { field: string; message: string }[] }

const csv = (...lines: string[]) => `${lines.join('\n')}\n`

/** Runs a queued import the way the worker does. */
async function runQueued(workspace: TestWorkspace, run: Run): Promise<Run> {
  await runImportJob(ctx.deps).handler({ workspaceId: workspace.id, runId: run.id }, { id: 'test', queue: RUN_IMPORT_QUEUE })
  return run
}

async function upload(call: ApiCall, kind: string, body: string, query: Record<string, string> = {}): Promise<Response> {
  const params = new URLSearchParams({ kind, ...query })
  return call('POST', `/api/v1/imports?${params}`, body, { 'content-type': 'text/csv' })
}

/** Uploads, runs the job, and returns the finished run as the API shows it. */
async function importCsv(workspace: TestWorkspace, kind: string, body: string, query: Record<string, string> = {}): Promise<Run> {
  const call = ctx.as(workspace, 'csm')
  const response = await upload(call, kind, body, query)
  expect(response.status, await response.clone().text()).toBe(202)
  const queued = (await response.json()) as Run
  expect(queued.status).toBe('queued')
  await runQueued(workspace, queued)
  return (await (await call('GET', `/api/v1/imports/${queued.id}`)).json()) as Run
}

async function errorsOf(workspace: TestWorkspace, run: Run): Promise<ImportError[]> {
  const page = (await (await ctx.as(workspace, 'csm')('GET', `/api/v1/imports/${run.id}/errors`)).json()) as { items: ImportError[] }
  return page.items
}

async function accountByExternalId(workspace: TestWorkspace, externalId: string) {
  const page = (await (await ctx.as(workspace, 'viewer')('GET', `/api/v1/accounts?external_id=${encodeURIComponent(externalId)}`)).json()) as {
    items: { id: string; name: string; domain: string | null; arr: number; ownerId: string | null; employees: number | null; renewalDate: string | null; parentId: string | null; traits: Record<string, unknown>; plan: string | null }[]
  }
  return page.items[0]
}

const SALESFORCE_HEADER = 'Account ID,Account Name,Website,Industry,Employees,Billing Country,Account Owner,Annual Revenue,Renewal Date,ARR'

describe('dry run', () => {
  it('previews creates, updates and unchanged rows, lists every bad row, and writes nothing', async () => {
    await makeAccount(ctx.handle.db, acme.id, { externalId: 'SF-DRY-1', name: 'Dry One', domain: 'dry-one.com', industry: 'Retail', arr: 0 })
    await makeAccount(ctx.handle.db, acme.id, { externalId: 'SF-DRY-2', name: 'Dry Two', domain: 'dry-two.com', arr: 0 })
    const file = csv(
      SALESFORCE_HEADER,
      'SF-DRY-1,Dry One,https://www.dry-one.com,Retail,,,,,,', // unchanged
      'SF-DRY-2,Dry Two Renamed,,,,,,,,', // update
      'SF-DRY-3,Dry Three,dry-three.io,Software,"1,200",Germany,Cara CSM,"$5,000,000",01/31/2027,"$12,000.50"', // create
      'SF-DRY-4,Dry Four,,,lots,,,,2027-02-30,', // two bad cells
      'SF-DRY-5,,,,,,,,,', // a new account without a name
    )
    const run = await importCsv(acme, 'accounts', file, { dryRun: 'true', fileName: 'salesforce.csv' })
    expect(run).toMatchObject({ status: 'succeeded', dryRun: true, rowsProcessed: 5, rowsCreated: 1, rowsUpdated: 1, rowsUnchanged: 1, rowsFailed: 2, progress: 1, canApply: true })
    expect(run.preview.map((entry) => [entry.rowNumber, entry.action, entry.key])).toEqual([
      [3, 'update', 'SF-DRY-2'],
      [4, 'create', 'SF-DRY-3'],
    ])
    expect(run.preview[0].changes).toEqual({ name: { from: 'Dry Two', to: 'Dry Two Renamed' } })
    expect(run.preview[1].changes).toMatchObject({ name: { to: 'Dry Three' }, domain: { to: 'dry-three.io' }, employees: { to: 1200 }, renewalDate: { to: '2027-01-31' }, arr: { to: 12000.5 } })

    const errors = await errorsOf(acme, run)
    expect(errors.map((error) => [error.rowNumber, error.column, error.field])).toEqual([
      [5, 'Employees', 'employees'],
      [5, 'Renewal Date', 'renewalDate'],
      [6, 'Account Name', 'name'],
    ])
    expect(errors[0].reason).toBe('"lots" is not a number')
    expect(errors[1].reason).toContain('2027-02-30 is not a calendar date')
    expect(errors[2].reason).toContain('a new account needs a name')
    expect(errors[0].raw).toBe('SF-DRY-4,Dry Four,,,lots,,,,2027-02-30,')

    // Nothing was written.
    expect(await accountByExternalId(acme, 'SF-DRY-3')).toBeUndefined()
    expect((await accountByExternalId(acme, 'SF-DRY-2')).name).toBe('Dry Two')
  })

  it('counts a record repeated in the file as one create and one update', async () => {
    const run = await importCsv(acme, 'accounts', csv('Account ID,Account Name', 'SF-TWICE,First', 'SF-TWICE,Second'), { dryRun: 'true' })
    expect(run).toMatchObject({ rowsCreated: 1, rowsUpdated: 1, rowsFailed: 0 })
  })
})

describe('apply', () => {
  it('keeps the good rows, reports the bad ones, and moves ARR through the ledger', async () => {
    const dry = await importCsv(acme, 'accounts', csv(SALESFORCE_HEADER, 'SF-AP-1,Apply One,apply-one.com,Retail,250,France,csm@acme.test,"€1.500.000",31/12/2026,"12.000,50 €"', 'SF-AP-2,Apply Two,not a website,,,,,,,', 'SF-AP-3,Apply Three,,,,,Nobody Known,,,'), {
      dryRun: 'true',
      dayFirst: 'true',
      fileName: 'accounts.csv',
    })
    expect(dry).toMatchObject({ rowsCreated: 1, rowsFailed: 2 })
    const applied = await ctx.as(acme, 'csm')('POST', `/api/v1/imports/${dry.id}/apply`, {})
    expect(applied.status).toBe(202)
    const run = await runQueued(acme, (await applied.json()) as Run)
    const finished = (await (await ctx.as(acme, 'csm')('GET', `/api/v1/imports/${run.id}`)).json()) as Run & { sourceRunId: string }
    expect(finished).toMatchObject({ status: 'partially', dryRun: false, rowsCreated: 1, rowsFailed: 2, sourceRunId: dry.id })

    const account = await accountByExternalId(acme, 'SF-AP-1')
    expect(account).toMatchObject({ name: 'Apply One', domain: 'apply-one.com', employees: 250, renewalDate: '2026-12-31', ownerId: acme.users.csm.id, arr: 12000.5 })
    expect(account.traits).toMatchObject({ annual_revenue: 1500000 })
    const ledger = (await (await ctx.as(acme, 'viewer')('GET', `/api/v1/revenue-movements?accountId=${account.id}`)).json()) as { items: { kind: string; arrDelta: number }[] }
    expect(ledger.items).toEqual([expect.objectContaining({ kind: 'new', arrDelta: 12000.5 })])
    expect(await accountByExternalId(acme, 'SF-AP-2')).toBeUndefined()

    const report = await ctx.as(acme, 'csm')('GET', finished.errorReportUrl)
    expect(report.status).toBe(200)
    expect(report.headers.get('content-type')).toContain('text/csv')
    expect(report.headers.get('content-disposition')).toBe('attachment; filename="accounts-errors.csv"')
    const lines = (await report.text()).trim().split('\r\n')
    expect(lines[0]).toBe('row,column,field,reason,original row')
    expect(lines[1]).toBe('3,Website,domain,"""not a website"" is not a domain or website (like acme.com)","SF-AP-2,Apply Two,not a website,,,,,,,"')
    expect(lines[2]).toContain('4,Account Owner,owner,"""Nobody Known"" is not a user of this workspace')
    expect(lines).toHaveLength(3)

    // The dry run was applied once; its file is gone with the apply.
    expect((await ctx.as(acme, 'csm')('POST', `/api/v1/imports/${dry.id}/apply`, {})).status).toBe(409)
  })

  it('upserts by external id: a second import updates instead of duplicating, a third changes nothing', async () => {
    const first = await importCsv(acme, 'accounts', csv('Record ID,Company name,Company Domain Name,Number of Employees', 'HS-1,Hub One,hub-one.com,10', 'HS-2,Hub Two,hub-two.com,20'))
    expect(first).toMatchObject({ status: 'succeeded', rowsCreated: 2 })
    const second = await importCsv(acme, 'accounts', csv('Record ID,Company name,Company Domain Name,Number of Employees', 'HS-1,Hub One Inc,hub-one.com,10', 'HS-2,Hub Two,,25'))
    expect(second).toMatchObject({ rowsCreated: 0, rowsUpdated: 2, rowsUnchanged: 0 })
    const third = await importCsv(acme, 'accounts', csv('Record ID,Company name,Company Domain Name,Number of Employees', 'HS-1,Hub One Inc,hub-one.com,10', 'HS-2,Hub Two,,25'))
    expect(third).toMatchObject({ rowsCreated: 0, rowsUpdated: 0, rowsUnchanged: 2 })
    expect(await accountByExternalId(acme, 'HS-1')).toMatchObject({ name: 'Hub One Inc' })
    // An empty cell keeps the stored value.
    expect(await accountByExternalId(acme, 'HS-2')).toMatchObject({ domain: 'hub-two.com', employees: 25 })
    const list = (await (await ctx.as(acme, 'viewer')('GET', '/api/v1/accounts?q=hub-')).json()) as { total: number }
    expect(list.total).toBe(2)
  })

  it('all-or-nothing writes nothing when one row is bad, and everything when none is', async () => {
    const header = 'Account ID,Account Name,Employees'
    const bad = await importCsv(acme, 'accounts', csv(header, 'AON-1,All One,5', 'AON-2,All Two,five', 'AON-3,All Three,7'), { allOrNothing: 'true' })
    expect(bad).toMatchObject({ status: 'failed', rowsFailed: 1, rowsCreated: 0 })
    expect(bad.failureReason).toContain('nothing was imported')
    expect((await errorsOf(acme, bad)).map((error) => [error.rowNumber, error.column])).toEqual([[3, 'Employees']])
    for (const id of ['AON-1', 'AON-2', 'AON-3']) expect(await accountByExternalId(acme, id)).toBeUndefined()

    const good = await importCsv(acme, 'accounts', csv(header, 'AON-1,All One,5', 'AON-2,All Two,6', 'AON-3,All Three,7'), { allOrNothing: 'true' })
    expect(good).toMatchObject({ status: 'succeeded', rowsCreated: 3 })
    expect(await accountByExternalId(acme, 'AON-2')).toMatchObject({ employees: 6 })
  })

  it('all-or-nothing also undoes rows written before a row refused by the database rules', async () => {
    await makeAccount(ctx.handle.db, acme.id, { externalId: 'AON-C-ACC' })
    const header = 'Contact ID,Name,Email,Account ID'
    // Row 3 passes every check on its own but takes row 2's email: refused when it is written.
    const clash = await importCsv(acme, 'contacts', csv(header, 'AON-C1,First,same@aon.example,AON-C-ACC', 'AON-C2,Second,SAME@aon.example,AON-C-ACC'), { allOrNothing: 'true' })
    expect(clash).toMatchObject({ status: 'failed', rowsFailed: 1, rowsCreated: 0 })
    expect((await errorsOf(acme, clash))[0]).toMatchObject({ rowNumber: 3, field: 'email' })
    const account = await accountByExternalId(acme, 'AON-C-ACC')
    const contacts = (await (await ctx.as(acme, 'viewer')('GET', `/api/v1/contacts?accountId=${account.id}`)).json()) as { items: unknown[] }
    expect(contacts.items).toEqual([])

    const good = await importCsv(acme, 'contacts', csv(header, 'AON-C1,First,first@aon.example,AON-C-ACC', 'AON-C2,Second,second@aon.example,AON-C-ACC'), { allOrNothing: 'true' })
    expect(good).toMatchObject({ status: 'succeeded', rowsCreated: 2 })
  })

  it('links parents, also when the parent comes later in the same file, and refuses a cycle', async () => {
    const run = await importCsv(acme, 'accounts', csv('Account ID,Account Name,Parent Account ID', 'PAR-CHILD,Child Co,PAR-TOP', 'PAR-TOP,Top Co,', 'PAR-SELF,Self Co,PAR-SELF'))
    expect(run.failureReason).toBeNull()
    expect(run).toMatchObject({ rowsCreated: 2, rowsFailed: 1 })
    const top = await accountByExternalId(acme, 'PAR-TOP')
    expect(await accountByExternalId(acme, 'PAR-CHILD')).toMatchObject({ parentId: top.id })
    const cycle = await importCsv(acme, 'accounts', csv('Account ID,Parent Account ID', 'PAR-TOP,PAR-CHILD'))
    expect(cycle.rowsFailed).toBe(1)
    expect((await errorsOf(acme, cycle))[0].reason).toContain('cycle')
  })
})

describe('the other kinds', () => {
  it('imports contacts matched by external id or email, with names, roles and account references', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { externalId: 'CT-ACC' })
    const existing = await makeContact(ctx.handle.db, acme.id, account.id, { email: 'known@ct.example', name: 'Known Person' })
    const file = csv(
      'Contact ID,First Name,Last Name,Email,Title,Account ID,Roles',
      'C-1,Ana,Lima,ana@ct.example,VP Ops,CT-ACC,Champion; decision maker',
      'C-2,Known,Person,known@ct.example,CTO,CT-ACC,',
      'C-3,No,Account,no@ct.example,,CT-NOPE,',
      'C-4,Bad,Role,bad@ct.example,,CT-ACC,overlord',
    )
    const run = await importCsv(acme, 'contacts', file)
    expect(run).toMatchObject({ rowsCreated: 1, rowsUpdated: 1, rowsFailed: 2 })
    const errors = await errorsOf(acme, run)
    expect(errors.map((error) => [error.rowNumber, error.column])).toEqual([
      [4, 'Account ID'],
      [5, 'Roles'],
    ])
    const contacts = (await (await ctx.as(acme, 'viewer')('GET', `/api/v1/contacts?accountId=${account.id}`)).json()) as { items: { id: string; name: string; email: string; roles: string[]; title: string | null; externalId: string | null }[] }
    expect(contacts.items.find((contact) => contact.email === 'ana@ct.example')).toMatchObject({ name: 'Ana Lima', title: 'VP Ops', roles: ['champion', 'decision_maker'], externalId: 'C-1' })
    // The hand-made contact with that email was adopted, not duplicated.
    expect(contacts.items.find((contact) => contact.email === 'known@ct.example')).toMatchObject({ id: existing.id, title: 'CTO', externalId: 'C-2' })
  })

  it('imports subscriptions with currencies from the amounts and yes/no flags', async () => {
    await makeAccount(ctx.handle.db, acme.id, { externalId: 'SUB-ACC' })
    const header = 'Subscription ID,Account ID,Product,Start Date,End Date,ARR,Seats,Status,Auto Renew'
    const run = await importCsv(acme, 'subscriptions', csv(header, 'S-1,SUB-ACC,Platform,2026-01-01,2026-12-31,"€24.000",50,Active,yes', 'S-2,SUB-ACC,Add-on,2026-03-01,2026-02-01,100,,,no'))
    expect(run).toMatchObject({ rowsCreated: 1, rowsFailed: 1 })
    expect((await errorsOf(acme, run))[0]).toMatchObject({ rowNumber: 3, column: 'End Date' })
    const again = await importCsv(acme, 'subscriptions', csv(header, 'S-1,SUB-ACC,Platform,2026-01-01,2027-12-31,"€24.000",60,cancelled,n'))
    expect(again).toMatchObject({ rowsUpdated: 1, rowsCreated: 0 })
    const page = (await (await ctx.as(acme, 'viewer')('GET', '/api/v1/subscriptions?limit=100')).json()) as { items: { externalId: string; arr: number; currency: string; seats: number; status: string; autoRenew: boolean; endDate: string }[] }
    expect(page.items.find((item) => item.externalId === 'S-1')).toMatchObject({ arr: 24000, currency: 'EUR', seats: 60, status: 'canceled', autoRenew: false, endDate: '2027-12-31' })
  })

  it('imports revenue movements into the ledger once, refusing a changed repeat', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { externalId: 'REV-ACC', arr: 10_000, arrEffectiveDate: '2025-01-01' })
    const header = 'Movement ID,Account ID,Type,Effective Date,Amount'
    const run = await importCsv(acme, 'revenue-movements', csv(header, 'M-1,REV-ACC,Upsell,2025-06-01,"$5,000"', 'M-2,REV-ACC,Downsell,2025-07-01,-2000', 'M-3,REV-ACC,expansion,2025-07-02,-10'))
    expect(run).toMatchObject({ rowsCreated: 2, rowsFailed: 1 })
    expect((await accountByExternalId(acme, 'REV-ACC')).arr).toBe(13_000)
    const repeat = await importCsv(acme, 'revenue-movements', csv(header, 'M-1,REV-ACC,expansion,2025-06-01,5000', 'M-2,REV-ACC,contraction,2025-07-01,2500'))
    expect(repeat).toMatchObject({ rowsUnchanged: 1, rowsFailed: 1, rowsCreated: 0 })
    expect((await errorsOf(acme, repeat))[0].reason).toContain('append-only')
    expect((await accountByExternalId(acme, 'REV-ACC')).arr).toBe(13_000)
    expect(account.id).toBeTruthy()
  })

  it('imports tickets by ticket id, linking requesters who are contacts of the account', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { externalId: 'TK-ACC' })
    const contact = await makeContact(ctx.handle.db, acme.id, account.id, { email: 'req@tk.example' })
    const header = 'Ticket ID,Organization ID,Requester email,Subject,Priority,Status,Created at,Solved at,Satisfaction'
    const run = await importCsv(acme, 'tickets', csv(header, 'ZD-1,TK-ACC,req@tk.example,SSO broken,Urgent,Solved,2026-01-05 09:00,2026-01-06 10:30,Good', 'ZD-2,TK-ACC,stranger@else.example,Export slow,medium,Open,2026-01-07T08:00:00Z,,'))
    expect(run).toMatchObject({ rowsCreated: 2, rowsFailed: 0 })
    const again = await importCsv(acme, 'tickets', csv(header, 'ZD-2,TK-ACC,,Export slow,normal,solved,,2026-01-09 12:00,'))
    expect(again).toMatchObject({ rowsUpdated: 1, rowsCreated: 0 })
    const page = (await (await ctx.as(acme, 'viewer')('GET', `/api/v1/tickets?accountId=${account.id}`)).json()) as { items: { externalId: string; contactId: string | null; priority: string; status: string; closedAt: string | null; satisfaction: string | null }[]; total: number }
    expect(page.total).toBe(2)
    expect(page.items.find((ticket) => ticket.externalId === 'ZD-1')).toMatchObject({ contactId: contact.id, priority: 'urgent', status: 'solved', satisfaction: 'good', closedAt: '2026-01-06T10:30:00.000Z' })
    expect(page.items.find((ticket) => ticket.externalId === 'ZD-2')).toMatchObject({ contactId: null, priority: 'normal', status: 'solved', closedAt: '2026-01-09T12:00:00.000Z' })
  })

  it('imports touchpoints and updates them on re-import instead of adding them again', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { externalId: 'TP-ACC' })
    const contact = await makeContact(ctx.handle.db, acme.id, account.id, { email: 'tp@tp.example' })
    const header = 'Activity ID,Account ID,Activity Type,Date,Subject,Description,Assigned To,Contact Email'
    const first = await importCsv(acme, 'touchpoints', csv(header, 'T-1,TP-ACC,Logged call,2026-02-01 15:00,Kickoff,Walked through onboarding,Cara CSM,tp@tp.example', 'T-2,TP-ACC,Business review,2026-02-10,Q1 QBR,,,'))
    expect(first).toMatchObject({ rowsCreated: 2, rowsFailed: 0 })
    const second = await importCsv(acme, 'touchpoints', csv(header, 'T-1,TP-ACC,call,2026-02-01 15:00,Kickoff (rescheduled),Walked through onboarding,,', 'T-2,TP-ACC,qbr,2026-02-10,Q1 QBR,,,'))
    expect(second).toMatchObject({ rowsCreated: 0, rowsUpdated: 1, rowsUnchanged: 1 })
    const page = (await (await ctx.as(acme, 'viewer')('GET', `/api/v1/touchpoints?accountId=${account.id}`)).json()) as { items: { kind: string; subject: string; authorId: string | null; contactIds: string[] }[] }
    expect(page.items).toHaveLength(2)
    expect(page.items.find((item) => item.kind === 'call')).toMatchObject({ subject: 'Kickoff (rescheduled)', authorId: acme.users.csm.id, contactIds: [contact.id] })
  })

  it('imports renewal outcomes', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { externalId: 'OUT-ACC' })
    const header = 'Opportunity ID,Account ID,Outcome,Close Date,Previous ARR,New ARR,Churn Reason'
    const run = await importCsv(acme, 'outcomes', csv(header, 'O-1,OUT-ACC,Closed Won,2025-12-31,"$10,000","$12,000",', 'O-2,OUT-ACC,Churn,2026-12-31,12000,5000,Budget cut'))
    expect(run).toMatchObject({ rowsCreated: 1, rowsFailed: 1 })
    expect((await errorsOf(acme, run))[0]).toMatchObject({ rowNumber: 3, column: 'New ARR', field: 'arrAfter' })
    const outcomes = (await (await ctx.as(acme, 'viewer')('GET', `/api/v1/accounts/${account.id}/outcomes`)).json()) as { items: { kind: string; occurredOn: string; arrAfter: number; source: string; externalId: string }[] }
    expect(outcomes.items).toEqual([expect.objectContaining({ kind: 'renewed', occurredOn: '2025-12-31', arrAfter: 12000, source: 'import', externalId: 'O-1' })])
  })
})

describe('imports API', () => {
  it('guesses a mapping and lists the fields to choose from', async () => {
    const response = await ctx.as(acme, 'csm')('POST', '/api/v1/imports/guess-mapping', { kind: 'accounts', headers: ['Account ID', 'Account Name', 'Favourite colour'] })
    expect(response.status).toBe(200)
    const proposal = (await response.json()) as { mapping: { column: string; field: string | null }[]; fields: { name: string }[]; missing: string[]; traits: boolean }
    expect(proposal.mapping).toEqual([
      { column: 'Account ID', field: 'externalId' },
      { column: 'Account Name', field: 'name' },
      { column: 'Favourite colour', field: null },
    ])
    expect(proposal.fields.map((field) => field.name)).toContain('renewalDate')
    expect(proposal).toMatchObject({ missing: [], traits: true })
    const kinds = (await (await ctx.as(acme, 'csm')('GET', '/api/v1/imports/kinds')).json()) as { kinds: { kind: string }[] }
    expect(kinds.kinds.map((kind) => kind.kind)).toEqual(['accounts', 'contacts', 'subscriptions', 'revenue-movements', 'tickets', 'touchpoints', 'outcomes'])
  })

  it('uses an edited mapping, including custom traits', async () => {
    const run = await importCsv(acme, 'accounts', csv('Key,Company,NPS,Colour', 'MAP-1,Mapped Co,42,green'), { mapping: JSON.stringify({ Key: 'externalId', Company: 'name', NPS: 'trait:nps', Colour: null }) })
    expect(run).toMatchObject({ status: 'succeeded', rowsCreated: 1, mapping: { Key: 'externalId', Company: 'name', NPS: 'trait:nps', Colour: null } })
    expect(await accountByExternalId(acme, 'MAP-1')).toMatchObject({ name: 'Mapped Co', traits: { nps: 42 } })
  })

  it('answers bad uploads with 4xx naming the field, and keeps none of their files', async () => {
    const csm = ctx.as(acme, 'csm')
    const uploads = () => fs.readdirSync(path.join(dataDir, 'imports')).sort()
    const before = uploads()
    const fieldsOf = async (response: Response) => ((await response.json()) as Problem).errors?.map((error) => error.field) ?? []
    const cases: [Response, number, string][] = [
      [await upload(csm, 'widgets', csv('a,b', '1,2')), 400, 'kind'],
      [await upload(csm, 'accounts', csv('a,b', '1,2'), { mapping: '{not json' }), 400, 'mapping'],
      [await upload(csm, 'accounts', csv('Account ID,Name', '1,2'), { mapping: JSON.stringify({ Nope: 'name' }) }), 400, 'mapping.Nope'],
      [await upload(csm, 'accounts', csv('Account ID,Name', '1,2'), { mapping: JSON.stringify({ Name: 'favouriteColour' }) }), 400, 'mapping.Name'],
      [await upload(csm, 'accounts', csv('Name,Website', 'Acme,acme.com')), 400, 'mapping'],
      [await upload(csm, 'accounts', ''), 400, 'body'],
      [await upload(csm, 'accounts', csv('a'), { dryRun: 'perhaps' }), 400, 'dryRun'],
      [await csm('POST', '/api/v1/imports?kind=accounts', { rows: [] }), 415, 'body'],
    ]
    for (const [response, status, field] of cases) {
      expect(response.status, field).toBe(status)
      expect(await fieldsOf(response), field).toContain(field)
    }
    expect((await csm('GET', '/api/v1/imports/00000000-0000-4000-8000-000000000000')).status).toBe(404)
    expect((await csm('GET', '/api/v1/imports/nope')).status).toBe(400)
    expect(uploads()).toEqual(before)
  })

  it('lets only roles that may change customer data import (a viewer gets 403)', async () => {
    const viewer = ctx.as(acme, 'viewer')
    expect((await upload(viewer, 'accounts', csv('Account ID,Account Name', 'V-1,Viewer Co'))).status).toBe(403)
    expect((await viewer('GET', '/api/v1/imports')).status).toBe(403)
    expect((await viewer('POST', '/api/v1/imports/guess-mapping', { kind: 'accounts', headers: ['a'] })).status).toBe(403)
    const readKey = ctx.withKey(await ctx.createKey(acme, ['read']))
    expect((await upload(readKey, 'accounts', csv('Account ID,Account Name', 'V-1,Viewer Co'))).status).toBe(403)
    const writeKey = ctx.withKey(await ctx.createKey(acme, ['write']))
    const response = await upload(writeKey, 'accounts', csv('Account ID,Account Name', 'K-1,Key Co'), { dryRun: 'true' })
    expect(response.status).toBe(202)
    expect(((await response.json()) as { createdBy: string }).createdBy).toBe('API key test write')
  })

  it('lists the history newest first with cursors, per workspace', async () => {
    const page = (await (await ctx.as(acme, 'csm')('GET', '/api/v1/imports?limit=2')).json()) as { items: Run[]; nextCursor: string | null }
    expect(page.items).toHaveLength(2)
    expect(page.nextCursor).toBeTruthy()
    const next = (await (await ctx.as(acme, 'csm')('GET', `/api/v1/imports?limit=2&cursor=${page.nextCursor}`)).json()) as { items: Run[] }
    expect(next.items.map((item) => item.id)).not.toContain(page.items[0].id)
    const theirs = (await (await ctx.as(globex, 'csm')('GET', '/api/v1/imports?limit=100')).json()) as { items: Run[] }
    expect(theirs.items.map((item) => item.id)).not.toContain(page.items[0].id)
    expect((await ctx.as(globex, 'csm')('GET', `/api/v1/imports/${page.items[0].id}`)).status).toBe(404)
    expect((await ctx.as(globex, 'csm')('GET', `/api/v1/imports/${page.items[0].id}/errors.csv`)).status).toBe(404)
  })
})

describe('workspaces', () => {
  it("never matches another workspace's accounts", async () => {
    await makeAccount(ctx.handle.db, acme.id, { externalId: 'XW-1', name: 'Acme Secret' })
    const contacts = await importCsv(globex, 'contacts', csv('Email,Name,Account ID', 'spy@globex.example,Spy,XW-1'))
    expect(contacts).toMatchObject({ rowsCreated: 0, rowsFailed: 1 })
    expect((await errorsOf(globex, contacts))[0]).toMatchObject({ column: 'Account ID', field: 'accountExternalId' })
    const accounts = await importCsv(globex, 'accounts', csv('Account ID,Account Name', 'XW-1,Globex Own'))
    expect(accounts).toMatchObject({ rowsCreated: 1, rowsUpdated: 0 })
    expect(await accountByExternalId(acme, 'XW-1')).toMatchObject({ name: 'Acme Secret' })
    expect(await accountByExternalId(globex, 'XW-1')).toMatchObject({ name: 'Globex Own' })
  })
})

describe('background job', () => {
  it('runs an upload in a worker while the history shows its progress', async () => {
    const worker = await startJobs({ handle: ctx.handle, logger: createLogger('silent'), runWorkers: true, definitions: [runImportJob(ctx.deps)] as JobDefinition<object>[] })
    try {
      const lines = ['Account ID,Account Name,Employees']
      for (let index = 0; index < 1000; index++) lines.push(`JOB-${index},Job Co ${index},${index}`)
      const response = await upload(ctx.as(acme, 'csm'), 'accounts', csv(...lines))
      const { id } = (await response.json()) as Run
      let run: Run | undefined
      for (let attempt = 0; attempt < 300; attempt++) {
        run = (await (await ctx.as(acme, 'csm')('GET', `/api/v1/imports/${id}`)).json()) as Run
        if (run.status !== 'queued' && run.status !== 'running') break
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
      expect(run).toMatchObject({ status: 'succeeded', rowsProcessed: 1000, rowsCreated: 1000, progress: 1 })
    } finally {
      await worker.stop()
    }
  })
})
