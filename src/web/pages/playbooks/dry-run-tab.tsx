/** "Dry run": which accounts would trigger now, why, and what each step would do for each — nothing is written. */
import { useState } from 'react'
import { Link } from 'react-router-dom'
import { Alert, Anchor, Badge, Button, Group, Paper, SegmentedControl, Stack, Table, Text, Tooltip } from '@mantine/core'
import { IconFlask } from '@tabler/icons-react'
import { errorMessage } from '../../api/client'
import { useDryRun, type DryRunSource, type PlaybookSummary } from '../../api/playbooks'
import { EmptyState } from '../../components/query-state'
import { formatNumber, pluralize } from '../../lib/format'
import { StepIcon, metaOf } from './playbook-parts'

export function DryRunTab({ playbook }: { playbook: PlaybookSummary }) {
  const published = playbook.version !== null
  const [source, setSource] = useState<DryRunSource>(playbook.hasDraft || !published ? 'draft' : 'published')
  const dryRun = useDryRun()
  const result = dryRun.data
  const run = () => dryRun.mutate({ key: playbook.key, source })
  return (
    <Stack gap="md" data-testid="playbook-dry-run">
      <Paper withBorder p="md">
        <Group justify="space-between" align="flex-end">
          <Stack gap={4}>
            <Text size="sm">Which accounts would this playbook trigger for now, and what would each step do? Nothing is written, sent or created.</Text>
            <Group gap="sm">
              <SegmentedControl
                size="xs"
                value={source}
                onChange={(value) => setSource(value as DryRunSource)}
                data={[
                  { value: 'draft', label: 'Draft', disabled: !playbook.hasDraft },
                  { value: 'published', label: 'Published', disabled: !published },
                ]}
                data-testid="dry-run-source"
              />
              <Text size="xs" c="dimmed">
                {source === 'draft' ? 'the open draft, as it would run once published' : `version ${playbook.version ?? ''}, as it runs now`}
              </Text>
            </Group>
          </Stack>
          <Button leftSection={<IconFlask size={16} />} onClick={run} loading={dryRun.isPending} data-testid="dry-run-button">
            Dry run
          </Button>
        </Group>
      </Paper>
      {dryRun.isError ? (
        <Alert color="red" variant="light" title="Dry run failed">
          {errorMessage(dryRun.error)}
        </Alert>
      ) : null}
      {result ? (
        <Paper withBorder p="md" data-testid="dry-run-result">
          <Group justify="space-between" mb="sm">
            <Text fw={600} data-testid="dry-run-summary">
              {pluralize(result.matching, 'account')} would trigger{result.inCooldown > 0 ? `, ${formatNumber(result.inCooldown)} of them in cooldown` : ''}
            </Text>
            <Text size="xs" c="dimmed">
              When {result.trigger}
              {result.shown < result.matching ? ` · showing the first ${formatNumber(result.shown)}` : ''}
            </Text>
          </Group>
          {result.accounts.length === 0 ? (
            <EmptyState title="No account would trigger now" description="No account is in the trigger's state and matches the condition today." />
          ) : (
            <Table.ScrollContainer minWidth={800}>
              <Table verticalSpacing="sm" data-testid="dry-run-accounts">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={240}>Account</Table.Th>
                    <Table.Th>What it would do</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {result.accounts.map((account) => (
                    <Table.Tr key={account.accountId} data-testid="dry-run-account" style={{ verticalAlign: 'top' }}>
                      <Table.Td>
                        <Stack gap={2}>
                          <Anchor component={Link} to={`/accounts/${account.accountId}`} size="sm" fw={600}>
                            {account.accountName}
                          </Anchor>
                          <Text size="xs" c="dimmed">
                            {account.why}
                          </Text>
                          {account.inCooldown ? (
                            <Tooltip label="It ran this playbook within the cooldown: a real trigger would skip it" withArrow>
                              <Badge size="xs" color="orange" variant="light" w="fit-content" data-testid="dry-run-cooldown">
                                in cooldown
                              </Badge>
                            </Tooltip>
                          ) : null}
                        </Stack>
                      </Table.Td>
                      <Table.Td>
                        <Stack gap={4}>
                          {account.steps.map((step) => (
                            <Group key={step.stepId} gap={8} wrap="nowrap" align="flex-start">
                              <StepIcon type={step.type} size={20} />
                              <Text size="sm">
                                <Text span size="sm" c="dimmed">
                                  {metaOf(step.type).label} ({step.stepId}):{' '}
                                </Text>
                                {step.would}
                              </Text>
                            </Group>
                          ))}
                        </Stack>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Paper>
      ) : null}
    </Stack>
  )
}
