import type { Db } from '../../platform/db'
import { badRequest, decodeCursor, encodeCursor } from '../../platform/http'
import { todayUtc } from '../accounts'
import { SYSTEM_SOURCE_ID } from '../events'
import type { DataQualityCheck, ExamplesFilters, ExamplesPage, SourceKind } from './data-quality.contracts'
import * as repo from './data-quality.repo'
import { addDays, anomalyRuleText, baselineLookbackDays, volumeSeries, type VolumeDay } from './volume-anomalies'

/** The report looks at the last 30 UTC days (today included). */
export const windowDays = 30
/** A renewal date this many days in the past on an active account is stale. */
export const renewalOverdueDays = 30
/** Calls waiting this long in the inbox mean processing is stuck or behind. */
export const backlogWarnMinutes = 10

type Status = 'ok' | 'warn'
export type CheckLine = {
  check: DataQualityCheck
  label: string
  description: string
  count: number
  status: Status
  note: string | null
  examplesHref: string
}

export type SourceReport = {
  id: string
  kind: SourceKind
  name: string
  keyId: string | null
  keyPrefix: string | null
  revoked: boolean
  volumeLabel: string
  firstDay: string | null
  lastReceivedAt: string | null
  receivedToday: number
  received7d: number
  received30d: number
  duplicates30d: number | null
  series: VolumeDay[]
  anomalies: CheckLine
  checks: CheckLine[]
  status: Status
}

const iso = (value: repo.DbTime | null | undefined): string | null => (value === null || value === undefined ? null : new Date(value).toISOString())

function examplesHref(check: DataQualityCheck, source?: string): string {
  return `/api/v1/data-quality/examples/${check}${source ? `?source=${encodeURIComponent(source)}` : ''}`
}

function line(check: DataQualityCheck, label: string, description: string, count: number, options: { source?: string; status?: Status; note?: string | null } = {}): CheckLine {
  return {
    check,
    label,
    description,
    count,
    status: options.status ?? (count > 0 ? 'warn' : 'ok'),
    note: options.note ?? null,
    examplesHref: examplesHref(check, options.source),
  }
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`

type Window = { today: string; seriesFrom: string; windowFrom: string }

function windowOf(today: string): Window {
  const windowFrom = addDays(today, -(windowDays - 1))
  return { today, windowFrom, seriesFrom: addDays(windowFrom, -baselineLookbackDays) }
}

function buildSource(
  base: Pick<SourceReport, 'id' | 'kind' | 'name' | 'keyId' | 'keyPrefix' | 'revoked' | 'volumeLabel' | 'firstDay' | 'duplicates30d' | 'checks'> & { lastReceivedAt: repo.DbTime | null },
  counts: ReadonlyMap<string, number>,
  window: Window,
): SourceReport {
  const series = volumeSeries({ counts, firstDay: base.firstDay, today: window.today, days: windowDays })
  const sum = (days: number) => series.slice(-days).reduce((total, day) => total + day.count, 0)
  const anomalyDays = series.filter((day) => day.anomaly !== null)
  const recentFrom = addDays(window.today, -6)
  const recent = anomalyDays.filter((day) => day.day >= recentFrom).length
  const anomalies = line('volume-anomalies', 'Volume anomalies', 'Days whose volume is far above or below the usual for that weekday, or silent', anomalyDays.length, {
    source: base.id,
    status: recent > 0 ? 'warn' : 'ok',
    note: anomalyDays.length > 0 ? `${plural(recent, 'day')} in the last 7 days` : null,
  })
  const status: Status = anomalies.status === 'warn' || base.checks.some((check) => check.status === 'warn') ? 'warn' : 'ok'
  return {
    ...base,
    lastReceivedAt: iso(base.lastReceivedAt),
    receivedToday: sum(1),
    received7d: sum(7),
    received30d: sum(windowDays),
    series,
    anomalies,
    status,
  }
}

const countsOf = (days: repo.DayCount[]) => new Map(days.map((day) => [day.day, day.count]))

export const eventSourceId = (keyId: string) => `events:${keyId}`

async function eventSources(db: Db, workspaceId: string, window: Window): Promise<SourceReport[]> {
  const [sources, days] = await Promise.all([
    repo.listEventSources(db, { workspaceId }),
    repo.eventSourceDays(db, { workspaceId, from: window.seriesFrom }),
  ])
  return sources.map((source) => {
    const mine = days.filter((day) => day.sourceKeyId === source.id)
    const inWindow = mine.filter((day) => day.day >= window.windowFrom)
    const total = (pick: (day: repo.EventSourceDayRow) => number) => inWindow.reduce((sum, day) => sum + pick(day), 0)
    const id = eventSourceId(source.id)
    const system = source.id === SYSTEM_SOURCE_ID
    return buildSource(
      {
        id,
        kind: 'events',
        name: system ? 'Bosun (built-in and demo)' : (source.name ?? 'Deleted API key'),
        keyId: source.id,
        keyPrefix: source.prefix,
        revoked: source.revokedAt !== null,
        volumeLabel: 'events received',
        firstDay: source.firstDay,
        lastReceivedAt: source.lastReceivedAt,
        duplicates30d: total((day) => day.duplicates),
        checks: [
          line('future-timestamps', 'Future timestamps', 'Events dated more than 1 hour after they were received (after clock-skew correction)', total((day) => day.future), { source: id }),
          line('ancient-timestamps', 'Ancient timestamps', 'Events dated more than 2 years before they were received', total((day) => day.ancient), { source: id }),
        ],
      },
      new Map(mine.map((day) => [day.day, day.received])),
      window,
    )
  })
}

async function otherSources(db: Db, workspaceId: string, window: Window): Promise<SourceReport[]> {
  const from = window.seriesFrom
  const [ticketData, stripeData, stripe, importData, importFailures, crmData] = await Promise.all([
    repo.ticketVolume(db, { workspaceId, from }),
    repo.stripeVolume(db, { workspaceId, from }),
    repo.stripeStatus(db, { workspaceId }),
    repo.importVolume(db, { workspaceId, from }),
    repo.countImportFailures(db, { workspaceId, from: window.windowFrom }),
    repo.crmVolume(db, { workspaceId, from }),
  ])
  const common = { keyId: null, keyPrefix: null, revoked: false, duplicates30d: null }
  const sources: SourceReport[] = []
  if (crmData.firstDay) {
    sources.push(
      buildSource(
        { ...common, id: 'crm', kind: 'crm', name: 'CRM records (accounts and contacts)', volumeLabel: 'records created', firstDay: crmData.firstDay, lastReceivedAt: crmData.lastReceivedAt, checks: [] },
        countsOf(crmData.days),
        window,
      ),
    )
  }
  if (ticketData.firstDay) {
    sources.push(
      buildSource(
        { ...common, id: 'tickets', kind: 'tickets', name: 'Support tickets', volumeLabel: 'tickets created', firstDay: ticketData.firstDay, lastReceivedAt: ticketData.lastReceivedAt, checks: [] },
        countsOf(ticketData.days),
        window,
      ),
    )
  }
  if (stripe.configured || stripeData.firstDay) {
    sources.push(
      buildSource(
        {
          ...common,
          id: 'stripe',
          kind: 'stripe',
          name: 'Stripe billing',
          volumeLabel: 'webhook events received',
          firstDay: stripeData.firstDay,
          lastReceivedAt: stripeData.lastReceivedAt,
          checks: [
            line('stripe-unmatched', 'Unmatched Stripe customers', 'Stripe events kept until their customer is mapped to an account', stripe.unmatched),
            line('stripe-failed', 'Failed Stripe events', 'Stripe events that could not be applied', stripe.failed),
          ],
        },
        countsOf(stripeData.days),
        window,
      ),
    )
  }
  if (importData.firstDay) {
    sources.push(
      buildSource(
        {
          ...common,
          id: 'imports',
          kind: 'imports',
          name: 'CSV imports',
          volumeLabel: 'rows imported',
          firstDay: importData.firstDay,
          lastReceivedAt: importData.lastReceivedAt,
          checks: [line('import-failures', 'Imports with bad rows', 'Imports in the last 30 days that failed or skipped bad rows', importFailures)],
        },
        countsOf(importData.days),
        window,
      ),
    )
  }
  return sources
}

/** The Monday-morning report: sources, unmatched product data, timestamps, account hygiene. */
export async function dataQualityReport(db: Db, params: { workspaceId: string; today?: string; now?: Date }) {
  const { workspaceId } = params
  const now = params.now ?? new Date()
  const window = windowOf(params.today ?? todayUtc())
  const overdueBefore = addDays(window.today, -renewalOverdueDays)
  const [events, others, unmatched, timestamps, accountTotals, duplicates] = await Promise.all([
    eventSources(db, workspaceId, window),
    otherSources(db, workspaceId, window),
    repo.unmatchedTotals(db, { workspaceId }),
    repo.timestampTotals(db, { workspaceId, from: window.windowFrom }),
    repo.accountCheckTotals(db, { workspaceId, overdueBefore }),
    repo.countDuplicateGroups(db, { workspaceId }),
  ])
  const oldest = iso(unmatched.oldestWaiting)
  const waitedMinutes = oldest ? Math.max(0, Math.floor((now.getTime() - Date.parse(oldest)) / 60_000)) : 0
  const report = {
    generatedAt: now.toISOString(),
    today: window.today,
    windowDays,
    anomalyRule: anomalyRuleText,
    sources: [...events, ...others],
    unmatched: {
      users: line('unmatched-users', 'Unmatched users', 'Product users not tied to a known account yet (no group, or a group no account has)', unmatched.users),
      groups: line('unmatched-groups', 'Unmatched groups', 'Group ids the product sends that match no account external id', unmatched.groups),
      events: line('unmatched-events', 'Unmatched events', 'Events kept until their user or group maps to an account', unmatched.events),
      backlog: line('processing-backlog', 'Processing backlog', 'Accepted calls not processed into events yet', unmatched.backlog, {
        status: unmatched.backlog > 0 && waitedMinutes >= backlogWarnMinutes ? 'warn' : 'ok',
        note: oldest ? `oldest waiting ${waitedMinutes < 1 ? 'under a minute' : plural(waitedMinutes, 'minute')}` : null,
      }),
    },
    timestamps: {
      future: line('future-timestamps', 'Future timestamps', 'Events dated more than 1 hour after they were received, last 30 days', timestamps.future),
      ancient: line('ancient-timestamps', 'Ancient timestamps', 'Events dated more than 2 years before they were received, last 30 days', timestamps.ancient),
    },
    accounts: {
      withoutOwner: line('accounts-without-owner', 'Accounts without owner', 'Active accounts with no CSM assigned', accountTotals['accounts-without-owner']),
      inactiveOwner: line('accounts-inactive-owner', 'Owner disabled or removed', 'Active accounts owned by a disabled or deleted user', accountTotals['accounts-inactive-owner']),
      withoutRenewal: line('accounts-without-renewal', 'Accounts without renewal date', 'Active accounts with no renewal date', accountTotals['accounts-without-renewal']),
      renewalOverdue: line('accounts-renewal-overdue', 'Renewal date long past', `Active accounts whose renewal date is more than ${renewalOverdueDays} days in the past`, accountTotals['accounts-renewal-overdue']),
      withoutArr: line('accounts-without-arr', 'Accounts without ARR', 'Active accounts with ARR of 0 or none', accountTotals['accounts-without-arr']),
      duplicates: line('duplicate-accounts', 'Likely duplicate accounts', 'Groups of active accounts sharing a domain or a normalised name', duplicates),
    },
  }
  const lines = [
    ...report.sources.flatMap((source) => [source.anomalies, ...source.checks]),
    ...Object.values(report.unmatched),
    ...Object.values(report.timestamps),
    ...Object.values(report.accounts),
  ]
  return { ...report, summary: { checks: lines.length, warnings: lines.filter((entry) => entry.status === 'warn').length } }
}

// ----- examples ------------------------------------------------------------------------------

const maxOffset = 1_000_000

function decodeOffset(cursor: string | undefined): number {
  const [offset] = decodeCursor(cursor, 1) ?? [0]
  if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 && offset <= maxOffset) return offset
  throw badRequest('cursor', 'is not a cursor returned by this endpoint')
}

function eventSourceKey(source: string | undefined, check: DataQualityCheck): string | undefined {
  if (!source) return undefined
  if (!source.startsWith('events:')) throw badRequest('source', `${check} is checked for events sources only (events:<api key id>)`)
  return source.slice('events:'.length)
}

const toEventRow = (row: repo.EventRow) => ({
  messageId: row.messageId,
  type: row.type,
  event: row.event,
  userId: row.userId,
  anonymousId: row.anonymousId,
  groupId: row.groupId,
  occurredAt: iso(row.occurredAt) ?? '',
  receivedAt: iso(row.receivedAt) ?? '',
  sourceId: eventSourceId(row.sourceKeyId),
  sourceName: row.sourceKeyId === SYSTEM_SOURCE_ID ? 'Bosun (built-in and demo)' : (row.sourceName ?? 'Deleted API key'),
})

const toAccountRow = (row: repo.AccountRow) => ({ ...row, updatedAt: iso(row.updatedAt) ?? '' })

/** One page of the rows behind a check, so CS Ops can see and fix them. */
export async function dataQualityExamples(
  db: Db,
  params: { workspaceId: string; check: DataQualityCheck; filters: ExamplesFilters; today?: string },
): Promise<ExamplesPage> {
  const { workspaceId, check, filters } = params
  const window = windowOf(params.today ?? todayUtc())
  const offset = decodeOffset(filters.cursor)
  const limit = filters.limit
  const pageOf = <Row>(items: Row[], total: number) => ({
    check,
    items,
    total,
    nextCursor: offset + items.length < total && items.length === limit ? encodeCursor([offset + limit]) : null,
  })
  const paging = { workspaceId, limit, offset }
  if (filters.source && !['future-timestamps', 'ancient-timestamps', 'volume-anomalies'].includes(check)) {
    throw badRequest('source', `${check} is not filtered by source`)
  }

  switch (check) {
    case 'unmatched-users': {
      const [rows, totals] = await Promise.all([repo.listUnmatchedUsers(db, paging), repo.unmatchedTotals(db, { workspaceId })])
      const items = rows.map((row) => ({ ...row, anonymous: row.userId.startsWith('anon:'), firstSeenAt: iso(row.firstSeenAt), lastSeenAt: iso(row.lastSeenAt) }))
      return { rowKind: 'product-user', ...pageOf(items, totals.users) }
    }
    case 'unmatched-groups': {
      const [rows, totals] = await Promise.all([repo.listUnmatchedGroups(db, paging), repo.unmatchedTotals(db, { workspaceId })])
      return { rowKind: 'group', ...pageOf(rows.map((row) => ({ ...row, lastSeenAt: iso(row.lastSeenAt) })), totals.groups) }
    }
    case 'unmatched-events': {
      const [rows, totals] = await Promise.all([repo.listUnmatchedEvents(db, paging), repo.unmatchedTotals(db, { workspaceId })])
      return { rowKind: 'event', ...pageOf(rows.map(toEventRow), totals.events) }
    }
    case 'processing-backlog': {
      const [rows, totals] = await Promise.all([repo.listBacklog(db, paging), repo.unmatchedTotals(db, { workspaceId })])
      return { rowKind: 'event', ...pageOf(rows.map(toEventRow), totals.backlog) }
    }
    case 'future-timestamps':
    case 'ancient-timestamps': {
      const sourceKeyId = eventSourceKey(filters.source, check)
      const rule = check === 'future-timestamps' ? 'future' : 'ancient'
      const [rows, totals] = await Promise.all([
        repo.listTimestampEvents(db, { ...paging, rule, from: window.windowFrom, sourceKeyId }),
        repo.timestampTotals(db, { workspaceId, from: window.windowFrom, sourceKeyId }),
      ])
      return { rowKind: 'event', ...pageOf(rows.map(toEventRow), Math.max(totals[rule], offset + rows.length)) }
    }
    case 'volume-anomalies': {
      if (!filters.source) throw badRequest('source', 'is required: the source whose anomaly days to list')
      const sources = filters.source.startsWith('events:') ? await eventSources(db, workspaceId, window) : await otherSources(db, workspaceId, window)
      const source = sources.find((candidate) => candidate.id === filters.source)
      const days = (source?.series ?? [])
        .filter((day): day is VolumeDay & { anomaly: NonNullable<VolumeDay['anomaly']> } => day.anomaly !== null)
        .reverse()
      return { rowKind: 'anomaly-day', ...pageOf(days.slice(offset, offset + limit), days.length) }
    }
    case 'accounts-without-owner':
    case 'accounts-inactive-owner':
    case 'accounts-without-renewal':
    case 'accounts-renewal-overdue':
    case 'accounts-without-arr': {
      const overdueBefore = addDays(window.today, -renewalOverdueDays)
      const [rows, totals] = await Promise.all([
        repo.listAccountCheck(db, { ...paging, check, overdueBefore }),
        repo.accountCheckTotals(db, { workspaceId, overdueBefore }),
      ])
      return { rowKind: 'account', ...pageOf(rows.map(toAccountRow), totals[check]) }
    }
    case 'duplicate-accounts': {
      const [rows, total] = await Promise.all([repo.listDuplicateGroups(db, paging), repo.countDuplicateGroups(db, { workspaceId })])
      return { rowKind: 'duplicate-group', ...pageOf(rows, total) }
    }
    case 'stripe-unmatched':
    case 'stripe-failed': {
      const status = check === 'stripe-unmatched' ? 'unmatched' : 'failed'
      const [rows, totals] = await Promise.all([repo.listStripeEvents(db, { ...paging, status }), repo.stripeStatus(db, { workspaceId })])
      return { rowKind: 'stripe-event', ...pageOf(rows.map((row) => ({ ...row, receivedAt: iso(row.receivedAt) ?? '' })), totals[status]) }
    }
    case 'import-failures': {
      const [rows, total] = await Promise.all([
        repo.listImportFailures(db, { ...paging, from: window.windowFrom }),
        repo.countImportFailures(db, { workspaceId, from: window.windowFrom }),
      ])
      return { rowKind: 'import-run', ...pageOf(rows.map((row) => ({ ...row, createdAt: iso(row.createdAt) ?? '' })), total) }
    }
  }
}
