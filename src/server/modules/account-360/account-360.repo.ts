import { and, desc, eq, getTableColumns, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { Db } from '../../platform/db'
import { accounts, revenueMovements, type AccountWithOwner, type RevenueMovement } from '../accounts'
import { users } from '../identity'

/**
 * The 360 view is read on every account page, at 100k+ accounts: its queries are prepared
 * statements built once per database handle (drizzle's builder costs ~0.2 ms a call) and parsed
 * and planned by PostgreSQL once per connection. Each reads an index that starts with workspace_id.
 * It reads the accounts module's tables (through its index) the way the accounts repo does.
 */
function preparedPerDb<Query>(build: (db: Db) => Query): (db: Db) => Query {
  const cache = new WeakMap<Db, Query>()
  return (db) => {
    const cached = cache.get(db)
    if (cached) return cached
    const query = build(db)
    cache.set(db, query)
    return query
  }
}

const workspaceId = sql.placeholder('workspaceId')
const accountId = sql.placeholder('accountId')
const parent = alias(accounts, 'parent')

export type AccountView = AccountWithOwner & {
  ownerEmail: string | null
  parentName: string | null
  firstMovementDate: string | null
}

const accountViewQuery = preparedPerDb((db) =>
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
    .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, accountId)))
    .prepare('account_360_account'),
)

/** The account with its owner, parent name and first revenue movement: primary-key lookups and one min() off an index. */
export async function findAccountView(db: Db, params: { workspaceId: string; accountId: string }): Promise<AccountView | undefined> {
  const [row] = await accountViewQuery(db).execute(params)
  return row
}

const childrenQuery = preparedPerDb((db) =>
  db
    .select({ id: accounts.id, name: accounts.name, arr: accounts.arr })
    .from(accounts)
    .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.parentId, accountId)))
    .orderBy(desc(accounts.arr), accounts.id)
    .limit(sql.placeholder('limit'))
    .prepare('account_360_children'),
)

/** Child accounts, largest ARR first (accounts_workspace_parent_idx). */
export async function listChildren(db: Db, params: { workspaceId: string; accountId: string; limit: number }) {
  return childrenQuery(db).execute(params)
}

const movementsQuery = preparedPerDb((db) =>
  db
    .select()
    .from(revenueMovements)
    .where(and(eq(revenueMovements.workspaceId, workspaceId), eq(revenueMovements.accountId, accountId)))
    .orderBy(desc(revenueMovements.effectiveDate), desc(revenueMovements.id))
    .limit(sql.placeholder('limit'))
    .prepare('account_360_movements'),
)

/** The latest revenue movements, newest first (revenue_movements_workspace_account_date_idx). */
export async function listLatestMovements(db: Db, params: { workspaceId: string; accountId: string; limit: number }): Promise<RevenueMovement[]> {
  return movementsQuery(db).execute(params)
}
