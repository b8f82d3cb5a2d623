/** The customer's read-only view of a shared success plan (/shared/plans/:token): no login, no app chrome. */
import { useEffect } from 'react'
import { useParams } from 'react-router-dom'
import { Badge, Box, Center, Container, Group, Loader, Paper, RingProgress, Stack, Text, ThemeIcon, Title } from '@mantine/core'
import { IconCircle, IconCircleCheckFilled, IconLinkOff } from '@tabler/icons-react'
import { isApiError } from '../../api/client'
import { useSharedPlan, type SharedPlan } from '../../api/success-plans'
import { formatDate } from '../../lib/format'

const today = () => new Date().toISOString().slice(0, 10)

function Milestone({ milestone }: { milestone: SharedPlan['objectives'][number]['milestones'][number] }) {
  const late = !milestone.done && milestone.dueOn !== null && milestone.dueOn < today()
  return (
    <Group justify="space-between" wrap="nowrap" gap="md" py={10} style={{ borderTop: '1px solid var(--mantine-color-default-border)' }} data-testid="shared-milestone">
      <Group gap="sm" wrap="nowrap" align="flex-start" style={{ minWidth: 0 }}>
        {milestone.done ? <IconCircleCheckFilled size={20} color="var(--mantine-color-teal-6)" aria-label="Done" /> : <IconCircle size={20} color="var(--mantine-color-gray-5)" aria-label="Open" />}
        <Stack gap={0} style={{ minWidth: 0 }}>
          <Text size="sm" fw={500} c={milestone.done ? 'dimmed' : undefined}>
            {milestone.title}
          </Text>
          {milestone.description ? (
            <Text size="xs" c="dimmed">
              {milestone.description}
            </Text>
          ) : null}
        </Stack>
      </Group>
      <Stack gap={0} align="flex-end" style={{ flexShrink: 0 }}>
        <Text size="xs" c={late ? 'red' : 'dimmed'} fw={late ? 600 : undefined}>
          {milestone.done ? `Done ${formatDate(milestone.doneOn)}` : milestone.dueOn ? `Due ${formatDate(milestone.dueOn)}` : 'No date yet'}
        </Text>
        {milestone.owner ? (
          <Text size="xs" c="dimmed">
            {milestone.owner}
          </Text>
        ) : null}
      </Stack>
    </Group>
  )
}

function PlanView({ plan }: { plan: SharedPlan }) {
  const percent = plan.progress.percent ?? 0
  return (
    <Stack gap="lg">
      <Paper radius="lg" p="xl" shadow="sm" withBorder>
        <Group justify="space-between" wrap="wrap" gap="lg">
          <Stack gap={4}>
            <Text size="sm" c="dimmed" tt="uppercase" fw={600} lts={0.5}>
              {plan.accountName} · success plan
            </Text>
            <Title order={1} fz={28} data-testid="shared-plan-title">
              {plan.title}
            </Title>
            <Group gap="xs">
              {plan.status !== 'active' ? (
                <Badge color={plan.status === 'completed' ? 'teal' : 'gray'} variant="light">
                  {plan.status === 'completed' ? 'Completed' : 'Cancelled'}
                </Badge>
              ) : null}
              <Text size="xs" c="dimmed">
                Updated {formatDate(plan.updatedAt)}
              </Text>
            </Group>
          </Stack>
          <Group gap="sm">
            <RingProgress
              size={96}
              thickness={9}
              roundCaps
              sections={[{ value: percent, color: percent === 100 ? 'teal' : 'blue' }]}
              label={
                <Text ta="center" fw={700} size="lg">
                  {plan.progress.percent === null ? '—' : `${percent}%`}
                </Text>
              }
            />
            <Text size="sm" c="dimmed" data-testid="shared-plan-progress">
              {plan.progress.done} of {plan.progress.total}
              <br />
              milestones done
            </Text>
          </Group>
        </Group>
      </Paper>
      {plan.objectives.map((objective, index) => (
        <Paper key={index} radius="lg" p="lg" withBorder data-testid="shared-objective">
          <Group gap="sm" mb="xs" wrap="nowrap" align="flex-start">
            <ThemeIcon radius="xl" size={28} variant="light" color={objective.done ? 'teal' : 'blue'}>
              <Text fw={700} size="sm">
                {index + 1}
              </Text>
            </ThemeIcon>
            <Stack gap={2}>
              <Title order={3} fz={18}>
                {objective.title}
              </Title>
              {objective.description ? (
                <Text size="sm" c="dimmed">
                  {objective.description}
                </Text>
              ) : null}
            </Stack>
          </Group>
          {objective.milestones.map((milestone, position) => (
            <Milestone key={position} milestone={milestone} />
          ))}
        </Paper>
      ))}
    </Stack>
  )
}

export default function SharedPlanPage() {
  const { token = '' } = useParams()
  const query = useSharedPlan(token)

  useEffect(() => {
    document.title = query.data ? `${query.data.title} · ${query.data.accountName}` : 'Success plan'
  }, [query.data])

  return (
    <Box mih="100vh" py={48} bg="var(--mantine-color-default-hover)">
      <Container size={760}>
        {query.isPending ? (
          <Center h={300}>
            <Loader size="sm" />
          </Center>
        ) : query.isError ? (
          <Paper radius="lg" p="xl" withBorder data-testid="shared-plan-missing">
            <Stack align="center" gap="xs">
              <IconLinkOff size={32} color="var(--mantine-color-gray-6)" />
              <Title order={2} fz={20}>
                {isApiError(query.error, 404) ? 'This link no longer works' : 'Could not load this plan'}
              </Title>
              <Text size="sm" c="dimmed" ta="center">
                {isApiError(query.error, 404) ? 'It may have been replaced or withdrawn. Ask your contact for a new link.' : 'Please try again in a moment.'}
              </Text>
            </Stack>
          </Paper>
        ) : (
          <PlanView plan={query.data} />
        )}
        {query.data?.vendor ? (
          <Text size="xs" c="dimmed" ta="center" mt="xl">
            Shared by {query.data.vendor}
          </Text>
        ) : null}
      </Container>
    </Box>
  )
}
