/** Small pieces shared by the engagement tabs. */
import { Badge, Group, Progress, Text, Tooltip } from '@mantine/core'
import type { TierModel, TouchModel } from '../../api/engagement'
import { formatMoney } from '../../lib/format'

export const touchModelLabel: Record<TouchModel, string> = { high: 'High touch', mid: 'Mid touch', tech: 'Tech touch' }

export const percent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 100)} %`)

export const utilizationColor = (share: number | null) => (share === null ? 'gray' : share > 1 ? 'red' : share >= 0.85 ? 'orange' : 'teal')

export function TierBadge({ name, color }: { name: string; color?: string | null }) {
  return (
    <Badge variant="light" color={color ?? 'gray'} size="sm">
      {name}
    </Badge>
  )
}

/** A utilization bar (capped at 100 % wide), with its number. */
export function UtilizationBar({ label, share, testId }: { label: string; share: number | null; testId?: string }) {
  return (
    <Group gap="xs" wrap="nowrap" data-testid={testId}>
      <Text size="xs" c="dimmed" w={62}>
        {label}
      </Text>
      <Tooltip label={share === null ? 'No capacity set for these tiers' : `${percent(share)} of one CSM`} withArrow>
        <Progress value={Math.min(100, (share ?? 0) * 100)} color={utilizationColor(share)} size="lg" radius="sm" style={{ flex: 1, minWidth: 100 }} />
      </Tooltip>
      <Text size="xs" fw={600} w={48} ta="right" c={share !== null && share > 1 ? 'red' : undefined} style={{ fontVariantNumeric: 'tabular-nums' }}>
        {percent(share)}
      </Text>
    </Group>
  )
}

/** "15 accounts / $5M per CSM" for a tier's model. */
export function capacityText(tier: TierModel): string {
  const model = tier.model
  if (!model) return 'No engagement model'
  const parts = [model.accountsPerCsm ? `${model.accountsPerCsm} accounts` : null, model.arrPerCsm ? formatMoney(model.arrPerCsm) : null].filter(Boolean)
  return parts.length > 0 ? `${parts.join(' / ')} per CSM` : 'No CSM capacity'
}
