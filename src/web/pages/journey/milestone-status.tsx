/** How a milestone status looks everywhere: colour, label, badge. */
import { Badge, type BadgeProps } from '@mantine/core'
import type { MilestoneStatus } from '../../api/journeys'

export const statusColors: Record<MilestoneStatus, string> = { done: 'teal', late: 'yellow', on_track: 'blue', missed: 'red' }
export const statusLabels: Record<MilestoneStatus, string> = { done: 'Done', late: 'Late', on_track: 'On track', missed: 'Missed' }
export const statusOrder: MilestoneStatus[] = ['done', 'late', 'on_track', 'missed']
export const countKey = { done: 'done', late: 'late', on_track: 'onTrack', missed: 'missed' } as const

export function MilestoneStatusBadge({ status, ...props }: { status: MilestoneStatus } & BadgeProps) {
  return (
    <Badge color={statusColors[status]} variant="light" {...props}>
      {statusLabels[status]}
    </Badge>
  )
}
