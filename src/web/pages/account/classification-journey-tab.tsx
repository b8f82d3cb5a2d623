/** Account 360 "Journey" tab: where the account stands (tier, stage, segments) and how it got there, as a timeline. */
import { useMemo, useState } from 'react'
import { Link } from 'react-router-dom'
import { Anchor, Badge, Group, Paper, SegmentedControl, SimpleGrid, Stack, Text, ThemeIcon, Timeline, Title, Tooltip } from '@mantine/core'
import { IconArrowRight, IconChartDonut, IconHandStop, IconLogin2, IconLogout2, IconRoute, IconStack2 } from '@tabler/icons-react'
import { useAccountClassification, type AccountClassification, type MembershipFamily } from '../../api/segments'
import { EmptyState, ErrorState, CardSkeleton } from '../../components/query-state'
import { formatDate, formatDateTime, formatNumber, formatRelative } from '../../lib/format'
import { AccountMilestones } from '../journey/account-milestones'
import { familyMeta, groupColor } from '../segments/families'
import { journeySteps, type JourneyGroup, type JourneyStep } from '../segments/journey'

const familyWords: Record<MembershipFamily, { noun: string; icon: typeof IconRoute }> = {
  stage: { noun: 'Stage', icon: IconRoute },
  tier: { noun: 'Tier', icon: IconStack2 },
  segment: { noun: 'Segment', icon: IconChartDonut },
}

const filters = [
  { value: 'all', label: 'All' },
  { value: 'stage', label: 'Stages' },
  { value: 'tier', label: 'Tiers' },
  { value: 'segment', label: 'Segments' },
]

function GroupLink({ family, group }: { family: MembershipFamily; group: JourneyGroup }) {
  return (
    <Anchor component={Link} to={`/segments/${familyMeta(family).path}/${encodeURIComponent(group.key)}`} fw={600} size="sm">
      {group.name}
    </Anchor>
  )
}

function StepText({ step }: { step: JourneyStep }) {
  const noun = familyWords[step.family].noun
  if (step.kind === 'moved' && step.from && step.to) {
    return (
      <Group gap={6} wrap="wrap">
        <Text size="sm">{noun}</Text>
        <GroupLink family={step.family} group={step.from} />
        <IconArrowRight size={14} />
        <GroupLink family={step.family} group={step.to} />
      </Group>
    )
  }
  const group = step.to ?? step.from
  if (!group) return null
  return (
    <Group gap={6} wrap="wrap">
      <Text size="sm">{step.kind === 'entered' ? `Entered ${noun.toLowerCase()}` : `Left ${noun.toLowerCase()}`}</Text>
      <GroupLink family={step.family} group={group} />
    </Group>
  )
}

function Now({ data }: { data: AccountClassification }) {
  const stage = data.stage
  return (
    <SimpleGrid cols={{ base: 1, sm: 3 }} mb="md">
      <Paper withBorder p="sm">
        <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
          Lifecycle stage
        </Text>
        {stage ? (
          <Stack gap={2} mt={4}>
            <Group gap={6}>
              <Badge color={groupColor(stage.color)} variant="filled" tt="none">
                {stage.name}
              </Badge>
              {stage.overdue ? (
                <Badge color="red" variant="light" tt="none">
                  overdue
                </Badge>
              ) : null}
            </Group>
            <Text size="xs" c="dimmed">
              {formatNumber(stage.daysInStage)} {stage.daysInStage === 1 ? 'day' : 'days'} here{stage.slaDays === null ? '' : ` · SLA ${stage.slaDays} days`}
              {stage.source === 'manual' ? ' · moved by hand' : ''}
            </Text>
          </Stack>
        ) : (
          <Text size="sm" c="dimmed" mt={4}>
            Not classified
          </Text>
        )}
      </Paper>
      <Paper withBorder p="sm">
        <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
          Tier
        </Text>
        {data.tier ? (
          <Stack gap={2} mt={4}>
            <Badge color={groupColor(data.tier.color)} variant="light" tt="none">
              {data.tier.name}
            </Badge>
            <Text size="xs" c="dimmed">
              since {formatDate(data.tier.enteredAt)}
            </Text>
          </Stack>
        ) : (
          <Text size="sm" c="dimmed" mt={4}>
            Not classified
          </Text>
        )}
      </Paper>
      <Paper withBorder p="sm">
        <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
          Segments
        </Text>
        <Group gap={6} mt={4}>
          {data.segments.length === 0 ? (
            <Text size="sm" c="dimmed">
              None
            </Text>
          ) : (
            data.segments.map((segment) => (
              <Badge key={segment.key} color={groupColor(segment.color)} variant="dot" tt="none" fw={500}>
                {segment.name}
              </Badge>
            ))
          )}
        </Group>
      </Paper>
    </SimpleGrid>
  )
}

export function JourneyTab({ accountId }: { accountId: string }) {
  const query = useAccountClassification(accountId)
  const [filter, setFilter] = useState('all')
  const steps = useMemo(() => journeySteps(query.data?.history ?? []), [query.data])
  const visible = filter === 'all' ? steps : steps.filter((step) => step.family === filter)

  if (query.isPending) return <CardSkeleton height={320} />
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />

  return (
    <Stack gap={0}>
      <Now data={query.data} />
      <AccountMilestones accountId={accountId} />
      <Paper withBorder p="md" mt="md">
        <Group justify="space-between" mb="md">
          <div>
            <Title order={4} fz="md">
              Journey
            </Title>
            <Text size="xs" c="dimmed">
              Every change of stage, tier and segment, newest first
            </Text>
          </div>
          <SegmentedControl size="xs" value={filter} onChange={setFilter} data={filters} />
        </Group>
        {visible.length === 0 ? (
          <EmptyState title="No changes yet" description="Changes appear here as the account's data moves it between stages, tiers and segments." />
        ) : (
          <Timeline bulletSize={26} lineWidth={2} active={-1} data-testid="journey-list">
            {visible.map((step, index) => {
              const Icon = step.kind === 'exited' ? IconLogout2 : step.kind === 'entered' ? IconLogin2 : familyWords[step.family].icon
              const color = step.source === 'manual' ? 'grape' : step.kind === 'exited' ? 'gray' : 'blue'
              return (
                <Timeline.Item
                  key={`${step.at}-${step.family}-${step.to?.key ?? step.from?.key ?? index}`}
                  bullet={
                    <ThemeIcon size={26} radius="xl" variant="light" color={color}>
                      {step.source === 'manual' ? <IconHandStop size={14} /> : <Icon size={14} />}
                    </ThemeIcon>
                  }
                  data-testid="journey-step"
                >
                  <StepText step={step} />
                  {step.source === 'manual' ? (
                    <Text size="sm" mt={2} data-testid="journey-step-manual">
                      Moved by hand{step.actorName ? ` by ${step.actorName}` : ''}
                      {step.reason ? `: “${step.reason}”` : ''}
                    </Text>
                  ) : null}
                  <Tooltip label={formatDateTime(step.at)} withArrow>
                    <Text size="xs" c="dimmed" mt={2}>
                      {formatRelative(step.at)}
                      {step.source === 'rule' ? ' · by the rules' : ''}
                    </Text>
                  </Tooltip>
                </Timeline.Item>
              )
            })}
          </Timeline>
        )}
        {query.data.history.length >= 100 ? (
          <Text size="xs" c="dimmed" mt="sm">
            Showing the latest 100 changes.
          </Text>
        ) : null}
      </Paper>
    </Stack>
  )
}
