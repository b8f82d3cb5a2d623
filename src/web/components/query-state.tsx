/** Loading, empty and error states shared by every page. */
import type { ReactNode } from 'react'
import { Alert, Button, EmptyState as MantineEmptyState, Group, Paper, Skeleton, Stack, Table, Text } from '@mantine/core'
import { IconAlertTriangle, IconInbox, IconLock, IconRefresh } from '@tabler/icons-react'
import { ApiError, errorMessage } from '../api/client'

export function ErrorState({
  error,
  title,
  onRetry,
}: {
  error: unknown
  title?: string
  onRetry?: () => void
}) {
  const forbidden = error instanceof ApiError && error.status === 403
  const heading =
    title ?? (error instanceof ApiError ? error.problem.title : forbidden ? 'Not allowed' : 'Something went wrong')
  return (
    <Alert
      color={forbidden ? 'yellow' : 'red'}
      variant="light"
      title={heading}
      icon={forbidden ? <IconLock size={18} /> : <IconAlertTriangle size={18} />}
      data-testid="error-state"
    >
      <Stack gap="xs">
        <Text size="sm">{errorMessage(error)}</Text>
        {error instanceof ApiError && error.status > 0 ? (
          <Text size="xs" c="dimmed">
            HTTP {error.status}
            {error.problem.type && error.problem.type !== 'about:blank' ? ` · ${error.problem.type}` : ''}
          </Text>
        ) : null}
        {onRetry && !forbidden ? (
          <Group>
            <Button size="xs" variant="default" leftSection={<IconRefresh size={14} />} onClick={onRetry}>
              Try again
            </Button>
          </Group>
        ) : null}
      </Stack>
    </Alert>
  )
}

export function EmptyState({
  title,
  description,
  icon,
  action,
}: {
  title: string
  description?: ReactNode
  icon?: ReactNode
  action?: ReactNode
}) {
  return (
    <MantineEmptyState
      py="xl"
      size="sm"
      variant="light"
      color="gray"
      title={title}
      description={description}
      icon={icon ?? <IconInbox size={22} />}
      data-testid="empty-state"
    >
      {action ? <MantineEmptyState.Actions>{action}</MantineEmptyState.Actions> : null}
    </MantineEmptyState>
  )
}

export function TableSkeleton({ rows = 8, columns = 6 }: { rows?: number; columns?: number }) {
  return (
    <Table verticalSpacing="xs" data-testid="table-skeleton">
      <Table.Tbody>
        {Array.from({ length: rows }, (_, row) => (
          <Table.Tr key={row}>
            {Array.from({ length: columns }, (_, column) => (
              <Table.Td key={column}>
                <Skeleton height={12} width={column === 0 ? '80%' : '60%'} radius="sm" />
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

export function CardSkeleton({ height = 120 }: { height?: number }) {
  return (
    <Paper withBorder p="md" radius="md">
      <Skeleton height={12} width="40%" mb="md" />
      <Skeleton height={height - 40} />
    </Paper>
  )
}
