/** Account 360 → Success plans: the account's plans, each opened in a drawer, and "New plan". */
import { useState } from 'react'
import { Link } from 'react-router-dom'
import { Anchor, Badge, Button, Drawer, Group, Paper, Stack, Text, UnstyledButton } from '@mantine/core'
import { IconExternalLink, IconPlus, IconShare, IconTargetArrow } from '@tabler/icons-react'
import { useAccountSuccessPlans } from '../../api/success-plans'
import { useCan } from '../../auth/session'
import { CardSkeleton, EmptyState, ErrorState } from '../../components/query-state'
import { pluralize } from '../../lib/format'
import { NewPlanModal } from './new-plan-modal'
import { PlanDetail } from './plan-detail'
import { DueDate, PlanProgressBar, PlanStatusBadge } from './parts'

export function AccountSuccessPlansTab({ accountId, accountName }: { accountId: string; accountName: string }) {
  const plans = useAccountSuccessPlans(accountId)
  const canWrite = useCan('customers:write')
  const [creating, setCreating] = useState(false)
  const [openId, setOpenId] = useState<string | null>(null)

  if (plans.isPending) return <CardSkeleton height={200} />
  if (plans.isError) return <ErrorState error={plans.error} title="Could not load success plans" onRetry={() => void plans.refetch()} />
  const items = plans.data.items

  return (
    <Stack gap="md" data-testid="account-success-plans">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {items.length === 0 ? 'No success plans yet.' : pluralize(items.length, 'plan')}
        </Text>
        {canWrite ? (
          <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setCreating(true)} data-testid="new-plan-button">
            New plan
          </Button>
        ) : null}
      </Group>
      {items.length === 0 ? (
        <EmptyState
          title="No success plans"
          icon={<IconTargetArrow size={22} />}
          description="A success plan writes down what the customer wants to achieve and the milestones on the way; start one from a template suggested for this account’s stage."
        />
      ) : null}
      {items.map((plan) => (
        <UnstyledButton key={plan.id} onClick={() => setOpenId(plan.id)} data-testid="account-plan-card">
          <Paper withBorder radius="md" p="md">
            <Group justify="space-between" wrap="nowrap" mb="xs">
              <Group gap="xs" wrap="nowrap">
                <Text fw={600}>{plan.title}</Text>
                <PlanStatusBadge status={plan.status} />
                {plan.shared ? <IconShare size={14} color="var(--mantine-color-dimmed)" aria-label="Shared with the customer" /> : null}
              </Group>
              <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                {plan.ownerName ?? 'Unassigned'}
              </Text>
            </Group>
            <PlanProgressBar progress={plan.progress} overdue={plan.overdue} />
            <Group justify="space-between" mt="xs" wrap="nowrap">
              {plan.nextDue ? (
                <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
                  <Text size="xs" c="dimmed">
                    Next:
                  </Text>
                  <Text size="xs" lineClamp={1}>
                    {plan.nextDue.title}
                  </Text>
                  <DueDate dueOn={plan.nextDue.dueOn} done={false} overdue={plan.overdue > 0 && plan.nextDue.dueOn < new Date().toISOString().slice(0, 10)} />
                </Group>
              ) : (
                <Text size="xs" c="dimmed">
                  {plan.progress.total > 0 && plan.progress.done === plan.progress.total ? 'Every milestone done' : 'No open milestone with a due date'}
                </Text>
              )}
              {plan.overdue > 0 ? (
                <Badge size="sm" color="red" variant="light">
                  {plan.overdue} overdue
                </Badge>
              ) : null}
            </Group>
          </Paper>
        </UnstyledButton>
      ))}
      <NewPlanModal accountId={accountId} accountName={accountName} opened={creating} onClose={() => setCreating(false)} onCreated={(plan) => setOpenId(plan.id)} />
      <Drawer
        opened={openId !== null}
        onClose={() => setOpenId(null)}
        position="right"
        size="xl"
        title={
          openId ? (
            <Anchor component={Link} to={`/success-plans/${openId}`} size="sm">
              <Group gap={4}>
                Open as a page <IconExternalLink size={14} />
              </Group>
            </Anchor>
          ) : null
        }
        data-testid="plan-drawer"
      >
        {openId ? <PlanDetail key={openId} planId={openId} showAccount={false} /> : null}
      </Drawer>
    </Stack>
  )
}
