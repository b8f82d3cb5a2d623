/** API keys: create (key shown once), list and revoke. Needs keys:manage. */
import { useState, type FormEvent } from 'react'
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  Group,
  Modal,
  Paper,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import { IconAlertTriangle, IconKey, IconPlus, IconShieldLock } from '@tabler/icons-react'
import { apiKeyScopes, type ApiKeyScope } from '../../../shared/roles'
import { ApiError, errorMessage } from '../../api/client'
import { useApiKeys, useCreateApiKey, useRevokeApiKey, useUsers } from '../../api/hooks'
import type { ApiKey, CreateApiKeyResult } from '../../api/types'
import { ScopeBadge } from '../../components/badges'
import { CopyField } from '../../components/copy-field'
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-state'
import { formatDate, formatDateTime, formatRelative } from '../../lib/format'

const scopeHelp: Record<ApiKeyScope, { title: string; text: string }> = {
  ingest: { title: 'Ingest', text: 'Send product events and usage data. Cannot read any customer data.' },
  read: { title: 'Read', text: 'Read accounts, contacts, subscriptions, tickets, users and configuration.' },
  write: { title: 'Write', text: 'Read, create, update and delete customer data; also allows ingest.' },
  admin: { title: 'Admin', text: 'Everything except managing the workspace: users, API keys, audit log, configuration.' },
}

function CreateKeyModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [result, setResult] = useState<CreateApiKeyResult | null>(null)
  const close = () => {
    setResult(null)
    onClose()
  }
  return (
    <Modal
      opened={opened}
      onClose={close}
      title={<Text fw={700}>{result ? 'Your new API key' : 'Create API key'}</Text>}
      centered
      size="lg"
      closeOnClickOutside={!result}
      closeOnEscape={!result}
    >
      {opened ? (
        result ? (
          <Stack data-testid="api-key-created">
            <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title="Copy this key now">
              This is the only time the full key is shown. Bosun stores only a hash of it; if you lose it, revoke it and
              create a new one.
            </Alert>
            <CopyField value={result.key} testId="api-key-value" />
            <Group gap="xs">
              <Text size="sm" c="dimmed">
                {result.apiKey.name} ·
              </Text>
              {result.apiKey.scopes.map((scope) => (
                <ScopeBadge key={scope} scope={scope} />
              ))}
            </Group>
            <Text size="xs" c="dimmed">
              Send it as <Code>Authorization: Bearer {'<key>'}</Code>.
            </Text>
            <Group justify="flex-end">
              <Button onClick={close} data-testid="api-key-done">
                I have stored the key
              </Button>
            </Group>
          </Stack>
        ) : (
          <CreateKeyForm onCancel={close} onCreated={setResult} />
        )
      ) : null}
    </Modal>
  )
}

function CreateKeyForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (result: CreateApiKeyResult) => void }) {
  const [name, setName] = useState('')
  const [scopes, setScopes] = useState<ApiKeyScope[]>(['ingest'])
  const create = useCreateApiKey()
  const apiError = create.error instanceof ApiError ? create.error : null
  const nameError = apiError?.fieldError('name')
  const scopesError = apiError?.fieldError('scopes')

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    create.mutate({ name: name.trim(), scopes }, { onSuccess: onCreated })
  }

  return (
    <form onSubmit={onSubmit} noValidate data-testid="create-api-key-form">
      <Stack gap="md">
        {create.isError && !nameError && !scopesError ? (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={apiError?.problem.title ?? 'Could not create key'}>
            {errorMessage(create.error)}
          </Alert>
        ) : null}
        <TextInput
          label="Name"
          name="name"
          description="Where the key is used, e.g. “Segment production” or “Billing sync”"
          required
          data-autofocus
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          error={nameError}
        />
        <Checkbox.Group
          label="Scopes"
          description="Grant the least the integration needs."
          value={scopes}
          onChange={(values) => setScopes(apiKeyScopes.filter((scope) => values.includes(scope)))}
          error={scopesError}
        >
          <Stack gap="xs" mt="xs">
            {apiKeyScopes.map((scope) => (
              <Checkbox.Card key={scope} value={scope} radius="md" p="sm" data-testid={`scope-${scope}`}>
                <Group wrap="nowrap" align="flex-start" gap="sm">
                  <Checkbox.Indicator mt={2} />
                  <div>
                    <Group gap={6}>
                      <Text size="sm" fw={600}>
                        {scopeHelp[scope].title}
                      </Text>
                      <ScopeBadge scope={scope} />
                    </Group>
                    <Text size="xs" c="dimmed">
                      {scopeHelp[scope].text}
                    </Text>
                  </div>
                </Group>
              </Checkbox.Card>
            ))}
          </Stack>
        </Checkbox.Group>
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending} disabled={!name.trim() || scopes.length === 0} data-testid="create-api-key-submit">
            Create key
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

export function ApiKeysTab() {
  const keys = useApiKeys()
  const users = useUsers()
  const revoke = useRevokeApiKey()
  const [createOpened, createModal] = useDisclosure(false)
  const [toRevoke, setToRevoke] = useState<ApiKey | null>(null)
  const [showRevoked, setShowRevoked] = useState(true)

  const userName = (id: string | null) => (id ? (users.data?.items.find((user) => user.id === id)?.name ?? null) : null)
  const all = keys.data?.items ?? []
  const revokedCount = all.filter((key) => key.revokedAt).length
  const items = all
    .filter((key) => showRevoked || !key.revokedAt)
    .sort((a, b) => Number(Boolean(a.revokedAt)) - Number(Boolean(b.revokedAt)) || b.createdAt.localeCompare(a.createdAt))

  const confirmRevoke = () => {
    if (!toRevoke) return
    revoke.mutate(toRevoke.id, {
      onSuccess: (key) => {
        notifications.show({ color: 'teal', message: `Key “${key.name}” was revoked. Requests using it now fail.` })
        setToRevoke(null)
      },
      onError: (error) => notifications.show({ color: 'red', title: 'Could not revoke key', message: errorMessage(error) }),
    })
  }

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <div>
          <Title order={3} fz="lg">
            API keys
          </Title>
          <Text size="sm" c="dimmed">
            Keys let integrations send events and read or write data through the API.
          </Text>
        </div>
        <Button leftSection={<IconPlus size={16} />} onClick={createModal.open} data-testid="create-api-key-button">
          Create API key
        </Button>
      </Group>

      <Paper withBorder>
        {revokedCount > 0 ? (
          <Group justify="flex-end" px="md" pt="sm">
            <Switch
              size="xs"
              label={`Show revoked (${revokedCount})`}
              checked={showRevoked}
              onChange={(event) => setShowRevoked(event.currentTarget.checked)}
            />
          </Group>
        ) : null}
        {keys.isPending ? (
          <TableSkeleton rows={4} columns={7} />
        ) : keys.isError ? (
          <ErrorState error={keys.error} title="Could not load API keys" onRetry={() => void keys.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState
            title={all.length === 0 ? 'No API keys yet' : 'No active keys'}
            description="Create a key to connect your product analytics, billing or CRM."
            icon={<IconKey size={22} />}
            action={<Button onClick={createModal.open}>Create API key</Button>}
          />
        ) : (
          <Table.ScrollContainer minWidth={860} maxHeight={560} type="native">
            <Table striped highlightOnHover stickyHeader data-testid="api-keys-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Key</Table.Th>
                  <Table.Th>Scopes</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Last used</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th w={90} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((key) => (
                  <Table.Tr key={key.id} data-testid="api-key-row" style={key.revokedAt ? { opacity: 0.55 } : undefined}>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {key.name}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Code>{key.prefix}…</Code>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {key.scopes.map((scope) => (
                          <ScopeBadge key={scope} scope={scope} />
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" className="bosun-nowrap" title={formatDateTime(key.createdAt)}>
                        {formatDate(key.createdAt)}
                      </Text>
                      {userName(key.createdBy) ? (
                        <Text size="xs" c="dimmed">
                          by {userName(key.createdBy)}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <Tooltip label={formatDateTime(key.lastUsedAt)} disabled={!key.lastUsedAt} withArrow>
                        <Text size="sm" c={key.lastUsedAt ? undefined : 'dimmed'} span>
                          {key.lastUsedAt ? formatRelative(key.lastUsedAt) : 'never'}
                        </Text>
                      </Tooltip>
                    </Table.Td>
                    <Table.Td>
                      {key.revokedAt ? (
                        <Tooltip label={`Revoked ${formatDateTime(key.revokedAt)}`} withArrow>
                          <Badge color="red" variant="outline" size="sm">
                            Revoked {formatDate(key.revokedAt)}
                          </Badge>
                        </Tooltip>
                      ) : (
                        <Badge color="teal" variant="light" size="sm">
                          Active
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {key.revokedAt ? null : (
                        <Button
                          size="compact-xs"
                          variant="subtle"
                          color="red"
                          onClick={() => setToRevoke(key)}
                          data-testid="revoke-api-key"
                        >
                          Revoke
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>

      <CreateKeyModal opened={createOpened} onClose={createModal.close} />

      <Modal opened={toRevoke !== null} onClose={() => setToRevoke(null)} title={<Text fw={700}>Revoke “{toRevoke?.name}”?</Text>} centered>
        <Stack>
          <Group gap="sm" wrap="nowrap" align="flex-start">
            <IconShieldLock size={22} color="var(--mantine-color-red-6)" style={{ flexShrink: 0 }} />
            <Text size="sm">
              Integrations using <Code>{toRevoke?.prefix}…</Code> will get <Code>401</Code> immediately. This cannot be
              undone.
            </Text>
          </Group>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setToRevoke(null)}>
              Cancel
            </Button>
            <Button color="red" loading={revoke.isPending} onClick={confirmRevoke} data-testid="confirm-revoke-api-key">
              Revoke key
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  )
}
