/** Data quality: the Monday-morning checklist of CS Ops — sources flowing, product data matched, accounts clean. */
import { useState } from 'react'
import { Link } from 'react-router-dom'
import { Button, Grid, Group, HoverCard, Paper, SimpleGrid, Stack, Text, ThemeIcon, Title, Tooltip } from '@mantine/core'
import {
  IconAlertTriangle,
  IconBuildingSkyscraper,
  IconChecklist,
  IconExternalLink,
  IconInfoCircle,
  IconPlugConnected,
  IconRefresh,
  IconShieldCheck,
  IconUsersGroup,
} from '@tabler/icons-react'
import { useDataQualityReport } from '../api/hooks'
import type { DataQualityLine, DataQualityReport } from '../api/types'
import { KpiCard } from '../components/kpi-card'
import { PageHeader } from '../components/page-header'
import { CardSkeleton, EmptyState, ErrorState } from '../components/query-state'
import { formatDateTime, formatNumber, formatRelative } from '../lib/format'
import { Checklist } from './data-quality/check-row'
import { accountListLinks, ExamplesDrawer } from './data-quality/examples-drawer'
import { SourceCard } from './data-quality/source-card'

function SummaryBanner({ report }: { report: DataQualityReport }) {
  const { warnings, checks } = report.summary
  const clean = warnings === 0
  return (
    <Paper withBorder p="md" data-testid="dq-summary" bg={clean ? 'var(--mantine-color-teal-light)' : 'var(--mantine-color-orange-light)'}>
      <Group gap="md" wrap="nowrap">
        <ThemeIcon size={42} radius="xl" color={clean ? 'teal' : 'orange'}>
          {clean ? <IconShieldCheck size={24} /> : <IconAlertTriangle size={24} />}
        </ThemeIcon>
        <div>
          <Text fw={700}>{clean ? `All ${checks} checks pass` : `${warnings} of ${checks} checks need a look`}</Text>
          <Text size="sm" c="dimmed">
            {clean
              ? 'Every source is flowing and every record is where it belongs.'
              : 'Open each orange line’s examples, fix the records at their source, and the line turns green on the next refresh.'}
          </Text>
        </div>
      </Group>
    </Paper>
  )
}

function AnomalyRuleHint({ rule }: { rule: string }) {
  return (
    <HoverCard width={360} shadow="md" withArrow position="bottom-end">
      <HoverCard.Target>
        <Button variant="subtle" size="xs" color="gray" leftSection={<IconInfoCircle size={14} />}>
          How anomalies are found
        </Button>
      </HoverCard.Target>
      <HoverCard.Dropdown>
        <Text size="sm">{rule}</Text>
      </HoverCard.Dropdown>
    </HoverCard>
  )
}

const sum = (lines: DataQualityLine[]) => lines.reduce((total, line) => total + line.count, 0)

export default function DataQualityPage() {
  const report = useDataQualityReport()
  const [selected, setSelected] = useState<DataQualityLine | null>(null)
  const data = report.data
  const loading = report.isPending

  const accountActions = Object.fromEntries(
    Object.entries(accountListLinks).map(([check, to]) => [
      check,
      <Tooltip key={check} label="Open in the accounts list" withArrow>
        <Button component={Link} to={to ?? '/accounts'} size="compact-xs" variant="subtle" color="gray" aria-label="Open in the accounts list">
          <IconExternalLink size={14} />
        </Button>
      </Tooltip>,
    ]),
  )

  return (
    <>
      <PageHeader
        title="Data quality"
        description="The Monday checklist: is every source flowing, and is every record where it belongs?"
        actions={
          <Group gap="sm">
            {data ? (
              <Tooltip label={formatDateTime(data.generatedAt)} withArrow>
                <Text size="xs" c="dimmed">
                  Checked {formatRelative(data.generatedAt)}
                </Text>
              </Tooltip>
            ) : null}
            <Button
              variant="default"
              leftSection={<IconRefresh size={16} />}
              loading={report.isFetching && !loading}
              onClick={() => void report.refetch()}
              data-testid="dq-refresh"
            >
              Check again
            </Button>
          </Group>
        }
      />

      {report.isError ? (
        <ErrorState error={report.error} title="Could not load the data-quality report" onRetry={() => void report.refetch()} />
      ) : (
        <Stack gap="lg">
          {data ? <SummaryBanner report={data} /> : null}

          <SimpleGrid cols={{ base: 1, xs: 2, lg: 4 }} spacing="md">
            <KpiCard
              label="Checks passing"
              value={data ? `${data.summary.checks - data.summary.warnings} / ${data.summary.checks}` : '—'}
              hint="Lines in green below"
              icon={<IconChecklist size={20} />}
              color={data && data.summary.warnings > 0 ? 'orange' : 'teal'}
              loading={loading}
              testId="dq-kpi-checks"
            />
            <KpiCard
              label="Sources"
              value={formatNumber(data?.sources.length)}
              hint={data ? `${data.sources.filter((source) => source.status === 'warn').length} need a look` : undefined}
              icon={<IconPlugConnected size={20} />}
              color="bosun"
              loading={loading}
              testId="dq-kpi-sources"
            />
            <KpiCard
              label="Unmatched events"
              value={formatNumber(data?.unmatched.events.count)}
              hint={data ? `${formatNumber(data.unmatched.users.count)} users, ${formatNumber(data.unmatched.groups.count)} groups without an account` : undefined}
              icon={<IconUsersGroup size={20} />}
              color="grape"
              loading={loading}
              testId="dq-kpi-unmatched"
            />
            <KpiCard
              label="Account issues"
              value={formatNumber(data ? sum(Object.values(data.accounts)) : undefined)}
              hint="Missing owner, renewal date or ARR, duplicates"
              icon={<IconBuildingSkyscraper size={20} />}
              color="orange"
              loading={loading}
              testId="dq-kpi-accounts"
            />
          </SimpleGrid>

          <Grid gap="md">
            <Grid.Col span={{ base: 12, lg: 6 }}>
              {data ? (
                <Checklist
                  title="Product data"
                  description="Events and users matched to accounts, timestamps that make sense"
                  icon={<IconUsersGroup size={20} />}
                  lines={[data.unmatched.users, data.unmatched.groups, data.unmatched.events, data.unmatched.backlog, data.timestamps.future, data.timestamps.ancient]}
                  onShowExamples={setSelected}
                  testId="dq-checklist-product"
                />
              ) : (
                <CardSkeleton height={360} />
              )}
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 6 }}>
              {data ? (
                <Checklist
                  title="Accounts"
                  description="Active accounts with an owner, a renewal date and ARR, once each"
                  icon={<IconBuildingSkyscraper size={20} />}
                  lines={[
                    data.accounts.withoutOwner,
                    data.accounts.inactiveOwner,
                    data.accounts.withoutRenewal,
                    data.accounts.renewalOverdue,
                    data.accounts.withoutArr,
                    data.accounts.duplicates,
                  ]}
                  onShowExamples={setSelected}
                  actions={accountActions}
                  testId="dq-checklist-accounts"
                />
              ) : (
                <CardSkeleton height={360} />
              )}
            </Grid.Col>
          </Grid>

          <Stack gap="sm">
            <Group justify="space-between" align="flex-end">
              <div>
                <Title order={3} fz="lg">
                  Sources
                </Title>
                <Text size="sm" c="dimmed">
                  Where the data comes from, when each last sent, and whether its volume looks normal
                </Text>
              </div>
              {data ? <AnomalyRuleHint rule={data.anomalyRule} /> : null}
            </Group>
            {loading ? (
              <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} spacing="md">
                <CardSkeleton height={320} />
                <CardSkeleton height={320} />
                <CardSkeleton height={320} />
              </SimpleGrid>
            ) : data && data.sources.length > 0 ? (
              <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} spacing="md" data-testid="dq-sources">
                {data.sources.map((source) => (
                  <SourceCard key={source.id} source={source} onShowExamples={setSelected} />
                ))}
              </SimpleGrid>
            ) : (
              <Paper withBorder>
                <EmptyState
                  title="No data sources yet"
                  description="Send product events with an ingest API key, connect Stripe, or import a CSV: each source shows up here."
                />
              </Paper>
            )}
          </Stack>
        </Stack>
      )}

      <ExamplesDrawer line={selected} onClose={() => setSelected(null)} />
    </>
  )
}
