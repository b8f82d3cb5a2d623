/** One lifecycle stage on the journey map: members, ARR, overdue, time in stage, its milestones; the arrow to the next stage. */
import { Badge, Box, Center, Divider, Group, Paper, Stack, Text, ThemeIcon, Tooltip, UnstyledButton } from '@mantine/core'
import { IconArrowRight } from '@tabler/icons-react'
import type { JourneyMapStage, MilestoneStatus, MilestoneSummary } from '../../api/journeys'
import { formatMoney, formatNumber } from '../../lib/format'
import { MilestoneBar } from './milestone-bar'

const days = (value: number | null) => (value === null ? '—' : `${Math.round(value)} d`)

function Metric({ label, value, hint }: { label: string; value: string; hint?: string }) {
  const body = (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" fw={600} className="bosun-num">
        {value}
      </Text>
    </div>
  )
  return hint ? (
    <Tooltip label={hint} withArrow multiline w={240}>
      {body}
    </Tooltip>
  ) : (
    body
  )
}

export function StageColumn({
  stage,
  onOpenStage,
  onOpenMilestone,
}: {
  stage: JourneyMapStage
  onOpenStage: (overdue: boolean) => void
  onOpenMilestone: (milestone: MilestoneSummary, status: MilestoneStatus | null) => void
}) {
  const color = stage.color ?? 'gray'
  return (
    <Paper withBorder p="md" miw={250} maw={300} style={{ flex: '1 0 250px', borderTop: `4px solid var(--mantine-color-${color}-6)` }} data-testid={`journey-stage-${stage.key}`}>
      <Stack gap="sm">
        <UnstyledButton onClick={() => onOpenStage(false)} data-testid={`journey-stage-open-${stage.key}`}>
          <Group justify="space-between" wrap="nowrap">
            <Text fw={700}>{stage.name}</Text>
            {stage.terminal ? (
              <Badge size="xs" color="gray" variant="light">
                terminal
              </Badge>
            ) : null}
          </Group>
          <Text fz={28} fw={800} lh={1.1} className="bosun-num" data-testid={`journey-stage-count-${stage.key}`}>
            {formatNumber(stage.accounts)}
          </Text>
          <Text size="xs" c="dimmed">
            accounts · {formatMoney(stage.arr)} ARR
          </Text>
        </UnstyledButton>
        {stage.overdue > 0 ? (
          <Tooltip label={`Longer than the ${stage.slaDays}-day SLA: open them`} withArrow>
            <Badge color="orange" variant="light" style={{ cursor: 'pointer' }} onClick={() => onOpenStage(true)} data-testid={`journey-stage-overdue-${stage.key}`}>
              {formatNumber(stage.overdue)} overdue
            </Badge>
          </Tooltip>
        ) : stage.slaDays !== null ? (
          <Badge color="teal" variant="light">
            within {stage.slaDays}-day SLA
          </Badge>
        ) : null}
        <Group grow gap="xs">
          <Metric label="Median in stage" value={days(stage.medianDaysInStage)} hint="Days the current members have been here (median)" />
          <Metric label="Median stay" value={days(stage.medianDaysCompleted)} hint={`Completed stays that began in the window (${formatNumber(stage.completedStays)})`} />
        </Group>
        <Metric label="Entered in the window" value={formatNumber(stage.entered)} />
        <Divider label="Milestones" labelPosition="left" />
        {stage.milestones.length === 0 ? (
          <Text size="xs" c="dimmed">
            No milestones in this stage
          </Text>
        ) : (
          stage.milestones.map((milestone) => <MilestoneBar key={`${milestone.journeyKey}/${milestone.key}`} milestone={milestone} onOpen={(status) => onOpenMilestone(milestone, status)} />)
        )}
      </Stack>
    </Paper>
  )
}

export function ConversionArrow({ stage }: { stage: JourneyMapStage }) {
  const conversion = stage.conversion
  return (
    <Center w={64} style={{ flex: '0 0 64px' }} data-testid={`journey-conversion-${stage.key}`}>
      {conversion ? (
        <Tooltip
          label={`${formatNumber(conversion.reachedNext)} of ${formatNumber(conversion.entered)} accounts that entered ${stage.name} in the window went on to ${conversion.toName}; ${formatNumber(conversion.progressed)} (${conversion.progressedRate ?? 0}%) reached any later stage`}
          withArrow
          multiline
          w={260}
        >
          <Stack gap={2} align="center">
            <Text size="sm" fw={700} className="bosun-num">
              {conversion.rate === null ? '—' : `${conversion.rate}%`}
            </Text>
            <ThemeIcon variant="light" color="gray" radius="xl">
              <IconArrowRight size={16} />
            </ThemeIcon>
          </Stack>
        </Tooltip>
      ) : (
        <Box />
      )}
    </Center>
  )
}
