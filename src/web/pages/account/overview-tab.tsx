/** Account overview: revenue trend, revenue movements, product usage headline, details and traits. */
import { useMemo } from 'react'
import { Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core'
import { AreaChart } from '@mantine/charts'
import type { Account360 } from '../../api/types'
import { MovementBadge } from '../../components/badges'
import { EmptyState } from '../../components/query-state'
import { arrChartData, signedMovement } from '../../lib/charts'
import { formatDate, formatDateTime, formatMoney, formatMoneyDelta, formatMoneyFull, titleCase } from '../../lib/format'
import { UsageSummaryCard } from './usage-summary-card'

function traitValue(value: unknown): string {
  if (value === null || value === undefined) return '—'
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

export function OverviewTab({ data }: { data: Account360 }) {
  const { account, revenue } = data
  const series = useMemo(() => arrChartData(revenue.series), [revenue.series])
  const movements = useMemo(
    () => [...revenue.movements].sort((a, b) => b.effectiveDate.localeCompare(a.effectiveDate)),
    [revenue.movements],
  )
  const traits = Object.entries(account.traits ?? {})

  return (
    <Stack gap="md">
      <Paper withBorder p="md">
        <Group justify="space-between" mb="sm">
          <div>
            <Title order={4} fz="md">
              Revenue over time
            </Title>
            <Text size="xs" c="dimmed">
              ARR by month
            </Text>
          </div>
          <Text fw={700} style={{ fontVariantNumeric: 'tabular-nums' }}>
            {formatMoney(account.arr, account.currency)} today
          </Text>
        </Group>
        {series.length === 0 ? (
          <EmptyState title="No revenue history" description="ARR history builds up from subscriptions and revenue movements." />
        ) : (
          <AreaChart
            h={220}
            data={series}
            dataKey="label"
            series={[{ name: 'arr', label: 'ARR', color: 'bosun.6' }]}
            curveType="stepAfter"
            withGradient
            withDots={false}
            gridAxis="y"
            valueFormatter={(value) => formatMoney(value, account.currency)}
            yAxisProps={{ width: 64 }}
            data-testid="account-revenue-chart"
          />
        )}
      </Paper>

      <Paper withBorder>
        <Group justify="space-between" p="md" pb="xs">
          <Title order={4} fz="md">
            Revenue movements
          </Title>
          <Text size="xs" c="dimmed">
            {movements.length} {movements.length === 1 ? 'movement' : 'movements'}
          </Text>
        </Group>
        {movements.length === 0 ? (
          <EmptyState title="No revenue movements" description="New business, expansions, contractions and churn appear here." />
        ) : (
          <Table.ScrollContainer minWidth={560} maxHeight={360} type="native">
            <Table striped highlightOnHover stickyHeader data-testid="movements-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Date</Table.Th>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th ta="right">ARR change</Table.Th>
                  <Table.Th>Source</Table.Th>
                  <Table.Th>Note</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {movements.map((movement) => {
                  const signed = signedMovement(movement.kind, movement.arrDelta)
                  return (
                    <Table.Tr key={movement.id}>
                      <Table.Td className="bosun-nowrap">{formatDate(movement.effectiveDate)}</Table.Td>
                      <Table.Td>
                        <MovementBadge kind={movement.kind} />
                      </Table.Td>
                      <Table.Td
                        className="bosun-num"
                        fw={600}
                        c={signed < 0 ? 'red' : 'teal'}
                        title={formatMoneyFull(movement.arrDelta, movement.currency)}
                      >
                        {formatMoneyDelta(signed, movement.currency)}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c="dimmed">
                          {movement.source ? titleCase(movement.source) : '—'}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" lineClamp={2}>
                          {movement.note ?? ''}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  )
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <UsageSummaryCard account={account} />

        <Paper withBorder p="md">
          <Title order={4} fz="md" mb="xs">
            Details
          </Title>
          <Table verticalSpacing={4} withRowBorders={false} data-testid="account-details">
            <Table.Tbody>
              <Table.Tr>
                <Table.Td c="dimmed" w={140}>
                  External ID
                </Table.Td>
                <Table.Td>{account.externalId}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Td c="dimmed">Currency</Table.Td>
                <Table.Td>{account.currency}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Td c="dimmed">Created</Table.Td>
                <Table.Td>{formatDateTime(account.createdAt)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Td c="dimmed">Last updated</Table.Td>
                <Table.Td>{formatDateTime(account.updatedAt)}</Table.Td>
              </Table.Tr>
              {traits.map(([key, value]) => (
                <Table.Tr key={key}>
                  <Table.Td c="dimmed">{titleCase(key)}</Table.Td>
                  <Table.Td style={{ wordBreak: 'break-word' }}>{traitValue(value)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      </SimpleGrid>
    </Stack>
  )
}
