/** Small shared pieces of the playbook views: status badges, step icons and labels, trigger summaries. */
import type { ReactNode } from 'react'
import { Badge, Paper, Text, ThemeIcon } from '@mantine/core'
import {
  IconArrowsSplit,
  IconBolt,
  IconBrandSlack,
  IconChecklist,
  IconClockPause,
  IconEdit,
  IconMail,
  IconRoute,
  IconTargetArrow,
  IconWebhook,
} from '@tabler/icons-react'
import type { PlaybookRunStatus, PlaybookStatus, TaskOwner } from '../../api/playbooks'

/** The configuration kind playbooks are stored as (edited, versioned and diffed on the Configuration pages). */
export const PLAYBOOK_KIND = 'playbook'

const statusColors: Record<PlaybookStatus, string> = { active: 'teal', paused: 'orange', draft: 'gray' }

export function PlaybookStatusBadge({ status, size = 'sm' }: { status: PlaybookStatus; size?: 'xs' | 'sm' | 'md' }) {
  return (
    <Badge size={size} variant="light" color={statusColors[status]} data-testid={`playbook-status-${status}`}>
      {status}
    </Badge>
  )
}

const runColors: Record<PlaybookRunStatus, string> = { pending: 'blue', waiting: 'cyan', completed: 'teal', failed: 'red', cancelled: 'gray' }

export function RunStatusBadge({ status }: { status: PlaybookRunStatus }) {
  return (
    <Badge size="sm" variant="light" color={runColors[status] ?? 'gray'} data-testid="run-status">
      {status}
    </Badge>
  )
}

const outcomeColors: Record<string, string> = { done: 'teal', skipped: 'gray', failed: 'red', waiting: 'cyan' }

export function OutcomeBadge({ outcome }: { outcome: string }) {
  return (
    <Badge size="xs" variant="light" color={outcomeColors[outcome] ?? 'gray'}>
      {outcome}
    </Badge>
  )
}

type StepMeta = { label: string; icon: typeof IconChecklist; color: string }

export const stepMeta: Record<string, StepMeta> = {
  task: { label: 'Task', icon: IconChecklist, color: 'blue' },
  success_plan: { label: 'Success plan', icon: IconTargetArrow, color: 'grape' },
  email: { label: 'Email', icon: IconMail, color: 'indigo' },
  webhook: { label: 'Webhook', icon: IconWebhook, color: 'dark' },
  slack: { label: 'Slack', icon: IconBrandSlack, color: 'pink' },
  update_field: { label: 'Update field', icon: IconEdit, color: 'orange' },
  move_stage: { label: 'Move stage', icon: IconRoute, color: 'teal' },
  wait: { label: 'Wait', icon: IconClockPause, color: 'gray' },
  branch: { label: 'Branch', icon: IconArrowsSplit, color: 'yellow' },
}

const fallbackMeta: StepMeta = { label: 'Step', icon: IconBolt, color: 'gray' }
export const metaOf = (type: string): StepMeta => stepMeta[type] ?? fallbackMeta

export function StepIcon({ type, size = 26 }: { type: string; size?: number }) {
  const meta = metaOf(type)
  return (
    <ThemeIcon size={size} radius="xl" variant="light" color={meta.color} aria-label={meta.label}>
      <meta.icon size={Math.round(size * 0.6)} />
    </ThemeIcon>
  )
}

export function ownerText(owner: TaskOwner | undefined): string {
  if (!owner || owner.type === 'account_owner') return 'the account owner'
  if (owner.type === 'role') return `the next ${owner.role} in turn`
  if (owner.type === 'user') return owner.email
  return `round robin: ${owner.emails.join(', ')}`
}

/** `trigger.summary` of a run, else its kind. */
export function triggerSummary(trigger: Record<string, unknown>): string {
  if (typeof trigger.summary === 'string') return trigger.summary
  return typeof trigger.kind === 'string' ? trigger.kind : '—'
}

export function Figure({ label, value, hint, testId }: { label: string; value: ReactNode; hint?: ReactNode; testId?: string }) {
  return (
    <Paper withBorder p="sm" data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700} lts={0.3}>
        {label}
      </Text>
      <Text component="div" fz="lg" fw={700} mt={2} style={{ fontVariantNumeric: 'tabular-nums' }}>
        {value}
      </Text>
      {hint ? (
        <Text size="xs" c="dimmed" mt={2}>
          {hint}
        </Text>
      ) : null}
    </Paper>
  )
}
