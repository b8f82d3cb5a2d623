import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows, type DbHandle } from '../../platform/db'
import { createTestDb } from '../../testing/test-db'
import { verifyPassword } from '../identity'
import { deleteWorkspaceBySlug, DemoWorkspaceExistsError, generateDemoWorld, type DemoResult } from './demo.service'

const params = { accounts: 200, months: 6, seed: 1234, today: '2025-06-15', password: 'demo-password-1' }

let handle: DbHandle
let result: DemoResult
const steps: string[] = []

beforeAll(async () => {
  handle = await createTestDb()
  result = await generateDemoWorld(handle.db, { ...params, onProgress: (step) => steps.push(step) })
}, 120_000)

afterAll(async () => {
  await handle?.close()
})

const count = async (table: string): Promise<number> => {
  const rows = await queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from ${sql.identifier(table)} where workspace_id = ${result.workspaceId}`)
  return rows[0].n
}

describe('generateDemoWorld', () => {
  it('creates the demo workspace with its team and reports what it wrote', async () => {
    expect(result.slug).toBe('demo')
    const [workspace] = await queryRows<{ name: string; slug: string }>(handle.db, sql`select name, slug from workspaces where id = ${result.workspaceId}`)
    expect(workspace).toEqual({ name: 'Northwind Cloud', slug: 'demo' })
    expect(result.password).toBe(params.password)
    expect(steps).toContain('accounts')
    expect(steps[steps.length - 1]).toBe('done')

    const tables: Record<string, string> = {
      users: 'users',
      accounts: 'accounts',
      contacts: 'contacts',
      subscriptions: 'subscriptions',
      revenueMovements: 'revenue_movements',
      touchpoints: 'touchpoints',
      tickets: 'tickets',
      demoAccountTruth: 'demo_account_truth',
    }
    for (const [key, table] of Object.entries(tables)) {
      expect(await count(table), table).toBe(result.counts[key])
    }
    expect(result.counts.accounts).toBe(200)
    expect(result.counts.contacts).toBeGreaterThan(600)
    expect(result.counts.touchpoints).toBeGreaterThan(1000)
    expect(result.counts.tickets).toBeGreaterThan(250)
    expect(result.counts.demoAccountTruth).toBeGreaterThan(200 * 5)

    const roles = result.users.map((u) => u.role)
    expect(roles.filter((r) => r === 'csm').length).toBeGreaterThanOrEqual(6)
    expect(roles.filter((r) => r === 'admin')).toHaveLength(1)
    expect(roles.filter((r) => r === 'viewer')).toHaveLength(2)
    expect(result.users.every((u) => u.email.endsWith('@northwind.example'))).toBe(true)
  })

  it('gives every demo user the returned password, and CSMs a manager', async () => {
    const users = await queryRows<{ email: string; role: string; password_hash: string; manager_id: string | null; title: string | null }>(
      handle.db,
      sql`select email, role, password_hash, manager_id, title from users where workspace_id = ${result.workspaceId}`,
    )
    expect(new Set(users.map((u) => u.password_hash)).size).toBe(1)
    expect(await verifyPassword(params.password, users[0].password_hash)).toBe(true)
    expect(users.filter((u) => u.role === 'csm').every((u) => u.manager_id !== null)).toBe(true)
    expect(users.every((u) => u.title)).toBe(true)
  })

  it('keeps accounts.arr equal to the sum of the account’s revenue movements', async () => {
    const mismatches = await queryRows<{ id: string; arr: number; ledger: number }>(
      handle.db,
      sql`select a.id, a.arr, coalesce(sum(m.arr_delta), 0)::numeric as ledger
          from accounts a left join revenue_movements m on m.workspace_id = a.workspace_id and m.account_id = a.id
          where a.workspace_id = ${result.workspaceId}
          group by a.id, a.arr
          having a.arr <> coalesce(sum(m.arr_delta), 0)`,
    )
    expect(mismatches).toEqual([])
    const [totals] = await queryRows<{ arr: number; movements: number }>(
      handle.db,
      sql`select (select sum(arr) from accounts where workspace_id = ${result.workspaceId})::numeric as arr,
                 (select sum(arr_delta) from revenue_movements where workspace_id = ${result.workspaceId})::numeric as movements`,
    )
    expect(totals.arr).toBeGreaterThan(0)
    expect(totals.arr).toBe(totals.movements)
  })

  it('marks churned accounts consistently with the ledger', async () => {
    const churned = await queryRows<{ id: string; arr: number; churned_at: string | null; churn_movements: number; last_kind: string }>(
      handle.db,
      sql`select a.id, a.arr, a.churned_at,
                 (select count(*)::int from revenue_movements m where m.workspace_id = a.workspace_id and m.account_id = a.id and m.kind = 'churn') as churn_movements,
                 (select m.kind from revenue_movements m where m.workspace_id = a.workspace_id and m.account_id = a.id order by m.effective_date desc, m.arr_delta asc limit 1) as last_kind
          from accounts a where a.workspace_id = ${result.workspaceId} and a.status = 'churned'`,
    )
    expect(churned.length).toBeGreaterThan(0)
    for (const account of churned) {
      expect(account.arr).toBe(0)
      expect(account.churned_at).not.toBeNull()
      expect(account.churn_movements).toBeGreaterThan(0)
      expect(account.last_kind).toBe('churn')
    }
    // And the other way round: an account whose latest movement is a churn is churned.
    const [{ n }] = await queryRows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from accounts a
          where a.workspace_id = ${result.workspaceId} and a.status <> 'churned'
            and (select m.kind from revenue_movements m where m.workspace_id = a.workspace_id and m.account_id = a.id order by m.effective_date desc, m.arr_delta asc limit 1) = 'churn'`,
    )
    expect(n).toBe(0)
  })

  it('sets the renewal date of active accounts to the end of their active term', async () => {
    const rows = await queryRows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from accounts a
          where a.workspace_id = ${result.workspaceId} and a.status = 'active'
            and a.renewal_date is distinct from (select max(s.end_date) from subscriptions s where s.workspace_id = a.workspace_id and s.account_id = a.id and s.status = 'active')`,
    )
    expect(rows[0].n).toBe(0)
  })

  it('refuses an existing slug, and deleteWorkspaceBySlug removes everything', async () => {
    await expect(generateDemoWorld(handle.db, params)).rejects.toBeInstanceOf(DemoWorkspaceExistsError)

    const other = await generateDemoWorld(handle.db, { ...params, accounts: 20, slug: 'demo-small' })
    expect(await deleteWorkspaceBySlug(handle.db, 'demo-small')).toBe(true)
    expect(await deleteWorkspaceBySlug(handle.db, 'demo-small')).toBe(false)
    for (const table of ['users', 'accounts', 'contacts', 'subscriptions', 'revenue_movements', 'touchpoints', 'tickets', 'demo_account_truth']) {
      const rows = await queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from ${sql.identifier(table)} where workspace_id = ${other.workspaceId}`)
      expect(rows[0].n, table).toBe(0)
    }
    // The first workspace is untouched.
    expect(await count('accounts')).toBe(200)
  }, 60_000)

  it('generates the same world into another database from the same seed', async () => {
    const second = await createTestDb()
    try {
      const again = await generateDemoWorld(second.db, { ...params, password: 'another-password' })
      const snapshot = async (h: DbHandle, workspaceId: string) =>
        queryRows<Record<string, unknown>>(
          h.db,
          sql`select external_id, name, domain, arr, status, renewal_date, churned_at, traits,
                     (select count(*)::int from touchpoints t where t.workspace_id = a.workspace_id and t.account_id = a.id) as touchpoints,
                     (select count(*)::int from tickets t where t.workspace_id = a.workspace_id and t.account_id = a.id) as tickets
              from accounts a where workspace_id = ${workspaceId} order by external_id`,
        )
      expect(await snapshot(second, again.workspaceId)).toEqual(await snapshot(handle, result.workspaceId))
      expect(again.counts).toEqual(result.counts)
      expect(again.users).toEqual(result.users)
    } finally {
      await second.close()
    }
  }, 120_000)
})
