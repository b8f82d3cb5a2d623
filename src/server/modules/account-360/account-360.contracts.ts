import { z } from '@hono/zod-openapi'
import { accountStatuses, revenueMovementKinds, type toAccountDto, type toRevenueMovementDto } from '../accounts'
import { ContactSchema } from '../contacts'
import { SubscriptionSchema } from '../subscriptions'
import { TicketSchema } from '../tickets'
import { TouchpointSchema } from '../touchpoints'

const isoDate = z.iso.date()

// The accounts index exports no zod schemas, so the 360 restates the Account and RevenueMovement
// contracts; the type checks at the bottom fail the build if they drift from the accounts DTOs.
const AccountPartSchema = z.object({
  id: z.string().uuid(),
  externalId: z.string(),
  name: z.string(),
  domain: z.string().nullable(),
  parentId: z.string().uuid().nullable(),
  ownerId: z.string().uuid().nullable(),
  ownerName: z.string().nullable(),
  plan: z.string().nullable(),
  industry: z.string().nullable(),
  employees: z.number().int().nullable(),
  country: z.string().nullable(),
  arr: z.number(),
  currency: z.string(),
  renewalDate: isoDate.nullable(),
  traits: z.record(z.string(), z.unknown()),
  status: z.enum(accountStatuses),
  churnedAt: isoDate.nullable(),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
})

const MovementPartSchema = z.object({
  id: z.string().uuid(),
  accountId: z.string().uuid(),
  subscriptionId: z.string().uuid().nullable(),
  externalId: z.string().nullable(),
  kind: z.enum(revenueMovementKinds),
  effectiveDate: isoDate,
  arrDelta: z.number(),
  currency: z.string(),
  source: z.string(),
  note: z.string().nullable(),
  createdAt: z.string().datetime(),
})

export const Account360Schema = z
  .object({
    account: AccountPartSchema,
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
      movements: z.array(MovementPartSchema).describe('The 100 latest revenue movements, newest first'),
    }),
  })
  .openapi('Account360')

export const IdParam = z.object({ id: z.string().uuid() })

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const accountContractMatches: Same<z.infer<typeof AccountPartSchema>, ReturnType<typeof toAccountDto>> = true
const movementContractMatches: Same<z.infer<typeof MovementPartSchema>, ReturnType<typeof toRevenueMovementDto>> = true
void accountContractMatches
void movementContractMatches
