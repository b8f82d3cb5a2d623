import { pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { workspaces } from '../workspaces'

/**
 * Where each round-robin assignment rule stands: the user it gave the last account to. Kept by user
 * rather than by position, so adding or removing someone from the pool does not restart the turn.
 */
export const engagementRoundRobin = pgTable(
  'engagement_round_robin',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    /** The assignment rule's name (unique within the assignment document). */
    rule: text('rule').notNull(),
    lastUserId: uuid('last_user_id'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.rule] })],
)
