/** My day: the signed-in user's open tasks, overdue first, then today, the coming week and undated ones. */
import { useState, type ReactNode } from 'react'
import { Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core'
import { IconAlertTriangle, IconCalendarEvent, IconCalendarTime, IconInbox, IconPlus } from '@tabler/icons-react'
import { useMyDay, type Task } from '../../api/tasks'
import { useSession } from '../../auth/session'
import { PageHeader } from '../../components/page-header'
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-state'
import { formatDate, pluralize } from '../../lib/format'
import { TaskList } from './task-list'
import { NewTaskModal } from './task-modals'

function Section({ title, icon, color, tasks, testId, hint }: { title: string; icon: ReactNode; color: string; tasks: Task[]; testId: string; hint?: string }) {
  return (
    <Paper withBorder radius="md" data-testid={testId}>
      <Group p="sm" justify="space-between">
        <Group gap="xs">
          {icon}
          <Title order={4} fz="md">
            {title}
          </Title>
          <Badge color={tasks.length > 0 ? color : 'gray'} variant="light" size="sm">
            {tasks.length}
          </Badge>
        </Group>
        {hint ? (
          <Text size="xs" c="dimmed">
            {hint}
          </Text>
        ) : null}
      </Group>
      {tasks.length > 0 ? (
        <TaskList tasks={tasks} testId={`${testId}-list`} />
      ) : (
        <Text size="sm" c="dimmed" px="sm" pb="sm">
          Nothing here.
        </Text>
      )}
    </Paper>
  )
}

export default function MyDayPage() {
  const session = useSession()
  const day = useMyDay()
  const [creating, setCreating] = useState(false)
  const data = day.data
  const total = data ? data.overdue.length + data.today.length + data.upcoming.length + data.noDueDate.length : 0

  return (
    <>
      <PageHeader
        title="My day"
        description={data ? `${formatDate(data.date)} · ${pluralize(total, 'open task')} for you` : 'Your open tasks'}
        actions={
          session.can('customers:write') ? (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} data-testid="new-task-button">
              New task
            </Button>
          ) : null
        }
      />
      {day.isError ? <ErrorState error={day.error} title="Could not load your day" onRetry={() => void day.refetch()} /> : null}
      {day.isPending ? <TableSkeleton rows={6} columns={7} /> : null}
      {data && total === 0 ? (
        <EmptyState
          icon={<IconInbox size={28} />}
          title="Nothing on your plate"
          description={data.snoozed + data.later > 0 ? `${pluralize(data.snoozed, 'snoozed task')} and ${pluralize(data.later, 'task')} due later are not shown.` : 'New tasks from playbooks and colleagues show up here.'}
        />
      ) : null}
      {data && total > 0 ? (
        <Stack gap="md">
          <Section title="Overdue" icon={<IconAlertTriangle size={18} color="var(--mantine-color-red-6)" />} color="red" tasks={data.overdue} testId="my-day-overdue" />
          <Section title="Today" icon={<IconCalendarEvent size={18} color="var(--mantine-color-orange-6)" />} color="orange" tasks={data.today} testId="my-day-today" />
          <Section title="Upcoming" icon={<IconCalendarTime size={18} />} color="blue" tasks={data.upcoming} testId="my-day-upcoming" hint="The next 7 days" />
          <Section title="No due date" icon={<IconInbox size={18} />} color="gray" tasks={data.noDueDate} testId="my-day-no-date" />
          {data.snoozed + data.later > 0 ? (
            <Text size="xs" c="dimmed" data-testid="my-day-hidden">
              Not shown: {pluralize(data.snoozed, 'snoozed task')}, {pluralize(data.later, 'task')} due after the next 7 days.
            </Text>
          ) : null}
        </Stack>
      ) : null}
      <NewTaskModal opened={creating} onClose={() => setCreating(false)} />
    </>
  )
}
