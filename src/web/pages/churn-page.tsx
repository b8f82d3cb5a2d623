/** Churn risk: the current model's card (holdout metrics, calibration, vs the health score), retraining, and the riskiest accounts. */
import { useState } from 'react'
import { Link } from 'react-router-dom'
import { Alert, Anchor, Badge, Button, Group, Pagination, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconAlertTriangle, IconChartDots, IconFlame, IconRefresh, IconScale, IconTarget, IconTimeline } from '@tabler/icons-react'
import { errorMessage } from '../api/client'
import { useChurnModels, useChurnRisk, useRetrainChurn, type ChurnModelCard } from '../api/churn'
import { useCan } from '../auth/session'
import { KpiCard } from '../components/kpi-card'
import { PageHeader } from '../components/page-header'
import { CardSkeleton, EmptyState, ErrorState, TableSkeleton } from '../components/query-state'
import { formatDate, formatDateTime, formatMoney, formatNumber } from '../lib/format'
import { CalibrationChart, DriverList, modelKindLabels, ProbabilityBadge, targetText } from './churn/churn-parts'

const PAGE = 25
const metric = (value: number | null | undefined, digits = 3) => (value === null || value === undefined ? '—' : value.toFixed(digits))

function ModelCard({ model }: { model: ChurnModelCard }) {
  const m = model.metrics
  return (
    <Paper withBorder p="md" data-testid="churn-model-card">
      <Group justify="space-between" mb="sm" wrap="wrap">
        <div>
          <Title order={3} fz="lg">
            {modelKindLabels[model.kind ?? ''] ?? model.kind}
          </Title>
          <Text size="xs" c="dimmed">
            Trained {formatDateTime(model.trainedAt)} ({model.trigger === 'schedule' ? 'weekly schedule' : 'on demand'}) in {metric(model.seconds, 1)} s ·{' '}
            <span data-testid="churn-target">predicts {targetText(model.target)}</span> · {formatNumber(model.accountsScored)} accounts scored
          </Text>
        </div>
      </Group>
      <SimpleGrid cols={{ base: 2, md: 4 }} mb="md">
        <KpiCard label="Holdout ROC AUC" value={metric(m?.auc)} icon={<IconTarget size={18} />} testId="churn-auc" />
        <KpiCard label="Holdout PR AUC" icon={<IconChartDots size={18} />} value={metric(m?.prAuc)} hint={m?.positiveRate != null ? `base rate ${(m.positiveRate * 100).toFixed(1)} %` : undefined} />
        <KpiCard label="Brier score" icon={<IconScale size={18} />} value={metric(m?.brier, 4)} hint="lower is better" />
        <KpiCard label="Cross-validated AUC" icon={<IconTimeline size={18} />} value={metric(model.cvAuc)} hint="on the training rows" />
      </SimpleGrid>
      <Paper withBorder p="sm" mb="md" data-testid="churn-vs-health">
        <Text size="sm" fw={600}>
          Model vs the default scorecard
        </Text>
        {m?.health ? (
          <Text size="sm">
            On the {formatNumber(m.health.rows)} holdout rows with a health score: model AUC <b>{m.health.modelAuc.toFixed(3)}</b> vs health score AUC <b>{m.health.healthAuc.toFixed(3)}</b>{' '}
            <Badge color={m.health.modelAuc > m.health.healthAuc ? 'teal' : 'red'} variant="light" size="sm">
              {m.health.modelAuc > m.health.healthAuc ? 'model better' : 'scorecard better'}
            </Badge>
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            Health score AUC: {m?.healthNote ?? 'n/a'}
          </Text>
        )}
      </Paper>
      <Group align="flex-start" gap="xl" wrap="wrap">
        <div>
          <Text size="sm" fw={600} mb={4}>
            Calibration on the holdout
          </Text>
          <CalibrationChart bins={model.calibration} />
        </div>
        <Stack gap={4} style={{ flex: 1, minWidth: 260 }}>
          <Text size="sm" fw={600}>
            Data
          </Text>
          <Text size="xs">
            Training: {formatNumber(model.rowsTrain)} account-days ({formatNumber(model.positivesTrain)} churned), {formatDate(model.trainFrom)} – {formatDate(model.trainTo)}
          </Text>
          <Text size="xs">
            Holdout: {formatNumber(model.rowsHoldout)} account-days ({formatNumber(model.positivesHoldout)} churned), {formatDate(model.holdoutFrom)} – {formatDate(model.holdoutTo)}
          </Text>
          {model.target.kind === 'before_next_renewal' && model.target.examples && (
            <Text size="xs">
              Label windows: {formatNumber(model.target.examples.renewal)} account-days up to their next renewal, {formatNumber(model.target.examples.fallback)} by the {model.target.fallbackDays}-day
              fallback (no renewal date)
              {model.target.scored ? `; scored now: ${formatNumber(model.target.scored.renewal)} against a renewal date, ${formatNumber(model.target.scored.fallback)} on the fallback` : ''}
            </Text>
          )}
          <Text size="sm" fw={600} mt="xs">
            Candidates (cross-validated AUC)
          </Text>
          {model.candidates.map((candidate) => (
            <Text size="xs" key={candidate.kind}>
              {modelKindLabels[candidate.kind] ?? candidate.kind}: {candidate.cvAuc.toFixed(3)} — {candidate.detail}
            </Text>
          ))}
          <Text size="sm" fw={600} mt="xs">
            Features ({model.features.length})
          </Text>
          <Group gap={4}>
            {model.features.map((feature) => (
              <Badge key={feature.key} variant="outline" size="xs" color="gray">
                {feature.label}
              </Badge>
            ))}
          </Group>
        </Stack>
      </Group>
    </Paper>
  )
}

function RiskTable() {
  const [page, setPage] = useState(1)
  const risk = useChurnRisk(PAGE, (page - 1) * PAGE)
  if (risk.isPending) return <TableSkeleton rows={8} columns={5} />
  if (risk.isError) return <ErrorState error={risk.error} onRetry={() => void risk.refetch()} />
  if (risk.data.items.length === 0) return <EmptyState title="No scored accounts" description="Train a model to score the active accounts." />
  return (
    <Paper withBorder p="md" data-testid="churn-risk-table">
      <Title order={4} fz="md" mb="xs">
        Highest churn risk
      </Title>
      <Table verticalSpacing={6} highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Account</Table.Th>
            <Table.Th ta="right">{risk.data.model?.target.kind === 'within_days' ? `Churn within ${risk.data.model.target.days} days` : 'Churn before renewal'}</Table.Th>
            <Table.Th ta="right">ARR</Table.Th>
            <Table.Th>Renewal</Table.Th>
            <Table.Th>Top drivers</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {risk.data.items.map((item) => (
            <Table.Tr key={item.accountId} data-testid="churn-risk-row">
              <Table.Td>
                <Anchor component={Link} to={`/accounts/${item.accountId}`} size="sm" fw={600}>
                  {item.name}
                </Anchor>
                <Text size="xs" c="dimmed">
                  {item.ownerName ?? 'Unassigned'}
                </Text>
              </Table.Td>
              <Table.Td ta="right">
                <ProbabilityBadge probability={item.probability} />
              </Table.Td>
              <Table.Td ta="right" className="bosun-num">
                {formatMoney(item.arr)}
              </Table.Td>
              <Table.Td>{formatDate(item.renewalDate)}</Table.Td>
              <Table.Td>
                <DriverList drivers={item.drivers.slice(0, 3)} compact />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {risk.data.total > PAGE && (
        <Group justify="center" mt="sm">
          <Pagination total={Math.ceil(risk.data.total / PAGE)} value={page} onChange={setPage} size="sm" />
        </Group>
      )}
    </Paper>
  )
}

export default function ChurnPage() {
  const models = useChurnModels()
  const retrain = useRetrainChurn()
  const canRetrain = useCan('config:write')
  const latest = models.data?.items[0]
  const current = models.data?.items.find((model) => model.status === 'ready')
  const training = latest?.status === 'training'
  return (
    <Stack gap="md">
      <PageHeader
        title="Churn risk"
        description="A model trained on this workspace's own history: each active account's probability of churning before its next renewal, and why."
        actions={
          canRetrain && (
            <Button
              leftSection={<IconRefresh size={16} />}
              loading={retrain.isPending || training}
              onClick={() =>
                retrain.mutate(undefined, {
                  onError: (error) => notifications.show({ color: 'red', title: 'Could not start training', message: errorMessage(error) }),
                })
              }
              data-testid="churn-retrain"
            >
              {training ? 'Training…' : 'Retrain'}
            </Button>
          )
        }
      />
      {models.isPending && <CardSkeleton height={320} />}
      {models.isError && <ErrorState error={models.error} onRetry={() => void models.refetch()} />}
      {latest?.status === 'failed' && (
        <Alert color="red" icon={<IconAlertTriangle size={16} />} title="The last training failed" data-testid="churn-training-failed">
          {latest.error} ({formatDateTime(latest.trainedAt)})
        </Alert>
      )}
      {models.data && !current && !training && latest?.status !== 'failed' && (
        <EmptyState icon={<IconFlame size={28} />} title="No churn model yet" description="It trains weekly on its own; an admin can train one now with Retrain." />
      )}
      {training && (
        <Alert color="blue" title="Training a new model" data-testid="churn-training">
          The model is learning from the workspace history; the current scores stay until it finishes.
        </Alert>
      )}
      {current && <ModelCard model={current} />}
      {current && <RiskTable />}
    </Stack>
  )
}
