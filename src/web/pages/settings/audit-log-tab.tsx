/** Audit log: who did what, when, with before/after diffs. Needs audit:read. */
import { Fragment, useMemo, useState } from 'react'
import {
  ActionIcon,
  Autocomplete,
  Badge,
  Button,
  Code,
  Group,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import {
  IconChevronDown,
  IconChevronRight,
  IconFilterOff,
  IconKey,
  IconRobot,
  IconSearch,
  IconUser,
} from '@tabler/icons-react'
import { useAuditLog } from '../../api/hooks'
import type { AuditActorKind, AuditEntry } from '../../api/types'
import { JsonDiff, diffRows } from '../../components/json-diff'
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-state'
import { formatDateTime, formatRelative } from '../../lib/format'

const knownEntityTypes = ['account', 'contact', 'subscription', 'ticket', 'touchpoint', 'revenue_movement', 'user', 'api_key', 'workspace', 'session']

const actorIcons: Record<AuditActorKind, typeof IconUser> = { user: IconUser, api_key: IconKey, system: IconRobot }

function actionColor(action: string): string {
  if (/delete|revoke|disable|remove/i.test(action)) return 'red'
  if (/create|add|invite|insert/i.test(action)) return 'teal'
  if (/login|logout|auth/i.test(action)) return 'gray'
  return 'bosun'
}

function changeSummary(entry: AuditEntry): string {
  if (!entry.before && !entry.after) return '—'
  if (!entry.before) return 'created'
  if (!entry.after) return 'deleted'
  const changed = diffRows(entry.before, entry.after).filter((row) => row.changed).map((row) => row.key)
  if (changed.length === 0) return 'no field changes'
  return changed.length <= 3 ? changed.join(', ') : `${changed.slice(0, 3).join(', ')} +${changed.length - 3}`
}

export function AuditLogTab() {
  const [action, setAction] = useState('')
  const [entityType, setEntityType] = useState('')
  const [debouncedAction] = useDebouncedValue(action.trim(), 300)
  const [debouncedEntity] = useDebouncedValue(entityType.trim(), 300)
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set())
  const log = useAuditLog({ limit: 50, action: debouncedAction || undefined, entityType: debouncedEntity || undefined })
  const entries = useMemo(() => log.data?.pages.flatMap((page) => page.items) ?? [], [log.data])
  const entityOptions = useMemo(
    () => [...new Set([...knownEntityTypes, ...entries.map((entry) => entry.entityType)])].sort(),
    [entries],
  )
  const filtered = Boolean(debouncedAction || debouncedEntity)

  const toggle = (id: string) =>
    setExpanded((prev) => {
      const next = new Set(prev)
      if (next.has(id)) next.delete(id)
      else next.add(id)
      return next
    })

  return (
    <Stack gap="md">
      <div>
        <Title order={3} fz="lg">
          Audit log
        </Title>
        <Text size="sm" c="dimmed">
          Every change made by people, API keys and the system, newest first.
        </Text>
      </div>

      <Group gap="sm">
        <TextInput
          placeholder="Filter by action, e.g. user.created"
          aria-label="Action"
          leftSection={<IconSearch size={16} />}
          value={action}
          onChange={(event) => setAction(event.currentTarget.value)}
          w={300}
          data-testid="audit-filter-action"
        />
        <Autocomplete
          placeholder="Entity type"
          aria-label="Entity type"
          data={entityOptions}
          value={entityType}
          onChange={setEntityType}
          w={200}
          data-testid="audit-filter-entity"
        />
        {action || entityType ? (
          <Button
            variant="subtle"
            color="gray"
            leftSection={<IconFilterOff size={16} />}
            onClick={() => {
              setAction('')
              setEntityType('')
            }}
          >
            Clear
          </Button>
        ) : null}
      </Group>

      <Paper withBorder>
        {log.isPending ? (
          <TableSkeleton rows={10} columns={6} />
        ) : log.isError ? (
          <ErrorState error={log.error} title="Could not load the audit log" onRetry={() => void log.refetch()} />
        ) : entries.length === 0 ? (
          <EmptyState
            title={filtered ? 'No matching events' : 'No events yet'}
            description={filtered ? 'Try another action or entity type.' : 'Changes to accounts, users and keys will be recorded here.'}
          />
        ) : (
          <Table.ScrollContainer minWidth={900} maxHeight="calc(100vh - 360px)" type="native">
            <Table striped highlightOnHover stickyHeader data-testid="audit-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={36} />
                  <Table.Th>When</Table.Th>
                  <Table.Th>Who</Table.Th>
                  <Table.Th>Action</Table.Th>
                  <Table.Th>Entity</Table.Th>
                  <Table.Th>Changes</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {entries.map((entry) => {
                  const open = expanded.has(entry.id)
                  const ActorIcon = actorIcons[entry.actorKind] ?? IconUser
                  return (
                    <Fragment key={entry.id}>
                      <Table.Tr
                        className="bosun-clickable-row"
                        onClick={() => toggle(entry.id)}
                        data-testid="audit-row"
                        aria-expanded={open}
                      >
                        <Table.Td>
                          <ActionIcon variant="subtle" color="gray" size="sm" aria-label={open ? 'Collapse' : 'Expand'}>
                            {open ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
                          </ActionIcon>
                        </Table.Td>
                        <Table.Td className="bosun-nowrap">
                          <Tooltip label={formatDateTime(entry.at)} withArrow>
                            <Text size="sm" span>
                              {formatRelative(entry.at)}
                            </Text>
                          </Tooltip>
                        </Table.Td>
                        <Table.Td>
                          <Group gap={6} wrap="nowrap">
                            <ActorIcon size={14} color="var(--mantine-color-dimmed)" />
                            <Text size="sm" lineClamp={1}>
                              {entry.actorLabel ?? entry.actorId ?? entry.actorKind}
                            </Text>
                          </Group>
                        </Table.Td>
                        <Table.Td>
                          <Badge variant="light" color={actionColor(entry.action)} tt="none" size="sm" ff="monospace">
                            {entry.action}
                          </Badge>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{entry.entityType}</Text>
                          {entry.entityId ? (
                            <Code fz={10} c="dimmed">
                              {entry.entityId.length > 18 ? `${entry.entityId.slice(0, 8)}…${entry.entityId.slice(-6)}` : entry.entityId}
                            </Code>
                          ) : null}
                        </Table.Td>
                        <Table.Td maw={260}>
                          <Text size="xs" c="dimmed" lineClamp={1}>
                            {changeSummary(entry)}
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                      {open ? (
                        <Table.Tr>
                          <Table.Td colSpan={6} bg="var(--mantine-color-body)" p="md">
                            <JsonDiff before={entry.before} after={entry.after} />
                            <Text size="xs" c="dimmed" mt="xs">
                              {formatDateTime(entry.at)} · {entry.actorKind}
                              {entry.actorId ? ` ${entry.actorId}` : ''}
                              {entry.entityId ? ` · ${entry.entityType} ${entry.entityId}` : ''}
                            </Text>
                          </Table.Td>
                        </Table.Tr>
                      ) : null}
                    </Fragment>
                  )
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {log.hasNextPage ? (
          <Group justify="center" p="sm" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
            <Button variant="default" size="xs" loading={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()} data-testid="audit-load-more">
              Load more
            </Button>
          </Group>
        ) : entries.length > 0 ? (
          <Text size="xs" c="dimmed" ta="center" p="sm">
            {entries.length} {entries.length === 1 ? 'event' : 'events'} · end of log
          </Text>
        ) : null}
      </Paper>
    </Stack>
  )
}
