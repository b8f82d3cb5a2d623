import type { Db } from '../../platform/db'
import { arrSeries, shiftMonths, todayUtc } from '../accounts'
import { countOpenTickets } from '../tickets'
import * as repo from './portfolio.repo'

export const renewalWindowDays = 90
const upcomingRenewalsLimit = 20

const addDays = (isoDate: string, days: number) => new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

/** Same day one year back (29 Feb → 28 Feb or 1 Mar is fine for a 12-month window). */
const yearBefore = (isoDate: string) => `${Number(isoDate.slice(0, 4)) - 1}${isoDate.slice(4)}`

/** The workspace at a glance: ARR and its trend, churn, renewals coming up, open tickets, revenue movements. */
export async function portfolioSummary(db: Db, params: { workspaceId: string; today?: string }) {
  const { workspaceId } = params
  const today = params.today ?? todayUtc()
  // "Last 12 months" is this month and the 11 before it, as in the ARR series.
  const from = shiftMonths(today, -11)
  const renewalsTo = addDays(today, renewalWindowDays)
  const [totals, renewals, upcoming, openTickets, movements, series] = await Promise.all([
    repo.accountTotals(db, { workspaceId, today, churnedSince: yearBefore(today) }),
    repo.renewalTotals(db, { workspaceId, from: today, to: renewalsTo }),
    repo.upcomingRenewals(db, { workspaceId, from: today, to: renewalsTo, limit: upcomingRenewalsLimit }),
    countOpenTickets(db, { workspaceId }),
    repo.movementsByMonth(db, { workspaceId, from, to: today }),
    arrSeries(db, { workspaceId, from, to: today }),
  ])
  return {
    arr: { current: totals.arr, series },
    accounts: { active: totals.active, churned: totals.churned, churnedLast12Months: totals.churnedSince },
    renewals: { next90Days: renewals, upcoming },
    tickets: { open: openTickets },
    movements,
  }
}
