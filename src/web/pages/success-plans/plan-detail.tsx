/** One success plan: objectives with milestones to tick, owners and due dates, editing, and the link shared with the customer. */
import { useState } from 'react'
import { Link } from 'react-router-dom'
import { ActionIcon, Alert, Anchor, Button, Checkbox, Group, Menu, Paper, Select, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconDots, IconLink, IconLinkOff, IconPencil, IconPlus, IconRefresh, IconShare, IconTrash } from '@tabler/icons-react'
import { errorMessage } from '../../api/client'
import { useUsers } from '../../api/hooks'
import {
  successPlanStatuses,
  useRemovePlanItem,
  useRevokePlanShare,
  useSharePlan,
  useSuccessPlan,
  useUpdatePlan,
  useUpdatePlanItem,
  type PlanMilestone,
  type PlanObjective,
  type SuccessPlan,
  type SuccessPlanStatus,
} from '../../api/success-plans'
import { useCan } from '../../auth/session'
import { CopyField } from '../../components/copy-field'
import { CardSkeleton, ErrorState } from '../../components/query-state'
import { formatDate, pluralize } from '../../lib/format'
import { ItemModal, type ItemTarget } from './item-modal'
import { DueDate, ownerLabel, PlanProgressBar, PlanStatusBadge } from './parts'

function SharePanel({ plan, canWrite }: { plan: SuccessPlan; canWrite: boolean }) {
  const share = useSharePlan(plan.id)
  const revoke = useRevokePlanShare(plan.id)
  // The link is shown once: only its hash is kept on the server.
  const [url, setUrl] = useState<string | null>(null)
  const makeLink = () =>
    share.mutate(undefined, {
      onSuccess: (result) => setUrl(result.url),
      onError: (error) => notifications.show({ color: 'red', title: 'Could not share the plan', message: errorMessage(error) }),
    })
  const revokeLink = () =>
    revoke.mutate(undefined, {
      onSuccess: () => {
        setUrl(null)
        notifications.show({ color: 'teal', message: 'The customer link no longer works.' })
      },
      onError: (error) => notifications.show({ color: 'red', title: 'Could not revoke the link', message: errorMessage(error) }),
    })

  return (
    <Paper withBorder radius="md" p="md" data-testid="plan-share">
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Group gap="xs">
          {plan.shared ? <IconLink size={18} color="var(--mantine-color-teal-6)" /> : <IconShare size={18} color="var(--mantine-color-dimmed)" />}
          <Stack gap={0}>
            <Text size="sm" fw={600}>
              {plan.shared ? 'Shared with the customer' : 'Share with the customer'}
            </Text>
            <Text size="xs" c="dimmed">
              {plan.shared
                ? `A read-only link made on ${formatDate(plan.sharedAt)}: the account name, objectives, milestones, due dates and progress — no revenue or emails.`
                : 'A read-only link anyone who has it can open without logging in: objectives, milestones, due dates and progress.'}
            </Text>
          </Stack>
        </Group>
        {canWrite ? (
          <Group gap="xs">
            {plan.shared ? (
              <>
                <Tooltip label="Make a new link; the old one stops working" withArrow>
                  <Button size="xs" variant="default" leftSection={<IconRefresh size={14} />} onClick={makeLink} loading={share.isPending} data-testid="plan-share-renew">
                    New link
                  </Button>
                </Tooltip>
                <Button size="xs" variant="light" color="red" leftSection={<IconLinkOff size={14} />} onClick={revokeLink} loading={revoke.isPending} data-testid="plan-share-revoke">
                  Revoke
                </Button>
              </>
            ) : (
              <Button size="xs" leftSection={<IconShare size={14} />} onClick={makeLink} loading={share.isPending} data-testid="plan-share-create">
                Share with customer
              </Button>
            )}
          </Group>
        ) : null}
      </Group>
      {url && plan.shared ? (
        <Stack gap={4} mt="sm">
          <CopyField value={url} testId="plan-share-url" />
          <Text size="xs" c="dimmed">
            Copy it now: it is shown only once. Making a new link or revoking stops this one.
          </Text>
        </Stack>
      ) : null}
    </Paper>
  )
}

function MilestoneRow({ planId, milestone, canWrite, onEdit }: { planId: string; milestone: PlanMilestone; canWrite: boolean; onEdit: () => void }) {
  const update = useUpdatePlanItem(planId)
  const remove = useRemovePlanItem(planId)
  const owner = ownerLabel(milestone)
  const toggle = (done: boolean) =>
    update.mutate({ itemId: milestone.id, input: { done } }, { onError: (error) => notifications.show({ color: 'red', title: 'Could not save', message: errorMessage(error) }) })
  return (
    <Group justify="space-between" wrap="nowrap" gap="sm" py={6} px="xs" data-testid="plan-milestone" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
      <Group gap="sm" wrap="nowrap" align="flex-start" style={{ minWidth: 0 }}>
        <Checkbox checked={milestone.done} onChange={(event) => toggle(event.currentTarget.checked)} disabled={!canWrite} aria-label={`${milestone.title} done`} mt={2} data-testid="plan-milestone-done" />
        <Stack gap={0} style={{ minWidth: 0 }}>
          <Text size="sm" td={milestone.done ? 'line-through' : undefined} c={milestone.done ? 'dimmed' : undefined}>
            {milestone.title}
          </Text>
          {milestone.description ? (
            <Text size="xs" c="dimmed">
              {milestone.description}
            </Text>
          ) : null}
        </Stack>
      </Group>
      <Group gap="md" wrap="nowrap">
        <Text size="xs" c={owner ? undefined : 'dimmed'} style={{ whiteSpace: 'nowrap' }} data-testid="plan-milestone-owner">
          {owner ?? 'No owner'}
        </Text>
        <DueDate dueOn={milestone.dueOn} done={milestone.done} overdue={milestone.overdue} />
        {canWrite ? (
          <Group gap={2} wrap="nowrap">
            <ActionIcon variant="subtle" color="gray" size="sm" onClick={onEdit} aria-label="Edit milestone">
              <IconPencil size={14} />
            </ActionIcon>
            <ActionIcon variant="subtle" color="red" size="sm" onClick={() => remove.mutate(milestone.id)} loading={remove.isPending} aria-label="Remove milestone" data-testid="plan-milestone-remove">
              <IconTrash size={14} />
            </ActionIcon>
          </Group>
        ) : null}
      </Group>
    </Group>
  )
}

function ObjectiveCard({ planId, objective, canWrite, onTarget }: { planId: string; objective: PlanObjective; canWrite: boolean; onTarget: (target: ItemTarget) => void }) {
  const remove = useRemovePlanItem(planId)
  const done = objective.milestones.filter((milestone) => milestone.done).length
  return (
    <Paper withBorder radius="md" data-testid="plan-objective">
      <Group justify="space-between" wrap="nowrap" p="sm" gap="sm">
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Text fw={600}>{objective.title}</Text>
          {objective.description ? (
            <Text size="sm" c="dimmed">
              {objective.description}
            </Text>
          ) : null}
        </Stack>
        <Group gap="xs" wrap="nowrap">
          <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
            {objective.milestones.length === 0 ? 'no milestones' : `${done} of ${objective.milestones.length} done`}
          </Text>
          {canWrite ? (
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <ActionIcon variant="subtle" color="gray" aria-label="Objective actions" data-testid="plan-objective-menu">
                  <IconDots size={16} />
                </ActionIcon>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item leftSection={<IconPlus size={14} />} onClick={() => onTarget({ mode: 'add-milestone', parentId: objective.id, objectiveTitle: objective.title })}>
                  Add milestone
                </Menu.Item>
                <Menu.Item leftSection={<IconPencil size={14} />} onClick={() => onTarget({ mode: 'edit', item: objective })}>
                  Edit objective
                </Menu.Item>
                <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => remove.mutate(objective.id)} data-testid="plan-objective-remove">
                  Remove with its milestones
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          ) : null}
        </Group>
      </Group>
      {objective.milestones.map((milestone) => (
        <MilestoneRow key={milestone.id} planId={planId} milestone={milestone} canWrite={canWrite} onEdit={() => onTarget({ mode: 'edit', item: milestone })} />
      ))}
      {canWrite ? (
        <Group px="xs" py={6} style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
          <Button size="compact-xs" variant="subtle" leftSection={<IconPlus size={12} />} onClick={() => onTarget({ mode: 'add-milestone', parentId: objective.id, objectiveTitle: objective.title })} data-testid="plan-add-milestone">
            Add milestone
          </Button>
        </Group>
      ) : null}
    </Paper>
  )
}

function PlanHeader({ plan, canWrite, showAccount }: { plan: SuccessPlan; canWrite: boolean; showAccount: boolean }) {
  const users = useUsers()
  const update = useUpdatePlan(plan.id)
  const [editingTitle, setEditingTitle] = useState<string | null>(null)
  const save = (input: Parameters<typeof update.mutate>[0], message: string) =>
    update.mutate(input, {
      onSuccess: () => notifications.show({ color: 'teal', message }),
      onError: (error) => notifications.show({ color: 'red', title: 'Could not save', message: errorMessage(error) }),
    })
  const ownerOptions = (users.data?.items ?? []).filter((user) => user.role !== 'viewer' && (user.status === 'active' || user.id === plan.ownerId)).map((user) => ({ value: user.id, label: user.name }))

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <Stack gap={2}>
          {editingTitle !== null ? (
            <form
              onSubmit={(event) => {
                event.preventDefault()
                if (!editingTitle.trim()) return
                save({ title: editingTitle.trim() }, 'Renamed.')
                setEditingTitle(null)
              }}
            >
              <Group gap="xs">
                <TextInput value={editingTitle} onChange={(event) => setEditingTitle(event.currentTarget.value)} maxLength={200} autoFocus w={360} data-testid="plan-title-input" />
                <Button type="submit" size="xs">
                  Save
                </Button>
                <Button size="xs" variant="default" onClick={() => setEditingTitle(null)}>
                  Cancel
                </Button>
              </Group>
            </form>
          ) : (
            <Group gap="xs">
              <Title order={3} data-testid="plan-title">
                {plan.title}
              </Title>
              <PlanStatusBadge status={plan.status} />
              {canWrite ? (
                <ActionIcon variant="subtle" color="gray" size="sm" onClick={() => setEditingTitle(plan.title)} aria-label="Rename plan">
                  <IconPencil size={14} />
                </ActionIcon>
              ) : null}
            </Group>
          )}
          <Text size="sm" c="dimmed">
            {showAccount ? (
              <>
                <Anchor component={Link} to={`/accounts/${plan.accountId}?tab=plans`} size="sm">
                  {plan.accountName}
                </Anchor>
                {' · '}
              </>
            ) : null}
            {plan.templateKey ? `From template ${plan.templateKey}` : 'Made by hand'}
            {plan.playbookRunId ? ' by a playbook' : ''} · started {formatDate(plan.createdAt)}
          </Text>
        </Stack>
        <Group gap="sm" align="flex-end">
          <Select
            label="Owner"
            size="xs"
            w={180}
            placeholder="Unassigned"
            data={ownerOptions}
            value={plan.ownerId}
            onChange={(value) => save({ ownerId: value }, 'Owner changed.')}
            clearable
            searchable
            disabled={!canWrite}
            comboboxProps={{ withinPortal: true }}
            data-testid="plan-owner"
          />
          <Select
            label="Status"
            size="xs"
            w={140}
            data={successPlanStatuses}
            value={plan.status}
            onChange={(value) => value && save({ status: value as SuccessPlanStatus }, 'Status changed.')}
            allowDeselect={false}
            disabled={!canWrite}
            comboboxProps={{ withinPortal: true }}
            data-testid="plan-status-select"
          />
        </Group>
      </Group>
      <Group gap="md" wrap="wrap">
        <PlanProgressBar progress={plan.progress} overdue={plan.overdue} width={320} size="lg" />
        <Text size="sm" c="dimmed">
          {plan.progress.percent === null ? 'No milestones yet' : `${plan.progress.percent} % done`}
          {plan.overdue > 0 ? (
            <Text span c="red" fw={600} size="sm">
              {' '}
              · {pluralize(plan.overdue, 'milestone')} overdue
            </Text>
          ) : null}
        </Text>
      </Group>
    </Stack>
  )
}

/** The plan and everything it takes to work it; `showAccount` adds a link to the account (off inside Account 360). */
export function PlanDetail({ planId, showAccount = true }: { planId: string; showAccount?: boolean }) {
  const query = useSuccessPlan(planId)
  const canWrite = useCan('customers:write')
  const [target, setTarget] = useState<ItemTarget | null>(null)

  if (query.isPending) return <CardSkeleton height={360} />
  if (query.isError) return <ErrorState error={query.error} title="Could not load this success plan" onRetry={() => void query.refetch()} />
  const plan = query.data

  return (
    <Stack gap="md" data-testid="plan-detail">
      <PlanHeader plan={plan} canWrite={canWrite} showAccount={showAccount} />
      <SharePanel plan={plan} canWrite={canWrite} />
      {plan.objectives.length === 0 ? (
        <Alert variant="light" color="gray">
          No objectives yet.{canWrite ? ' Add the outcomes the customer wants, then the milestones that get them there.' : ''}
        </Alert>
      ) : null}
      {plan.objectives.map((objective) => (
        <ObjectiveCard key={objective.id} planId={plan.id} objective={objective} canWrite={canWrite} onTarget={setTarget} />
      ))}
      {canWrite ? (
        <Group>
          <Button variant="default" leftSection={<IconPlus size={16} />} onClick={() => setTarget({ mode: 'add-objective' })} data-testid="plan-add-objective">
            Add objective
          </Button>
        </Group>
      ) : null}
      <ItemModal planId={plan.id} planOwnerId={plan.ownerId} target={target} onClose={() => setTarget(null)} />
    </Stack>
  )
}
