/** Pieces shared by the configuration pages: state badges, read-only YAML, the YAML editor, body diffs and the segment rule card. */
import { useRef } from 'react'
import { Link } from 'react-router-dom'
import { Alert, Anchor, Badge, Box, Code, ColorSwatch, Group, Loader, Paper, Stack, Table, Text, Textarea, ThemeIcon, Tooltip, UnstyledButton } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { IconAlertTriangle, IconFilter, IconUsersGroup } from '@tabler/icons-react'
import { renderCondition, validateCondition, type Condition } from '../../../shared/conditions'
import { useConditionPreview, type ConfigState, type ConfigVersionStatus } from '../../api/config'
import { errorMessage } from '../../api/client'
import { formatMoney, formatNumber } from '../../lib/format'
import { lineOfPath, shortValue, type BodyChange } from './yaml-tools'

const stateColors: Record<ConfigState | ConfigVersionStatus, string> = { published: 'teal', draft: 'yellow', archived: 'gray' }
const stateLabels: Record<ConfigState, string> = { published: 'Published', draft: 'Draft only', archived: 'Archived' }

export function ConfigStateBadge({ state }: { state: ConfigState }) {
  return (
    <Badge color={stateColors[state]} variant={state === 'published' ? 'light' : 'outline'} size="sm" data-testid="config-state">
      {stateLabels[state]}
    </Badge>
  )
}

export function VersionStatusBadge({ status, live }: { status: ConfigVersionStatus; live?: boolean }) {
  if (live) {
    return (
      <Badge color="teal" variant="filled" size="xs">
        live
      </Badge>
    )
  }
  return (
    <Badge color={stateColors[status]} variant="light" size="xs">
      {status}
    </Badge>
  )
}

/** The segment's color (a Mantine palette name) as a small dot. */
export function SegmentColor({ color, size = 12 }: { color: unknown; size?: number }) {
  const name = typeof color === 'string' ? color : 'gray'
  return <ColorSwatch color={`var(--mantine-color-${name}-6)`} size={size} withShadow={false} style={{ flexShrink: 0 }} />
}

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** The `name` of a body, when it has one. */
export const bodyName = (body: unknown): string | null => (isRecord(body) && typeof body.name === 'string' ? body.name : null)

export function YamlBlock({ yaml, maxHeight = 420 }: { yaml: string; maxHeight?: number }) {
  return (
    <Code block style={{ maxHeight, overflow: 'auto', fontSize: 12.5, lineHeight: 1.55 }} data-testid="config-yaml">
      {yaml.trimEnd() || '—'}
    </Code>
  )
}

export type EditorIssue = { path: string; message: string }

/**
 * A YAML editor with its problems listed under it, each with the line it points at (click to go
 * there). `issues` are paths relative to the body, as the API reports them after `body.`.
 */
export function YamlEditor({
  value,
  onChange,
  issues,
  parseError,
  readOnly = false,
  label,
}: {
  value: string
  onChange: (value: string) => void
  issues: EditorIssue[]
  parseError: { line: number | null; message: string } | null
  readOnly?: boolean
  label?: string
}) {
  const ref = useRef<HTMLTextAreaElement>(null)
  const goTo = (line: number | null) => {
    const area = ref.current
    if (!area || line === null) return
    const lines = value.split('\n')
    const start = lines.slice(0, line - 1).reduce((total, text) => total + text.length + 1, 0)
    area.focus()
    area.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0))
  }
  const rows = [
    ...(parseError ? [{ line: parseError.line, path: 'YAML', message: parseError.message }] : []),
    ...issues.map((issue) => ({ line: lineOfPath(value, issue.path), path: issue.path || '(document)', message: issue.message })),
  ]
  return (
    <Stack gap="xs">
      <Textarea
        ref={ref}
        label={label}
        value={value}
        onChange={(event) => onChange(event.currentTarget.value)}
        autosize
        minRows={12}
        maxRows={32}
        readOnly={readOnly}
        spellCheck={false}
        error={rows.length > 0}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13, lineHeight: 1.55, tabSize: 2 } }}
        data-testid="config-yaml-editor"
      />
      {rows.length > 0 ? (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={rows.length === 1 ? 'One problem' : `${rows.length} problems`} data-testid="config-editor-errors">
          <Stack gap={4}>
            {rows.map((row, index) => (
              <UnstyledButton key={`${row.path}-${index}`} onClick={() => goTo(row.line)} disabled={row.line === null}>
                <Group gap="xs" wrap="nowrap" align="flex-start">
                  <Text size="xs" c="dimmed" w={52} style={{ flexShrink: 0 }}>
                    {row.line ? `line ${row.line}` : ''}
                  </Text>
                  <Text size="xs" ff="monospace" fw={600} style={{ flexShrink: 0 }}>
                    {row.path}
                  </Text>
                  <Text size="xs">{row.message}</Text>
                </Group>
              </UnstyledButton>
            ))}
          </Stack>
        </Alert>
      ) : null}
    </Stack>
  )
}

const changeColors = { added: 'teal', removed: 'red', changed: 'blue' } as const

export function BodyChanges({ changes, empty = 'No differences.' }: { changes: BodyChange[]; empty?: string }) {
  if (changes.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {empty}
      </Text>
    )
  }
  return (
    <Table withTableBorder verticalSpacing={4} fz="xs" layout="fixed" data-testid="config-body-changes">
      <Table.Tbody>
        {changes.map((change) => (
          <Table.Tr key={`${change.kind}-${change.path}`}>
            <Table.Td w={104}>
              <Badge size="xs" variant="light" color={changeColors[change.kind]}>
                {change.kind}
              </Badge>
            </Table.Td>
            <Table.Td w="32%">
              <Text size="xs" ff="monospace" fw={600} style={{ wordBreak: 'break-all' }}>
                {change.path}
              </Text>
            </Table.Td>
            <Table.Td>
              <Text size="xs" ff="monospace" style={{ wordBreak: 'break-word' }}>
                {change.kind === 'added' ? shortValue(change.after) : change.kind === 'removed' ? shortValue(change.before) : `${shortValue(change.before)} → ${shortValue(change.after)}`}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

/** A rule as one line and, live, how many accounts it matches now (with the largest few). */
export function SegmentRuleCard({ body, title = 'Rule' }: { body: unknown; title?: string }) {
  const condition = isRecord(body) ? body.condition : undefined
  const issues = condition === undefined ? [] : validateCondition(condition)
  const valid = condition !== undefined && issues.length === 0
  const [debounced] = useDebouncedValue(valid ? condition : null, 400)
  const preview = useConditionPreview(debounced, 5)

  return (
    <Paper withBorder p="md" data-testid="segment-rule-card">
      <Group justify="space-between" align="flex-start" wrap="nowrap" mb="xs">
        <Group gap="xs" wrap="nowrap">
          <ThemeIcon variant="light" color="blue" size="md">
            <IconFilter size={16} />
          </ThemeIcon>
          <Text fw={600} size="sm">
            {title}
          </Text>
        </Group>
        {valid ? (
          <Tooltip label="Accounts matching the rule right now" withArrow>
            <Group gap={6} wrap="nowrap" data-testid="segment-live-count">
              {preview.isFetching ? <Loader size={14} /> : <IconUsersGroup size={16} color="var(--mantine-color-dimmed)" />}
              <Text fw={700} size="lg">
                {preview.data ? formatNumber(preview.data.count) : '—'}
              </Text>
              <Text size="sm" c="dimmed">
                {preview.data?.count === 1 ? 'account' : 'accounts'}
              </Text>
            </Group>
          </Tooltip>
        ) : null}
      </Group>
      {condition === undefined ? (
        <Text size="sm" c="dimmed">
          No rule yet: add a <Code>condition</Code>.
        </Text>
      ) : valid ? (
        <Text size="sm" ff="monospace" style={{ wordBreak: 'break-word' }} data-testid="segment-rendered-rule">
          {renderCondition(condition as Condition)}
        </Text>
      ) : (
        <Text size="sm" c="red">
          The rule has {issues.length === 1 ? 'a problem' : `${issues.length} problems`}: {issues.map((issue) => `condition.${issue.path}: ${issue.message}`).join('; ')}
        </Text>
      )}
      {preview.isError && valid ? (
        <Text size="xs" c="red" mt="xs">
          Could not count the accounts: {errorMessage(preview.error)}
        </Text>
      ) : null}
      {valid && preview.data && preview.data.accounts.length > 0 ? (
        <Box mt="sm">
          <Text size="xs" c="dimmed" mb={4}>
            Largest by ARR
          </Text>
          <Group gap="xs">
            {preview.data.accounts.map((account) => (
              <Anchor key={account.id} component={Link} to={`/accounts/${account.id}`} size="xs">
                <Badge variant="default" size="md" tt="none" fw={500} style={{ cursor: 'pointer' }}>
                  {account.name} · {formatMoney(account.arr)}
                </Badge>
              </Anchor>
            ))}
          </Group>
        </Box>
      ) : null}
    </Paper>
  )
}
