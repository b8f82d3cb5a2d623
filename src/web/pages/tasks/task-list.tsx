/** A table of tasks with their actions (complete, snooze, dismiss, reopen) and the task drawer. */
import { useState } from 'react'
import { Link } from 'react-router-dom'
import { ActionIcon, Anchor, Badge, Group, Table, Text, Tooltip, UnstyledButton } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconArrowBackUp, IconCheck, IconClockPause, IconMessage, IconX } from '@tabler/icons-react'
import { errorMessage } from '../../api/client'
import { useUpdateTask, type Task } from '../../api/tasks'
import { useSession } from '../../auth/session'
import { PriorityBadge } from '../../components/badges'
import { RenewalDate } from '../../components/renewal-date'
import { formatMoney } from '../../lib/format'
import { BandBadge, formatScore } from '../health/health-parts'
import { TaskDrawer } from './task-drawer'
import { TaskActionModal, type TaskAction } from './task-modals'
import { DueText, isOpen, StatusBadge } from './task-parts'

type Columns = {
  /** Account, its health and renewal: off on the account's own page. */
  account?: boolean
  owner?: boolean
  status?: boolean
}

function Actions({ task, onAction }: { task: Task; onAction: (action: TaskAction) => void }) {
  const reopen = useUpdateTask()
  if (!isOpen(task)) {
    return (
      <Tooltip label="Reopen" withArrow>
        <ActionIcon
          variant="subtle"
          color="gray"
          loading={reopen.isPending}
          aria-label="Reopen"
          onClick={() => reopen.mutate({ id: task.id, status: 'open' }, { onError: (error) => notifications.show({ color: 'red', title: 'Could not reopen', message: errorMessage(error) }) })}
          data-testid="task-reopen"
        >
          <IconArrowBackUp size={16} />
        </ActionIcon>
      </Tooltip>
    )
  }
  return (
    <Group gap={2} wrap="nowrap">
      <Tooltip label="Complete" withArrow>
        <ActionIcon variant="subtle" color="teal" aria-label="Complete" onClick={() => onAction({ kind: 'complete', task })} data-testid="task-complete">
          <IconCheck size={16} />
        </ActionIcon>
      </Tooltip>
      <Tooltip label="Snooze" withArrow>
        <ActionIcon variant="subtle" color="blue" aria-label="Snooze" onClick={() => onAction({ kind: 'snooze', task })} data-testid="task-snooze">
          <IconClockPause size={16} />
        </ActionIcon>
      </Tooltip>
      <Tooltip label="Dismiss" withArrow>
        <ActionIcon variant="subtle" color="gray" aria-label="Dismiss" onClick={() => onAction({ kind: 'dismiss', task })} data-testid="task-dismiss">
          <IconX size={16} />
        </ActionIcon>
      </Tooltip>
    </Group>
  )
}

export function TaskList({ tasks, columns = { account: true }, testId = 'task-list' }: { tasks: Task[]; columns?: Columns; testId?: string }) {
  const session = useSession()
  const canWrite = session.can('customers:write')
  const [action, setAction] = useState<TaskAction | null>(null)
  const [openId, setOpenId] = useState<string | null>(null)

  return (
    <>
      <Table.ScrollContainer minWidth={columns.account ? 960 : 640}>
        <Table verticalSpacing="xs" highlightOnHover data-testid={testId}>
          <Table.Thead>
            <Table.Tr>
              {columns.account ? <Table.Th>Account</Table.Th> : null}
              <Table.Th>Task</Table.Th>
              <Table.Th>Priority</Table.Th>
              <Table.Th>Due</Table.Th>
              {columns.account ? <Table.Th>Health</Table.Th> : null}
              {columns.account ? <Table.Th>Renewal</Table.Th> : null}
              <Table.Th>Playbook</Table.Th>
              {columns.owner ? <Table.Th>Owner</Table.Th> : null}
              {columns.status ? <Table.Th>Status</Table.Th> : null}
              {canWrite ? <Table.Th w={110} /> : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tasks.map((task) => (
              <Table.Tr key={task.id} data-testid="task-row" data-task-id={task.id}>
                {columns.account ? (
                  <Table.Td>
                    <Anchor component={Link} to={`/accounts/${task.accountId}`} size="sm" fw={600}>
                      {task.accountName}
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      {formatMoney(task.accountArr)} ARR
                    </Text>
                  </Table.Td>
                ) : null}
                <Table.Td maw={360}>
                  <UnstyledButton onClick={() => setOpenId(task.id)} data-testid="task-open">
                    <Group gap={6} wrap="nowrap">
                      <Text size="sm" fw={500} lineClamp={2} td={isOpen(task) ? undefined : 'line-through'} c={isOpen(task) ? undefined : 'dimmed'}>
                        {task.title}
                      </Text>
                      {task.commentCount > 0 ? (
                        <Badge size="xs" variant="light" color="gray" leftSection={<IconMessage size={10} />}>
                          {task.commentCount}
                        </Badge>
                      ) : null}
                    </Group>
                  </UnstyledButton>
                </Table.Td>
                <Table.Td>
                  <PriorityBadge priority={task.priority} />
                </Table.Td>
                <Table.Td>
                  <DueText task={task} />
                </Table.Td>
                {columns.account ? (
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <BandBadge band={task.healthBand} size="xs" />
                      {task.healthScore !== null ? <Text size="xs">{formatScore(task.healthScore)}</Text> : null}
                    </Group>
                  </Table.Td>
                ) : null}
                {columns.account ? (
                  <Table.Td>
                    <RenewalDate date={task.accountRenewalDate} />
                  </Table.Td>
                ) : null}
                <Table.Td>
                  {task.playbookKey ? (
                    <Badge size="xs" variant="outline" color="grape">
                      {task.playbookKey}
                    </Badge>
                  ) : (
                    <Text size="xs" c="dimmed">
                      Manual
                    </Text>
                  )}
                </Table.Td>
                {columns.owner ? (
                  <Table.Td>
                    <Text size="sm" c={task.ownerName ? undefined : 'orange'}>
                      {task.ownerName ?? 'Unassigned'}
                    </Text>
                  </Table.Td>
                ) : null}
                {columns.status ? (
                  <Table.Td>
                    <StatusBadge task={task} />
                  </Table.Td>
                ) : null}
                {canWrite ? (
                  <Table.Td>
                    <Actions task={task} onAction={setAction} />
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <TaskActionModal action={action} onClose={() => setAction(null)} />
      <TaskDrawer taskId={openId} onClose={() => setOpenId(null)} />
    </>
  )
}
