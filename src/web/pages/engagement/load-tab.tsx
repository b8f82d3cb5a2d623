/** Team load: each CSM's accounts and ARR per tier against the capacity of those tiers. */
import { Badge, Group, Paper, SimpleGrid, Stack, Table, Text, Tooltip } from '@mantine/core'
import { useTeamLoad, type LoadRow, type TierModel } from '../../api/engagement'
import { ErrorState, TableSkeleton } from '../../components/query-state'
import { formatMoney, formatNumber } from '../../lib/format'
import { capacityText, TierBadge, touchModelLabel, UtilizationBar } from './parts'

function TierCells({ row, tiers }: { row: LoadRow; tiers: TierModel[] }) {
  return (
    <>
      {tiers.map((tier) => {
        const load = row.tiers.find((entry) => entry.tier === tier.key)
        return (
          <Table.Td key={tier.key} ta="right">
            {load ? (
              <Stack gap={0}>
                <Text size="sm" style={{ fontVariantNumeric: 'tabular-nums' }}>
                  {formatNumber(load.accounts)}
                </Text>
                <Text size="xs" c="dimmed">
                  {formatMoney(load.arr)}
                </Text>
              </Stack>
            ) : (
              <Text size="sm" c="dimmed">
                –
              </Text>
            )}
          </Table.Td>
        )
      })}
    </>
  )
}

export function LoadTab() {
  const load = useTeamLoad()
  if (load.isError) return <ErrorState error={load.error} title="Could not load the team’s load" onRetry={() => void load.refetch()} />
  const data = load.data
  const tiers = data?.tiers ?? []
  return (
    <Stack gap="lg">
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="md" data-testid="load-capacity">
        {tiers.map((tier) => (
          <Paper key={tier.key} withBorder p="sm" radius="md">
            <Group justify="space-between" wrap="nowrap">
              <TierBadge name={tier.name} color={tier.color} />
              {tier.model ? (
                <Text size="xs" c="dimmed">
                  {touchModelLabel[tier.model.touchModel]}
                </Text>
              ) : null}
            </Group>
            <Text size="sm" mt={6}>
              {capacityText(tier)}
            </Text>
          </Paper>
        ))}
      </SimpleGrid>
      <Paper withBorder radius="md">
        <Group p="sm" justify="space-between">
          <Text size="sm" c="dimmed">
            Utilization: Σ accounts (or ARR) in a tier ÷ what one CSM carries there; a CSM across tiers adds up the shares.
          </Text>
          {data && data.overCapacity > 0 ? (
            <Badge color="red" variant="light" data-testid="load-over-capacity">
              {data.overCapacity} over capacity
            </Badge>
          ) : null}
        </Group>
        {load.isPending ? (
          <TableSkeleton rows={8} columns={6} />
        ) : (
          <Table.ScrollContainer minWidth={1000}>
            <Table verticalSpacing="xs" highlightOnHover data-testid="load-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>CSM</Table.Th>
                  <Table.Th w={320}>Utilization</Table.Th>
                  <Table.Th ta="right">Accounts</Table.Th>
                  <Table.Th ta="right">ARR</Table.Th>
                  {tiers.map((tier) => (
                    <Table.Th key={tier.key} ta="right">
                      {tier.name}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data?.rows.map((row) => (
                  <Table.Tr key={row.userId ?? 'unassigned'} data-testid={row.userId ? 'load-row' : 'load-row-unassigned'}>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Text size="sm" fw={600} c={row.userId ? undefined : 'orange'}>
                          {row.name}
                        </Text>
                        {row.overCapacity ? (
                          <Badge color="red" size="xs" variant="filled">
                            Over
                          </Badge>
                        ) : null}
                        {row.status === 'disabled' ? (
                          <Tooltip label="A disabled user still owns these accounts" withArrow>
                            <Badge color="gray" size="xs">
                              disabled
                            </Badge>
                          </Tooltip>
                        ) : null}
                      </Group>
                      {row.role ? (
                        <Text size="xs" c="dimmed">
                          {row.role}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      {row.userId ? (
                        <Stack gap={2}>
                          <UtilizationBar label="Accounts" share={row.accountUtilization} />
                          <UtilizationBar label="ARR" share={row.arrUtilization} />
                        </Stack>
                      ) : (
                        <Text size="xs" c="dimmed">
                          Waiting for an owner
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td ta="right">{formatNumber(row.accounts)}</Table.Td>
                    <Table.Td ta="right">{formatMoney(row.arr)}</Table.Td>
                    <TierCells row={row} tiers={tiers} />
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
    </Stack>
  )
}
