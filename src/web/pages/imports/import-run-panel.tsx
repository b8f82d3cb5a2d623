/** One import while it runs (progress) and when it is done (counts, the first changes, the bad rows). */
import type { ReactNode } from 'react'
import { Link } from 'react-router-dom'
import { Alert, Anchor, Badge, Button, Code, Group, Paper, Progress, ScrollArea, SimpleGrid, Stack, Table, Text, ThemeIcon, Tooltip } from '@mantine/core'
import { IconAlertTriangle, IconCircleCheck, IconDownload, IconEqual, IconFileAlert, IconPencil, IconPlus } from '@tabler/icons-react'
import { isRunning, useImportErrors, type ImportRun, type PreviewEntry } from '../../api/imports'
import { formatNumber } from '../../lib/format'
import { ImportStatusBadge } from './import-badges'

const formatBytes = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} B`

function CountTile({ label, value, color, icon, testId }: { label: string; value: number; color: string; icon: ReactNode; testId: string }) {
  return (
    <Paper withBorder radius="md" p="sm" data-testid={testId}>
      <Group gap="sm" wrap="nowrap">
        <ThemeIcon variant="light" color={color} size={34} radius="md">
          {icon}
        </ThemeIcon>
        <div>
          <Text size="xs" c="dimmed" fw={700} tt="uppercase" lts={0.3}>
            {label}
          </Text>
          <Text fz={22} fw={700} lh={1.15} style={{ fontVariantNumeric: 'tabular-nums' }}>
            {formatNumber(value)}
          </Text>
        </div>
      </Group>
    </Paper>
  )
}

const display = (value: unknown): string => {
  if (value === null || value === undefined || value === '') return '—'
  if (Array.isArray(value)) return value.join(', ')
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

function Changes({ entry }: { entry: PreviewEntry }) {
  const changes = Object.entries(entry.changes)
  if (changes.length === 0) return <Text size="xs" c="dimmed">—</Text>
  return (
    <Stack gap={2}>
      {changes.slice(0, 6).map(([field, change]) => (
        <Text key={field} size="xs" lh={1.35}>
          <Text span fw={600} size="xs">
            {field}
          </Text>{' '}
          {entry.action === 'create' ? (
            display(change.to)
          ) : (
            <>
              <Text span c="dimmed" td="line-through" size="xs">
                {display(change.from)}
              </Text>{' '}
              → {display(change.to)}
            </>
          )}
        </Text>
      ))}
      {changes.length > 6 ? (
        <Text size="xs" c="dimmed">
          and {changes.length - 6} more
        </Text>
      ) : null}
    </Stack>
  )
}

function PreviewTable({ run }: { run: ImportRun }) {
  if (run.preview.length === 0) return null
  return (
    <Stack gap={6}>
      <Text fw={600} size="sm">
        {run.dryRun ? 'First changes it would make' : 'First changes made'}
      </Text>
      <ScrollArea.Autosize mah={340}>
        <Table verticalSpacing={6} striped highlightOnHover data-testid="import-preview">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={70}>Row</Table.Th>
              <Table.Th w={90}>Change</Table.Th>
              <Table.Th>Record</Table.Th>
              <Table.Th>Fields</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {run.preview.map((entry) => (
              <Table.Tr key={entry.rowNumber}>
                <Table.Td style={{ fontVariantNumeric: 'tabular-nums' }}>{entry.rowNumber}</Table.Td>
                <Table.Td>
                  <Badge size="sm" variant="light" color={entry.action === 'create' ? 'teal' : 'blue'}>
                    {entry.action === 'create' ? 'new' : 'update'}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {entry.label}
                  </Text>
                  {entry.key ? (
                    <Text size="xs" c="dimmed">
                      {entry.key}
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  <Changes entry={entry} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
    </Stack>
  )
}

function BadRows({ run }: { run: ImportRun }) {
  const errors = useImportErrors(run.id, run.rowsFailed > 0 && !isRunning(run))
  if (run.rowsFailed === 0) return null
  const items = errors.data?.items ?? []
  return (
    <Stack gap={6}>
      <Group justify="space-between">
        <Text fw={600} size="sm">
          Bad rows {items.length < run.rowsFailed ? `(first ${formatNumber(items.length)} problems of ${formatNumber(run.rowsFailed)} rows)` : ''}
        </Text>
        <Button component="a" href={run.errorReportUrl} download size="xs" variant="default" leftSection={<IconDownload size={14} />} data-testid="download-error-report">
          Download error report (CSV)
        </Button>
      </Group>
      <ScrollArea.Autosize mah={340}>
        <Table verticalSpacing={6} striped data-testid="import-bad-rows">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={70}>Row</Table.Th>
              <Table.Th w={160}>Column</Table.Th>
              <Table.Th>Problem</Table.Th>
              <Table.Th>Row in the file</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((error) => (
              <Table.Tr key={error.seq}>
                <Table.Td style={{ fontVariantNumeric: 'tabular-nums' }}>{error.rowNumber}</Table.Td>
                <Table.Td>
                  <Text size="sm">{error.column ?? '—'}</Text>
                  {error.field && error.field !== error.column ? (
                    <Text size="xs" c="dimmed">
                      {error.field}
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{error.reason}</Text>
                </Table.Td>
                <Table.Td maw={320}>
                  <Tooltip label={error.raw} multiline maw={520} disabled={!error.raw || error.raw.length < 50} withArrow>
                    <Code block={false} style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', display: 'block', maxWidth: 320 }}>
                      {error.raw ?? ''}
                    </Code>
                  </Tooltip>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
    </Stack>
  )
}

export function ImportRunPanel({ run, actions }: { run: ImportRun; actions?: ReactNode }) {
  const running = isRunning(run)
  const label = (dryRunLabel: string, appliedLabel: string) => (run.dryRun ? dryRunLabel : appliedLabel)
  return (
    <Stack gap="md" data-testid="import-run-panel" data-status={run.status}>
      <Group justify="space-between" wrap="nowrap">
        <Group gap="sm" wrap="nowrap">
          <Text fw={700}>{run.dryRun ? 'Dry run' : 'Import'}</Text>
          <ImportStatusBadge run={run} />
          <Text size="sm" c="dimmed" truncate maw={320}>
            {run.fileName} · {formatBytes(run.fileBytes)}
          </Text>
        </Group>
        {run.allOrNothing ? (
          <Badge variant="outline" color="gray" size="sm">
            all-or-nothing
          </Badge>
        ) : null}
      </Group>

      {running ? (
        <Stack gap={6} data-testid="import-progress">
          <Progress value={Math.max(2, run.progress * 100)} animated striped size="lg" radius="xl" />
          <Text size="sm" c="dimmed">
            {run.status === 'queued'
              ? 'Waiting for a worker to pick it up…'
              : `${formatNumber(run.rowsProcessed)} rows read · ${Math.round(run.progress * 100)}% of the file · ${formatNumber(run.rowsFailed)} bad so far`}
          </Text>
        </Stack>
      ) : (
        <>
          <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
            <CountTile label={label('Would create', 'Created')} value={run.rowsCreated} color="teal" icon={<IconPlus size={18} />} testId="count-created" />
            <CountTile label={label('Would update', 'Updated')} value={run.rowsUpdated} color="blue" icon={<IconPencil size={18} />} testId="count-updated" />
            <CountTile label="Unchanged" value={run.rowsUnchanged} color="gray" icon={<IconEqual size={18} />} testId="count-unchanged" />
            <CountTile label="Bad rows" value={run.rowsFailed} color={run.rowsFailed > 0 ? 'red' : 'gray'} icon={<IconFileAlert size={18} />} testId="count-failed" />
          </SimpleGrid>
          {run.failureReason ? (
            <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={run.status === 'failed' ? 'Nothing more was imported' : 'Note'}>
              {run.failureReason}
            </Alert>
          ) : run.status === 'succeeded' && !run.dryRun ? (
            <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} title="Imported">
              {formatNumber(run.rowsProcessed)} rows read; every one of them is in Bosun.
            </Alert>
          ) : run.status === 'partially' ? (
            <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title="Imported, bad rows left out">
              The good rows are in Bosun. Fix the {formatNumber(run.rowsFailed)} bad {run.rowsFailed === 1 ? 'row' : 'rows'} (see the error report) and import
              them again: rows already imported stay unchanged.
            </Alert>
          ) : null}
          <PreviewTable run={run} />
          <BadRows run={run} />
        </>
      )}
      {actions ? <Group gap="sm">{actions}</Group> : null}
      {!running && run.kind === 'accounts' && !run.dryRun ? (
        <Anchor component={Link} to="/accounts" size="sm">
          Open the accounts list
        </Anchor>
      ) : null}
    </Stack>
  )
}
