import crypto from 'node:crypto'
import type { Db } from '../../platform/db'
import type { FieldError } from '../../../shared/problem'
import { upsertContactsFromProductUsers } from '../contacts'
import { MAX_EVENT_BYTES, SegmentCallSchema } from './events.contracts'
import type { SegmentCallType } from './events.tables'
import * as repo from './events.repo'

export type IngestOutcome = { accepted: number; errors: FieldError[] }

type Normalise = {
  /** The call's type when the endpoint fixes it (/v1/track …); /v1/batch reads it from each call. */
  routeType?: SegmentCallType
  receivedAt: Date
  batchSentAt?: Date | null
  batchContext?: Record<string, unknown> | null
  /** Field prefix in error messages: 'batch[3].' for batches, '' for single calls. */
  fieldPrefix: string
}

const asObject = (value: unknown): Record<string, unknown> | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined

/**
 * Validates one Segment call and turns it into an inbox row (and its JSON, which the insert sends as
 * is). Timestamps are corrected for the client's clock as the Segment spec does: timestamp + (receivedAt − sentAt).
 */
export function normaliseCall(raw: unknown, options: Normalise): { call: repo.InboxCall; json: string } | { errors: FieldError[] } {
  const prefix = options.fieldPrefix
  const whole = prefix.replace(/\.$/, '') || 'body'
  const parsed = SegmentCallSchema.safeParse(raw)
  if (!parsed.success) {
    return { errors: parsed.error.issues.map((issue) => ({ field: `${prefix}${issue.path.join('.')}` || 'body', message: issue.message })) }
  }
  const call = parsed.data
  const type = options.routeType ?? call.type
  const errors: FieldError[] = []
  if (!type) errors.push({ field: `${prefix}type`, message: 'is required in a batch (track, page, screen, identify, group or alias)' })
  if (!call.userId && !call.anonymousId) errors.push({ field: `${prefix}userId`, message: 'userId or anonymousId is required' })
  if (type === 'track' && !call.event) errors.push({ field: `${prefix}event`, message: 'is required for track' })
  if (type === 'group' && !call.groupId) errors.push({ field: `${prefix}groupId`, message: 'is required for group' })
  if (type === 'alias' && !call.previousId) errors.push({ field: `${prefix}previousId`, message: 'is required for alias' })
  if (errors.length > 0 || !type) return { errors }

  const sentAt = call.sentAt ?? options.batchSentAt ?? null
  const receivedAt = options.receivedAt.getTime()
  let occurredAt = receivedAt
  if (call.timestamp) occurredAt = sentAt ? call.timestamp.getTime() + (receivedAt - sentAt.getTime()) : call.timestamp.getTime()
  const context = call.context ?? options.batchContext ?? {}
  const contextGroup = asObject(context)?.groupId
  const groupId = call.groupId ?? (typeof contextGroup === 'string' || typeof contextGroup === 'number' ? String(contextGroup) : null)
  const properties = (type === 'identify' || type === 'group' ? call.traits ?? asObject(asObject(context)?.traits) : call.properties) ?? {}
  const row: repo.InboxCall = {
    m: call.messageId ?? `bosun-${crypto.randomUUID()}`,
    t: type,
    e: type === 'track' ? (call.event ?? null) : type === 'page' || type === 'screen' ? (call.name ?? null) : null,
    u: call.userId ?? null,
    a: call.anonymousId ?? null,
    g: groupId,
    o: new Date(occurredAt).toISOString(),
    p: type === 'alias' ? { ...properties, previousId: call.previousId } : properties,
    c: context,
  }
  // The limit is on what is stored (its properties and context); UTF-8 takes at most 3 bytes per UTF-16 unit.
  const json = JSON.stringify(row)
  if (json.length * 3 > MAX_EVENT_BYTES && Buffer.byteLength(json) > MAX_EVENT_BYTES) return { errors: [{ field: whole, message: `event is larger than ${MAX_EVENT_BYTES / 1024} KB` }] }
  // PostgreSQL's jsonb cannot hold NUL characters; refuse the one event instead of the whole batch.
  if (json.includes('\\u0000')) return { errors: [{ field: whole, message: 'contains a NUL (\\u0000) character' }] }
  return { call: row, json }
}

/**
 * Validates every call, durably stores the valid ones (one statement), and reports each bad one by
 * index and field. Nothing valid is dropped because a neighbour was bad.
 */
export async function ingestCalls(
  db: Db,
  params: { workspaceId: string; sourceKeyId: string | null; calls: unknown[]; options: Omit<Normalise, 'fieldPrefix'>; batch: boolean },
): Promise<IngestOutcome> {
  const accepted: string[] = []
  const errors: FieldError[] = []
  const options: Normalise = { ...params.options, fieldPrefix: '' }
  params.calls.forEach((raw, index) => {
    if (params.batch) options.fieldPrefix = `batch[${index}].`
    const result = normaliseCall(raw, options)
    if ('call' in result) accepted.push(result.json)
    else errors.push(...result.errors)
  })
  await repo.insertInbox(db, { workspaceId: params.workspaceId, sourceKeyId: params.sourceKeyId, receivedAt: params.options.receivedAt, callsJson: accepted })
  return { accepted: accepted.length, errors }
}

const DRAIN_LOCK = 7_240_452
export const DRAIN_BATCH = 5000

export type DrainResult = { moved: number; inserted: number; attached: number; busy: boolean }

/**
 * Moves one batch of accepted calls from the inbox into `events` and the usage rollups, in one
 * transaction: every event is counted exactly once, whichever process drains, however often a
 * message was retried. One drain at a time (advisory lock), so the rollup upserts never race.
 */
export async function drainInboxOnce(db: Db, options: { limit?: number } = {}): Promise<DrainResult> {
  const workspaceId = await repo.nextInboxWorkspace(db)
  if (!workspaceId) return { moved: 0, inserted: 0, attached: 0, busy: false }
  return db.transaction(async (tx) => {
    if (!(await repo.tryDrainLock(tx, DRAIN_LOCK))) return { moved: 0, inserted: 0, attached: 0, busy: true }
    const moved = await repo.takeInboxBatch(tx, { workspaceId, limit: options.limit ?? DRAIN_BATCH })
    if (moved === 0) return { moved: 0, inserted: 0, attached: 0, busy: false }
    const linkedUsers = await repo.upsertProductUsers(tx, workspaceId)
    const inserted = await repo.insertEventsFromBatch(tx, workspaceId)
    const attached = linkedUsers.length > 0 ? await repo.attachUnmatchedEvents(tx, { workspaceId, userKeys: linkedUsers }) : 0
    await repo.rollUpUsage(tx, workspaceId)
    await repo.recordSourceStats(tx, workspaceId)
    await syncContacts(tx, workspaceId, linkedUsers)
    return { moved, inserted, attached, busy: false }
  })
}

async function syncContacts(db: Db, workspaceId: string, linkedUsers: string[]) {
  const identified = await repo.identifiedUsersOfBatch(db, workspaceId, linkedUsers)
  if (identified.length === 0) return
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 400) : null)
  const links = await upsertContactsFromProductUsers(db, {
    workspaceId,
    people: identified.map((user) => ({
      userId: user.user_id,
      accountId: user.account_id,
      email: text(user.email),
      name: text(user.name),
      title: text(user.traits.title),
      lastSeenAt: user.last_seen_at ? new Date(user.last_seen_at).toISOString() : null,
    })),
  })
  await repo.setProductUserContacts(db, { workspaceId, links })
}

/** Drains until the inbox is empty (or `maxBatches`); returns totals. */
export async function drainInbox(db: Db, options: { maxBatches?: number; limit?: number } = {}): Promise<DrainResult> {
  const total: DrainResult = { moved: 0, inserted: 0, attached: 0, busy: false }
  for (let batch = 0; batch < (options.maxBatches ?? Number.POSITIVE_INFINITY); batch++) {
    const result = await drainInboxOnce(db, options)
    total.moved += result.moved
    total.inserted += result.inserted
    total.attached += result.attached
    if (result.busy) return { ...total, busy: true }
    if (result.moved === 0) break
  }
  return total
}

/** Attaches events whose account became known since (a group call arrived, an account was created or imported). */
export async function attachUnmatched(db: Db): Promise<number> {
  let attached = 0
  for (const workspaceId of await repo.workspacesWithUnmatchedEvents(db)) {
    attached += await db.transaction(async (tx) => {
      if (!(await repo.tryDrainLock(tx, DRAIN_LOCK))) return 0
      await repo.createDrainTables(tx)
      const linked = await repo.linkProductUsers(tx, workspaceId)
      const count = await repo.attachUnmatchedEvents(tx, { workspaceId })
      if (count > 0) await repo.rollUpUsage(tx, workspaceId)
      if (linked.length > 0) await syncContacts(tx, workspaceId, linked)
      return count
    })
  }
  return attached
}

export const inboxDepth = repo.inboxDepth

// ---- read side -------------------------------------------------------------------------------

const DAY_MS = 86_400_000
const isoDay = (date: Date) => date.toISOString().slice(0, 10)
const toIso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString())

export async function getAccountUsage(db: Db, params: { workspaceId: string; accountId: string; days: number; today?: string }) {
  const today = params.today ?? isoDay(new Date())
  const from = isoDay(new Date(Date.parse(today) - (params.days - 1) * DAY_MS))
  const { workspaceId, accountId } = params
  const [series, totals, counts, users, lastSeen, seats, keyFeatures] = await Promise.all([
    repo.usageSeries(db, { workspaceId, accountId, from, to: today }),
    repo.usageTotals(db, { workspaceId, accountId, today }),
    repo.eventCounts30d(db, { workspaceId, accountId, today }),
    repo.accountProductUsers(db, { workspaceId, accountId, limit: 100 }),
    repo.lastActivityAt(db, { workspaceId, accountId }),
    repo.activeSeats(db, { workspaceId, accountId, today }),
    repo.getKeyFeatures(db, workspaceId),
  ])
  const last = series[series.length - 1]
  const countOf = new Map(counts.map((row) => [row.event, row.n]))
  const events30d = totals?.events_30d ?? 0
  const eventsPrior30d = totals?.events_prior_30d ?? 0
  const lastActivityAt = toIso(lastSeen)
  const mau = last?.mau ?? 0
  const features = keyFeatures.map((event) => ({ event, count30d: countOf.get(event) ?? 0, used30d: (countOf.get(event) ?? 0) > 0 }))
  return {
    accountId,
    asOf: today,
    dau: last?.active_users ?? 0,
    wau: last?.wau ?? 0,
    mau,
    seats,
    licenseUtilization: seats && seats > 0 ? Math.round((mau / seats) * 1000) / 1000 : null,
    events30d,
    eventsPrior30d,
    trend30d: eventsPrior30d > 0 ? Math.round(((events30d - eventsPrior30d) / eventsPrior30d) * 1000) / 1000 : null,
    lastActivityAt,
    daysSinceLastActivity: lastActivityAt ? Math.max(0, Math.floor((Date.parse(today) - Date.parse(lastActivityAt.slice(0, 10))) / DAY_MS)) : null,
    keyFeatures: features,
    featureBreadth: features.filter((feature) => feature.used30d).length,
    topEvents: counts.slice(0, 10).map((row) => ({ event: row.event, count30d: row.n })),
    users: users.map((user) => ({ userId: user.user_id, email: user.email, name: user.name, lastSeenAt: toIso(user.last_seen_at), contactId: user.contact_id })),
    series: series.map((row) => ({ day: row.day, events: row.events, activeUsers: row.active_users, weeklyActiveUsers: row.wau, monthlyActiveUsers: row.mau })),
  }
}

export async function listAccountEvents(
  db: Db,
  params: { workspaceId: string; accountId: string; limit: number; before?: { occurredAt: string; messageId: string }; event?: string },
) {
  const [rows, total] = await Promise.all([
    repo.listAccountEvents(db, { ...params, limit: params.limit + 1 }),
    repo.countAccountEvents(db, params),
  ])
  const page = rows.slice(0, params.limit)
  const lastRow = page[page.length - 1]
  return {
    items: page.map((row) => ({
      messageId: row.message_id,
      type: row.type,
      event: row.event,
      userId: row.user_id,
      anonymousId: row.anonymous_id,
      occurredAt: new Date(row.occurred_at).toISOString(),
      receivedAt: new Date(row.received_at).toISOString(),
      properties: row.properties,
    })),
    total,
    next: rows.length > params.limit && lastRow ? { occurredAt: new Date(lastRow.occurred_at).toISOString(), messageId: lastRow.message_id } : null,
  }
}

export const getKeyFeatures = repo.getKeyFeatures
export const setKeyFeatures = repo.setKeyFeatures

export async function listRecentEventNames(db: Db, params: { workspaceId: string; days: number }) {
  const rows = await repo.recentEventNames(db, params)
  return rows.map((row) => ({ event: row.event, count: row.n, accounts: row.accounts }))
}
