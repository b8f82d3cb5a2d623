import { describe, expect, it } from 'vitest'
import type { AccountEvent, AccountUsage } from '../api/types'
import {
  eventTitle,
  formatChange,
  formatDaysSince,
  formatShare,
  hasNoUsage,
  parseUsagePeriod,
  recencyTone,
  seenInLast30Days,
  trackCurlExample,
  trendTone,
  usageChartData,
  utilizationTone,
} from './usage'

const emptyUsage: AccountUsage = {
  accountId: '00000000-0000-0000-0000-000000000001',
  asOf: '2026-03-31',
  dau: 0,
  wau: 0,
  mau: 0,
  seats: 50,
  licenseUtilization: 0,
  events30d: 0,
  eventsPrior30d: 0,
  trend30d: null,
  lastActivityAt: null,
  daysSinceLastActivity: null,
  keyFeatures: [],
  featureBreadth: 0,
  topEvents: [],
  users: [],
  series: [{ day: '2026-03-31', events: 0, activeUsers: 0, weeklyActiveUsers: 0, monthlyActiveUsers: 0 }],
}

const event = (overrides: Partial<AccountEvent>): AccountEvent => ({
  messageId: 'm-1',
  type: 'track',
  event: null,
  userId: 'u-1',
  anonymousId: null,
  occurredAt: '2026-03-30T10:00:00.000Z',
  receivedAt: '2026-03-30T10:00:01.000Z',
  properties: {},
  ...overrides,
})

describe('usage presentation', () => {
  it('flags seat utilization below 40 % as a warning and above 100 % as over-deployed', () => {
    expect(utilizationTone(0.39)).toBe('warning')
    expect(utilizationTone(0.4)).toBe('good')
    expect(utilizationTone(1)).toBe('good')
    expect(utilizationTone(1.2)).toBe('over')
    expect(utilizationTone(null)).toBe('neutral')
  })

  it('turns recency red after 14 quiet days', () => {
    expect(recencyTone(14)).not.toBe('bad')
    expect(recencyTone(15)).toBe('bad')
    expect(recencyTone(0)).toBe('good')
    expect(recencyTone(null)).toBe('neutral')
    expect(formatDaysSince(0)).toBe('Today')
    expect(formatDaysSince(23)).toBe('23 days ago')
    expect(formatDaysSince(null)).toBe('Never')
  })

  it('shows the 30-day trend with its sign and treats tiny changes as flat', () => {
    expect(formatChange(0.123)).toBe('+12%')
    expect(formatChange(-0.4)).toBe('−40%')
    expect(formatChange(0.052)).toBe('+5.2%')
    expect(formatChange(0)).toBe('±0%')
    expect(trendTone(0.2)).toBe('good')
    expect(trendTone(-0.2)).toBe('bad')
    expect(trendTone(0.001)).toBe('neutral')
    expect(trendTone(null)).toBe('neutral')
  })

  it('formats shares as percentages', () => {
    expect(formatShare(0.42)).toBe('42%')
    expect(formatShare(0.045)).toBe('4.5%')
    expect(formatShare(1.5)).toBe('150%')
    expect(formatShare(null)).toBe('—')
  })

  it('accepts only the offered periods from the URL', () => {
    expect(parseUsagePeriod('180')).toBe(180)
    expect(parseUsagePeriod('365')).toBe(365)
    expect(parseUsagePeriod('7')).toBe(90)
    expect(parseUsagePeriod(null)).toBe(90)
  })

  it('shapes the daily series for the charts', () => {
    const rows = usageChartData([{ day: '2026-03-04', events: 12, activeUsers: 3, weeklyActiveUsers: 5, monthlyActiveUsers: 9 }])
    expect(rows).toEqual([{ day: '2026-03-04', label: 'Mar 4', dau: 3, wau: 5, mau: 9, events: 12 }])
  })

  it('knows an account without any usage from one that has gone quiet', () => {
    expect(hasNoUsage(emptyUsage)).toBe(true)
    expect(hasNoUsage({ ...emptyUsage, lastActivityAt: '2025-12-01T10:00:00.000Z', daysSinceLastActivity: 120 })).toBe(false)
    expect(hasNoUsage({ ...emptyUsage, users: [{ userId: 'u-1', email: null, name: null, lastSeenAt: null, contactId: null }] })).toBe(false)
  })

  it('counts a user as active in the 30 days that end on the answer’s day', () => {
    expect(seenInLast30Days('2026-03-02T00:00:00.000Z', '2026-03-31')).toBe(true)
    expect(seenInLast30Days('2026-03-01T23:59:59.000Z', '2026-03-31')).toBe(false)
    expect(seenInLast30Days(null, '2026-03-31')).toBe(false)
  })

  it('names events by their name, else the page name, else the call type', () => {
    expect(eventTitle(event({ event: 'Report Created' }))).toBe('Report Created')
    expect(eventTitle(event({ type: 'page', properties: { name: 'Pricing' } }))).toBe('Page view: Pricing')
    expect(eventTitle(event({ type: 'identify' }))).toBe('Identify')
  })

  it('gives a curl that sends a track call for the account with Basic auth', () => {
    const curl = trackCurlExample('https://bosun.example.com', "ACC-'1")
    expect(curl).toContain('-u "$BOSUN_WRITE_KEY:"')
    expect(curl).toContain('https://bosun.example.com/v1/track')
    // The body survives the shell: the single quote inside the external id is escaped.
    const body = curl.slice(curl.indexOf("-d '") + 4, curl.lastIndexOf("' "))
    expect(JSON.parse(body.replace(/'\\''/g, "'"))).toEqual({ userId: 'user-123', event: 'Report Created', context: { groupId: "ACC-'1" } })
  })
})
