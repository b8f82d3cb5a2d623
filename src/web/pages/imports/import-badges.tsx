/** Status and kind labels of imports. */
import { Badge, Tooltip } from '@mantine/core'
import type { ImportKind, ImportRun } from '../../api/imports'

const statusColors: Record<ImportRun['status'], string> = { queued: 'gray', running: 'blue', succeeded: 'teal', partially: 'orange', failed: 'red' }
const statusLabels: Record<ImportRun['status'], string> = { queued: 'queued', running: 'running', succeeded: 'done', partially: 'partial', failed: 'failed' }
const statusHelp: Record<ImportRun['status'], string | null> = {
  queued: 'Waiting for a worker',
  running: null,
  succeeded: null,
  partially: 'The good rows were imported; the bad ones are in the error report',
  failed: null,
}

export function ImportStatusBadge({ run }: { run: Pick<ImportRun, 'status' | 'failureReason'> }) {
  return (
    <Tooltip label={run.failureReason ?? statusHelp[run.status]} disabled={!run.failureReason && !statusHelp[run.status]} multiline maw={360} withArrow>
      <Badge color={statusColors[run.status]} variant={run.status === 'running' ? 'filled' : 'light'} size="sm" data-testid="import-status">
        {statusLabels[run.status]}
      </Badge>
    </Tooltip>
  )
}

export const kindLabels: Record<ImportKind, string> = {
  accounts: 'Accounts',
  contacts: 'Contacts',
  subscriptions: 'Subscriptions',
  'revenue-movements': 'Revenue movements',
  tickets: 'Tickets',
  touchpoints: 'Touchpoints',
  outcomes: 'Renewal outcomes',
}
