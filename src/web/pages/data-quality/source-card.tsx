/** One data source: when it last sent, how much, a 30-day volume chart with anomaly days marked. */
import { useMemo } from 'react'
import { Badge, Divider, Group, Paper, SimpleGrid, Stack, Text, ThemeIcon, Tooltip } from '@mantine/core'
import { CompositeChart } from '@mantine/charts'
import { IconActivity, IconAddressBook, IconCreditCard, IconFileImport, IconHeadset } from '@tabler/icons-react'
import dayjs from 'dayjs'
import type { DataQualityLine, DataQualitySource, DataQualitySourceKind, VolumeAnomaly } from '../../api/types'
import { formatDateTime, formatNumber, formatRelative } from '../../lib/format'
import { CheckRow } from './check-row'

const kindIcons: Record<DataQualitySourceKind, typeof IconActivity> = {
  events: IconActivity,
  tickets: IconHeadset,
  stripe: IconCreditCard,
  imports: IconFileImport,
  crm: IconAddressBook,
}

const kindLabels: Record<DataQualitySourceKind, string> = {
  events: 'Product events',
  tickets: 'Support',
  stripe: 'Billing',
  imports: 'CSV',
  crm: 'CRM',
}

export const anomalyLabels: Record<VolumeAnomaly, string> = { spike: 'Spike', drop: 'Drop', silent: 'Silent' }
export const anomalyColors: Record<VolumeAnomaly, string> = { spike: 'grape', drop: 'orange', silent: 'red' }

type ChartRow = { label: string; usual: number; flagged: number; baseline: number | null }

function VolumeChart({ source }: { source: DataQualitySource }) {
  const data = useMemo<ChartRow[]>(
    () =>
      source.series.map((day) => ({
        label: dayjs(day.day).format('MMM D'),
        usual: day.anomaly === 'spike' || day.anomaly === 'drop' ? 0 : day.count,
        flagged: day.anomaly === 'spike' || day.anomaly === 'drop' ? day.count : 0,
        baseline: day.baseline,
      })),
    [source.series],
  )
  const silent = source.series.filter((day) => day.anomaly === 'silent')
  return (
    <CompositeChart
      h={130}
      data={data}
      dataKey="label"
      series={[
        { name: 'usual', label: source.volumeLabel, color: 'bosun.5', type: 'bar' },
        { name: 'flagged', label: 'Anomaly', color: 'orange.6', type: 'bar' },
        { name: 'baseline', label: 'Usual for the weekday', color: 'gray.5', type: 'line', strokeDasharray: '4 3' },
      ]}
      barProps={{ stackId: 'volume' }}
      withDots={false}
      strokeWidth={1.5}
      connectNulls={false}
      gridAxis="none"
      withYAxis={false}
      xAxisProps={{ interval: 6, tickLine: false }}
      valueFormatter={(value) => formatNumber(value)}
      referenceLines={silent.map((day) => ({ x: dayjs(day.day).format('MMM D'), color: 'red.6', strokeDasharray: '2 2' }))}
      maxBarWidth={14}
      tooltipProps={{ wrapperStyle: { zIndex: 10 } }}
      data-testid="dq-volume-chart"
    />
  )
}

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700} lts={0.3}>
        {label}
      </Text>
      <Text fw={700} className="bosun-num" ta="left">
        {formatNumber(value)}
      </Text>
    </div>
  )
}

export function SourceCard({ source, onShowExamples }: { source: DataQualitySource; onShowExamples: (line: DataQualityLine) => void }) {
  const Icon = kindIcons[source.kind]
  const warn = source.status === 'warn'
  const anomalyDays = source.series.filter((day) => day.anomaly !== null)
  return (
    <Paper withBorder p="md" h="100%" data-testid="dq-source" data-source={source.id} data-status={source.status}>
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
        <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
          <ThemeIcon variant="light" size={36} radius="md" color={warn ? 'orange' : 'bosun'}>
            <Icon size={20} />
          </ThemeIcon>
          <div style={{ minWidth: 0 }}>
            <Text fw={700} size="sm" truncate title={source.name} data-testid="dq-source-name">
              {source.name}
            </Text>
            <Group gap={6} wrap="nowrap">
              <Text size="xs" c="dimmed">
                {kindLabels[source.kind]}
                {source.keyPrefix ? ` · key ${source.keyPrefix}` : ''}
              </Text>
              {source.revoked ? (
                <Badge size="xs" color="gray" variant="outline">
                  revoked
                </Badge>
              ) : null}
            </Group>
          </div>
        </Group>
        <Badge color={warn ? 'orange' : 'teal'} variant="light" className="bosun-nowrap" style={{ flexShrink: 0, overflow: 'visible' }}>
          {warn ? 'Needs a look' : 'Healthy'}
        </Badge>
      </Group>

      <Group gap={6} mt="sm">
        <Text size="sm" c="dimmed">
          Last received
        </Text>
        {source.lastReceivedAt ? (
          <Tooltip label={formatDateTime(source.lastReceivedAt)} withArrow>
            <Text size="sm" fw={600} data-testid="dq-last-received">
              {formatRelative(source.lastReceivedAt)}
            </Text>
          </Tooltip>
        ) : (
          <Text size="sm" fw={600} c="orange.8" data-testid="dq-last-received">
            never
          </Text>
        )}
      </Group>

      <SimpleGrid cols={3} mt="xs" spacing="xs">
        <Stat label="Today" value={source.receivedToday} />
        <Stat label="7 days" value={source.received7d} />
        <Stat label="30 days" value={source.received30d} />
      </SimpleGrid>

      <Stack gap={4} mt="sm">
        <Group justify="space-between">
          <Text size="xs" c="dimmed">
            Daily {source.volumeLabel}, last 30 days (UTC)
          </Text>
          {anomalyDays.length > 0 ? (
            <Group gap={4}>
              {(['spike', 'drop', 'silent'] as const).map((kind) => {
                const count = anomalyDays.filter((day) => day.anomaly === kind).length
                return count > 0 ? (
                  <Badge key={kind} size="xs" variant="light" color={anomalyColors[kind]}>
                    {count} {anomalyLabels[kind].toLowerCase()}
                  </Badge>
                ) : null
              })}
            </Group>
          ) : null}
        </Group>
        <VolumeChart source={source} />
      </Stack>

      <Divider my="xs" />
      <Stack gap={0}>
        <CheckRow line={source.anomalies} onShowExamples={onShowExamples} compact />
        {source.checks.map((line) => (
          <CheckRow key={line.check} line={line} onShowExamples={onShowExamples} compact />
        ))}
        {source.duplicates30d !== null && source.duplicates30d > 0 ? (
          <Text size="xs" c="dimmed" mt={4}>
            {formatNumber(source.duplicates30d)} retried calls acknowledged and stored once (30 days)
          </Text>
        ) : null}
      </Stack>
    </Paper>
  )
}
