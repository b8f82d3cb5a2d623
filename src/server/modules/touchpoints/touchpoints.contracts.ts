import { z } from '@hono/zod-openapi'
import { limitQuery } from '../../platform/http'
import { touchpointKinds } from './touchpoints.tables'

const timestamp = z.iso.datetime({ offset: true })
const body = z
  .string()
  .min(1)
  .max(20_000)
  .refine((value) => value.trim().length > 0, 'must not be blank')
const contactIds = z
  .array(z.string().uuid())
  .max(100)
  // An id listed twice means the person once.
  .transform((values) => [...new Set(values)])

export const TouchpointSchema = z
  .object({
    id: z.string().uuid(),
    accountId: z.string().uuid(),
    kind: z.enum(touchpointKinds),
    authorId: z.string().uuid().nullable().describe('The user who logged it; null when logged with an API key or imported'),
    authorName: z.string().nullable(),
    occurredAt: z.string().datetime(),
    subject: z.string().nullable(),
    body: z.string(),
    contactIds: z.array(z.string().uuid()),
    createdAt: z.string().datetime(),
    updatedAt: z.string().datetime(),
  })
  .openapi('Touchpoint')

const touchpointFields = {
  accountId: z.string().uuid(),
  kind: z.enum(touchpointKinds),
  body: body.describe('The note itself (1 to 20,000 characters)'),
  subject: z.string().trim().max(500).nullish(),
  occurredAt: timestamp.optional().describe('When it happened (default now)'),
  contactIds: contactIds.optional().describe('People involved: contacts of the same account'),
}

export const CreateTouchpointBody = z.object(touchpointFields).strict().openapi('CreateTouchpointRequest')

export const UpdateTouchpointBody = z
  .object({
    ...touchpointFields,
    accountId: touchpointFields.accountId.optional(),
    kind: touchpointFields.kind.optional(),
    body: touchpointFields.body.optional(),
  })
  .strict()
  .openapi('UpdateTouchpointRequest')

export const TouchpointListQuery = z.object({
  accountId: z.string().uuid().optional(),
  kind: z.enum(touchpointKinds).optional(),
  authorId: z.string().uuid().optional(),
  limit: limitQuery,
  cursor: z.string().max(1000).optional(),
})
export type TouchpointListFilters = z.infer<typeof TouchpointListQuery>

export const TouchpointPageSchema = z
  .object({ items: z.array(TouchpointSchema), nextCursor: z.string().nullable() })
  .openapi('TouchpointPage')

export const IdParam = z.object({ id: z.string().uuid() })
