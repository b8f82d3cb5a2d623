/**
 * Bulk writes of the demo world. Rows travel as one JSON text parameter per statement and are
 * unpacked by jsonb_to_recordset, typed from the drizzle table definitions: one round trip per few
 * thousand rows, the same SQL on PGlite and PostgreSQL, and no parameter-count limit.
 */
import { getTableColumns, sql } from 'drizzle-orm'
import type { PgTable } from 'drizzle-orm/pg-core'
import type { Db } from '../../platform/db'
import { accounts, revenueMovements } from '../accounts'
import { contacts } from '../contacts'
import { users } from '../identity'
import { subscriptions } from '../subscriptions'
import { tickets } from '../tickets'
import { touchpoints } from '../touchpoints'
import { workspaces } from '../workspaces'
import { demoAccountTruth } from './demo.tables'

/** Timestamps may come as ISO strings (they travel as JSON text anyway). */
type WithIsoTimestamps<R> = { [K in keyof R]: Date extends NonNullable<R[K]> ? R[K] | string : R[K] }
/** Rows of a table as the world produces them: everything but the workspace. */
type RowOf<T extends PgTable> = WithIsoTimestamps<Omit<T['$inferInsert'], 'workspaceId'>>
type KeyOf<T extends PgTable> = Exclude<keyof T['$inferInsert'] & string, 'workspaceId'>

/** Statements carry at most about this many characters of JSON. */
const MAX_JSON_CHARS = 4_000_000

async function insertRows<T extends PgTable>(db: Db, table: T, workspaceId: string, keys: readonly KeyOf<T>[], rows: readonly RowOf<T>[]): Promise<void> {
  if (rows.length === 0) return
  const columns = getTableColumns(table)
  const column = (key: string) => {
    const found = columns[key]
    if (!found) throw new Error(`unknown column ${key}`)
    return found
  }
  const names = keys.map((key) => `"${column(key).name}"`).join(', ')
  const selects = keys.map((key) => `x."${key}"`).join(', ')
  const definitions = keys.map((key) => `"${key}" ${column(key).getSQLType()}`).join(', ')

  // Batches sized from a sample of rows so that each statement carries about MAX_JSON_CHARS.
  const sample = rows.slice(0, 20)
  const charsPerRow = Math.max(1, JSON.stringify(sample).length / sample.length)
  const batchSize = Math.max(100, Math.floor(MAX_JSON_CHARS / charsPerRow))
  for (let start = 0; start < rows.length; start += batchSize) {
    const json = JSON.stringify(rows.slice(start, start + batchSize))
    await db.execute(
      sql`insert into ${table} ("workspace_id", ${sql.raw(names)}) select ${workspaceId}::uuid, ${sql.raw(selects)} from jsonb_to_recordset(${json}::jsonb) as x(${sql.raw(definitions)})`,
    )
  }
}

export async function insertDemoWorkspace(db: Db, row: { id: string; slug: string; name: string; settings: Record<string, unknown> }): Promise<void> {
  await db.insert(workspaces).values(row)
}

export async function insertUsers(db: Db, workspaceId: string, rows: readonly RowOf<typeof users>[]): Promise<void> {
  await insertRows(db, users, workspaceId, ['id', 'email', 'name', 'title', 'role', 'managerId', 'passwordHash', 'status'], rows)
}

export async function insertAccounts(db: Db, workspaceId: string, rows: readonly RowOf<typeof accounts>[]): Promise<void> {
  await insertRows(
    db,
    accounts,
    workspaceId,
    ['id', 'externalId', 'name', 'domain', 'parentId', 'ownerId', 'plan', 'industry', 'employees', 'country', 'arr', 'currency', 'renewalDate', 'traits', 'status', 'churnedAt', 'createdAt', 'updatedAt'],
    rows,
  )
}

export async function insertContacts(db: Db, workspaceId: string, rows: readonly RowOf<typeof contacts>[]): Promise<void> {
  await insertRows(
    db,
    contacts,
    workspaceId,
    ['id', 'accountId', 'externalId', 'email', 'name', 'title', 'phone', 'roles', 'traits', 'lastSeenAt', 'createdAt', 'updatedAt'],
    rows,
  )
}

export async function insertSubscriptions(db: Db, workspaceId: string, rows: readonly RowOf<typeof subscriptions>[]): Promise<void> {
  await insertRows(
    db,
    subscriptions,
    workspaceId,
    ['id', 'accountId', 'externalId', 'product', 'startDate', 'endDate', 'arr', 'currency', 'seats', 'status', 'autoRenew', 'createdAt', 'updatedAt'],
    rows,
  )
}

export async function insertRevenueMovements(db: Db, workspaceId: string, rows: readonly RowOf<typeof revenueMovements>[]): Promise<void> {
  await insertRows(
    db,
    revenueMovements,
    workspaceId,
    ['id', 'accountId', 'subscriptionId', 'kind', 'effectiveDate', 'arrDelta', 'currency', 'source', 'note', 'createdAt'],
    rows,
  )
}

export async function insertTouchpoints(db: Db, workspaceId: string, rows: readonly RowOf<typeof touchpoints>[]): Promise<void> {
  await insertRows(
    db,
    touchpoints,
    workspaceId,
    ['id', 'accountId', 'kind', 'authorId', 'occurredAt', 'subject', 'body', 'contactIds', 'createdAt', 'updatedAt'],
    rows,
  )
}

export async function insertTickets(db: Db, workspaceId: string, rows: readonly RowOf<typeof tickets>[]): Promise<void> {
  await insertRows(
    db,
    tickets,
    workspaceId,
    ['id', 'accountId', 'contactId', 'externalId', 'subject', 'priority', 'status', 'openedAt', 'closedAt', 'satisfaction', 'createdAt', 'updatedAt'],
    rows,
  )
}

export async function insertAccountTruth(db: Db, workspaceId: string, rows: readonly RowOf<typeof demoAccountTruth>[]): Promise<void> {
  await insertRows(db, demoAccountTruth, workspaceId, ['accountId', 'month', 'trueHealth'], rows)
}
