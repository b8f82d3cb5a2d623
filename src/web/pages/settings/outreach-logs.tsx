/** Outreach delivery logs: emails and webhook / Slack posts made by playbooks, with status, attempts and the last error. */
import { useState } from 'react'
import { Link } from 'react-router-dom'
import { Anchor, Badge, Button, Code, Group, Paper, SegmentedControl, Stack, Table, Text, Title, Tooltip } from '@mantine/core'
import { IconBrandSlack, IconMail, IconWebhook } from '@tabler/icons-react'
import { useOutboundEmails, useWebhookDeliveries, type DeliveryStatus } from '../../api/outreach'
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-state'
import { formatDateTime, formatRelative } from '../../lib/format'

const statusColors: Record<DeliveryStatus, string> = { pending: 'blue', sending: 'cyan', sent: 'teal', failed: 'red', skipped: 'gray' }
const statusHelp: Record<DeliveryStatus, string> = {
  pending: 'Waiting to be sent (or to be retried after a failed attempt)',
  sending: 'Being sent by a worker now',
  sent: 'Accepted by the mail server / answered 2xx',
  failed: 'Gave up after 8 attempts (or the receiver refused it for good)',
  skipped: 'Not sent; see the reason',
}

export function DeliveryStatusBadge({ status, reason }: { status: DeliveryStatus; reason?: string | null }) {
  return (
    <Tooltip label={reason ? `${statusHelp[status]}: ${reason}` : statusHelp[status]} withArrow multiline w={260}>
      <Badge color={statusColors[status]} variant={status === 'sent' ? 'light' : 'dot'} size="sm" data-testid="delivery-status">
        {status === 'skipped' && reason ? `skipped · ${reason}` : status}
      </Badge>
    </Tooltip>
  )
}

const filters = [
  { value: 'all', label: 'All' },
  { value: 'pending', label: 'Pending' },
  { value: 'sent', label: 'Sent' },
  { value: 'failed', label: 'Failed' },
  { value: 'skipped', label: 'Skipped' },
]

function When({ value }: { value: string }) {
  return (
    <Tooltip label={formatDateTime(value)} withArrow>
      <Text size="sm" className="bosun-nowrap" span>
        {formatRelative(value)}
      </Text>
    </Tooltip>
  )
}

function Attempts({ attempts, nextAttemptAt, lastError }: { attempts: number; nextAttemptAt: string | null; lastError: string | null }) {
  return (
    <Stack gap={2}>
      <Text size="sm">{attempts}</Text>
      {nextAttemptAt && attempts > 0 ? (
        <Text size="xs" c="dimmed">
          next {formatRelative(nextAttemptAt)}
        </Text>
      ) : null}
      {lastError ? (
        <Tooltip label={lastError} multiline w={380} withArrow>
          <Text size="xs" c="red" lineClamp={2} maw={280} data-testid="delivery-last-error">
            {lastError}
          </Text>
        </Tooltip>
      ) : null}
    </Stack>
  )
}

function AccountCell({ accountId, accountName, playbookKey }: { accountId: string | null; accountName: string | null; playbookKey: string | null }) {
  return (
    <Stack gap={2}>
      {accountId && accountName ? (
        <Anchor component={Link} to={`/accounts/${accountId}`} size="sm">
          {accountName}
        </Anchor>
      ) : (
        <Text size="sm" c="dimmed">
          —
        </Text>
      )}
      {playbookKey ? (
        <Text size="xs" c="dimmed">
          playbook <Code>{playbookKey}</Code>
        </Text>
      ) : null}
    </Stack>
  )
}

function EmailLog({ status }: { status: DeliveryStatus | undefined }) {
  const emails = useOutboundEmails({ status })
  const items = emails.data?.pages.flatMap((page) => page.items) ?? []
  if (emails.isPending) return <TableSkeleton rows={5} columns={6} />
  if (emails.isError) return <ErrorState error={emails.error} title="Could not load emails" onRetry={() => void emails.refetch()} />
  if (items.length === 0) return <EmptyState title="No emails" description="Emails sent by playbook steps show up here." icon={<IconMail size={22} />} />
  return (
    <>
      <Table.ScrollContainer minWidth={900} type="native">
        <Table verticalSpacing="xs" striped data-testid="outreach-emails-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Queued</Table.Th>
              <Table.Th>To / from</Table.Th>
              <Table.Th>Subject</Table.Th>
              <Table.Th>Account</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Attempts</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((email) => (
              <Table.Tr key={email.id} data-testid="outreach-email-row">
                <Table.Td>
                  <When value={email.createdAt} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{email.toAddress}</Text>
                  <Text size="xs" c="dimmed">
                    from {email.fromName ? `${email.fromName} <${email.fromAddress}>` : email.fromAddress || '—'}
                  </Text>
                </Table.Td>
                <Table.Td maw={260}>
                  <Text size="sm" lineClamp={2}>
                    {email.subject}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <AccountCell accountId={email.accountId} accountName={email.accountName} playbookKey={email.playbookKey} />
                </Table.Td>
                <Table.Td>
                  <DeliveryStatusBadge status={email.status} reason={email.skipReason} />
                  {email.sentAt ? (
                    <Text size="xs" c="dimmed" mt={2}>
                      {formatRelative(email.sentAt)}
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  <Attempts attempts={email.attempts} nextAttemptAt={email.nextAttemptAt} lastError={email.lastError} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {emails.hasNextPage ? (
        <Group justify="center" p="sm">
          <Button variant="subtle" size="xs" loading={emails.isFetchingNextPage} onClick={() => void emails.fetchNextPage()}>
            Load more
          </Button>
        </Group>
      ) : null}
    </>
  )
}

function WebhookLog({ status }: { status: DeliveryStatus | undefined }) {
  const deliveries = useWebhookDeliveries({ status })
  const items = deliveries.data?.pages.flatMap((page) => page.items) ?? []
  if (deliveries.isPending) return <TableSkeleton rows={5} columns={6} />
  if (deliveries.isError) return <ErrorState error={deliveries.error} title="Could not load deliveries" onRetry={() => void deliveries.refetch()} />
  if (items.length === 0) return <EmptyState title="No webhook or Slack posts" description="Posts made by playbook steps show up here." icon={<IconWebhook size={22} />} />
  return (
    <>
      <Table.ScrollContainer minWidth={900} type="native">
        <Table verticalSpacing="xs" striped data-testid="outreach-webhooks-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Queued</Table.Th>
              <Table.Th>Destination</Table.Th>
              <Table.Th>Account</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Response</Table.Th>
              <Table.Th>Attempts</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((delivery) => (
              <Table.Tr key={delivery.id} data-testid="outreach-webhook-row">
                <Table.Td>
                  <When value={delivery.createdAt} />
                </Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    {delivery.kind === 'slack' ? <IconBrandSlack size={16} /> : <IconWebhook size={16} />}
                    <Code>{delivery.destinationKey}</Code>
                  </Group>
                  {delivery.kind === 'slack' && typeof delivery.payload.text === 'string' ? (
                    <Text size="xs" c="dimmed" lineClamp={1} maw={260}>
                      {delivery.payload.text}
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  <AccountCell accountId={delivery.accountId} accountName={delivery.accountName} playbookKey={delivery.playbookKey} />
                </Table.Td>
                <Table.Td>
                  <DeliveryStatusBadge status={delivery.status} />
                  {delivery.deliveredAt ? (
                    <Text size="xs" c="dimmed" mt={2}>
                      {formatRelative(delivery.deliveredAt)}
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{delivery.responseStatus ?? '—'}</Text>
                </Table.Td>
                <Table.Td>
                  <Attempts attempts={delivery.attempts} nextAttemptAt={delivery.nextAttemptAt} lastError={delivery.lastError} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {deliveries.hasNextPage ? (
        <Group justify="center" p="sm">
          <Button variant="subtle" size="xs" loading={deliveries.isFetchingNextPage} onClick={() => void deliveries.fetchNextPage()}>
            Load more
          </Button>
        </Group>
      ) : null}
    </>
  )
}

export function OutreachLogs() {
  const [kind, setKind] = useState<'emails' | 'webhooks'>('emails')
  const [filter, setFilter] = useState('all')
  const status = filter === 'all' ? undefined : (filter as DeliveryStatus)
  return (
    <Stack gap="xs">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={4}>Recent deliveries</Title>
          <Text size="sm" c="dimmed">
            What playbooks sent, newest first. Failed attempts are retried after 30 s, 1 min, 2 min … up to 1 h apart, 8 attempts in all.
          </Text>
        </div>
        <Group gap="xs">
          <SegmentedControl
            size="xs"
            value={kind}
            onChange={(value) => setKind(value === 'webhooks' ? 'webhooks' : 'emails')}
            data={[
              { value: 'emails', label: 'Emails' },
              { value: 'webhooks', label: 'Webhooks & Slack' },
            ]}
            data-testid="outreach-log-kind"
          />
          <SegmentedControl size="xs" value={filter} onChange={setFilter} data={filters} data-testid="outreach-log-filter" />
        </Group>
      </Group>
      <Paper withBorder>{kind === 'emails' ? <EmailLog status={status} /> : <WebhookLog status={status} />}</Paper>
    </Stack>
  )
}
