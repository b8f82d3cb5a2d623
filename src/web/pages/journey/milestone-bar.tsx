/** One milestone's hit rate: a done / late / on track / missed bar, each part opening its accounts. */
import { Group, Progress, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core'
import type { MilestoneStatus, MilestoneSummary } from '../../api/journeys'
import { formatNumber } from '../../lib/format'
import { countKey, statusColors, statusLabels, statusOrder } from './milestone-status'

export function MilestoneBar({ milestone, onOpen, showJourney = true }: { milestone: MilestoneSummary; onOpen: (status: MilestoneStatus | null) => void; showJourney?: boolean }) {
  const id = `${milestone.journeyKey}-${milestone.key}`
  return (
    <Stack gap={4} data-testid={`journey-milestone-${id}`}>
      <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
        <Tooltip label={milestone.rule} withArrow multiline w={280}>
          <UnstyledButton onClick={() => onOpen(null)} data-testid={`journey-milestone-open-${id}`}>
            <Text size="sm" fw={600} lh={1.2}>
              {milestone.name}
            </Text>
            {showJourney ? (
              <Text size="xs" c="dimmed">
                {milestone.journeyName} · {milestone.kind} · due in {milestone.dueDays} d
              </Text>
            ) : null}
          </UnstyledButton>
        </Tooltip>
        <Tooltip label="Done on time among done, late and missed" withArrow>
          <Text size="sm" fw={700} className="bosun-num" c={milestone.hitRate === null ? 'dimmed' : milestone.hitRate >= 70 ? 'teal' : milestone.hitRate >= 40 ? 'yellow.7' : 'red'}>
            {milestone.hitRate === null ? '—' : `${milestone.hitRate}%`}
          </Text>
        </Tooltip>
      </Group>
      <Progress.Root size="lg" radius="sm">
        {statusOrder.map((status) => {
          const value = milestone.percent[countKey[status]]
          if (value === 0) return null
          return (
            <Tooltip key={status} label={`${statusLabels[status]}: ${formatNumber(milestone.counts[countKey[status]])} (${value}%)`} withArrow>
              <Progress.Section value={value} color={statusColors[status]} style={{ cursor: 'pointer' }} onClick={() => onOpen(status)} />
            </Tooltip>
          )
        })}
      </Progress.Root>
      <Group gap={8}>
        {statusOrder.map((status) => (
          <UnstyledButton key={status} onClick={() => onOpen(status)} data-testid={`journey-milestone-status-${id}-${status}`}>
            <Text size="xs" c={statusColors[status]} fw={500}>
              {statusLabels[status]} {formatNumber(milestone.counts[countKey[status]])}
            </Text>
          </UnstyledButton>
        ))}
      </Group>
    </Stack>
  )
}
