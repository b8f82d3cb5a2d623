import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm'
import { preparedPerDb, type Db } from '../../platform/db'
import type { ContactListFilters } from './contacts.contracts'
import { contacts } from './contacts.tables'

export type Contact = typeof contacts.$inferSelect
export type NewContact = typeof contacts.$inferInsert


const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (match) => `\\${match}`)}%`

function filterConditions(workspaceId: string, filters: Omit<ContactListFilters, 'limit' | 'cursor'>): SQL[] {
  const conditions: SQL[] = [sql`${contacts.workspaceId} = ${workspaceId}`]
  if (filters.accountId) conditions.push(sql`${contacts.accountId} = ${filters.accountId}`)
  if (filters.externalId !== undefined) conditions.push(sql`${contacts.externalId} = ${filters.externalId}`)
  // Same expression as the unique index contacts_workspace_email_key, so it is an index lookup.
  if (filters.email !== undefined) conditions.push(sql`lower(${contacts.email}) = lower(${filters.email})`)
  if (filters.role) conditions.push(sql`${filters.role} = any(${contacts.roles})`)
  if (filters.q) conditions.push(sql`lower(${contacts.name} || ' ' || coalesce(${contacts.email}, '')) like ${likePattern(filters.q)}`)
  return conditions
}

export async function listContacts(
  db: Db,
  params: { workspaceId: string; filters: ContactListFilters; after?: [string, string] },
): Promise<{ rows: Contact[]; total: number }> {
  const conditions = filterConditions(params.workspaceId, params.filters)
  const countConditions = [...conditions]
  if (params.after) conditions.push(sql`(${contacts.name}, ${contacts.id}) > (${params.after[0]}, ${params.after[1]}::uuid)`)
  const rowsQuery = db
    .select()
    .from(contacts)
    .where(and(...conditions))
    .orderBy(asc(contacts.name), asc(contacts.id))
    .limit(params.filters.limit + 1)
  const countQuery = db
    .select({ total: sql<number>`count(*)::int` })
    .from(contacts)
    .where(and(...countConditions))
  const [rows, [count]] = await Promise.all([rowsQuery, countQuery])
  return { rows, total: count?.total ?? 0 }
}

const accountContactsQuery = preparedPerDb((db) =>
  db
    .select()
    .from(contacts)
    .where(and(eq(contacts.workspaceId, sql.placeholder('workspaceId')), eq(contacts.accountId, sql.placeholder('accountId'))))
    .orderBy(asc(contacts.name), asc(contacts.id))
    .limit(sql.placeholder('limit'))
    .prepare('contacts_of_account'),
)

/** Every contact of one account by name (the 360 view); uses contacts_workspace_account_idx. */
export async function listAccountContacts(db: Db, params: { workspaceId: string; accountId: string; limit: number }): Promise<Contact[]> {
  return accountContactsQuery(db).execute(params)
}

export async function findContact(db: Db, params: { workspaceId: string; contactId: string }): Promise<Contact | undefined> {
  const [row] = await db
    .select()
    .from(contacts)
    .where(and(eq(contacts.workspaceId, params.workspaceId), eq(contacts.id, params.contactId)))
    .limit(1)
  return row
}

export async function findContactByEmail(db: Db, params: { workspaceId: string; email: string }): Promise<Contact | undefined> {
  const [row] = await db
    .select()
    .from(contacts)
    .where(and(eq(contacts.workspaceId, params.workspaceId), sql`lower(${contacts.email}) = lower(${params.email})`))
    .limit(1)
  return row
}

export async function findContactByExternalId(db: Db, params: { workspaceId: string; externalId: string }): Promise<Contact | undefined> {
  const [row] = await db
    .select()
    .from(contacts)
    .where(and(eq(contacts.workspaceId, params.workspaceId), eq(contacts.externalId, params.externalId)))
    .limit(1)
  return row
}

/** Which of these ids are contacts of the account (the others belong elsewhere or do not exist). */
export async function findAccountContactIds(db: Db, params: { workspaceId: string; accountId: string; contactIds: string[] }): Promise<string[]> {
  if (params.contactIds.length === 0) return []
  const rows = await db
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, params.workspaceId), eq(contacts.accountId, params.accountId), inArray(contacts.id, params.contactIds)))
  return rows.map((row) => row.id)
}

export async function insertContact(db: Db, contact: NewContact): Promise<Contact> {
  const [row] = await db.insert(contacts).values(contact).returning()
  return row
}

export async function updateContact(db: Db, params: { workspaceId: string; contactId: string; changes: Partial<NewContact> }): Promise<Contact | undefined> {
  const [row] = await db
    .update(contacts)
    .set({ ...params.changes, updatedAt: new Date() })
    .where(and(eq(contacts.workspaceId, params.workspaceId), eq(contacts.id, params.contactId)))
    .returning()
  return row
}

export async function deleteContact(db: Db, params: { workspaceId: string; contactId: string }): Promise<boolean> {
  const rows = await db
    .delete(contacts)
    .where(and(eq(contacts.workspaceId, params.workspaceId), eq(contacts.id, params.contactId)))
    .returning({ id: contacts.id })
  return rows.length > 0
}
