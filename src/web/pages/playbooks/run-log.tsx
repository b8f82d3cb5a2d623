/** The run log: runs with their status and trigger, each expandable into the steps it took, what they did and why. */
import { Fragment, useState, type ReactNode } from 'react'
import { Link } from 'react-router-dom'
import { ActionIcon, Alert, Anchor, Badge, Button, Code, Group, Paper, Select, Stack, Table, Text, Tooltip } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconChevronDown, IconChevronRight, IconListDetails, IconRefresh, IconX } from '@tabler/icons-react'
import { errorMessage } from '../../api/client'
import { playbookRunStatuses, useCancelRun, usePlaybookRuns, useRetryRun, type PlaybookRun, type PlaybookRunStatus, type PlaybookRunStep } from '../../api/playbooks'
import { useSession } from '../../auth/session'
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-state'
import { formatDate, formatDateTime, formatRelative } from '../../lib/format'
import { TaskDrawer } from '../tasks/task-drawer'
import { metaOf, OutcomeBadge, RunStatusBadge, StepIcon, triggerSummary } from './playbook-parts'

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : null)
const isOpen = (status: PlaybookRunStatus) => status === 'pending' || status === 'waiting'

function When({ at }: { at: string | null }) {
  if (!at) {
    return (
      <Text size="sm" c="dimmed" span>
        —
      </Text>
    )
  }
  return (
    <Tooltip label={formatDateTime(at)} withArrow>
      <Text size="sm" span>
        {formatRelative(at)}
      </Text>
    </Tooltip>
  )
}

/** What one step did, from its logged detail: links to what it made, recipients with skip reasons, the branch taken, the error. */
function StepDetail({ step, onOpenTask }: { step: PlaybookRunStep; onOpenTask: (taskId: string) => void }) {
  const detail = step.detail
  const parts: ReactNode[] = []
  const error = text(detail.error)
  if (error) {
    parts.push(
      <Text key="error" size="sm" c="red">
        {error}
      </Text>,
    )
  }
  const reason = text(detail.reason)
  if (reason) {
    parts.push(
      <Text key="reason" size="sm" c="dimmed">
        {reason}
      </Text>,
    )
  }
  switch (step.stepType) {
    case 'task': {
      const taskId = text(detail.taskId)
      if (taskId) {
        parts.push(
          <Text key="task" size="sm">
            Task{' '}
            <Anchor component="button" type="button" size="sm" onClick={() => onOpenTask(taskId)} data-testid="run-step-task-link">
              {text(detail.title) ?? 'open'}
            </Anchor>
            {text(detail.owner) ? ` for ${text(detail.owner)}` : ''}
            {text(detail.dueOn) ? `, due ${formatDate(text(detail.dueOn))}` : ''}
            {detail.created === false ? ' (already made by an earlier attempt)' : ''}
          </Text>,
        )
      }
      break
    }
    case 'success_plan':
    {
      const planId = text(detail.planId)
      if (planId) {
        parts.push(
          <Text key="plan" size="sm">
            Success plan{' '}
            <Anchor component={Link} to={`/success-plans/${planId}`} size="sm">
              {text(detail.title) ?? 'open'}
            </Anchor>
            {detail.created === false ? ' (already there)' : ''}
          </Text>,
        )
      }
      break
    }
    case 'email': {
      const emails = Array.isArray(detail.emails) ? detail.emails.filter(isRecord) : []
      if (emails.length > 0) {
        parts.push(
          <Stack key="emails" gap={2}>
            {emails.map((email, index) => (
              <Group key={text(email.emailId) ?? `${text(email.contactId)}-${index}`} gap={6} wrap="nowrap">
                <Badge size="xs" variant="light" color={email.status === 'sent' ? 'teal' : email.status === 'skipped' ? 'gray' : email.status === 'failed' ? 'red' : 'blue'}>
                  {text(email.status) ?? '?'}
                </Badge>
                <Text size="sm">
                  {text(email.to) ?? text(email.name) ?? 'contact'}
                  {text(email.reason) ? (
                    <Text span size="sm" c="dimmed">
                      {' '}
                      — {text(email.reason)}
                    </Text>
                  ) : null}
                </Text>
              </Group>
            ))}
          </Stack>,
        )
      }
      break
    }
    case 'webhook':
    case 'slack':
      if (text(detail.destination)) {
        parts.push(
          <Text key="delivery" size="sm">
            To {text(detail.destination)}
            {text(detail.status) ? ` (${text(detail.status)})` : ''}
            {text(detail.text) ? `: ${text(detail.text)}` : ''}
          </Text>,
        )
      }
      break
    case 'update_field':
      if (text(detail.field)) {
        parts.push(
          <Text key="field" size="sm">
            Set <Code>{text(detail.field)}</Code> to <Code>{JSON.stringify(detail.value ?? null)}</Code>
          </Text>,
        )
      }
      break
    case 'move_stage':
      if (text(detail.to)) parts.push(<Text key="stage" size="sm">Stage {text(detail.from) ?? 'none'} → {text(detail.to)}</Text>)
      break
    case 'wait':
      if (text(detail.until)) parts.push(<Text key="wait" size="sm">Waits {text(detail.days)} days, until {formatDateTime(text(detail.until))}</Text>)
      break
    case 'branch':
      if (typeof detail.condition === 'boolean') {
        parts.push(
          <Text key="branch" size="sm" data-testid="run-step-branch">
            Condition {detail.condition ? 'held' : 'did not hold'} → {text(detail.goTo) === 'end' ? 'end' : `step “${text(detail.goTo) ?? '?'}”`}
          </Text>,
        )
      }
      break
  }
  if (parts.length === 0 && Object.keys(detail).length > 0) {
    parts.push(
      <Code key="raw" block fz="xs">
        {JSON.stringify(detail, null, 2)}
      </Code>,
    )
  }
  return <Stack gap={2}>{parts}</Stack>
}

function RunSteps({ run, onOpenTask }: { run: PlaybookRun; onOpenTask: (taskId: string) => void }) {
  return (
    <Stack gap="xs" py="xs" data-testid="run-steps">
      <Text size="xs" c="dimmed">
        Version {run.playbookVersion} · {run.occurrence} · triggered {formatDateTime(run.triggeredAt)}
        {run.status === 'waiting' && run.nextStepId ? ` · next: step “${run.nextStepId}” at ${formatDateTime(run.wakeAt)}` : ''}
      </Text>
      {run.lastError ? (
        <Alert color="red" variant="light" p="xs" title="Failed">
          {run.lastError}
        </Alert>
      ) : null}
      {run.endReason ? (
        <Text size="sm" c="dimmed">
          Ended: {run.endReason}
        </Text>
      ) : null}
      {run.steps.length === 0 ? (
        <Text size="sm" c="dimmed">
          No step taken yet.
        </Text>
      ) : (
        run.steps.map((step) => (
          <Group key={step.stepId} gap="sm" wrap="nowrap" align="flex-start" data-testid="run-step">
            <StepIcon type={step.stepType} size={24} />
            <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
              <Group gap={6}>
                <Text size="sm" fw={600}>
                  {metaOf(step.stepType).label}
                </Text>
                <Text size="xs" c="dimmed">
                  {step.stepId}
                </Text>
                <OutcomeBadge outcome={step.outcome} />
                <Text size="xs" c="dimmed">
                  {formatDateTime(step.executedAt)}
                </Text>
              </Group>
              <StepDetail step={step} onOpenTask={onOpenTask} />
            </Stack>
          </Group>
        ))
      )}
    </Stack>
  )
}

function RunActions({ run }: { run: PlaybookRun }) {
  const session = useSession()
  const retry = useRetryRun()
  const cancel = useCancelRun()
  const onError = (title: string) => (error: unknown) => notifications.show({ color: 'red', title, message: errorMessage(error) })
  return (
    <Group gap={4} wrap="nowrap" justify="flex-end" onClick={(event) => event.stopPropagation()}>
      {run.status === 'failed' && session.can('config:write') ? (
        <Button size="compact-xs" variant="light" leftSection={<IconRefresh size={12} />} loading={retry.isPending} onClick={() => retry.mutate(run.id, { onError: onError('Not retried') })} data-testid="run-retry">
          Retry
        </Button>
      ) : null}
      {isOpen(run.status) && session.can('customers:write') ? (
        <Button size="compact-xs" variant="subtle" color="red" leftSection={<IconX size={12} />} loading={cancel.isPending} onClick={() => cancel.mutate(run.id, { onError: onError('Not cancelled') })} data-testid="run-cancel">
          Cancel
        </Button>
      ) : null}
    </Group>
  )
}

/** Runs in a table; `show` picks the account or the playbook column (the other is the page's subject). */
export function RunTable({ runs, show, playbookNames }: { runs: PlaybookRun[]; show: 'account' | 'playbook'; playbookNames?: Record<string, string> }) {
  const [expanded, setExpanded] = useState<Set<string>>(new Set())
  const [taskId, setTaskId] = useState<string | null>(null)
  const toggle = (id: string) =>
    setExpanded((current) => {
      const next = new Set(current)
      if (next.has(id)) next.delete(id)
      else next.add(id)
      return next
    })
  return (
    <>
      <Table.ScrollContainer minWidth={900}>
        <Table verticalSpacing="xs" highlightOnHover data-testid="run-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={36} />
              <Table.Th>Status</Table.Th>
              <Table.Th>{show === 'account' ? 'Account' : 'Playbook'}</Table.Th>
              <Table.Th>Trigger</Table.Th>
              <Table.Th>Started</Table.Th>
              <Table.Th>Finished</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {runs.map((run) => {
              const open = expanded.has(run.id)
              return (
                <Fragment key={run.id}>
                  <Table.Tr style={{ cursor: 'pointer' }} onClick={() => toggle(run.id)} data-testid="run-row" data-status={run.status}>
                    <Table.Td>
                      <ActionIcon variant="subtle" color="gray" size="sm" aria-label={open ? 'Hide steps' : 'Show steps'} aria-expanded={open}>
                        {open ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
                      </ActionIcon>
                    </Table.Td>
                    <Table.Td>
                      <RunStatusBadge status={run.status} />
                    </Table.Td>
                    <Table.Td onClick={(event) => event.stopPropagation()}>
                      {show === 'account' ? (
                        <Anchor component={Link} to={`/accounts/${run.accountId}`} size="sm" fw={500} data-testid="run-account">
                          {run.accountName}
                        </Anchor>
                      ) : (
                        <Anchor component={Link} to={`/playbooks/${encodeURIComponent(run.playbookKey)}`} size="sm" fw={500}>
                          {playbookNames?.[run.playbookKey] ?? run.playbookKey}
                        </Anchor>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" lineClamp={2} data-testid="run-trigger">
                        {triggerSummary(run.trigger)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <When at={run.createdAt} />
                    </Table.Td>
                    <Table.Td>
                      <When at={run.finishedAt} />
                    </Table.Td>
                    <Table.Td>
                      <RunActions run={run} />
                    </Table.Td>
                  </Table.Tr>
                  {open ? (
                    <Table.Tr>
                      <Table.Td />
                      <Table.Td colSpan={6}>
                        <RunSteps run={run} onOpenTask={setTaskId} />
                      </Table.Td>
                    </Table.Tr>
                  ) : null}
                </Fragment>
              )
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <TaskDrawer taskId={taskId} onClose={() => setTaskId(null)} />
    </>
  )
}

const statusOptions = playbookRunStatuses.map((status) => ({ value: status, label: status }))

/** One playbook's run log with a status filter and "Load more". */
export function PlaybookRunLog({ playbookKey }: { playbookKey: string }) {
  const [status, setStatus] = useState<PlaybookRunStatus | null>(null)
  const runs = usePlaybookRuns({ playbook: playbookKey, status: status ?? undefined })
  const rows = runs.data?.pages.flatMap((page) => page.runs) ?? []
  return (
    <Paper withBorder p="md" data-testid="playbook-run-log">
      <Group justify="space-between" mb="sm">
        <Text size="sm" c="dimmed">
          Newest first. Open a run to see each step it took.
        </Text>
        <Select size="xs" w={180} placeholder="Every status" clearable data={statusOptions} value={status} onChange={(value) => setStatus(value as PlaybookRunStatus | null)} data-testid="run-status-filter" />
      </Group>
      {runs.isPending ? (
        <TableSkeleton rows={5} columns={6} />
      ) : runs.isError ? (
        <ErrorState error={runs.error} onRetry={() => void runs.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState icon={<IconListDetails size={22} />} title={status ? `No ${status} runs` : 'No runs yet'} description="Runs appear here when the trigger fires or someone runs the playbook by hand." />
      ) : (
        <>
          <RunTable runs={rows} show="account" />
          {runs.hasNextPage ? (
            <Group justify="center" mt="sm">
              <Button variant="default" size="xs" onClick={() => void runs.fetchNextPage()} loading={runs.isFetchingNextPage} data-testid="run-load-more">
                Load more
              </Button>
            </Group>
          ) : null}
        </>
      )}
    </Paper>
  )
}
