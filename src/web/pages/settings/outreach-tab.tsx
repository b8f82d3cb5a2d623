/**
 * Outreach: the mail server playbook emails go out through, the webhook / Slack destinations playbooks post to,
 * the delivery logs and the unsubscribed addresses. Reading needs config:read (logs: customers:read), changing config:write.
 */
import { useState, type FormEvent } from 'react'
import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Modal,
  NumberInput,
  Paper,
  PasswordInput,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  ThemeIcon,
  Title,
  Tooltip,
} from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import { IconBrandSlack, IconCircleCheck, IconMail, IconMailOff, IconPencil, IconPlus, IconSend, IconTrash, IconWebhook, IconX } from '@tabler/icons-react'
import { ApiError, errorMessage } from '../../api/client'
import {
  useDeleteDestination,
  useDestinations,
  useSaveDestination,
  useSaveSmtpSettings,
  useSmtpSettings,
  useTestDestination,
  useTestSmtp,
  useUnsubscribes,
  type Destination,
  type DestinationKind,
  type SendResult,
  type SmtpSettings,
} from '../../api/outreach'
import { useSession } from '../../auth/session'
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-state'
import { formatDateTime, formatNumber, formatRelative } from '../../lib/format'
import { OutreachLogs } from './outreach-logs'

function ResultAlert({ result, onClose }: { result: SendResult; onClose: () => void }) {
  return (
    <Alert
      color={result.ok ? 'teal' : 'red'}
      variant="light"
      withCloseButton
      onClose={onClose}
      icon={result.ok ? <IconCircleCheck size={18} /> : <IconX size={18} />}
      title={result.ok ? 'Delivered' : 'Not delivered'}
      data-testid="outreach-test-result"
    >
      <Text size="sm" style={{ wordBreak: 'break-word' }}>
        {result.detail}
      </Text>
    </Alert>
  )
}

// ----- mail server -----

type SmtpForm = { host: string; port: number | string; secure: boolean; username: string; password: string; clearPassword: boolean; fromAddress: string; throttleDays: number | string }

const formOf = (settings: SmtpSettings): SmtpForm => ({
  host: settings.host ?? '',
  port: settings.port ?? 587,
  secure: settings.secure,
  username: settings.username ?? '',
  password: '',
  clearPassword: false,
  fromAddress: settings.fromAddress ?? '',
  throttleDays: settings.throttleDays,
})

function SmtpCard({ settings, canWrite }: { settings: SmtpSettings; canWrite: boolean }) {
  const [form, setForm] = useState<SmtpForm>(() => formOf(settings))
  const save = useSaveSmtpSettings()
  const test = useTestSmtp()
  const session = useSession()
  const [testTo, setTestTo] = useState(session.user.email)
  const [testResult, setTestResult] = useState<SendResult | null>(null)
  const fieldError = (field: string) => (save.error instanceof ApiError ? save.error.fieldError(field) : undefined)
  const set = <Key extends keyof SmtpForm>(key: Key, value: SmtpForm[Key]) => setForm((current) => ({ ...current, [key]: value }))

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    save.mutate(
      {
        host: form.host.trim(),
        port: Number(form.port),
        secure: form.secure,
        username: form.username.trim() || null,
        // Empty keeps the stored password; "remove" clears it.
        ...(form.clearPassword ? { password: null } : form.password ? { password: form.password } : {}),
        fromAddress: form.fromAddress.trim(),
        throttleDays: Number(form.throttleDays),
      },
      {
        onSuccess: (saved) => {
          setForm(formOf(saved))
          notifications.show({ color: 'teal', message: settings.configured ? 'Mail server saved.' : 'Mail server set: playbook emails will be sent.' })
        },
      },
    )
  }

  const runTest = () => {
    setTestResult(null)
    test.mutate(testTo.trim(), {
      onSuccess: setTestResult,
      onError: (error) => setTestResult({ ok: false, detail: errorMessage(error), responseStatus: null }),
    })
  }

  return (
    <Paper withBorder radius="md" p="lg">
      <Group justify="space-between" align="flex-start" mb="md">
        <Group gap="sm">
          <ThemeIcon size={40} radius="md" variant="light" color="blue">
            <IconMail size={24} />
          </ThemeIcon>
          <div>
            <Title order={4}>Mail server (SMTP)</Title>
            <Text size="sm" c="dimmed">
              Playbook emails go out through it as the account’s CSM (From and Reply-To), each with an unsubscribe link.
            </Text>
          </div>
        </Group>
        {settings.configured ? (
          <Badge color="teal" variant="light" data-testid="smtp-status">
            Configured
          </Badge>
        ) : (
          <Badge color="gray" variant="outline" data-testid="smtp-status">
            Not configured — emails are skipped
          </Badge>
        )}
      </Group>

      {canWrite ? (
        <form onSubmit={onSubmit} noValidate data-testid="smtp-form">
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <TextInput
                label="Host"
                placeholder="smtp.example.com"
                required
                value={form.host}
                onChange={(event) => set('host', event.currentTarget.value)}
                error={fieldError('host')}
                style={{ gridColumn: 'span 2' }}
                data-testid="smtp-host"
              />
              <NumberInput label="Port" required min={1} max={65535} value={form.port} onChange={(value) => set('port', value)} error={fieldError('port')} data-testid="smtp-port" />
            </SimpleGrid>
            <Switch
              label="TLS from the first byte (usually port 465); otherwise STARTTLS is used when the server offers it"
              checked={form.secure}
              onChange={(event) => set('secure', event.currentTarget.checked)}
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput label="Username" placeholder="(no login)" autoComplete="off" value={form.username} onChange={(event) => set('username', event.currentTarget.value)} error={fieldError('username')} />
              <PasswordInput
                label="Password"
                placeholder={settings.passwordSet ? 'Stored — leave empty to keep it' : 'None'}
                autoComplete="new-password"
                value={form.password}
                disabled={form.clearPassword}
                onChange={(event) => set('password', event.currentTarget.value)}
                error={fieldError('password')}
                description={
                  settings.passwordSet ? (
                    <Text span size="xs" c="blue" style={{ cursor: 'pointer' }} onClick={() => set('clearPassword', !form.clearPassword)}>
                      {form.clearPassword ? 'Keep the stored password' : 'Remove the stored password'}
                    </Text>
                  ) : undefined
                }
              />
            </SimpleGrid>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label="Workspace sender"
                description="From address when the account has no CSM; also receives bounces"
                placeholder="success@yourcompany.com"
                required
                value={form.fromAddress}
                onChange={(event) => set('fromAddress', event.currentTarget.value)}
                error={fieldError('fromAddress')}
                data-testid="smtp-from"
              />
              <NumberInput
                label="Per-contact throttle (days)"
                description="At most one playbook email per contact in this many days; 0 = no limit"
                min={0}
                max={365}
                value={form.throttleDays}
                onChange={(value) => set('throttleDays', value)}
                error={fieldError('throttleDays')}
              />
            </SimpleGrid>
            {save.isError && !(save.error instanceof ApiError && save.error.fieldErrors.length > 0) ? (
              <Text size="sm" c="red">
                {errorMessage(save.error)}
              </Text>
            ) : null}
            <Group justify="flex-end">
              <Button type="submit" loading={save.isPending} data-testid="smtp-save">
                Save
              </Button>
            </Group>
          </Stack>
        </form>
      ) : (
        <Text size="sm" c="dimmed">
          {settings.configured
            ? `${settings.host}:${settings.port}${settings.secure ? ' (TLS)' : ''} · sender ${settings.fromAddress} · at most one email per contact in ${settings.throttleDays} days. Only admins can change it.`
            : 'No mail server is set; playbook email steps are skipped. Only admins can set one.'}
        </Text>
      )}

      {canWrite && settings.configured ? (
        <Stack gap="xs" mt="lg">
          <Text size="sm" fw={600}>
            Send a test email
          </Text>
          <Group align="flex-start" wrap="nowrap" gap="sm">
            <TextInput style={{ flex: 1 }} aria-label="Test recipient" placeholder="you@yourcompany.com" value={testTo} onChange={(event) => setTestTo(event.currentTarget.value)} data-testid="smtp-test-to" />
            <Button variant="default" leftSection={<IconSend size={16} />} loading={test.isPending} disabled={!testTo.trim()} onClick={runTest} data-testid="smtp-test">
              Send test email
            </Button>
          </Group>
          <Text size="xs" c="dimmed">
            Sent now as you ({session.user.email}), the way playbook emails go out as their CSM.
          </Text>
          {testResult ? <ResultAlert result={testResult} onClose={() => setTestResult(null)} /> : null}
        </Stack>
      ) : null}
      {settings.updatedAt ? (
        <Text size="xs" c="dimmed" mt="sm">
          Last changed {formatDateTime(settings.updatedAt)}. The password is stored to log in and never shown again.
        </Text>
      ) : null}
    </Paper>
  )
}

// ----- destinations -----

function DestinationModal({ opened, onClose, existing }: { opened: boolean; onClose: () => void; existing: Destination | null }) {
  const [key, setKey] = useState(existing?.key ?? '')
  const [kind, setKind] = useState<DestinationKind>(existing?.kind ?? 'webhook')
  const [url, setUrl] = useState('')
  const [secret, setSecret] = useState('')
  const save = useSaveDestination()
  const fieldError = (field: string) => (save.error instanceof ApiError ? save.error.fieldError(field) : undefined)
  const keepsSecret = existing?.kind === 'webhook' && kind === 'webhook'

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    save.mutate(
      { key: key.trim(), input: { kind, ...(url.trim() ? { url: url.trim() } : {}), ...(kind === 'webhook' && secret ? { secret } : {}) } },
      {
        onSuccess: (saved) => {
          notifications.show({ color: 'teal', message: `Destination ${saved.key} saved.` })
          onClose()
        },
      },
    )
  }
  const generate = () => {
    const bytes = crypto.getRandomValues(new Uint8Array(24))
    setSecret(`whsec_${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`)
  }

  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={700}>{existing ? `Edit ${existing.key}` : 'Add a destination'}</Text>} centered size="lg">
      <form onSubmit={onSubmit} noValidate data-testid="destination-form">
        <Stack gap="sm">
          <TextInput
            label="Key"
            description="Playbook steps name the destination by this key"
            placeholder="crm-sync"
            required
            disabled={Boolean(existing)}
            value={key}
            onChange={(event) => setKey(event.currentTarget.value)}
            error={fieldError('key')}
            data-testid="destination-key"
          />
          <SegmentedControl
            value={kind}
            onChange={(value) => setKind(value === 'slack' ? 'slack' : 'webhook')}
            data={[
              { value: 'webhook', label: 'Webhook (signed JSON)' },
              { value: 'slack', label: 'Slack incoming webhook' },
            ]}
          />
          <TextInput
            label="URL"
            required={!existing}
            placeholder={existing ? `${existing.urlHint} — leave empty to keep` : kind === 'slack' ? 'https://hooks.slack.com/services/…' : 'https://example.com/bosun-webhook'}
            value={url}
            onChange={(event) => setUrl(event.currentTarget.value)}
            error={fieldError('url')}
            data-testid="destination-url"
          />
          {kind === 'webhook' ? (
            <PasswordInput
              label="Signing secret"
              description="Your receiver verifies the Bosun-Signature header with it (HMAC-SHA256). At least 16 characters."
              required={!keepsSecret}
              placeholder={keepsSecret ? 'Stored — leave empty to keep' : 'whsec_…'}
              autoComplete="new-password"
              value={secret}
              onChange={(event) => setSecret(event.currentTarget.value)}
              error={fieldError('secret')}
              data-testid="destination-secret"
            />
          ) : null}
          {kind === 'webhook' ? (
            <Group justify="flex-end" mt={-6}>
              <Button size="compact-xs" variant="subtle" onClick={generate}>
                Generate a secret
              </Button>
            </Group>
          ) : null}
          {kind === 'webhook' && secret ? (
            <Text size="xs" c="orange">
              Copy the secret into your receiver now: it is never shown again after saving.
            </Text>
          ) : null}
          {save.isError && !(save.error instanceof ApiError && save.error.fieldErrors.length > 0) ? (
            <Text size="sm" c="red">
              {errorMessage(save.error)}
            </Text>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending} data-testid="destination-save">
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

function Destinations({ canWrite }: { canWrite: boolean }) {
  const destinations = useDestinations()
  const test = useTestDestination()
  const remove = useDeleteDestination()
  const [opened, modal] = useDisclosure(false)
  const [editing, setEditing] = useState<Destination | null>(null)
  const [toDelete, setToDelete] = useState<Destination | null>(null)
  const [results, setResults] = useState<Record<string, SendResult>>({})
  const items = destinations.data?.items ?? []

  const openModal = (destination: Destination | null) => {
    setEditing(destination)
    modal.open()
  }
  const runTest = (key: string) =>
    test.mutate(key, {
      onSuccess: (result) => setResults((current) => ({ ...current, [key]: result })),
      onError: (error) => setResults((current) => ({ ...current, [key]: { ok: false, detail: errorMessage(error), responseStatus: null } })),
    })
  const confirmDelete = () => {
    if (!toDelete) return
    remove.mutate(toDelete.key, {
      onSuccess: () => {
        notifications.show({ message: `Destination ${toDelete.key} deleted.` })
        setToDelete(null)
      },
      onError: (error) => notifications.show({ color: 'red', title: 'Could not delete', message: errorMessage(error) }),
    })
  }

  return (
    <Stack gap="xs">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={4}>Destinations</Title>
          <Text size="sm" c="dimmed">
            Where playbook webhook and Slack steps post. URLs and secrets stay here, out of playbook configuration.
          </Text>
        </div>
        {canWrite ? (
          <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => openModal(null)} data-testid="add-destination">
            Add destination
          </Button>
        ) : null}
      </Group>
      <Paper withBorder>
        {destinations.isPending ? (
          <TableSkeleton rows={3} columns={5} />
        ) : destinations.isError ? (
          <ErrorState error={destinations.error} title="Could not load destinations" onRetry={() => void destinations.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState title="No destinations yet" description="Add a webhook (e.g. your CRM or Zapier) or a Slack channel’s incoming webhook." icon={<IconWebhook size={22} />} />
        ) : (
          <Table.ScrollContainer minWidth={760} type="native">
            <Table verticalSpacing="sm" data-testid="destinations-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Key</Table.Th>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th>URL</Table.Th>
                  <Table.Th>Changed</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((destination) => {
                  const result = results[destination.key]
                  return (
                    <Table.Tr key={destination.key} data-testid="destination-row">
                      <Table.Td>
                        <Code>{destination.key}</Code>
                      </Table.Td>
                      <Table.Td>
                        <Badge
                          variant="light"
                          color={destination.kind === 'slack' ? 'grape' : 'blue'}
                          leftSection={destination.kind === 'slack' ? <IconBrandSlack size={12} /> : <IconWebhook size={12} />}
                        >
                          {destination.kind}
                        </Badge>
                        {destination.kind === 'webhook' ? (
                          <Text size="xs" c="dimmed" mt={2}>
                            {destination.secretSet ? 'signed' : 'no secret'}
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" ff="monospace">
                          {destination.urlHint}
                        </Text>
                        {result ? (
                          <Text size="xs" c={result.ok ? 'teal' : 'red'} mt={2} lineClamp={2} data-testid="destination-test-result">
                            Test: {result.ok ? 'delivered' : 'failed'} — {result.detail}
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        <Tooltip label={formatDateTime(destination.updatedAt)} withArrow>
                          <Text size="sm" span>
                            {formatRelative(destination.updatedAt)}
                          </Text>
                        </Tooltip>
                      </Table.Td>
                      <Table.Td>
                        {canWrite ? (
                          <Group gap={4} justify="flex-end" wrap="nowrap">
                            <Button
                              size="xs"
                              variant="default"
                              leftSection={<IconSend size={14} />}
                              loading={test.isPending && test.variables === destination.key}
                              onClick={() => runTest(destination.key)}
                              data-testid="test-destination"
                            >
                              Test
                            </Button>
                            <Button size="xs" variant="subtle" leftSection={<IconPencil size={14} />} onClick={() => openModal(destination)}>
                              Edit
                            </Button>
                            <Button size="xs" variant="subtle" color="red" leftSection={<IconTrash size={14} />} onClick={() => setToDelete(destination)} data-testid="delete-destination">
                              Delete
                            </Button>
                          </Group>
                        ) : null}
                      </Table.Td>
                    </Table.Tr>
                  )
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      <Text size="xs" c="dimmed">
        Webhooks are POSTed as JSON with <Code>Bosun-Delivery</Code>, <Code>Bosun-Idempotency-Key</Code> and{' '}
        <Code>Bosun-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "t.body")&gt;</Code>; a 2xx answer within 10 s counts as delivered.
      </Text>
      {opened ? <DestinationModal key={editing?.key ?? 'new'} opened={opened} onClose={modal.close} existing={editing} /> : null}
      <Modal opened={toDelete !== null} onClose={() => setToDelete(null)} title={<Text fw={700}>Delete destination “{toDelete?.key}”?</Text>} centered>
        <Stack gap="md">
          <Text size="sm">Queued posts to it will fail, and playbooks that name it will no longer validate until it is added again.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setToDelete(null)}>
              Cancel
            </Button>
            <Button color="red" loading={remove.isPending} onClick={confirmDelete} data-testid="confirm-delete-destination">
              Delete
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  )
}

// ----- unsubscribes -----

function Unsubscribes() {
  const unsubscribes = useUnsubscribes()
  const [showAll, setShowAll] = useState(false)
  const items = unsubscribes.data?.items ?? []
  const visible = showAll ? items : items.slice(0, 10)
  return (
    <Stack gap="xs">
      <div>
        <Title order={4}>Unsubscribed{unsubscribes.data ? ` (${formatNumber(unsubscribes.data.total)})` : ''}</Title>
        <Text size="sm" c="dimmed">
          People who followed an email’s unsubscribe link. Playbooks never email these addresses again.
        </Text>
      </div>
      <Paper withBorder>
        {unsubscribes.isPending ? (
          <TableSkeleton rows={3} columns={2} />
        ) : unsubscribes.isError ? (
          <ErrorState error={unsubscribes.error} title="Could not load unsubscribes" onRetry={() => void unsubscribes.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState title="Nobody has unsubscribed" icon={<IconMailOff size={22} />} />
        ) : (
          <>
            <Table verticalSpacing="xs" data-testid="unsubscribes-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Address</Table.Th>
                  <Table.Th>Unsubscribed</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {visible.map((item) => (
                  <Table.Tr key={item.email}>
                    <Table.Td>
                      <Text size="sm">{item.email}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Tooltip label={formatDateTime(item.unsubscribedAt)} withArrow>
                        <Text size="sm" span>
                          {formatRelative(item.unsubscribedAt)}
                        </Text>
                      </Tooltip>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {items.length > 10 ? (
              <Group justify="center" p="xs">
                <Button variant="subtle" size="xs" onClick={() => setShowAll((value) => !value)}>
                  {showAll ? 'Show fewer' : `Show all ${formatNumber(items.length)}`}
                </Button>
              </Group>
            ) : null}
          </>
        )}
      </Paper>
    </Stack>
  )
}

export function OutreachTab() {
  const session = useSession()
  const canWrite = session.can('config:write')
  const canReadLogs = session.can('customers:read')
  const smtp = useSmtpSettings()

  return (
    <Stack gap="xl" data-testid="outreach-tab">
      {smtp.isPending ? (
        <TableSkeleton rows={5} columns={3} />
      ) : smtp.isError ? (
        <ErrorState error={smtp.error} title="Could not load the mail server" onRetry={() => void smtp.refetch()} />
      ) : (
        <SmtpCard key={smtp.data.updatedAt ?? 'new'} settings={smtp.data} canWrite={canWrite} />
      )}
      <Destinations canWrite={canWrite} />
      {canReadLogs ? (
        <>
          <OutreachLogs />
          <Unsubscribes />
        </>
      ) : null}
    </Stack>
  )
}
