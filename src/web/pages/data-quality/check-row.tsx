/** One line of the data-quality checklist: status, what it checks, the count, and its examples. */
import type { ReactNode } from 'react'
import { Button, Divider, Group, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core'
import { IconAlertTriangle, IconCheck, IconListSearch } from '@tabler/icons-react'
import type { DataQualityLine } from '../../api/types'
import { formatNumber } from '../../lib/format'

export function CheckRow({
  line,
  onShowExamples,
  action,
  compact = false,
}: {
  line: DataQualityLine
  onShowExamples: (line: DataQualityLine) => void
  action?: ReactNode
  compact?: boolean
}) {
  const warn = line.status === 'warn'
  return (
    <Group
      justify="space-between"
      wrap="nowrap"
      gap="sm"
      py={compact ? 6 : 10}
      px={compact ? 0 : 'md'}
      data-testid={`dq-line-${line.check}`}
      data-status={line.status}
    >
      <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
        <ThemeIcon size={compact ? 22 : 28} radius="xl" variant="light" color={warn ? 'orange' : 'teal'} aria-label={warn ? 'Needs a look' : 'OK'}>
          {warn ? <IconAlertTriangle size={compact ? 13 : 16} /> : <IconCheck size={compact ? 13 : 16} />}
        </ThemeIcon>
        <div style={{ minWidth: 0 }}>
          <Text fw={600} size="sm" lh={1.3}>
            {line.label}
          </Text>
          {compact ? null : (
            <Text size="xs" c="dimmed" lineClamp={2}>
              {line.description}
            </Text>
          )}
          {line.note ? (
            <Text size="xs" c={warn ? 'orange.8' : 'dimmed'}>
              {line.note}
            </Text>
          ) : null}
        </div>
      </Group>
      <Group gap="sm" wrap="nowrap">
        <Text fw={700} fz={compact ? 'sm' : 'lg'} className="bosun-num" c={warn ? 'orange.8' : undefined} miw={36} data-testid="dq-count">
          {formatNumber(line.count)}
        </Text>
        {action}
        <Button
          size="compact-xs"
          variant={warn ? 'light' : 'subtle'}
          color={warn ? 'orange' : 'gray'}
          leftSection={<IconListSearch size={14} />}
          disabled={line.count === 0}
          onClick={() => onShowExamples(line)}
          aria-label={`Show examples: ${line.label}`}
        >
          Examples
        </Button>
      </Group>
    </Group>
  )
}

/** A titled card of checklist lines. */
export function Checklist({
  title,
  description,
  icon,
  lines,
  onShowExamples,
  actions = {},
  testId,
}: {
  title: string
  description: string
  icon: ReactNode
  lines: DataQualityLine[]
  onShowExamples: (line: DataQualityLine) => void
  actions?: Partial<Record<string, ReactNode>>
  testId?: string
}) {
  const warnings = lines.filter((line) => line.status === 'warn').length
  return (
    <Paper withBorder p={0} h="100%" data-testid={testId}>
      <Group justify="space-between" px="md" pt="md" pb="sm" wrap="nowrap">
        <Group gap="sm" wrap="nowrap">
          <ThemeIcon variant="light" size={34} radius="md" color={warnings > 0 ? 'orange' : 'teal'}>
            {icon}
          </ThemeIcon>
          <div>
            <Title order={4} fz="md">
              {title}
            </Title>
            <Text size="xs" c="dimmed">
              {description}
            </Text>
          </div>
        </Group>
        <Text size="xs" fw={600} c={warnings > 0 ? 'orange.8' : 'teal.7'} className="bosun-nowrap">
          {warnings > 0 ? `${warnings} to look at` : 'All clear'}
        </Text>
      </Group>
      <Divider />
      <Stack gap={0}>
        {lines.map((line, index) => (
          <div key={line.check}>
            {index > 0 ? <Divider variant="dashed" /> : null}
            <CheckRow line={line} onShowExamples={onShowExamples} action={actions[line.check]} />
          </div>
        ))}
      </Stack>
    </Paper>
  )
}
