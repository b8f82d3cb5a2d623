/** Subscriptions of the account with totals. */
import { Badge, Paper, Table, Text, Tooltip } from '@mantine/core'
import { IconRepeat, IconRepeatOff, IconReceipt } from '@tabler/icons-react'
import type { Subscription } from '../../api/types'
import { EmptyState } from '../../components/query-state'
import { RenewalDate } from '../../components/renewal-date'
import { formatDate, formatMoney, formatMoneyFull, formatNumber, titleCase } from '../../lib/format'

const statusColors: Record<string, string> = {
  active: 'teal',
  trialing: 'cyan',
  past_due: 'orange',
  canceled: 'gray',
  cancelled: 'gray',
  expired: 'gray',
  paused: 'yellow',
}

export function SubscriptionsTab({ subscriptions, currency }: { subscriptions: Subscription[]; currency: string }) {
  if (subscriptions.length === 0) {
    return (
      <Paper withBorder>
        <EmptyState
          title="No subscriptions"
          description="Subscriptions come from your billing system sync."
          icon={<IconReceipt size={22} />}
        />
      </Paper>
    )
  }
  const sorted = [...subscriptions].sort((a, b) => {
    if ((a.status === 'active') !== (b.status === 'active')) return a.status === 'active' ? -1 : 1
    return b.arr - a.arr
  })
  const activeArr = subscriptions.filter((sub) => sub.status === 'active').reduce((sum, sub) => sum + sub.arr, 0)
  const activeSeats = subscriptions
    .filter((sub) => sub.status === 'active')
    .reduce((sum, sub) => sum + (sub.seats ?? 0), 0)
  return (
    <Paper withBorder>
      <Table.ScrollContainer minWidth={720} maxHeight={560} type="native">
        <Table striped highlightOnHover stickyHeader data-testid="subscriptions-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Product</Table.Th>
              <Table.Th>Start</Table.Th>
              <Table.Th>End / renewal</Table.Th>
              <Table.Th ta="right">ARR</Table.Th>
              <Table.Th ta="right">Seats</Table.Th>
              <Table.Th>Status</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sorted.map((sub) => (
              <Table.Tr key={sub.id} data-testid="subscription-row">
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {sub.product}
                  </Text>
                  {sub.externalId ? (
                    <Text size="xs" c="dimmed">
                      {sub.externalId}
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td className="bosun-nowrap">{formatDate(sub.startDate)}</Table.Td>
                <Table.Td>
                  {sub.status === 'active' ? <RenewalDate date={sub.endDate} /> : <Text size="sm">{formatDate(sub.endDate)}</Text>}
                </Table.Td>
                <Table.Td className="bosun-num" fw={600} title={formatMoneyFull(sub.arr, sub.currency)}>
                  {formatMoney(sub.arr, sub.currency)}
                </Table.Td>
                <Table.Td className="bosun-num">{formatNumber(sub.seats)}</Table.Td>
                <Table.Td>
                  <Badge size="sm" variant="light" color={statusColors[sub.status] ?? 'gray'} mr={6}>
                    {titleCase(sub.status)}
                  </Badge>
                  <Tooltip label={sub.autoRenew ? 'Renews automatically' : 'Does not auto-renew'} withArrow>
                    {sub.autoRenew ? (
                      <IconRepeat size={14} color="var(--mantine-color-teal-6)" style={{ verticalAlign: 'middle' }} />
                    ) : (
                      <IconRepeatOff size={14} color="var(--mantine-color-dimmed)" style={{ verticalAlign: 'middle' }} />
                    )}
                  </Tooltip>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
          <Table.Tfoot>
            <Table.Tr>
              <Table.Th colSpan={3}>Active total</Table.Th>
              <Table.Th className="bosun-num">{formatMoney(activeArr, currency)}</Table.Th>
              <Table.Th className="bosun-num">{formatNumber(activeSeats)}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Tfoot>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  )
}
