import { z } from '@hono/zod-openapi'
import { limitQuery } from '../../platform/http'
import { contactRoles } from './contacts.tables'

const traits = z
  .record(z.string().max(100), z.unknown())
  .refine((value) => JSON.stringify(value).length <= 32_768, 'must be at most 32 KB as JSON')
const roles = z
  .array(z.enum(contactRoles))
  .max(contactRoles.length * 2)
  // A role listed twice means it once.
  .transform((values) => [...new Set(values)])

export const ContactSchema = z
  .object({
    id: z.string().uuid(),
    accountId: z.string().uuid(),
    externalId: z.string().nullable(),
    email: z.string().nullable(),
    name: z.string(),
    title: z.string().nullable(),
    phone: z.string().nullable(),
    roles: z.array(z.enum(contactRoles)),
    traits: z.record(z.string(), z.unknown()),
    lastSeenAt: z.string().datetime().nullable(),
    createdAt: z.string().datetime(),
    updatedAt: z.string().datetime(),
  })
  .openapi('Contact')

const contactFields = {
  accountId: z.string().uuid(),
  externalId: z.string().trim().min(1).max(200).nullish().describe('Id in the source system (CRM); unique in the workspace'),
  email: z.string().trim().email().max(320).nullish().describe('Unique in the workspace, case-insensitive'),
  name: z.string().trim().min(1).max(300),
  title: z.string().trim().max(200).nullish(),
  phone: z.string().trim().max(50).nullish(),
  roles: roles.optional(),
  traits: traits.optional(),
}

export const CreateContactBody = z.object(contactFields).strict().openapi('CreateContactRequest')

export const UpdateContactBody = z
  .object({
    ...contactFields,
    accountId: contactFields.accountId.optional().describe('Move the contact to another account'),
    name: contactFields.name.optional(),
  })
  .strict()
  .openapi('UpdateContactRequest')

export const ContactListQuery = z.object({
  accountId: z.string().uuid().optional(),
  q: z.string().trim().max(200).optional().describe('Search in name and email'),
  role: z.enum(contactRoles).optional(),
  email: z.string().trim().max(320).optional().describe('Exact email, case-insensitive'),
  externalId: z.string().max(200).optional(),
  limit: limitQuery,
  cursor: z.string().max(1000).optional(),
})
export type ContactListFilters = z.infer<typeof ContactListQuery>

export const ContactPageSchema = z
  .object({ items: z.array(ContactSchema), nextCursor: z.string().nullable(), total: z.number().int() })
  .openapi('ContactPage')

export const IdParam = z.object({ id: z.string().uuid() })
