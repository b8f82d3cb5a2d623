/** One playbook: its trigger and state, actions (edit, publish, pause/resume, run by hand), effect, steps, dry run and run log. */
import { useState } from 'react'
import { Link, useParams, useSearchParams } from 'react-router-dom'
import { Anchor, Badge, Breadcrumbs, Button, Group, Skeleton, Stack, Tabs, Text, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconChartBar, IconEdit, IconFileText, IconFlask, IconListDetails, IconPlayerPause, IconPlayerPlay, IconRocket } from '@tabler/icons-react'
import { errorMessage } from '../../api/client'
import { useConfigDocument } from '../../api/config'
import { usePlaybooks, useResumePlaybook, type PlaybookSummary } from '../../api/playbooks'
import { useSession } from '../../auth/session'
import { CardSkeleton, EmptyState, ErrorState } from '../../components/query-state'
import { DryRunTab } from './dry-run-tab'
import { EffectPanel } from './effect-panel'
import { PausePlaybookModal, PublishPlaybookModal, RunPlaybookModal } from './playbook-modals'
import { PLAYBOOK_KIND, PlaybookStatusBadge } from './playbook-parts'
import { PlaybookRunLog } from './run-log'
import { StepsPanel } from './steps-panel'

const tabs = ['overview', 'dry-run', 'runs'] as const
type Tab = (typeof tabs)[number]
type Dialog = 'publish' | 'pause' | 'run' | null

function Actions({ playbook, onOpen }: { playbook: PlaybookSummary; onOpen: (dialog: Dialog) => void }) {
  const session = useSession()
  const resume = useResumePlaybook()
  const canConfigure = session.can('config:write')
  const onResume = () =>
    resume.mutate(playbook.key, {
      onSuccess: () => notifications.show({ color: 'teal', title: 'Resumed', message: `${playbook.name} triggers again.` }),
      onError: (error) => notifications.show({ color: 'red', title: 'Not resumed', message: errorMessage(error) }),
    })
  return (
    <Group gap="sm">
      <Button component={Link} to={`/configuration/${PLAYBOOK_KIND}/${encodeURIComponent(playbook.key)}`} variant="default" leftSection={canConfigure ? <IconEdit size={16} /> : <IconFileText size={16} />} data-testid="playbook-edit">
        {canConfigure ? 'Edit' : 'Document'}
      </Button>
      {canConfigure && playbook.hasDraft ? (
        <Button variant="light" leftSection={<IconRocket size={16} />} onClick={() => onOpen('publish')} data-testid="playbook-publish">
          Publish draft
        </Button>
      ) : null}
      {canConfigure && playbook.status === 'active' ? (
        <Button variant="light" color="orange" leftSection={<IconPlayerPause size={16} />} onClick={() => onOpen('pause')} data-testid="playbook-pause">
          Pause
        </Button>
      ) : null}
      {canConfigure && playbook.status === 'paused' ? (
        <Button variant="light" color="teal" leftSection={<IconPlayerPlay size={16} />} onClick={onResume} loading={resume.isPending} data-testid="playbook-resume">
          Resume
        </Button>
      ) : null}
      {session.can('customers:write') && playbook.version !== null ? (
        <Button leftSection={<IconPlayerPlay size={16} />} onClick={() => onOpen('run')} data-testid="playbook-run">
          Run by hand
        </Button>
      ) : null}
    </Group>
  )
}

function Header({ playbook, onOpen }: { playbook: PlaybookSummary; onOpen: (dialog: Dialog) => void }) {
  return (
    <Stack gap="xs" mb="lg">
      <Breadcrumbs>
        <Anchor component={Link} to="/playbooks" size="sm">
          Playbooks
        </Anchor>
        <Text size="sm">{playbook.name}</Text>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={2} fz={24} data-testid="playbook-title">
              {playbook.name}
            </Title>
            <PlaybookStatusBadge status={playbook.status} size="md" />
            {playbook.version !== null ? (
              <Badge size="md" variant="outline" color="gray">
                v{playbook.version}
              </Badge>
            ) : null}
            {playbook.hasDraft && playbook.status !== 'draft' ? (
              <Badge size="md" variant="outline" color="blue">
                draft open
              </Badge>
            ) : null}
          </Group>
          <Text size="sm" data-testid="playbook-trigger">
            <Text span c="dimmed" size="sm">
              When{' '}
            </Text>
            {playbook.trigger}
          </Text>
          {playbook.description ? (
            <Text size="sm" c="dimmed" maw={760}>
              {playbook.description}
            </Text>
          ) : null}
        </Stack>
        <Actions playbook={playbook} onOpen={onOpen} />
      </Group>
    </Stack>
  )
}

function Overview({ playbook }: { playbook: PlaybookSummary }) {
  const document = useConfigDocument(PLAYBOOK_KIND, playbook.key)
  const version = document.data?.published ?? document.data?.draft ?? null
  return (
    <Stack gap="md">
      {playbook.version !== null ? <EffectPanel playbookKey={playbook.key} /> : null}
      {document.isPending ? (
        <CardSkeleton height={260} />
      ) : document.isError ? (
        <ErrorState error={document.error} onRetry={() => void document.refetch()} />
      ) : (
        <StepsPanel body={version?.body} version={document.data.published?.version ?? null} triggerText={playbook.trigger} isDraft={!document.data.published} />
      )}
    </Stack>
  )
}

export default function PlaybookDetailPage() {
  const { key = '' } = useParams()
  const [params, setParams] = useSearchParams()
  const playbooks = usePlaybooks()
  const [dialog, setDialog] = useState<Dialog>(null)
  const tab: Tab = tabs.find((candidate) => candidate === params.get('tab')) ?? 'overview'
  const select = (value: string | null) => setParams(value && value !== 'overview' ? { tab: value } : {}, { replace: true })

  if (playbooks.isPending) {
    return (
      <Stack gap="md">
        <Skeleton height={14} width={180} />
        <Skeleton height={30} width={360} />
        <CardSkeleton height={240} />
      </Stack>
    )
  }
  if (playbooks.isError) return <ErrorState error={playbooks.error} onRetry={() => void playbooks.refetch()} />
  const playbook = playbooks.data.playbooks.find((candidate) => candidate.key === key)
  if (!playbook) {
    return (
      <EmptyState
        title="No such playbook"
        description="It may have been archived. Archived versions stay under Configuration."
        action={
          <Button component={Link} to="/playbooks" variant="default" size="xs">
            Back to playbooks
          </Button>
        }
      />
    )
  }

  return (
    <div data-testid="playbook-detail">
      <Header playbook={playbook} onOpen={setDialog} />
      <Tabs value={tab} onChange={select} keepMounted={false} variant="outline">
        <Tabs.List mb="md">
          <Tabs.Tab value="overview" leftSection={<IconChartBar size={16} />} data-testid="playbook-tab-overview">
            Effect and steps
          </Tabs.Tab>
          <Tabs.Tab value="dry-run" leftSection={<IconFlask size={16} />} data-testid="playbook-tab-dry-run">
            Dry run
          </Tabs.Tab>
          <Tabs.Tab value="runs" leftSection={<IconListDetails size={16} />} data-testid="playbook-tab-runs">
            Run log
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="overview">
          <Overview playbook={playbook} />
        </Tabs.Panel>
        <Tabs.Panel value="dry-run">
          <DryRunTab playbook={playbook} />
        </Tabs.Panel>
        <Tabs.Panel value="runs">
          <PlaybookRunLog playbookKey={playbook.key} />
        </Tabs.Panel>
      </Tabs>
      {dialog === 'publish' ? <PublishPlaybookModal playbook={playbook} onClose={() => setDialog(null)} /> : null}
      {dialog === 'pause' ? <PausePlaybookModal playbook={playbook} onClose={() => setDialog(null)} /> : null}
      {dialog === 'run' ? <RunPlaybookModal playbook={playbook} onClose={() => setDialog(null)} /> : null}
    </div>
  )
}
