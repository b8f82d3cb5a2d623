/** Account 360 health tab: the score over 90 days with the bands, and "why it changed" between two picked days. */
import { useMemo, useState } from 'react'
import { LineChart } from '@mantine/charts'
import { Box, Group, Paper, Select, Stack, Text, Title, Tooltip } from '@mantine/core'
import { useHealthExplanation, useHealthHistory, type HealthContribution } from '../../api/health'
import { CardSkeleton, EmptyState, ErrorState } from '../../components/query-state'
import { formatDate } from '../../lib/format'
import { BandBadge, formatMeasureValue, formatScore, formatSigned } from './health-parts'

function ContributionBars({ contributions }: { contributions: HealthContribution[] }) {
  const largest = Math.max(1, ...contributions.map((part) => Math.abs(part.contribution)))
  return (
    <Stack gap={6} data-testid="health-contributions">
      {contributions.map((part) => {
        const width = `${(Math.abs(part.contribution) / largest) * 50}%`
        const positive = part.contribution >= 0
        return (
          <Group key={part.key} gap="sm" wrap="nowrap" data-testid={`health-contribution-${part.key}`}>
            <Tooltip
              label={`${part.groupName}: ${formatMeasureValue({ key: part.key, source: part.name }, part.fromValue)} → ${formatMeasureValue({ key: part.key, source: part.name }, part.toValue)}; points ${formatScore(part.fromPoints)} → ${formatScore(part.toPoints)}`}
              withArrow
              multiline
              w={280}
            >
              <Text size="sm" w={200} truncate>
                {part.name}
              </Text>
            </Tooltip>
            <Box style={{ flex: 1, position: 'relative', height: 14 }}>
              <Box style={{ position: 'absolute', left: '50%', top: 0, bottom: 0, borderLeft: '1px solid var(--mantine-color-default-border)' }} />
              <Box
                style={{
                  position: 'absolute',
                  top: 2,
                  height: 10,
                  borderRadius: 2,
                  width,
                  left: positive ? '50%' : undefined,
                  right: positive ? undefined : '50%',
                  background: positive ? 'var(--mantine-color-teal-5)' : 'var(--mantine-color-red-5)',
                }}
              />
            </Box>
            <Text size="sm" w={56} ta="right" className="bosun-num" c={part.contribution > 0 ? 'teal' : part.contribution < 0 ? 'red' : 'dimmed'}>
              {formatSigned(part.contribution)}
            </Text>
          </Group>
        )
      })}
    </Stack>
  )
}

export function AccountHealthTab({ accountId }: { accountId: string }) {
  const history = useHealthHistory(accountId, 90)
  const days = useMemo(() => (history.data?.points ?? []).filter((point) => point.score !== null).map((point) => point.day), [history.data])
  const [picked, setPicked] = useState<{ from: string | null; to: string | null }>({ from: null, to: null })
  const from = picked.from ?? days[0] ?? null
  const to = picked.to ?? days[days.length - 1] ?? null
  const explanation = useHealthExplanation(accountId, from && to && from <= to ? { from, to } : null)
  if (history.isError) return <ErrorState error={history.error} onRetry={() => void history.refetch()} />
  if (!history.data) return <CardSkeleton height={300} />
  const bands = history.data.bands
  const data = history.data.points.map((point) => ({ day: point.day, label: formatDate(point.day), score: point.score }))
  const options = days.map((day) => ({ value: day, label: formatDate(day) }))
  const change = explanation.data?.change ?? null
  return (
    <Stack gap="md" data-testid="account-health-tab">
      <Paper withBorder p="md">
        <Title order={4} fz="md" mb="xs">
          Score, last 90 days
        </Title>
        {data.length === 0 ? (
          <EmptyState title="No history yet" description="A snapshot is kept every day the score is computed." />
        ) : (
          <LineChart
            h={220}
            data={data}
            dataKey="label"
            series={[{ name: 'score', label: 'Health', color: 'bosun.6' }]}
            yAxisProps={{ domain: [0, 100], width: 36 }}
            referenceLines={bands ? [
              { y: bands.red, label: `red < ${bands.red}`, color: 'red.5' },
              { y: bands.yellow, label: `yellow < ${bands.yellow}`, color: 'yellow.6' },
            ] : []}
            connectNulls
            gridAxis="y"
            data-testid="account-health-chart"
          />
        )}
      </Paper>
      <Paper withBorder p="md">
        <Group justify="space-between" align="flex-end" mb="sm" wrap="wrap">
          <div>
            <Title order={4} fz="md">
              Why it changed
            </Title>
            <Text size="xs" c="dimmed">
              Each measure’s contribution: the change of its points × weight. They add up to the change of the score.
            </Text>
          </div>
          <Group gap="xs">
            <Select size="xs" w={150} label="From" data={options} value={from} onChange={(value) => setPicked((current) => ({ ...current, from: value }))} data-testid="health-explain-from" allowDeselect={false} />
            <Select size="xs" w={150} label="To" data={options} value={to} onChange={(value) => setPicked((current) => ({ ...current, to: value }))} data-testid="health-explain-to" allowDeselect={false} />
          </Group>
        </Group>
        {from && to && from > to ? (
          <Text size="sm" c="red">
            Pick a from day on or before the to day.
          </Text>
        ) : explanation.isError ? (
          <ErrorState error={explanation.error} />
        ) : !explanation.data ? (
          days.length < 2 ? <Text size="sm" c="dimmed">At least two snapshots are needed.</Text> : <CardSkeleton height={160} />
        ) : (
          <Stack gap="sm">
            <Group gap="sm" data-testid="health-explain-summary">
              <Text size="sm">
                {formatScore(explanation.data.from?.score)} on {formatDate(explanation.data.from?.day)}
              </Text>
              <BandBadge band={explanation.data.from?.band ?? null} size="xs" />
              <Text size="sm">→ {formatScore(explanation.data.to?.score)} on {formatDate(explanation.data.to?.day)}</Text>
              <BandBadge band={explanation.data.to?.band ?? null} size="xs" />
              {change !== null ? (
                <Text size="sm" fw={700} c={change > 0 ? 'teal' : change < 0 ? 'red' : 'dimmed'} data-testid="health-explain-change">
                  {formatSigned(change)}
                </Text>
              ) : null}
            </Group>
            <ContributionBars contributions={explanation.data.contributions} />
          </Stack>
        )}
      </Paper>
    </Stack>
  )
}
