/** Shapes API series for @mantine/charts. */
import type { ArrPoint, MovementKind, MovementsMonth, RevenueMovement } from '../api/types'
import { movementKinds } from '../api/types'
import { formatMonth } from './format'

export const movementSeriesColors: Record<MovementKind, string> = {
  new: 'teal.6',
  expansion: 'bosun.5',
  contraction: 'orange.5',
  churn: 'red.6',
  reactivation: 'grape.5',
}

export const movementLabels: Record<MovementKind, string> = {
  new: 'New',
  expansion: 'Expansion',
  contraction: 'Contraction',
  churn: 'Churn',
  reactivation: 'Reactivation',
}

const negativeKinds: ReadonlySet<MovementKind> = new Set(['contraction', 'churn'])

/** Signed amount: gains positive, losses negative, whatever sign convention the source used. */
export function signedMovement(kind: MovementKind, value: number): number {
  const magnitude = Math.abs(value)
  return negativeKinds.has(kind) ? -magnitude : magnitude
}

export type ArrChartRow = { month: string; label: string; arr: number }

export function arrChartData(series: ArrPoint[]): ArrChartRow[] {
  return series.map((point) => ({ month: point.month, label: formatMonth(point.month, true), arr: point.arr }))
}

export type MovementChartRow = { month: string; label: string } & Record<MovementKind, number>

export function movementChartData(months: MovementsMonth[]): MovementChartRow[] {
  return months.map((row) => {
    const out: MovementChartRow = {
      month: row.month,
      label: formatMonth(row.month, true),
      new: 0,
      expansion: 0,
      contraction: 0,
      churn: 0,
      reactivation: 0,
    }
    for (const kind of movementKinds) out[kind] = signedMovement(kind, Number(row[kind] ?? 0))
    return out
  })
}

/** Net ARR change across the given months. */
export function netMovement(rows: MovementChartRow[]): number {
  return rows.reduce((sum, row) => sum + movementKinds.reduce((inner, kind) => inner + row[kind], 0), 0)
}

export function movementTotals(rows: MovementChartRow[]): Record<MovementKind, number> {
  const totals: Record<MovementKind, number> = { new: 0, expansion: 0, contraction: 0, churn: 0, reactivation: 0 }
  for (const row of rows) for (const kind of movementKinds) totals[kind] += row[kind]
  return totals
}

/** Monthly movements for one account, from its individual movement records. */
export function movementsByMonth(movements: RevenueMovement[]): MovementsMonth[] {
  const byMonth = new Map<string, MovementsMonth>()
  for (const movement of movements) {
    const month = movement.effectiveDate.slice(0, 7)
    let row = byMonth.get(month)
    if (!row) {
      row = { month, new: 0, expansion: 0, contraction: 0, churn: 0, reactivation: 0 }
      byMonth.set(month, row)
    }
    row[movement.kind] += movement.arrDelta
  }
  return [...byMonth.values()].sort((a, b) => a.month.localeCompare(b.month))
}
