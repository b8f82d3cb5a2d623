/** Billing (Stripe): connect the webhook, watch events arrive, map unmatched customers to accounts. Reading needs config:read, changing config:write. */
import { useState, type FormEvent } from 'react'
import { Link } from 'react-router-dom'
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  List,
  Paper,
  PasswordInput,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  ThemeIcon,
  Title,
  Tooltip,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import {
  IconAlertTriangle,
  IconBrandStripe,
  IconCircleCheck,
  IconCreditCardOff,
  IconLink,
  IconPlugConnected,
  IconRefresh,
  IconUserQuestion,
} from '@tabler/icons-react'
import {
  useMapStripeCustomer,
  useRetryStripeEvents,
  useSetStripeSecret,
  useStripeCustomerMappings,
  useStripeEvents,
  useStripeSettings,
  useUnmatchedStripeCustomers,
  type ReprocessCounts,
  type StripeEventStatus,
  type StripeSettings,
  type UnmatchedStripeCustomer,
} from '../../api/billing'
import { ApiError, errorMessage } from '../../api/client'
import { useSession } from '../../auth/session'
import { ParentAccountSelect } from '../../components/account-pickers'
import { CopyField } from '../../components/copy-field'
import { KpiCard } from '../../components/kpi-card'
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-state'
import { formatDateTime, formatNumber, formatRelative, pluralize } from '../../lib/format'

const statusColors: Record<StripeEventStatus, string> = { received: 'gray', processed: 'teal', unmatched: 'orange', ignored: 'gray', failed: 'red' }
const statusHelp: Record<StripeEventStatus, string> = {
  received: 'Stored, being applied',
  processed: 'Applied to the account',
  unmatched: 'Waiting: the Stripe customer is not mapped to an account yet',
  ignored: 'Not used by Bosun, or older than an event already applied',
  failed: 'Could not be applied; see the error',
}

function StatusBadge({ status }: { status: StripeEventStatus }) {
  return (
    <Tooltip label={statusHelp[status]} withArrow>
      <Badge color={statusColors[status]} variant={status === 'processed' ? 'light' : 'dot'} size="sm">
        {status}
      </Badge>
    </Tooltip>
  )
}

function summarize(counts: ReprocessCounts): string {
  const parts = [`${counts.processed} applied`]
  if (counts.unmatched) parts.push(`${counts.unmatched} still unmatched`)
  if (counts.failed) parts.push(`${counts.failed} failed`)
  if (counts.ignored) parts.push(`${counts.ignored} ignored`)
  return parts.join(', ')
}

function SecretForm({ settings }: { settings: StripeSettings }) {
  const [secret, setSecret] = useState('')
  const save = useSetStripeSecret()
  const fieldError = save.error instanceof ApiError ? save.error.fieldError('signingSecret') : undefined
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    save.mutate(secret.trim(), {
      onSuccess: () => {
        setSecret('')
        notifications.show({ color: 'teal', message: settings.configured ? 'Signing secret replaced.' : 'Stripe connected: events will now be accepted.' })
      },
    })
  }
  return (
    <form onSubmit={onSubmit} noValidate data-testid="stripe-secret-form">
      <Text size="xs" c="dimmed" mb={6}>
        Stripe shows it on the endpoint’s page under “Signing secret” (it starts with whsec_).
        {settings.configured ? ' Saving a new one replaces the current secret at once.' : ''}
      </Text>
      <Group align="flex-start" wrap="nowrap" gap="sm">
        <PasswordInput
          style={{ flex: 1 }}
          aria-label={settings.configured ? 'New signing secret' : 'Signing secret'}
          placeholder="whsec_…"
          autoComplete="off"
          value={secret}
          onChange={(event) => setSecret(event.currentTarget.value)}
          error={fieldError ?? (save.isError && !fieldError ? errorMessage(save.error) : undefined)}
          data-testid="stripe-secret-input"
        />
        <Button type="submit" loading={save.isPending} disabled={!secret.trim()} data-testid="stripe-secret-save">
          {settings.configured ? 'Replace' : 'Connect'}
        </Button>
      </Group>
    </form>
  )
}

function ConnectionCard({ settings, canWrite }: { settings: StripeSettings; canWrite: boolean }) {
  return (
    <Paper withBorder radius="md" p="lg">
      <Group justify="space-between" align="flex-start" mb="md">
        <Group gap="sm">
          <ThemeIcon size={40} radius="md" variant="light" color="violet">
            <IconBrandStripe size={24} />
          </ThemeIcon>
          <div>
            <Title order={4}>Stripe webhook</Title>
            <Text size="sm" c="dimmed">
              Subscriptions become contracts and revenue movements; failed invoices raise a payment-failure signal on the account.
            </Text>
          </div>
        </Group>
        {settings.configured ? (
          <Badge color="teal" variant="light" leftSection={<IconPlugConnected size={12} />} data-testid="stripe-status">
            Connected · secret …{settings.secretLast4}
          </Badge>
        ) : (
          <Badge color="gray" variant="outline" data-testid="stripe-status">
            Not connected
          </Badge>
        )}
      </Group>

      <Stack gap="md">
        <div>
          <Text size="sm" fw={600} mb={4}>
            1. In Stripe, open Developers → Webhooks → Add endpoint and paste this URL
          </Text>
          <CopyField value={settings.webhookUrl} testId="stripe-webhook-url" />
        </div>
        <div>
          <Text size="sm" fw={600} mb={4}>
            2. Select these events
          </Text>
          <Group gap={6}>
            {settings.eventTypes.map((type) => (
              <Code key={type}>{type}</Code>
            ))}
          </Group>
        </div>
        <div>
          <Text size="sm" fw={600} mb={4}>
            3. Copy the endpoint’s signing secret into Bosun
          </Text>
          {canWrite ? (
            <SecretForm settings={settings} />
          ) : (
            <Text size="sm" c="dimmed">
              {settings.configured ? `Set ${formatRelative(settings.updatedAt)}.` : 'Not set yet.'} Only admins can change it.
            </Text>
          )}
          {settings.configured && settings.updatedAt ? (
            <Text size="xs" c="dimmed" mt={6}>
              The secret is stored to verify signatures and never shown again; last changed {formatDateTime(settings.updatedAt)}.
            </Text>
          ) : null}
        </div>
        <Text size="xs" c="dimmed">
          Stripe customers are matched to accounts by <Code>metadata.bosun_account_external_id</Code> on the customer, subscription or
          invoice, or by an account whose external id is the Stripe customer id. Others wait below until you map them.
        </Text>
      </Stack>
    </Paper>
  )
}

function MapCustomerRow({ customer, canWrite }: { customer: UnmatchedStripeCustomer; canWrite: boolean }) {
  const [accountId, setAccountId] = useState<string | null>(null)
  const map = useMapStripeCustomer()
  const submit = () => {
    if (!accountId) return
    map.mutate(
      { customerId: customer.stripeCustomerId, accountId },
      {
        onSuccess: (result) =>
          notifications.show({
            color: 'teal',
            title: `${customer.stripeCustomerId} → ${result.mapping.accountName}`,
            message: `Waiting events: ${summarize(result.reprocessed)}.`,
          }),
        onError: (error) => notifications.show({ color: 'red', title: 'Could not map the customer', message: errorMessage(error) }),
      },
    )
  }
  return (
    <Table.Tr data-testid="unmatched-customer-row">
      <Table.Td>
        <Code>{customer.stripeCustomerId}</Code>
        {customer.name || customer.email ? (
          <Text size="xs" c="dimmed" mt={2}>
            {[customer.name, customer.email].filter(Boolean).join(' · ')}
          </Text>
        ) : null}
        {customer.accountExternalId ? (
          <Text size="xs" c="orange" mt={2}>
            metadata names account “{customer.accountExternalId}”, which does not exist
          </Text>
        ) : null}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatNumber(customer.events)}</Text>
      </Table.Td>
      <Table.Td>
        <Tooltip label={formatDateTime(customer.lastEventAt)} withArrow>
          <Text size="sm" span>
            {formatRelative(customer.lastEventAt)}
          </Text>
        </Tooltip>
      </Table.Td>
      <Table.Td miw={320}>
        {canWrite ? (
          <Group gap="xs" wrap="nowrap">
            <ParentAccountSelect
              value={accountId}
              onChange={setAccountId}
              placeholder="Search accounts…"
              size="xs"
              style={{ flex: 1 }}
              aria-label={`Account for ${customer.stripeCustomerId}`}
            />
            <Button size="xs" leftSection={<IconLink size={14} />} disabled={!accountId} loading={map.isPending} onClick={submit} data-testid="map-customer">
              Map
            </Button>
          </Group>
        ) : (
          <Text size="xs" c="dimmed">
            An admin can map it
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  )
}

function UnmatchedCustomers({ canWrite }: { canWrite: boolean }) {
  const unmatched = useUnmatchedStripeCustomers()
  const retry = useRetryStripeEvents()
  const items = unmatched.data?.items ?? []
  const runRetry = () =>
    retry.mutate(false, {
      onSuccess: (counts) => notifications.show({ color: counts.processed ? 'teal' : 'gray', message: `Retried waiting events: ${summarize(counts)}.` }),
      onError: (error) => notifications.show({ color: 'red', title: 'Retry failed', message: errorMessage(error) }),
    })
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <div>
          <Title order={4}>Unmatched customers</Title>
          <Text size="sm" c="dimmed">
            Their events are kept, not applied. Map each to an account and its waiting events are applied in order.
          </Text>
        </div>
        {canWrite && items.length > 0 ? (
          <Tooltip label="Try matching again, e.g. after importing accounts with these external ids" withArrow>
            <Button variant="default" size="xs" leftSection={<IconRefresh size={14} />} loading={retry.isPending} onClick={runRetry}>
              Retry matching
            </Button>
          </Tooltip>
        ) : null}
      </Group>
      <Paper withBorder>
        {unmatched.isPending ? (
          <TableSkeleton rows={3} columns={4} />
        ) : unmatched.isError ? (
          <ErrorState error={unmatched.error} title="Could not load unmatched customers" onRetry={() => void unmatched.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState title="Every Stripe customer is matched" description="Events from customers Bosun cannot place will show up here." icon={<IconCircleCheck size={22} />} />
        ) : (
          <Table.ScrollContainer minWidth={760} type="native">
            <Table verticalSpacing="sm" data-testid="unmatched-customers-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Stripe customer</Table.Th>
                  <Table.Th>Waiting events</Table.Th>
                  <Table.Th>Last event</Table.Th>
                  <Table.Th>Account</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((customer) => (
                  <MapCustomerRow key={customer.stripeCustomerId} customer={customer} canWrite={canWrite} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
    </Stack>
  )
}

const eventFilters: { value: string; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'processed', label: 'Processed' },
  { value: 'unmatched', label: 'Unmatched' },
  { value: 'failed', label: 'Failed' },
  { value: 'ignored', label: 'Ignored' },
]

function RecentEvents({ canWrite }: { canWrite: boolean }) {
  const [filter, setFilter] = useState('all')
  const events = useStripeEvents(filter === 'all' ? undefined : (filter as StripeEventStatus))
  const retry = useRetryStripeEvents()
  const items = events.data?.pages.flatMap((page) => page.items) ?? []
  return (
    <Stack gap="xs">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={4}>Events received</Title>
          <Text size="sm" c="dimmed">
            Every delivery from Stripe, newest first. A redelivered event is acknowledged and never applied twice.
          </Text>
        </div>
        <Group gap="xs">
          {canWrite && filter === 'failed' && items.length > 0 ? (
            <Button
              size="xs"
              variant="default"
              leftSection={<IconRefresh size={14} />}
              loading={retry.isPending}
              onClick={() =>
                retry.mutate(true, {
                  onSuccess: (counts) => notifications.show({ message: `Retried: ${summarize(counts)}.` }),
                  onError: (error) => notifications.show({ color: 'red', message: errorMessage(error) }),
                })
              }
            >
              Retry failed
            </Button>
          ) : null}
          <SegmentedControl size="xs" data={eventFilters} value={filter} onChange={setFilter} data-testid="stripe-event-filter" />
        </Group>
      </Group>
      <Paper withBorder>
        {events.isPending ? (
          <TableSkeleton rows={5} columns={5} />
        ) : events.isError ? (
          <ErrorState error={events.error} title="Could not load events" onRetry={() => void events.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState
            title={filter === 'all' ? 'No events yet' : `No ${filter} events`}
            description={filter === 'all' ? 'Send a test event from Stripe (“Send test webhook”) to check the connection.' : undefined}
            icon={<IconBrandStripe size={22} />}
          />
        ) : (
          <Table.ScrollContainer minWidth={860} type="native">
            <Table verticalSpacing="xs" striped highlightOnHover data-testid="stripe-events-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Received</Table.Th>
                  <Table.Th>Event</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Account</Table.Th>
                  <Table.Th>Detail</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((event) => (
                  <Table.Tr key={event.id} data-testid="stripe-event-row">
                    <Table.Td>
                      <Tooltip label={`Received ${formatDateTime(event.receivedAt)} · created in Stripe ${formatDateTime(event.eventCreatedAt)}`} withArrow>
                        <Text size="sm" className="bosun-nowrap" span>
                          {formatRelative(event.receivedAt)}
                        </Text>
                      </Tooltip>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Code>{event.type}</Code>
                        {event.livemode ? null : (
                          <Badge size="xs" color="yellow" variant="light">
                            test
                          </Badge>
                        )}
                      </Group>
                      <Text size="xs" c="dimmed">
                        {event.stripeEventId}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={event.status} />
                    </Table.Td>
                    <Table.Td>
                      {event.accountId && event.accountName ? (
                        <Anchor component={Link} to={`/accounts/${event.accountId}`} size="sm">
                          {event.accountName}
                        </Anchor>
                      ) : event.stripeCustomerId ? (
                        <Code>{event.stripeCustomerId}</Code>
                      ) : (
                        <Text size="sm" c="dimmed">
                          —
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td maw={320}>
                      {event.error ? (
                        <Tooltip label={event.error} multiline w={360} withArrow>
                          <Text size="xs" c={event.status === 'failed' ? 'red' : 'dimmed'} lineClamp={2}>
                            {event.error}
                          </Text>
                        </Tooltip>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {events.hasNextPage ? (
          <Group justify="center" p="sm">
            <Button variant="subtle" size="xs" loading={events.isFetchingNextPage} onClick={() => void events.fetchNextPage()}>
              Load more
            </Button>
          </Group>
        ) : null}
      </Paper>
    </Stack>
  )
}

function MappedCustomers() {
  const mappings = useStripeCustomerMappings()
  const [showAll, setShowAll] = useState(false)
  const items = mappings.data?.items ?? []
  if (mappings.isPending || mappings.isError || items.length === 0) return null
  const visible = showAll ? items : items.slice(0, 10)
  const sourceLabel = { metadata: 'metadata', external_id: 'same id', manual: 'mapped by hand' } as const
  return (
    <Stack gap="xs">
      <Title order={4}>Matched customers ({formatNumber(items.length)})</Title>
      <Paper withBorder>
        <Table verticalSpacing="xs" data-testid="stripe-mappings-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Stripe customer</Table.Th>
              <Table.Th>Account</Table.Th>
              <Table.Th>How</Table.Th>
              <Table.Th>Since</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {visible.map((mapping) => (
              <Table.Tr key={mapping.stripeCustomerId}>
                <Table.Td>
                  <Code>{mapping.stripeCustomerId}</Code>
                </Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/accounts/${mapping.accountId}`} size="sm">
                    {mapping.accountName}
                  </Anchor>
                  <Text size="xs" c="dimmed">
                    {mapping.accountExternalId}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge size="sm" variant="light" color={mapping.source === 'manual' ? 'blue' : 'gray'}>
                    {sourceLabel[mapping.source]}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatRelative(mapping.updatedAt)}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {items.length > 10 ? (
          <Group justify="center" p="xs">
            <Button variant="subtle" size="xs" onClick={() => setShowAll((value) => !value)}>
              {showAll ? 'Show fewer' : `Show all ${formatNumber(items.length)}`}
            </Button>
          </Group>
        ) : null}
      </Paper>
    </Stack>
  )
}

export function BillingTab() {
  const session = useSession()
  const canWrite = session.can('config:write')
  const settings = useStripeSettings()

  if (settings.isPending) return <TableSkeleton rows={6} columns={3} />
  if (settings.isError) return <ErrorState error={settings.error} title="Could not load the Stripe connection" onRetry={() => void settings.refetch()} />
  const data = settings.data
  const counts = data.eventCounts

  return (
    <Stack gap="xl" data-testid="billing-tab">
      <ConnectionCard settings={data} canWrite={canWrite} />

      {data.configured ? (
        <>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
            <KpiCard
              label="Last event"
              value={data.lastEvent ? formatRelative(data.lastEvent.receivedAt) : 'none yet'}
              hint={data.lastEvent ? data.lastEvent.type : 'Waiting for Stripe’s first delivery'}
              icon={<IconBrandStripe size={20} />}
              color="violet"
            />
            <KpiCard
              label="Applied"
              value={formatNumber(counts.processed)}
              hint={`${formatNumber(counts.ignored)} ignored (types Bosun does not use)`}
              icon={<IconCircleCheck size={20} />}
              color="teal"
            />
            <KpiCard
              label="Waiting for a mapping"
              value={formatNumber(counts.unmatched)}
              hint={`${pluralize(data.unmatchedCustomers, 'customer')} to map`}
              icon={<IconUserQuestion size={20} />}
              color={counts.unmatched ? 'orange' : 'gray'}
            />
            <KpiCard
              label="Open payment failures"
              value={formatNumber(data.openPaymentFailures.failures)}
              hint={`${pluralize(data.openPaymentFailures.accounts, 'account')} affected`}
              icon={<IconCreditCardOff size={20} />}
              color={data.openPaymentFailures.failures ? 'red' : 'gray'}
            />
          </SimpleGrid>
          {counts.failed > 0 ? (
            <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={`${pluralize(counts.failed, 'event')} could not be applied`}>
              <List size="sm">
                <List.Item>Filter the events below by “Failed” to see why; fix the cause (e.g. the account), then retry them.</List.Item>
              </List>
            </Alert>
          ) : null}
          <UnmatchedCustomers canWrite={canWrite} />
          <RecentEvents canWrite={canWrite} />
          <MappedCustomers />
        </>
      ) : null}
    </Stack>
  )
}
