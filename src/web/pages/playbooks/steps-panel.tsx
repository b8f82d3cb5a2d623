/** "Steps": the published version's trigger, condition and steps as a readable vertical list. */
import type { ReactNode } from 'react'
import { Badge, Code, Group, Paper, Stack, Text, Timeline, Title } from '@mantine/core'
import { parseCondition, renderCondition } from '../../../shared/conditions'
import { asPlaybookBody, type PlaybookBody, type PlaybookStep } from '../../api/playbooks'
import { EmptyState } from '../../components/query-state'
import { metaOf, ownerText, StepIcon } from './playbook-parts'

/** A rule in words; a rule this page cannot read is shown as stored. */
export function conditionText(condition: unknown): string {
  try {
    return renderCondition(parseCondition(condition))
  } catch {
    return JSON.stringify(condition)
  }
}

const target = (id: string) => (id === 'end' ? 'end' : `step “${id}”`)

function Line({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Text size="sm">
      <Text span c="dimmed" size="sm">
        {label}:{' '}
      </Text>
      {children}
    </Text>
  )
}

function StepDetail({ step }: { step: PlaybookStep }) {
  switch (step.type) {
    case 'task':
      return (
        <>
          <Text size="sm" fw={500}>
            {step.title}
          </Text>
          <Line label="Owner">{ownerText(step.owner)}</Line>
          <Line label="Priority">
            {step.priority ?? 'normal'}, due {step.dueDays === 0 ? 'the same day' : `in ${step.dueDays ?? 3} days`}
          </Line>
        </>
      )
    case 'success_plan':
      return <Line label="Template">{step.template}</Line>
    case 'email':
      return (
        <>
          <Text size="sm" fw={500}>
            {step.subject}
          </Text>
          <Line label="To">{step.toRoles ? `contacts with role ${step.toRoles.join(' or ')}` : 'every contact with an address'}, from the account owner</Line>
        </>
      )
    case 'webhook':
      return <Line label="Destination">{step.destination}</Line>
    case 'slack':
      return (
        <>
          <Line label="Destination">{step.destination}</Line>
          <Text size="sm">{step.text}</Text>
        </>
      )
    case 'update_field':
      return (
        <Text size="sm">
          Set <Code>{step.field}</Code> to <Code>{JSON.stringify(step.value)}</Code>
        </Text>
      )
    case 'move_stage':
      return (
        <>
          <Line label="To stage">{step.stage}</Line>
          <Line label="Reason">{step.reason}</Line>
        </>
      )
    case 'wait':
      return <Text size="sm">Wait {step.days} {step.days === 1 ? 'day' : 'days'}</Text>
    case 'branch':
      return (
        <>
          <Line label="If">{conditionText(step.if)}</Line>
          <Line label="Then">{target(step.then)}</Line>
          <Line label="Else">{target(step.else)}</Line>
        </>
      )
  }
}

export function StepsList({ body }: { body: PlaybookBody }) {
  return (
    <Timeline bulletSize={28} lineWidth={2} active={-1} data-testid="playbook-steps">
      {body.steps.map((step, index) => (
        <Timeline.Item
          key={step.id}
          bullet={<StepIcon type={step.type} size={28} />}
          title={
            <Group gap={6}>
              <Text size="sm" fw={600}>
                {index + 1}. {step.name ?? metaOf(step.type).label}
              </Text>
              <Badge size="xs" variant="outline" color="gray" tt="none">
                {step.id}
              </Badge>
            </Group>
          }
          data-testid={`playbook-step-${step.id}`}
        >
          <Stack gap={2} mt={2}>
            <StepDetail step={step} />
          </Stack>
        </Timeline.Item>
      ))}
    </Timeline>
  )
}

export function StepsPanel({ body, version, triggerText, isDraft }: { body: unknown; version: number | null; triggerText: string; isDraft: boolean }) {
  const playbook = asPlaybookBody(body)
  return (
    <Paper withBorder p="md" data-testid="playbook-steps-panel">
      <Group justify="space-between" mb="sm">
        <Title order={4} fz="md">
          Steps
        </Title>
        <Text size="xs" c="dimmed">
          {isDraft ? 'Draft, not published yet' : version !== null ? `Published version ${version}` : ''}
        </Text>
      </Group>
      {!playbook ? (
        <EmptyState title="Nothing to show" description="This playbook has no readable version." />
      ) : (
        <Stack gap="md">
          <Stack gap={4}>
            <Line label="When">{triggerText}</Line>
            <Line label="If">{playbook.condition === undefined ? 'any account' : conditionText(playbook.condition)}</Line>
            <Line label="Cooldown">
              {playbook.cooldownDays ? `not again for the same account within ${playbook.cooldownDays} days` : 'none: every occurrence runs'}
            </Line>
          </Stack>
          <StepsList body={playbook} />
        </Stack>
      )}
    </Paper>
  )
}
