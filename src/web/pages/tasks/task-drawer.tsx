/** One task in a side drawer: what it asks, where it came from, how it ended, and its comments. */
import { useState, type FormEvent, type ReactNode } from 'react'
import { Link } from 'react-router-dom'
import { Alert, Anchor, Badge, Button, Divider, Drawer, Group, Paper, Skeleton, Stack, Text, Textarea } from '@mantine/core'
import { ApiError, errorMessage } from '../../api/client'
import { useAddTaskComment, useTask, useTaskComments, type Task } from '../../api/tasks'
import { useSession } from '../../auth/session'
import { PriorityBadge } from '../../components/badges'
import { ErrorState } from '../../components/query-state'
import { RenewalDate } from '../../components/renewal-date'
import { formatDate, formatDateTime, formatMoney, formatRelative } from '../../lib/format'
import { BandBadge, formatScore } from '../health/health-parts'
import { DueText, outcomeLabel, StatusBadge } from './task-parts'

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      {children}
    </Stack>
  )
}

function Comments({ taskId }: { taskId: string }) {
  const session = useSession()
  const comments = useTaskComments(taskId)
  const add = useAddTaskComment()
  const [body, setBody] = useState('')

  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (!body.trim()) return
    add.mutate({ id: taskId, body: body.trim() }, { onSuccess: () => setBody('') })
  }

  return (
    <Stack gap="sm">
      <Text fw={700} size="sm">
        Comments
      </Text>
      {comments.isPending ? <Skeleton height={40} /> : null}
      {comments.isError ? <ErrorState error={comments.error} title="Could not load the comments" /> : null}
      {comments.data?.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          No comments yet.
        </Text>
      ) : null}
      {comments.data?.items.map((comment) => (
        <Paper key={comment.id} withBorder p="xs" radius="md" data-testid="task-comment">
          <Group justify="space-between" gap="xs">
            <Text size="xs" fw={600}>
              {comment.authorName ?? 'API'}
            </Text>
            <Text size="xs" c="dimmed" title={formatDateTime(comment.createdAt)}>
              {formatRelative(comment.createdAt)}
            </Text>
          </Group>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {comment.body}
          </Text>
        </Paper>
      ))}
      {session.can('customers:write') ? (
        <form onSubmit={submit}>
          <Stack gap="xs">
            <Textarea
              placeholder="Add a comment"
              value={body}
              onChange={(event) => setBody(event.currentTarget.value)}
              error={add.error instanceof ApiError ? add.error.fieldError('body') : undefined}
              autosize
              minRows={2}
              data-testid="task-comment-input"
            />
            {add.error && !(add.error instanceof ApiError && add.error.fieldError('body')) ? (
              <Alert color="red" variant="light">
                {errorMessage(add.error)}
              </Alert>
            ) : null}
            <Group justify="flex-end">
              <Button type="submit" size="xs" disabled={!body.trim()} loading={add.isPending} data-testid="task-comment-submit">
                Comment
              </Button>
            </Group>
          </Stack>
        </form>
      ) : null}
    </Stack>
  )
}

function TaskDetails({ task }: { task: Task }) {
  return (
    <Stack gap="md">
      <Group gap="xs">
        <StatusBadge task={task} />
        <PriorityBadge priority={task.priority} />
        {task.playbookKey ? (
          <Badge variant="outline" color="grape" size="sm">
            Playbook: {task.playbookKey}
          </Badge>
        ) : null}
      </Group>
      {task.body ? (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="task-drawer-body">
          {task.body}
        </Text>
      ) : (
        <Text size="sm" c="dimmed">
          No details.
        </Text>
      )}
      <Group gap="xl" align="flex-start">
        <Fact label="Account">
          <Anchor component={Link} to={`/accounts/${task.accountId}`} size="sm" fw={600}>
            {task.accountName}
          </Anchor>
          <Text size="xs" c="dimmed">
            {formatMoney(task.accountArr)} ARR
          </Text>
        </Fact>
        <Fact label="Health">
          <Group gap={6}>
            <BandBadge band={task.healthBand} />
            <Text size="sm">{formatScore(task.healthScore)}</Text>
          </Group>
        </Fact>
        <Fact label="Renewal">
          <RenewalDate date={task.accountRenewalDate} />
        </Fact>
      </Group>
      <Group gap="xl" align="flex-start">
        <Fact label="Due">
          <DueText task={task} />
        </Fact>
        <Fact label="Owner">
          <Text size="sm">{task.ownerName ?? 'Unassigned'}</Text>
        </Fact>
        <Fact label="Made by">
          <Text size="sm">{task.playbookKey ? `Playbook ${task.playbookKey}` : (task.createdByName ?? 'API')}</Text>
          <Text size="xs" c="dimmed">
            {formatDateTime(task.createdAt)}
          </Text>
        </Fact>
        {task.snoozedUntil && (task.status === 'open' || task.status === 'in_progress') ? (
          <Fact label="Snoozed until">
            <Text size="sm">{formatDate(task.snoozedUntil)}</Text>
          </Fact>
        ) : null}
      </Group>
      {task.closedAt ? (
        <Alert color={task.status === 'done' ? 'teal' : 'gray'} variant="light" title={task.status === 'done' ? `Completed: ${outcomeLabel(task.outcome)}` : 'Dismissed'}>
          {task.dismissReason ? <Text size="sm">{task.dismissReason}</Text> : null}
          <Text size="xs" c="dimmed">
            {task.closedByName ?? 'Automation'} · {formatDateTime(task.closedAt)}
          </Text>
        </Alert>
      ) : null}
    </Stack>
  )
}

/** The drawer reads the task itself, so it shows the latest state after an action elsewhere. */
export function TaskDrawer({ taskId, onClose }: { taskId: string | null; onClose: () => void }) {
  const task = useTask(taskId)
  return (
    <Drawer
      opened={taskId !== null}
      onClose={onClose}
      position="right"
      size="lg"
      title={<Text fw={700}>{task.data?.title ?? 'Task'}</Text>}
      data-testid="task-drawer"
    >
      {task.isPending && taskId ? <Skeleton height={160} /> : null}
      {task.isError ? <ErrorState error={task.error} title="Could not load this task" /> : null}
      {task.data ? (
        <Stack gap="lg">
          <TaskDetails task={task.data} />
          <Divider />
          <Comments taskId={task.data.id} />
        </Stack>
      ) : null}
    </Drawer>
  )
}
