/** Small pieces shared by the success plan pages: status, progress, due dates, owners. */
import { Badge, Group, Progress, Text } from '@mantine/core'
import type { PlanProgress, SuccessPlanStatus } from '../../api/success-plans'
import { daysUntil, formatDate, formatDaysFromNow } from '../../lib/format'

const statusColors: Record<SuccessPlanStatus, string> = { active: 'blue', completed: 'teal', cancelled: 'gray' }
const statusLabels: Record<SuccessPlanStatus, string> = { active: 'Active', completed: 'Completed', cancelled: 'Cancelled' }

export function PlanStatusBadge({ status }: { status: SuccessPlanStatus }) {
  return (
    <Badge color={statusColors[status]} variant="light" size="sm" data-testid="plan-status">
      {statusLabels[status]}
    </Badge>
  )
}

export const progressColor = (progress: PlanProgress, overdue: number) => (progress.percent === 100 ? 'teal' : overdue > 0 ? 'orange' : 'blue')

export function PlanProgressBar({ progress, overdue = 0, width, size = 'md' }: { progress: PlanProgress; overdue?: number; width?: number; size?: 'sm' | 'md' | 'lg' }) {
  return (
    <Group gap="xs" wrap="nowrap" w={width} data-testid="plan-progress">
      <Progress value={progress.percent ?? 0} color={progressColor(progress, overdue)} size={size} style={{ flex: 1 }} aria-label={`${progress.done} of ${progress.total} milestones done`} />
      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>
        {progress.total === 0 ? 'no milestones' : `${progress.done}/${progress.total}`}
      </Text>
    </Group>
  )
}

/** `Mar 4, 2025 · in 3 days`, red when overdue. */
export function DueDate({ dueOn, done, overdue }: { dueOn: string | null; done: boolean; overdue?: boolean }) {
  if (!dueOn) return <Text size="xs" c="dimmed">No due date</Text>
  const days = daysUntil(dueOn)
  return (
    <Text size="xs" c={overdue ? 'red' : done ? 'dimmed' : undefined} fw={overdue ? 600 : undefined} style={{ whiteSpace: 'nowrap' }} data-testid="milestone-due">
      {formatDate(dueOn)}
      {!done && days !== null ? ` · ${overdue ? `${formatDaysFromNow(days)}, overdue` : formatDaysFromNow(days)}` : ''}
    </Text>
  )
}

export function ownerLabel(item: { ownerName: string | null; customerOwner: string | null }): string | null {
  if (item.ownerName && item.customerOwner) return `${item.ownerName} & ${item.customerOwner}`
  return item.ownerName ?? item.customerOwner
}
