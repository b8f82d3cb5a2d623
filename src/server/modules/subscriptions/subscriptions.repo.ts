import { and, desc, eq, sql, type SQL } from 'drizzle-orm'
import { preparedPerDb, type Db } from '../../platform/db'
import type { SubscriptionListFilters } from './subscriptions.contracts'
import { subscriptions } from './subscriptions.tables'

export type Subscription = typeof subscriptions.$inferSelect
export type NewSubscription = typeof subscriptions.$inferInsert


export async function listSubscriptions(
  db: Db,
  params: { workspaceId: string; filters: Omit<SubscriptionListFilters, 'cursor'>; after?: [string, string] },
): Promise<Subscription[]> {
  const conditions: SQL[] = [sql`${subscriptions.workspaceId} = ${params.workspaceId}`]
  if (params.filters.accountId) conditions.push(sql`${subscriptions.accountId} = ${params.filters.accountId}`)
  if (params.filters.status) conditions.push(sql`${subscriptions.status} = ${params.filters.status}`)
  if (params.after) conditions.push(sql`(${subscriptions.startDate}, ${subscriptions.id}) < (${params.after[0]}::date, ${params.after[1]}::uuid)`)
  return db
    .select()
    .from(subscriptions)
    .where(and(...conditions))
    .orderBy(desc(subscriptions.startDate), desc(subscriptions.id))
    .limit(params.filters.limit)
}

const accountSubscriptionsQuery = preparedPerDb((db) =>
  db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.workspaceId, sql.placeholder('workspaceId')), eq(subscriptions.accountId, sql.placeholder('accountId'))))
    .orderBy(desc(subscriptions.startDate), desc(subscriptions.id))
    .limit(sql.placeholder('limit'))
    .prepare('subscriptions_of_account'),
)

/** An account's subscriptions, newest start first (the 360 view); uses subscriptions_workspace_account_idx. */
export async function listAccountSubscriptions(db: Db, params: { workspaceId: string; accountId: string; limit: number }): Promise<Subscription[]> {
  return accountSubscriptionsQuery(db).execute(params)
}

export async function findSubscription(db: Db, params: { workspaceId: string; subscriptionId: string }): Promise<Subscription | undefined> {
  const [row] = await db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.workspaceId, params.workspaceId), eq(subscriptions.id, params.subscriptionId)))
    .limit(1)
  return row
}

export async function findSubscriptionByExternalId(db: Db, params: { workspaceId: string; externalId: string }): Promise<Subscription | undefined> {
  const [row] = await db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.workspaceId, params.workspaceId), eq(subscriptions.externalId, params.externalId)))
    .limit(1)
  return row
}

export async function insertSubscription(db: Db, subscription: NewSubscription): Promise<Subscription> {
  const [row] = await db.insert(subscriptions).values(subscription).returning()
  return row
}

export async function updateSubscription(
  db: Db,
  params: { workspaceId: string; subscriptionId: string; changes: Partial<NewSubscription> },
): Promise<Subscription | undefined> {
  const [row] = await db
    .update(subscriptions)
    .set({ ...params.changes, updatedAt: new Date() })
    .where(and(eq(subscriptions.workspaceId, params.workspaceId), eq(subscriptions.id, params.subscriptionId)))
    .returning()
  return row
}

export async function deleteSubscription(db: Db, params: { workspaceId: string; subscriptionId: string }): Promise<boolean> {
  const rows = await db
    .delete(subscriptions)
    .where(and(eq(subscriptions.workspaceId, params.workspaceId), eq(subscriptions.id, params.subscriptionId)))
    .returning({ id: subscriptions.id })
  return rows.length > 0
}
