/** Pieces shared by the churn page and the Account 360 card: probability badge, drivers, calibration chart. */
import { Badge, Group, Stack, Text, Tooltip } from '@mantine/core'
import { IconArrowDownRight, IconArrowUpRight } from '@tabler/icons-react'
import type { ChurnCalibrationBin, ChurnDriver, ChurnTarget } from '../../api/churn'

export const formatProbability = (probability: number | null) => (probability === null ? '—' : `${(probability * 100).toFixed(probability < 0.1 ? 1 : 0)} %`)

/** What the model predicts, in words: "churn before the next renewal (…)" or, for older models, "churn within 90 days". */
export function targetText(target: ChurnTarget): string {
  if (target.kind === 'within_days') return `churn within ${target.days} days`
  return `churn before the next renewal (or up to ${target.graceDays} days after it; within ${target.fallbackDays} days for accounts without a renewal date)`
}

export const riskColor = (probability: number) => (probability >= 0.3 ? 'red' : probability >= 0.1 ? 'yellow' : 'teal')

export const modelKindLabels: Record<string, string> = {
  logistic_regression: 'Regularized logistic regression',
  gradient_boosted_trees: 'Gradient-boosted trees',
  blend: 'Blend of logistic regression and trees',
}

export function ProbabilityBadge({ probability, size = 'sm' }: { probability: number; size?: 'xs' | 'sm' | 'md' | 'lg' }) {
  return (
    <Badge color={riskColor(probability)} variant="light" size={size} className="bosun-num" data-testid="churn-probability">
      {formatProbability(probability)}
    </Badge>
  )
}

const formatValue = (value: string | number | null) => (value === null ? 'missing' : typeof value === 'number' ? (Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(2)) : value)

/** Each driver with its direction: ↑ raises the churn risk, ↓ lowers it. */
export function DriverList({ drivers, compact = false }: { drivers: ChurnDriver[]; compact?: boolean }) {
  if (drivers.length === 0) return <Text size="xs" c="dimmed">No drivers</Text>
  return (
    <Stack gap={2} data-testid="churn-drivers">
      {drivers.map((driver) => (
        <Tooltip key={driver.feature} label={`Changes the log-odds of churn by ${driver.contribution > 0 ? '+' : ''}${driver.contribution.toFixed(2)}`} withArrow>
          <Group gap={4} wrap="nowrap" data-testid="churn-driver">
            {driver.contribution > 0 ? <IconArrowUpRight size={14} color="var(--mantine-color-red-6)" /> : <IconArrowDownRight size={14} color="var(--mantine-color-teal-6)" />}
            <Text size="xs" lineClamp={1}>
              {driver.label}
              {compact ? '' : `: ${formatValue(driver.value)}`}
            </Text>
          </Group>
        </Tooltip>
      ))}
    </Stack>
  )
}

/** Reliability chart: mean predicted vs observed churn per decile of the holdout; the diagonal is perfect calibration. */
export function CalibrationChart({ bins, size = 220 }: { bins: ChurnCalibrationBin[]; size?: number }) {
  const pad = 28
  const top = Math.max(0.05, ...bins.flatMap((bin) => [bin.meanPredicted, bin.observedRate]))
  const scale = (value: number) => (value / top) * (size - 2 * pad)
  const x = (value: number) => pad + scale(value)
  const y = (value: number) => size - pad - scale(value)
  const path = bins.map((bin, index) => `${index === 0 ? 'M' : 'L'}${x(bin.meanPredicted).toFixed(1)},${y(bin.observedRate).toFixed(1)}`).join(' ')
  return (
    <svg width={size} height={size} role="img" aria-label="Calibration: predicted vs observed churn" data-testid="churn-calibration-chart">
      <rect x={pad} y={pad} width={size - 2 * pad} height={size - 2 * pad} fill="none" stroke="var(--mantine-color-gray-4)" />
      <line x1={x(0)} y1={y(0)} x2={x(top)} y2={y(top)} stroke="var(--mantine-color-gray-5)" strokeDasharray="4 3" />
      <path d={path} fill="none" stroke="var(--mantine-color-blue-6)" strokeWidth={2} />
      {bins.map((bin, index) => (
        <circle key={index} cx={x(bin.meanPredicted)} cy={y(bin.observedRate)} r={3.5} fill="var(--mantine-color-blue-6)">
          <title>{`predicted ${formatProbability(bin.meanPredicted)}, observed ${formatProbability(bin.observedRate)} (${bin.count} rows)`}</title>
        </circle>
      ))}
      <text x={size / 2} y={size - 6} textAnchor="middle" fontSize={10} fill="currentColor">
        predicted
      </text>
      <text x={10} y={size / 2} textAnchor="middle" fontSize={10} fill="currentColor" transform={`rotate(-90 10 ${size / 2})`}>
        observed
      </text>
      <text x={pad} y={pad - 6} fontSize={10} fill="currentColor">
        {formatProbability(top)}
      </text>
    </svg>
  )
}
