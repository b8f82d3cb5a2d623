import { and, desc, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm'
import { preparedPerDb, type Db } from '../../platform/db'
import type { TicketListFilters } from './tickets.contracts'
import { tickets, ticketStatuses } from './tickets.tables'

export type Ticket = typeof tickets.$inferSelect
export type NewTicket = typeof tickets.$inferInsert

type TicketStatus = (typeof ticketStatuses)[number]
/** A ticket still waiting on someone; solved and closed are done. */
export const openTicketStatuses: readonly TicketStatus[] = ['new', 'open', 'pending', 'on_hold']
const doneTicketStatuses = ticketStatuses.filter((status) => !openTicketStatuses.includes(status))

const ticketColumns = {
  ...getTableColumns(tickets),
  // The exact stored instant (microseconds) for cursors; a JS Date would round it to milliseconds.
  cursorAt: sql<string>`${tickets.openedAt}::text`.as('cursor_at'),
}


function filterConditions(workspaceId: string, filters: Omit<TicketListFilters, 'limit' | 'cursor'>): SQL[] {
  const conditions: SQL[] = [sql`${tickets.workspaceId} = ${workspaceId}`]
  if (filters.accountId) conditions.push(sql`${tickets.accountId} = ${filters.accountId}`)
  if (filters.status) conditions.push(sql`${tickets.status} = ${filters.status}`)
  if (filters.priority) conditions.push(sql`${tickets.priority} = ${filters.priority}`)
  if (filters.open !== undefined) conditions.push(inArray(tickets.status, filters.open ? [...openTicketStatuses] : doneTicketStatuses))
  return conditions
}

export async function listTickets(
  db: Db,
  params: { workspaceId: string; filters: Omit<TicketListFilters, 'cursor'>; after?: [string, string] },
): Promise<{ rows: (Ticket & { cursorAt: string })[]; total: number }> {
  const conditions = filterConditions(params.workspaceId, params.filters)
  const countConditions = [...conditions]
  if (params.after) conditions.push(sql`(${tickets.openedAt}, ${tickets.id}) < (${params.after[0]}::timestamptz, ${params.after[1]}::uuid)`)
  const rowsQuery = db
    .select(ticketColumns)
    .from(tickets)
    .where(and(...conditions))
    .orderBy(desc(tickets.openedAt), desc(tickets.id))
    .limit(params.filters.limit)
  const countQuery = db
    .select({ total: sql<number>`count(*)::int` })
    .from(tickets)
    .where(and(...countConditions))
  const [rows, [count]] = await Promise.all([rowsQuery, countQuery])
  return { rows, total: count?.total ?? 0 }
}

/** Open tickets of the workspace (tickets_workspace_status_idx). */
export async function countOpenTickets(db: Db, params: { workspaceId: string }): Promise<number> {
  const [row] = await db
    .select({ total: sql<number>`count(*)::int` })
    .from(tickets)
    .where(and(eq(tickets.workspaceId, params.workspaceId), inArray(tickets.status, [...openTicketStatuses])))
  return row?.total ?? 0
}

const accountTicketsQuery = preparedPerDb((db) =>
  db
    .select()
    .from(tickets)
    .where(and(eq(tickets.workspaceId, sql.placeholder('workspaceId')), eq(tickets.accountId, sql.placeholder('accountId'))))
    .orderBy(desc(tickets.openedAt), desc(tickets.id))
    .limit(sql.placeholder('limit'))
    .prepare('tickets_of_account'),
)

/** An account's latest tickets, newest opened first (the 360 view); uses tickets_workspace_account_opened_idx. */
export async function listAccountTickets(db: Db, params: { workspaceId: string; accountId: string; limit: number }): Promise<Ticket[]> {
  return accountTicketsQuery(db).execute(params)
}

const accountOpenCountQuery = preparedPerDb((db) =>
  db
    .select({ total: sql<number>`count(*)::int` })
    .from(tickets)
    .where(
      and(
        eq(tickets.workspaceId, sql.placeholder('workspaceId')),
        eq(tickets.accountId, sql.placeholder('accountId')),
        inArray(tickets.status, [...openTicketStatuses]),
      ),
    )
    .prepare('tickets_open_count_of_account'),
)

/** Open tickets of one account (tickets_workspace_account_opened_idx). */
export async function countAccountOpenTickets(db: Db, params: { workspaceId: string; accountId: string }): Promise<number> {
  const [row] = await accountOpenCountQuery(db).execute(params)
  return row?.total ?? 0
}

export async function findTicket(db: Db, params: { workspaceId: string; ticketId: string }): Promise<Ticket | undefined> {
  const [row] = await db
    .select()
    .from(tickets)
    .where(and(eq(tickets.workspaceId, params.workspaceId), eq(tickets.id, params.ticketId)))
    .limit(1)
  return row
}

export async function findTicketByExternalId(db: Db, params: { workspaceId: string; externalId: string }): Promise<Ticket | undefined> {
  const [row] = await db
    .select()
    .from(tickets)
    .where(and(eq(tickets.workspaceId, params.workspaceId), eq(tickets.externalId, params.externalId)))
    .limit(1)
  return row
}

export async function insertTicket(db: Db, ticket: NewTicket): Promise<Ticket> {
  const [row] = await db.insert(tickets).values(ticket).returning()
  return row
}

export async function updateTicket(db: Db, params: { workspaceId: string; ticketId: string; changes: Partial<NewTicket> }): Promise<Ticket | undefined> {
  const [row] = await db
    .update(tickets)
    .set({ ...params.changes, updatedAt: new Date() })
    .where(and(eq(tickets.workspaceId, params.workspaceId), eq(tickets.id, params.ticketId)))
    .returning()
  return row
}

export async function deleteTicket(db: Db, params: { workspaceId: string; ticketId: string }): Promise<boolean> {
  const rows = await db
    .delete(tickets)
    .where(and(eq(tickets.workspaceId, params.workspaceId), eq(tickets.id, params.ticketId)))
    .returning({ id: tickets.id })
  return rows.length > 0
}
