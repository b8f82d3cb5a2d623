/** Journey map: "10:30 on Monday — do you know where your customers are?" Stages as columns, conversion, time in stage, milestone hit rates. */
import { Fragment, useState } from 'react'
import { Link } from 'react-router-dom'
import { Alert, Button, Group, Paper, ScrollArea, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { IconAdjustmentsHorizontal, IconInfoCircle, IconRoute } from '@tabler/icons-react'
import { useJourneyMap, useJourneys, type MilestoneStatus, type MilestoneSummary } from '../api/journeys'
import { PageHeader } from '../components/page-header'
import { CardSkeleton, EmptyState, ErrorState } from '../components/query-state'
import { formatNumber } from '../lib/format'
import { DrillDrawer, type DrillTarget } from './journey/drill-drawer'
import { MilestoneBar } from './journey/milestone-bar'
import { ConversionArrow, StageColumn } from './journey/stage-column'

const windows = [
  { value: '90', label: '90 days' },
  { value: '180', label: '180 days' },
  { value: '365', label: '1 year' },
]

export default function JourneyMapPage() {
  const [days, setDays] = useState(180)
  const map = useJourneyMap(days)
  const journeys = useJourneys()
  const [target, setTarget] = useState<DrillTarget | null>(null)
  const openMilestone = (milestone: MilestoneSummary, status: MilestoneStatus | null) =>
    setTarget({ type: 'milestone', journey: milestone.journeyKey, milestone: milestone.key, name: `${milestone.journeyName}: ${milestone.name}`, status })
  const data = map.data

  return (
    <>
      <PageHeader
        title="Journey map"
        description="Where every customer is in the lifecycle, how they move on, and whether they hit their milestones on time."
        actions={
          <Group gap="sm">
            <Text size="xs" c="dimmed">
              Conversion and stays over
            </Text>
            <SegmentedControl size="xs" value={String(days)} onChange={(value) => setDays(Number(value))} data={windows} data-testid="journey-window" />
          </Group>
        }
      />
      {map.isError ? (
        <ErrorState error={map.error} title="Could not load the journey map" onRetry={() => void map.refetch()} />
      ) : !data ? (
        <Group gap="md" wrap="nowrap">
          <CardSkeleton height={420} />
          <CardSkeleton height={420} />
          <CardSkeleton height={420} />
        </Group>
      ) : data.stages.length === 0 ? (
        <Paper withBorder>
          <EmptyState
            icon={<IconRoute size={28} />}
            title="No lifecycle stages yet"
            description="Publish a lifecycle under Configuration: its stages become the columns of this map."
            action={
              <Button component={Link} to="/configuration/lifecycle" variant="light" leftSection={<IconAdjustmentsHorizontal size={16} />}>
                Configure stages
              </Button>
            }
          />
        </Paper>
      ) : (
        <Stack gap="lg">
          {data.unclassified > 0 ? (
            <Alert color="blue" variant="light" icon={<IconInfoCircle size={18} />}>
              {formatNumber(data.unclassified)} accounts are waiting to be placed in a stage.
            </Alert>
          ) : null}
          <ScrollArea type="auto" offsetScrollbars>
            <Group gap={0} wrap="nowrap" align="stretch" data-testid="journey-map" pb="xs">
              {data.stages.map((stage, index) => (
                <Fragment key={stage.key}>
                  <StageColumn
                    stage={stage}
                    onOpenStage={(overdue) => setTarget({ type: 'stage', stage: stage.key, name: stage.name, overdue })}
                    onOpenMilestone={openMilestone}
                  />
                  {index < data.stages.length - 1 ? <ConversionArrow stage={stage} /> : null}
                </Fragment>
              ))}
            </Group>
          </ScrollArea>

          <Stack gap="sm">
            <div>
              <Title order={3} fz="lg">
                Journeys
              </Title>
              <Text size="sm" c="dimmed">
                Every milestone of every journey: done on time, late, on track and missed. Click a part of a bar for its accounts.
              </Text>
            </div>
            {journeys.isError ? (
              <ErrorState error={journeys.error} onRetry={() => void journeys.refetch()} />
            ) : !journeys.data ? (
              <CardSkeleton height={200} />
            ) : journeys.data.journeys.length === 0 ? (
              <Paper withBorder>
                <EmptyState title="No journeys yet" description="Define milestones under Configuration → Journeys and milestones." />
              </Paper>
            ) : (
              <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} spacing="md">
                {journeys.data.journeys.map((journey) => (
                  <Paper key={journey.key} withBorder p="md" data-testid={`journey-${journey.key}`}>
                    <Stack gap="sm">
                      <div>
                        <Text fw={700}>{journey.name}</Text>
                        <Text size="xs" c="dimmed">
                          {formatNumber(journey.accounts)} accounts · {journey.appliesTo}
                        </Text>
                      </div>
                      {journey.milestones.map((milestone) => (
                        <MilestoneBar key={milestone.key} milestone={milestone} showJourney={false} onOpen={(status) => openMilestone(milestone, status)} />
                      ))}
                    </Stack>
                  </Paper>
                ))}
              </SimpleGrid>
            )}
          </Stack>
        </Stack>
      )}
      <DrillDrawer target={target} onClose={() => setTarget(null)} />
    </>
  )
}
