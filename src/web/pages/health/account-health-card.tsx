/** Account 360: the health score, its groups and measures (missing inputs shown as missing), and the CSM's sentiment. */
import { useState } from 'react'
import { Alert, Badge, Button, Group, Paper, Progress, SegmentedControl, Stack, Table, Text, Textarea, Title, Tooltip } from '@mantine/core'
import { DateInput } from '@mantine/dates'
import { notifications } from '@mantine/notifications'
import { IconHeartbeat, IconInfoCircle } from '@tabler/icons-react'
import { ApiError, errorMessage } from '../../api/client'
import { useAccountHealth, useAddSentiment, type AccountHealth, type Sentiment } from '../../api/health'
import { useCan } from '../../auth/session'
import { EmptyState, ErrorState, CardSkeleton } from '../../components/query-state'
import { formatDate, formatRelative } from '../../lib/format'
import { BandBadge, bandColors, formatMeasureValue, formatScore, MissingText } from './health-parts'

const sentimentColors: Record<Sentiment, string> = { negative: 'red', neutral: 'gray', positive: 'teal' }
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)

function SentimentForm({ accountId }: { accountId: string }) {
  const add = useAddSentiment(accountId)
  const [sentiment, setSentiment] = useState<Sentiment>('neutral')
  const [comment, setComment] = useState('')
  const [expiresOn, setExpiresOn] = useState<string | null>(inDays(90))
  const fieldError = (field: string) => (add.error instanceof ApiError ? add.error.fieldError(field) : undefined)
  return (
    <Stack gap="xs" data-testid="health-sentiment-form">
      <Group gap="sm" align="flex-end" wrap="wrap">
        <SegmentedControl
          size="xs"
          value={sentiment}
          onChange={(value) => setSentiment(value as Sentiment)}
          data={[
            { value: 'negative', label: 'Negative' },
            { value: 'neutral', label: 'Neutral' },
            { value: 'positive', label: 'Positive' },
          ]}
        />
        <DateInput size="xs" label="Counts until" valueFormat="MMM D, YYYY" value={expiresOn} onChange={setExpiresOn} minDate={inDays(1)} error={fieldError('expiresOn')} w={150} popoverProps={{ withinPortal: true }} />
      </Group>
      <Textarea size="xs" placeholder="Why? (e.g. sponsor left, renewal champion engaged)" value={comment} onChange={(event) => setComment(event.currentTarget.value)} autosize minRows={1} maxRows={4} error={fieldError('comment')} />
      <Group justify="flex-end">
        <Button
          size="xs"
          loading={add.isPending}
          data-testid="health-sentiment-save"
          onClick={() =>
            add.mutate(
              { sentiment, comment: comment.trim() || undefined, expiresOn: expiresOn ?? undefined },
              {
                onSuccess: () => {
                  setComment('')
                  notifications.show({ color: 'teal', message: 'Sentiment recorded; the score is updated.' })
                },
                onError: (error) => notifications.show({ color: 'red', message: errorMessage(error) }),
              },
            )
          }
        >
          Record sentiment
        </Button>
      </Group>
    </Stack>
  )
}

function Groups({ health }: { health: AccountHealth }) {
  return (
    <Table verticalSpacing={6} data-testid="health-measures">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Measure</Table.Th>
          <Table.Th ta="right">Value</Table.Th>
          <Table.Th ta="right">Points</Table.Th>
          <Table.Th ta="right">
            <Tooltip label="Share of the score after missing inputs gave their weight to the others" withArrow>
              <span>Weight</span>
            </Tooltip>
          </Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {health.groups.map((group) => [
          <Table.Tr key={group.key} bg="var(--mantine-color-default-hover)">
            <Table.Td>
              <Text size="sm" fw={700}>
                {group.name}
              </Text>
            </Table.Td>
            <Table.Td />
            <Table.Td ta="right" className="bosun-num">
              {group.missing ? <MissingText /> : <Text fw={700} size="sm">{formatScore(group.points)}</Text>}
            </Table.Td>
            <Table.Td ta="right" className="bosun-num">
              {Math.round(group.effectiveWeight * 100)}%
            </Table.Td>
          </Table.Tr>,
          ...group.measures.map((measure) => (
            <Table.Tr key={measure.key} data-testid={`health-measure-${measure.key}`} data-missing={measure.missing}>
              <Table.Td pl="lg">
                <Tooltip label={measure.description ?? measure.source} withArrow multiline w={260}>
                  <Text size="sm" c={measure.missing ? 'dimmed' : undefined}>
                    {measure.name}
                  </Text>
                </Tooltip>
              </Table.Td>
              <Table.Td ta="right" className="bosun-num">
                {measure.missing ? <MissingText /> : formatMeasureValue(measure, measure.value)}
              </Table.Td>
              <Table.Td ta="right" className="bosun-num">
                {measure.missing ? '—' : formatScore(measure.points)}
              </Table.Td>
              <Table.Td ta="right" className="bosun-num">
                {measure.missing ? '—' : `${Math.round(measure.effectiveWeight * 100)}%`}
              </Table.Td>
            </Table.Tr>
          )),
        ])}
      </Table.Tbody>
    </Table>
  )
}

export function AccountHealthCard({ accountId }: { accountId: string }) {
  const health = useAccountHealth(accountId)
  const canWrite = useCan('customers:write')
  if (health.isError) return <ErrorState error={health.error} title="Could not load the health score" onRetry={() => void health.refetch()} />
  if (!health.data) return <CardSkeleton height={320} />
  const data = health.data
  const current = data.sentiments.find((sentiment) => sentiment.active)
  return (
    <Paper withBorder p="md" data-testid="account-health-card">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <div>
            <Group gap="xs">
              <IconHeartbeat size={18} />
              <Title order={4} fz="md">
                Health
              </Title>
            </Group>
            {data.scorecard ? (
              <Text size="xs" c="dimmed">
                {data.scorecard.name} · v{data.scorecard.version} · {data.computedAt ? `computed ${formatRelative(data.computedAt)}` : ''}
              </Text>
            ) : null}
          </div>
          <Group gap="sm" align="center">
            <Text fz={36} fw={700} lh={1} c={data.band ? bandColors[data.band] : 'dimmed'} data-testid="account-health-score" style={{ fontVariantNumeric: 'tabular-nums' }}>
              {formatScore(data.score)}
            </Text>
            <BandBadge band={data.band} size="md" />
          </Group>
        </Group>
        {data.scorecard === null ? (
          <EmptyState icon={<IconHeartbeat size={24} />} title="No scorecard applies" description="Publish a default scorecard under Configuration → Health scorecards." />
        ) : (
          <>
            {data.score !== null ? (
              <Progress.Root size="sm">
                <Progress.Section value={data.score} color={data.band ? bandColors[data.band] : 'gray'} />
              </Progress.Root>
            ) : (
              <Alert variant="light" color="gray" icon={<IconInfoCircle size={16} />}>
                Every input is missing: there is nothing to score yet.
              </Alert>
            )}
            {data.missing > 0 ? (
              <Text size="xs" c="dimmed" data-testid="account-health-missing">
                {data.missing} {data.missing === 1 ? 'input is' : 'inputs are'} missing; their weight went to the others (never counted as zero).
              </Text>
            ) : null}
            <Groups health={data} />
          </>
        )}
        <Stack gap={6}>
          <Group justify="space-between">
            <Text size="sm" fw={600}>
              CSM sentiment
            </Text>
            {current ? (
              <Badge color={sentimentColors[current.sentiment]} variant="light" data-testid="account-health-sentiment">
                {current.sentiment} until {formatDate(current.expiresOn)}
              </Badge>
            ) : (
              <Text size="xs" c="dimmed">
                none in force
              </Text>
            )}
          </Group>
          {current?.comment ? (
            <Text size="xs" c="dimmed">
              “{current.comment}” — {current.authorName ?? 'API'}, {formatRelative(current.createdAt)}
            </Text>
          ) : null}
          {canWrite ? <SentimentForm accountId={accountId} /> : null}
        </Stack>
      </Stack>
    </Paper>
  )
}
