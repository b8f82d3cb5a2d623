/** "Effect": what a playbook did (runs, steps, tasks, emails) and whether the accounts it ran for got healthier than comparable ones. */
import { Badge, Group, Paper, SimpleGrid, Stack, Text, Title, Tooltip } from '@mantine/core'
import { usePlaybookEffect, type PlaybookEffect } from '../../api/playbooks'
import { CardSkeleton, ErrorState } from '../../components/query-state'
import { formatNumber, pluralize } from '../../lib/format'
import { formatSigned } from '../health/health-parts'
import { Figure, metaOf, StepIcon } from './playbook-parts'

const percent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 100)} %`)

function hoursText(hours: number): string {
  if (hours < 48) return `${Math.round(hours * 10) / 10} h`
  return `${Math.round((hours / 24) * 10) / 10} days`
}

function HealthEffect({ effect }: { effect: PlaybookEffect['healthEffect'] }) {
  if (!effect) {
    return (
      <Paper withBorder p="sm" data-testid="playbook-health-effect">
        <Text size="xs" c="dimmed" tt="uppercase" fw={700} lts={0.3}>
          Health 30 days after
        </Text>
        <Text size="sm" c="dimmed" mt={4} data-testid="playbook-health-effect-empty">
          Not enough history yet: runs need to be 30 days old, with health snapshots on the day and 30 days later.
        </Text>
      </Paper>
    )
  }
  const better = effect.difference > 0
  const against = effect.method === 'comparison' ? 'comparable accounts (same tier, not triggered) over the same days' : 'the same accounts in the 30 days before the trigger'
  return (
    <Paper withBorder p="sm" data-testid="playbook-health-effect">
      <Group justify="space-between" align="flex-start">
        <Text size="xs" c="dimmed" tt="uppercase" fw={700} lts={0.3}>
          Health 30 days after
        </Text>
        <Tooltip label={effect.method === 'comparison' ? 'Against accounts in the same tier that never ran this playbook' : 'No comparable accounts: against their own 30 days before'} withArrow>
          <Badge size="xs" variant="light" color="gray" data-testid="playbook-health-method">
            {effect.method === 'comparison' ? 'comparison' : 'before / after'}
          </Badge>
        </Tooltip>
      </Group>
      <Text fz="lg" fw={700} mt={2} c={better ? 'teal' : effect.difference < 0 ? 'red' : undefined} style={{ fontVariantNumeric: 'tabular-nums' }}>
        {formatSigned(effect.difference)} points
      </Text>
      <Text size="xs" c="dimmed">
        Triggered accounts {formatSigned(effect.triggeredChange)} vs {formatSigned(effect.comparisonChange)} for {against}; {formatNumber(effect.runsMeasured)} measured.
      </Text>
    </Paper>
  )
}

export function EffectPanel({ playbookKey }: { playbookKey: string }) {
  const effect = usePlaybookEffect(playbookKey)
  if (effect.isPending) return <CardSkeleton height={220} />
  if (effect.isError) return <ErrorState error={effect.error} onRetry={() => void effect.refetch()} />
  const data = effect.data
  const byType = Object.entries(data.steps.byType).sort((a, b) => b[1] - a[1])
  return (
    <Paper withBorder p="md" data-testid="playbook-effect">
      <Title order={4} fz="md" mb="sm">
        Effect
      </Title>
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
          <Figure
            label="Times triggered"
            value={formatNumber(data.triggered.runs)}
            hint={`${pluralize(data.triggered.accounts, 'account')} · ${formatNumber(data.triggered.last30Days)} in the last 30 days`}
            testId="playbook-effect-triggered"
          />
          <Figure
            label="Steps"
            value={formatNumber(data.steps.executed)}
            hint={
              <>
                executed · {formatNumber(data.steps.skipped)} skipped ·{' '}
                <Text span size="xs" c={data.steps.failed > 0 ? 'red' : 'dimmed'}>
                  {formatNumber(data.steps.failed)} failed
                </Text>
              </>
            }
            testId="playbook-effect-steps"
          />
          <Figure
            label="Tasks completed"
            value={percent(data.tasks.completionRate)}
            hint={`${formatNumber(data.tasks.completed)} of ${formatNumber(data.tasks.created)} · ${formatNumber(data.tasks.open)} open · median time to complete ${data.tasks.medianHoursToComplete === null ? 'not known yet' : hoursText(data.tasks.medianHoursToComplete)}`}
            testId="playbook-effect-tasks"
          />
          <Figure
            label="Emails sent"
            value={formatNumber(data.emails.sent)}
            hint={`of ${formatNumber(data.emails.queued)} queued · ${formatNumber(data.emails.skipped)} skipped · ${formatNumber(data.emails.failed)} failed`}
            testId="playbook-effect-emails"
          />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
          <HealthEffect effect={data.healthEffect} />
          <Paper withBorder p="sm" data-testid="playbook-effect-by-type">
            <Text size="xs" c="dimmed" tt="uppercase" fw={700} lts={0.3}>
              Executed steps by type
            </Text>
            {byType.length === 0 ? (
              <Text size="sm" c="dimmed" mt={4}>
                No steps taken yet.
              </Text>
            ) : (
              <Group gap="md" mt={6}>
                {byType.map(([type, count]) => (
                  <Group key={type} gap={6} wrap="nowrap">
                    <StepIcon type={type} size={22} />
                    <Text size="sm">
                      {metaOf(type).label} <b>{formatNumber(count)}</b>
                    </Text>
                  </Group>
                ))}
              </Group>
            )}
          </Paper>
        </SimpleGrid>
      </Stack>
    </Paper>
  )
}
