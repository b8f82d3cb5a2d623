/** Engagement: are accounts getting the touch their tier promises, is the team within capacity, and who takes over a book. */
import { useSearchParams } from 'react-router-dom'
import { Tabs } from '@mantine/core'
import { IconArrowsExchange, IconCalendarCheck, IconUsersGroup } from '@tabler/icons-react'
import { useSession } from '../auth/session'
import { PageHeader } from '../components/page-header'
import { CoverageTab } from './engagement/coverage-tab'
import { LoadTab } from './engagement/load-tab'
import { ReassignTab } from './engagement/reassign-tab'

const tabs = ['coverage', 'load', 'reassign'] as const
type Tab = (typeof tabs)[number]

export default function EngagementPage() {
  const session = useSession()
  const [params, setParams] = useSearchParams()
  const canReassign = session.can('customers:write')
  const requested = params.get('tab') as Tab | null
  const tab: Tab = requested && tabs.includes(requested) && (requested !== 'reassign' || canReassign) ? requested : 'coverage'
  const select = (value: string | null) => setParams(value && value !== 'coverage' ? { tab: value } : {}, { replace: true })

  return (
    <>
      <PageHeader title="Engagement" description="Cadences each tier owes its accounts, each CSM’s book against capacity, and reassignment." />
      <Tabs value={tab} onChange={select} keepMounted={false} variant="outline">
        <Tabs.List mb="md">
          <Tabs.Tab value="coverage" leftSection={<IconCalendarCheck size={16} />} data-testid="engagement-tab-coverage">
            Coverage
          </Tabs.Tab>
          <Tabs.Tab value="load" leftSection={<IconUsersGroup size={16} />} data-testid="engagement-tab-load">
            Team load
          </Tabs.Tab>
          {canReassign ? (
            <Tabs.Tab value="reassign" leftSection={<IconArrowsExchange size={16} />} data-testid="engagement-tab-reassign">
              Reassign
            </Tabs.Tab>
          ) : null}
        </Tabs.List>
        <Tabs.Panel value="coverage">
          <CoverageTab />
        </Tabs.Panel>
        <Tabs.Panel value="load">
          <LoadTab />
        </Tabs.Panel>
        {canReassign ? (
          <Tabs.Panel value="reassign">
            <ReassignTab />
          </Tabs.Panel>
        ) : null}
      </Tabs>
    </>
  )
}
