/** Account 360: an alert while Stripe payments of the account are failing (open payment failures). */
import { Alert, Group, Stack, Text } from '@mantine/core'
import { IconCreditCardOff } from '@tabler/icons-react'
import { usePaymentFailures } from '../../api/billing'
import { formatDate, formatMoneyFull, formatRelative, pluralize } from '../../lib/format'

export function PaymentFailuresAlert({ accountId }: { accountId: string }) {
  const failures = usePaymentFailures(accountId)
  // The signal is extra information: while it loads, or if it cannot be read, the page shows without it.
  if (!failures.data || failures.data.openCount === 0) return null
  const open = failures.data.items.filter((failure) => failure.resolvedAt === null)
  const title =
    open.length === 1 ? 'Payment failed' : `${pluralize(open.length, 'invoice')} unpaid after failed payments`
  return (
    <Alert color="red" variant="light" icon={<IconCreditCardOff size={20} />} title={title} mb="md" data-testid="payment-failures-alert">
      <Stack gap={4}>
        {open.slice(0, 3).map((failure) => (
          <Group key={failure.id} gap="xs" wrap="wrap">
            <Text size="sm" fw={600}>
              {formatMoneyFull(failure.amount, failure.currency)}
            </Text>
            <Text size="sm">
              · invoice {failure.stripeInvoiceId} · {pluralize(failure.attemptCount, 'failed attempt')}, last {formatRelative(failure.failedAt)}
              {failure.nextAttemptAt ? ` · Stripe retries ${formatDate(failure.nextAttemptAt)}` : ' · no retry scheduled'}
            </Text>
          </Group>
        ))}
        {open.length > 3 ? (
          <Text size="xs" c="dimmed">
            and {pluralize(open.length - 3, 'more invoice')}
          </Text>
        ) : null}
        <Text size="xs" c="dimmed">
          Cleared automatically when Stripe reports the invoice paid.
        </Text>
      </Stack>
    </Alert>
  )
}
