/** Account 360 header line: tier, lifecycle stage (overdue, moved by hand, suggested stage) and segment chips, with "Move stage". */
import { Link } from 'react-router-dom'
import { Badge, Button, Group, Skeleton, Text, Tooltip } from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { IconArrowsExchange, IconHandStop, IconHourglass } from '@tabler/icons-react'
import { useAccountClassification, useClassificationGroups } from '../../api/segments'
import { useSession } from '../../auth/session'
import { formatDate, formatNumber } from '../../lib/format'
import { groupColor } from '../segments/families'
import { MoveStageModal } from './classification-move-stage-modal'

const groupHref = (path: 'segments' | 'tiers' | 'stages', key: string) => `/segments/${path}/${encodeURIComponent(key)}`

export function ClassificationBadges({ accountId, accountName }: { accountId: string; accountName: string }) {
  const session = useSession()
  const canWrite = session.can('customers:write')
  const [moveOpened, moveModal] = useDisclosure(false)
  const query = useAccountClassification(accountId)
  const stage = query.data?.stage ?? null
  // The suggested stage comes as a key; its name is in the stage list (only fetched when needed).
  const stages = useClassificationGroups('stage', Boolean(stage?.suggested))
  const suggestedName = stage?.suggested ? (stages.data?.groups.find((group) => group.key === stage.suggested)?.name ?? stage.suggested) : null

  if (query.isPending) return <Skeleton height={22} width={320} mt={4} />
  // The rest of the page works without it; a failed classification is not worth an error box in the header.
  if (query.isError) return null
  const data = query.data
  const nothing = !data.tier && !data.stage && data.segments.length === 0

  return (
    <Group gap={8} mt={4} wrap="wrap" data-testid="account-classification">
      {data.tier ? (
        <Tooltip label={`Tier since ${formatDate(data.tier.enteredAt)}`} withArrow>
          <Badge
            component={Link}
            to={groupHref('tiers', data.tier.key)}
            color={groupColor(data.tier.color)}
            variant="light"
            tt="none"
            style={{ cursor: 'pointer' }}
            data-testid="account-tier"
          >
            Tier: {data.tier.name}
          </Badge>
        </Tooltip>
      ) : null}
      {stage ? (
        <Group gap={4} wrap="nowrap">
          <Tooltip
            label={`In this stage for ${formatNumber(stage.daysInStage)} ${stage.daysInStage === 1 ? 'day' : 'days'}${stage.slaDays === null ? '' : ` (SLA ${stage.slaDays} days)`}`}
            withArrow
          >
            <Badge
              component={Link}
              to={groupHref('stages', stage.key)}
              color={groupColor(stage.color)}
              variant="filled"
              tt="none"
              style={{ cursor: 'pointer' }}
              data-testid="account-stage"
            >
              {stage.name}
            </Badge>
          </Tooltip>
          {stage.overdue ? (
            <Badge color="red" variant="light" tt="none" data-testid="account-stage-overdue">
              overdue · {formatNumber(stage.daysInStage)} d
            </Badge>
          ) : null}
          {stage.source === 'manual' ? (
            <Tooltip
              label={suggestedName ? `The rules point to ${suggestedName}; the account stays here until its data changes` : 'Set by hand; the account stays here until its data changes'}
              withArrow
              multiline
              w={260}
            >
              <Badge color="grape" variant="light" tt="none" leftSection={<IconHandStop size={12} />} data-testid="account-stage-manual">
                moved by hand{suggestedName ? ` · rules say ${suggestedName}` : ''}
              </Badge>
            </Tooltip>
          ) : null}
        </Group>
      ) : null}
      {data.segments.map((segment) => (
        <Badge
          key={segment.key}
          component={Link}
          to={groupHref('segments', segment.key)}
          color={groupColor(segment.color)}
          variant="dot"
          tt="none"
          fw={500}
          style={{ cursor: 'pointer' }}
          data-testid={`account-segment-${segment.key}`}
        >
          {segment.name}
        </Badge>
      ))}
      {nothing && !data.pending ? (
        <Text size="xs" c="dimmed">
          No tier, stage or segment yet
        </Text>
      ) : null}
      {data.pending ? (
        <Tooltip label="A change to this account is waiting to be classified" withArrow>
          <Badge color="gray" variant="outline" tt="none" leftSection={<IconHourglass size={12} />} data-testid="account-classification-pending">
            updating
          </Badge>
        </Tooltip>
      ) : null}
      {canWrite ? (
        <>
          <Button size="compact-xs" variant="subtle" leftSection={<IconArrowsExchange size={14} />} onClick={moveModal.open} data-testid="move-stage-button">
            Move stage
          </Button>
          <MoveStageModal opened={moveOpened} onClose={moveModal.close} accountId={accountId} accountName={accountName} current={stage} />
        </>
      ) : null}
    </Group>
  )
}
