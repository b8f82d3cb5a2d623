/** The playbook actions that need a decision: publish a draft, pause (both ask what happens to work under way), and run by hand. */
import { useMemo, useState } from 'react'
import { Alert, Button, Group, Loader, Modal, MultiSelect, Select, Stack, Text, TextInput, type MultiSelectProps } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import { IconPlayerPause, IconPlayerPlay, IconRocket } from '@tabler/icons-react'
import { useQuery } from '@tanstack/react-query'
import { errorMessage } from '../../api/client'
import { useConfigDocument, type OpenWorkAnswer } from '../../api/config'
import { accountsApi } from '../../api/endpoints'
import { usePausePlaybook, usePlaybooks, usePublishPlaybook, useRunPlaybook, type OpenWorkChoice, type PlaybookSummary } from '../../api/playbooks'
import { pluralize } from '../../lib/format'
import { BodyChanges } from '../config/config-parts'
import { OpenWorkQuestions, settledText } from '../config/open-work-questions'
import { diffBodies } from '../config/yaml-tools'
import { PLAYBOOK_KIND } from './playbook-parts'

type Choice = OpenWorkAnswer

const workOf = (playbook: PlaybookSummary) => ({ runs: playbook.runs.open, tasks: playbook.openTasks })

/** Both questions are asked here whatever the counts (the counts shown may be a moment old). */
const answered = (choice: Choice): OpenWorkChoice | null => (choice.openRuns && choice.openTasks ? { openRuns: choice.openRuns, openTasks: choice.openTasks } : null)

export function PublishPlaybookModal({ playbook, onClose }: { playbook: PlaybookSummary; onClose: () => void }) {
  const publish = usePublishPlaybook()
  const document = useConfigDocument(PLAYBOOK_KIND, playbook.key)
  const [choice, setChoice] = useState<Choice>({})
  const [comment, setComment] = useState('')
  const draft = document.data?.draft
  const published = document.data?.published
  const ready = answered(choice)
  const onPublish = () => {
    // A first version has no earlier runs or tasks to settle: nothing to ask.
    const settle: OpenWorkChoice | null = published ? ready : { openRuns: 'continue', openTasks: 'keep' }
    if (!settle) return
    publish.mutate(
      { key: playbook.key, ...settle, comment: comment.trim() || undefined },
      {
        onSuccess: (result) => {
          notifications.show({ color: 'teal', title: 'Published', message: `Version ${result.version} of ${playbook.name} is live.${settledText(result)}` })
          onClose()
        },
      },
    )
  }
  return (
    <Modal opened onClose={onClose} size="lg" title={<Text fw={700}>Publish the draft{draft ? ` (version ${draft.version})` : ''}</Text>} data-testid="playbook-publish-modal">
      <Stack gap="md">
        {document.isPending ? (
          <Loader size="sm" />
        ) : draft && published ? (
          <Stack gap={4}>
            <Text size="sm">It replaces the live version {published.version}:</Text>
            <BodyChanges changes={diffBodies(published.body ?? {}, draft.body)} empty="No differences from the live version." />
          </Stack>
        ) : (
          <Text size="sm">This is the first published version.</Text>
        )}
        {published ? <OpenWorkQuestions work={workOf(playbook)} answer={choice} onChange={setChoice} runsVerb={`Let them finish on version ${published.version}`} askAll /> : null}
        <TextInput label="Comment" placeholder="What changed and why" value={comment} onChange={(event) => setComment(event.currentTarget.value)} />
        {publish.isError ? (
          <Alert color="red" variant="light" title="Not published">
            {errorMessage(publish.error)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            leftSection={<IconRocket size={16} />}
            disabled={document.isPending || (Boolean(published) && !ready)}
            onClick={onPublish}
            loading={publish.isPending}
            data-testid="playbook-publish-confirm"
          >
            Publish
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

export function PausePlaybookModal({ playbook, onClose }: { playbook: PlaybookSummary; onClose: () => void }) {
  const pause = usePausePlaybook()
  const [choice, setChoice] = useState<Choice>({})
  const ready = answered(choice)
  const onPause = () => {
    if (!ready) return
    pause.mutate(
      { key: playbook.key, ...ready },
      {
        onSuccess: (result) => {
          notifications.show({ color: 'orange', title: 'Paused', message: `${playbook.name} no longer triggers.${settledText(result)}` })
          onClose()
        },
      },
    )
  }
  return (
    <Modal opened onClose={onClose} size="lg" title={<Text fw={700}>Pause {playbook.name}</Text>} data-testid="playbook-pause-modal">
      <Stack gap="md">
        <Text size="sm">While paused, nothing triggers it: events that happen meanwhile do not start runs when you resume.</Text>
        <OpenWorkQuestions work={workOf(playbook)} answer={choice} onChange={setChoice} runsVerb="Let them continue" askAll />
        {pause.isError ? (
          <Alert color="red" variant="light" title="Not paused">
            {errorMessage(pause.error)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="orange" leftSection={<IconPlayerPause size={16} />} disabled={!ready} onClick={onPause} loading={pause.isPending} data-testid="playbook-pause-confirm">
            Pause
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

/** Several accounts, searched on the server as you type (the same search as the parent-account picker). */
export function AccountMultiSelect({ value, onChange, ...props }: { value: string[]; onChange: (value: string[]) => void } & Omit<MultiSelectProps, 'value' | 'onChange' | 'data'>) {
  const [search, setSearch] = useState('')
  const [debounced] = useDebouncedValue(search, 250)
  const [labels, setLabels] = useState<Record<string, string>>({})
  const results = useQuery({
    queryKey: ['accounts', 'multi-picker', debounced],
    queryFn: ({ signal }) => accountsApi.list({ q: debounced || undefined, limit: 20, sort: 'name' }, signal),
    staleTime: 30_000,
  })
  const data = useMemo(() => {
    const out = new Map<string, string>()
    for (const id of value) out.set(id, labels[id] ?? id)
    for (const account of results.data?.items ?? []) out.set(account.id, account.name)
    return [...out.entries()].map(([id, label]) => ({ value: id, label }))
  }, [results.data, value, labels])
  return (
    <MultiSelect
      data={data}
      value={value}
      onChange={(next) => {
        const known = new Map(data.map((option) => [option.value, option.label]))
        setLabels((current) => ({ ...current, ...Object.fromEntries(next.map((id) => [id, known.get(id) ?? current[id] ?? id])) }))
        onChange(next)
      }}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      placeholder={value.length === 0 ? 'Search accounts' : undefined}
      nothingFoundMessage={results.isFetching ? 'Searching…' : 'No matching accounts'}
      rightSection={results.isFetching ? <Loader size={14} /> : undefined}
      hidePickedOptions
      {...props}
    />
  )
}

export function RunPlaybookModal({ playbook, onClose }: { playbook: PlaybookSummary; onClose: () => void }) {
  const run = useRunPlaybook()
  const [accountIds, setAccountIds] = useState<string[]>([])
  const onRun = () =>
    run.mutate(
      { key: playbook.key, accountIds },
      {
        onSuccess: (result) => {
          notifications.show({ color: 'teal', title: 'Runs started', message: `${playbook.name}: ${pluralize(result.started, 'run')} started. They appear in the run log as they go.` })
          onClose()
        },
      },
    )
  return (
    <Modal opened onClose={onClose} size="lg" title={<Text fw={700}>Run {playbook.name} by hand</Text>} data-testid="playbook-run-modal">
      <Stack gap="md">
        <Text size="sm">
          Runs the published version {playbook.version ?? ''} now for each account you pick, whatever its trigger. The condition and cooldown do not apply.
        </Text>
        <AccountMultiSelect label="Accounts" value={accountIds} onChange={setAccountIds} data-testid="playbook-run-accounts" />
        {run.isError ? (
          <Alert color="red" variant="light" title="Not started">
            {errorMessage(run.error)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button leftSection={<IconPlayerPlay size={16} />} disabled={accountIds.length === 0} onClick={onRun} loading={run.isPending} data-testid="playbook-run-confirm">
            {accountIds.length > 1 ? `Run for ${accountIds.length} accounts` : 'Run'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

/** From an account: pick which published playbook to run for it. */
export function RunForAccountModal({ account, onClose }: { account: { id: string; name: string }; onClose: () => void }) {
  const playbooks = usePlaybooks()
  const run = useRunPlaybook()
  const [key, setKey] = useState<string | null>(null)
  const options = (playbooks.data?.playbooks ?? []).filter((playbook) => playbook.version !== null).map((playbook) => ({ value: playbook.key, label: playbook.status === 'paused' ? `${playbook.name} (paused)` : playbook.name }))
  const chosen = playbooks.data?.playbooks.find((playbook) => playbook.key === key)
  const onRun = () => {
    if (!key) return
    run.mutate(
      { key, accountIds: [account.id] },
      {
        onSuccess: () => {
          notifications.show({ color: 'teal', title: 'Run started', message: `${chosen?.name ?? key} runs for ${account.name}.` })
          onClose()
        },
      },
    )
  }
  return (
    <Modal opened onClose={onClose} title={<Text fw={700}>Run a playbook for {account.name}</Text>} data-testid="account-run-playbook-modal">
      <Stack gap="md">
        <Select
          label="Playbook"
          data={options}
          value={key}
          onChange={setKey}
          searchable
          placeholder={playbooks.isPending ? 'Loading…' : 'Choose a published playbook'}
          nothingFoundMessage="No published playbook"
          data-testid="account-run-playbook-select"
        />
        {chosen ? (
          <Text size="xs" c="dimmed">
            Its trigger ({chosen.trigger}), condition and cooldown do not apply to a run by hand.
          </Text>
        ) : null}
        {run.isError ? (
          <Alert color="red" variant="light" title="Not started">
            {errorMessage(run.error)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button leftSection={<IconPlayerPlay size={16} />} disabled={!key} onClick={onRun} loading={run.isPending} data-testid="account-run-playbook-confirm">
            Run
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
