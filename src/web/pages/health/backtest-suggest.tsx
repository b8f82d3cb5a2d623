/** "Suggest weights": a logistic regression on the measures, AUC before and after, and saving the weights as a draft. */
import { Link } from 'react-router-dom'
import { Alert, Anchor, Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core'
import { IconCheck, IconWand } from '@tabler/icons-react'
import { errorMessage } from '../../api/client'
import { useAcceptWeights, useSuggestWeights, type BacktestParams } from '../../api/health'
import { useCan } from '../../auth/session'
import { formatAuc } from './backtest-parts'

export function BacktestSuggest({ params, disabled }: { params: BacktestParams & { scorecard: string }; disabled: boolean }) {
  const suggest = useSuggestWeights()
  const accept = useAcceptWeights()
  const canWrite = useCan('config:write')
  const result = suggest.data
  const changed = result?.weights ? result.measures.filter((measure) => Math.abs(measure.after - measure.before) >= 0.1 || measure.flag) : []

  return (
    <Paper withBorder p="md" data-testid="backtest-suggest">
      <Group justify="space-between" mb="xs">
        <Title order={4} fz="md">
          Suggested weights
        </Title>
        <Button
          size="xs"
          variant="light"
          leftSection={<IconWand size={16} />}
          loading={suggest.isPending}
          disabled={disabled}
          onClick={() => {
            accept.reset()
            suggest.mutate(params)
          }}
          data-testid="backtest-suggest-button"
        >
          Suggest weights
        </Button>
      </Group>
      {!result && !suggest.isError ? (
        <Text size="sm" c="dimmed">
          Fits a regularized logistic regression of churn on the measures and turns it into weights (measures that point the wrong way get none).
        </Text>
      ) : null}
      {suggest.isError ? (
        <Alert color="red" variant="light">
          {errorMessage(suggest.error)}
        </Alert>
      ) : null}
      {result && !result.enough ? (
        <Alert color="yellow" variant="light" data-testid="backtest-suggest-missing">
          Not enough history to suggest weights: {result.missing}
        </Alert>
      ) : null}
      {result?.weights ? (
        <Stack gap="sm">
          <Text size="sm" data-testid="backtest-suggest-auc">
            AUC <b>{formatAuc(result.aucBefore)}</b> with today’s weights → <b>{formatAuc(result.aucAfter)}</b> with the suggested ones ({result.validation}).
          </Text>
          <Table verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Measure</Table.Th>
                <Table.Th ta="right">Share now</Table.Th>
                <Table.Th ta="right">Suggested</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(changed.length > 0 ? changed : result.measures).map((measure) => (
                <Table.Tr key={measure.key} data-testid="backtest-suggest-row">
                  <Table.Td>{measure.name}</Table.Td>
                  <Table.Td ta="right">{measure.before.toFixed(1)}%</Table.Td>
                  <Table.Td ta="right" fw={600} c={measure.after > measure.before ? 'teal' : measure.after < measure.before ? 'red' : undefined}>
                    {measure.after.toFixed(1)}%
                  </Table.Td>
                  <Table.Td>
                    {measure.flag ? (
                      <Badge size="xs" color={measure.flag === 'wrong direction' ? 'orange' : 'gray'} variant="light">
                        {measure.flag}
                      </Badge>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {accept.data ? (
            <Alert color="teal" variant="light" icon={<IconCheck size={18} />} data-testid="backtest-accepted">
              Saved as draft version {accept.data.version}.{' '}
              <Anchor component={Link} to={accept.data.url}>
                Review and publish it in Configuration
              </Anchor>
            </Alert>
          ) : canWrite ? (
            <Group>
              <Button
                size="xs"
                loading={accept.isPending}
                onClick={() => accept.mutate({ scorecard: result.scorecard.key, version: result.scorecard.version, weights: result.weights!, comment: `Weights suggested by the backtest at ${result.at} (+${result.horizonDays} days): AUC ${formatAuc(result.aucBefore)} → ${formatAuc(result.aucAfter)}` })}
                data-testid="backtest-accept"
              >
                Save as draft
              </Button>
              {accept.isError ? (
                <Text size="sm" c="red">
                  {errorMessage(accept.error)}
                </Text>
              ) : null}
            </Group>
          ) : (
            <Text size="xs" c="dimmed">
              Saving the weights as a draft needs the configuration permission.
            </Text>
          )}
        </Stack>
      ) : null}
    </Paper>
  )
}
