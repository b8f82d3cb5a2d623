import crypto from 'node:crypto'
import type { Db } from '../platform/db'
import { createAccount, type CreateAccountInput } from '../modules/accounts'
import { createContact, type CreateContactInput } from '../modules/contacts'
import { createSubscription, type CreateSubscriptionInput } from '../modules/subscriptions'
import { createTicket, type CreateTicketInput } from '../modules/tickets'
import { createTouchpoint, type CreateTouchpointInput } from '../modules/touchpoints'

let sequence = 0
const nextNumber = () => {
  sequence += 1
  return `${sequence}-${crypto.randomBytes(2).toString('hex')}`
}

/** An account with plausible defaults; pass only what the test is about. */
export async function makeAccount(db: Db, workspaceId: string, overrides: Partial<CreateAccountInput> = {}) {
  const number = nextNumber()
  return createAccount(db, {
    workspaceId,
    input: { externalId: `ACC-${number}`, name: `Account ${number}`, domain: `account-${number}.example.com`, plan: 'Growth', arr: 12_000, ...overrides },
  })
}

/** A contact of the account; pass only what the test is about. */
export async function makeContact(db: Db, workspaceId: string, accountId: string, overrides: Partial<CreateContactInput> = {}) {
  const number = nextNumber()
  return createContact(db, { workspaceId, input: { accountId, name: `Contact ${number}`, email: `contact-${number}@example.com`, roles: ['user'], ...overrides } })
}

export async function makeSubscription(db: Db, workspaceId: string, accountId: string, overrides: Partial<CreateSubscriptionInput> = {}) {
  return createSubscription(db, {
    workspaceId,
    input: { accountId, product: 'Platform', startDate: '2025-01-01', endDate: '2025-12-31', arr: 12_000, status: 'active', ...overrides },
  })
}

export async function makeTicket(db: Db, workspaceId: string, accountId: string, overrides: Partial<CreateTicketInput> = {}) {
  const number = nextNumber()
  return createTicket(db, { workspaceId, input: { accountId, subject: `Ticket ${number}`, priority: 'normal', status: 'open', ...overrides } })
}

/** A touchpoint by `authorId` (null: as if logged with an API key). */
export async function makeTouchpoint(db: Db, workspaceId: string, accountId: string, authorId: string | null, overrides: Partial<CreateTouchpointInput> = {}) {
  return createTouchpoint(db, {
    workspaceId,
    actor: { userId: authorId, mayChangeOthers: false },
    input: { accountId, kind: 'note', body: 'Checked in on the rollout.', ...overrides },
  })
}
