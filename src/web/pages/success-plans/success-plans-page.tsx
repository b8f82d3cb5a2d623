/** Success plans across the book: progress, overdue milestones and what is due next, by owner and status. */
import { useMemo } from 'react'
import { Link, useSearchParams } from 'react-router-dom'
import { Anchor, Badge, Group, Pagination, Paper, SegmentedControl, Select, Stack, Table, Text, Tooltip } from '@mantine/core'
import { IconShare, IconTargetArrow } from '@tabler/icons-react'
import { useUsers } from '../../api/hooks'
import { useSuccessPlans, type PlanListQuery, type SuccessPlanStatus } from '../../api/success-plans'
import { useSession } from '../../auth/session'
import { PageHeader } from '../../components/page-header'
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-state'
import { formatDate, pluralize } from '../../lib/format'
import { DueDate, PlanProgressBar, PlanStatusBadge } from './parts'

const PAGE = 50
const statusFilters = ['active', 'completed', 'cancelled', 'all'] as const

export default function SuccessPlansPage() {
  const session = useSession()
  const [params, setParams] = useSearchParams()
  const users = useUsers()
  const statusParam = params.get('status')
  const status = statusFilters.find((candidate) => candidate === statusParam) ?? 'active'
  const owner = params.get('owner') ?? undefined
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1)
  const query: PlanListQuery = { status: status === 'all' ? undefined : (status as SuccessPlanStatus), owner, limit: PAGE, offset: (page - 1) * PAGE }
  const plans = useSuccessPlans(query)

  const update = (changes: Record<string, string | null>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev)
        for (const [key, value] of Object.entries(changes)) {
          if (value === null || value === '') next.delete(key)
          else next.set(key, value)
        }
        if (!('page' in changes)) next.delete('page')
        return next
      },
      { replace: true },
    )

  const ownerOptions = useMemo(
    () => [
      { value: session.user.id, label: 'My plans' },
      { value: 'unassigned', label: 'Unassigned' },
      ...(users.data?.items ?? []).filter((user) => user.id !== session.user.id && user.role !== 'viewer').map((user) => ({ value: user.id, label: user.name })),
    ],
    [users.data, session.user.id],
  )
  const data = plans.data

  return (
    <>
      <PageHeader title="Success plans" description="Objectives and milestones agreed with customers: progress, what is overdue and what is due next." />
      <Paper withBorder radius="md">
        <Group p="sm" gap="sm" wrap="wrap">
          <SegmentedControl
            size="xs"
            value={status}
            onChange={(value) => update({ status: value === 'active' ? null : value })}
            data={[
              { value: 'active', label: 'Active' },
              { value: 'completed', label: 'Completed' },
              { value: 'cancelled', label: 'Cancelled' },
              { value: 'all', label: 'All' },
            ]}
            data-testid="plans-filter-status"
          />
          <Select placeholder="All owners" data={ownerOptions} value={owner ?? null} onChange={(value) => update({ owner: value })} clearable searchable w={220} data-testid="plans-filter-owner" />
          {data ? (
            <Text size="sm" c="dimmed" ml="auto" data-testid="plans-total">
              {pluralize(data.total, 'plan')}
            </Text>
          ) : null}
        </Group>
        {plans.isError ? (
          <Stack p="sm">
            <ErrorState error={plans.error} title="Could not load success plans" onRetry={() => void plans.refetch()} />
          </Stack>
        ) : plans.isPending ? (
          <TableSkeleton rows={8} columns={6} />
        ) : data && data.items.length === 0 ? (
          <EmptyState
            title="No success plans here"
            icon={<IconTargetArrow size={22} />}
            description="Start one from an account’s Success plans tab, from a template suggested for its stage or by hand."
          />
        ) : (
          <Table.ScrollContainer minWidth={960}>
            <Table highlightOnHover verticalSpacing="sm" data-testid="plans-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Plan</Table.Th>
                  <Table.Th>Account</Table.Th>
                  <Table.Th>Owner</Table.Th>
                  <Table.Th w={200}>Progress</Table.Th>
                  <Table.Th>Next milestone</Table.Th>
                  <Table.Th ta="right">Overdue</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data?.items.map((plan) => (
                  <Table.Tr key={plan.id} data-testid="plan-row">
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Anchor component={Link} to={`/success-plans/${plan.id}`} size="sm" fw={600}>
                          {plan.title}
                        </Anchor>
                        {plan.shared ? (
                          <Tooltip label={`Shared with the customer on ${formatDate(plan.sharedAt)}`} withArrow>
                            <IconShare size={14} color="var(--mantine-color-dimmed)" aria-label="Shared" />
                          </Tooltip>
                        ) : null}
                        {plan.status !== 'active' ? <PlanStatusBadge status={plan.status} /> : null}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/accounts/${plan.accountId}?tab=plans`} size="sm">
                        {plan.accountName}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c={plan.ownerName ? undefined : 'orange'}>
                        {plan.ownerName ?? 'Unassigned'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <PlanProgressBar progress={plan.progress} overdue={plan.overdue} />
                    </Table.Td>
                    <Table.Td>
                      {plan.nextDue ? (
                        <Stack gap={0}>
                          <Text size="sm" lineClamp={1}>
                            {plan.nextDue.title}
                          </Text>
                          <DueDate dueOn={plan.nextDue.dueOn} done={false} overdue={plan.nextDue.dueOn < new Date().toISOString().slice(0, 10)} />
                        </Stack>
                      ) : (
                        <Text size="sm" c="dimmed">
                          —
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td ta="right">
                      {plan.overdue > 0 ? (
                        <Badge color="red" variant="light" data-testid="plan-overdue">
                          {pluralize(plan.overdue, 'milestone')}
                        </Badge>
                      ) : (
                        <Text size="sm" c="dimmed">
                          —
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {data && data.total > PAGE ? (
          <Group justify="center" p="sm">
            <Pagination total={Math.ceil(data.total / PAGE)} value={page} onChange={(value) => update({ page: String(value) })} size="sm" />
          </Group>
        ) : null}
      </Paper>
    </>
  )
}
