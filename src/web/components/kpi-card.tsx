/** Headline metric card for dashboards. */
import type { ReactNode } from 'react'
import { Group, Paper, Skeleton, Text, ThemeIcon } from '@mantine/core'

export function KpiCard({
  label,
  value,
  hint,
  icon,
  color = 'blue',
  loading = false,
  testId,
}: {
  label: string
  value: ReactNode
  hint?: ReactNode
  icon: ReactNode
  color?: string
  loading?: boolean
  testId?: string
}) {
  return (
    <Paper withBorder radius="md" p="md" data-testid={testId}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div style={{ minWidth: 0 }}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={700} lts={0.4}>
            {label}
          </Text>
          {loading ? (
            <Skeleton height={28} width={110} mt={8} />
          ) : (
            <Text fz={28} fw={700} lh={1.2} mt={4} style={{ fontVariantNumeric: 'tabular-nums' }}>
              {value}
            </Text>
          )}
        </div>
        <ThemeIcon color={color} variant="light" size={38} radius="md">
          {icon}
        </ThemeIcon>
      </Group>
      {hint ? (
        loading ? (
          <Skeleton height={10} width="70%" mt={10} />
        ) : (
          <Text size="xs" c="dimmed" mt={6}>
            {hint}
          </Text>
        )
      ) : null}
    </Paper>
  )
}
