/** The accounts behind a stage or a milestone status, paged, each linking to its Account 360. */
import { useState } from 'react'
import { Link } from 'react-router-dom'
import { Anchor, Badge, Drawer, Group, Pagination, SegmentedControl, Stack, Table, Text } from '@mantine/core'
import { useMilestoneAccounts, useStageMembers, type MilestoneStatus } from '../../api/journeys'
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-state'
import { formatDate, formatMoney, formatNumber } from '../../lib/format'
import { MilestoneStatusBadge, statusLabels, statusOrder } from './milestone-status'

export type DrillTarget =
  | { type: 'stage'; stage: string; name: string; overdue: boolean }
  | { type: 'milestone'; journey: string; milestone: string; name: string; status: MilestoneStatus | null }

const PAGE = 50

function AccountLink({ id, name }: { id: string; name: string }) {
  return (
    <Anchor component={Link} to={`/accounts/${id}`} fw={600} size="sm" data-testid="journey-drawer-account">
      {name}
    </Anchor>
  )
}

function StageMembers({ target }: { target: Extract<DrillTarget, { type: 'stage' }> }) {
  const [page, setPage] = useState(1)
  const members = useStageMembers({ stage: target.stage, overdue: target.overdue }, page, PAGE)
  if (members.isError) return <ErrorState error={members.error} onRetry={() => void members.refetch()} />
  if (!members.data) return <TableSkeleton rows={8} columns={4} />
  if (members.data.total === 0) return <EmptyState title="No accounts here" />
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {formatNumber(members.data.total)} accounts, longest in the stage first
      </Text>
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Account</Table.Th>
            <Table.Th ta="right">ARR</Table.Th>
            <Table.Th>Owner</Table.Th>
            <Table.Th ta="right">Days in stage</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {members.data.accounts.map((account) => (
            <Table.Tr key={account.id} data-testid="journey-drawer-row">
              <Table.Td>
                <AccountLink id={account.id} name={account.name} />
              </Table.Td>
              <Table.Td className="bosun-num">{formatMoney(account.arr)}</Table.Td>
              <Table.Td>{account.ownerName ?? <Text size="sm" c="dimmed">—</Text>}</Table.Td>
              <Table.Td className="bosun-num">
                <Group gap={6} justify="flex-end" wrap="nowrap">
                  {account.overdue ? (
                    <Badge size="xs" color="orange" variant="light">
                      overdue
                    </Badge>
                  ) : null}
                  {formatNumber(account.daysInGroup)}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {members.data.total > PAGE ? <Pagination total={Math.ceil(members.data.total / PAGE)} value={page} onChange={setPage} size="sm" /> : null}
    </Stack>
  )
}

function MilestoneAccounts({ target }: { target: Extract<DrillTarget, { type: 'milestone' }> }) {
  const [page, setPage] = useState(1)
  const [status, setStatus] = useState<MilestoneStatus | null>(target.status)
  const accounts = useMilestoneAccounts({ journey: target.journey, milestone: target.milestone, status }, page, PAGE)
  return (
    <Stack gap="sm">
      <SegmentedControl
        size="xs"
        value={status ?? 'all'}
        onChange={(value) => {
          setStatus(value === 'all' ? null : (value as MilestoneStatus))
          setPage(1)
        }}
        data={[{ value: 'all', label: 'All' }, ...statusOrder.map((value) => ({ value, label: statusLabels[value] }))]}
        data-testid="journey-drawer-status"
      />
      {accounts.isError ? (
        <ErrorState error={accounts.error} onRetry={() => void accounts.refetch()} />
      ) : !accounts.data ? (
        <TableSkeleton rows={8} columns={5} />
      ) : accounts.data.total === 0 ? (
        <EmptyState title="No accounts with this status" />
      ) : (
        <>
          <Text size="sm" c="dimmed">
            {formatNumber(accounts.data.total)} accounts · {accounts.data.milestone.rule}
          </Text>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Account</Table.Th>
                <Table.Th ta="right">ARR</Table.Th>
                <Table.Th>Due</Table.Th>
                <Table.Th>Reached</Table.Th>
                <Table.Th>Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {accounts.data.accounts.map((account) => (
                <Table.Tr key={account.id} data-testid="journey-drawer-row">
                  <Table.Td>
                    <AccountLink id={account.id} name={account.name} />
                    {account.ownerName ? (
                      <Text size="xs" c="dimmed">
                        {account.ownerName}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td className="bosun-num">{formatMoney(account.arr)}</Table.Td>
                  <Table.Td className="bosun-nowrap">{formatDate(account.dueOn)}</Table.Td>
                  <Table.Td className="bosun-nowrap">{account.achievedOn ? formatDate(account.achievedOn) : '—'}</Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <MilestoneStatusBadge status={account.status} size="sm" />
                      {account.daysOverdue ? (
                        <Text size="xs" c="dimmed" className="bosun-nowrap">
                          +{account.daysOverdue} d
                        </Text>
                      ) : null}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {accounts.data.total > PAGE ? <Pagination total={Math.ceil(accounts.data.total / PAGE)} value={page} onChange={setPage} size="sm" /> : null}
        </>
      )}
    </Stack>
  )
}

export function DrillDrawer({ target, onClose }: { target: DrillTarget | null; onClose: () => void }) {
  const title = !target ? '' : target.type === 'stage' ? `${target.name}${target.overdue ? ': past the SLA' : ''}` : target.name
  return (
    <Drawer opened={target !== null} onClose={onClose} position="right" size="xl" title={<Text fw={700}>{title}</Text>} data-testid="journey-drawer">
      {target?.type === 'stage' ? <StageMembers key={`${target.stage}-${target.overdue}`} target={target} /> : null}
      {target?.type === 'milestone' ? <MilestoneAccounts key={`${target.journey}-${target.milestone}-${target.status}`} target={target} /> : null}
    </Drawer>
  )
}
