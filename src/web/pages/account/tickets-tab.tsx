/** Support tickets of the account, open first by default. */
import { useState } from 'react'
import { Group, Paper, SegmentedControl, Table, Text, Tooltip } from '@mantine/core'
import { IconHeadset, IconMoodHappy, IconMoodSad } from '@tabler/icons-react'
import type { Ticket } from '../../api/types'
import { PriorityBadge, TicketStatusBadge } from '../../components/badges'
import { EmptyState } from '../../components/query-state'
import { formatDate, formatDateTime } from '../../lib/format'

const openStatuses = new Set(['new', 'open', 'pending', 'on_hold'])
const priorityRank: Record<string, number> = { urgent: 0, high: 1, normal: 2, low: 3 }

export function TicketsTab({ tickets, openCount }: { tickets: Ticket[]; openCount: number }) {
  const [filter, setFilter] = useState<'open' | 'all'>(openCount > 0 ? 'open' : 'all')
  if (tickets.length === 0) {
    return (
      <Paper withBorder>
        <EmptyState title="No tickets" description="Support tickets appear here once your helpdesk is connected." icon={<IconHeadset size={22} />} />
      </Paper>
    )
  }
  const visible = tickets
    .filter((ticket) => filter === 'all' || openStatuses.has(ticket.status))
    .sort((a, b) => {
      const aOpen = openStatuses.has(a.status)
      const bOpen = openStatuses.has(b.status)
      if (aOpen !== bOpen) return aOpen ? -1 : 1
      if (aOpen && a.priority !== b.priority) return (priorityRank[a.priority] ?? 9) - (priorityRank[b.priority] ?? 9)
      return b.openedAt.localeCompare(a.openedAt)
    })
  return (
    <Paper withBorder>
      <Group justify="space-between" p="sm">
        <SegmentedControl
          size="xs"
          value={filter}
          onChange={(value) => setFilter(value === 'open' ? 'open' : 'all')}
          data={[
            { value: 'open', label: `Open (${openCount})` },
            { value: 'all', label: `All (${tickets.length})` },
          ]}
        />
      </Group>
      {visible.length === 0 ? (
        <EmptyState title="No open tickets" description="Everything is solved for this account." />
      ) : (
        <Table.ScrollContainer minWidth={760} maxHeight={560} type="native">
          <Table striped highlightOnHover stickyHeader data-testid="tickets-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Subject</Table.Th>
                <Table.Th>Priority</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Opened</Table.Th>
                <Table.Th>Closed</Table.Th>
                <Table.Th ta="center">CSAT</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {visible.map((ticket) => (
                <Table.Tr key={ticket.id} data-testid="ticket-row">
                  <Table.Td maw={380}>
                    <Text size="sm" fw={500} lineClamp={1} title={ticket.subject}>
                      {ticket.subject}
                    </Text>
                    {ticket.externalId ? (
                      <Text size="xs" c="dimmed">
                        #{ticket.externalId}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <PriorityBadge priority={ticket.priority} />
                  </Table.Td>
                  <Table.Td>
                    <TicketStatusBadge status={ticket.status} />
                  </Table.Td>
                  <Table.Td className="bosun-nowrap" title={formatDateTime(ticket.openedAt)}>
                    {formatDate(ticket.openedAt)}
                  </Table.Td>
                  <Table.Td className="bosun-nowrap" title={formatDateTime(ticket.closedAt)}>
                    {formatDate(ticket.closedAt)}
                  </Table.Td>
                  <Table.Td ta="center">
                    {ticket.satisfaction === 'good' ? (
                      <Tooltip label="Good" withArrow>
                        <IconMoodHappy size={18} color="var(--mantine-color-teal-6)" />
                      </Tooltip>
                    ) : ticket.satisfaction === 'bad' ? (
                      <Tooltip label="Bad" withArrow>
                        <IconMoodSad size={18} color="var(--mantine-color-red-6)" />
                      </Tooltip>
                    ) : (
                      <Text size="sm" c="dimmed">
                        —
                      </Text>
                    )}
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
