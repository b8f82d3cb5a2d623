import { sql } from 'drizzle-orm'
import { foreignKey, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { accounts } from '../accounts'
import { workspaces } from '../workspaces'

export const contactRoles = ['champion', 'decision_maker', 'economic_buyer', 'admin', 'user', 'executive_sponsor', 'billing', 'technical'] as const

export const contacts = pgTable(
  'contacts',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    accountId: uuid('account_id').notNull(),
    externalId: text('external_id'),
    email: text('email'),
    name: text('name').notNull(),
    title: text('title'),
    phone: text('phone'),
    roles: text('roles').array().notNull().default(sql`'{}'::text[]`),
    traits: jsonb('traits').$type<Record<string, unknown>>().notNull().default({}),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.id] }),
    foreignKey({ columns: [table.workspaceId, table.accountId], foreignColumns: [accounts.workspaceId, accounts.id] }).onDelete('cascade'),
    uniqueIndex('contacts_workspace_external_id_key').on(table.workspaceId, table.externalId).where(sql`${table.externalId} is not null`),
    uniqueIndex('contacts_workspace_email_key').on(table.workspaceId, sql`lower(${table.email})`).where(sql`${table.email} is not null`),
    index('contacts_workspace_account_idx').on(table.workspaceId, table.accountId),
    // Workspace-wide lists (by name) and search by name or email.
    index('contacts_workspace_name_idx').on(table.workspaceId, table.name, table.id),
    index('contacts_search_trgm_idx').using('gin', sql`(lower(${table.name} || ' ' || coalesce(${table.email}, ''))) gin_trgm_ops`),
  ],
)
