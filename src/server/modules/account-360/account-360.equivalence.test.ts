import { and, desc, eq, getTableColumns, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../platform/db'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { makeAccount, makeContact, makeSubscription, makeTicket, makeTouchpoint } from '../../testing/factories'
import {
  accounts,
  arrSeries,
  recordRevenueMovement,
  revenueMovements,
  shiftMonths,
  toAccountDto,
  toRevenueMovementDto,
  todayUtc,
  type RevenueMovement,
} from '../accounts'
import { listAccountContacts, toContactDto } from '../contacts'
import { users } from '../identity'
import { listAccountSubscriptions, toSubscriptionDto } from '../subscriptions'
import { countOpenTickets, listAccountTickets, toTicketDto } from '../tickets'
import { listAccountTouchpoints, toTouchpointDto } from '../touchpoints'
import { account360Limits, getAccount360Json } from './index'

/**
 * The previous implementation of the 360 (ten queries, rows mapped to DTOs in Node), kept here only
 * as the reference the single-statement JSON must equal.
 */
async function referenceAccount360(db: Db, params: { workspaceId: string; accountId: string; today: string }) {
  const { workspaceId, accountId, today } = params
  const scope = { workspaceId, accountId }
  const parent = alias(accounts, 'parent')
  const [[account], children, contacts, subscriptions, tickets, openCount, touchpoints, latestMovements] = await Promise.all([
    db
      .select({
        ...getTableColumns(accounts),
        ownerName: users.name,
        ownerEmail: users.email,
        parentName: parent.name,
        firstMovementDate: sql<string | null>`(select min(m.effective_date)::text from ${revenueMovements} m
          where m.workspace_id = ${accounts.workspaceId} and m.account_id = ${accounts.id})`,
      })
      .from(accounts)
      .leftJoin(users, and(eq(users.workspaceId, accounts.workspaceId), eq(users.id, accounts.ownerId)))
      .leftJoin(parent, and(eq(parent.workspaceId, accounts.workspaceId), eq(parent.id, accounts.parentId)))
      .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, accountId))),
    db
      .select({ id: accounts.id, name: accounts.name, arr: accounts.arr })
      .from(accounts)
      .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.parentId, accountId)))
      .orderBy(desc(accounts.arr), accounts.id)
      .limit(account360Limits.children),
    listAccountContacts(db, { ...scope, limit: account360Limits.contacts }),
    listAccountSubscriptions(db, { ...scope, limit: account360Limits.subscriptions }),
    listAccountTickets(db, { ...scope, limit: account360Limits.tickets }),
    countOpenTickets(db, scope),
    listAccountTouchpoints(db, { ...scope, limit: account360Limits.touchpoints }),
    db
      .select()
      .from(revenueMovements)
      .where(and(eq(revenueMovements.workspaceId, workspaceId), eq(revenueMovements.accountId, accountId)))
      .orderBy(desc(revenueMovements.effectiveDate), desc(revenueMovements.id))
      .limit(account360Limits.movements + 1),
  ])
  if (!account) return undefined
  let series: { month: string; arr: number }[] = []
  if (account.firstMovementDate) {
    const windowStart = shiftMonths(today, -(account360Limits.seriesMonths - 1))
    const from = account.firstMovementDate > windowStart ? account.firstMovementDate : windowStart
    if (from <= today) {
      series =
        latestMovements.length > account360Limits.movements
          ? await arrSeries(db, { workspaceId, accountId, from, to: today })
          : seriesFromMovements(latestMovements, from, today)
    }
  }
  return {
    account: toAccountDto(account),
    parent: account.parentId && account.parentName !== null ? { id: account.parentId, name: account.parentName } : null,
    children: children.map((child) => ({ id: child.id, name: child.name, arr: Number(child.arr) })),
    owner: account.ownerId && account.ownerName !== null ? { id: account.ownerId, name: account.ownerName, email: account.ownerEmail ?? '' } : null,
    contacts: contacts.map(toContactDto),
    subscriptions: subscriptions.map(toSubscriptionDto),
    tickets: { items: tickets.map(toTicketDto), openCount },
    touchpoints: touchpoints.map(toTouchpointDto),
    revenue: { series, movements: latestMovements.slice(0, account360Limits.movements).map(toRevenueMovementDto) },
  }
}

const lastDayOfMonth = (month: string) => {
  const [year, monthNumber] = month.split('-').map(Number)
  return new Date(Date.UTC(year, monthNumber, 0)).toISOString().slice(0, 10)
}

function seriesFromMovements(movements: readonly Pick<RevenueMovement, 'effectiveDate' | 'arrDelta'>[], from: string, to: string) {
  const ascending = [...movements].sort((a, b) => a.effectiveDate.localeCompare(b.effectiveDate))
  const series: { month: string; arr: number }[] = []
  let cents = 0
  let next = 0
  for (let month = from.slice(0, 7); month <= to.slice(0, 7); month = shiftMonths(`${month}-01`, 1).slice(0, 7)) {
    const end = lastDayOfMonth(month) < to ? lastDayOfMonth(month) : to
    while (next < ascending.length && ascending[next].effectiveDate <= end) cents += Math.round(Number(ascending[next++].arrDelta) * 100)
    series.push({ month, arr: cents / 100 })
  }
  return series
}

let ctx: TestContext
let acme: TestWorkspace
let globex: TestWorkspace

beforeAll(async () => {
  ctx = await createTestContext()
  acme = await ctx.createWorkspace('acme')
  globex = await ctx.createWorkspace('globex')
})
afterAll(() => ctx?.close())

const today = todayUtc()
const midMonth = (months: number) => `${shiftMonths(today, -months).slice(0, 8)}15`

describe('account 360 as one SQL statement', () => {
  it('answers exactly what the ten-query implementation answered, for varied accounts', async () => {
    const { db } = ctx.handle
    const ids: string[] = []

    // A rich account: parent, children (ties on ARR), owner, every kind of record, odd values.
    const group = await makeAccount(db, acme.id, { name: 'Group', arr: 0 })
    const rich = await makeAccount(db, acme.id, {
      name: 'Rich "quoted" \\ ünïcode',
      parentId: group.id,
      ownerId: acme.users.csm.id,
      industry: 'Logistics',
      employees: 420,
      country: 'DE',
      currency: 'EUR',
      renewalDate: '2026-02-28',
      traits: { tier: 'gold', nested: { list: [1, 2.5, null, 'x'], flag: true }, zero: 0 },
      arr: 1_234.56,
      arrEffectiveDate: midMonth(14),
    })
    ids.push(rich.id, group.id)
    for (const [name, arr] of [['Child A', 500], ['Child B', 500], ['Child C', 99_999.99], ['Child D', 0]] as const) {
      ids.push((await makeAccount(db, acme.id, { name, parentId: rich.id, arr })).id)
    }
    const people = []
    for (const name of ['zed', 'Anna', 'anna', 'Émile', 'Bob']) people.push(await makeContact(db, acme.id, rich.id, { name, roles: ['champion', 'billing'], title: 'VP', traits: { n: name } }))
    await makeContact(db, acme.id, rich.id, { name: 'No Email', email: null, roles: [] })
    // Imported roles this version does not know are left out; microsecond timestamps are cut to milliseconds.
    await db.execute(sql`update contacts set roles = '{legacy,champion,other,user}', last_seen_at = '2025-05-06 07:08:09.987654+00'
      where workspace_id = ${acme.id} and id = ${people[0].id}`)
    await db.execute(sql`update contacts set last_seen_at = '2024-12-31 23:59:59.000999+00' where workspace_id = ${acme.id} and id = ${people[1].id}`)
    await makeSubscription(db, acme.id, rich.id, { startDate: '2024-01-01', endDate: null, seats: 25, arr: 1_000.1, autoRenew: false })
    await makeSubscription(db, acme.id, rich.id, { startDate: '2024-01-01', endDate: '2024-12-31', status: 'expired', currency: 'EUR' })
    await makeSubscription(db, acme.id, rich.id, { startDate: '2025-06-01', arr: 0 })
    await makeTicket(db, acme.id, rich.id, { status: 'solved', openedAt: '2025-03-01T10:00:00.123Z', closedAt: '2025-03-02T00:00:00Z', satisfaction: 'good', contactId: people[2].id })
    await makeTicket(db, acme.id, rich.id, { status: 'on_hold', priority: 'urgent', openedAt: '2025-03-01T10:00:00.123Z', externalId: 'ZD-1' })
    await makeTicket(db, acme.id, rich.id, { status: 'new', openedAt: '2024-01-01T00:00:00Z' })
    await makeTouchpoint(db, acme.id, rich.id, acme.users.csm.id, { kind: 'qbr', subject: 'Q1', occurredAt: '2025-02-01T12:34:56.789Z', contactIds: [people[0].id, people[3].id] })
    await makeTouchpoint(db, acme.id, rich.id, null, { occurredAt: '2025-02-01T12:34:56.789Z' })
    await db.execute(sql`update tickets set opened_at = '2023-07-08 09:10:11.555555+00' where workspace_id = ${acme.id} and external_id = 'ZD-1'`)
    await recordRevenueMovement(db, { workspaceId: acme.id, accountId: rich.id, kind: 'expansion', effectiveDate: midMonth(6), amount: 0.01 })
    await recordRevenueMovement(db, { workspaceId: acme.id, accountId: rich.id, kind: 'contraction', effectiveDate: midMonth(6), amount: 234.57 })
    await recordRevenueMovement(db, { workspaceId: acme.id, accountId: rich.id, kind: 'expansion', effectiveDate: midMonth(-3), amount: 10 })

    // A bare account, an account churned to zero, one with revenue only in the future, one older than the window.
    ids.push((await makeAccount(db, acme.id, { arr: 0, domain: null, plan: null })).id)
    const churned = await makeAccount(db, acme.id, { arr: 300, arrEffectiveDate: midMonth(3) })
    await recordRevenueMovement(db, { workspaceId: acme.id, accountId: churned.id, kind: 'churn', effectiveDate: midMonth(1), amount: 300 })
    ids.push(churned.id)
    ids.push((await makeAccount(db, acme.id, { arr: 3_000, arrEffectiveDate: midMonth(-1) })).id)
    ids.push((await makeAccount(db, acme.id, { arr: 7_000.07, arrEffectiveDate: midMonth(40) })).id)
    // First movement on the first of this month, and on the last day 23 months back.
    ids.push((await makeAccount(db, acme.id, { arr: 1, arrEffectiveDate: `${today.slice(0, 8)}01` })).id)
    const windowEdge = shiftMonths(today, -23)
    ids.push((await makeAccount(db, acme.id, { arr: 2, arrEffectiveDate: `${windowEdge.slice(0, 8)}${new Date(Date.UTC(Number(windowEdge.slice(0, 4)), Number(windowEdge.slice(5, 7)), 0)).getUTCDate()}` })).id)

    // More movements, tickets and touchpoints than the view shows.
    const busy = await makeAccount(db, acme.id, { arr: 1_000.05, arrEffectiveDate: midMonth(30) })
    for (let index = 0; index < 129; index++) {
      const months = 29 - Math.floor((index * 31) / 130)
      const day = String((index % 27) + 1).padStart(2, '0')
      await recordRevenueMovement(db, {
        workspaceId: acme.id,
        accountId: busy.id,
        kind: index % 3 === 2 ? 'contraction' : 'expansion',
        effectiveDate: `${shiftMonths(today, -months).slice(0, 8)}${day}`,
        amount: 10.01 + (index % 7) * 0.33,
      })
    }
    for (let index = 0; index < 55; index++) {
      const openedAt = new Date(Date.UTC(2025, 0, 1) + Math.floor(index / 2) * 3_600_000).toISOString()
      await makeTicket(db, acme.id, busy.id, { status: index % 3 ? 'open' : 'closed', openedAt })
      await makeTouchpoint(db, acme.id, busy.id, index % 2 ? acme.users.csm.id : null, { occurredAt: openedAt })
    }
    ids.push(busy.id)

    for (const accountId of ids) {
      const expected = await referenceAccount360(db, { workspaceId: acme.id, accountId, today })
      const body = await getAccount360Json(db, { workspaceId: acme.id, accountId, today })
      expect(JSON.parse(body), accountId).toEqual(JSON.parse(JSON.stringify(expected)))
      // And through HTTP, as the web app reads it.
      const response = await ctx.as(acme, 'viewer')('GET', `/api/v1/accounts/${accountId}/360`)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toMatch(/^application\/json/)
      expect(await response.json(), accountId).toEqual(JSON.parse(JSON.stringify(expected)))
    }

    // Another workspace sees none of them.
    await expect(getAccount360Json(db, { workspaceId: globex.id, accountId: rich.id, today })).rejects.toMatchObject({ status: 404 })
  })

  it('ends the series at the given day', async () => {
    const { db } = ctx.handle
    const account = await makeAccount(db, acme.id, { arr: 100, arrEffectiveDate: '2024-01-31' })
    await recordRevenueMovement(db, { workspaceId: acme.id, accountId: account.id, kind: 'expansion', effectiveDate: '2024-03-10', amount: 50 })
    for (const day of ['2024-03-09', '2024-03-10', '2024-01-31', '2024-01-30', '2026-02-28']) {
      const expected = await referenceAccount360(db, { workspaceId: acme.id, accountId: account.id, today: day })
      const actual = JSON.parse(await getAccount360Json(db, { workspaceId: acme.id, accountId: account.id, today: day })) as unknown
      expect(actual, day).toEqual(JSON.parse(JSON.stringify(expected)))
    }
  })
})
