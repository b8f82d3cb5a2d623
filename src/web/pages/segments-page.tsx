/** Segments, tiers and lifecycle stages: every group with its accounts, ARR, recent moves and trend. */
import { Link, useNavigate, useSearchParams } from 'react-router-dom'
import { Anchor, Badge, Button, Group, Paper, Stack, Table, Tabs, Text, Tooltip } from '@mantine/core'
import { IconAdjustmentsHorizontal, IconChartDonut, IconRoute, IconStack2 } from '@tabler/icons-react'
import { useClassificationGroups, type ClassificationGroup } from '../api/segments'
import { useSession } from '../auth/session'
import { PageHeader } from '../components/page-header'
import { EmptyState, ErrorState, TableSkeleton } from '../components/query-state'
import { formatMoney, formatNumber } from '../lib/format'
import { families, familyByPath, type FamilyMeta } from './segments/families'
import { GroupDot, GroupSparkline, MovesCell, WaitingAlert } from './segments/group-parts'
import { TierShareCard } from './segments/tier-share-card'

const tabIcons = { segment: IconChartDonut, tier: IconStack2, stage: IconRoute } as const

function GroupsTable({ meta, groups }: { meta: FamilyMeta; groups: ClassificationGroup[] }) {
  const navigate = useNavigate()
  const stages = meta.family === 'stage'
  const href = (group: ClassificationGroup) => `/segments/${meta.path}/${encodeURIComponent(group.key)}`
  return (
    <Table.ScrollContainer minWidth={stages ? 1080 : 860}>
      <Table highlightOnHover verticalSpacing="sm" data-testid={`groups-${meta.path}`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{stages ? 'Stage' : meta.family === 'tier' ? 'Tier' : 'Segment'}</Table.Th>
            <Table.Th ta="right">Accounts</Table.Th>
            <Table.Th ta="right">ARR</Table.Th>
            <Table.Th ta="right">
              <Tooltip label="Accounts that entered / left in the last 7 days" withArrow>
                <span>7 days</span>
              </Tooltip>
            </Table.Th>
            {stages ? (
              <>
                <Table.Th ta="right">SLA</Table.Th>
                <Table.Th ta="right">Overdue</Table.Th>
                <Table.Th ta="right">Median days</Table.Th>
              </>
            ) : null}
            <Table.Th>90 days</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {groups.map((group) => (
            <Table.Tr key={group.key} style={{ cursor: 'pointer' }} onClick={() => navigate(href(group))} data-testid={`group-row-${group.key}`}>
              <Table.Td maw={420}>
                <Group gap={8} wrap="nowrap" align="flex-start">
                  <div style={{ paddingTop: 4 }}>
                    <GroupDot color={group.color} />
                  </div>
                  <Stack gap={0} style={{ minWidth: 0 }}>
                    <Group gap={6}>
                      <Anchor component={Link} to={href(group)} fw={600} size="sm" onClick={(event) => event.stopPropagation()}>
                        {group.name}
                      </Anchor>
                      {group.terminal ? (
                        <Badge size="xs" variant="light" color="gray" tt="none">
                          terminal
                        </Badge>
                      ) : null}
                    </Group>
                    <Text size="xs" c="dimmed" truncate="end" title={group.rule ?? undefined}>
                      {group.rule ?? '—'}
                    </Text>
                  </Stack>
                </Group>
              </Table.Td>
              <Table.Td ta="right" fw={600} style={{ fontVariantNumeric: 'tabular-nums' }} data-testid="group-accounts">
                {formatNumber(group.accounts)}
              </Table.Td>
              <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                {formatMoney(group.arr)}
              </Table.Td>
              <Table.Td>
                <MovesCell entered={group.entered7d} exited={group.exited7d} />
              </Table.Td>
              {stages ? (
                <>
                  <Table.Td ta="right">{group.slaDays === null ? <Text c="dimmed" size="sm">—</Text> : `${group.slaDays} d`}</Table.Td>
                  <Table.Td ta="right">
                    {group.overdue > 0 ? (
                      <Badge color="red" variant="light" data-testid="group-overdue">
                        {formatNumber(group.overdue)}
                      </Badge>
                    ) : (
                      <Text c="dimmed" size="sm">
                        0
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                    {group.medianDaysInStage === null ? '—' : `${Math.round(group.medianDaysInStage)} d`}
                  </Table.Td>
                </>
              ) : null}
              <Table.Td>
                <GroupSparkline family={meta.family} groupKey={group.key} color={group.color} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  )
}

function FamilyPanel({ meta }: { meta: FamilyMeta }) {
  const session = useSession()
  const query = useClassificationGroups(meta.family)
  if (query.isPending) return <TableSkeleton rows={5} columns={6} />
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />
  const list = query.data
  if (list.groups.length === 0) {
    return (
      <EmptyState
        title={`No ${meta.plural} yet`}
        description={
          session.can('config:read')
            ? `Define ${meta.plural} under Configuration; Bosun keeps every account's membership current from then on.`
            : `Nobody has defined ${meta.plural} for this workspace yet. Ask a CS Ops admin to set them up.`
        }
        icon={<IconAdjustmentsHorizontal size={22} />}
        action={
          session.can('config:read') ? (
            <Button component={Link} to={meta.configStartHref} size="xs" variant="light" data-testid="segments-configure">
              Open Configuration
            </Button>
          ) : undefined
        }
      />
    )
  }
  return (
    <>
      <WaitingAlert list={list} />
      {meta.family === 'tier' ? <TierShareCard groups={list.groups} /> : null}
      <Paper withBorder>
        <GroupsTable meta={meta} groups={list.groups} />
      </Paper>
    </>
  )
}

export default function SegmentsPage() {
  const [params, setParams] = useSearchParams()
  const session = useSession()
  const meta = familyByPath(params.get('tab')) ?? families[0]!
  const setTab = (value: string | null) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev)
        if (!value || value === 'segments') next.delete('tab')
        else next.set('tab', value)
        return next
      },
      { replace: true },
    )

  return (
    <>
      <PageHeader
        title="Segments"
        description="Segments, service tiers and lifecycle stages, kept current as account data changes"
        actions={
          session.can('config:read') ? (
            <Button component={Link} to={meta.configStartHref} variant="default" leftSection={<IconAdjustmentsHorizontal size={16} />}>
              Edit rules
            </Button>
          ) : null
        }
      />
      <Tabs value={meta.path} onChange={setTab} keepMounted={false} variant="outline">
        <Tabs.List mb="md">
          {families.map((family) => {
            const Icon = tabIcons[family.family]
            return (
              <Tabs.Tab key={family.path} value={family.path} leftSection={<Icon size={16} />} data-testid={`segments-tab-${family.path}`}>
                {family.label}
              </Tabs.Tab>
            )
          })}
        </Tabs.List>
        {families.map((family) => (
          <Tabs.Panel key={family.path} value={family.path}>
            <FamilyPanel meta={family} />
          </Tabs.Panel>
        ))}
      </Tabs>
    </>
  )
}
