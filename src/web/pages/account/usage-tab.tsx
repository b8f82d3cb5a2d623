/** Product usage of one account: adoption KPIs, active users over time, top events, key features and product users. */
import { useMemo, useState, type ReactNode } from 'react'
import { Link, useSearchParams } from 'react-router-dom'
import {
  ActionIcon,
  Anchor,
  Avatar,
  Badge,
  Button,
  Grid,
  Group,
  Loader,
  Paper,
  Progress,
  SegmentedControl,
  Skeleton,
  Stack,
  Table,
  Text,
  ThemeIcon,
  Title,
  Tooltip,
} from '@mantine/core'
import { BarChart, CompositeChart } from '@mantine/charts'
import { notifications } from '@mantine/notifications'
import {
  IconActivity,
  IconArmchair,
  IconArrowDownRight,
  IconArrowRight,
  IconArrowUpRight,
  IconCheck,
  IconClockHour4,
  IconMinus,
  IconPuzzle,
  IconStar,
  IconStarFilled,
  IconUsers,
} from '@tabler/icons-react'
import { errorMessage } from '../../api/client'
import { useAccountUsage, useSaveUsageSettings } from '../../api/hooks'
import type { Account360, AccountUsage } from '../../api/types'
import { useSession } from '../../auth/session'
import { EmptyState, ErrorState } from '../../components/query-state'
import { formatDate, formatDateTime, formatNumber, formatRelative, initials, pluralize } from '../../lib/format'
import {
  formatChange,
  formatDaysSince,
  formatShare,
  hasNoUsage,
  parseUsagePeriod,
  recencyTone,
  seenInLast30Days,
  toneColor,
  trendTone,
  usageChartData,
  usagePeriods,
  utilizationTone,
  LOW_UTILIZATION,
  QUIET_AFTER_DAYS,
  type UsagePeriod,
} from '../../lib/usage'
import { SendUsageHelp } from './send-usage-help'

/** The period lives in the URL (`?tab=usage&days=180`) so a view can be shared. */
export function useUsagePeriod(): [UsagePeriod, (period: UsagePeriod) => void] {
  const [params, setParams] = useSearchParams()
  const period = parseUsagePeriod(params.get('days'))
  const setPeriod = (next: UsagePeriod) =>
    setParams(
      (prev) => {
        const out = new URLSearchParams(prev)
        out.set('days', String(next))
        return out
      },
      { replace: true },
    )
  return [period, setPeriod]
}

function periodLabel(days: number): string {
  return days === 365 ? '1 year' : `${days} days`
}

function MetricCard({
  label,
  value,
  side,
  children,
  testId,
}: {
  label: string
  value: ReactNode
  side?: ReactNode
  children?: ReactNode
  testId: string
}) {
  return (
    <Paper withBorder radius="md" p="md" h="100%" data-testid={testId}>
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
        <div style={{ minWidth: 0 }}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={700} lts={0.4}>
            {label}
          </Text>
          <Text component="div" fz={26} fw={700} lh={1.2} mt={4} style={{ fontVariantNumeric: 'tabular-nums' }} data-testid={`${testId}-value`}>
            {value}
          </Text>
        </div>
        {side}
      </Group>
      {children ? (
        <Text component="div" size="xs" c="dimmed" mt={6}>
          {children}
        </Text>
      ) : null}
    </Paper>
  )
}

function ActiveUsersCard({ usage }: { usage: AccountUsage }) {
  const cell = (label: string, value: number, testId: string, hint: string) => (
    <Tooltip label={hint} withArrow>
      <Stack gap={0} align="flex-start">
        <Text size="xs" c="dimmed" fw={600}>
          {label}
        </Text>
        <Text fz={22} fw={700} lh={1.2} style={{ fontVariantNumeric: 'tabular-nums' }} data-testid={testId}>
          {formatNumber(value)}
        </Text>
      </Stack>
    </Tooltip>
  )
  return (
    <Paper withBorder radius="md" p="md" h="100%" data-testid="usage-kpi-active-users">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Text size="xs" c="dimmed" tt="uppercase" fw={700} lts={0.4}>
          Active users
        </Text>
        <ThemeIcon color="bosun" variant="light" size={32} radius="md">
          <IconUsers size={18} />
        </ThemeIcon>
      </Group>
      <Group gap="lg" mt={2} wrap="nowrap">
        {cell('DAU', usage.dau, 'usage-dau', 'Distinct users active today')}
        {cell('WAU', usage.wau, 'usage-wau', 'Distinct users active in the last 7 days')}
        {cell('MAU', usage.mau, 'usage-mau', 'Distinct users active in the last 30 days')}
      </Group>
      <Text size="xs" c="dimmed" mt={6}>
        {usage.mau > 0 ? `Stickiness (DAU ÷ MAU) ${formatShare(usage.dau / usage.mau)}` : 'Nobody active in the last 30 days'}
      </Text>
    </Paper>
  )
}

function UtilizationCard({ usage }: { usage: AccountUsage }) {
  const tone = utilizationTone(usage.licenseUtilization)
  const color = toneColor[tone]
  const share = usage.licenseUtilization
  return (
    <MetricCard
      label="License utilization"
      testId="usage-kpi-utilization"
      value={
        <Text component="span" inherit c={tone === 'warning' ? 'orange.7' : undefined}>
          {share === null ? '—' : formatShare(share)}
        </Text>
      }
      side={
        <ThemeIcon color={color} variant="light" size={32} radius="md">
          <IconArmchair size={18} />
        </ThemeIcon>
      }
    >
      <Stack gap={6}>
        <Progress
          value={share === null ? 0 : Math.min(100, share * 100)}
          color={color}
          size="sm"
          aria-label="License utilization"
          data-tone={tone}
          data-testid="usage-utilization-bar"
        />
        <span>
          {usage.seats === null || usage.seats === 0
            ? 'No purchased seats on an active subscription'
            : tone === 'warning'
              ? `Only ${formatNumber(usage.mau)} of ${pluralize(usage.seats, 'seat')} active — below ${formatShare(LOW_UTILIZATION)}`
              : tone === 'over'
                ? `${formatNumber(usage.mau)} active users on ${pluralize(usage.seats, 'seat')} — expansion opportunity`
                : `${formatNumber(usage.mau)} of ${pluralize(usage.seats, 'seat')} active this month`}
        </span>
      </Stack>
    </MetricCard>
  )
}

function FeatureBreadthCard({ usage }: { usage: AccountUsage }) {
  const total = usage.keyFeatures.length
  const share = total > 0 ? usage.featureBreadth / total : null
  return (
    <MetricCard
      label="Feature breadth"
      testId="usage-kpi-breadth"
      value={total > 0 ? `${usage.featureBreadth} of ${total}` : '—'}
      side={
        <ThemeIcon color="grape" variant="light" size={32} radius="md">
          <IconPuzzle size={18} />
        </ThemeIcon>
      }
    >
      {total > 0 ? (
        <Stack gap={6}>
          <Progress value={(share ?? 0) * 100} color={share !== null && share < 0.5 ? 'orange' : 'teal'} size="sm" aria-label="Feature breadth" />
          <span>key features used in the last 30 days</span>
        </Stack>
      ) : (
        'No key features configured yet'
      )}
    </MetricCard>
  )
}

function TrendCard({ usage }: { usage: AccountUsage }) {
  const tone = trendTone(usage.trend30d)
  const Arrow = tone === 'good' ? IconArrowUpRight : tone === 'bad' ? IconArrowDownRight : IconMinus
  return (
    <MetricCard
      label="Events, last 30 days"
      testId="usage-kpi-trend"
      value={formatNumber(usage.events30d)}
      side={
        <Badge
          size="lg"
          variant="light"
          color={toneColor[tone]}
          tt="none"
          leftSection={<Arrow size={14} />}
          data-tone={tone}
          data-testid="usage-trend-badge"
        >
          {usage.trend30d === null ? 'new' : formatChange(usage.trend30d)}
        </Badge>
      }
    >
      {usage.trend30d === null
        ? usage.events30d > 0
          ? 'No events in the prior 30 days to compare with'
          : 'No events in the last 60 days'
        : `vs ${formatNumber(usage.eventsPrior30d)} in the prior 30 days`}
    </MetricCard>
  )
}

function RecencyCard({ usage }: { usage: AccountUsage }) {
  const tone = recencyTone(usage.daysSinceLastActivity)
  return (
    <MetricCard
      label="Last activity"
      testId="usage-kpi-recency"
      value={
        <Text component="span" inherit c={tone === 'bad' ? 'red.7' : undefined} data-tone={tone}>
          {formatDaysSince(usage.daysSinceLastActivity)}
        </Text>
      }
      side={
        <ThemeIcon color={toneColor[tone]} variant="light" size={32} radius="md">
          <IconClockHour4 size={18} />
        </ThemeIcon>
      }
    >
      {usage.lastActivityAt
        ? tone === 'bad'
          ? `Quiet for more than ${QUIET_AFTER_DAYS} days · last seen ${formatDateTime(usage.lastActivityAt)}`
          : `Last event ${formatDateTime(usage.lastActivityAt)}`
        : 'No activity recorded'}
    </MetricCard>
  )
}

function ActivityCharts({ usage, period }: { usage: AccountUsage; period: UsagePeriod }) {
  const data = useMemo(() => usageChartData(usage.series), [usage.series])
  const peak = data.reduce((max, row) => Math.max(max, row.events), 0)
  const totalEvents = data.reduce((sum, row) => sum + row.events, 0)
  return (
    <>
      <Paper withBorder p="md">
        <Group justify="space-between" mb="sm" align="flex-start">
          <div>
            <Title order={4} fz="md">
              Active users over time
            </Title>
            <Text size="xs" c="dimmed">
              Daily active users, with users active in the trailing 7 and 30 days
            </Text>
          </div>
          <Badge variant="light" color="gray" tt="none" data-testid="usage-period-label">
            Last {periodLabel(period)}
          </Badge>
        </Group>
        <CompositeChart
          h={260}
          data={data}
          dataKey="label"
          series={[
            { name: 'dau', label: 'DAU', color: 'bosun.3', type: 'bar' },
            { name: 'wau', label: 'WAU (7 days)', color: 'teal.6', type: 'line' },
            { name: 'mau', label: 'MAU (30 days)', color: 'indigo.7', type: 'line' },
          ]}
          curveType="monotone"
          withDots={false}
          withLegend
          legendProps={{ verticalAlign: 'bottom', height: 40 }}
          maxBarWidth={18}
          gridAxis="y"
          yAxisProps={{ width: 40, allowDecimals: false }}
          xAxisProps={{ minTickGap: 24 }}
          valueFormatter={(value) => formatNumber(value)}
          tooltipProps={{ wrapperStyle: { zIndex: 10 } }}
          data-testid="usage-active-users-chart"
        />
      </Paper>

      <Paper withBorder p="md">
        <Group justify="space-between" mb="sm" align="flex-start">
          <div>
            <Title order={4} fz="md">
              Events per day
            </Title>
            <Text size="xs" c="dimmed">
              Every tracked call, page and screen view attributed to this account
            </Text>
          </div>
          <Text size="sm" c="dimmed" style={{ fontVariantNumeric: 'tabular-nums' }} data-testid="usage-events-total">
            {formatNumber(totalEvents)} in {periodLabel(period)} · peak {formatNumber(peak)}/day
          </Text>
        </Group>
        <BarChart
          h={160}
          data={data}
          dataKey="label"
          series={[{ name: 'events', label: 'Events', color: 'bosun.5' }]}
          maxBarWidth={18}
          gridAxis="y"
          yAxisProps={{ width: 40, allowDecimals: false, tickCount: 3 }}
          xAxisProps={{ minTickGap: 24 }}
          valueFormatter={(value) => formatNumber(value)}
          tooltipProps={{ wrapperStyle: { zIndex: 10 } }}
          data-testid="usage-events-chart"
        />
      </Paper>
    </>
  )
}

/** Adds or removes one event name from the workspace's key features (config:write only). */
function useToggleKeyFeature(usage: AccountUsage) {
  const save = useSaveUsageSettings()
  const [pending, setPending] = useState<string | null>(null)
  const toggle = (event: string) => {
    const current = usage.keyFeatures.map((feature) => feature.event)
    const isKey = current.includes(event)
    const keyFeatures = isKey ? current.filter((name) => name !== event) : [...current, event]
    setPending(event)
    save.mutate(
      { keyFeatures },
      {
        onSuccess: () =>
          notifications.show({
            color: 'teal',
            title: isKey ? 'Removed from key features' : 'Added to key features',
            message: `“${event}” ${isKey ? 'no longer counts' : 'now counts'} towards feature breadth for every account.`,
          }),
        onError: (error) => notifications.show({ color: 'red', title: 'Could not update key features', message: errorMessage(error) }),
        onSettled: () => setPending(null),
      },
    )
  }
  return { toggle, pending }
}

function TopEventsCard({ usage }: { usage: AccountUsage }) {
  const canConfigure = useSession().can('config:write')
  const { toggle, pending } = useToggleKeyFeature(usage)
  const keyNames = new Set(usage.keyFeatures.map((feature) => feature.event))
  const max = usage.topEvents[0]?.count30d ?? 0
  return (
    <Paper withBorder p="md" h="100%" data-testid="usage-top-events">
      <Title order={4} fz="md">
        Top events
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        Most frequent in the last 30 days
      </Text>
      {usage.topEvents.length === 0 ? (
        <Text size="sm" c="dimmed">
          No events in the last 30 days.
        </Text>
      ) : (
        <Stack gap={10}>
          {usage.topEvents.map((row) => {
            const isKey = keyNames.has(row.event)
            return (
              <div key={row.event} data-testid="usage-top-event">
                <Group justify="space-between" gap="xs" wrap="nowrap" mb={4}>
                  <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
                    {canConfigure ? (
                      <Tooltip label={isKey ? 'Key feature — click to remove' : 'Mark as a key feature'} withArrow>
                        <ActionIcon
                          size="sm"
                          variant="subtle"
                          color={isKey ? 'yellow' : 'gray'}
                          onClick={() => toggle(row.event)}
                          loading={pending === row.event}
                          aria-label={isKey ? `Remove ${row.event} from key features` : `Mark ${row.event} as a key feature`}
                          data-testid="usage-toggle-key-feature"
                        >
                          {isKey ? <IconStarFilled size={14} /> : <IconStar size={14} />}
                        </ActionIcon>
                      </Tooltip>
                    ) : isKey ? (
                      <Tooltip label="Key feature" withArrow>
                        <IconStarFilled size={14} color="var(--mantine-color-yellow-6)" />
                      </Tooltip>
                    ) : null}
                    <Text size="sm" fw={500} truncate="end" title={row.event}>
                      {row.event}
                    </Text>
                  </Group>
                  <Text size="sm" c="dimmed" style={{ fontVariantNumeric: 'tabular-nums' }}>
                    {formatNumber(row.count30d)}
                  </Text>
                </Group>
                <Progress value={max > 0 ? (row.count30d / max) * 100 : 0} size={6} color={isKey ? 'grape.5' : 'bosun.4'} aria-label={row.event} />
              </div>
            )
          })}
        </Stack>
      )}
    </Paper>
  )
}

function KeyFeaturesCard({ usage }: { usage: AccountUsage }) {
  const session = useSession()
  const used = usage.keyFeatures.filter((feature) => feature.used30d)
  const unused = usage.keyFeatures.filter((feature) => !feature.used30d)
  return (
    <Paper withBorder p="md" h="100%" data-testid="usage-key-features">
      <Group justify="space-between" align="flex-start" gap="xs">
        <div>
          <Title order={4} fz="md">
            Key features
          </Title>
          <Text size="xs" c="dimmed" mb="sm">
            {usage.keyFeatures.length > 0
              ? `${usage.featureBreadth} of ${usage.keyFeatures.length} used in the last 30 days`
              : 'The events that show real adoption of your product'}
          </Text>
        </div>
        {session.can('config:read') ? (
          <Anchor component={Link} to="/settings/usage" size="xs">
            {session.can('config:write') ? 'Edit list' : 'View list'}
          </Anchor>
        ) : null}
      </Group>
      {usage.keyFeatures.length === 0 ? (
        <Stack gap="xs" align="flex-start">
          <Text size="sm" c="dimmed">
            No key features are configured for this workspace yet.{' '}
            {session.can('config:write') ? 'Pick them from the top events (☆) or in settings.' : 'An admin can choose them in settings.'}
          </Text>
        </Stack>
      ) : (
        <Stack gap="sm">
          <div>
            <Text size="xs" fw={700} c="teal.7" tt="uppercase" lts={0.3} mb={6}>
              Adopted ({used.length})
            </Text>
            <Group gap={6}>
              {used.length === 0 ? (
                <Text size="sm" c="dimmed">
                  None yet
                </Text>
              ) : (
                used.map((feature) => (
                  <Tooltip key={feature.event} label={`${formatNumber(feature.count30d)} events in 30 days`} withArrow>
                    <Badge
                      variant="light"
                      color="teal"
                      tt="none"
                      leftSection={<IconCheck size={12} />}
                      data-testid="usage-feature-used"
                    >
                      {feature.event}
                    </Badge>
                  </Tooltip>
                ))
              )}
            </Group>
          </div>
          <div>
            <Text size="xs" fw={700} c="dimmed" tt="uppercase" lts={0.3} mb={6}>
              Not used in 30 days ({unused.length})
            </Text>
            <Group gap={6}>
              {unused.length === 0 ? (
                <Text size="sm" c="dimmed">
                  Every key feature is in use
                </Text>
              ) : (
                unused.map((feature) => (
                  <Badge key={feature.event} variant="outline" color="gray" tt="none" fw={500} data-testid="usage-feature-unused">
                    {feature.event}
                  </Badge>
                ))
              )}
            </Group>
          </div>
        </Stack>
      )}
    </Paper>
  )
}

const USERS_SHOWN = 10

function ProductUsersCard({ usage, accountId }: { usage: AccountUsage; accountId: string }) {
  const [showAll, setShowAll] = useState(false)
  const users = showAll ? usage.users : usage.users.slice(0, USERS_SHOWN)
  const activeCount = usage.users.filter((user) => seenInLast30Days(user.lastSeenAt, usage.asOf)).length
  return (
    <Paper withBorder data-testid="usage-users">
      <Group justify="space-between" p="md" pb="xs">
        <div>
          <Title order={4} fz="md">
            Product users
          </Title>
          <Text size="xs" c="dimmed">
            {usage.users.length >= 100 ? 'The 100 most recently seen' : pluralize(usage.users.length, 'known user')} ·{' '}
            {formatNumber(activeCount)} seen in the last 30 days
          </Text>
        </div>
      </Group>
      {usage.users.length === 0 ? (
        <EmptyState
          title="No identified users yet"
          description="Users appear once events carry a userId; an identify call with an email links them to a contact."
          icon={<IconUsers size={22} />}
        />
      ) : (
        <>
          <Table.ScrollContainer minWidth={560} type="native">
            <Table striped highlightOnHover data-testid="usage-users-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>User</Table.Th>
                  <Table.Th>User ID</Table.Th>
                  <Table.Th>Last seen</Table.Th>
                  <Table.Th>Contact</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {users.map((user) => {
                  const active = seenInLast30Days(user.lastSeenAt, usage.asOf)
                  const display = user.name ?? user.email ?? user.userId
                  return (
                    <Table.Tr key={user.userId} data-testid="usage-user-row">
                      <Table.Td>
                        <Group gap="sm" wrap="nowrap">
                          <Avatar size={26} radius="xl" color="initials" name={display}>
                            {initials(display)}
                          </Avatar>
                          <div style={{ minWidth: 0 }}>
                            <Text size="sm" fw={600} truncate="end">
                              {user.name ?? user.email ?? 'Unnamed user'}
                            </Text>
                            {user.name && user.email ? (
                              <Text size="xs" c="dimmed" truncate="end">
                                {user.email}
                              </Text>
                            ) : null}
                          </div>
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs" ff="monospace" c="dimmed" truncate="end" maw={180} title={user.userId}>
                          {user.userId}
                        </Text>
                      </Table.Td>
                      <Table.Td className="bosun-nowrap">
                        <Group gap={6} wrap="nowrap">
                          <Tooltip label={active ? 'Active in the last 30 days' : 'Not seen in 30 days'} withArrow>
                            <span
                              style={{
                                display: 'inline-block',
                                width: 8,
                                height: 8,
                                borderRadius: 8,
                                background: active ? 'var(--mantine-color-teal-6)' : 'var(--mantine-color-gray-4)',
                              }}
                            />
                          </Tooltip>
                          <Text size="sm" title={formatDateTime(user.lastSeenAt)}>
                            {formatRelative(user.lastSeenAt)}
                          </Text>
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        {user.contactId ? (
                          <Anchor
                            component={Link}
                            to={`/accounts/${accountId}?tab=contacts&contact=${encodeURIComponent(user.contactId)}`}
                            size="sm"
                            data-testid="usage-user-contact-link"
                          >
                            View contact
                          </Anchor>
                        ) : (
                          <Tooltip label="Not matched to a contact: an identify call with the user's email links them" withArrow multiline w={240}>
                            <Text size="sm" c="dimmed">
                              —
                            </Text>
                          </Tooltip>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  )
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {usage.users.length > USERS_SHOWN ? (
            <Group justify="center" p="xs">
              <Button size="xs" variant="subtle" onClick={() => setShowAll((value) => !value)} rightSection={<IconArrowRight size={14} />}>
                {showAll ? 'Show fewer' : `Show all ${formatNumber(usage.users.length)}`}
              </Button>
            </Group>
          ) : null}
        </>
      )}
    </Paper>
  )
}

function UsageSkeleton() {
  return (
    <Stack gap="md" data-testid="usage-loading">
      <Grid gap="md">
        {Array.from({ length: 5 }, (_, index) => (
          <Grid.Col key={index} span={{ base: 12, sm: 6, lg: index < 3 ? 4 : 6 }}>
            <Paper withBorder p="md">
              <Skeleton height={10} width={90} />
              <Skeleton height={26} width={120} mt={10} />
              <Skeleton height={8} width="70%" mt={10} />
            </Paper>
          </Grid.Col>
        ))}
      </Grid>
      <Paper withBorder p="md">
        <Skeleton height={12} width="30%" mb="md" />
        <Skeleton height={240} />
      </Paper>
    </Stack>
  )
}

export function UsageTab({ data }: { data: Account360 }) {
  const { account } = data
  const [period, setPeriod] = useUsagePeriod()
  const query = useAccountUsage(account.id, period)

  if (query.isPending) return <UsageSkeleton />
  if (query.isError) return <ErrorState error={query.error} title="Could not load product usage" onRetry={() => void query.refetch()} />

  const usage = query.data
  if (hasNoUsage(usage)) return <SendUsageHelp accountName={account.name} externalId={account.externalId} />

  return (
    <Stack gap="md" data-testid="usage-tab">
      <Group justify="space-between" align="center">
        <Group gap="xs">
          <ThemeIcon variant="light" color="bosun" size={28} radius="md">
            <IconActivity size={16} />
          </ThemeIcon>
          <div>
            <Text fw={700} size="sm">
              Product usage
            </Text>
            <Text size="xs" c="dimmed">
              As of {formatDate(usage.asOf)} (UTC)
            </Text>
          </div>
          {query.isFetching ? <Loader size={14} /> : null}
        </Group>
        <SegmentedControl
          size="xs"
          value={String(period)}
          onChange={(value) => setPeriod(parseUsagePeriodOrKeep(value, period))}
          data={usagePeriods.map((days) => ({ value: String(days), label: days === 365 ? '1 y' : `${days} d` }))}
          aria-label="Chart period"
          data-testid="usage-period"
        />
      </Group>

      <Grid gap="md">
        <Grid.Col span={{ base: 12, sm: 6, lg: 4 }}>
          <ActiveUsersCard usage={usage} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 6, lg: 4 }}>
          <UtilizationCard usage={usage} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 6, lg: 4 }}>
          <FeatureBreadthCard usage={usage} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 6, lg: 6 }}>
          <TrendCard usage={usage} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <RecencyCard usage={usage} />
        </Grid.Col>
      </Grid>

      <ActivityCharts usage={usage} period={period} />

      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 6 }}>
          <TopEventsCard usage={usage} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <KeyFeaturesCard usage={usage} />
        </Grid.Col>
      </Grid>

      <ProductUsersCard usage={usage} accountId={account.id} />
    </Stack>
  )
}

function parseUsagePeriodOrKeep(value: string, current: UsagePeriod): UsagePeriod {
  return usagePeriods.find((days) => String(days) === value) ?? current
}
