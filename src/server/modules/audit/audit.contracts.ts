import { z } from '@hono/zod-openapi'
import { limitQuery } from '../../platform/http'

export const AuditEntrySchema = z
  .object({
    id: z.string().uuid(),
    at: z.string().datetime(),
    actorKind: z.enum(['user', 'api_key', 'system']),
    actorId: z.string().nullable(),
    actorLabel: z.string(),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string().nullable(),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi('AuditEntry')

export const AuditListQuery = z.object({
  limit: limitQuery,
  cursor: z.string().optional(),
  action: z.string().max(100).optional(),
  entityType: z.string().max(100).optional(),
  entityId: z.string().max(200).optional(),
})

export const AuditPageSchema = z.object({ items: z.array(AuditEntrySchema), nextCursor: z.string().nullable() }).openapi('AuditPage')
