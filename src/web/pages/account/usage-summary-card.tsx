/** Overview card: the product-usage headline (MAU, seats, trend, recency) with a link to the Usage tab. */
import { Link } from 'react-router-dom'
import { Anchor, Badge, Group, Paper, SimpleGrid, Skeleton, Stack, Text, ThemeIcon, Title } from '@mantine/core'
import { Sparkline } from '@mantine/charts'
import { IconActivityHeartbeat, IconArrowDownRight, IconArrowRight, IconArrowUpRight, IconMinus } from '@tabler/icons-react'
import { errorMessage } from '../../api/client'
import { useAccountUsage } from '../../api/hooks'
import type { Account } from '../../api/types'
import { formatNumber } from '../../lib/format'
import {
  defaultUsagePeriod,
  formatChange,
  formatDaysSince,
  formatShare,
  hasNoUsage,
  recencyTone,
  toneColor,
  trendTone,
  utilizationTone,
} from '../../lib/usage'

function Figure({ label, value, color, testId }: { label: string; value: string; color?: string; testId: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} c={color} style={{ fontVariantNumeric: 'tabular-nums' }} data-testid={testId}>
        {value}
      </Text>
    </Stack>
  )
}

export function UsageSummaryCard({ account }: { account: Account }) {
  // Same period as the Usage tab's default, so opening the tab reuses this answer.
  const query = useAccountUsage(account.id, defaultUsagePeriod)
  const usage = query.data

  const header = (
    <Group justify="space-between" mb="sm" wrap="nowrap">
      <Group gap="sm" wrap="nowrap">
        <ThemeIcon variant="light" color="bosun" size={34} radius="md">
          <IconActivityHeartbeat size={20} />
        </ThemeIcon>
        <div>
          <Title order={4} fz="md">
            Product usage
          </Title>
          <Text size="xs" c="dimmed">
            Last 30 days
          </Text>
        </div>
      </Group>
      <Anchor component={Link} to="?tab=usage" size="sm" data-testid="usage-summary-open">
        <Group gap={4} wrap="nowrap">
          Details <IconArrowRight size={14} />
        </Group>
      </Anchor>
    </Group>
  )

  if (query.isPending) {
    return (
      <Paper withBorder p="md">
        {header}
        <Skeleton height={40} mb="sm" />
        <Skeleton height={36} />
      </Paper>
    )
  }
  if (query.isError || !usage) {
    return (
      <Paper withBorder p="md">
        {header}
        <Text size="sm" c="red">
          Could not load usage: {errorMessage(query.error)}
        </Text>
      </Paper>
    )
  }
  if (hasNoUsage(usage)) {
    return (
      <Paper withBorder p="md" data-testid="usage-summary">
        {header}
        <Text size="sm" c="dimmed">
          No product events for {account.name} yet. Send events with the account&apos;s external ID as the Segment{' '}
          <Text span inherit ff="monospace">
            groupId
          </Text>{' '}
          and active users, seat utilization and feature adoption appear here.
        </Text>
        <Anchor component={Link} to="?tab=usage" size="sm" mt="xs" display="inline-block">
          How to send events
        </Anchor>
      </Paper>
    )
  }

  const trend = trendTone(usage.trend30d)
  const Arrow = trend === 'good' ? IconArrowUpRight : trend === 'bad' ? IconArrowDownRight : IconMinus
  const recency = recencyTone(usage.daysSinceLastActivity)
  const utilization = utilizationTone(usage.licenseUtilization)
  const last30 = usage.series.slice(-30).map((day) => day.events)

  return (
    <Paper withBorder p="md" data-testid="usage-summary">
      {header}
      <SimpleGrid cols={3} spacing="xs" mb="sm">
        <Figure label="Monthly active" value={formatNumber(usage.mau)} testId="usage-summary-mau" />
        <Figure
          label="Seats in use"
          value={usage.licenseUtilization === null ? '—' : formatShare(usage.licenseUtilization)}
          color={utilization === 'warning' ? 'orange.7' : undefined}
          testId="usage-summary-utilization"
        />
        <Figure
          label="Last activity"
          value={formatDaysSince(usage.daysSinceLastActivity)}
          color={recency === 'bad' ? 'red.7' : undefined}
          testId="usage-summary-recency"
        />
      </SimpleGrid>
      <Group justify="space-between" align="flex-end" wrap="nowrap" gap="sm">
        <Sparkline
          h={36}
          style={{ flex: 1 }}
          data={last30}
          curveType="monotone"
          color="bosun.5"
          fillOpacity={0.4}
          strokeWidth={1.5}
          data-testid="usage-summary-sparkline"
        />
        <Stack gap={2} align="flex-end">
          <Badge variant="light" color={toneColor[trend]} tt="none" leftSection={<Arrow size={12} />}>
            {usage.trend30d === null ? 'new' : formatChange(usage.trend30d)}
          </Badge>
          <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
            {formatNumber(usage.events30d)} events
          </Text>
        </Stack>
      </Group>
    </Paper>
  )
}
