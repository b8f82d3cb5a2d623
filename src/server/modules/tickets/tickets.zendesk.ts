/**
 * The Zendesk-shaped tickets feed: tickets as Zendesk's API returns them (one, `{ ticket }`, or
 * `{ tickets, users?, organizations? }` with Zendesk's sideloads), upserted by Zendesk id. Each
 * ticket stands alone: a bad one is reported (index, field) while the good ones are kept.
 *
 * Which account a ticket belongs to, first match wins:
 *  1. the custom field named by `?accountField=<field id>` holds the account external id;
 *  2. `organization.external_id` (embedded organization) is the account external id;
 *  3. the sideloaded organization with the ticket's organization_id has that external_id;
 *  4. an account whose trait `zendesk_organization_id` equals organization_id.
 */
import type { Db } from '../../platform/db'
import { ProblemError } from '../../platform/http'
import { findAccountByExternalId, findAccountsByTrait } from '../accounts'
import { findContactByEmail } from '../contacts'
import { ZendeskOrganizationSchema, ZendeskTicketSchema, ZendeskUserSchema, type ZendeskTicket } from './tickets.contracts'
import * as repo from './tickets.repo'
import { deleteTicket, upsertTicketByExternalId, type CreateTicketInput } from './tickets.service'

export const MAX_ZENDESK_TICKETS = 1_000
const ORGANIZATION_TRAIT = 'zendesk_organization_id'

export type ZendeskFeedError = { index: number; field: string; message: string }
export type ZendeskFeedResult = {
  received: number
  created: number
  updated: number
  deleted: number
  failed: number
  tickets: { index: number; externalId: string; id: string | null; action: 'created' | 'updated' | 'deleted' | 'skipped' }[]
  errors: ZendeskFeedError[]
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
/** PostgreSQL text cannot hold NUL characters: such input is refused (or skipped, for sideloads), never sent to the database. */
const hasNul = (value: unknown) => JSON.stringify(value)?.includes('\\u0000') ?? false
const join = (prefix: string, field: string) => (prefix ? `${prefix}.${field}` : field)

/** Bosun's ticket fields named back as the Zendesk fields they came from. */
const zendeskFieldOf: Record<string, string> = {
  accountId: 'organization_id',
  contactId: 'requester_id',
  externalId: 'id',
  openedAt: 'created_at',
  closedAt: 'updated_at',
  subject: 'subject',
  priority: 'priority',
  status: 'status',
  satisfaction: 'satisfaction_rating.score',
}

type Envelope = { items: { index: number; prefix: string; raw: unknown }[]; users: Map<string, string>; organizations: Map<string, string> }

/** The three accepted shapes; anything else is a 400 on `body`. */
function readEnvelope(body: unknown): Envelope {
  const users = new Map<string, string>()
  const organizations = new Map<string, string>()
  if (!isRecord(body)) throw new ProblemError(400, 'Bad Request', 'body: must be a Zendesk ticket, { "ticket": … } or { "tickets": […] }', [{ field: 'body', message: 'must be a Zendesk ticket, { ticket } or { tickets }' }])
  if (Array.isArray(body.tickets)) {
    if (body.tickets.length > MAX_ZENDESK_TICKETS) {
      throw new ProblemError(400, 'Bad Request', `tickets: at most ${MAX_ZENDESK_TICKETS} a request`, [{ field: 'tickets', message: `at most ${MAX_ZENDESK_TICKETS} a request` }])
    }
    // Sideloads (?include=users,organizations): unreadable entries are skipped, they only help matching.
    for (const user of Array.isArray(body.users) ? body.users : []) {
      if (hasNul(user)) continue
      const parsed = ZendeskUserSchema.safeParse(user)
      if (parsed.success && parsed.data.email) users.set(String(parsed.data.id), parsed.data.email)
    }
    for (const organization of Array.isArray(body.organizations) ? body.organizations : []) {
      if (hasNul(organization)) continue
      const parsed = ZendeskOrganizationSchema.safeParse(organization)
      if (parsed.success && parsed.data.external_id) organizations.set(String(parsed.data.id), parsed.data.external_id)
    }
    return { items: body.tickets.map((raw, index) => ({ index, prefix: `tickets.${index}`, raw })), users, organizations }
  }
  if (isRecord(body.ticket)) return { items: [{ index: 0, prefix: 'ticket', raw: body.ticket }], users, organizations }
  return { items: [{ index: 0, prefix: '', raw: body }], users, organizations }
}

function customFieldValue(ticket: ZendeskTicket, fieldId: string | undefined): string | undefined {
  if (!fieldId) return undefined
  const fields = [...(ticket.custom_fields ?? []), ...(Array.isArray(ticket.fields) ? ticket.fields : [])]
  for (const field of fields) {
    if (!isRecord(field) || String(field.id) !== fieldId) continue
    if (typeof field.value === 'string' && field.value.trim()) return field.value.trim()
    if (typeof field.value === 'number') return String(field.value)
  }
  return undefined
}

/** The account external id the ticket carries, and the field it came from (rules 1–3 above). */
function accountReference(
  ticket: ZendeskTicket,
  accountField: string | undefined,
  organizationId: string | undefined,
  organizations: Map<string, string>,
): { field: string; externalId: string } | undefined {
  const custom = customFieldValue(ticket, accountField)
  if (custom) return { field: `custom_fields.${accountField}`, externalId: custom }
  if (ticket.organization?.external_id) return { field: 'organization.external_id', externalId: ticket.organization.external_id }
  const sideloaded = organizationId ? organizations.get(organizationId) : undefined
  if (sideloaded) return { field: 'organization_id', externalId: sideloaded }
  return undefined
}

const satisfactionOf = (ticket: ZendeskTicket): CreateTicketInput['satisfaction'] | undefined => {
  if (ticket.satisfaction_rating === undefined) return undefined
  const score = ticket.satisfaction_rating?.score
  if (score === 'good' || score === 'good_with_comment') return 'good'
  if (score === 'bad' || score === 'bad_with_comment') return 'bad'
  return null
}

function subjectOf(ticket: ZendeskTicket): string {
  const subject = (ticket.subject ?? ticket.raw_subject ?? '').trim()
  if (subject) return subject.slice(0, 1000)
  const firstLine = (ticket.description ?? '').trim().split('\n')[0]?.trim() ?? ''
  return firstLine ? firstLine.slice(0, 200) : '(no subject)'
}

export async function ingestZendeskTickets(db: Db, params: { workspaceId: string; body: unknown; accountField?: string }): Promise<ZendeskFeedResult> {
  const { workspaceId } = params
  const envelope = readEnvelope(params.body)
  const result: ZendeskFeedResult = { received: envelope.items.length, created: 0, updated: 0, deleted: 0, failed: 0, tickets: [], errors: [] }
  const fail = (index: number, field: string, message: string) => result.errors.push({ index, field, message })

  const parsed: { index: number; prefix: string; ticket: ZendeskTicket }[] = []
  for (const item of envelope.items) {
    if (hasNul(item.raw)) {
      fail(item.index, item.prefix || '(ticket)', 'contains \\u0000 (NUL), which cannot be stored')
      continue
    }
    const check = ZendeskTicketSchema.safeParse(item.raw)
    if (check.success) {
      parsed.push({ index: item.index, prefix: item.prefix, ticket: check.data })
      continue
    }
    for (const issue of check.error.issues) fail(item.index, join(item.prefix, issue.path.map(String).join('.') || '(ticket)'), issue.message)
  }

  // Accounts by external id and by organization trait, looked up once per request.
  const byExternalId = new Map<string, string | null>()
  const accountByExternalId = async (externalId: string) => {
    if (!byExternalId.has(externalId)) byExternalId.set(externalId, (await findAccountByExternalId(db, { workspaceId, externalId }))?.id ?? null)
    return byExternalId.get(externalId) ?? null
  }
  const organizationIds = [...new Set(parsed.map(({ ticket }) => ticket.organization_id).filter((id) => id !== null && id !== undefined).map(String))]
  const byOrganizationTrait = new Map<string, string>()
  for (const match of await findAccountsByTrait(db, { workspaceId, key: ORGANIZATION_TRAIT, values: organizationIds })) {
    if (!byOrganizationTrait.has(match.value)) byOrganizationTrait.set(match.value, match.id)
  }

  for (const { index, prefix, ticket } of parsed) {
    const externalId = String(ticket.id)
    const organizationId = ticket.organization_id === null || ticket.organization_id === undefined ? undefined : String(ticket.organization_id)

    if (ticket.status === 'deleted') {
      const existing = await repo.findTicketByExternalId(db, { workspaceId, externalId })
      if (existing) await deleteTicket(db, { workspaceId, ticketId: existing.id })
      result.tickets.push({ index, externalId, id: existing?.id ?? null, action: existing ? 'deleted' : 'skipped' })
      if (existing) result.deleted += 1
      continue
    }

    const reference = accountReference(ticket, params.accountField, organizationId, envelope.organizations)
    let accountId: string | null = null
    if (reference) {
      accountId = await accountByExternalId(reference.externalId)
      if (!accountId) {
        fail(index, join(prefix, reference.field), `no account has external id ${reference.externalId}`)
        continue
      }
    } else if (organizationId) {
      accountId = byOrganizationTrait.get(organizationId) ?? null
      if (!accountId) {
        fail(index, join(prefix, 'organization_id'), `no account is linked to Zendesk organization ${organizationId}: sideload organizations with external_id, or set the account trait ${ORGANIZATION_TRAIT}`)
        continue
      }
    } else {
      fail(index, join(prefix, 'organization_id'), 'the ticket names no organization, so no account can be found')
      continue
    }

    const email = ticket.requester?.email ?? (ticket.requester_id !== null && ticket.requester_id !== undefined ? envelope.users.get(String(ticket.requester_id)) : undefined)
    const contact = email && email.includes('@') ? await findContactByEmail(db, { workspaceId, email }) : undefined
    const status = ticket.status === 'hold' ? 'on_hold' : ticket.status
    const done = status === 'solved' || status === 'closed'
    const existing = await repo.findTicketByExternalId(db, { workspaceId, externalId })
    const openedAt = ticket.created_at ? new Date(ticket.created_at) : (existing?.openedAt ?? new Date())
    // Zendesk's ticket has no close time: solved_at if sent, the stored one if already closed, else updated_at.
    const closedCandidate = !done ? null : ticket.solved_at ? new Date(ticket.solved_at) : (existing?.closedAt ?? (ticket.updated_at ? new Date(ticket.updated_at) : new Date()))
    const closedAt = closedCandidate && closedCandidate < openedAt ? openedAt : closedCandidate
    const satisfaction = satisfactionOf(ticket)
    try {
      const { ticket: saved, created } = await upsertTicketByExternalId(db, {
        workspaceId,
        input: {
          accountId,
          contactId: contact && contact.accountId === accountId ? contact.id : null,
          externalId,
          subject: subjectOf(ticket),
          priority: ticket.priority ?? 'normal',
          status,
          openedAt,
          closedAt,
          ...(satisfaction === undefined ? {} : { satisfaction }),
        },
      })
      if (created) result.created += 1
      else result.updated += 1
      result.tickets.push({ index, externalId, id: saved.id, action: created ? 'created' : 'updated' })
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status >= 500) throw error
      const errors = error.errors ?? [{ field: '(ticket)', message: error.message }]
      for (const problem of errors) fail(index, join(prefix, zendeskFieldOf[problem.field] ?? problem.field), problem.message)
    }
  }
  result.failed = new Set(result.errors.map((error) => error.index)).size
  result.tickets.sort((a, b) => a.index - b.index)
  result.errors.sort((a, b) => a.index - b.index)
  return result
}
