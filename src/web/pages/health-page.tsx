/** Health across the book: bands with ARR, per segment, ARR at risk, the week's biggest movers, missing inputs. */
import { useState } from 'react'
import { Link } from 'react-router-dom'
import { Alert, Anchor, Button, Drawer, Group, Paper, Progress, SimpleGrid, Stack, Table, Text, Title, Tooltip } from '@mantine/core'
import { IconAdjustmentsHorizontal, IconAlertTriangle, IconHeartbeat, IconInfoCircle, IconTarget, IconTrendingDown, IconTrendingUp } from '@tabler/icons-react'
import { useHealthPortfolio, useHealthStatus, type BandCounts, type HealthMover } from '../api/health'
import { KpiCard } from '../components/kpi-card'
import { PageHeader } from '../components/page-header'
import { CardSkeleton, EmptyState, ErrorState } from '../components/query-state'
import { formatDate, formatMoney, formatNumber } from '../lib/format'
import { AccountHealthCard } from './health/account-health-card'
import { AccountHealthTab } from './health/account-health-tab'
import { BandBadge, bandColors, bandLabels, bandOrder, formatScore, formatSigned } from './health/health-parts'

function BandBar({ bands, testId }: { bands: BandCounts; testId?: string }) {
  const total = bandOrder.reduce((sum, band) => sum + bands[band].accounts, 0)
  if (total === 0) return <Text size="xs" c="dimmed">No scored accounts</Text>
  return (
    <Progress.Root size={14} data-testid={testId}>
      {bandOrder.map((band) => (
        <Tooltip key={band} label={`${bandLabels[band]}: ${formatNumber(bands[band].accounts)} accounts, ${formatMoney(bands[band].arr)}`} withArrow>
          <Progress.Section value={(bands[band].accounts / total) * 100} color={bandColors[band]} />
        </Tooltip>
      ))}
    </Progress.Root>
  )
}

function MoversTable({ movers, direction, onOpen }: { movers: HealthMover[]; direction: 'up' | 'down'; onOpen: (mover: HealthMover) => void }) {
  return (
    <Paper withBorder p="md" data-testid={`health-movers-${direction}`}>
      <Group gap="xs" mb="xs">
        {direction === 'down' ? <IconTrendingDown size={18} color="var(--mantine-color-red-6)" /> : <IconTrendingUp size={18} color="var(--mantine-color-teal-6)" />}
        <Title order={4} fz="md">
          {direction === 'down' ? 'Biggest drops this week' : 'Biggest gains this week'}
        </Title>
      </Group>
      {movers.length === 0 ? (
        <Text size="sm" c="dimmed">
          No account moved.
        </Text>
      ) : (
        <Table verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Account</Table.Th>
              <Table.Th ta="right">ARR</Table.Th>
              <Table.Th ta="right">Score</Table.Th>
              <Table.Th ta="right">Change</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {movers.map((mover) => (
              <Table.Tr key={mover.accountId} data-testid="health-mover-row">
                <Table.Td>
                  <Anchor component={Link} to={`/accounts/${mover.accountId}?tab=health`} size="sm" fw={600} data-testid="health-mover-account">
                    {mover.name}
                  </Anchor>
                  <Text size="xs" c="dimmed">
                    {mover.ownerName ?? 'Unassigned'}
                  </Text>
                </Table.Td>
                <Table.Td ta="right" className="bosun-num">
                  {formatMoney(mover.arr)}
                </Table.Td>
                <Table.Td ta="right" className="bosun-num">
                  <Group gap={6} justify="flex-end" wrap="nowrap">
                    {formatScore(mover.from)} → {formatScore(mover.to)}
                    <BandBadge band={mover.band} size="xs" />
                  </Group>
                </Table.Td>
                <Table.Td ta="right" className="bosun-num" c={mover.change < 0 ? 'red' : 'teal'}>
                  {formatSigned(mover.change)}
                </Table.Td>
                <Table.Td ta="right">
                  <Button size="compact-xs" variant="subtle" onClick={() => onOpen(mover)} data-testid="health-mover-open">
                    Why?
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  )
}

export default function HealthPage() {
  const portfolio = useHealthPortfolio()
  const status = useHealthStatus()
  const [open, setOpen] = useState<HealthMover | null>(null)
  const data = portfolio.data
  const queued = status.data?.queued ?? 0

  return (
    <>
      <PageHeader
        title="Health"
        description="How healthy the book is: bands by accounts and ARR, segments, ARR at risk and who moved this week."
        actions={
          <>
            <Button component={Link} to="/health/backtest" variant="light" size="xs" leftSection={<IconTarget size={16} />} data-testid="health-backtest-link">
              Backtest
            </Button>
            <Button component={Link} to="/configuration/scorecard" variant="light" size="xs" leftSection={<IconAdjustmentsHorizontal size={16} />}>
              Scorecards
            </Button>
          </>
        }
      />
      {queued > 0 ? (
        <Alert color="blue" variant="light" icon={<IconInfoCircle size={18} />} mb="md" data-testid="health-queued">
          Rescoring {formatNumber(queued)} accounts…
          {status.data && status.data.accounts > 0 ? <Progress mt={6} size="xs" value={Math.max(0, 100 - (queued / status.data.accounts) * 100)} animated /> : null}
        </Alert>
      ) : null}
      {portfolio.isError ? (
        <ErrorState error={portfolio.error} title="Could not load health" onRetry={() => void portfolio.refetch()} />
      ) : !data ? (
        <Stack>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
            <CardSkeleton />
            <CardSkeleton />
            <CardSkeleton />
            <CardSkeleton />
          </SimpleGrid>
          <CardSkeleton height={300} />
        </Stack>
      ) : status.data?.scorecards === 0 ? (
        <Paper withBorder>
          <EmptyState
            icon={<IconHeartbeat size={28} />}
            title="No scorecard yet"
            description="Publish a health scorecard under Configuration: every account is scored as soon as it is published."
            action={
              <Button component={Link} to="/configuration/scorecard" variant="light">
                Configure a scorecard
              </Button>
            }
          />
        </Paper>
      ) : (
        <Stack gap="lg" data-testid="health-page">
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
            <KpiCard label="Average score" value={formatScore(data.averageScore)} hint={`${formatNumber(data.scored)} of ${formatNumber(data.accounts)} active accounts scored`} icon={<IconHeartbeat size={20} />} testId="health-kpi-average" />
            <KpiCard label="ARR at risk" value={formatMoney(data.arrAtRisk.red)} hint={`${formatNumber(data.bands.red.accounts)} accounts in red`} color="red" icon={<IconAlertTriangle size={20} />} testId="health-kpi-risk" />
            <KpiCard label="ARR to watch" value={formatMoney(data.arrAtRisk.yellow)} hint={`${formatNumber(data.bands.yellow.accounts)} accounts in yellow`} color="yellow" icon={<IconAlertTriangle size={20} />} testId="health-kpi-watch" />
            <KpiCard label="Not scored" value={formatNumber(data.unscored)} hint="No scorecard applies or every input missing" color="gray" icon={<IconInfoCircle size={20} />} testId="health-kpi-unscored" />
          </SimpleGrid>

          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            <Paper withBorder p="md">
              <Title order={4} fz="md" mb="sm">
                By band
              </Title>
              <BandBar bands={data.bands} testId="health-band-bar" />
              <Table mt="sm" verticalSpacing={4}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Band</Table.Th>
                    <Table.Th ta="right">Accounts</Table.Th>
                    <Table.Th ta="right">ARR</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {bandOrder.map((band) => (
                    <Table.Tr key={band}>
                      <Table.Td>
                        <BandBadge band={band} />
                      </Table.Td>
                      <Table.Td ta="right" className="bosun-num" data-testid={`health-band-count-${band}`}>
                        {formatNumber(data.bands[band].accounts)}
                      </Table.Td>
                      <Table.Td ta="right" className="bosun-num" data-testid={`health-band-arr-${band}`}>
                        {formatMoney(data.bands[band].arr)}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Paper>
            <Paper withBorder p="md" data-testid="health-segments">
              <Title order={4} fz="md" mb="sm">
                By segment
              </Title>
              {data.segments.length === 0 ? (
                <Text size="sm" c="dimmed">
                  No segments published.
                </Text>
              ) : (
                <Stack gap="sm">
                  {data.segments.map((segment) => (
                    <div key={segment.key} data-testid={`health-segment-${segment.key}`}>
                      <Group justify="space-between" mb={4}>
                        <Anchor component={Link} to={`/segments/segments/${segment.key}`} size="sm" fw={600}>
                          {segment.name}
                        </Anchor>
                        <Text size="xs" c="dimmed">
                          {formatNumber(segment.accounts)} scored · average {formatScore(segment.averageScore)} · {formatMoney(segment.bands.red.arr)} at risk
                        </Text>
                      </Group>
                      <BandBar bands={segment.bands} />
                    </div>
                  ))}
                </Stack>
              )}
            </Paper>
          </SimpleGrid>

          <Text size="xs" c="dimmed">
            Movers: score now against the latest snapshot on or before {formatDate(data.movers.since)}.
          </Text>
          <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
            <MoversTable movers={data.movers.down} direction="down" onOpen={setOpen} />
            <MoversTable movers={data.movers.up} direction="up" onOpen={setOpen} />
          </SimpleGrid>

          {data.missing.length > 0 ? (
            <Paper withBorder p="md" data-testid="health-missing">
              <Title order={4} fz="md" mb={4}>
                Missing inputs
              </Title>
              <Text size="xs" c="dimmed" mb="sm">
                Measures without data for some accounts: they are left out and the others re-weighted, never counted as zero.
              </Text>
              <Group gap="lg">
                {data.missing.map((row) => (
                  <Text key={row.key} size="sm">
                    {row.name}: <b>{formatNumber(row.accounts)}</b>
                  </Text>
                ))}
              </Group>
            </Paper>
          ) : null}
        </Stack>
      )}
      <Drawer opened={open !== null} onClose={() => setOpen(null)} position="right" size="xl" title={open ? `${open.name}: why it moved` : ''} data-testid="health-drawer">
        {open ? (
          <Stack gap="md">
            <Anchor component={Link} to={`/accounts/${open.accountId}?tab=health`} size="sm">
              Open the account →
            </Anchor>
            <AccountHealthTab accountId={open.accountId} />
            <AccountHealthCard accountId={open.accountId} />
          </Stack>
        ) : null}
      </Drawer>
    </>
  )
}
