/** Account 360: everything about one customer on one page. */
import { Fragment } from 'react'
import { Link, useParams, useSearchParams } from 'react-router-dom'
import { Badge, Button, Grid, Group, Paper, Skeleton, Stack, Tabs } from '@mantine/core'
import {
  IconActivity,
  IconArrowLeft,
  IconChecklist,
  IconChartLine,
  IconHeadset,
  IconHeartbeat,
  IconListDetails,
  IconReceipt,
  IconRoute,
  IconTargetArrow,
  IconBook2,
  IconUsers,
} from '@tabler/icons-react'
import { isApiError } from '../api/client'
import { useAccount360 } from '../api/hooks'
import { ErrorState, CardSkeleton } from '../components/query-state'
import { AccountHeader } from './account/account-header'
import { JourneyTab } from './account/classification-journey-tab'
import { ContactsTab } from './account/contacts-tab'
import { EventsTab } from './account/events-tab'
import { OverviewTab } from './account/overview-tab'
import { PaymentFailuresAlert } from './account/payment-failures-alert'
import { SubscriptionsTab } from './account/subscriptions-tab'
import { TicketsTab } from './account/tickets-tab'
import { TimelineSection } from './account/timeline-section'
import { UsageTab } from './account/usage-tab'
import { AccountChurnCard } from './churn/account-churn-card'
import { AccountHealthCard } from './health/account-health-card'
import { AccountHealthTab } from './health/account-health-tab'
import { AccountSuccessPlansTab } from './success-plans/account-success-plans-tab'
import { AccountTasksTab } from './tasks/account-tasks-tab'
import { AccountPlaybooksTab } from './playbooks/account-playbooks-tab'

const tabs = ['overview', 'health', 'usage', 'events', 'journey', 'plans', 'tasks', 'playbooks', 'contacts', 'subscriptions', 'tickets'] as const
type Tab = (typeof tabs)[number]

function LoadingView() {
  return (
    <Stack gap="md">
      <Skeleton height={14} width={180} />
      <Skeleton height={30} width={360} />
      <Paper withBorder p="md">
        <Group gap="xl">
          {Array.from({ length: 6 }, (_, index) => (
            <Stack key={index} gap={6}>
              <Skeleton height={10} width={70} />
              <Skeleton height={18} width={110} />
            </Stack>
          ))}
        </Group>
      </Paper>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, xl: 8 }}>
          <CardSkeleton height={300} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, xl: 4 }}>
          <CardSkeleton height={300} />
        </Grid.Col>
      </Grid>
    </Stack>
  )
}

export default function Account360Page() {
  const { id = '' } = useParams()
  const [params, setParams] = useSearchParams()
  const query = useAccount360(id)
  const tab: Tab = tabs.find((candidate) => candidate === params.get('tab')) ?? 'overview'

  const setTab = (value: string | null) => {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev)
        if (!value || value === 'overview') next.delete('tab')
        else next.set('tab', value)
        next.delete('contact') // a highlighted contact (from the usage tab's user list) is one visit only
        return next
      },
      { replace: true },
    )
  }

  if (query.isPending) return <LoadingView />

  if (query.isError) {
    return (
      <Stack maw={640}>
        <ErrorState
          error={query.error}
          title={isApiError(query.error, 404) ? 'Account not found' : 'Could not load this account'}
          onRetry={isApiError(query.error, 404) ? undefined : () => void query.refetch()}
        />
        <Group>
          <Button component={Link} to="/accounts" variant="default" leftSection={<IconArrowLeft size={16} />}>
            Back to accounts
          </Button>
        </Group>
      </Stack>
    )
  }

  const data = query.data
  const counter = (value: number, color = 'gray') =>
    value > 0 ? (
      <Badge size="xs" variant="light" color={color} circle={value < 10}>
        {value}
      </Badge>
    ) : null

  return (
    <Fragment key={data.account.id}>
      <AccountHeader data={data} />
      <PaymentFailuresAlert accountId={data.account.id} />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, xl: 8 }}>
          <Tabs
            value={tab}
            onChange={setTab}
            keepMounted={false}
            variant="outline"
            // One line of tabs that scrolls sideways when the column is narrower than the tabs.
            styles={{ tab: { paddingInline: 'var(--mantine-spacing-sm)', flexShrink: 0 }, list: { flexWrap: 'nowrap', overflowX: 'auto', overflowY: 'hidden', scrollbarWidth: 'thin' } }}
          >
            <Tabs.List mb="md">
              <Tabs.Tab value="overview" leftSection={<IconChartLine size={16} />} data-testid="tab-overview">
                Overview
              </Tabs.Tab>
              <Tabs.Tab value="health" leftSection={<IconHeartbeat size={16} />} data-testid="tab-health">
                Health
              </Tabs.Tab>
              <Tabs.Tab value="usage" leftSection={<IconActivity size={16} />} data-testid="tab-usage">
                Usage
              </Tabs.Tab>
              <Tabs.Tab value="events" leftSection={<IconListDetails size={16} />} data-testid="tab-events">
                Events
              </Tabs.Tab>
              <Tabs.Tab value="journey" leftSection={<IconRoute size={16} />} data-testid="tab-journey">
                Journey
              </Tabs.Tab>
              <Tabs.Tab value="plans" leftSection={<IconTargetArrow size={16} />} data-testid="tab-plans">
                Success plans
              </Tabs.Tab>
              <Tabs.Tab value="tasks" leftSection={<IconChecklist size={16} />} data-testid="tab-tasks">
                Tasks
              </Tabs.Tab>
              <Tabs.Tab value="playbooks" leftSection={<IconBook2 size={16} />} data-testid="tab-playbooks">
                Playbooks
              </Tabs.Tab>
              <Tabs.Tab
                value="contacts"
                leftSection={<IconUsers size={16} />}
                rightSection={counter(data.contacts.length)}
                data-testid="tab-contacts"
              >
                Contacts
              </Tabs.Tab>
              <Tabs.Tab
                value="subscriptions"
                leftSection={<IconReceipt size={16} />}
                rightSection={counter(data.subscriptions.length)}
                data-testid="tab-subscriptions"
              >
                Subscriptions
              </Tabs.Tab>
              <Tabs.Tab
                value="tickets"
                leftSection={<IconHeadset size={16} />}
                rightSection={counter(data.tickets.openCount, 'orange')}
                data-testid="tab-tickets"
              >
                Tickets
              </Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="overview">
              <OverviewTab data={data} />
            </Tabs.Panel>
            <Tabs.Panel value="health">
              <AccountHealthTab accountId={data.account.id} />
            </Tabs.Panel>
            <Tabs.Panel value="usage">
              <UsageTab data={data} />
            </Tabs.Panel>
            <Tabs.Panel value="events">
              <EventsTab account={data.account} />
            </Tabs.Panel>
            <Tabs.Panel value="journey">
              <JourneyTab accountId={data.account.id} />
            </Tabs.Panel>
            <Tabs.Panel value="plans">
              <AccountSuccessPlansTab accountId={data.account.id} accountName={data.account.name} />
            </Tabs.Panel>
            <Tabs.Panel value="tasks">
              <AccountTasksTab account={data.account} />
            </Tabs.Panel>
            <Tabs.Panel value="playbooks">
              <AccountPlaybooksTab account={data.account} />
            </Tabs.Panel>
            <Tabs.Panel value="contacts">
              <ContactsTab contacts={data.contacts} />
            </Tabs.Panel>
            <Tabs.Panel value="subscriptions">
              <SubscriptionsTab subscriptions={data.subscriptions} currency={data.account.currency} />
            </Tabs.Panel>
            <Tabs.Panel value="tickets">
              <TicketsTab tickets={data.tickets.items} openCount={data.tickets.openCount} />
            </Tabs.Panel>
          </Tabs>
        </Grid.Col>
        <Grid.Col span={{ base: 12, xl: 4 }}>
          <Stack gap="md">
            <AccountHealthCard accountId={data.account.id} />
            <AccountChurnCard accountId={data.account.id} />
            <TimelineSection accountId={data.account.id} touchpoints={data.touchpoints} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Fragment>
  )
}
