/** The rows behind one checklist line, paged, with links to the accounts they concern. */
import type { ReactNode } from 'react'
import { Link } from 'react-router-dom'
import { Anchor, Badge, Button, Code, Drawer, Group, Stack, Table, Text, Tooltip } from '@mantine/core'
import { IconExternalLink } from '@tabler/icons-react'
import { useDataQualityExamples } from '../../api/hooks'
import type {
  DataQualityExamples,
  DataQualityLine,
  DqAccountRow,
  DqAnomalyDayRow,
  DqDuplicateGroupRow,
  DqEventRow,
  DqGroupRow,
  DqImportRunRow,
  DqProductUserRow,
  DqStripeEventRow,
} from '../../api/types'
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-state'
import { RenewalDate } from '../../components/renewal-date'
import { formatDate, formatDateTime, formatMoney, formatMoneyFull, formatNumber, formatRelative } from '../../lib/format'
import { anomalyColors, anomalyLabels } from './source-card'

/** Where a check's rows can also be seen as an accounts list. */
export const accountListLinks: Partial<Record<string, string>> = {
  'accounts-without-owner': '/accounts?ownerId=none&status=active',
}

function When({ value }: { value: string | null }) {
  if (!value) return <Text size="sm" c="dimmed">—</Text>
  return (
    <Tooltip label={formatDateTime(value)} withArrow>
      <Text size="sm" className="bosun-nowrap">
        {formatRelative(value)}
      </Text>
    </Tooltip>
  )
}

function Mono({ children }: { children: ReactNode }) {
  return (
    <Code fz="xs" style={{ wordBreak: 'break-all' }}>
      {children}
    </Code>
  )
}

function AccountLink({ id, name }: { id: string; name: string }) {
  return (
    <Anchor component={Link} to={`/accounts/${id}`} fw={600} size="sm">
      {name}
    </Anchor>
  )
}

function ProductUsers({ rows }: { rows: DqProductUserRow[] }) {
  return (
    <Table striped>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>User</Table.Th>
          <Table.Th>Group named</Table.Th>
          <Table.Th ta="right">Waiting events</Table.Th>
          <Table.Th>Last seen</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={row.userId} data-testid="dq-example-row">
            <Table.Td>
              <Stack gap={0}>
                <Group gap={6} wrap="nowrap">
                  <Mono>{row.anonymous ? row.userId.slice('anon:'.length) : row.userId}</Mono>
                  {row.anonymous ? (
                    <Badge size="xs" color="gray" variant="light">
                      anonymous
                    </Badge>
                  ) : null}
                </Group>
                {row.email || row.name ? (
                  <Text size="xs" c="dimmed">
                    {[row.name, row.email].filter(Boolean).join(' · ')}
                  </Text>
                ) : null}
              </Stack>
            </Table.Td>
            <Table.Td>{row.groupId ? <Mono>{row.groupId}</Mono> : <Text size="sm" c="dimmed">no group call yet</Text>}</Table.Td>
            <Table.Td className="bosun-num">{formatNumber(row.unmatchedEvents)}</Table.Td>
            <Table.Td>
              <When value={row.lastSeenAt} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

function Groups({ rows }: { rows: DqGroupRow[] }) {
  return (
    <Table striped>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Group id (account external id)</Table.Th>
          <Table.Th ta="right">Users</Table.Th>
          <Table.Th ta="right">Waiting events</Table.Th>
          <Table.Th>Last seen</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={row.groupId} data-testid="dq-example-row">
            <Table.Td>
              <Mono>{row.groupId}</Mono>
            </Table.Td>
            <Table.Td className="bosun-num">{formatNumber(row.users)}</Table.Td>
            <Table.Td className="bosun-num">{formatNumber(row.unmatchedEvents)}</Table.Td>
            <Table.Td>
              <When value={row.lastSeenAt} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

function Events({ rows, check }: { rows: DqEventRow[]; check: string }) {
  const timestamps = check === 'future-timestamps' || check === 'ancient-timestamps'
  return (
    <Table striped>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Message</Table.Th>
          <Table.Th>Call</Table.Th>
          <Table.Th>User / group</Table.Th>
          <Table.Th>Occurred</Table.Th>
          <Table.Th>Received</Table.Th>
          <Table.Th>Source</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={row.messageId} data-testid="dq-example-row">
            <Table.Td maw={180}>
              <Mono>{row.messageId}</Mono>
            </Table.Td>
            <Table.Td>
              <Text size="sm">
                {row.type}
                {row.event ? ` · ${row.event}` : ''}
              </Text>
            </Table.Td>
            <Table.Td>
              <Stack gap={0}>
                <Text size="sm">{row.userId ?? (row.anonymousId ? `anon ${row.anonymousId}` : '—')}</Text>
                {row.groupId ? (
                  <Text size="xs" c="dimmed">
                    group {row.groupId}
                  </Text>
                ) : null}
              </Stack>
            </Table.Td>
            <Table.Td>
              <Text size="sm" className="bosun-nowrap" c={timestamps ? 'orange.8' : undefined} fw={timestamps ? 600 : undefined}>
                {formatDateTime(row.occurredAt)}
              </Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm" className="bosun-nowrap">
                {formatDateTime(row.receivedAt)}
              </Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{row.sourceName}</Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

function AnomalyDays({ rows }: { rows: DqAnomalyDayRow[] }) {
  return (
    <Table striped>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Day (UTC)</Table.Th>
          <Table.Th ta="right">Volume</Table.Th>
          <Table.Th ta="right">Usual for the weekday</Table.Th>
          <Table.Th>Anomaly</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={row.day} data-testid="dq-example-row">
            <Table.Td>{formatDate(row.day)}</Table.Td>
            <Table.Td className="bosun-num">{formatNumber(row.count)}</Table.Td>
            <Table.Td className="bosun-num">{formatNumber(row.baseline)}</Table.Td>
            <Table.Td>
              <Badge color={anomalyColors[row.anomaly]} variant="light" size="sm">
                {anomalyLabels[row.anomaly]}
              </Badge>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

function OwnerCell({ row }: { row: DqAccountRow }) {
  if (!row.ownerId) return <Text size="sm" c="orange.8">Unassigned</Text>
  if (row.ownerStatus === 'missing') return <Text size="sm" c="orange.8">Deleted user</Text>
  return (
    <Group gap={6} wrap="nowrap">
      <Text size="sm">{row.ownerName}</Text>
      {row.ownerStatus === 'disabled' ? (
        <Badge size="xs" color="orange" variant="light">
          disabled
        </Badge>
      ) : null}
    </Group>
  )
}

function Accounts({ rows }: { rows: DqAccountRow[] }) {
  return (
    <Table striped highlightOnHover>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Account</Table.Th>
          <Table.Th>Owner</Table.Th>
          <Table.Th ta="right">ARR</Table.Th>
          <Table.Th>Renewal date</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={row.accountId} data-testid="dq-example-row">
            <Table.Td>
              <Stack gap={0}>
                <AccountLink id={row.accountId} name={row.name} />
                <Text size="xs" c="dimmed">
                  {[row.externalId, row.domain].filter(Boolean).join(' · ')}
                </Text>
              </Stack>
            </Table.Td>
            <Table.Td>
              <OwnerCell row={row} />
            </Table.Td>
            <Table.Td className="bosun-num" title={formatMoneyFull(row.arr, row.currency)}>
              {formatMoney(row.arr, row.currency)}
            </Table.Td>
            <Table.Td>
              <RenewalDate date={row.renewalDate} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

function DuplicateGroups({ rows }: { rows: DqDuplicateGroupRow[] }) {
  return (
    <Stack gap="sm">
      {rows.map((group) => (
        <Stack key={`${group.matchedBy}:${group.key}`} gap={4} data-testid="dq-example-row">
          <Group gap={6}>
            <Badge size="sm" variant="light" color={group.matchedBy === 'domain' ? 'bosun' : 'grape'}>
              same {group.matchedBy}
            </Badge>
            <Mono>{group.key}</Mono>
            <Text size="xs" c="dimmed">
              {group.accounts.length} accounts
            </Text>
          </Group>
          <Table withTableBorder>
            <Table.Tbody>
              {group.accounts.map((account) => (
                <Table.Tr key={account.accountId}>
                  <Table.Td>
                    <AccountLink id={account.accountId} name={account.name} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed">
                      {[account.externalId, account.domain].filter(Boolean).join(' · ')}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c={account.ownerName ? undefined : 'dimmed'}>
                      {account.ownerName ?? 'Unassigned'}
                    </Text>
                  </Table.Td>
                  <Table.Td className="bosun-num">{formatMoney(account.arr, account.currency)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      ))}
    </Stack>
  )
}

function StripeEvents({ rows }: { rows: DqStripeEventRow[] }) {
  return (
    <Table striped>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Stripe event</Table.Th>
          <Table.Th>Customer</Table.Th>
          <Table.Th>Received</Table.Th>
          <Table.Th>Error</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={row.id} data-testid="dq-example-row">
            <Table.Td>
              <Stack gap={0}>
                <Text size="sm">{row.type}</Text>
                <Mono>{row.stripeEventId}</Mono>
              </Stack>
            </Table.Td>
            <Table.Td>{row.stripeCustomerId ? <Mono>{row.stripeCustomerId}</Mono> : '—'}</Table.Td>
            <Table.Td>
              <When value={row.receivedAt} />
            </Table.Td>
            <Table.Td>
              <Text size="xs" c={row.error ? 'red' : 'dimmed'} className="bosun-pre">
                {row.error ?? '—'}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

function ImportRuns({ rows }: { rows: DqImportRunRow[] }) {
  return (
    <Table striped>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>File</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th ta="right">Bad rows</Table.Th>
          <Table.Th>Started</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={row.runId} data-testid="dq-example-row">
            <Table.Td>
              <Stack gap={0}>
                <Text size="sm" fw={600}>
                  {row.fileName}
                </Text>
                <Text size="xs" c="dimmed">
                  {row.kind} · by {row.createdBy}
                </Text>
                {row.failureReason ? (
                  <Text size="xs" c="red">
                    {row.failureReason}
                  </Text>
                ) : null}
              </Stack>
            </Table.Td>
            <Table.Td>
              <Badge size="sm" variant="light" color={row.status === 'failed' ? 'red' : 'orange'}>
                {row.status}
              </Badge>
            </Table.Td>
            <Table.Td className="bosun-num">
              {formatNumber(row.rowsFailed)} / {formatNumber(row.rowsProcessed)}
            </Table.Td>
            <Table.Td>
              <When value={row.createdAt} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

/** Merges the loaded pages into one: every page of one check has the first page's rowKind. */
function merge(pages: DataQualityExamples[]): DataQualityExamples | null {
  const [first] = pages
  if (!first) return null
  const items: unknown[] = pages.flatMap((page): unknown[] => page.items)
  return { ...first, items } as unknown as DataQualityExamples
}

function Rows({ page }: { page: DataQualityExamples }) {
  switch (page.rowKind) {
    case 'product-user':
      return <ProductUsers rows={page.items} />
    case 'group':
      return <Groups rows={page.items} />
    case 'event':
      return <Events rows={page.items} check={page.check} />
    case 'anomaly-day':
      return <AnomalyDays rows={page.items} />
    case 'account':
      return <Accounts rows={page.items} />
    case 'duplicate-group':
      return <DuplicateGroups rows={page.items} />
    case 'stripe-event':
      return <StripeEvents rows={page.items} />
    case 'import-run':
      return <ImportRuns rows={page.items} />
  }
}

export function ExamplesDrawer({ line, onClose }: { line: DataQualityLine | null; onClose: () => void }) {
  const examples = useDataQualityExamples(line?.examplesHref ?? null)
  const page = merge(examples.data?.pages ?? [])
  const listLink = line ? accountListLinks[line.check] : undefined
  return (
    <Drawer
      opened={line !== null}
      onClose={onClose}
      position="right"
      size="xl"
      title={
        line ? (
          <Stack gap={2}>
            <Group gap="xs">
              <Text fw={700}>{line.label}</Text>
              <Badge color={line.status === 'warn' ? 'orange' : 'teal'} variant="light">
                {formatNumber(line.count)}
              </Badge>
            </Group>
            <Text size="xs" c="dimmed">
              {line.description}
            </Text>
          </Stack>
        ) : null
      }
      data-testid="dq-examples-drawer"
    >
      <Stack gap="sm">
        {listLink ? (
          <Group>
            <Button component={Link} to={listLink} size="xs" variant="default" rightSection={<IconExternalLink size={14} />}>
              Open in the accounts list
            </Button>
          </Group>
        ) : null}
        {examples.isError ? (
          <ErrorState error={examples.error} title="Could not load the examples" onRetry={() => void examples.refetch()} />
        ) : !page ? (
          <TableSkeleton rows={6} columns={4} />
        ) : page.items.length === 0 ? (
          <EmptyState title="Nothing to show" description="This check has no rows right now; the report may be older than the data." />
        ) : (
          <>
            <Table.ScrollContainer minWidth={560}>
              <Rows page={page} />
            </Table.ScrollContainer>
            <Group justify="space-between">
              <Text size="xs" c="dimmed">
                Showing {formatNumber(page.items.length)} of {formatNumber(page.total)}
              </Text>
              {examples.hasNextPage ? (
                <Button size="xs" variant="default" loading={examples.isFetchingNextPage} onClick={() => void examples.fetchNextPage()}>
                  Load more
                </Button>
              ) : null}
            </Group>
          </>
        )}
      </Stack>
    </Drawer>
  )
}
