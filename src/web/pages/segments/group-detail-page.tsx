/** One segment, tier or lifecycle stage: its rule, members over time (enters and exits per day) and its accounts. */
import { useMemo, useState, type ReactNode } from 'react'
import { Link, useParams } from 'react-router-dom'
import { Anchor, Badge, Breadcrumbs, Button, Code, Group, Paper, SegmentedControl, SimpleGrid, Skeleton, Stack, Switch, Table, Text, Title, Tooltip, ActionIcon } from '@mantine/core'
import { AreaChart, BarChart } from '@mantine/charts'
import { IconAdjustmentsHorizontal, IconChevronLeft, IconChevronRight, IconList } from '@tabler/icons-react'
import { useClassificationGroups, useGroupHistory, useGroupMembers, type ClassificationGroup, type MembershipFamily } from '../../api/segments'
import { useSession } from '../../auth/session'
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-state'
import { RenewalDate } from '../../components/renewal-date'
import { formatDate, formatMoney, formatNumber } from '../../lib/format'
import NotFoundPage from '../not-found-page'
import { familyByPath, groupColor, membersChartData, type FamilyMeta } from './families'
import { GroupDot, ManualBadge, MovesCell, WaitingAlert } from './group-parts'

const PAGE_SIZE = 25
const dayOptions = [
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
]

function HistoryCard({ family, groupKey, color }: { family: MembershipFamily; groupKey: string; color: string | null }) {
  const [days, setDays] = useState('90')
  const history = useGroupHistory(family, groupKey, Number(days))
  const data = useMemo(() => membersChartData(history.data?.points ?? []), [history.data])
  const counted = data.some((row) => row.accounts !== null)
  const moved = data.some((row) => row.entered !== 0 || row.exited !== 0)
  return (
    <Paper withBorder p="md" mb="md">
      <Group justify="space-between" mb="md" align="flex-start">
        <div>
          <Title order={4} fz="md">
            Members over time
          </Title>
          <Text size="xs" c="dimmed">
            Accounts per day, and accounts entering (above the line) and leaving (below) each day
          </Text>
        </div>
        <SegmentedControl size="xs" value={days} onChange={setDays} data={dayOptions} />
      </Group>
      {history.isPending ? (
        <Skeleton height={300} />
      ) : history.isError ? (
        <ErrorState error={history.error} onRetry={() => void history.refetch()} />
      ) : !counted && !moved ? (
        <EmptyState title="No history yet" description="Daily counts start once the accounts have been classified." />
      ) : (
        <Stack gap="xs">
          {counted ? (
            <AreaChart
              h={180}
              data={data}
              dataKey="label"
              series={[{ name: 'accounts', label: 'Accounts', color: `${groupColor(color)}.6` }]}
              curveType="monotone"
              connectNulls
              withDots={false}
              gridAxis="x"
              valueFormatter={(value) => formatNumber(value)}
              yAxisProps={{ width: 48 }}
              data-testid="group-members-chart"
            />
          ) : null}
          <BarChart
            h={140}
            data={data}
            dataKey="label"
            type="stacked"
            series={[
              { name: 'entered', label: 'Entered', color: 'teal.6' },
              { name: 'exited', label: 'Left', color: 'red.6' },
            ]}
            barChartProps={{ stackOffset: 'sign' }}
            gridAxis="x"
            valueFormatter={(value) => formatNumber(Math.abs(value))}
            yAxisProps={{ width: 48 }}
            referenceLines={[{ y: 0, color: 'gray.5' }]}
            data-testid="group-moves-chart"
          />
        </Stack>
      )}
    </Paper>
  )
}

function MembersCard({ meta, group }: { meta: FamilyMeta; group: { key: string; slaDays: number | null } }) {
  const [offset, setOffset] = useState(0)
  const [overdueOnly, setOverdueOnly] = useState(false)
  const members = useGroupMembers(meta.family, group.key, { limit: PAGE_SIZE, offset, overdue: overdueOnly })
  const stages = meta.family === 'stage'
  const page = members.data
  const rows = page?.accounts ?? []
  const total = page?.total ?? 0
  const toggleOverdue = (value: boolean) => {
    setOverdueOnly(value)
    setOffset(0)
  }
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="sm">
        <div>
          <Title order={4} fz="md">
            Accounts
          </Title>
          <Text size="xs" c="dimmed" data-testid="group-members-total">
            {page ? `${formatNumber(total)} ${total === 1 ? 'account' : 'accounts'}` : ' '}, longest here first
          </Text>
        </div>
        {stages && group.slaDays !== null ? (
          <Switch label="Overdue only" checked={overdueOnly} onChange={(event) => toggleOverdue(event.currentTarget.checked)} data-testid="members-overdue-only" />
        ) : null}
      </Group>
      {members.isPending ? (
        <TableSkeleton rows={8} columns={6} />
      ) : members.isError ? (
        <ErrorState error={members.error} onRetry={() => void members.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title={overdueOnly ? 'Nobody is overdue' : 'No accounts here'} description={overdueOnly ? 'Every account in this stage is within its SLA.' : 'No account matches this rule right now.'} />
      ) : (
        <>
          <Table.ScrollContainer minWidth={800}>
            <Table striped highlightOnHover data-testid="group-members">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Account</Table.Th>
                  <Table.Th ta="right">ARR</Table.Th>
                  <Table.Th>Plan</Table.Th>
                  <Table.Th>Owner</Table.Th>
                  <Table.Th>Renewal</Table.Th>
                  <Table.Th>Here since</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row) => (
                  <Table.Tr key={row.id} data-testid={`member-${row.id}`}>
                    <Table.Td>
                      <Anchor component={Link} to={`/accounts/${row.id}`} size="sm" fw={500}>
                        {row.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                      {formatMoney(row.arr)}
                    </Table.Td>
                    <Table.Td>{row.plan ?? <Text c="dimmed" size="sm">—</Text>}</Table.Td>
                    <Table.Td>{row.ownerName ?? <Text c="dimmed" size="sm">Unassigned</Text>}</Table.Td>
                    <Table.Td>
                      <RenewalDate date={row.renewalDate} />
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Tooltip label={formatDate(row.enteredAt)} withArrow>
                          <Text size="sm" span>
                            {formatNumber(row.daysInGroup)} {row.daysInGroup === 1 ? 'day' : 'days'}
                          </Text>
                        </Tooltip>
                        {row.overdue ? (
                          <Badge size="xs" color="red" variant="light">
                            overdue
                          </Badge>
                        ) : null}
                        {row.source === 'manual' ? <ManualBadge /> : null}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group justify="space-between" mt="sm">
            <Text size="sm" c="dimmed">
              Showing {formatNumber(offset + 1)}–{formatNumber(offset + rows.length)} of {formatNumber(total)}
            </Text>
            <Group gap={4}>
              <ActionIcon variant="default" aria-label="Previous page" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
                <IconChevronLeft size={16} />
              </ActionIcon>
              <ActionIcon variant="default" aria-label="Next page" disabled={offset + rows.length >= total} onClick={() => setOffset(offset + PAGE_SIZE)} data-testid="members-next">
                <IconChevronRight size={16} />
              </ActionIcon>
            </Group>
          </Group>
        </>
      )}
    </Paper>
  )
}

function Figure({ label, value, testId }: { label: string; value: ReactNode; testId?: string }) {
  return (
    <Paper withBorder p="sm" data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700} lts={0.3}>
        {label}
      </Text>
      <Text component="div" fz="lg" fw={700} mt={2} style={{ fontVariantNumeric: 'tabular-nums' }}>
        {value}
      </Text>
    </Paper>
  )
}

function Figures({ meta, group }: { meta: FamilyMeta; group: ClassificationGroup }) {
  return (
    <SimpleGrid cols={{ base: 2, md: meta.family === 'stage' ? 5 : 3 }} mb="md">
      <Figure label="Accounts" value={formatNumber(group.accounts)} testId="group-figure-accounts" />
      <Figure label="ARR" value={formatMoney(group.arr)} />
      <Figure label="Last 7 days" value={<MovesCell entered={group.entered7d} exited={group.exited7d} justify="flex-start" size="lg" />} />
      {meta.family === 'stage' ? (
        <>
          <Figure label="Overdue" value={group.slaDays === null ? 'no SLA' : `${formatNumber(group.overdue)} of ${formatNumber(group.accounts)}`} />
          <Figure label="Median days in stage" value={group.medianDaysInStage === null ? '—' : `${Math.round(group.medianDaysInStage)} d${group.slaDays === null ? '' : ` (SLA ${group.slaDays} d)`}`} />
        </>
      ) : null}
    </SimpleGrid>
  )
}

export default function GroupDetailPage() {
  const { family: familyPath, key = '' } = useParams()
  const meta = familyByPath(familyPath)
  if (!meta) return <NotFoundPage />
  return <GroupDetail key={`${meta.path}/${key}`} meta={meta} groupKey={key} />
}

function GroupDetail({ meta, groupKey }: { meta: FamilyMeta; groupKey: string }) {
  const session = useSession()
  const list = useClassificationGroups(meta.family)
  const group = list.data?.groups.find((candidate) => candidate.key === groupKey)

  const crumbs = (
    <Breadcrumbs mb="xs" fz="sm">
      <Anchor component={Link} to="/segments" size="sm">
        Segments
      </Anchor>
      <Anchor component={Link} to={meta.path === 'segments' ? '/segments' : `/segments?tab=${meta.path}`} size="sm">
        {meta.label}
      </Anchor>
      <Text size="sm" c="dimmed">
        {group?.name ?? groupKey}
      </Text>
    </Breadcrumbs>
  )

  if (list.isPending) {
    return (
      <>
        {crumbs}
        <Skeleton height={30} width={320} mb="md" />
        <TableSkeleton rows={6} columns={5} />
      </>
    )
  }
  if (list.isError) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />
  if (!group) {
    return (
      <>
        {crumbs}
        <EmptyState
          title={`No ${meta.singular} "${groupKey}"`}
          description="It may have been renamed or removed from the rules."
          action={
            <Button component={Link} to={`/segments?tab=${meta.path}`} size="xs" variant="light">
              All {meta.plural}
            </Button>
          }
        />
      </>
    )
  }

  return (
    <>
      {crumbs}
      <Group justify="space-between" align="flex-start" mb="md" wrap="nowrap">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Group gap="sm">
            <GroupDot color={group.color} size={16} />
            <Title order={2} fz={26} data-testid="group-name">
              {group.name}
            </Title>
            {group.terminal ? (
              <Badge variant="light" color="gray" tt="none">
                terminal
              </Badge>
            ) : null}
          </Group>
          {group.description ? (
            <Text size="sm" c="dimmed">
              {group.description}
            </Text>
          ) : null}
          <Group gap={6} wrap="nowrap">
            <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
              Rule
            </Text>
            <Code data-testid="group-rule" style={{ whiteSpace: 'normal' }}>
              {group.rule ?? '—'}
            </Code>
          </Group>
        </Stack>
        <Group gap="xs" wrap="nowrap">
          <Button
            component={Link}
            to={`/accounts?${meta.family}=${encodeURIComponent(group.key)}`}
            variant="default"
            leftSection={<IconList size={16} />}
            data-testid="group-open-accounts"
          >
            Open in Accounts
          </Button>
          {session.can('config:read') ? (
            <Button component={Link} to={meta.configHref(group.key)} variant="default" leftSection={<IconAdjustmentsHorizontal size={16} />} data-testid="group-edit-rule">
              {session.can('config:write') ? 'Edit rule' : 'View rule'}
            </Button>
          ) : null}
        </Group>
      </Group>
      <WaitingAlert list={list.data} />
      <Figures meta={meta} group={group} />
      <HistoryCard family={meta.family} groupKey={group.key} color={group.color} />
      <MembersCard meta={meta} group={group} />
    </>
  )
}
