import { describe, expect, it } from 'vitest'
import type { ClassificationGroup } from '../../api/segments'
import { familyByPath, groupColor, groupShares, membersChartData, reasonProblem, sparklineValues, waitingMessage } from './families'

const group = (key: string, accounts: number, arr: number, color: string | null = 'blue'): ClassificationGroup => ({
  key,
  name: key.toUpperCase(),
  description: null,
  color,
  rule: null,
  slaDays: null,
  terminal: false,
  accounts,
  arr,
  entered7d: 0,
  exited7d: 0,
  overdue: 0,
  medianDaysInStage: null,
})

describe('segments page helpers', () => {
  it('skips days without a daily count in sparklines instead of drawing them as zero', () => {
    const points = [
      { day: '2025-03-01', accounts: null, arr: null, entered: 0, exited: 0 },
      { day: '2025-03-02', accounts: 4, arr: 1000, entered: 4, exited: 0 },
      { day: '2025-03-03', accounts: null, arr: null, entered: 0, exited: 0 },
      { day: '2025-03-04', accounts: 0, arr: 0, entered: 0, exited: 4 },
    ]
    expect(sparklineValues(points)).toEqual([4, 0])
    expect(membersChartData(points).map((row) => [row.label, row.accounts, row.entered, row.exited])).toEqual([
      ['Mar 1', null, 0, 0],
      ['Mar 2', 4, 4, 0],
      ['Mar 3', null, 0, 0],
      ['Mar 4', 0, 0, -4],
    ])
  })

  it('rounds shares so they add up to 100, and gives zero shares for an empty workspace', () => {
    const shares = groupShares([group('a', 1, 0), group('b', 1, 0), group('c', 1, 0)], 'accounts')
    expect(shares.map((share) => share.percent).reduce((sum, value) => sum + value, 0)).toBe(100)
    expect(shares.map((share) => share.percent).sort()).toEqual([33, 33, 34])
    expect(groupShares([group('a', 0, 0), group('b', 0, 0)], 'arr').map((share) => share.percent)).toEqual([0, 0])
    expect(groupShares([group('a', 3, 900_000), group('b', 97, 100_000, null)], 'arr')).toEqual([
      { key: 'a', name: 'A', color: 'blue', value: 900_000, percent: 90 },
      { key: 'b', name: 'B', color: 'gray', value: 100_000, percent: 10 },
    ])
  })

  it('says how many accounts wait, and nothing when none do', () => {
    expect(waitingMessage({ queued: 0, unclassified: 0 })).toBeNull()
    expect(waitingMessage({ queued: 0, unclassified: 42 })).toBe('42 accounts waiting to be classified')
    expect(waitingMessage({ queued: 1, unclassified: 0 })).toBe('1 account queued for re-classification after a change')
  })

  it('asks for a reason of at least 3 characters, not counting spaces around it', () => {
    expect(reasonProblem('  ok ')).toBe('Say why in at least 3 characters')
    expect(reasonProblem('QBR done')).toBeNull()
    expect(reasonProblem('x'.repeat(501))).toBe('Keep the reason under 500 characters')
  })

  it('maps URL paths to families and refuses anything else', () => {
    expect(familyByPath('stages')?.family).toBe('stage')
    expect(familyByPath('tiers')?.configHref('smb')).toBe('/configuration/tiers/default')
    expect(familyByPath('segments')?.configHref('low-adoption')).toBe('/configuration/segment/low-adoption')
    expect(familyByPath('accounts')).toBeUndefined()
    expect(groupColor('url(x)')).toBe('gray')
  })
})
