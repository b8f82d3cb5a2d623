/** Team: each person's open work, what is overdue and what they finished lately; click a person for their open tasks. */
import { useState } from 'react'
import { Badge, Drawer, Group, Paper, Stack, Table, Text } from '@mantine/core'
import { useTasks, useTeamWorkload, type TeamRow } from '../../api/tasks'
import { useSession } from '../../auth/session'
import { PageHeader } from '../../components/page-header'
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-state'
import { formatNumber } from '../../lib/format'
import { TaskList } from './task-list'

// Leads see the team view; a CSM has My day (the API allows any users:read, the page is for managers).
const leadRoles: ReadonlySet<string> = new Set(['owner', 'admin', 'manager'])

function PersonTasks({ person }: { person: TeamRow }) {
  const tasks = useTasks({ owner: person.userId, status: 'open', limit: 200 })
  if (tasks.isError) return <ErrorState error={tasks.error} title="Could not load the tasks" />
  if (tasks.isPending) return <TableSkeleton rows={5} columns={5} />
  if (tasks.data.items.length === 0) return <EmptyState title="No open tasks" />
  return (
    <Stack gap="xs">
      <TaskList tasks={tasks.data.items} testId="team-person-tasks" />
      {tasks.data.nextCursor ? (
        <Text size="xs" c="dimmed">
          The first 200 by due date.
        </Text>
      ) : null}
    </Stack>
  )
}

const numeric = { style: { fontVariantNumeric: 'tabular-nums' } } as const

export default function TeamPage() {
  const session = useSession()
  const isLead = leadRoles.has(session.user.role)
  const team = useTeamWorkload()
  const [person, setPerson] = useState<TeamRow | null>(null)

  if (!isLead) return <EmptyState title="For managers" description="The team view shows every CSM’s workload; your own tasks are on My day." />

  return (
    <>
      <PageHeader title="Team" description="Open tasks per person, what is overdue, and the last 30 days’ completions." />
      {team.isError ? <ErrorState error={team.error} title="Could not load the team" onRetry={() => void team.refetch()} /> : null}
      <Paper withBorder radius="md">
        {team.isPending ? (
          <TableSkeleton rows={6} columns={6} />
        ) : team.data ? (
          <Table.ScrollContainer minWidth={760}>
            <Table verticalSpacing="xs" highlightOnHover data-testid="team-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Person</Table.Th>
                  <Table.Th ta="right">Open</Table.Th>
                  <Table.Th ta="right">Overdue</Table.Th>
                  <Table.Th ta="right">Due this week</Table.Th>
                  <Table.Th ta="right">Completed (30 days)</Table.Th>
                  <Table.Th ta="right">Median days to complete</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {team.data.rows.map((row) => (
                  <Table.Tr key={row.userId} onClick={() => setPerson(row)} style={{ cursor: 'pointer' }} bg={row.overdue > 0 ? 'var(--mantine-color-red-light)' : undefined} data-testid="team-row">
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Text size="sm" fw={600}>
                          {row.name}
                        </Text>
                        {row.status === 'disabled' ? (
                          <Badge color="gray" size="xs">
                            disabled
                          </Badge>
                        ) : null}
                      </Group>
                      <Text size="xs" c="dimmed">
                        {row.role}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right" {...numeric}>
                      {formatNumber(row.open)}
                    </Table.Td>
                    <Table.Td ta="right" {...numeric}>
                      <Text size="sm" c={row.overdue > 0 ? 'red' : undefined} fw={row.overdue > 0 ? 700 : undefined} data-testid="team-overdue">
                        {formatNumber(row.overdue)}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right" {...numeric}>
                      {formatNumber(row.dueThisWeek)}
                    </Table.Td>
                    <Table.Td ta="right" {...numeric}>
                      {formatNumber(row.completed30d)}
                    </Table.Td>
                    <Table.Td ta="right" {...numeric}>
                      {row.medianDaysToComplete === null ? '—' : row.medianDaysToComplete.toFixed(1)}
                    </Table.Td>
                  </Table.Tr>
                ))}
                <Table.Tr data-testid="team-row-unassigned">
                  <Table.Td>
                    <Text size="sm" fw={600} c="orange">
                      Unassigned
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right" {...numeric}>
                    {formatNumber(team.data.unassigned.open)}
                  </Table.Td>
                  <Table.Td ta="right" {...numeric}>
                    <Text size="sm" c={team.data.unassigned.overdue > 0 ? 'red' : undefined}>
                      {formatNumber(team.data.unassigned.overdue)}
                    </Text>
                  </Table.Td>
                  <Table.Td colSpan={3} />
                </Table.Tr>
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ) : null}
      </Paper>
      <Drawer opened={person !== null} onClose={() => setPerson(null)} position="right" size="xl" title={<Text fw={700}>{person ? `${person.name}: open tasks` : ''}</Text>} data-testid="team-drawer">
        {person ? <PersonTasks key={person.userId} person={person} /> : null}
      </Drawer>
    </>
  )
}
