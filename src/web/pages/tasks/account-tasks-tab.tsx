/** Account 360's Tasks tab: the account's tasks, open ones first, with their actions and "New task". */
import { useState } from 'react'
import { Button, Group, Paper, Stack, Text } from '@mantine/core'
import { IconChecklist, IconPlus } from '@tabler/icons-react'
import { useAccountTasks } from '../../api/tasks'
import { useSession } from '../../auth/session'
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-state'
import { pluralize } from '../../lib/format'
import { TaskList } from './task-list'
import { NewTaskModal } from './task-modals'
import { isOpen } from './task-parts'

export function AccountTasksTab({ account }: { account: { id: string; name: string } }) {
  const session = useSession()
  const tasks = useAccountTasks(account.id)
  const [creating, setCreating] = useState(false)
  const open = tasks.data?.items.filter(isOpen).length ?? 0

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {tasks.data ? `${pluralize(open, 'open task')}; closed ones below with their outcome or reason.` : 'Tasks on this account'}
        </Text>
        {session.can('customers:write') ? (
          <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setCreating(true)} data-testid="account-new-task">
            New task
          </Button>
        ) : null}
      </Group>
      {tasks.isError ? <ErrorState error={tasks.error} title="Could not load the tasks" onRetry={() => void tasks.refetch()} /> : null}
      {tasks.isPending ? <TableSkeleton rows={4} columns={6} /> : null}
      {tasks.data && tasks.data.items.length === 0 ? <EmptyState icon={<IconChecklist size={28} />} title="No tasks yet" description="Tasks made by hand or by playbooks for this account show up here." /> : null}
      {tasks.data && tasks.data.items.length > 0 ? (
        <Paper withBorder radius="md">
          <TaskList tasks={tasks.data.items} columns={{ owner: true, status: true }} testId="account-tasks" />
        </Paper>
      ) : null}
      <NewTaskModal opened={creating} onClose={() => setCreating(false)} account={account} />
    </Stack>
  )
}
