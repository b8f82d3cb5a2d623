import { and, eq, inArray, sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../platform/db'
import type { Account, RevenueMovement } from './accounts.repo'
import { accounts, revenueMovements } from './accounts.tables'

/**
 * Set-based account writes for bulk imports (CSV, CRM syncs): one statement per batch instead of
 * several per account. ARR is not written here — it moves only through the revenue ledger, so
 * callers record ARR changes with updateAccount / recordRevenueMovement.
 */

/** Fields of an imported account; null means "not in this row" (kept on update, default on create). */
export type AccountImportRow = {
  externalId: string
  name: string | null
  domain: string | null
  ownerId: string | null
  plan: string | null
  industry: string | null
  employees: number | null
  country: string | null
  currency: string | null
  renewalDate: string | null
  /** Merged into the stored traits key by key. */
  traits: Record<string, unknown> | null
}

/** Accounts with these external ids (accounts_workspace_external_id_key). */
export async function findAccountsByExternalIds(db: Db, params: { workspaceId: string; externalIds: string[] }): Promise<Account[]> {
  if (params.externalIds.length === 0) return []
  return db
    .select()
    .from(accounts)
    .where(and(eq(accounts.workspaceId, params.workspaceId), inArray(accounts.externalId, [...new Set(params.externalIds)])))
}

/**
 * The parent links (by external id) of these accounts and of all their ancestors, up to 50 levels:
 * what an importer needs to refuse a parent that would close a cycle.
 */
export async function accountAncestry(
  db: Db,
  params: { workspaceId: string; externalIds: string[] },
): Promise<{ externalId: string; parentExternalId: string }[]> {
  if (params.externalIds.length === 0) return []
  const rows = await queryRows<{ external_id: string; parent_external_id: string }>(
    db,
    sql`WITH RECURSIVE chain(id, parent_id, external_id, depth) AS (
          SELECT a.id, a.parent_id, a.external_id, 0 FROM accounts a
          WHERE a.workspace_id = ${params.workspaceId}
            AND a.external_id IN (SELECT jsonb_array_elements_text(${JSON.stringify([...new Set(params.externalIds)])}::jsonb))
          UNION
          SELECT p.id, p.parent_id, p.external_id, c.depth + 1 FROM chain c
          JOIN accounts p ON p.workspace_id = ${params.workspaceId} AND p.id = c.parent_id
          WHERE c.depth < 50)
        SELECT DISTINCT c.external_id, p.external_id AS parent_external_id FROM chain c
        JOIN accounts p ON p.workspace_id = ${params.workspaceId} AND p.id = c.parent_id`,
  )
  return rows.map((row) => ({ externalId: row.external_id, parentExternalId: row.parent_external_id }))
}

/**
 * Writes one batch in a transaction: updates (only the fields given), creates, then parent links
 * (by external id, so a parent created in the same batch is found). A create whose external id
 * was taken in between by another writer becomes an update. Returns the ids of the accounts written.
 */
export async function importAccountsBatch(
  db: Db,
  params: {
    workspaceId: string
    creates: AccountImportRow[]
    updates: AccountImportRow[]
    parentLinks: { externalId: string; parentExternalId: string }[]
  },
): Promise<{ externalId: string; id: string; created: boolean }[]> {
  const { workspaceId } = params
  const recordset = (rows: AccountImportRow[]) =>
    sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r("externalId" text, name text, domain text, "ownerId" uuid, plan text,
        industry text, employees int, country text, currency text, "renewalDate" date, traits jsonb)`
  const update = async (tx: Db, rows: AccountImportRow[]) => {
    if (rows.length === 0) return []
    return queryRows<{ id: string; external_id: string }>(
      tx,
      sql`UPDATE accounts a SET
            name = coalesce(r.name, a.name), domain = coalesce(r.domain, a.domain), owner_id = coalesce(r."ownerId", a.owner_id),
            plan = coalesce(r.plan, a.plan), industry = coalesce(r.industry, a.industry), employees = coalesce(r.employees, a.employees),
            country = coalesce(r.country, a.country), currency = coalesce(r.currency, a.currency),
            renewal_date = coalesce(r."renewalDate", a.renewal_date), traits = a.traits || coalesce(r.traits, '{}'::jsonb), updated_at = now()
          FROM ${recordset(rows)}
          WHERE a.workspace_id = ${workspaceId} AND a.external_id = r."externalId"
          RETURNING a.id, a.external_id`,
    )
  }
  return db.transaction(async (tx) => {
    const written: { externalId: string; id: string; created: boolean }[] = []
    for (const row of await update(tx, params.updates)) written.push({ externalId: row.external_id, id: row.id, created: false })
    if (params.creates.length > 0) {
      const inserted = await queryRows<{ id: string; external_id: string }>(
        tx,
        sql`INSERT INTO accounts (workspace_id, external_id, name, domain, owner_id, plan, industry, employees, country, currency, renewal_date, traits)
            SELECT ${workspaceId}::uuid, r."externalId", r.name, r.domain, r."ownerId", r.plan, r.industry, r.employees, r.country,
              coalesce(r.currency, 'USD'), r."renewalDate", coalesce(r.traits, '{}'::jsonb)
            FROM ${recordset(params.creates)}
            ON CONFLICT (workspace_id, external_id) DO NOTHING
            RETURNING id, external_id`,
      )
      for (const row of inserted) written.push({ externalId: row.external_id, id: row.id, created: true })
      const insertedIds = new Set(inserted.map((row) => row.external_id))
      const raced = params.creates.filter((row) => !insertedIds.has(row.externalId))
      for (const row of await update(tx, raced)) written.push({ externalId: row.external_id, id: row.id, created: false })
    }
    if (params.parentLinks.length > 0) {
      await tx.execute(sql`
        UPDATE accounts a SET parent_id = p.id, updated_at = now()
        FROM jsonb_to_recordset(${JSON.stringify(params.parentLinks)}::jsonb) AS l("externalId" text, "parentExternalId" text)
        JOIN accounts p ON p.workspace_id = ${workspaceId} AND p.external_id = l."parentExternalId"
        WHERE a.workspace_id = ${workspaceId} AND a.external_id = l."externalId" AND a.parent_id IS DISTINCT FROM p.id`)
    }
    return written
  })
}

export async function findRevenueMovementByExternalId(db: Db, params: { workspaceId: string; externalId: string }): Promise<RevenueMovement | undefined> {
  const [row] = await db
    .select()
    .from(revenueMovements)
    .where(and(eq(revenueMovements.workspaceId, params.workspaceId), eq(revenueMovements.externalId, params.externalId)))
    .limit(1)
  return row
}
