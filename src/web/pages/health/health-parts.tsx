/** Small shared pieces of the health views: band colours and badges, measure values in words. */
import { Badge, Text } from '@mantine/core'
import type { HealthBand, HealthMeasure } from '../../api/health'

export const bandColors: Record<HealthBand, string> = { red: 'red', yellow: 'yellow', green: 'teal' }
export const bandLabels: Record<HealthBand, string> = { red: 'At risk', yellow: 'Watch', green: 'Healthy' }
export const bandOrder: HealthBand[] = ['red', 'yellow', 'green']

export function BandBadge({ band, size = 'sm' }: { band: HealthBand | null; size?: 'xs' | 'sm' | 'md' | 'lg' }) {
  if (!band) {
    return (
      <Badge size={size} color="gray" variant="light">
        No score
      </Badge>
    )
  }
  return (
    <Badge size={size} color={bandColors[band]} variant="light" data-testid={`health-band-${band}`}>
      {bandLabels[band]}
    </Badge>
  )
}

export function formatScore(score: number | null | undefined): string {
  return score === null || score === undefined ? '—' : String(Math.round(score))
}

export function formatSigned(value: number, digits = 1): string {
  const rounded = Math.round(value * 10 ** digits) / 10 ** digits
  return `${rounded > 0 ? '+' : rounded < 0 ? '−' : '±'}${Math.abs(rounded).toFixed(digits)}`
}

/** A measure's input as people read it: shares as percents, counts and days as numbers. */
export function formatMeasureValue(measure: Pick<HealthMeasure, 'key' | 'source'>, value: number | null): string {
  if (value === null) return 'missing'
  const source = measure.source.toLowerCase()
  if (source.includes('utilization') || source.includes('share of') || source.includes('trend')) return `${Math.round(value * 100)}%`
  if (source.includes('sentiment')) return value >= 100 ? 'positive' : value <= 0 ? 'negative' : 'neutral'
  return Number.isInteger(value) ? String(value) : value.toFixed(2)
}

export function MissingText() {
  return (
    <Text span size="sm" c="dimmed" fs="italic">
      missing
    </Text>
  )
}
