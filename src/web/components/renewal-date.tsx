/** Renewal date with days-to-go; red when under 30 days (or overdue). */
import { Group, Text } from '@mantine/core'
import { daysUntil, formatDate, formatDaysFromNow } from '../lib/format'

export function renewalColor(days: number | null): string | undefined {
  if (days === null) return undefined
  if (days < 30) return 'red'
  if (days < 90) return 'orange'
  return undefined
}

export function RenewalDate({ date, withDays = true }: { date: string | null; withDays?: boolean }) {
  if (!date) {
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    )
  }
  const days = daysUntil(date)
  const urgent = days !== null && days < 30
  return (
    <Group gap={6} wrap="nowrap" data-urgent={urgent || undefined}>
      <Text size="sm" c={urgent ? 'red' : undefined} fw={urgent ? 600 : undefined} className="bosun-nowrap">
        {formatDate(date)}
      </Text>
      {withDays && days !== null ? (
        <Text size="xs" c={renewalColor(days) ?? 'dimmed'} className="bosun-nowrap">
          {formatDaysFromNow(days)}
        </Text>
      ) : null}
    </Group>
  )
}
