/** Every import of the workspace: when, what, how it went, and its error report. */
import { useState } from 'react'
import { ActionIcon, Badge, Drawer, Group, Paper, Progress, ScrollArea, Table, Text, Title, Tooltip } from '@mantine/core'
import { IconDownload, IconEye } from '@tabler/icons-react'
import { isRunning, useImportRun, useImportRuns, type ImportRun } from '../../api/imports'
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-state'
import { formatDateTime, formatNumber, formatRelative } from '../../lib/format'
import { ImportStatusBadge, kindLabels } from './import-badges'
import { ImportRunPanel } from './import-run-panel'

const numberCell = (value: number, color?: string) => (
  <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }} c={value > 0 ? color : 'dimmed'}>
    {formatNumber(value)}
  </Table.Td>
)

function RunDrawer({ runId, onClose }: { runId: string | null; onClose: () => void }) {
  const run = useImportRun(runId)
  return (
    <Drawer opened={Boolean(runId)} onClose={onClose} position="right" size="xl" title={<Text fw={700}>Import details</Text>}>
      {run.data ? <ImportRunPanel run={run.data} /> : run.isError ? <ErrorState error={run.error} /> : null}
    </Drawer>
  )
}

export function ImportHistory() {
  const runs = useImportRuns()
  const [openId, setOpenId] = useState<string | null>(null)
  const items = runs.data?.items ?? []

  return (
    <Paper withBorder radius="md" p="lg" data-testid="import-history">
      <Group justify="space-between" mb="sm">
        <Title order={4}>History</Title>
        <Text size="xs" c="dimmed">
          Uploaded files are kept 24 hours after a dry run so it can be applied
        </Text>
      </Group>
      {runs.isError ? (
        <ErrorState error={runs.error} onRetry={() => void runs.refetch()} />
      ) : runs.isPending ? (
        <TableSkeleton rows={4} columns={9} />
      ) : items.length === 0 ? (
        <EmptyState title="No imports yet" description="Dry runs and imports show up here with their counts and error reports." />
      ) : (
        <ScrollArea>
          <Table verticalSpacing={8} highlightOnHover miw={980}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Started</Table.Th>
                <Table.Th>File</Table.Th>
                <Table.Th>Kind</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th ta="right">Rows</Table.Th>
                <Table.Th ta="right">New</Table.Th>
                <Table.Th ta="right">Updated</Table.Th>
                <Table.Th ta="right">Unchanged</Table.Th>
                <Table.Th ta="right">Bad</Table.Th>
                <Table.Th>By</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((run: ImportRun) => (
                <Table.Tr key={run.id} data-testid="import-history-row">
                  <Table.Td>
                    <Tooltip label={formatDateTime(run.createdAt)} withArrow>
                      <Text size="sm">{formatRelative(run.createdAt)}</Text>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td maw={220}>
                    <Text size="sm" truncate>
                      {run.fileName}
                    </Text>
                    <Group gap={4}>
                      {run.dryRun ? (
                        <Badge size="xs" variant="outline" color="gray">
                          dry run
                        </Badge>
                      ) : null}
                      {run.allOrNothing ? (
                        <Badge size="xs" variant="outline" color="gray">
                          all-or-nothing
                        </Badge>
                      ) : null}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{kindLabels[run.kind]}</Text>
                  </Table.Td>
                  <Table.Td miw={130}>
                    {isRunning(run) ? (
                      <Tooltip label={`${formatNumber(run.rowsProcessed)} rows read`} withArrow>
                        <Progress value={Math.max(3, run.progress * 100)} animated striped size="md" />
                      </Tooltip>
                    ) : (
                      <ImportStatusBadge run={run} />
                    )}
                  </Table.Td>
                  {numberCell(run.rowsProcessed)}
                  {numberCell(run.rowsCreated, 'teal')}
                  {numberCell(run.rowsUpdated, 'blue')}
                  {numberCell(run.rowsUnchanged)}
                  {numberCell(run.rowsFailed, 'red')}
                  <Table.Td maw={180}>
                    <Text size="xs" c="dimmed" truncate>
                      {run.createdBy}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap" justify="flex-end">
                      {run.rowsFailed > 0 ? (
                        <Tooltip label="Download the error report (CSV)" withArrow>
                          <ActionIcon component="a" href={run.errorReportUrl} download variant="subtle" color="gray" aria-label="Download the error report">
                            <IconDownload size={16} />
                          </ActionIcon>
                        </Tooltip>
                      ) : null}
                      <Tooltip label="Details: counts, changes and bad rows" withArrow>
                        <ActionIcon variant="subtle" color="gray" onClick={() => setOpenId(run.id)} aria-label="Show details">
                          <IconEye size={16} />
                        </ActionIcon>
                      </Tooltip>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      )}
      <RunDrawer runId={openId} onClose={() => setOpenId(null)} />
    </Paper>
  )
}
