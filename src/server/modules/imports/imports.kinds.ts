/**
 * One handler per import kind. For a chunk of coerced rows a handler resolves references (accounts
 * by external id — only this workspace's), finds the record each row addresses, decides create /
 * update / unchanged with the fields that change, and returns a `write` that makes the changes
 * through the owning module's service (its rules apply to imported data as to any other).
 */
import { pgErrorCode, type Db } from '../../platform/db'
import { ProblemError } from '../../platform/http'
import {
  accountAncestry,
  findAccountsByExternalIds,
  findRevenueMovementByExternalId,
  importAccountsBatch,
  recordRevenueMovement,
  updateAccount,
  type Account,
  type AccountImportRow,
} from '../accounts'
import { createContact, findContactByEmail, findContactByExternalId, updateContact, type Contact } from '../contacts'
import { findOutcomeByExternalId, outcomeRuleViolation, recordOutcome, type OutcomeKind } from '../outcomes'
import { createSubscription, findSubscriptionByExternalId, updateSubscription } from '../subscriptions'
import { createTicket, findTicketByExternalId, updateTicket } from '../tickets'
import { createTouchpoint, getTouchpoint, updateTouchpoint } from '../touchpoints'
import type { ImportKind } from './imports.fields'
import * as repo from './imports.repo'
import type { RowInput, RowProblem, RowValues } from './imports.rows'

export type RowAction = 'create' | 'update' | 'unchanged'
export type Changes = Record<string, { from: unknown; to: unknown }>
export type PlannedRow = { rowNumber: number; action: RowAction; key: string | null; label: string; changes: Changes }
export type ChunkPlan = { planned: PlannedRow[]; problems: RowProblem[]; write: (db: Db) => Promise<RowProblem[]> }

/** External ids met earlier in the file, so a dry run counts a repeat as an update; bounded. */
export class SeenKeys {
  private readonly keys = new Set<string>()
  overflowed = false
  constructor(private readonly cap: number) {}
  has(key: string): boolean {
    return this.keys.has(key)
  }
  add(key: string): void {
    if (this.keys.size >= this.cap) {
      this.overflowed = true
      return
    }
    this.keys.add(key)
  }
}

export type KindContext = {
  workspaceId: string
  /** Decide only, write nothing (a dry run, or all-or-nothing after the first bad row). */
  validateOnly: boolean
  /** Inside the all-or-nothing transaction: each row's write gets a savepoint. */
  inTransaction: boolean
  /** Remember the keys of planned rows (dry runs and all-or-nothing, which may turn into one). */
  trackSeen: boolean
  seen: SeenKeys
  today: string
  /** A user's name for previews (owners and authors are stored as ids). */
  userName: (userId: string) => string | null
}

export type KindHandler = {
  /** The record a row addresses, so that two rows about one record never share a chunk. */
  keyOf: (row: RowInput) => string | null
  plan: (db: Db, ctx: KindContext, rows: RowInput[]) => Promise<ChunkPlan>
}

// ----- shared helpers -----

const text = (values: RowValues, field: string): string | undefined => values[field] as string | undefined
const has = (values: RowValues, field: string) => values[field] !== undefined

/** Compares a stored value with an imported one: numbers as numbers, instants as instants, lists as sets. */
function same(stored: unknown, incoming: unknown): boolean {
  if (stored === undefined || stored === null) return incoming === undefined || incoming === null
  if (incoming === undefined || incoming === null) return false
  if (stored instanceof Date) return typeof incoming === 'string' && stored.getTime() === new Date(incoming).getTime()
  if (typeof stored === 'number' || typeof incoming === 'number') return Math.abs(Number(stored) - Number(incoming)) < 0.005
  if (Array.isArray(stored) && Array.isArray(incoming)) return stored.length === incoming.length && incoming.every((item) => stored.includes(item))
  if (typeof stored === 'object' || typeof incoming === 'object') return JSON.stringify(stored) === JSON.stringify(incoming)
  return stored === incoming
}

const display = (value: unknown): unknown => (value instanceof Date ? value.toISOString() : value)

/** The changes `incoming` makes to `stored` (only the fields it has). */
function diff(stored: Record<string, unknown> | null, incoming: Record<string, unknown>): Changes {
  const changes: Changes = {}
  for (const [field, value] of Object.entries(incoming)) {
    if (value === undefined) continue
    const before = stored ? stored[field] : null
    if (stored && same(before, value)) continue
    changes[field] = { from: display(before ?? null), to: display(value) }
  }
  return changes
}

function traitChanges(stored: Record<string, unknown> | null, traits: Record<string, unknown>): Changes {
  const changes: Changes = {}
  for (const [key, value] of Object.entries(traits)) {
    const before = stored?.[key]
    if (stored && same(before, value)) continue
    changes[`traits.${key}`] = { from: before ?? null, to: value }
  }
  return changes
}

/** Service field names → import field names, so a refused write names the column it came from. */
const serviceFields: Record<string, string> = { accountId: 'accountExternalId', contactId: 'requesterEmail', contactIds: 'contactEmails', parentId: 'parentExternalId', ownerId: 'owner' }

/** A refused write becomes a row problem; anything that is not about the data stops the run. */
function problemFrom(error: unknown, rowNumber: number): RowProblem {
  if (error instanceof ProblemError) {
    const first = error.errors?.[0]
    const field = first ? (serviceFields[first.field] ?? first.field) : null
    return { rowNumber, field, reason: first?.message ?? error.message }
  }
  const code = pgErrorCode(error)
  if (code && /^2[23]/.test(code)) return { rowNumber, field: null, reason: `could not be saved: ${(error as Error).message}` }
  throw error
}

/** Runs each row's write on its own; in the all-or-nothing transaction each gets a savepoint. */
async function writeEach(db: Db, ctx: KindContext, writes: { rowNumber: number; run: (db: Db) => Promise<void> }[]): Promise<RowProblem[]> {
  const problems: RowProblem[] = []
  for (const write of writes) {
    try {
      if (ctx.inTransaction) await db.transaction((tx) => write.run(tx))
      else await write.run(db)
    } catch (error) {
      problems.push(problemFrom(error, write.rowNumber))
    }
  }
  return problems
}

/** The rows' accounts by external id (this workspace only); rows naming an unknown one get a problem. */
async function resolveAccounts(db: Db, ctx: KindContext, rows: RowInput[], problems: RowProblem[]) {
  const found = await findAccountsByExternalIds(db, { workspaceId: ctx.workspaceId, externalIds: rows.map((row) => text(row.values, 'accountExternalId') ?? '').filter(Boolean) })
  const byExternalId = new Map(found.map((account) => [account.externalId, account]))
  const resolved: { row: RowInput; account: Account }[] = []
  for (const row of rows) {
    const externalId = text(row.values, 'accountExternalId') ?? ''
    const account = byExternalId.get(externalId)
    if (account) resolved.push({ row, account })
    else problems.push({ rowNumber: row.rowNumber, field: 'accountExternalId', reason: `"${externalId}" is not the external id of an account in this workspace (import accounts first)` })
  }
  return resolved
}

/** In a dry run, a record created earlier in the same file would exist by now. */
function seenBefore(ctx: KindContext, kind: ImportKind, key: string | null): boolean {
  return ctx.validateOnly && key !== null && ctx.seen.has(`${kind}:${key}`)
}
/** Only new records need remembering: the others are found in the database. */
function remember(ctx: KindContext, kind: ImportKind, key: string | null, action: RowAction) {
  if (ctx.trackSeen && key !== null && action === 'create') ctx.seen.add(`${kind}:${key}`)
}

const actionOf = (exists: boolean, changes: Changes): RowAction => (!exists ? 'create' : Object.keys(changes).length > 0 ? 'update' : 'unchanged')

// ----- accounts: set-based writes -----

const accountColumns = ['name', 'domain', 'plan', 'industry', 'employees', 'country', 'currency', 'renewalDate'] as const

const accounts: KindHandler = {
  keyOf: (row) => text(row.values, 'externalId') ?? null,
  plan: async (db, ctx, rows) => {
    const problems: RowProblem[] = []
    const ids = rows.map((row) => text(row.values, 'externalId') as string)
    const parentIds = rows.map((row) => text(row.values, 'parentExternalId')).filter((id): id is string => Boolean(id))
    const [existing, parents, ancestry] = await Promise.all([
      findAccountsByExternalIds(db, { workspaceId: ctx.workspaceId, externalIds: ids }),
      findAccountsByExternalIds(db, { workspaceId: ctx.workspaceId, externalIds: parentIds }),
      accountAncestry(db, { workspaceId: ctx.workspaceId, externalIds: parentIds }),
    ])
    const byExternalId = new Map(existing.map((account) => [account.externalId, account]))
    const parentByExternalId = new Map(parents.map((account) => [account.externalId, account]))
    const inChunk = new Set(ids)
    // Parent links after this chunk: stored ones, overridden by the chunk's own.
    const parentOf = new Map(ancestry.map((link) => [link.externalId, link.parentExternalId]))
    for (const row of rows) {
      const parent = text(row.values, 'parentExternalId')
      if (parent) parentOf.set(text(row.values, 'externalId') as string, parent)
    }

    type Item = { row: RowInput; planned: PlannedRow; stored: Account | undefined; parentChange: boolean }
    const items: Item[] = []
    for (const row of rows) {
      const { values } = row
      const externalId = text(values, 'externalId') as string
      const stored = byExternalId.get(externalId)
      const repeated = !stored && seenBefore(ctx, 'accounts', externalId)
      const rowProblems: RowProblem[] = []
      if (!stored && !repeated && !has(values, 'name')) rowProblems.push({ rowNumber: row.rowNumber, field: 'name', reason: 'is empty; a new account needs a name' })
      const parent = text(values, 'parentExternalId')
      let parentChange = false
      if (parent) {
        const parentAccount = parentByExternalId.get(parent)
        if (parent === externalId) rowProblems.push({ rowNumber: row.rowNumber, field: 'parentExternalId', reason: 'an account cannot be its own parent' })
        else if (!parentAccount && !inChunk.has(parent) && !seenBefore(ctx, 'accounts', parent)) {
          rowProblems.push({ rowNumber: row.rowNumber, field: 'parentExternalId', reason: `"${parent}" is not the external id of an account in this workspace (import it first, or put it above this row)` })
        } else {
          // Walk up from the parent: meeting this account again would close a loop.
          let current: string | undefined = parent
          for (let depth = 0; current && depth < 60; depth++) {
            if (current === externalId) {
              rowProblems.push({ rowNumber: row.rowNumber, field: 'parentExternalId', reason: `"${parent}" is below this account in the hierarchy; that would make a cycle` })
              break
            }
            current = parentOf.get(current)
          }
          parentChange = !stored || !parentAccount || stored.parentId !== parentAccount.id
        }
      }
      if (rowProblems.length > 0) {
        problems.push(...rowProblems)
        continue
      }
      const incoming: Record<string, unknown> = {}
      for (const column of accountColumns) incoming[column] = values[column]
      incoming.ownerId = values.owner
      if (has(values, 'arr')) incoming.arr = values.arr
      const storedView = stored ? { ...stored, arr: Number(stored.arr) } : null
      const changes = { ...diff(storedView, incoming), ...traitChanges(stored ? stored.traits : null, row.traits) }
      if (parentChange && parent) changes.parentExternalId = { from: null, to: parent }
      if (changes.ownerId) {
        // Owners are stored as user ids; the preview names them.
        const name = (id: unknown) => (typeof id === 'string' ? (ctx.userName(id) ?? id) : null)
        changes.owner = { from: name(changes.ownerId.from), to: name(changes.ownerId.to) }
        delete changes.ownerId
      }
      const action: RowAction = repeated ? 'update' : actionOf(Boolean(stored), changes)
      items.push({ row, stored, parentChange, planned: { rowNumber: row.rowNumber, action, key: externalId, label: String(values.name ?? stored?.name ?? externalId), changes } })
      remember(ctx, 'accounts', externalId, action)
    }

    const write = async (target: Db): Promise<RowProblem[]> => {
      const toWrite = items.filter((item) => item.planned.action !== 'unchanged')
      const importRow = (item: Item): AccountImportRow => {
        const { values } = item.row
        const traits = Object.keys(item.row.traits).length > 0 ? item.row.traits : null
        return {
          externalId: text(values, 'externalId') as string,
          name: text(values, 'name') ?? null,
          domain: text(values, 'domain') ?? null,
          ownerId: text(values, 'owner') ?? null,
          plan: text(values, 'plan') ?? null,
          industry: text(values, 'industry') ?? null,
          employees: (values.employees as number | undefined) ?? null,
          country: text(values, 'country') ?? null,
          currency: text(values, 'currency') ?? null,
          renewalDate: text(values, 'renewalDate') ?? null,
          traits,
        }
      }
      let written: { externalId: string; id: string; created: boolean }[]
      try {
        written = await importAccountsBatch(target, {
          workspaceId: ctx.workspaceId,
          creates: toWrite.filter((item) => !item.stored).map(importRow),
          updates: toWrite.filter((item) => item.stored).map(importRow),
          parentLinks: toWrite
            .filter((item) => item.parentChange)
            .map((item) => ({ externalId: text(item.row.values, 'externalId') as string, parentExternalId: text(item.row.values, 'parentExternalId') as string })),
        })
      } catch (error) {
        // The batch is one statement per step: when it is refused, every row of it failed.
        return toWrite.map((item) => ({ ...problemFrom(error, item.row.rowNumber), field: null }))
      }
      // ARR moves only through the revenue ledger: a movement for each account whose ARR changed.
      const idOf = new Map(written.map((entry) => [entry.externalId, entry.id]))
      const arrWrites = toWrite
        .filter((item) => item.planned.changes.arr)
        .map((item) => ({
          rowNumber: item.row.rowNumber,
          run: async (db: Db) => {
            const accountId = idOf.get(text(item.row.values, 'externalId') as string)
            if (!accountId) return
            await updateAccount(db, {
              workspaceId: ctx.workspaceId,
              accountId,
              input: { arr: item.row.values.arr as number, arrEffectiveDate: text(item.row.values, 'arrEffectiveDate') ?? ctx.today },
            })
          },
        }))
      const arrProblems = await writeEach(target, ctx, arrWrites)
      return arrProblems.map((problem) => ({ ...problem, field: 'arr', reason: `the account was saved but its ARR was not: ${problem.reason}` }))
    }
    return { planned: items.map((item) => item.planned), problems, write }
  },
}

// ----- contacts -----

const contactKey = (values: RowValues) => (text(values, 'externalId') ? `id:${text(values, 'externalId')}` : text(values, 'email') ? `email:${text(values, 'email')}` : null)

const contacts: KindHandler = {
  keyOf: (row) => contactKey(row.values),
  plan: async (db, ctx, rows) => {
    const problems: RowProblem[] = []
    const planned: PlannedRow[] = []
    const writes: { rowNumber: number; run: (db: Db) => Promise<void> }[] = []
    for (const { row, account } of await resolveAccounts(db, ctx, rows, problems)) {
      const { values } = row
      const externalId = text(values, 'externalId')
      const email = text(values, 'email')
      if (!externalId && !email) {
        problems.push({ rowNumber: row.rowNumber, field: 'email', reason: 'is empty, and so is the external id: a contact needs one of them to be matched' })
        continue
      }
      let stored: Contact | undefined = externalId ? await findContactByExternalId(db, { workspaceId: ctx.workspaceId, externalId }) : undefined
      const byEmail = email ? await findContactByEmail(db, { workspaceId: ctx.workspaceId, email }) : undefined
      if (!stored && byEmail) {
        if (externalId && byEmail.externalId && byEmail.externalId !== externalId) {
          problems.push({ rowNumber: row.rowNumber, field: 'email', reason: `belongs to another contact (external id ${byEmail.externalId})` })
          continue
        }
        // A contact entered by hand with this email is adopted (and gets the external id).
        stored = byEmail
      } else if (stored && byEmail && byEmail.id !== stored.id) {
        problems.push({ rowNumber: row.rowNumber, field: 'email', reason: `belongs to another contact (${byEmail.name})` })
        continue
      }
      const key = contactKey(values)
      const repeated = !stored && seenBefore(ctx, 'contacts', key)
      const first = text(values, 'firstName')
      const last = text(values, 'lastName')
      const name = text(values, 'name') ?? ([first, last].filter(Boolean).join(' ') || undefined)
      const incoming: Record<string, unknown> = {
        accountId: account.id,
        externalId,
        email,
        name: name ?? (stored || repeated ? undefined : email),
        title: text(values, 'title'),
        phone: text(values, 'phone'),
        roles: values.roles,
      }
      if (!incoming.name && !stored && !repeated) {
        problems.push({ rowNumber: row.rowNumber, field: 'name', reason: 'is empty; a new contact needs a name or an email' })
        continue
      }
      const changes = { ...diff(stored ?? null, incoming), ...traitChanges(stored ? stored.traits : null, row.traits) }
      if (changes.accountId) changes.accountId = { from: changes.accountId.from, to: `${account.name} (${account.externalId})` }
      const action: RowAction = repeated ? 'update' : actionOf(Boolean(stored), changes)
      planned.push({ rowNumber: row.rowNumber, action, key: externalId ?? email ?? null, label: String(name ?? stored?.name ?? email), changes })
      remember(ctx, 'contacts', key, action)
      if (action === 'unchanged' || ctx.validateOnly) continue
      const input = Object.fromEntries(Object.entries(incoming).filter(([field, value]) => value !== undefined && (!stored || field in changes)))
      const traits = Object.keys(row.traits).length > 0 ? { ...(stored?.traits ?? {}), ...row.traits } : undefined
      const target = stored
      writes.push({
        rowNumber: row.rowNumber,
        run: async (db) => {
          if (target) await updateContact(db, { workspaceId: ctx.workspaceId, contactId: target.id, input: { ...input, ...(traits ? { traits } : {}) } })
          else await createContact(db, { workspaceId: ctx.workspaceId, input: { ...(input as { accountId: string; name: string }), ...(traits ? { traits } : {}) } })
        },
      })
    }
    return { planned, problems, write: (db) => writeEach(db, ctx, writes) }
  },
}

// ----- subscriptions -----

const subscriptions: KindHandler = {
  keyOf: (row) => text(row.values, 'externalId') ?? null,
  plan: async (db, ctx, rows) => {
    const problems: RowProblem[] = []
    const planned: PlannedRow[] = []
    const writes: { rowNumber: number; run: (db: Db) => Promise<void> }[] = []
    for (const { row, account } of await resolveAccounts(db, ctx, rows, problems)) {
      const { values } = row
      const externalId = text(values, 'externalId')
      const stored = externalId ? await findSubscriptionByExternalId(db, { workspaceId: ctx.workspaceId, externalId }) : undefined
      const repeated = !stored && seenBefore(ctx, 'subscriptions', externalId ?? null)
      if (!stored && !repeated) {
        const missing = (['product', 'startDate', 'arr'] as const).filter((field) => !has(values, field))
        if (missing.length > 0) {
          problems.push(...missing.map((field) => ({ rowNumber: row.rowNumber, field, reason: 'is empty; a new subscription needs it' })))
          continue
        }
      }
      const startDate = text(values, 'startDate') ?? stored?.startDate
      const endDate = text(values, 'endDate') ?? stored?.endDate
      if (startDate && endDate && endDate < startDate) {
        problems.push({ rowNumber: row.rowNumber, field: 'endDate', reason: `${endDate} is before the start date ${startDate}` })
        continue
      }
      const incoming: Record<string, unknown> = {
        accountId: account.id,
        externalId,
        product: values.product,
        startDate: values.startDate,
        endDate: values.endDate,
        arr: values.arr,
        currency: values.currency,
        seats: values.seats,
        status: values.status ?? (stored || repeated ? undefined : 'active'),
        autoRenew: values.autoRenew,
      }
      const changes = diff(stored ?? null, incoming)
      if (changes.accountId) changes.accountId = { from: changes.accountId.from, to: `${account.name} (${account.externalId})` }
      const action: RowAction = repeated ? 'update' : actionOf(Boolean(stored), changes)
      planned.push({ rowNumber: row.rowNumber, action, key: externalId ?? null, label: `${String(values.product ?? stored?.product)} — ${account.name}`, changes })
      remember(ctx, 'subscriptions', externalId ?? null, action)
      if (action === 'unchanged' || ctx.validateOnly) continue
      const input = Object.fromEntries(Object.entries(incoming).filter(([field, value]) => value !== undefined && (!stored || field in changes)))
      const target = stored
      writes.push({
        rowNumber: row.rowNumber,
        run: async (db) => {
          if (target) await updateSubscription(db, { workspaceId: ctx.workspaceId, subscriptionId: target.id, input })
          else await createSubscription(db, { workspaceId: ctx.workspaceId, input: input as Parameters<typeof createSubscription>[1]['input'] })
        },
      })
    }
    return { planned, problems, write: (db) => writeEach(db, ctx, writes) }
  },
}

// ----- revenue movements: the ledger is append-only -----

const negativeKinds = new Set(['contraction', 'churn'])

const revenueMovements: KindHandler = {
  keyOf: (row) => text(row.values, 'externalId') ?? null,
  plan: async (db, ctx, rows) => {
    const problems: RowProblem[] = []
    const planned: PlannedRow[] = []
    const writes: { rowNumber: number; run: (db: Db) => Promise<void> }[] = []
    for (const { row, account } of await resolveAccounts(db, ctx, rows, problems)) {
      const { values } = row
      const kind = text(values, 'kind') as 'new' | 'expansion' | 'contraction' | 'churn' | 'reactivation'
      const signed = values.amount as number
      if (signed === 0) {
        problems.push({ rowNumber: row.rowNumber, field: 'amount', reason: 'is 0; a movement changes ARR' })
        continue
      }
      if (signed < 0 && !negativeKinds.has(kind)) {
        problems.push({ rowNumber: row.rowNumber, field: 'amount', reason: `is negative, which does not fit a ${kind} movement (use contraction or churn)` })
        continue
      }
      const amount = Math.abs(signed)
      const externalId = text(values, 'externalId')
      const effectiveDate = text(values, 'effectiveDate') as string
      const stored = externalId ? await findRevenueMovementByExternalId(db, { workspaceId: ctx.workspaceId, externalId }) : undefined
      const label = `${kind} ${amount.toLocaleString('en-US')} — ${account.name}`
      if (stored || seenBefore(ctx, 'revenue-movements', externalId ?? null)) {
        const identical = !stored || (stored.accountId === account.id && stored.kind === kind && stored.effectiveDate === effectiveDate && Math.abs(Math.abs(Number(stored.arrDelta)) - amount) < 0.005)
        if (!identical && stored) {
          problems.push({
            rowNumber: row.rowNumber,
            field: 'externalId',
            reason: `movement ${externalId} is already recorded as ${stored.kind} ${Math.abs(Number(stored.arrDelta))} on ${stored.effectiveDate}; the ledger is append-only, so record a correcting movement instead`,
          })
          continue
        }
        planned.push({ rowNumber: row.rowNumber, action: 'unchanged', key: externalId ?? null, label, changes: {} })
        continue
      }
      const changes: Changes = {
        account: { from: null, to: `${account.name} (${account.externalId})` },
        kind: { from: null, to: kind },
        effectiveDate: { from: null, to: effectiveDate },
        amount: { from: null, to: amount },
      }
      planned.push({ rowNumber: row.rowNumber, action: 'create', key: externalId ?? null, label, changes })
      remember(ctx, 'revenue-movements', externalId ?? null, 'create')
      if (ctx.validateOnly) continue
      writes.push({
        rowNumber: row.rowNumber,
        run: async (db) => {
          await recordRevenueMovement(db, {
            workspaceId: ctx.workspaceId,
            accountId: account.id,
            kind,
            effectiveDate,
            amount,
            externalId: externalId ?? null,
            currency: text(values, 'currency'),
            source: 'import',
            note: text(values, 'note') ?? null,
          })
        },
      })
    }
    return { planned, problems, write: (db) => writeEach(db, ctx, writes) }
  },
}

// ----- tickets -----

const tickets: KindHandler = {
  keyOf: (row) => text(row.values, 'externalId') ?? null,
  plan: async (db, ctx, rows) => {
    const problems: RowProblem[] = []
    const planned: PlannedRow[] = []
    const writes: { rowNumber: number; run: (db: Db) => Promise<void> }[] = []
    for (const { row, account } of await resolveAccounts(db, ctx, rows, problems)) {
      const { values } = row
      const externalId = text(values, 'externalId') as string
      const stored = await findTicketByExternalId(db, { workspaceId: ctx.workspaceId, externalId })
      const repeated = !stored && seenBefore(ctx, 'tickets', externalId)
      if (!stored && !repeated && !has(values, 'subject')) {
        problems.push({ rowNumber: row.rowNumber, field: 'subject', reason: 'is empty; a new ticket needs a subject' })
        continue
      }
      const openedAt = text(values, 'openedAt') ?? stored?.openedAt.toISOString()
      const closedAt = text(values, 'closedAt') ?? stored?.closedAt?.toISOString()
      if (openedAt && closedAt && closedAt < openedAt) {
        problems.push({ rowNumber: row.rowNumber, field: 'closedAt', reason: `${closedAt} is before the ticket was opened (${openedAt})` })
        continue
      }
      // The requester is linked when the email is a contact of the same account.
      const requester = text(values, 'requesterEmail')
      const contact = requester ? await findContactByEmail(db, { workspaceId: ctx.workspaceId, email: requester }) : undefined
      const contactId = contact && contact.accountId === account.id ? contact.id : undefined
      const incoming: Record<string, unknown> = {
        accountId: account.id,
        contactId,
        subject: values.subject,
        priority: values.priority ?? (stored || repeated ? undefined : 'normal'),
        status: values.status ?? (stored || repeated ? undefined : 'new'),
        openedAt: values.openedAt,
        closedAt: values.closedAt,
        satisfaction: values.satisfaction,
      }
      const changes = diff(stored ?? null, incoming)
      if (changes.accountId) changes.accountId = { from: changes.accountId.from, to: `${account.name} (${account.externalId})` }
      const action: RowAction = repeated ? 'update' : actionOf(Boolean(stored), changes)
      planned.push({ rowNumber: row.rowNumber, action, key: externalId, label: String(values.subject ?? stored?.subject), changes })
      remember(ctx, 'tickets', externalId, action)
      if (action === 'unchanged' || ctx.validateOnly) continue
      const input = Object.fromEntries(Object.entries(incoming).filter(([field, value]) => value !== undefined && (!stored || field in changes)))
      const target = stored
      writes.push({
        rowNumber: row.rowNumber,
        run: async (db) => {
          if (target) await updateTicket(db, { workspaceId: ctx.workspaceId, ticketId: target.id, input })
          else await createTicket(db, { workspaceId: ctx.workspaceId, input: { ...(input as Parameters<typeof createTicket>[1]['input']), externalId } })
        },
      })
    }
    return { planned, problems, write: (db) => writeEach(db, ctx, writes) }
  },
}

// ----- touchpoints: their table has no external id, the import keeps the mapping -----

const touchpoints: KindHandler = {
  keyOf: (row) => text(row.values, 'externalId') ?? null,
  plan: async (db, ctx, rows) => {
    const problems: RowProblem[] = []
    const planned: PlannedRow[] = []
    const writes: { rowNumber: number; run: (db: Db) => Promise<void> }[] = []
    const resolved = await resolveAccounts(db, ctx, rows, problems)
    const keys = await repo.findRecordKeys(db, {
      workspaceId: ctx.workspaceId,
      kind: 'touchpoints',
      externalIds: resolved.map(({ row }) => text(row.values, 'externalId')).filter((id): id is string => Boolean(id)),
    })
    for (const { row, account } of resolved) {
      const { values } = row
      const externalId = text(values, 'externalId')
      const recordId = externalId ? keys.get(externalId) : undefined
      // A touchpoint deleted since its import is created again.
      const stored = recordId ? await getTouchpoint(db, { workspaceId: ctx.workspaceId, touchpointId: recordId }).catch(() => undefined) : undefined
      const repeated = !stored && seenBefore(ctx, 'touchpoints', externalId ?? null)
      // People are linked when they are contacts of the same account.
      const contactIds: string[] = []
      for (const email of (values.contactEmails as string[] | undefined) ?? []) {
        const contact = await findContactByEmail(db, { workspaceId: ctx.workspaceId, email })
        if (contact && contact.accountId === account.id) contactIds.push(contact.id)
      }
      const incoming: Record<string, unknown> = {
        accountId: account.id,
        kind: values.kind,
        occurredAt: values.occurredAt,
        subject: values.subject,
        body: values.body ?? (stored || repeated ? undefined : ''),
        contactIds: has(values, 'contactEmails') ? contactIds : undefined,
      }
      const changes = diff(stored ?? null, incoming)
      if (changes.accountId) changes.accountId = { from: changes.accountId.from, to: `${account.name} (${account.externalId})` }
      const action: RowAction = repeated ? 'update' : actionOf(Boolean(stored), changes)
      planned.push({ rowNumber: row.rowNumber, action, key: externalId ?? null, label: `${String(values.kind)}: ${String(values.subject ?? stored?.subject ?? account.name)}`, changes })
      remember(ctx, 'touchpoints', externalId ?? null, action)
      if (action === 'unchanged' || ctx.validateOnly) continue
      const input = Object.fromEntries(Object.entries(incoming).filter(([field, value]) => value !== undefined && (!stored || field in changes)))
      const target = stored
      const authorId = text(values, 'author') ?? null
      writes.push({
        rowNumber: row.rowNumber,
        run: async (db) => {
          // Imports write on behalf of CS Ops: any author's touchpoint may be updated.
          if (target) {
            await updateTouchpoint(db, { workspaceId: ctx.workspaceId, touchpointId: target.id, actor: { userId: null, mayChangeOthers: true }, input })
            return
          }
          const created = await createTouchpoint(db, {
            workspaceId: ctx.workspaceId,
            actor: { userId: authorId, mayChangeOthers: true },
            input: input as Parameters<typeof createTouchpoint>[1]['input'],
          })
          if (externalId) await repo.saveRecordKey(db, { workspaceId: ctx.workspaceId, kind: 'touchpoints', externalId, recordId: created.id })
        },
      })
    }
    return { planned, problems, write: (db) => writeEach(db, ctx, writes) }
  },
}

// ----- outcomes -----

const outcomes: KindHandler = {
  keyOf: (row) => text(row.values, 'externalId') ?? null,
  plan: async (db, ctx, rows) => {
    const problems: RowProblem[] = []
    const planned: PlannedRow[] = []
    const writes: { rowNumber: number; run: (db: Db) => Promise<void> }[] = []
    for (const { row, account } of await resolveAccounts(db, ctx, rows, problems)) {
      const { values } = row
      const input = {
        accountId: account.id,
        kind: text(values, 'kind') as OutcomeKind,
        occurredOn: text(values, 'occurredOn') as string,
        arrBefore: (values.arrBefore as number | undefined) ?? null,
        arrAfter: (values.arrAfter as number | undefined) ?? null,
        note: text(values, 'note') ?? null,
        externalId: text(values, 'externalId') ?? null,
        source: 'import',
      }
      const violation = outcomeRuleViolation(input)
      if (violation) {
        problems.push({ rowNumber: row.rowNumber, field: violation.field, reason: violation.message })
        continue
      }
      const stored = input.externalId ? await findOutcomeByExternalId(db, { workspaceId: ctx.workspaceId, externalId: input.externalId }) : undefined
      const repeated = !stored && seenBefore(ctx, 'outcomes', input.externalId)
      const { source: _source, externalId: _externalId, ...compared } = input
      const changes = diff(stored ?? null, compared)
      if (changes.accountId) changes.accountId = { from: changes.accountId.from, to: `${account.name} (${account.externalId})` }
      const action: RowAction = repeated ? 'update' : actionOf(Boolean(stored), changes)
      planned.push({ rowNumber: row.rowNumber, action, key: input.externalId, label: `${input.kind} on ${input.occurredOn} — ${account.name}`, changes })
      remember(ctx, 'outcomes', input.externalId, action)
      if (action === 'unchanged' || ctx.validateOnly) continue
      writes.push({ rowNumber: row.rowNumber, run: async (db) => void (await recordOutcome(db, { workspaceId: ctx.workspaceId, input })) })
    }
    return { planned, problems, write: (db) => writeEach(db, ctx, writes) }
  },
}

export const kindHandlers: Record<ImportKind, KindHandler> = {
  accounts,
  contacts,
  subscriptions,
  'revenue-movements': revenueMovements,
  tickets,
  touchpoints,
  outcomes,
}
