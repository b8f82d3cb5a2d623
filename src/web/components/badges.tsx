/** Small coloured badges for enumerations used across the app. */
import { Badge, type BadgeProps, Tooltip } from '@mantine/core'
import { roleDescriptions, type ApiKeyScope, type Role } from '../../shared/roles'
import type { AccountStatus, MovementKind, TicketPriority, TicketStatus, UserStatus } from '../api/types'
import { titleCase } from '../lib/format'

export const roleColors: Record<Role, string> = {
  owner: 'grape',
  admin: 'red',
  manager: 'blue',
  csm: 'teal',
  viewer: 'gray',
}

export function RoleBadge({ role, ...props }: { role: Role } & BadgeProps) {
  return (
    <Tooltip label={roleDescriptions[role]} withArrow openDelay={300} multiline maw={280}>
      <Badge color={roleColors[role]} variant="light" size="sm" data-testid="role-badge" {...props}>
        {role}
      </Badge>
    </Tooltip>
  )
}

export function AccountStatusBadge({ status, ...props }: { status: AccountStatus } & BadgeProps) {
  return (
    <Badge color={status === 'active' ? 'teal' : 'red'} variant="light" size="sm" {...props}>
      {status}
    </Badge>
  )
}

export function UserStatusBadge({ status }: { status: UserStatus }) {
  return (
    <Badge color={status === 'active' ? 'teal' : 'gray'} variant={status === 'active' ? 'light' : 'outline'} size="sm">
      {status}
    </Badge>
  )
}

const priorityColors: Record<TicketPriority, string> = { low: 'gray', normal: 'blue', high: 'orange', urgent: 'red' }
export function PriorityBadge({ priority }: { priority: TicketPriority }) {
  return (
    <Badge color={priorityColors[priority] ?? 'gray'} variant={priority === 'urgent' ? 'filled' : 'light'} size="sm">
      {priority}
    </Badge>
  )
}

const ticketStatusColors: Record<TicketStatus, string> = {
  new: 'cyan',
  open: 'blue',
  pending: 'yellow',
  on_hold: 'orange',
  solved: 'teal',
  closed: 'gray',
}
export function TicketStatusBadge({ status }: { status: TicketStatus }) {
  return (
    <Badge color={ticketStatusColors[status] ?? 'gray'} variant="dot" size="sm">
      {titleCase(status)}
    </Badge>
  )
}

export const movementColors: Record<MovementKind, string> = {
  new: 'teal',
  expansion: 'blue',
  contraction: 'orange',
  churn: 'red',
  reactivation: 'grape',
}
export function MovementBadge({ kind }: { kind: MovementKind }) {
  return (
    <Badge color={movementColors[kind] ?? 'gray'} variant="light" size="sm">
      {kind}
    </Badge>
  )
}

const scopeColors: Record<ApiKeyScope, string> = { ingest: 'cyan', read: 'gray', write: 'blue', admin: 'red' }
export function ScopeBadge({ scope }: { scope: ApiKeyScope }) {
  return (
    <Badge color={scopeColors[scope] ?? 'gray'} variant="light" size="xs">
      {scope}
    </Badge>
  )
}
