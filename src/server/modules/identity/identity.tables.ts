import { sql } from 'drizzle-orm'
import { index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid, foreignKey } from 'drizzle-orm/pg-core'
import { workspaces } from '../workspaces'

export const users = pgTable(
  'users',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    email: text('email').notNull(),
    name: text('name').notNull(),
    title: text('title'),
    role: text('role', { enum: ['owner', 'admin', 'manager', 'csm', 'viewer'] }).notNull(),
    /** CS team structure: a CSM's manager (a user of the same workspace). */
    managerId: uuid('manager_id'),
    passwordHash: text('password_hash'),
    status: text('status', { enum: ['active', 'disabled'] }).notNull().default('active'),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.id] }),
    uniqueIndex('users_workspace_email_key').on(table.workspaceId, sql`lower(${table.email})`),
    index('users_email_idx').on(sql`lower(${table.email})`),
  ],
)

export const sessions = pgTable(
  'sessions',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    userId: uuid('user_id').notNull(),
    /** sha256 of the cookie's secret part; the secret itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    userAgent: text('user_agent'),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.id] }),
    foreignKey({ columns: [table.workspaceId, table.userId], foreignColumns: [users.workspaceId, users.id] }).onDelete('cascade'),
  ],
)

export const apiKeys = pgTable(
  'api_keys',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    name: text('name').notNull(),
    /** Public, non-secret part of the key (shown in lists); the whole key is bsn_<prefix>_<secret>. */
    prefix: text('prefix').notNull(),
    secretHash: text('secret_hash').notNull(),
    scopes: text('scopes').array().notNull(),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    /** Requests per second this key may make to the ingestion API; null means the server default. */
    rateLimitPerSecond: integer('rate_limit_per_second'),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.id] }),
    // A key arrives without its workspace: the prefix is the one lookup that crosses workspaces.
    uniqueIndex('api_keys_prefix_key').on(table.prefix),
  ],
)
