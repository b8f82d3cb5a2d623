/** Account 360 → Playbooks: the account's playbook runs with their steps, and "Run playbook" for this account. */
import { useMemo, useState } from 'react'
import { Button, Group, Paper, Text } from '@mantine/core'
import { IconBook2, IconPlayerPlay } from '@tabler/icons-react'
import { useAccountPlaybookRuns, usePlaybooks } from '../../api/playbooks'
import { useSession } from '../../auth/session'
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-state'
import { pluralize } from '../../lib/format'
import { RunForAccountModal } from './playbook-modals'
import { RunTable } from './run-log'

export function AccountPlaybooksTab({ account }: { account: { id: string; name: string } }) {
  const session = useSession()
  const runs = useAccountPlaybookRuns(account.id)
  const playbooks = usePlaybooks()
  const [running, setRunning] = useState(false)
  const names = useMemo(() => Object.fromEntries((playbooks.data?.playbooks ?? []).map((playbook) => [playbook.key, playbook.name])), [playbooks.data])
  const rows = runs.data?.runs ?? []
  const open = rows.filter((run) => run.status === 'pending' || run.status === 'waiting').length
  return (
    <Paper withBorder p="md" data-testid="account-playbooks-tab">
      <Group justify="space-between" mb="sm">
        <Text size="sm" c="dimmed">
          {runs.data ? `${pluralize(rows.length, 'run')}${open > 0 ? `, ${open} under way` : ''}. Open a run to see each step it took.` : ' '}
        </Text>
        {session.can('customers:write') ? (
          <Button size="xs" leftSection={<IconPlayerPlay size={14} />} onClick={() => setRunning(true)} data-testid="account-run-playbook">
            Run playbook
          </Button>
        ) : null}
      </Group>
      {runs.isPending ? (
        <TableSkeleton rows={4} columns={6} />
      ) : runs.isError ? (
        <ErrorState error={runs.error} onRetry={() => void runs.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState icon={<IconBook2 size={22} />} title="No playbook has run for this account" description="Runs appear here when a playbook's trigger fires for it or someone runs one by hand." />
      ) : (
        <RunTable runs={rows} show="playbook" playbookNames={names} />
      )}
      {running ? <RunForAccountModal account={account} onClose={() => setRunning(false)} /> : null}
    </Paper>
  )
}
