/** The account's raw product events, newest first: filter by name, load more, expand a row to see its properties. */
import { Fragment, useState } from 'react'
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
  Title,
  Tooltip,
  UnstyledButton,
} from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { IconChevronDown, IconChevronRight, IconFilter, IconRefresh, IconX } from '@tabler/icons-react'
import { useAccountEvents, useAccountUsage } from '../../api/hooks'
import type { Account, AccountEvent, SegmentCallType } from '../../api/types'
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-state'
import { formatDateTime, formatNumber, formatRelative, pluralize } from '../../lib/format'
import { eventTitle, eventTypeLabel } from '../../lib/usage'
import { SendUsageHelp } from './send-usage-help'
import { useUsagePeriod } from './usage-tab'

const PAGE_SIZE = 50

const typeColors: Record<SegmentCallType, string> = {
  track: 'bosun',
  page: 'cyan',
  screen: 'cyan',
  identify: 'grape',
  group: 'violet',
  alias: 'gray',
}

function EventDetails({ event }: { event: AccountEvent }) {
  const skewSeconds = Math.round((Date.parse(event.receivedAt) - Date.parse(event.occurredAt)) / 1000)
  return (
    <Stack gap="xs" py={4} data-testid="event-details">
      <Group gap="lg" wrap="wrap">
        <Text size="xs" c="dimmed">
          Message ID{' '}
          <Text span size="xs" ff="monospace" c="var(--mantine-color-text)">
            {event.messageId}
          </Text>
        </Text>
        <Text size="xs" c="dimmed">
          Occurred <Text span size="xs" c="var(--mantine-color-text)">{formatDateTime(event.occurredAt)}</Text>
        </Text>
        <Text size="xs" c="dimmed">
          Received{' '}
          <Text span size="xs" c="var(--mantine-color-text)">
            {formatDateTime(event.receivedAt)}
          </Text>
          {Math.abs(skewSeconds) >= 60 ? ` (${formatRelativeGap(skewSeconds)} later)` : ''}
        </Text>
        {event.anonymousId ? (
          <Text size="xs" c="dimmed">
            Anonymous ID{' '}
            <Text span size="xs" ff="monospace" c="var(--mantine-color-text)">
              {event.anonymousId}
            </Text>
          </Text>
        ) : null}
      </Group>
      {Object.keys(event.properties).length === 0 ? (
        <Text size="xs" c="dimmed">
          No properties.
        </Text>
      ) : (
        <Code block style={{ maxHeight: 320, overflow: 'auto', fontSize: 12 }} data-testid="event-properties">
          {JSON.stringify(event.properties, null, 2)}
        </Code>
      )}
    </Stack>
  )
}

function formatRelativeGap(seconds: number): string {
  const abs = Math.abs(seconds)
  if (abs < 3600) return `${Math.round(abs / 60)} min`
  if (abs < 86_400) return `${Math.round(abs / 3600)} h`
  return `${Math.round(abs / 86_400)} days`
}

export function EventsTab({ account }: { account: Account }) {
  const [filter, setFilter] = useState('')
  const [debounced] = useDebouncedValue(filter.trim(), 300)
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set())
  const [period] = useUsagePeriod()
  const usage = useAccountUsage(account.id, period)
  const query = useAccountEvents(account.id, debounced || undefined, PAGE_SIZE)

  const suggestions = (usage.data?.topEvents ?? []).map((row) => row.event)
  const items = query.data?.pages.flatMap((page) => page.items) ?? []
  const total = query.data?.pages[0]?.total ?? 0
  const toggle = (messageId: string) =>
    setExpanded((current) => {
      const next = new Set(current)
      if (next.has(messageId)) next.delete(messageId)
      else next.add(messageId)
      return next
    })

  if (query.isPending) {
    return (
      <Paper withBorder>
        <TableSkeleton rows={8} columns={5} />
      </Paper>
    )
  }
  if (query.isError) return <ErrorState error={query.error} title="Could not load events" onRetry={() => void query.refetch()} />
  if (total === 0 && !debounced && !filter) {
    return <SendUsageHelp accountName={account.name} externalId={account.externalId} title="No events yet" />
  }

  return (
    <Paper withBorder data-testid="events-tab">
      <Group justify="space-between" p="md" pb="sm" align="flex-end" wrap="wrap" gap="sm">
        <div>
          <Title order={4} fz="md">
            Events
          </Title>
          <Text size="xs" c="dimmed" data-testid="events-total">
            {debounced
              ? `${pluralize(total, 'event')} named “${debounced}”`
              : `${pluralize(total, 'event')} in total, newest first`}
          </Text>
        </div>
        <Group gap="xs" wrap="nowrap">
          <Autocomplete
            size="xs"
            w={240}
            placeholder="Filter by event name"
            leftSection={<IconFilter size={14} />}
            data={suggestions}
            value={filter}
            onChange={setFilter}
            rightSection={
              filter ? (
                <ActionIcon size="sm" variant="subtle" color="gray" onClick={() => setFilter('')} aria-label="Clear filter">
                  <IconX size={12} />
                </ActionIcon>
              ) : null
            }
            comboboxProps={{ withinPortal: true }}
            aria-label="Filter by event name"
            data-testid="events-filter"
          />
          <Tooltip label="Refresh" withArrow>
            <ActionIcon variant="default" size={30} onClick={() => void query.refetch()} loading={query.isRefetching && !query.isFetchingNextPage} aria-label="Refresh events">
              <IconRefresh size={14} />
            </ActionIcon>
          </Tooltip>
        </Group>
      </Group>

      {items.length === 0 ? (
        <EmptyState
          title={debounced ? `No events named “${debounced}”` : 'No events'}
          description="Event names match exactly, including case. Pick one from the suggestions."
          action={
            <Button size="xs" variant="default" onClick={() => setFilter('')}>
              Clear filter
            </Button>
          }
        />
      ) : (
        <>
          <Table.ScrollContainer minWidth={640} type="native">
            <Table highlightOnHover data-testid="events-table" style={{ opacity: query.isPlaceholderData ? 0.6 : 1 }}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={32} />
                  <Table.Th>Event</Table.Th>
                  <Table.Th>Type</Table.Th>
                  <Table.Th>User</Table.Th>
                  <Table.Th>When</Table.Th>
                  <Table.Th ta="right">Properties</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((event) => {
                  const open = expanded.has(event.messageId)
                  const propertyCount = Object.keys(event.properties).length
                  return (
                    <Fragment key={event.messageId}>
                      <Table.Tr
                        className="bosun-clickable-row"
                        onClick={() => toggle(event.messageId)}
                        data-testid="event-row"
                        data-expanded={open}
                        aria-expanded={open}
                      >
                        <Table.Td>
                          <UnstyledButton
                            aria-label={open ? 'Hide properties' : 'Show properties'}
                            onClick={(clickEvent) => {
                              clickEvent.stopPropagation()
                              toggle(event.messageId)
                            }}
                            style={{ display: 'flex' }}
                          >
                            {open ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
                          </UnstyledButton>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" fw={event.event ? 600 : 500} c={event.event ? undefined : 'dimmed'} data-testid="event-name">
                            {eventTitle(event)}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Badge size="xs" variant="light" color={typeColors[event.type]}>
                            {eventTypeLabel(event.type)}
                          </Badge>
                        </Table.Td>
                        <Table.Td>
                          <Text size="xs" ff="monospace" truncate="end" maw={200} title={event.userId ?? event.anonymousId ?? ''}>
                            {event.userId ?? (event.anonymousId ? `anon ${event.anonymousId}` : '—')}
                          </Text>
                        </Table.Td>
                        <Table.Td className="bosun-nowrap">
                          <Text size="sm" title={formatDateTime(event.occurredAt)}>
                            {formatRelative(event.occurredAt)}
                          </Text>
                        </Table.Td>
                        <Table.Td ta="right">
                          <Text size="xs" c="dimmed">
                            {propertyCount === 0 ? '—' : pluralize(propertyCount, 'field')}
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                      {open ? (
                        <Table.Tr bg="var(--mantine-color-default-hover)">
                          <Table.Td />
                          <Table.Td colSpan={5}>
                            <EventDetails event={event} />
                          </Table.Td>
                        </Table.Tr>
                      ) : null}
                    </Fragment>
                  )
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group justify="space-between" p="sm" px="md">
            <Text size="xs" c="dimmed" data-testid="events-shown">
              Showing {formatNumber(items.length)} of {formatNumber(total)}
            </Text>
            {query.hasNextPage ? (
              <Button
                size="xs"
                variant="default"
                onClick={() => void query.fetchNextPage()}
                loading={query.isFetchingNextPage}
                data-testid="events-load-more"
              >
                Load more
              </Button>
            ) : null}
          </Group>
        </>
      )}
    </Paper>
  )
}
