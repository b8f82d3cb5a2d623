/** Tiers side by side: each tier's share of the accounts and of the ARR, as two stacked bars. */
import { Group, Paper, Progress, Stack, Text, Title, Tooltip } from '@mantine/core'
import type { ClassificationGroup } from '../../api/segments'
import { formatMoney, formatNumber } from '../../lib/format'
import { groupShares } from './families'
import { GroupDot } from './group-parts'

function ShareBar({ label, groups, metric }: { label: string; groups: ClassificationGroup[]; metric: 'accounts' | 'arr' }) {
  const shares = groupShares(groups, metric)
  const format = (value: number) => (metric === 'arr' ? formatMoney(value) : formatNumber(value))
  return (
    <Stack gap={4}>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Progress.Root size={22} data-testid={`tier-share-${metric}`}>
        {shares
          .filter((share) => share.percent > 0)
          .map((share) => (
            <Tooltip key={share.key} label={`${share.name}: ${format(share.value)} (${share.percent}%)`} withArrow>
              <Progress.Section value={share.percent} color={`${share.color}.6`}>
                <Progress.Label>{share.percent >= 8 ? `${share.percent}%` : ''}</Progress.Label>
              </Progress.Section>
            </Tooltip>
          ))}
      </Progress.Root>
    </Stack>
  )
}

export function TierShareCard({ groups }: { groups: ClassificationGroup[] }) {
  return (
    <Paper withBorder p="md" mb="md">
      <Title order={4} fz="md" mb={4}>
        Accounts and ARR by tier
      </Title>
      <Text size="xs" c="dimmed" mb="md">
        A few high-touch accounts usually carry most of the revenue
      </Text>
      <Stack gap="sm">
        <ShareBar label="Accounts" groups={groups} metric="accounts" />
        <ShareBar label="ARR" groups={groups} metric="arr" />
      </Stack>
      <Group gap="md" mt="sm">
        {groups.map((group) => (
          <Group key={group.key} gap={6} wrap="nowrap">
            <GroupDot color={group.color} size={10} />
            <Text size="xs">{group.name}</Text>
          </Group>
        ))}
      </Group>
    </Paper>
  )
}
