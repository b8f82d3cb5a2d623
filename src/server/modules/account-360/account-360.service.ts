import type { Db } from '../../platform/db'
import { notFound } from '../../platform/http'
import { arrSeries, shiftMonths, todayUtc, type RevenueMovement } from '../accounts'
import { listAccountContacts } from '../contacts'
import { listAccountSubscriptions } from '../subscriptions'
import { countOpenTickets, listAccountTickets } from '../tickets'
import { listAccountTouchpoints } from '../touchpoints'
import * as repo from './account-360.repo'

export const account360Limits = { children: 200, contacts: 500, subscriptions: 500, tickets: 50, touchpoints: 50, movements: 100, seriesMonths: 24 } as const

type ArrPoint = { month: string; arr: number }

/**
 * Everything about one account for its 360 page. The queries are independent (owner, parent and
 * first movement come with the account row), so they all run at once.
 */
export async function getAccount360(db: Db, params: { workspaceId: string; accountId: string; today?: string }) {
  const { workspaceId, accountId } = params
  const today = params.today ?? todayUtc()
  const scope = { workspaceId, accountId }
  const [account, children, contacts, subscriptions, tickets, openCount, touchpoints, latestMovements] = await Promise.all([
    repo.findAccountView(db, scope),
    repo.listChildren(db, { ...scope, limit: account360Limits.children }),
    listAccountContacts(db, { ...scope, limit: account360Limits.contacts }),
    listAccountSubscriptions(db, { ...scope, limit: account360Limits.subscriptions }),
    listAccountTickets(db, { ...scope, limit: account360Limits.tickets }),
    countOpenTickets(db, scope),
    listAccountTouchpoints(db, { ...scope, limit: account360Limits.touchpoints }),
    // One more than shown: fewer means these are all of the account's movements.
    repo.listLatestMovements(db, { ...scope, limit: account360Limits.movements + 1 }),
  ])
  if (!account) throw notFound('Account')
  const series = await revenueSeries(db, { ...scope, today, firstMovementDate: account.firstMovementDate, latestMovements })
  return {
    account,
    parent: account.parentId && account.parentName !== null ? { id: account.parentId, name: account.parentName } : null,
    owner: account.ownerId && account.ownerName !== null ? { id: account.ownerId, name: account.ownerName, email: account.ownerEmail ?? '' } : null,
    children,
    contacts,
    subscriptions,
    tickets: { items: tickets, openCount },
    touchpoints,
    revenue: { series, movements: latestMovements.slice(0, account360Limits.movements) },
  }
}

/**
 * ARR at each month's end from the first movement's month (or 24 months back, whichever is later)
 * to today. When the latest movements are all of them (almost every account), the series is summed
 * from them here, exactly as the accounts module's arrSeries does; otherwise arrSeries computes it.
 */
async function revenueSeries(
  db: Db,
  params: { workspaceId: string; accountId: string; today: string; firstMovementDate: string | null; latestMovements: RevenueMovement[] },
): Promise<ArrPoint[]> {
  const { today, firstMovementDate } = params
  if (!firstMovementDate) return []
  const windowStart = shiftMonths(today, -(account360Limits.seriesMonths - 1))
  const from = firstMovementDate > windowStart ? firstMovementDate : windowStart
  // A first movement after today leaves no month to show.
  if (from > today) return []
  if (params.latestMovements.length > account360Limits.movements) return arrSeries(db, { workspaceId: params.workspaceId, accountId: params.accountId, from, to: today })
  return seriesFromMovements(params.latestMovements, from, today)
}

const lastDayOfMonth = (month: string) => {
  const [year, monthNumber] = month.split('-').map(Number)
  return new Date(Date.UTC(year, monthNumber, 0)).toISOString().slice(0, 10)
}

/** ARR at the end of each month from `from`'s month to `to` (the last one at `to`), summed in cents so no float drift. */
export function seriesFromMovements(movements: readonly Pick<RevenueMovement, 'effectiveDate' | 'arrDelta'>[], from: string, to: string): ArrPoint[] {
  const ascending = [...movements].sort((a, b) => a.effectiveDate.localeCompare(b.effectiveDate))
  const series: ArrPoint[] = []
  let cents = 0
  let next = 0
  for (let month = from.slice(0, 7); month <= to.slice(0, 7); month = shiftMonths(`${month}-01`, 1).slice(0, 7)) {
    const end = lastDayOfMonth(month) < to ? lastDayOfMonth(month) : to
    while (next < ascending.length && ascending[next].effectiveDate <= end) cents += Math.round(Number(ascending[next++].arrDelta) * 100)
    series.push({ month, arr: cents / 100 })
  }
  return series
}
