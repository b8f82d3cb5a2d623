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
