/** Small pieces shared by the task views: status badge, due date in words, outcome labels. */
import { Badge, Text, Tooltip } from '@mantine/core'
import { taskOutcomes, type Task } from '../../api/tasks'
import { daysUntil, formatDate, formatDaysFromNow } from '../../lib/format'

export const isOpen = (task: Task) => task.status === 'open' || task.status === 'in_progress'

export const outcomeLabel = (value: string | null) => taskOutcomes.find((option) => option.value === value)?.label ?? value ?? ''

export function StatusBadge({ task }: { task: Task }) {
  if (task.status === 'done') {
    return (
      <Badge color="teal" variant="light" size="sm">
        Done{task.outcome ? `: ${outcomeLabel(task.outcome)}` : ''}
      </Badge>
    )
  }
  if (task.status === 'dismissed') {
    return (
      <Tooltip label={task.dismissReason ?? ''} disabled={!task.dismissReason} withArrow multiline maw={280}>
        <Badge color="gray" variant="light" size="sm">
          Dismissed
        </Badge>
      </Tooltip>
    )
  }
  return (
    <Badge color={task.status === 'in_progress' ? 'blue' : 'gray'} variant="dot" size="sm">
      {task.status === 'in_progress' ? 'In progress' : 'Open'}
    </Badge>
  )
}

/** The due date with how far off it is; overdue (for an open task) in red. */
export function DueText({ task }: { task: Task }) {
  if (!task.dueOn) {
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    )
  }
  const days = daysUntil(task.dueOn)
  const overdue = isOpen(task) && days !== null && days < 0
  return (
    <Text size="sm" c={overdue ? 'red' : days === 0 && isOpen(task) ? 'orange' : undefined} fw={overdue ? 600 : undefined} className="bosun-nowrap" title={formatDate(task.dueOn)} data-overdue={overdue || undefined}>
      {isOpen(task) ? formatDaysFromNow(days) : formatDate(task.dueOn)}
    </Text>
  )
}
