/** Product usage settings: which event names count as key features. Visible with config:read, editable with config:write. */
import { useState, type FormEvent } from 'react'
import { Alert, Anchor, Button, Code, Group, Paper, Skeleton, Stack, TagsInput, Text, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconAlertTriangle, IconBook2, IconDeviceFloppy, IconLock, IconPuzzle } from '@tabler/icons-react'
import { ApiError, errorMessage } from '../../api/client'
import { useSaveUsageSettings, useUsageSettings } from '../../api/hooks'
import { useSession } from '../../auth/session'
import { ErrorState } from '../../components/query-state'
import { pluralize } from '../../lib/format'

const MAX_KEY_FEATURES = 200

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index])
}

function KeyFeaturesForm({ saved }: { saved: string[] }) {
  const canEdit = useSession().can('config:write')
  const [draft, setDraft] = useState<string[] | null>(null)
  const save = useSaveUsageSettings()
  const value = draft ?? saved
  const dirty = draft !== null && !sameList(draft, saved)
  const apiError = save.error instanceof ApiError ? save.error : null
  const fieldError = apiError?.fieldErrors.find((error) => error.field.startsWith('keyFeatures'))

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    if (!canEdit || !dirty) return
    save.mutate(
      { keyFeatures: value },
      {
        onSuccess: (result) => {
          setDraft(null)
          notifications.show({
            color: 'teal',
            title: 'Key features saved',
            message: `${pluralize(result.keyFeatures.length, 'key feature')}. Feature breadth on every account now counts these.`,
          })
        },
      },
    )
  }

  return (
    <form onSubmit={onSubmit} noValidate data-testid="usage-settings-form">
      <Stack gap="md">
        {save.isError && !fieldError ? (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={apiError?.problem.title ?? 'Could not save'}>
            {errorMessage(save.error)}
          </Alert>
        ) : null}
        {!canEdit ? (
          <Alert color="gray" variant="light" icon={<IconLock size={18} />} data-testid="usage-settings-read-only">
            You can see the key features; changing them needs configuration rights (admins).
          </Alert>
        ) : null}
        <TagsInput
          label="Key feature events"
          description="Event names exactly as your product sends them (case-sensitive). Press Enter or comma after each."
          placeholder={canEdit ? (value.length === 0 ? 'e.g. Report Created, Dashboard Shared' : 'Add an event name') : undefined}
          value={value}
          onChange={(next) => setDraft(next.map((name) => name.trim()).filter(Boolean))}
          splitChars={[',']}
          maxTags={MAX_KEY_FEATURES}
          clearable={canEdit}
          acceptValueOnBlur
          readOnly={!canEdit}
          error={fieldError ? fieldError.message : undefined}
          data-testid="usage-key-features-input"
        />
        <Group justify="space-between">
          <Text size="xs" c="dimmed" data-testid="usage-key-features-count">
            {value.length === 0 ? 'No key features yet: feature breadth shows “—” on every account.' : pluralize(value.length, 'key feature')}
          </Text>
          {canEdit ? (
            <Group gap="xs">
              <Button variant="default" size="sm" disabled={!dirty || save.isPending} onClick={() => setDraft(null)}>
                Discard changes
              </Button>
              <Button
                type="submit"
                size="sm"
                disabled={!dirty}
                loading={save.isPending}
                leftSection={<IconDeviceFloppy size={16} />}
                data-testid="usage-settings-save"
              >
                Save
              </Button>
            </Group>
          ) : null}
        </Group>
      </Stack>
    </form>
  )
}

export function UsageSettingsTab() {
  const query = useUsageSettings()
  const origin = window.location.origin

  return (
    <Stack gap="lg" maw={860}>
      <Paper withBorder p="lg">
        <Group gap="sm" mb="md" wrap="nowrap" align="flex-start">
          <IconPuzzle size={22} color="var(--mantine-color-grape-6)" style={{ flexShrink: 0, marginTop: 2 }} />
          <div>
            <Title order={4} fz="md">
              Key features
            </Title>
            <Text size="sm" c="dimmed">
              The few events that prove a customer gets value from what they bought. Every account shows its feature breadth (how many of
              these it used in the last 30 days) and which ones it has not adopted — the first place to look for an enablement play.
            </Text>
          </div>
        </Group>
        {query.isPending ? (
          <Stack gap="xs">
            <Skeleton height={12} width={120} />
            <Skeleton height={36} />
          </Stack>
        ) : query.isError ? (
          <ErrorState error={query.error} title="Could not load usage settings" onRetry={() => void query.refetch()} />
        ) : (
          <KeyFeaturesForm key={query.data.keyFeatures.join('\u0000')} saved={query.data.keyFeatures} />
        )}
      </Paper>

      <Paper withBorder p="lg">
        <Title order={4} fz="md" mb={4}>
          Sending product events
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          Bosun accepts the Segment HTTP tracking API, so Segment libraries and sources work unchanged with their host set to this
          server.
        </Text>
        <Stack gap={6}>
          <Text size="sm">
            Endpoints: <Code>{origin}/v1/track</Code>, <Code>/v1/identify</Code>, <Code>/v1/group</Code>, <Code>/v1/page</Code>,{' '}
            <Code>/v1/screen</Code>, <Code>/v1/batch</Code>
          </Text>
          <Text size="sm">
            Authentication: an API key with the <Code>ingest</Code> scope as the Basic-auth user name (the Segment write key).
          </Text>
          <Text size="sm">
            Accounts: send the account&apos;s external ID as <Code>groupId</Code> (a <Code>group</Code> call or <Code>context.groupId</Code>).
          </Text>
          <Group gap="xs" mt={4}>
            <Anchor href="/api/docs" target="_blank" rel="noreferrer" size="sm">
              <Group gap={4} wrap="nowrap">
                <IconBook2 size={14} /> API documentation
              </Group>
            </Anchor>
          </Group>
        </Stack>
      </Paper>
    </Stack>
  )
}
