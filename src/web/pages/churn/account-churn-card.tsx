/** Account 360: the account's probability of churn before its next renewal under the current model, its top drivers and the model's date. */
import { Anchor, Group, Paper, Stack, Text, Title } from '@mantine/core'
import { IconFlame } from '@tabler/icons-react'
import { Link } from 'react-router-dom'
import { useAccountChurn, type AccountChurn } from '../../api/churn'
import { CardSkeleton, ErrorState } from '../../components/query-state'
import { formatDate } from '../../lib/format'
import { DriverList, ProbabilityBadge } from './churn-parts'

/** What the probability is of, for this account under its model's target. */
function probabilityOf(data: AccountChurn): string {
  const target = data.model?.target
  if (!target) return 'Probability of churning'
  if (target.kind === 'within_days') return `Probability of churning within ${target.days} days${data.renewalDate ? ` (renewal ${formatDate(data.renewalDate)})` : ''}`
  if (data.nextRenewal) return `Probability of churning before the renewal on ${formatDate(data.nextRenewal)} (or up to ${target.graceDays} days after it)`
  return `Probability of churning within ${target.fallbackDays} days (no renewal date on record)`
}

export function AccountChurnCard({ accountId }: { accountId: string }) {
  const churn = useAccountChurn(accountId)
  if (churn.isPending) return <CardSkeleton height={140} />
  if (churn.isError) return <ErrorState error={churn.error} onRetry={() => void churn.refetch()} />
  const data = churn.data
  return (
    <Paper withBorder p="md" data-testid="account-churn-card">
      <Group justify="space-between" mb="xs">
        <Group gap="xs">
          <IconFlame size={18} />
          <Title order={4} fz="md">
            Churn risk
          </Title>
        </Group>
        {data.probability !== null && <ProbabilityBadge probability={data.probability} size="lg" />}
      </Group>
      {data.model === null ? (
        <Text size="sm" c="dimmed">
          No churn model yet. An admin can train one on the <Anchor component={Link} to="/churn">Churn risk</Anchor> page.
        </Text>
      ) : data.probability === null ? (
        <Text size="sm" c="dimmed">
          Not scored by the current model (only active customers are).
        </Text>
      ) : (
        <Stack gap="xs">
          <Text size="xs" c="dimmed">
            {probabilityOf(data)}. Model of {formatDate(data.model.trainedAt)}
            {data.model.auc !== null ? `, holdout AUC ${data.model.auc.toFixed(2)}` : ''}.
          </Text>
          <Text size="xs" fw={600}>
            Top drivers
          </Text>
          <DriverList drivers={data.drivers} />
        </Stack>
      )}
    </Paper>
  )
}
