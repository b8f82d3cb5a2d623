/** Accounts: server-side search, filters, sort and cursor pagination; all state in the URL. */
import { useMemo, useState } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router-dom'
import {
  ActionIcon,
  Anchor,
  Badge,
  Box,
  Button,
  Group,
  Loader,
  Paper,
  Select,
  Table,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core'
import { useDebouncedCallback, useDisclosure } from '@mantine/hooks'
import {
  IconChevronLeft,
  IconChevronRight,
  IconFilterOff,
  IconPlus,
  IconSearch,
  IconX,
} from '@tabler/icons-react'
import { useAccountFacets, useAccounts } from '../api/hooks'
import { useClassificationGroups } from '../api/segments'
import { bandColors, bandLabels, formatScore } from './health/health-parts'
import { accountSorts, type AccountQuery, type AccountSort, type AccountStatus } from '../api/types'
import { useSession } from '../auth/session'
import { AccountFormModal } from '../components/account-form-modal'
import { AccountStatusBadge } from '../components/badges'
import { PageHeader } from '../components/page-header'
import { EmptyState, ErrorState, TableSkeleton } from '../components/query-state'
import { RenewalDate } from '../components/renewal-date'
import { SortableTh } from '../components/sortable-th'
import { formatMoney, formatMoneyFull, formatNumber } from '../lib/format'

const PAGE_SIZE = 50

const renewalWindows = [
  { value: '30', label: 'Next 30 days' },
  { value: '60', label: 'Next 60 days' },
  { value: '90', label: 'Next 90 days' },
  { value: '180', label: 'Next 180 days' },
]

const healthOptions = [
  { value: 'red', label: 'At risk' },
  { value: 'yellow', label: 'Watch' },
  { value: 'green', label: 'Healthy' },
  { value: 'unscored', label: 'No score' },
]
type HealthFilter = '' | 'red' | 'yellow' | 'green' | 'unscored'
const healthFilters: HealthFilter[] = ['red', 'yellow', 'green', 'unscored']

/** The classification filters: one select each, over that family's groups. */
const groupFilters = [
  { family: 'segment', label: 'Segment', width: 170 },
  { family: 'tier', label: 'Tier', width: 140 },
  { family: 'stage', label: 'Lifecycle stage', width: 150 },
] as const

const statusOptions = [
  { value: 'active', label: 'Active' },
  { value: 'churned', label: 'Churned' },
]

type Filters = {
  q: string
  ownerId: string
  plan: string
  industry: string
  status: '' | AccountStatus
  renewalWithinDays: string
  segment: string
  tier: string
  stage: string
  healthBand: HealthFilter
  sort: AccountSort
}

type FilterKey = keyof Filters

function readFilters(params: URLSearchParams): Filters {
  const sort = params.get('sort')
  const status = params.get('status')
  const renewal = params.get('renewalWithinDays') ?? ''
  return {
    q: params.get('q') ?? '',
    ownerId: params.get('ownerId') ?? '',
    plan: params.get('plan') ?? '',
    industry: params.get('industry') ?? '',
    status: status === 'active' || status === 'churned' ? status : '',
    renewalWithinDays: /^\d+$/.test(renewal) ? renewal : '',
    segment: params.get('segment') ?? '',
    tier: params.get('tier') ?? '',
    stage: params.get('stage') ?? '',
    healthBand: healthFilters.find((band) => band === params.get('healthBand')) ?? '',
    sort: accountSorts.find((candidate) => candidate === sort) ?? 'name',
  }
}

function toQuery(filters: Filters, cursor: string | undefined): AccountQuery {
  return {
    q: filters.q || undefined,
    ownerId: filters.ownerId || undefined,
    plan: filters.plan || undefined,
    industry: filters.industry || undefined,
    status: filters.status || undefined,
    renewalWithinDays: filters.renewalWithinDays ? Number(filters.renewalWithinDays) : undefined,
    segment: filters.segment || undefined,
    tier: filters.tier || undefined,
    stage: filters.stage || undefined,
    healthBand: filters.healthBand || undefined,
    sort: filters.sort,
    limit: PAGE_SIZE,
    cursor,
  }
}

export default function AccountsPage() {
  const session = useSession()
  const canWrite = session.can('customers:write')
  const navigate = useNavigate()
  const [params, setParams] = useSearchParams()
  const filters = useMemo(() => readFilters(params), [params])
  const facets = useAccountFacets()
  const segments = useClassificationGroups('segment')
  const tiers = useClassificationGroups('tier')
  const stages = useClassificationGroups('stage')
  const groupLists = { segment: segments, tier: tiers, stage: stages }
  const groupOptions = (list: typeof segments) => (list.data?.groups ?? []).map((group) => ({ value: group.key, label: group.name }))
  const tierNames = useMemo(() => new Map((tiers.data?.groups ?? []).map((group) => [group.key, group.name])), [tiers.data])
  const stageNames = useMemo(() => new Map((stages.data?.groups ?? []).map((group) => [group.key, group.name])), [stages.data])
  const [createOpened, createModal] = useDisclosure(false)

  /* ---- search box: local text, debounced into the URL ---- */
  const [search, setSearch] = useState(filters.q)
  const [syncedQ, setSyncedQ] = useState(filters.q)
  if (filters.q !== syncedQ) {
    // The URL changed from outside (back/forward, clear filters): reflect it in the box.
    setSyncedQ(filters.q)
    setSearch(filters.q)
  }

  const setFilter = (key: FilterKey, value: string | null) => {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev)
        if (value && !(key === 'sort' && value === 'name')) next.set(key, value)
        else next.delete(key)
        return next
      },
      { replace: key === 'q' },
    )
  }

  const pushSearch = useDebouncedCallback((value: string) => {
    const next = value.trim()
    if (next === filters.q) return
    setSyncedQ(next)
    setFilter('q', next)
  }, 300)
  const onSearchChange = (value: string) => {
    setSearch(value)
    pushSearch(value)
  }

  /* ---- cursor pagination: a stack of cursors, reset whenever filters change ---- */
  const filterKey = JSON.stringify(filters)
  const [paging, setPaging] = useState<{ key: string; stack: string[] }>({ key: filterKey, stack: [] })
  const stack = paging.key === filterKey ? paging.stack : []
  const cursor = stack.length ? stack[stack.length - 1] : undefined
  const query = useMemo(() => toQuery(filters, cursor), [filters, cursor])
  const accounts = useAccounts(query)
  const page = accounts.data
  const pageIndex = stack.length
  const firstRow = pageIndex * PAGE_SIZE + 1

  const goNext = () => {
    if (page?.nextCursor) setPaging({ key: filterKey, stack: [...stack, page.nextCursor] })
  }
  const goPrev = () => setPaging({ key: filterKey, stack: stack.slice(0, -1) })

  const activeFilterCount = [
    filters.q,
    filters.ownerId,
    filters.plan,
    filters.industry,
    filters.status,
    filters.renewalWithinDays,
    filters.segment,
    filters.tier,
    filters.stage,
    filters.healthBand,
  ].filter(Boolean).length
  const clearFilters = () => {
    pushSearch.cancel()
    setSearch('')
    setParams((prev) => {
      const next = new URLSearchParams()
      const sort = prev.get('sort')
      if (sort) next.set('sort', sort)
      return next
    })
  }

  const ownerOptions = useMemo(
    () => [
      { value: 'none', label: 'Unassigned' },
      ...(facets.data?.owners ?? [])
        .map((owner) => ({ value: owner.id, label: owner.name }))
        .sort((a, b) => a.label.localeCompare(b.label)),
    ],
    [facets.data],
  )

  const showingPlaceholder = accounts.isPlaceholderData
  const rows = page?.items ?? []

  return (
    <>
      <PageHeader
        title="Accounts"
        description={
          page ? (
            <span data-testid="accounts-total">
              {formatNumber(page.total)}
              {page.totalCapped ? '+' : ''} {page.total === 1 ? 'account' : 'accounts'}
              {activeFilterCount > 0 ? ' match the current filters' : ' in this workspace'}
            </span>
          ) : (
            'Every customer in the workspace'
          )
        }
        actions={
          canWrite ? (
            <Button leftSection={<IconPlus size={16} />} onClick={createModal.open} data-testid="new-account-button">
              New account
            </Button>
          ) : (
            <Badge variant="outline" color="gray">
              Read-only
            </Badge>
          )
        }
      />

      <Paper withBorder p="sm" mb="md">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TextInput
            placeholder="Search by name or domain…"
            aria-label="Search accounts"
            name="q"
            type="search"
            leftSection={<IconSearch size={16} />}
            rightSection={
              accounts.isFetching && search ? (
                <Loader size={14} />
              ) : search ? (
                <ActionIcon variant="subtle" color="gray" size="sm" onClick={() => onSearchChange('')} aria-label="Clear search">
                  <IconX size={14} />
                </ActionIcon>
              ) : null
            }
            value={search}
            onChange={(event) => onSearchChange(event.currentTarget.value)}
            style={{ flex: '1 1 220px' }}
            data-testid="account-search"
          />
          <Select
            placeholder="Any owner"
            aria-label="Owner"
            data={ownerOptions}
            value={filters.ownerId || null}
            onChange={(value) => setFilter('ownerId', value)}
            searchable
            clearable
            w={160}
            data-testid="filter-owner"
          />
          <Select
            placeholder="Any plan"
            aria-label="Plan"
            data={facets.data?.plans ?? []}
            value={filters.plan || null}
            onChange={(value) => setFilter('plan', value)}
            clearable
            w={130}
            data-testid="filter-plan"
          />
          <Select
            placeholder="Any status"
            aria-label="Status"
            data={statusOptions}
            value={filters.status || null}
            onChange={(value) => setFilter('status', value)}
            clearable
            w={125}
            data-testid="filter-status"
          />
          <Select
            placeholder="Any renewal date"
            aria-label="Renewal window"
            data={renewalWindows}
            value={filters.renewalWithinDays || null}
            onChange={(value) => setFilter('renewalWithinDays', value)}
            clearable
            w={155}
            data-testid="filter-renewal"
          />
          <Select
            placeholder="Any industry"
            aria-label="Industry"
            data={facets.data?.industries ?? []}
            value={filters.industry || null}
            onChange={(value) => setFilter('industry', value)}
            searchable
            clearable
            w={150}
            data-testid="filter-industry"
          />
          <Select
            placeholder="Any health"
            aria-label="Health"
            data={healthOptions}
            value={filters.healthBand || null}
            onChange={(value) => setFilter('healthBand', value)}
            clearable
            w={130}
            data-testid="filter-health"
          />
          {groupFilters.map(({ family, label, width }) => (
            <Select
              key={family}
              placeholder={`Any ${family}`}
              aria-label={label}
              data={groupOptions(groupLists[family])}
              value={filters[family] || null}
              onChange={(value) => setFilter(family, value)}
              searchable
              clearable
              w={width}
              data-testid={`filter-${family}`}
            />
          ))}
          {activeFilterCount > 0 ? (
            <Button variant="subtle" color="gray" leftSection={<IconFilterOff size={16} />} onClick={clearFilters}>
              Clear ({activeFilterCount})
            </Button>
          ) : null}
        </Group>
      </Paper>

      {accounts.isError ? (
        <ErrorState error={accounts.error} title="Could not load accounts" onRetry={() => void accounts.refetch()} />
      ) : (
        <Paper withBorder>
          {accounts.isPending ? (
            <TableSkeleton rows={12} columns={9} />
          ) : rows.length === 0 ? (
            <EmptyState
              title={activeFilterCount > 0 ? 'No accounts match' : 'No accounts yet'}
              description={
                activeFilterCount > 0
                  ? 'Try a different search or loosen the filters.'
                  : 'Import accounts from your CRM or billing system, or create one by hand.'
              }
              action={
                activeFilterCount > 0 ? (
                  <Button variant="light" onClick={clearFilters}>
                    Clear filters
                  </Button>
                ) : canWrite ? (
                  <Button onClick={createModal.open}>New account</Button>
                ) : null
              }
            />
          ) : (
            <Table.ScrollContainer minWidth={1200} maxHeight="calc(100vh - 300px)" type="native">
              <Table
                striped
                highlightOnHover
                stickyHeader
                style={{ opacity: showingPlaceholder ? 0.6 : 1, transition: 'opacity 120ms' }}
                data-testid="accounts-table"
              >
                <Table.Thead>
                  <Table.Tr>
                    <SortableTh field="name" sort={filters.sort} onSort={(next) => setFilter('sort', next)}>
                      Account
                    </SortableTh>
                    <Table.Th>Health</Table.Th>
                    <Table.Th>Owner</Table.Th>
                    <Table.Th>Tier · stage</Table.Th>
                    <Table.Th>Plan</Table.Th>
                    <SortableTh field="arr" sort={filters.sort} onSort={(next) => setFilter('sort', next)} align="right">
                      ARR
                    </SortableTh>
                    <SortableTh field="renewal_date" sort={filters.sort} onSort={(next) => setFilter('sort', next)}>
                      Renewal
                    </SortableTh>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Country</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((account) => (
                    <Table.Tr
                      key={account.id}
                      className="bosun-clickable-row"
                      onClick={(event) => {
                        if (event.metaKey || event.ctrlKey) window.open(`/accounts/${account.id}`, '_blank')
                        else navigate(`/accounts/${account.id}`)
                      }}
                      data-testid="account-row"
                      data-account-id={account.id}
                    >
                      <Table.Td maw={320}>
                        <Anchor
                          component={Link}
                          to={`/accounts/${account.id}`}
                          fw={600}
                          size="sm"
                          onClick={(event) => event.stopPropagation()}
                          lineClamp={1}
                          data-testid="account-row-name"
                        >
                          {account.name}
                        </Anchor>
                        <Text size="xs" c="dimmed" lineClamp={1}>
                          {account.domain ?? account.externalId}
                        </Text>
                      </Table.Td>
                      <Table.Td data-testid="account-row-health">
                        {account.healthBand ? (
                          <Tooltip label={bandLabels[account.healthBand]} withArrow>
                            <Group gap={6} wrap="nowrap" data-band={account.healthBand}>
                              <Box w={10} h={10} style={{ borderRadius: '50%', flex: 'none', background: `var(--mantine-color-${bandColors[account.healthBand]}-6)` }} />
                              <Text size="sm" fw={600} className="bosun-num">
                                {formatScore(account.healthScore)}
                              </Text>
                            </Group>
                          </Tooltip>
                        ) : (
                          <Text size="sm" c="dimmed">
                            —
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c={account.ownerName ? undefined : 'dimmed'} className="bosun-nowrap">
                          {account.ownerName ?? 'Unassigned'}
                        </Text>
                      </Table.Td>
                      <Table.Td data-testid="account-row-tier-stage">
                        <Text size="sm" className="bosun-nowrap" c={account.tier || account.stage ? undefined : 'dimmed'}>
                          {[account.tier ? (tierNames.get(account.tier) ?? account.tier) : null, account.stage ? (stageNames.get(account.stage) ?? account.stage) : null]
                            .filter(Boolean)
                            .join(' · ') || '—'}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        {account.plan ? (
                          <Badge variant="default" size="sm" radius="sm" tt="none" fw={500}>
                            {account.plan}
                          </Badge>
                        ) : (
                          <Text size="sm" c="dimmed">
                            —
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td className="bosun-num" fw={600} title={formatMoneyFull(account.arr, account.currency)}>
                        {formatMoney(account.arr, account.currency)}
                      </Table.Td>
                      <Table.Td>
                        <RenewalDate date={account.status === 'churned' ? null : account.renewalDate} />
                      </Table.Td>
                      <Table.Td>
                        <AccountStatusBadge status={account.status} />
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" className="bosun-nowrap">
                          {account.country ?? '—'}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}

          {page && rows.length > 0 ? (
            <Group justify="space-between" px="md" py="xs" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
              <Text size="sm" c="dimmed" data-testid="accounts-range">
                Showing {formatNumber(firstRow)}–{formatNumber(firstRow + rows.length - 1)} of {formatNumber(page.total)}
                {page.totalCapped ? '+' : ''}
              </Text>
              <Group gap="xs">
                {accounts.isFetching ? <Loader size={14} /> : null}
                <Tooltip label="Previous page" withArrow disabled={pageIndex === 0}>
                  <Button
                    variant="default"
                    size="xs"
                    leftSection={<IconChevronLeft size={14} />}
                    onClick={goPrev}
                    disabled={pageIndex === 0 || showingPlaceholder}
                    data-testid="accounts-prev"
                  >
                    Prev
                  </Button>
                </Tooltip>
                <Text size="sm" fw={500} miw={56} ta="center">
                  Page {pageIndex + 1}
                  {page.total ? ` / ${formatNumber(Math.max(1, Math.ceil(page.total / PAGE_SIZE)))}${page.totalCapped ? '+' : ''}` : ''}
                </Text>
                <Button
                  variant="default"
                  size="xs"
                  rightSection={<IconChevronRight size={14} />}
                  onClick={goNext}
                  disabled={!page.nextCursor || showingPlaceholder}
                  data-testid="accounts-next"
                >
                  Next
                </Button>
              </Group>
            </Group>
          ) : null}
        </Paper>
      )}

      {canWrite ? (
        <AccountFormModal
          opened={createOpened}
          onClose={createModal.close}
          onSaved={(account) => navigate(`/accounts/${account.id}`)}
        />
      ) : null}
    </>
  )
}
