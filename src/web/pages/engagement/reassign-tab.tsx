/** Bulk reassignment: pick whose accounts move and to whom, preview who gets what, then apply exactly that. */
import { useMemo, useState } from 'react'
import { Link } from 'react-router-dom'
import { Alert, Anchor, Button, Group, MultiSelect, Paper, SegmentedControl, Select, SimpleGrid, Stack, Table, Text } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconArrowRight, IconEye } from '@tabler/icons-react'
import { errorMessage, isApiError } from '../../api/client'
import { useReassignApply, useReassignPreview, type ReassignInput, type ReassignPreview, type ReassignStrategy } from '../../api/engagement'
import { useUsers } from '../../api/hooks'
import { EmptyState } from '../../components/query-state'
import { formatMoney, formatNumber, pluralize } from '../../lib/format'
import { percent, TierBadge, utilizationColor } from './parts'

const strategies: { value: ReassignStrategy; label: string }[] = [
  { value: 'least-loaded-arr', label: 'Least loaded by ARR' },
  { value: 'least-loaded-count', label: 'Least loaded by accounts' },
  { value: 'round-robin', label: 'Round robin' },
]

function PreviewTables({ preview }: { preview: ReassignPreview }) {
  return (
    <Stack gap="md">
      <Paper withBorder radius="md">
        <Table verticalSpacing="xs" data-testid="reassign-load">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Owner</Table.Th>
              <Table.Th ta="right">Accounts before → after</Table.Th>
              <Table.Th ta="right">ARR before → after</Table.Th>
              <Table.Th ta="right">Utilization before → after</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {preview.load.map((line) => (
              <Table.Tr key={line.userId ?? 'unassigned'}>
                <Table.Td fw={600}>{line.name}</Table.Td>
                <Table.Td ta="right">
                  {formatNumber(line.before.accounts)} → {formatNumber(line.after.accounts)}
                </Table.Td>
                <Table.Td ta="right">
                  {formatMoney(line.before.arr)} → {formatMoney(line.after.arr)}
                </Table.Td>
                <Table.Td ta="right">
                  {percent(line.before.utilization)} →{' '}
                  <Text span c={utilizationColor(line.after.utilization)} fw={600}>
                    {percent(line.after.utilization)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={760} mah={480}>
          <Table verticalSpacing="xs" stickyHeader data-testid="reassign-moves">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Account</Table.Th>
                <Table.Th>Tier</Table.Th>
                <Table.Th ta="right">ARR</Table.Th>
                <Table.Th>From</Table.Th>
                <Table.Th>To</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {preview.moves.map((move) => (
                <Table.Tr key={move.accountId} data-testid="reassign-move">
                  <Table.Td>
                    <Anchor component={Link} to={`/accounts/${move.accountId}`} size="sm">
                      {move.accountName}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{move.tierName ? <TierBadge name={move.tierName} /> : null}</Table.Td>
                  <Table.Td ta="right">{formatMoney(move.arr)}</Table.Td>
                  <Table.Td>{move.fromOwnerName}</Table.Td>
                  <Table.Td fw={600}>{move.toOwnerName}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
    </Stack>
  )
}

export function ReassignTab() {
  const users = useUsers()
  const preview = useReassignPreview()
  const apply = useReassignApply()
  const [from, setFrom] = useState<string | null>(null)
  const [mode, setMode] = useState<'one' | 'pool'>('one')
  const [to, setTo] = useState<string | null>(null)
  const [strategy, setStrategy] = useState<ReassignStrategy>('least-loaded-arr')
  const [pool, setPool] = useState<string[]>([])
  const [shown, setShown] = useState<{ input: ReassignInput; result: ReassignPreview } | null>(null)

  const people = useMemo(() => (users.data?.items ?? []).filter((user) => user.role !== 'viewer'), [users.data])
  const fromOptions = [{ value: 'unassigned', label: 'Unassigned accounts' }, ...people.map((user) => ({ value: user.id, label: user.status === 'active' ? user.name : `${user.name} (disabled)` }))]
  const targetOptions = people.filter((user) => user.status === 'active' && user.id !== from).map((user) => ({ value: user.id, label: user.name }))
  const input: ReassignInput | null = from ? (mode === 'one' ? (to ? { from, to } : null) : pool.length > 0 ? { from, strategy, pool } : null) : null
  // A changed form invalidates the preview: apply only ever sends what was shown.
  const current = shown && input && JSON.stringify(shown.input) === JSON.stringify(input) ? shown : null

  const runPreview = () => {
    if (!input) return
    preview.mutate(input, {
      onSuccess: (result) => setShown({ input, result }),
      onError: (error) => notifications.show({ color: 'red', title: 'Preview failed', message: errorMessage(error) }),
    })
  }
  const runApply = () => {
    if (!current) return
    apply.mutate(
      { ...current.input, previewToken: current.result.previewToken },
      {
        onSuccess: (result) => {
          notifications.show({ color: 'teal', title: 'Reassigned', message: `${pluralize(result.applied, 'account')} moved` })
          setShown(null)
        },
        onError: (error) => {
          const stale = isApiError(error, 409)
          notifications.show({ color: stale ? 'orange' : 'red', title: stale ? 'The data changed' : 'Reassignment failed', message: errorMessage(error) })
          if (stale) setShown(null)
        },
      },
    )
  }

  return (
    <Stack gap="lg">
      <Paper withBorder p="md" radius="md">
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
          <Select label="Move the accounts of" placeholder="Pick an owner" data={fromOptions} value={from} onChange={setFrom} searchable data-testid="reassign-from" />
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              To
            </Text>
            <SegmentedControl
              value={mode}
              onChange={(value) => setMode(value as 'one' | 'pool')}
              data={[
                { value: 'one', label: 'One owner' },
                { value: 'pool', label: 'Share across a pool' },
              ]}
              data-testid="reassign-mode"
            />
          </Stack>
          {mode === 'one' ? (
            <Select label="New owner" placeholder="Pick a user" data={targetOptions} value={to} onChange={setTo} searchable data-testid="reassign-to" />
          ) : (
            <Stack gap="xs">
              <Select label="Strategy" data={strategies} value={strategy} onChange={(value) => setStrategy((value as ReassignStrategy | null) ?? 'least-loaded-arr')} allowDeselect={false} data-testid="reassign-strategy" />
              <MultiSelect label="Pool" placeholder="Who shares the accounts" data={targetOptions} value={pool} onChange={setPool} searchable data-testid="reassign-pool" />
            </Stack>
          )}
        </SimpleGrid>
        <Group mt="md" justify="flex-end">
          <Button variant="default" leftSection={<IconEye size={16} />} onClick={runPreview} disabled={!input} loading={preview.isPending} data-testid="reassign-preview">
            Preview
          </Button>
          <Button leftSection={<IconArrowRight size={16} />} onClick={runApply} disabled={!current || current.result.moves.length === 0} loading={apply.isPending} data-testid="reassign-apply">
            {current ? `Apply: move ${pluralize(current.result.moves.length, 'account')}` : 'Apply'}
          </Button>
        </Group>
      </Paper>
      {shown && !current ? (
        <Alert color="gray" variant="light">
          The choices changed since this preview; preview again to apply.
        </Alert>
      ) : null}
      {shown ? shown.result.moves.length === 0 ? <EmptyState title="Nothing to move" description="This owner has no active accounts." /> : <PreviewTables preview={shown.result} /> : null}
    </Stack>
  )
}
