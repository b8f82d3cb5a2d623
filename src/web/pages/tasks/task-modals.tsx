/** The dialogs of a task: complete (outcome + note), snooze (a later day), dismiss (a reason), and a new task. */
import { useState, type FormEvent } from 'react'
import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput, Textarea } from '@mantine/core'
import { DateInput } from '@mantine/dates'
import { notifications } from '@mantine/notifications'
import dayjs from 'dayjs'
import { ApiError, errorMessage } from '../../api/client'
import {
  taskOutcomes,
  taskPriorities,
  useCompleteTask,
  useCreateTask,
  useDismissTask,
  useSnoozeTask,
  type Task,
  type TaskOutcome,
  type TaskPriority,
} from '../../api/tasks'
import { useSession } from '../../auth/session'
import { OwnerSelect, ParentAccountSelect } from '../../components/account-pickers'
import { titleCase } from '../../lib/format'

export type TaskAction = { kind: 'complete' | 'snooze' | 'dismiss'; task: Task }

/** A server error not tied to one of the form's fields, shown under the form. */
function OtherError({ error, fields }: { error: unknown; fields: string[] }) {
  if (!error) return null
  if (error instanceof ApiError && fields.some((field) => error.fieldError(field))) return null
  return (
    <Alert color="red" variant="light" data-testid="task-form-error">
      {errorMessage(error)}
    </Alert>
  )
}

const fieldError = (error: unknown, field: string) => (error instanceof ApiError ? error.fieldError(field) : undefined)

function CompleteForm({ task, onClose }: { task: Task; onClose: () => void }) {
  const complete = useCompleteTask()
  const [outcome, setOutcome] = useState<TaskOutcome | null>(null)
  const [note, setNote] = useState('')
  const [touched, setTouched] = useState(false)

  const submit = (event: FormEvent) => {
    event.preventDefault()
    setTouched(true)
    if (!outcome) return
    complete.mutate(
      { id: task.id, outcome, note: note.trim() || undefined },
      {
        onSuccess: () => {
          notifications.show({ color: 'teal', title: 'Task completed', message: task.title })
          onClose()
        },
      },
    )
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Select
          label="Outcome"
          description="What came of it"
          placeholder="Pick an outcome"
          data={taskOutcomes}
          value={outcome}
          onChange={(value) => setOutcome(taskOutcomes.find((option) => option.value === value)?.value ?? null)}
          error={(touched && !outcome ? 'Pick an outcome' : null) ?? fieldError(complete.error, 'outcome')}
          allowDeselect={false}
          comboboxProps={{ withinPortal: true }}
          required
          data-testid="task-outcome"
        />
        <Textarea
          label="Note"
          description="Kept as a comment on the task"
          value={note}
          onChange={(event) => setNote(event.currentTarget.value)}
          error={fieldError(complete.error, 'note')}
          autosize
          minRows={2}
          data-testid="task-note"
        />
        <OtherError error={complete.error} fields={['outcome', 'note']} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" color="teal" loading={complete.isPending} data-testid="task-complete-submit">
            Complete
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

function SnoozeForm({ task, onClose }: { task: Task; onClose: () => void }) {
  const snooze = useSnoozeTask()
  const tomorrow = dayjs().add(1, 'day').format('YYYY-MM-DD')
  const [until, setUntil] = useState<string | null>(tomorrow)

  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (!until) return
    snooze.mutate(
      { id: task.id, until },
      {
        onSuccess: () => {
          notifications.show({ color: 'blue', title: 'Snoozed', message: `${task.title} is back on ${dayjs(until).format('MMM D')}.` })
          onClose()
        },
      },
    )
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Text size="sm" c="dimmed">
          The task leaves My day until then; it stays open and keeps its due date.
        </Text>
        <Group gap="xs">
          {[
            ['Tomorrow', 1],
            ['In 3 days', 3],
            ['Next week', 7],
          ].map(([label, days]) => (
            <Button key={label} size="xs" variant="default" onClick={() => setUntil(dayjs().add(Number(days), 'day').format('YYYY-MM-DD'))}>
              {label}
            </Button>
          ))}
        </Group>
        <DateInput
          label="Until"
          valueFormat="MMM D, YYYY"
          minDate={tomorrow}
          value={until}
          onChange={setUntil}
          error={fieldError(snooze.error, 'until')}
          popoverProps={{ withinPortal: true }}
          required
          data-testid="task-snooze-until"
        />
        <OtherError error={snooze.error} fields={['until']} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={!until} loading={snooze.isPending} data-testid="task-snooze-submit">
            Snooze
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

function DismissForm({ task, onClose }: { task: Task; onClose: () => void }) {
  const dismiss = useDismissTask()
  const [reason, setReason] = useState('')
  const [touched, setTouched] = useState(false)

  const submit = (event: FormEvent) => {
    event.preventDefault()
    setTouched(true)
    if (!reason.trim()) return
    dismiss.mutate(
      { id: task.id, reason: reason.trim() },
      {
        onSuccess: () => {
          notifications.show({ color: 'gray', title: 'Task dismissed', message: task.title })
          onClose()
        },
      },
    )
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Textarea
          label="Reason"
          description="Why this does not need doing, for whoever looks at the account next"
          placeholder="e.g. Already covered in the renewal call"
          value={reason}
          onChange={(event) => setReason(event.currentTarget.value)}
          error={(touched && !reason.trim() ? 'Say why' : null) ?? fieldError(dismiss.error, 'reason')}
          autosize
          minRows={2}
          maxLength={2000}
          required
          data-testid="task-dismiss-reason"
        />
        <OtherError error={dismiss.error} fields={['reason']} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" color="red" variant="light" loading={dismiss.isPending} data-testid="task-dismiss-submit">
            Dismiss
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

const actionTitles = { complete: 'Complete', snooze: 'Snooze', dismiss: 'Dismiss' } as const

/** One modal for the three closing actions; the form is mounted only while open, so each opening starts clean. */
export function TaskActionModal({ action, onClose }: { action: TaskAction | null; onClose: () => void }) {
  return (
    <Modal
      opened={action !== null}
      onClose={onClose}
      centered
      title={
        action ? (
          <Text fw={700} lineClamp={1}>
            {actionTitles[action.kind]}: {action.task.title}
          </Text>
        ) : null
      }
      data-testid="task-action-modal"
    >
      {action?.kind === 'complete' ? <CompleteForm task={action.task} onClose={onClose} /> : null}
      {action?.kind === 'snooze' ? <SnoozeForm task={action.task} onClose={onClose} /> : null}
      {action?.kind === 'dismiss' ? <DismissForm task={action.task} onClose={onClose} /> : null}
    </Modal>
  )
}

function NewTaskForm({ account, onClose }: { account?: { id: string; name: string }; onClose: () => void }) {
  const session = useSession()
  const create = useCreateTask()
  const [accountId, setAccountId] = useState<string | null>(account?.id ?? null)
  const [title, setTitle] = useState('')
  const [body, setBody] = useState('')
  const [priority, setPriority] = useState<TaskPriority>('normal')
  const [dueOn, setDueOn] = useState<string | null>(null)
  const [ownerId, setOwnerId] = useState<string | null>(session.user.id)
  const [touched, setTouched] = useState(false)

  const submit = (event: FormEvent) => {
    event.preventDefault()
    setTouched(true)
    if (!accountId || !title.trim()) return
    create.mutate(
      { accountId, title: title.trim(), body: body.trim() || undefined, priority, dueOn, ownerId },
      {
        onSuccess: (task) => {
          notifications.show({ color: 'teal', title: 'Task created', message: `${task.title} (${task.accountName})` })
          onClose()
        },
      },
    )
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {account ? null : (
          <ParentAccountSelect
            label="Account"
            placeholder="Search accounts"
            value={accountId}
            onChange={setAccountId}
            clearable={false}
            required
            error={(touched && !accountId ? 'Pick an account' : null) ?? fieldError(create.error, 'accountId')}
            comboboxProps={{ withinPortal: true }}
            data-testid="task-account"
          />
        )}
        <TextInput
          label="Title"
          placeholder="e.g. Call the champion about the rollout"
          value={title}
          onChange={(event) => setTitle(event.currentTarget.value)}
          error={(touched && !title.trim() ? 'Give it a title' : null) ?? fieldError(create.error, 'title')}
          maxLength={500}
          required
          data-autofocus
          data-testid="task-title"
        />
        <Textarea label="Details" value={body} onChange={(event) => setBody(event.currentTarget.value)} error={fieldError(create.error, 'body')} autosize minRows={2} data-testid="task-body" />
        <Group grow align="flex-start">
          <Select
            label="Priority"
            data={taskPriorities.map((value) => ({ value, label: titleCase(value) }))}
            value={priority}
            onChange={(value) => setPriority(taskPriorities.find((option) => option === value) ?? 'normal')}
            allowDeselect={false}
            comboboxProps={{ withinPortal: true }}
            data-testid="task-priority"
          />
          <DateInput
            label="Due"
            valueFormat="MMM D, YYYY"
            clearable
            value={dueOn}
            onChange={setDueOn}
            error={fieldError(create.error, 'dueOn')}
            popoverProps={{ withinPortal: true }}
            data-testid="task-due"
          />
        </Group>
        <OwnerSelect label="Owner" value={ownerId} onChange={setOwnerId} error={fieldError(create.error, 'ownerId')} comboboxProps={{ withinPortal: true }} data-testid="task-owner" />
        <OtherError error={create.error} fields={['accountId', 'title', 'body', 'dueOn', 'ownerId', 'priority']} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending} data-testid="task-create-submit">
            Create task
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

/** A new task by hand: on a given account (Account 360) or on one picked here (My day). */
export function NewTaskModal({ opened, onClose, account }: { opened: boolean; onClose: () => void; account?: { id: string; name: string } }) {
  return (
    <Modal opened={opened} onClose={onClose} centered size="lg" title={<Text fw={700}>{account ? `New task on ${account.name}` : 'New task'}</Text>} data-testid="new-task-modal">
      {opened ? <NewTaskForm account={account} onClose={onClose} /> : null}
    </Modal>
  )
}
