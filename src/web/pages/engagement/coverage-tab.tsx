/** Coverage: which accounts are out of the cadences their tier owes them. */
import { useMemo, useState } from 'react'
import { Link } from 'react-router-dom'
import { Anchor, Badge, Group, Pagination, Paper, Progress, Select, SimpleGrid, Stack, Table, Text, UnstyledButton } from '@mantine/core'
import { IconCalendarCheck } from '@tabler/icons-react'
import { useCoverage, type Coverage, type CoverageQuery } from '../../api/engagement'
import { useUsers } from '../../api/hooks'
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-state'
import { formatDate, formatMoney, formatNumber, pluralize } from '../../lib/format'
import { percent, TierBadge } from './parts'

const PAGE = 50

function SummaryCards({ data, selected, onSelect }: { data: Coverage; selected: { tier?: string; cadence?: string }; onSelect: (tier: string, cadence: string) => void }) {
  const color = (tier: string) => data.tiers.find((entry) => entry.key === tier)?.color ?? 'gray'
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="md" data-testid="coverage-summary">
      {data.summary.map((line) => {
        const active = selected.tier === line.tier && selected.cadence === line.cadence
        return (
          <UnstyledButton key={`${line.tier}/${line.cadence}`} onClick={() => onSelect(line.tier, line.cadence)} data-testid={`coverage-card-${line.tier}-${line.cadence}`}>
            <Paper withBorder p="md" radius="md" style={active ? { borderColor: 'var(--mantine-color-blue-filled)' } : undefined}>
              <Group justify="space-between" wrap="nowrap" mb={6}>
                <TierBadge name={line.tierName} color={color(line.tier)} />
                <Text size="xs" c="dimmed">
                  every {line.everyDays} d
                </Text>
              </Group>
              <Text fw={600} size="sm">
                {line.cadenceName}
              </Text>
              <Group justify="space-between" align="flex-end" mt={4}>
                <Text fz={26} fw={700} lh={1.1} style={{ fontVariantNumeric: 'tabular-nums' }}>
                  {percent(line.inCadenceShare)}
                </Text>
                <Text size="xs" c={line.outOfCadence > 0 ? 'red' : 'dimmed'}>
                  {formatNumber(line.outOfCadence)} of {formatNumber(line.accounts)} out
                </Text>
              </Group>
              <Progress mt={8} value={line.inCadenceShare * 100} color={line.inCadenceShare >= 0.9 ? 'teal' : line.inCadenceShare >= 0.7 ? 'orange' : 'red'} size="sm" />
            </Paper>
          </UnstyledButton>
        )
      })}
    </SimpleGrid>
  )
}

export function CoverageTab() {
  const [filters, setFilters] = useState<{ tier?: string; ownerId?: string; cadence?: string }>({})
  const [page, setPage] = useState(1)
  const query: CoverageQuery = { ...filters, limit: PAGE, offset: (page - 1) * PAGE }
  const coverage = useCoverage(query)
  const users = useUsers()
  const data = coverage.data
  const update = (next: typeof filters) => {
    setFilters(next)
    setPage(1)
  }

  const tierOptions = useMemo(() => (data?.tiers ?? []).filter((tier) => tier.model && tier.model.cadences.length > 0).map((tier) => ({ value: tier.key, label: tier.name })), [data?.tiers])
  const cadenceOptions = useMemo(() => {
    const keys = new Map<string, string>()
    for (const tier of data?.tiers ?? []) for (const cadence of tier.model?.cadences ?? []) if (!filters.tier || filters.tier === tier.key) keys.set(cadence.key, cadence.name)
    return [...keys].map(([value, label]) => ({ value, label }))
  }, [data?.tiers, filters.tier])
  const ownerOptions = useMemo(
    () => [{ value: 'unassigned', label: 'Unassigned' }, ...(users.data?.items ?? []).filter((user) => user.role !== 'viewer').map((user) => ({ value: user.id, label: user.name }))],
    [users.data],
  )
  const tierColor = (key: string) => data?.tiers.find((tier) => tier.key === key)?.color

  if (coverage.isError) return <ErrorState error={coverage.error} title="Could not load coverage" onRetry={() => void coverage.refetch()} />

  return (
    <Stack gap="lg">
      {data && data.summary.length === 0 ? (
        <EmptyState
          title="No cadences to check"
          icon={<IconCalendarCheck size={22} />}
          description="Publish an engagement model with cadences for a tier (Configuration → Engagement models), e.g. a touchpoint every 30 days."
        />
      ) : null}
      {data && data.summary.length > 0 ? (
        <>
          <Text size="sm" c="dimmed" data-testid="coverage-totals">
            {percent(data.totals.inCadenceShare)} in cadence · {formatNumber(data.totals.outOfCadence)} of {formatNumber(data.totals.pairs)} account cadences overdue
          </Text>
          <SummaryCards data={data} selected={filters} onSelect={(tier, cadence) => update(filters.tier === tier && filters.cadence === cadence ? { ownerId: filters.ownerId } : { ...filters, tier, cadence })} />
        </>
      ) : null}

      <Paper withBorder radius="md">
        <Group p="sm" gap="sm" wrap="wrap">
          <Select placeholder="All tiers" data={tierOptions} value={filters.tier ?? null} onChange={(value) => update({ ...filters, tier: value ?? undefined, cadence: undefined })} clearable w={180} data-testid="coverage-filter-tier" />
          <Select placeholder="All cadences" data={cadenceOptions} value={filters.cadence ?? null} onChange={(value) => update({ ...filters, cadence: value ?? undefined })} clearable w={180} data-testid="coverage-filter-cadence" />
          <Select placeholder="All owners" data={ownerOptions} value={filters.ownerId ?? null} onChange={(value) => update({ ...filters, ownerId: value ?? undefined })} clearable searchable w={220} data-testid="coverage-filter-owner" />
          {data ? (
            <Text size="sm" c="dimmed" ml="auto">
              {pluralize(data.total, 'account cadence')} out of cadence
            </Text>
          ) : null}
        </Group>
        {coverage.isPending ? (
          <TableSkeleton rows={8} columns={7} />
        ) : data && data.items.length === 0 ? (
          <EmptyState title="Everything in cadence" description="No account matching these filters is overdue for a touch." icon={<IconCalendarCheck size={22} />} />
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table highlightOnHover verticalSpacing="xs" data-testid="coverage-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Account</Table.Th>
                  <Table.Th>Tier</Table.Th>
                  <Table.Th>Owner</Table.Th>
                  <Table.Th>Cadence</Table.Th>
                  <Table.Th>Last touch</Table.Th>
                  <Table.Th ta="right">ARR</Table.Th>
                  <Table.Th ta="right">Overdue</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data?.items.map((item) => (
                  <Table.Tr key={`${item.accountId}/${item.cadence}`} data-testid="coverage-row">
                    <Table.Td>
                      <Anchor component={Link} to={`/accounts/${item.accountId}`} size="sm" fw={600}>
                        {item.accountName}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <TierBadge name={item.tierName} color={tierColor(item.tier)} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c={item.ownerName ? undefined : 'orange'}>
                        {item.ownerName ?? 'Unassigned'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">
                        {item.cadenceName}{' '}
                        <Text span size="xs" c="dimmed">
                          every {item.everyDays} d
                        </Text>
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c={item.lastAt ? undefined : 'dimmed'}>
                        {item.lastAt ? formatDate(item.lastAt) : 'Never'}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right">{formatMoney(item.arr)}</Table.Td>
                    <Table.Td ta="right">
                      <Badge color={item.daysOverdue > item.everyDays ? 'red' : 'orange'} variant="light" data-testid="out-of-cadence-badge">
                        {pluralize(item.daysOverdue, 'day')} overdue
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {data && data.total > PAGE ? (
          <Group justify="center" p="sm">
            <Pagination total={Math.ceil(data.total / PAGE)} value={page} onChange={setPage} size="sm" />
          </Group>
        ) : null}
      </Paper>
    </Stack>
  )
}
