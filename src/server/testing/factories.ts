import crypto from 'node:crypto'
import type { Db } from '../platform/db'
import { createAccount, type CreateAccountInput } from '../modules/accounts'

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
