import { and, desc, eq, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../../platform/db'
import type { OutcomeListFilters } from './outcomes.contracts'
import { accountOutcomes } from './outcomes.tables'

export type Outcome = typeof accountOutcomes.$inferSelect
export type NewOutcome = typeof accountOutcomes.$inferInsert

export async function listOutcomes(
  db: Db,
  params: { workspaceId: string; filters: Omit<OutcomeListFilters, 'cursor'>; after?: [string, string] },
): Promise<Outcome[]> {
  const { filters } = params
  const conditions: SQL[] = [sql`${accountOutcomes.workspaceId} = ${params.workspaceId}`]
  if (filters.accountId) conditions.push(sql`${accountOutcomes.accountId} = ${filters.accountId}`)
  if (filters.kind) conditions.push(sql`${accountOutcomes.kind} = ${filters.kind}`)
  if (filters.from) conditions.push(sql`${accountOutcomes.occurredOn} >= ${filters.from}::date`)
  if (filters.to) conditions.push(sql`${accountOutcomes.occurredOn} <= ${filters.to}::date`)
  if (params.after) conditions.push(sql`(${accountOutcomes.occurredOn}, ${accountOutcomes.id}) < (${params.after[0]}::date, ${params.after[1]}::uuid)`)
  return db
    .select()
    .from(accountOutcomes)
    .where(and(...conditions))
    .orderBy(desc(accountOutcomes.occurredOn), desc(accountOutcomes.id))
    .limit(filters.limit)
}

/** One account's outcomes, latest first (account_outcomes_workspace_account_idx). */
export async function listAccountOutcomes(db: Db, params: { workspaceId: string; accountId: string; limit: number }): Promise<Outcome[]> {
  return db
    .select()
    .from(accountOutcomes)
    .where(and(eq(accountOutcomes.workspaceId, params.workspaceId), eq(accountOutcomes.accountId, params.accountId)))
    .orderBy(desc(accountOutcomes.occurredOn), desc(accountOutcomes.id))
    .limit(params.limit)
}

export async function findOutcome(db: Db, params: { workspaceId: string; outcomeId: string }): Promise<Outcome | undefined> {
  const [row] = await db
    .select()
    .from(accountOutcomes)
    .where(and(eq(accountOutcomes.workspaceId, params.workspaceId), eq(accountOutcomes.id, params.outcomeId)))
    .limit(1)
  return row
}

export async function findOutcomeByExternalId(db: Db, params: { workspaceId: string; externalId: string }): Promise<Outcome | undefined> {
  const [row] = await db
    .select()
    .from(accountOutcomes)
    .where(and(eq(accountOutcomes.workspaceId, params.workspaceId), eq(accountOutcomes.externalId, params.externalId)))
    .limit(1)
  return row
}

export async function insertOutcome(db: Db, outcome: NewOutcome): Promise<Outcome> {
  const [row] = await db.insert(accountOutcomes).values(outcome).returning()
  return row
}

export async function updateOutcome(db: Db, params: { workspaceId: string; outcomeId: string; changes: Partial<NewOutcome> }): Promise<Outcome | undefined> {
  const [row] = await db
    .update(accountOutcomes)
    .set({ ...params.changes, updatedAt: new Date() })
    .where(and(eq(accountOutcomes.workspaceId, params.workspaceId), eq(accountOutcomes.id, params.outcomeId)))
    .returning()
  return row
}

export async function deleteOutcome(db: Db, params: { workspaceId: string; outcomeId: string }): Promise<boolean> {
  const rows = await db
    .delete(accountOutcomes)
    .where(and(eq(accountOutcomes.workspaceId, params.workspaceId), eq(accountOutcomes.id, params.outcomeId)))
    .returning({ id: accountOutcomes.id })
  return rows.length > 0
}
