import { sql } from 'drizzle-orm'
import { date, foreignKey, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { workspaces } from '../workspaces'

export const accountStatuses = ['active', 'churned'] as const

export const accounts = pgTable(
  'accounts',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    externalId: text('external_id').notNull(),
    name: text('name').notNull(),
    domain: text('domain'),
    parentId: uuid('parent_id'),
    /** The owning CSM (a user of the workspace). */
    ownerId: uuid('owner_id'),
    plan: text('plan'),
    industry: text('industry'),
    employees: integer('employees'),
    country: text('country'),
    /** Current ARR; moved only through the revenue ledger so ARR at any date stays derivable. */
    arr: numeric('arr', { precision: 14, scale: 2, mode: 'number' }).notNull().default(0),
    currency: text('currency').notNull().default('USD'),
    renewalDate: date('renewal_date', { mode: 'string' }),
    traits: jsonb('traits').$type<Record<string, unknown>>().notNull().default({}),
    status: text('status', { enum: accountStatuses }).notNull().default('active'),
    churnedAt: date('churned_at', { mode: 'string' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.id] }),
    uniqueIndex('accounts_workspace_external_id_key').on(table.workspaceId, table.externalId),
    foreignKey({ columns: [table.workspaceId, table.parentId], foreignColumns: [table.workspaceId, table.id] }).onDelete('set null'),
    index('accounts_workspace_arr_idx').on(table.workspaceId, table.arr, table.id),
    // Sort keys put accounts without a renewal date last in both directions.
    index('accounts_workspace_renewal_asc_idx').on(table.workspaceId, sql`coalesce(${table.renewalDate}, '9999-12-31'::date)`, table.id),
    index('accounts_workspace_renewal_desc_idx').on(table.workspaceId, sql`coalesce(${table.renewalDate}, '0001-01-01'::date)`, table.id),
    index('accounts_workspace_name_idx').on(table.workspaceId, table.name, table.id),
    // The accounts list filtered by plan and sorted by ARR (the most common view at scale).
    index('accounts_workspace_plan_arr_idx').on(table.workspaceId, table.plan, table.arr, table.id),
    // A CSM's book by ARR and by next renewal: with the id, the page is read from the index in order
    // (without it, each row was a heap fetch and the tie on ARR a sort: ~1 ms of a 2 ms list).
    index('accounts_workspace_owner_arr_idx').on(table.workspaceId, table.ownerId, table.arr, table.id),
    index('accounts_workspace_owner_renewal_idx').on(table.workspaceId, table.ownerId, sql`coalesce(${table.renewalDate}, '9999-12-31'::date)`, table.id),
    index('accounts_workspace_parent_idx').on(table.workspaceId, table.parentId),
    // Substring search over name and domain ("acme", "acme.io") at 100k+ accounts.
    index('accounts_search_trgm_idx').using('gin', sql`(lower(${table.name} || ' ' || coalesce(${table.domain}, ''))) gin_trgm_ops`),
  ],
)

export const revenueMovementKinds = ['new', 'expansion', 'contraction', 'churn', 'reactivation'] as const

/**
 * The revenue ledger: every change of an account's ARR is one signed movement, so ARR at any date
 * is the sum of the movements up to that date (accounts.arr is its current value, kept in step).
 */
export const revenueMovements = pgTable(
  'revenue_movements',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    accountId: uuid('account_id').notNull(),
    subscriptionId: uuid('subscription_id'),
    externalId: text('external_id'),
    kind: text('kind', { enum: revenueMovementKinds }).notNull(),
    effectiveDate: date('effective_date', { mode: 'string' }).notNull(),
    /** Signed change of ARR: positive for new/expansion/reactivation, negative for contraction/churn. */
    arrDelta: numeric('arr_delta', { precision: 14, scale: 2, mode: 'number' }).notNull(),
    currency: text('currency').notNull().default('USD'),
    source: text('source').notNull().default('manual'),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.id] }),
    foreignKey({ columns: [table.workspaceId, table.accountId], foreignColumns: [accounts.workspaceId, accounts.id] }).onDelete('cascade'),
    uniqueIndex('revenue_movements_workspace_external_id_key').on(table.workspaceId, table.externalId).where(sql`${table.externalId} is not null`),
    index('revenue_movements_workspace_account_date_idx').on(table.workspaceId, table.accountId, table.effectiveDate),
    index('revenue_movements_workspace_date_idx').on(table.workspaceId, table.effectiveDate),
  ],
)
