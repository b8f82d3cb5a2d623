/** Playbooks: every "if x happens, do y" with its state and what it has done lately. */
import { Link, useNavigate } from 'react-router-dom'
import { Anchor, Badge, Button, Group, Paper, Table, Text, Tooltip } from '@mantine/core'
import { IconBook2, IconPlus } from '@tabler/icons-react'
import { usePlaybooks } from '../api/playbooks'
import { useSession } from '../auth/session'
import { PageHeader } from '../components/page-header'
import { EmptyState, ErrorState, TableSkeleton } from '../components/query-state'
import { formatDateTime, formatNumber, formatRelative } from '../lib/format'
import { PlaybookStatusBadge } from './playbooks/playbook-parts'

const numeric = { fontVariantNumeric: 'tabular-nums' } as const

export default function PlaybooksPage() {
  const session = useSession()
  const navigate = useNavigate()
  const playbooks = usePlaybooks()
  const canWrite = session.can('config:write')
  const rows = playbooks.data?.playbooks ?? []

  return (
    <div data-testid="playbooks-page">
      <PageHeader
        title="Playbooks"
        description="If something happens to an account, do something about it: tasks, plans, emails, updates. Each playbook with what it has done."
        actions={
          canWrite ? (
            <Button component={Link} to="/configuration/playbook/new" leftSection={<IconPlus size={16} />} data-testid="playbook-new">
              New playbook
            </Button>
          ) : null
        }
      />
      <Paper withBorder>
        {playbooks.isPending ? (
          <TableSkeleton rows={4} columns={10} />
        ) : playbooks.isError ? (
          <ErrorState error={playbooks.error} onRetry={() => void playbooks.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState
            icon={<IconBook2 size={22} />}
            title="No playbooks yet"
            description="A playbook turns a trigger (health turns red, renewal in 90 days, an urgent ticket…) into steps."
            action={
              canWrite ? (
                <Button component={Link} to="/configuration/playbook/new" size="xs" leftSection={<IconPlus size={14} />}>
                  New playbook
                </Button>
              ) : undefined
            }
          />
        ) : (
          <Table.ScrollContainer minWidth={1000}>
            <Table highlightOnHover verticalSpacing="sm" data-testid="playbooks-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Playbook</Table.Th>
                  <Table.Th>Trigger</Table.Th>
                  <Table.Th miw={120}>Status</Table.Th>
                  <Table.Th ta="right">Version</Table.Th>
                  <Table.Th ta="right">Runs (30 days)</Table.Th>
                  <Table.Th ta="right">Open runs</Table.Th>
                  <Table.Th ta="right">Failed</Table.Th>
                  <Table.Th ta="right">Open tasks</Table.Th>
                  <Table.Th>Last triggered</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((playbook) => (
                  <Table.Tr
                    key={playbook.key}
                    style={{ cursor: 'pointer' }}
                    onClick={() => navigate(`/playbooks/${encodeURIComponent(playbook.key)}`)}
                    data-testid={`playbook-row-${playbook.key}`}
                  >
                    <Table.Td>
                      <Anchor component={Link} to={`/playbooks/${encodeURIComponent(playbook.key)}`} fw={600} size="sm" onClick={(event) => event.stopPropagation()} data-testid="playbook-name">
                        {playbook.name}
                      </Anchor>
                      {playbook.description ? (
                        <Text size="xs" c="dimmed" lineClamp={1} maw={360}>
                          {playbook.description}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{playbook.trigger}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <PlaybookStatusBadge status={playbook.status} />
                        {playbook.hasDraft && playbook.status !== 'draft' ? (
                          <Tooltip label="A draft waits to be published" withArrow>
                            <Badge size="sm" variant="outline" color="gray">
                              draft
                            </Badge>
                          </Tooltip>
                        ) : null}
                      </Group>
                    </Table.Td>
                    <Table.Td ta="right" style={numeric}>
                      {playbook.version === null ? '—' : `v${playbook.version}`}
                    </Table.Td>
                    <Table.Td ta="right" style={numeric}>
                      {formatNumber(playbook.runs.last30Days)}
                    </Table.Td>
                    <Table.Td ta="right" style={numeric}>
                      {formatNumber(playbook.runs.open)}
                    </Table.Td>
                    <Table.Td ta="right" style={numeric}>
                      <Text span size="sm" c={playbook.runs.failed > 0 ? 'red' : undefined} fw={playbook.runs.failed > 0 ? 600 : undefined}>
                        {formatNumber(playbook.runs.failed)}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right" style={numeric}>
                      {formatNumber(playbook.openTasks)}
                    </Table.Td>
                    <Table.Td>
                      {playbook.lastTriggeredAt ? (
                        <Tooltip label={formatDateTime(playbook.lastTriggeredAt)} withArrow>
                          <Text size="sm" span>
                            {formatRelative(playbook.lastTriggeredAt)}
                          </Text>
                        </Tooltip>
                      ) : (
                        <Text size="sm" c="dimmed" span>
                          never
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
    </div>
  )
}
