/** An account's milestones (for Account 360): each journey's milestones with due day, when reached, and status. */
import { Group, Paper, Stack, Table, Text, Title, Tooltip } from '@mantine/core'
import { useAccountMilestones } from '../../api/journeys'
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-state'
import { formatDate } from '../../lib/format'
import { MilestoneStatusBadge } from './milestone-status'

export function AccountMilestones({ accountId }: { accountId: string }) {
  const query = useAccountMilestones(accountId)
  return (
    <Paper withBorder p="md" data-testid="account-milestones">
      <Stack gap="sm">
        <Title order={4} fz="md">
          Milestones
        </Title>
        {query.isError ? (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        ) : !query.data ? (
          <TableSkeleton rows={4} columns={4} />
        ) : query.data.milestones.length === 0 ? (
          <EmptyState title="No journey applies to this account" description="Journeys are configured under Configuration → Journeys and milestones." />
        ) : (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Milestone</Table.Th>
                <Table.Th>Due</Table.Th>
                <Table.Th>Reached</Table.Th>
                <Table.Th>Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {query.data.milestones.map((milestone) => (
                <Table.Tr key={`${milestone.journeyKey}/${milestone.key}`} data-testid={`account-milestone-${milestone.journeyKey}-${milestone.key}`}>
                  <Table.Td>
                    <Tooltip label={milestone.rule} withArrow multiline w={280}>
                      <div>
                        <Text size="sm" fw={600}>
                          {milestone.name}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {milestone.journeyName}
                        </Text>
                      </div>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td className="bosun-nowrap">{formatDate(milestone.dueOn)}</Table.Td>
                  <Table.Td className="bosun-nowrap">{milestone.achievedOn ? formatDate(milestone.achievedOn) : '—'}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      <MilestoneStatusBadge status={milestone.status} size="sm" />
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Paper>
  )
}

export default AccountMilestones
