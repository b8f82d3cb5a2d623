/** Account timeline: touchpoints and tasks (made, completed, dismissed) newest first, with an "Add note" form for writers. */
import { useMemo, useState, type FormEvent, type KeyboardEvent } from 'react'
import {
  Alert,
  Badge,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Select,
  Spoiler,
  Stack,
  Text,
  TextInput,
  Textarea,
  ThemeIcon,
  Timeline,
  Title,
  Tooltip,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import {
  IconAlertTriangle,
  IconChecklist,
  IconCircleCheck,
  IconCircleX,
  IconMail,
  IconNote,
  IconPhone,
  IconPresentation,
  IconUsers,
  type Icon,
} from '@tabler/icons-react'
import { ApiError, errorMessage } from '../../api/client'
import { useCreateTouchpoint } from '../../api/hooks'
import { touchpointKinds, type Touchpoint, type TouchpointKind } from '../../api/types'
import { useAccountTasks, type Task } from '../../api/tasks'
import { useSession } from '../../auth/session'
import { EmptyState } from '../../components/query-state'
import { formatDateTime, formatRelative } from '../../lib/format'

const TIMELINE_PREVIEW = 12

const kindMeta: Record<TouchpointKind, { label: string; icon: Icon; color: string }> = {
  note: { label: 'Note', icon: IconNote, color: 'yellow' },
  call: { label: 'Call', icon: IconPhone, color: 'teal' },
  meeting: { label: 'Meeting', icon: IconUsers, color: 'bosun' },
  email: { label: 'Email', icon: IconMail, color: 'cyan' },
  qbr: { label: 'QBR', icon: IconPresentation, color: 'grape' },
}

function AddNoteForm({ accountId }: { accountId: string }) {
  const [kind, setKind] = useState<TouchpointKind>('note')
  const [subject, setSubject] = useState('')
  const [body, setBody] = useState('')
  const create = useCreateTouchpoint()
  const apiError = create.error instanceof ApiError ? create.error : null
  const bodyError = apiError?.fieldError('body')
  const subjectError = apiError?.fieldError('subject')
  const kindError = apiError?.fieldError('kind')
  const otherError = create.isError && !bodyError && !subjectError && !kindError

  const submit = () => {
    if (!body.trim() || create.isPending) return
    create.mutate(
      { accountId, kind, body: body.trim(), subject: subject.trim() || undefined },
      {
        onSuccess: () => {
          setBody('')
          setSubject('')
          setKind('note')
          notifications.show({ color: 'teal', message: `${kindMeta[kind].label} added to the timeline` })
        },
      },
    )
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    submit()
  }

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
      event.preventDefault()
      submit()
    }
  }

  return (
    <form onSubmit={onSubmit} data-testid="add-note-form">
      <Stack gap="xs">
        {otherError ? (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={16} />} p="xs">
            {errorMessage(create.error)}
          </Alert>
        ) : null}
        <Group gap="xs" wrap="nowrap" align="flex-start">
          <Select
            aria-label="Touchpoint kind"
            name="note-kind"
            data={touchpointKinds.map((value) => ({ value, label: kindMeta[value].label }))}
            value={kind}
            onChange={(value) => setKind(touchpointKinds.find((candidate) => candidate === value) ?? 'note')}
            allowDeselect={false}
            w={120}
            size="sm"
            error={kindError}
            data-testid="add-note-kind"
          />
          <TextInput
            aria-label="Subject"
            name="note-subject"
            placeholder="Subject (optional)"
            value={subject}
            onChange={(event) => setSubject(event.currentTarget.value)}
            style={{ flex: 1 }}
            error={subjectError}
            data-testid="add-note-subject"
          />
        </Group>
        <Textarea
          aria-label="Note"
          name="note-body"
          placeholder="Log a note, call summary or next step…"
          autosize
          minRows={3}
          maxRows={12}
          value={body}
          onChange={(event) => setBody(event.currentTarget.value)}
          onKeyDown={onKeyDown}
          error={bodyError}
          data-testid="add-note-body"
        />
        <Group justify="space-between">
          <Text size="xs" c="dimmed">
            Ctrl/⌘ + Enter to save
          </Text>
          <Button type="submit" size="sm" loading={create.isPending} disabled={!body.trim()} data-testid="add-note-submit">
            Add note
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

function TouchpointItem({ touchpoint }: { touchpoint: Touchpoint }) {
  const meta = kindMeta[touchpoint.kind] ?? kindMeta.note
  return (
    <Stack gap={2} data-testid="timeline-item" data-touchpoint-id={touchpoint.id}>
      <Group gap={6} wrap="nowrap" justify="space-between" align="flex-start">
        <Text size="sm" fw={600} lineClamp={2}>
          {touchpoint.subject || meta.label}
        </Text>
        <Badge size="xs" variant="light" color={meta.color} style={{ flexShrink: 0 }}>
          {meta.label}
        </Badge>
      </Group>
      <Text size="xs" c="dimmed">
        {touchpoint.authorName ?? 'System'} ·{' '}
        <Tooltip label={formatDateTime(touchpoint.occurredAt)} withArrow>
          <span>{formatRelative(touchpoint.occurredAt)}</span>
        </Tooltip>
      </Text>
      {touchpoint.body ? (
        <Spoiler maxHeight={96} showLabel="Show more" hideLabel="Show less" fz="sm">
          <Text size="sm" className="bosun-pre" mt={2} data-testid="timeline-item-body">
            {touchpoint.body}
          </Text>
        </Spoiler>
      ) : null}
    </Stack>
  )
}

type TaskEvent = { task: Task; change: 'created' | 'done' | 'dismissed'; at: string }
type Entry = { kind: 'touchpoint'; at: string; touchpoint: Touchpoint } | { kind: 'task'; at: string; event: TaskEvent }

const taskChangeMeta: Record<TaskEvent['change'], { label: string; icon: Icon; color: string }> = {
  created: { label: 'Task', icon: IconChecklist, color: 'orange' },
  done: { label: 'Task done', icon: IconCircleCheck, color: 'teal' },
  dismissed: { label: 'Task dismissed', icon: IconCircleX, color: 'gray' },
}

/** Each task is a timeline entry when it was made, and another when it was closed. */
function taskEvents(tasks: Task[]): TaskEvent[] {
  return tasks.flatMap((task) => {
    const events: TaskEvent[] = [{ task, change: 'created', at: task.createdAt }]
    if (task.closedAt && (task.status === 'done' || task.status === 'dismissed')) events.push({ task, change: task.status, at: task.closedAt })
    return events
  })
}

function TaskEventItem({ event }: { event: TaskEvent }) {
  const meta = taskChangeMeta[event.change]
  const who =
    event.change === 'created'
      ? event.task.playbookKey
        ? `Playbook ${event.task.playbookKey} → ${event.task.ownerName ?? 'unassigned'}`
        : `${event.task.createdByName ?? 'Someone'} → ${event.task.ownerName ?? 'unassigned'}`
      : (event.task.closedByName ?? event.task.ownerName ?? 'Someone')
  const detail =
    event.change === 'done' ? `Outcome: ${event.task.outcome ?? '—'}` : event.change === 'dismissed' ? `Reason: ${event.task.dismissReason ?? '—'}` : event.task.dueOn ? `Due ${event.task.dueOn} · ${event.task.priority}` : event.task.priority
  return (
    <Stack gap={2} data-testid="timeline-task" data-task-id={event.task.id}>
      <Group gap={6} wrap="nowrap" justify="space-between" align="flex-start">
        <Text size="sm" fw={600} lineClamp={2}>
          {event.task.title}
        </Text>
        <Badge size="xs" variant="light" color={meta.color} style={{ flexShrink: 0 }}>
          {meta.label}
        </Badge>
      </Group>
      <Text size="xs" c="dimmed">
        {who} ·{' '}
        <Tooltip label={formatDateTime(event.at)} withArrow>
          <span>{formatRelative(event.at)}</span>
        </Tooltip>
      </Text>
      <Text size="xs">{detail}</Text>
    </Stack>
  )
}

export function TimelineSection({ accountId, touchpoints }: { accountId: string; touchpoints: Touchpoint[] }) {
  const session = useSession()
  const canWrite = session.can('customers:write')
  const [filter, setFilter] = useState<'all' | 'tasks' | TouchpointKind>('all')
  const tasks = useAccountTasks(accountId)
  const counts = useMemo(() => {
    const out = new Map<TouchpointKind, number>()
    for (const touchpoint of touchpoints) out.set(touchpoint.kind, (out.get(touchpoint.kind) ?? 0) + 1)
    return out
  }, [touchpoints])
  const entries = useMemo<Entry[]>(
    () => [
      ...touchpoints.map((touchpoint): Entry => ({ kind: 'touchpoint', at: touchpoint.occurredAt, touchpoint })),
      ...taskEvents(tasks.data?.items ?? []).map((event): Entry => ({ kind: 'task', at: event.at, event })),
    ],
    [touchpoints, tasks.data],
  )
  const visible = useMemo(
    () =>
      entries
        .filter((entry) => filter === 'all' || (filter === 'tasks' ? entry.kind === 'task' : entry.kind === 'touchpoint' && entry.touchpoint.kind === filter))
        .sort((a, b) => b.at.localeCompare(a.at)),
    [entries, filter],
  )
  // The latest few keep the page short; the rest are one click away.
  const [expanded, setExpanded] = useState(false)
  const shown = expanded ? visible : visible.slice(0, TIMELINE_PREVIEW)
  const taskCount = entries.length - touchpoints.length
  const filterOptions = [
    { value: 'all', label: `All ${entries.length}` },
    ...touchpointKinds.filter((kind) => counts.has(kind)).map((kind) => ({ value: kind, label: kindMeta[kind].label })),
    ...(taskCount > 0 ? [{ value: 'tasks', label: `Tasks ${taskCount}` }] : []),
  ]

  return (
    <Paper withBorder p="md" id="timeline" data-testid="timeline">
      <Group justify="space-between" mb="sm">
        <Title order={4} fz="md">
          Timeline
        </Title>
        <Text size="xs" c="dimmed">
          Calls, meetings, emails, QBRs, notes and tasks
        </Text>
      </Group>

      {canWrite ? (
        <Paper withBorder p="sm" mb="md" bg="var(--mantine-color-default-hover)">
          <AddNoteForm accountId={accountId} />
        </Paper>
      ) : (
        <Text size="xs" c="dimmed" mb="md">
          Your role can read the timeline but not add to it.
        </Text>
      )}

      {entries.length > 0 && filterOptions.length > 2 ? (
        <SegmentedControl
          size="xs"
          mb="md"
          fullWidth
          value={filter}
          onChange={(value) => setFilter(value === 'tasks' ? 'tasks' : (touchpointKinds.find((kind) => kind === value) ?? 'all'))}
          data={filterOptions}
        />
      ) : null}

      {visible.length === 0 ? (
        <EmptyState
          title="Nothing logged yet"
          description={canWrite ? 'Add the first note above to start this account’s history.' : 'No touchpoints have been recorded.'}
        />
      ) : (
        <Timeline bulletSize={26} lineWidth={2} active={-1} data-testid="timeline-list">
          {shown.map((entry) => {
            const meta = entry.kind === 'task' ? taskChangeMeta[entry.event.change] : (kindMeta[entry.touchpoint.kind] ?? kindMeta.note)
            return (
              <Timeline.Item
                key={entry.kind === 'task' ? `${entry.event.task.id}:${entry.event.change}` : entry.touchpoint.id}
                bullet={
                  <ThemeIcon size={26} radius="xl" variant="light" color={meta.color}>
                    <meta.icon size={14} />
                  </ThemeIcon>
                }
              >
                {entry.kind === 'task' ? <TaskEventItem event={entry.event} /> : <TouchpointItem touchpoint={entry.touchpoint} />}
              </Timeline.Item>
            )
          })}
        </Timeline>
      )}
      {visible.length > TIMELINE_PREVIEW ? (
        <Button variant="subtle" size="xs" mt="sm" fullWidth onClick={() => setExpanded((value) => !value)} data-testid="timeline-toggle">
          {expanded ? 'Show fewer' : `Show ${visible.length - TIMELINE_PREVIEW} older`}
        </Button>
      ) : null}
    </Paper>
  )
}
