import { z } from '@hono/zod-openapi'
import { AccountSchema, RevenueMovementSchema } from '../accounts'
import { ContactSchema } from '../contacts'
import { SubscriptionSchema } from '../subscriptions'
import { TicketSchema } from '../tickets'
import { TouchpointSchema } from '../touchpoints'

export const Account360Schema = z
  .object({
    account: AccountSchema,
    parent: z.object({ id: z.string().uuid(), name: z.string() }).nullable(),
    children: z.array(z.object({ id: z.string().uuid(), name: z.string(), arr: z.number() })).describe('Child accounts, largest ARR first (max 200)'),
    owner: z.object({ id: z.string().uuid(), name: z.string(), email: z.string() }).nullable(),
    contacts: z.array(ContactSchema).describe('All contacts by name (max 500)'),
    subscriptions: z.array(SubscriptionSchema).describe('Newest start date first (max 500)'),
    tickets: z.object({
      items: z.array(TicketSchema).describe('The 50 most recently opened'),
      openCount: z.number().int().describe('Tickets in status new, open, pending or on_hold'),
    }),
    touchpoints: z.array(TouchpointSchema).describe('The 50 latest, newest first'),
    revenue: z.object({
      series: z
        .array(z.object({ month: z.string(), arr: z.number() }))
        .describe("ARR at each month's end (today for the current month), from the first movement's month or 24 months back, whichever is later"),
      movements: z.array(RevenueMovementSchema).describe('The 100 latest revenue movements, newest first'),
    }),
  })
  .openapi('Account360')

export const IdParam = z.object({ id: z.string().uuid() })
