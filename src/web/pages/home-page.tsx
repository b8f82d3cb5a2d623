/** Portfolio home: KPIs, ARR trend, ARR movements and upcoming renewals. */
import { useMemo } from 'react'
import { Link, useNavigate } from 'react-router-dom'
import {
  Anchor,
  Badge,
  Button,
  Grid,
  Group,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core'
import { AreaChart, BarChart } from '@mantine/charts'
import {
  IconArrowRight,
  IconBuildingSkyscraper,
  IconCalendarDue,
  IconCurrencyDollar,
  IconHeadset,
  IconTrendingDown,
} from '@tabler/icons-react'
import { usePortfolioSummary } from '../api/hooks'
import type { PortfolioSummary } from '../api/types'
import { movementKinds } from '../api/types'
import { useSession } from '../auth/session'
import { KpiCard } from '../components/kpi-card'
import { PageHeader } from '../components/page-header'
import { EmptyState, ErrorState, TableSkeleton } from '../components/query-state'
import { RenewalDate } from '../components/renewal-date'
import {
  arrChartData,
  movementChartData,
  movementLabels,
  movementSeriesColors,
  movementTotals,
  netMovement,
} from '../lib/charts'
import { formatMoney, formatMoneyDelta, formatMoneyFull, formatNumber } from '../lib/format'

function ArrTrendCard({ summary }: { summary: PortfolioSummary | undefined }) {
  const data = useMemo(() => arrChartData(summary?.arr.series ?? []), [summary])
  const first = data[0]?.arr
  const last = data[data.length - 1]?.arr
  const change = first !== undefined && last !== undefined ? last - first : null
  const pct = change !== null && first ? (change / first) * 100 : null
  return (
    <Paper withBorder p="md" h="100%">
      <Group justify="space-between" mb="md" align="flex-start">
        <div>
          <Title order={4} fz="md">
            ARR over time
          </Title>
          <Text size="xs" c="dimmed">
            End-of-month ARR across all accounts
          </Text>
        </div>
        {change !== null && data.length > 1 ? (
          <Badge variant="light" color={change >= 0 ? 'teal' : 'red'} size="lg" tt="none">
            {formatMoneyDelta(change)}
            {pct !== null ? ` (${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%)` : ''} over {data.length} mo
          </Badge>
        ) : null}
      </Group>
      {!summary ? (
        <Skeleton height={260} />
      ) : data.length === 0 ? (
        <EmptyState title="No revenue history yet" description="ARR appears once subscriptions or movements are imported." />
      ) : (
        <AreaChart
          h={260}
          data={data}
          dataKey="label"
          series={[{ name: 'arr', label: 'ARR', color: 'bosun.6' }]}
          curveType="monotone"
          withGradient
          withDots={false}
          gridAxis="y"
          valueFormatter={(value) => formatMoney(value)}
          yAxisProps={{ width: 64 }}
          tooltipProps={{ wrapperStyle: { zIndex: 10 } }}
          data-testid="arr-chart"
        />
      )}
    </Paper>
  )
}

function MovementsCard({ summary }: { summary: PortfolioSummary | undefined }) {
  const data = useMemo(() => movementChartData(summary?.movements ?? []), [summary])
  const totals = useMemo(() => movementTotals(data), [data])
  const net = netMovement(data)
  return (
    <Paper withBorder p="md" h="100%">
      <Group justify="space-between" mb="md" align="flex-start">
        <div>
          <Title order={4} fz="md">
            ARR movements by month
          </Title>
          <Text size="xs" c="dimmed">
            Gains above the line, losses below
          </Text>
        </div>
        {data.length > 0 ? (
          <Badge variant="light" color={net >= 0 ? 'teal' : 'red'} size="lg" tt="none">
            Net {formatMoneyDelta(net)}
          </Badge>
        ) : null}
      </Group>
      {!summary ? (
        <Skeleton height={260} />
      ) : data.length === 0 ? (
        <EmptyState title="No ARR movements yet" description="New business, expansion, contraction and churn show up here." />
      ) : (
        <>
          <BarChart
            h={228}
            data={data}
            dataKey="label"
            type="stacked"
            series={movementKinds.map((kind) => ({
              name: kind,
              label: movementLabels[kind],
              color: movementSeriesColors[kind],
            }))}
            barChartProps={{ stackOffset: 'sign' }}
            gridAxis="y"
            valueFormatter={(value) => formatMoneyDelta(value)}
            yAxisProps={{ width: 64 }}
            referenceLines={[{ y: 0, color: 'gray.5' }]}
            data-testid="movements-chart"
          />
          <Group gap="md" mt="sm" justify="center">
            {movementKinds.map((kind) => (
              <Group key={kind} gap={6} wrap="nowrap">
                <span
                  style={{
                    width: 10,
                    height: 10,
                    borderRadius: 2,
                    background: `var(--mantine-color-${movementSeriesColors[kind].replace('.', '-')})`,
                  }}
                />
                <Text size="xs" c="dimmed">
                  {movementLabels[kind]}
                </Text>
                <Text size="xs" fw={600} style={{ fontVariantNumeric: 'tabular-nums' }}>
                  {formatMoneyDelta(totals[kind])}
                </Text>
              </Group>
            ))}
          </Group>
        </>
      )}
    </Paper>
  )
}

function UpcomingRenewalsCard({ summary, loading }: { summary: PortfolioSummary | undefined; loading: boolean }) {
  const navigate = useNavigate()
  const rows = summary?.renewals.upcoming ?? []
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="sm">
        <div>
          <Title order={4} fz="md">
            Upcoming renewals
          </Title>
          <Text size="xs" c="dimmed">
            Next 90 days, soonest first
          </Text>
        </div>
        <Button
          component={Link}
          to="/accounts?renewalWithinDays=90&sort=renewal_date&status=active"
          variant="subtle"
          size="xs"
          rightSection={<IconArrowRight size={14} />}
        >
          All renewals
        </Button>
      </Group>
      {loading ? (
        <TableSkeleton rows={6} columns={4} />
      ) : rows.length === 0 ? (
        <EmptyState title="No renewals in the next 90 days" description="Nothing is coming due. Enjoy the calm." />
      ) : (
        <Table.ScrollContainer minWidth={560} maxHeight={420}>
          <Table striped highlightOnHover stickyHeader data-testid="upcoming-renewals">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Account</Table.Th>
                <Table.Th>Owner</Table.Th>
                <Table.Th ta="right">ARR</Table.Th>
                <Table.Th>Renewal date</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr
                  key={row.id}
                  className="bosun-clickable-row"
                  onClick={() => navigate(`/accounts/${row.id}`)}
                  data-testid="renewal-row"
                >
                  <Table.Td>
                    <Anchor
                      component={Link}
                      to={`/accounts/${row.id}`}
                      fw={600}
                      size="sm"
                      onClick={(event) => event.stopPropagation()}
                    >
                      {row.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c={row.ownerName ? undefined : 'dimmed'}>
                      {row.ownerName ?? 'Unassigned'}
                    </Text>
                  </Table.Td>
                  <Table.Td className="bosun-num" title={formatMoneyFull(row.arr)}>
                    {formatMoney(row.arr)}
                  </Table.Td>
                  <Table.Td>
                    <RenewalDate date={row.renewalDate} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  )
}

export default function HomePage() {
  const session = useSession()
  const summary = usePortfolioSummary()
  const data = summary.data
  const loading = summary.isPending

  return (
    <>
      <PageHeader
        title="Portfolio"
        description={`${session.workspace.name} · how the book of business is doing today`}
        actions={
          <Button component={Link} to="/accounts" variant="default" leftSection={<IconBuildingSkyscraper size={16} />}>
            Browse accounts
          </Button>
        }
      />

      {summary.isError ? (
        <ErrorState error={summary.error} title="Could not load the portfolio" onRetry={() => void summary.refetch()} />
      ) : (
        <Stack gap="lg">
          <SimpleGrid cols={{ base: 1, xs: 2, md: 3, lg: 5 }} spacing="md">
            <KpiCard
              label="Total ARR"
              value={formatMoney(data?.arr.current)}
              hint={data ? formatMoneyFull(data.arr.current) : undefined}
              icon={<IconCurrencyDollar size={20} />}
              color="bosun"
              loading={loading}
              testId="kpi-arr"
            />
            <KpiCard
              label="Active accounts"
              value={formatNumber(data?.accounts.active)}
              hint={data ? `${formatNumber(data.accounts.churned)} churned all-time` : undefined}
              icon={<IconBuildingSkyscraper size={20} />}
              color="teal"
              loading={loading}
              testId="kpi-active-accounts"
            />
            <KpiCard
              label="Churned (12 mo)"
              value={formatNumber(data?.accounts.churnedLast12Months)}
              hint="Accounts lost in the last 12 months"
              icon={<IconTrendingDown size={20} />}
              color="red"
              loading={loading}
              testId="kpi-churned"
            />
            <KpiCard
              label="Renewals (90 days)"
              value={formatNumber(data?.renewals.next90Days.count)}
              hint={data ? `${formatMoney(data.renewals.next90Days.arr)} ARR up for renewal` : undefined}
              icon={<IconCalendarDue size={20} />}
              color="orange"
              loading={loading}
              testId="kpi-renewals"
            />
            <KpiCard
              label="Open tickets"
              value={formatNumber(data?.tickets.open)}
              hint="New, open, pending or on hold"
              icon={<IconHeadset size={20} />}
              color="grape"
              loading={loading}
              testId="kpi-open-tickets"
            />
          </SimpleGrid>

          <Grid gap="md">
            <Grid.Col span={{ base: 12, lg: 6 }}>
              <ArrTrendCard summary={data} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 6 }}>
              <MovementsCard summary={data} />
            </Grid.Col>
          </Grid>

          <UpcomingRenewalsCard summary={data} loading={loading} />
        </Stack>
      )}
    </>
  )
}
