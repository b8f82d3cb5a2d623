import { z } from '@hono/zod-openapi'
import { limitQuery } from '../../platform/http'
import { ticketPriorities, ticketSatisfactions, ticketStatuses } from './tickets.tables'

const timestamp = z.iso.datetime({ offset: true })

export const TicketSchema = z
  .object({
    id: z.string().uuid(),
    accountId: z.string().uuid(),
    contactId: z.string().uuid().nullable(),
    externalId: z.string().nullable(),
    subject: z.string(),
    priority: z.enum(ticketPriorities),
    status: z.enum(ticketStatuses),
    openedAt: z.string().datetime(),
    closedAt: z.string().datetime().nullable(),
    satisfaction: z.enum(ticketSatisfactions).nullable(),
    createdAt: z.string().datetime(),
    updatedAt: z.string().datetime(),
  })
  .openapi('Ticket')

const ticketFields = {
  accountId: z.string().uuid(),
  contactId: z.string().uuid().nullish().describe('The requester: a contact of the same account'),
  externalId: z.string().trim().min(1).max(200).nullish().describe('Id in the helpdesk (e.g. Zendesk); unique in the workspace'),
  subject: z.string().trim().min(1).max(1000),
  priority: z.enum(ticketPriorities),
  status: z.enum(ticketStatuses),
  openedAt: timestamp.optional().describe('Default now'),
  closedAt: timestamp.nullish().describe('On or after openedAt'),
  satisfaction: z.enum(ticketSatisfactions).nullish(),
}

export const CreateTicketBody = z.object(ticketFields).strict().openapi('CreateTicketRequest')

export const UpdateTicketBody = z
  .object({
    ...ticketFields,
    accountId: ticketFields.accountId.optional(),
    subject: ticketFields.subject.optional(),
    priority: ticketFields.priority.optional(),
    status: ticketFields.status.optional(),
  })
  .strict()
  .openapi('UpdateTicketRequest')

export const TicketListQuery = z.object({
  accountId: z.string().uuid().optional(),
  status: z.enum(ticketStatuses).optional(),
  priority: z.enum(ticketPriorities).optional(),
  open: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .describe('true: status new, open, pending or on_hold; false: solved or closed'),
  limit: limitQuery,
  cursor: z.string().max(1000).optional(),
})
export type TicketListFilters = z.infer<typeof TicketListQuery>

export const TicketPageSchema = z
  .object({ items: z.array(TicketSchema), nextCursor: z.string().nullable(), total: z.number().int() })
  .openapi('TicketPage')

export const IdParam = z.object({ id: z.string().uuid() })

// ----- the Zendesk-shaped feed -----

const zendeskId = z.union([z.number().int().nonnegative(), z.string().trim().regex(/^\d{1,20}$/, 'must be a Zendesk id (digits)')])
const zendeskTime = z.iso.datetime({ offset: true })

export const zendeskStatuses = ['new', 'open', 'pending', 'hold', 'solved', 'closed', 'deleted'] as const
export const zendeskScores = ['good', 'bad', 'good_with_comment', 'bad_with_comment', 'offered', 'unoffered'] as const

/** A ticket as Zendesk's API returns it (https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/); unknown fields are ignored. */
export const ZendeskTicketSchema = z
  .looseObject({
    id: z.union([z.number().int().positive(), z.string().trim().min(1).max(200)]).describe("Zendesk's ticket id: the ticket's externalId in Bosun"),
    subject: z.string().max(10_000).nullish(),
    raw_subject: z.string().max(10_000).nullish(),
    description: z.string().max(1_000_000).nullish().describe('Used as the subject when the subject is empty; not stored'),
    priority: z.enum(ticketPriorities).nullish().describe('null is normal'),
    status: z.enum(zendeskStatuses).describe('hold becomes on_hold; deleted removes the ticket from Bosun'),
    requester_id: zendeskId.nullish().describe('Resolved to an email through a sideloaded `users` array'),
    requester: z
      .looseObject({ email: z.string().trim().toLowerCase().max(320).nullish(), name: z.string().max(300).nullish() })
      .nullish()
      .describe('The requester as Zendesk’s create-ticket API takes it; its email links the ticket to a contact of the account'),
    organization_id: zendeskId.nullish(),
    organization: z
      .looseObject({ id: zendeskId.nullish(), external_id: z.string().trim().max(200).nullish(), name: z.string().max(300).nullish() })
      .nullish()
      .describe('The organization, embedded; its external_id is the Bosun account external id'),
    custom_fields: z.array(z.looseObject({ id: zendeskId, value: z.unknown() })).max(1000).nullish(),
    created_at: zendeskTime.nullish().describe('Becomes openedAt'),
    updated_at: zendeskTime.nullish().describe('Becomes closedAt when the ticket is solved or closed (unless solved_at is sent)'),
    solved_at: zendeskTime.nullish(),
    satisfaction_rating: z
      .looseObject({ score: z.enum(zendeskScores).nullish() })
      .nullish()
      .describe('good/bad become the satisfaction; offered/unoffered mean none yet'),
    tags: z.array(z.string().max(200)).max(1000).nullish().describe('Accepted, not stored'),
  })
  .openapi('ZendeskTicket')
export type ZendeskTicket = z.infer<typeof ZendeskTicketSchema>

export const ZendeskUserSchema = z.looseObject({ id: zendeskId, email: z.string().trim().toLowerCase().max(320).nullish() })
export const ZendeskOrganizationSchema = z.looseObject({ id: zendeskId, external_id: z.string().trim().max(200).nullish() })

export const ZendeskFeedQuery = z.object({
  accountField: z
    .string()
    .regex(/^\d{1,20}$/, 'must be a Zendesk custom field id')
    .optional()
    .describe('The id of a ticket custom field that holds the Bosun account external id (checked first)'),
})

export const ZendeskFeedResultSchema = z
  .object({
    received: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    deleted: z.number().int(),
    failed: z.number().int(),
    tickets: z.array(
      z.object({
        index: z.number().int(),
        externalId: z.string(),
        id: z.string().uuid().nullable(),
        action: z.enum(['created', 'updated', 'deleted', 'skipped']),
      }),
    ),
    errors: z.array(z.object({ index: z.number().int(), field: z.string(), message: z.string() })),
  })
  .openapi('ZendeskFeedResult')
