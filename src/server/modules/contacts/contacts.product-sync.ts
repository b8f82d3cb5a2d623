import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../platform/db'

export type ProductPerson = {
  userId: string
  accountId: string
  email: string | null
  name: string | null
  title: string | null
  lastSeenAt: string | null
}

/**
 * Keeps contacts in step with identified product users (Segment `identify`): the product's userId is
 * the contact's external id. A contact a CSM created with the same email is adopted rather than
 * duplicated; an email that already belongs to another contact is not copied (it is unique).
 * Set-based, because the demo and bulk backfills identify thousands of users at once.
 */
export async function upsertContactsFromProductUsers(
  db: Db,
  params: { workspaceId: string; people: ProductPerson[] },
): Promise<{ userId: string; contactId: string }[]> {
  if (params.people.length === 0) return []
  const people = JSON.stringify(params.people)
  const workspaceId = params.workspaceId
  const input = sql`jsonb_to_recordset(${people}::jsonb) AS p("userId" text, "accountId" uuid, email text, name text, title text, "lastSeenAt" timestamptz)`
  await db.execute(sql`
    UPDATE contacts c SET external_id = p."userId", updated_at = now()
    FROM ${input}
    WHERE c.workspace_id = ${workspaceId} AND c.external_id IS NULL AND p.email IS NOT NULL AND lower(c.email) = lower(p.email)
      AND NOT EXISTS (SELECT 1 FROM contacts c2 WHERE c2.workspace_id = ${workspaceId} AND c2.external_id = p."userId")`)
  const rows = await queryRows<{ id: string; external_id: string }>(
    db,
    sql`WITH people AS (
          SELECT p.*, row_number() OVER (PARTITION BY lower(p.email) ORDER BY p."userId") AS email_rank FROM ${input})
        INSERT INTO contacts AS c (workspace_id, account_id, external_id, email, name, title, last_seen_at)
        SELECT ${workspaceId}::uuid, p."accountId", p."userId",
          CASE WHEN p.email IS NULL OR p.email_rank > 1 OR EXISTS (
            SELECT 1 FROM contacts o WHERE o.workspace_id = ${workspaceId} AND lower(o.email) = lower(p.email)
              AND o.external_id IS DISTINCT FROM p."userId") THEN NULL ELSE p.email END,
          coalesce(nullif(trim(p.name), ''), p.email, p."userId"), p.title, p."lastSeenAt"
        FROM people p
        WHERE EXISTS (SELECT 1 FROM accounts a WHERE a.workspace_id = ${workspaceId} AND a.id = p."accountId")
        ON CONFLICT (workspace_id, external_id) WHERE external_id IS NOT NULL DO UPDATE SET
          account_id = excluded.account_id,
          email = coalesce(c.email, excluded.email),
          name = CASE WHEN excluded.name IS DISTINCT FROM excluded.external_id THEN excluded.name ELSE c.name END,
          title = coalesce(excluded.title, c.title),
          last_seen_at = greatest(c.last_seen_at, excluded.last_seen_at),
          updated_at = now()
        RETURNING c.id, c.external_id`,
  )
  return rows.map((row) => ({ userId: row.external_id, contactId: row.id }))
}
