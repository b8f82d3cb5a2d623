import { sql } from 'drizzle-orm'
import { integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { workspaces } from '../workspaces'

/**
 * draft: the one open edit of a key (at most one, always the highest version);
 * published: a version that went live (the live one is the highest published, unless archived after it);
 * archived: a marker version written when the key is retired.
 */
export const configDocumentStatuses = ['draft', 'published', 'archived'] as const

/** Every configuration document (segments, tiers, stages, …) as versioned rows: one row per version. */
export const configDocuments = pgTable(
  'config_documents',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    /** The document kind, e.g. segment (see src/server/modules/config-kinds.ts). */
    kind: text('kind').notNull(),
    /** Slug, unique per workspace and kind. */
    key: text('key').notNull(),
    version: integer('version').notNull(),
    status: text('status', { enum: configDocumentStatuses }).notNull(),
    /** The document as its kind's zod schema parsed it. */
    body: jsonb('body').$type<unknown>().notNull(),
    comment: text('comment').notNull().default(''),
    /** The user who wrote this version; null for API keys and the CLI (see created_by_label). */
    createdBy: uuid('created_by'),
    createdByLabel: text('created_by_label').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.kind, table.key, table.version] }),
    uniqueIndex('config_documents_one_draft_key').on(table.workspaceId, table.kind, table.key).where(sql`${table.status} = 'draft'`),
  ],
)
