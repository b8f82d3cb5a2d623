/** Small pieces shared by the segments list and detail pages. */
import { Alert, Badge, ColorSwatch, Group, Skeleton, Text } from '@mantine/core'
import { Sparkline } from '@mantine/charts'
import { IconHourglass } from '@tabler/icons-react'
import { useGroupHistory, type MembershipFamily } from '../../api/segments'
import { formatNumber } from '../../lib/format'
import { groupColor, sparklineValues, waitingMessage } from './families'

export function GroupDot({ color, size = 12 }: { color: string | null | undefined; size?: number }) {
  return <ColorSwatch color={`var(--mantine-color-${groupColor(color)}-6)`} size={size} withShadow={false} style={{ flexShrink: 0 }} />
}

/** "+3 / −1" over the last 7 days. */
export function MovesCell({ entered, exited, justify = 'flex-end', size = 'sm' }: { entered: number; exited: number; justify?: 'flex-end' | 'flex-start'; size?: 'sm' | 'lg' }) {
  return (
    <Group gap={6} wrap="nowrap" justify={justify} style={{ fontVariantNumeric: 'tabular-nums' }}>
      <Text size={size} fw={size === 'lg' ? 700 : undefined} c={entered > 0 ? 'teal.7' : 'dimmed'} span>
        +{formatNumber(entered)}
      </Text>
      <Text size={size} fw={size === 'lg' ? 700 : undefined} c={exited > 0 ? 'red.7' : 'dimmed'} span>
        −{formatNumber(exited)}
      </Text>
    </Group>
  )
}

/** Accounts per day over 90 days; days without a count are left out. */
export function GroupSparkline({ family, groupKey, color }: { family: MembershipFamily; groupKey: string; color: string | null }) {
  const history = useGroupHistory(family, groupKey, 90)
  if (history.isPending) return <Skeleton height={28} width={120} />
  const values = history.data ? sparklineValues(history.data.points) : []
  if (values.length < 2) {
    return (
      <Text size="xs" c="dimmed">
        {history.isError ? 'no trend' : 'not enough days yet'}
      </Text>
    )
  }
  return (
    <Sparkline
      w={120}
      h={28}
      data={values}
      curveType="monotone"
      color={`${groupColor(color)}.6`}
      fillOpacity={0.35}
      strokeWidth={1.5}
      data-testid={`sparkline-${groupKey}`}
    />
  )
}

export function WaitingAlert({ list }: { list: { queued: number; unclassified: number } }) {
  const message = waitingMessage(list)
  if (!message) return null
  return (
    <Alert color="blue" variant="light" icon={<IconHourglass size={18} />} mb="md" data-testid="classification-waiting">
      <Text size="sm">{message}. The numbers update as the background job works through them.</Text>
    </Alert>
  )
}

export function ManualBadge() {
  return (
    <Badge size="xs" variant="light" color="grape" tt="none">
      by hand
    </Badge>
  )
}
