/** Small pieces of the backtest views: AUC in words, direction badges. */
import { Badge } from '@mantine/core'
import type { BacktestMeasure } from '../../api/health'

export function formatAuc(auc: number | null | undefined): string {
  return auc === null || auc === undefined ? '—' : auc.toFixed(2)
}

export function formatRate(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(rate < 0.1 ? 1 : 0)}%`
}

/** How well an AUC separates churn from renewals, in a word. */
export function aucWords(auc: number | null): string {
  if (auc === null) return 'not measurable'
  if (auc >= 0.8) return 'strong'
  if (auc >= 0.7) return 'good'
  if (auc >= 0.6) return 'some signal'
  if (auc > 0.45) return 'no better than chance'
  return 'backwards'
}

export function DirectionBadge({ measure }: { measure: BacktestMeasure }) {
  if (measure.direction === null) {
    return (
      <Badge size="xs" color="gray" variant="light">
        no signal
      </Badge>
    )
  }
  // Points below 0.5 AUC: the scoring rule rewards what went with churn.
  const wrong = measure.auc !== null && measure.auc < 0.48
  return (
    <Badge size="xs" color={wrong ? 'orange' : 'teal'} variant="light" data-testid="backtest-direction">
      {measure.direction}
      {wrong ? ' · scored the other way' : ''}
    </Badge>
  )
}
