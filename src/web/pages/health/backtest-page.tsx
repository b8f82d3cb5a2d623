/**
 * Backtest of a scorecard: the scores accounts had at a day T against who churned in the following
 * days — AUC, churn and ARR lost per band, each measure's signal, calibration — and suggested weights.
 */
import { useState } from 'react'
import { Link } from 'react-router-dom'
import { Alert, Anchor, Button, Group, NumberInput, Paper, Progress, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core'
import { DateInput } from '@mantine/dates'
import { IconAlertTriangle, IconArrowLeft, IconChartLine, IconTarget, IconUsers, IconUserX } from '@tabler/icons-react'
import { useConfigDocuments, useConfigVersions } from '../../api/config'
import { useHealthBacktest, type HealthBacktest } from '../../api/health'
import { KpiCard } from '../../components/kpi-card'
import { PageHeader } from '../../components/page-header'
import { CardSkeleton, EmptyState, ErrorState } from '../../components/query-state'
import { formatDate, formatMoney, formatNumber } from '../../lib/format'
import { DirectionBadge, aucWords, formatAuc, formatRate } from './backtest-parts'
import { BacktestSuggest } from './backtest-suggest'
import { BandBadge } from './health-parts'

function VersionSelect({ scorecard, value, onChange }: { scorecard: string; value: number | undefined; onChange: (version: number | undefined) => void }) {
  const versions = useConfigVersions('scorecard', scorecard)
  const data = [{ value: '', label: 'Published' }, ...(versions.data?.items ?? []).filter((item) => item.status !== 'archived').map((item) => ({ value: String(item.version), label: `v${item.version} · ${item.status}` }))]
  return <Select label="Version" size="xs" w={150} data={data} value={value ? String(value) : ''} onChange={(next) => onChange(next ? Number(next) : undefined)} allowDeselect={false} data-testid="backtest-version" />
}

/** "Accounts in red churned 4× as often as green", or why it cannot be said. */
function headline(result: HealthBacktest): string {
  const red = result.bands.find((band) => band.band === 'red')
  const green = result.bands.find((band) => band.band === 'green')
  if (result.redVsGreen !== null) return `Accounts in red churned ${result.redVsGreen.toFixed(1)}× as often as green (${formatRate(red?.churnRate)} against ${formatRate(green?.churnRate)}).`
  if (red && green && red.churned > 0 && green.churned === 0 && green.accounts > 0) return `Accounts in red churned ${formatRate(red.churnRate)} of the time; none in green churned.`
  return 'Too few accounts in red or green to compare their churn.'
}

function Results({ result }: { result: HealthBacktest }) {
  const maxRate = Math.max(0.0001, ...result.calibration.map((row) => row.churnRate))
  return (
    <Stack gap="md">
      {!result.enough ? (
        <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} title="Not enough history for a trustworthy answer" data-testid="backtest-missing">
          {result.missing}
        </Alert>
      ) : null}
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <KpiCard label="AUC" value={formatAuc(result.auc)} hint={aucWords(result.auc)} icon={<IconTarget size={20} />} color="grape" testId="backtest-auc" />
        <KpiCard label="Accounts at T" value={formatNumber(result.accounts)} hint={result.snapshotDay ? `snapshots of ${formatDate(result.snapshotDay)}` : 'no snapshots'} icon={<IconUsers size={20} />} />
        <KpiCard label="Churned" value={formatNumber(result.churned)} hint={`${formatRate(result.churnRate)} by ${formatDate(result.horizonEnd)}`} icon={<IconUserX size={20} />} color="red" />
        <KpiCard label="ARR lost" value={formatMoney(result.bands.reduce((sum, band) => sum + band.arrLost, 0))} hint={`within ${result.horizonDays} days`} icon={<IconChartLine size={20} />} color="orange" />
      </SimpleGrid>
      {result.accounts > 0 ? (
        <Text size="sm" data-testid="backtest-headline">
          {headline(result)} An AUC of {formatAuc(result.auc)} means a churned account scored lower than a retained one {result.auc !== null ? `${Math.round(result.auc * 100)}%` : '—'} of the time (50% is a coin toss).
        </Text>
      ) : null}
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Paper withBorder p="md">
          <Title order={4} fz="md" mb="xs">
            By band at T
          </Title>
          <Table verticalSpacing={4} data-testid="backtest-bands">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Band</Table.Th>
                <Table.Th ta="right">Accounts</Table.Th>
                <Table.Th ta="right">Churned</Table.Th>
                <Table.Th ta="right">Churn rate</Table.Th>
                <Table.Th ta="right">Contracted</Table.Th>
                <Table.Th ta="right">ARR lost</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {result.bands.map((band) => (
                <Table.Tr key={band.band}>
                  <Table.Td>
                    <BandBadge band={band.band} />
                  </Table.Td>
                  <Table.Td ta="right">{formatNumber(band.accounts)}</Table.Td>
                  <Table.Td ta="right">{formatNumber(band.churned)}</Table.Td>
                  <Table.Td ta="right" fw={600}>
                    {formatRate(band.churnRate)}
                  </Table.Td>
                  <Table.Td ta="right">{formatNumber(band.contracted)}</Table.Td>
                  <Table.Td ta="right">{formatMoney(band.arrLost)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
        <Paper withBorder p="md">
          <Title order={4} fz="md" mb="xs">
            Calibration: churn by score decile
          </Title>
          <Table verticalSpacing={2} data-testid="backtest-calibration">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Scores</Table.Th>
                <Table.Th ta="right">Accounts</Table.Th>
                <Table.Th w="45%">Churned</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {result.calibration.map((row) => (
                <Table.Tr key={row.decile}>
                  <Table.Td>
                    {Math.round(row.fromScore)}–{Math.round(row.toScore)}
                  </Table.Td>
                  <Table.Td ta="right">{formatNumber(row.accounts)}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Progress value={(row.churnRate / maxRate) * 100} color="red" size="sm" style={{ flex: 1 }} />
                      <Text size="xs" w={44} ta="right">
                        {formatRate(row.churnRate)}
                      </Text>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      </SimpleGrid>
      <Paper withBorder p="md">
        <Title order={4} fz="md" mb="xs">
          Each measure on its own
        </Title>
        <Table verticalSpacing={4} data-testid="backtest-measures">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Measure</Table.Th>
              <Table.Th ta="right">AUC</Table.Th>
              <Table.Th>What the data shows</Table.Th>
              <Table.Th ta="right">Missing</Table.Th>
              <Table.Th ta="right">Missing among churned</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {result.measures.map((measure) => (
              <Table.Tr key={measure.key} data-testid="backtest-measure-row">
                <Table.Td>{measure.name}</Table.Td>
                <Table.Td ta="right" fw={600}>
                  {formatAuc(measure.auc)}
                </Table.Td>
                <Table.Td>{measure.accounts > 0 ? <DirectionBadge measure={measure} /> : <Text size="xs" c="dimmed">missing at T</Text>}</Table.Td>
                <Table.Td ta="right">{formatRate(measure.missingShare)}</Table.Td>
                <Table.Td ta="right" c={measure.missingShareChurned !== null && measure.missingShareChurned - measure.missingShare > 0.3 ? 'orange' : undefined}>
                  {formatRate(measure.missingShareChurned)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
    </Stack>
  )
}

export default function BacktestPage() {
  const scorecards = useConfigDocuments('scorecard', false)
  const [scorecard, setScorecard] = useState<string | null>(null)
  const [version, setVersion] = useState<number | undefined>(undefined)
  const [at, setAt] = useState<string | null>(null)
  const [horizonDays, setHorizonDays] = useState<number | undefined>(undefined)
  const params = { scorecard: scorecard ?? undefined, version, at: at ?? undefined, horizonDays }
  const backtest = useHealthBacktest(params)
  const result = backtest.data
  const key = scorecard ?? result?.scorecard.key ?? null

  return (
    <>
      <PageHeader
        title="Health backtest"
        description="Did the score see churn coming? Scores at a past day against who churned in the days after."
        actions={
          <Button component={Link} to="/health" variant="subtle" size="xs" leftSection={<IconArrowLeft size={16} />}>
            Health
          </Button>
        }
      />
      <Group align="flex-end" mb="md" gap="sm" wrap="wrap">
        <Select
          label="Scorecard"
          size="xs"
          w={220}
          data={(scorecards.data?.items ?? []).map((item) => ({ value: item.key, label: item.name ?? item.key }))}
          value={key}
          onChange={(next) => {
            setScorecard(next)
            setVersion(undefined)
          }}
          allowDeselect={false}
          data-testid="backtest-scorecard"
        />
        {key ? <VersionSelect scorecard={key} value={version} onChange={setVersion} /> : null}
        <DateInput label="Scores as of (T)" size="xs" w={160} valueFormat="MMM D, YYYY" value={at ?? result?.at ?? null} onChange={(value) => setAt(value)} maxDate={new Date()} data-testid="backtest-at" />
        <NumberInput label="Horizon (days)" size="xs" w={120} min={7} max={730} value={horizonDays ?? result?.horizonDays ?? ''} onChange={(value) => setHorizonDays(typeof value === 'number' && value >= 7 ? value : undefined)} data-testid="backtest-horizon" />
        {at || horizonDays ? (
          <Button
            size="xs"
            variant="subtle"
            onClick={() => {
              setAt(null)
              setHorizonDays(undefined)
            }}
          >
            Defaults
          </Button>
        ) : null}
      </Group>
      {result ? (
        <Text size="xs" c="dimmed" mb="sm">
          Scores of {result.scorecard.name} v{result.scorecard.version} ({result.scorecard.status}) on {formatDate(result.at)}, churn up to {formatDate(result.horizonEnd)}.{' '}
          <Anchor component={Link} to={`/configuration/scorecard/${encodeURIComponent(result.scorecard.key)}`} size="xs">
            Open the scorecard
          </Anchor>
        </Text>
      ) : null}
      {backtest.isError ? (
        <ErrorState error={backtest.error} title="Could not run the backtest" onRetry={() => void backtest.refetch()} />
      ) : !result ? (
        <CardSkeleton height={260} />
      ) : result.accounts === 0 && !result.missing ? (
        <EmptyState title="Nothing to backtest" />
      ) : (
        <Stack gap="md">
          <Results result={result} />
          <BacktestSuggest params={{ ...params, scorecard: result.scorecard.key, version: result.scorecard.version, at: result.at, horizonDays: result.horizonDays }} disabled={!result.enough} />
        </Stack>
      )}
    </>
  )
}
