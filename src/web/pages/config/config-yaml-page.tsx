/** Configuration as code: download every published document as YAML; paste or upload a file, plan it, apply it all or nothing. */
import { useState } from 'react'
import { Link } from 'react-router-dom'
import { Alert, Anchor, Badge, Breadcrumbs, Button, Checkbox, Code, FileButton, Group, Paper, SimpleGrid, Stack, Table, Text, TextInput, Textarea, ThemeIcon, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconAlertTriangle, IconCheck, IconDownload, IconFileImport, IconListCheck, IconPlayerPlay, IconTerminal2, IconUpload } from '@tabler/icons-react'
import { errorMessage } from '../../api/client'
import { configApi, useApplyConfig, usePlanConfig, type ConfigPlan, type OpenWorkAnswer, type PlanAction } from '../../api/config'
import { useSession } from '../../auth/session'
import { PageHeader } from '../../components/page-header'
import { pluralize } from '../../lib/format'
import { OpenWorkQuestions, hasOpenWork, openWorkAnswered, settledText } from './open-work-questions'

const actionColors: Record<PlanAction, string> = { create: 'teal', update: 'blue', unchanged: 'gray', archive: 'red' }
const actionLabels: Record<PlanAction, string> = { create: 'create', update: 'update', unchanged: 'unchanged', archive: 'archive' }

function download(text: string, fileName: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/yaml' }))
  const link = window.document.createElement('a')
  link.href = url
  link.download = fileName
  link.click()
  URL.revokeObjectURL(url)
}

function ExportCard() {
  const session = useSession()
  const [busy, setBusy] = useState(false)
  const onDownload = async () => {
    setBusy(true)
    try {
      download(await configApi.exportYaml(), `bosun-config-${session.workspace.slug}.yaml`)
    } catch (error) {
      notifications.show({ color: 'red', title: 'Export failed', message: errorMessage(error) })
    } finally {
      setBusy(false)
    }
  }
  return (
    <Paper withBorder p="lg">
      <Group gap="sm" mb="sm" wrap="nowrap" align="flex-start">
        <ThemeIcon variant="light" size="lg">
          <IconDownload size={18} />
        </ThemeIcon>
        <div>
          <Title order={4} fz="md">
            Export
          </Title>
          <Text size="sm" c="dimmed">
            Every published document in one YAML file, in a stable order so that two exports diff cleanly. Keep it in Git, review changes, apply them back.
          </Text>
        </div>
      </Group>
      <Button leftSection={<IconDownload size={16} />} onClick={() => void onDownload()} loading={busy} data-testid="config-export-download">
        Download YAML
      </Button>
    </Paper>
  )
}

function CliCard() {
  return (
    <Paper withBorder p="lg">
      <Group gap="sm" mb="sm" wrap="nowrap" align="flex-start">
        <ThemeIcon variant="light" size="lg" color="gray">
          <IconTerminal2 size={18} />
        </ThemeIcon>
        <div>
          <Title order={4} fz="md">
            From the command line
          </Title>
          <Text size="sm" c="dimmed">
            The same plan and apply, for CI pipelines and reviews.
          </Text>
        </div>
      </Group>
      <Code block fz="xs">
        {['npx bosun config export --out config.yaml', 'npx bosun config plan config.yaml', 'npx bosun config apply config.yaml'].join('\n')}
      </Code>
    </Paper>
  )
}

function PlanView({ plan }: { plan: ConfigPlan }) {
  const changed = plan.documents.filter((document) => document.action !== 'unchanged')
  const unchanged = plan.documents.length - changed.length
  return (
    <Stack gap="md" data-testid="config-plan">
      <Group gap="xs">
        {(['create', 'update', 'archive', 'unchanged'] as const).map((action) => (
          <Badge key={action} color={plan.counts[action] > 0 ? actionColors[action] : 'gray'} variant={plan.counts[action] > 0 && action !== 'unchanged' ? 'filled' : 'light'} size="lg" tt="none" data-testid={`config-plan-${action}`}>
            {plan.counts[action]} {plan.applied && action !== 'unchanged' ? `${action}d` : actionLabels[action]}
          </Badge>
        ))}
      </Group>
      {plan.errors.length > 0 ? (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={`${pluralize(plan.errors.length, 'error')}: nothing can be applied until they are fixed`} data-testid="config-plan-errors">
          <Table verticalSpacing={4} fz="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Document</Table.Th>
                <Table.Th>Where</Table.Th>
                <Table.Th>Problem</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {plan.errors.map((error, index) => (
                <Table.Tr key={`${error.field}-${index}`}>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      {error.document ?? '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace" fw={600} style={{ wordBreak: 'break-all' }}>
                      {error.field}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs">{error.message}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Alert>
      ) : null}
      {changed.length > 0 ? (
        <Table withTableBorder verticalSpacing="xs" data-testid="config-plan-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={110}>Action</Table.Th>
              <Table.Th w="26%">Document</Table.Th>
              <Table.Th w={110}>Version</Table.Th>
              <Table.Th>Changes</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {changed.map((document) => (
              <Table.Tr key={`${document.kind}/${document.key}`}>
                <Table.Td>
                  <Badge color={actionColors[document.action]} variant="light" size="sm">
                    {actionLabels[document.action]}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/configuration/${document.kind}/${document.key}`} size="sm" ff="monospace">
                    {document.kind}/{document.key}
                  </Anchor>
                  {document.summary ? (
                    <Text size="xs" c="dimmed" lineClamp={2}>
                      {document.summary}
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {document.currentVersion ? `v${document.currentVersion}` : 'new'}
                    {document.newVersion ? ` → v${document.newVersion}` : ''}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Stack gap={2}>
                    {document.changes.map((change) => (
                      <Text key={change.path} size="xs" ff="monospace" style={{ wordBreak: 'break-word' }} c={change.change === 'removed' ? 'red' : change.change === 'added' ? 'teal' : undefined}>
                        {change.text}
                      </Text>
                    ))}
                    {document.notes.map((note) => (
                      <Text key={note} size="xs" c="orange">
                        {note}
                      </Text>
                    ))}
                    {settledText(document.settled) ? (
                      <Text size="xs" c="dimmed">
                        Done:{settledText(document.settled)}
                      </Text>
                    ) : null}
                  </Stack>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : plan.errors.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing to change: every document in the file is what is published.
        </Text>
      ) : null}
      {unchanged > 0 ? (
        <Text size="xs" c="dimmed">
          Unchanged: {plan.documents.filter((document) => document.action === 'unchanged').map((document) => `${document.kind}/${document.key}`).join(', ')}
        </Text>
      ) : null}
    </Stack>
  )
}

function ImportCard() {
  const [yaml, setYaml] = useState('')
  const [prune, setPrune] = useState(false)
  const [comment, setComment] = useState('')
  const plan = usePlanConfig()
  const apply = useApplyConfig()
  const [planned, setPlanned] = useState<{ yaml: string; prune: boolean } | null>(null)
  const [loading, setLoading] = useState(false)
  const current = planned && planned.yaml === yaml && planned.prune === prune
  const result = apply.data ?? (current ? plan.data : undefined)
  const changes = plan.data ? plan.data.counts.create + plan.data.counts.update + plan.data.counts.archive : 0
  const [answer, setAnswer] = useState<OpenWorkAnswer>({})
  // The work under way of every playbook the file changes: one answer for all of them.
  const work = (plan.data?.documents ?? []).reduce((sum, document) => ({ runs: sum.runs + (document.openWork?.runs ?? 0), tasks: sum.tasks + (document.openWork?.tasks ?? 0) }), { runs: 0, tasks: 0 })

  const onPlan = () => {
    apply.reset()
    plan.mutate({ yaml, prune }, { onSuccess: () => setPlanned({ yaml, prune }) })
  }
  const onApply = () =>
    apply.mutate(
      { yaml, prune, comment: comment.trim() || undefined, openWork: answer },
      {
        onSuccess: (applied) => {
          setPlanned(null)
          notifications.show({ color: 'teal', title: 'Configuration applied', message: `${pluralize(applied.counts.create + applied.counts.update, 'document')} published, ${applied.counts.archive} archived.` })
        },
      },
    )
  const loadCurrent = async () => {
    setLoading(true)
    try {
      setYaml(await configApi.exportYaml())
    } catch (error) {
      notifications.show({ color: 'red', title: 'Could not load the export', message: errorMessage(error) })
    } finally {
      setLoading(false)
    }
  }
  const onFile = async (file: File | null) => {
    if (!file) return
    setYaml(await file.text())
  }

  return (
    <Paper withBorder p="lg">
      <Group gap="sm" mb="md" wrap="nowrap" align="flex-start">
        <ThemeIcon variant="light" size="lg" color="grape">
          <IconFileImport size={18} />
        </ThemeIcon>
        <div>
          <Title order={4} fz="md">
            Import
          </Title>
          <Text size="sm" c="dimmed">
            Paste or upload a file, check the plan, then apply it: every created or changed document gets a new published version, all or nothing. Nothing is
            written by planning.
          </Text>
        </div>
      </Group>
      <Stack gap="sm">
        <Group gap="xs">
          <FileButton onChange={(file) => void onFile(file)} accept=".yaml,.yml,text/yaml,application/yaml,text/plain">
            {(props) => (
              <Button {...props} variant="default" size="xs" leftSection={<IconUpload size={14} />} data-testid="config-import-upload">
                Upload a file
              </Button>
            )}
          </FileButton>
          <Button variant="default" size="xs" onClick={() => void loadCurrent()} loading={loading} data-testid="config-import-load-current">
            Start from the current configuration
          </Button>
        </Group>
        <Textarea
          value={yaml}
          onChange={(event) => setYaml(event.currentTarget.value)}
          placeholder={'workspace: …\ndocuments:\n  - kind: segment\n    key: enterprise\n    body:\n      name: Enterprise\n      condition: { field: arr, op: gte, value: 100000 }'}
          autosize
          minRows={12}
          maxRows={30}
          spellCheck={false}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13, lineHeight: 1.55 } }}
          data-testid="config-import-yaml"
        />
        <Group justify="space-between" align="flex-end" wrap="wrap">
          <Stack gap="xs">
            <Checkbox
              label="Archive published documents that the file leaves out"
              checked={prune}
              onChange={(event) => setPrune(event.currentTarget.checked)}
              data-testid="config-import-prune"
            />
            <TextInput size="xs" w={420} placeholder="Comment for the new versions (default: Applied from YAML)" value={comment} onChange={(event) => setComment(event.currentTarget.value)} />
          </Stack>
          <Group gap="xs">
            <Button variant="default" leftSection={<IconListCheck size={16} />} onClick={onPlan} loading={plan.isPending} disabled={yaml.trim() === ''} data-testid="config-plan-button">
              Plan
            </Button>
            <Button
              leftSection={<IconPlayerPlay size={16} />}
              onClick={onApply}
              loading={apply.isPending}
              disabled={!current || !plan.data?.valid || changes === 0 || apply.isSuccess || !openWorkAnswered(work, answer)}
              data-testid="config-apply-button"
            >
              {plan.data && current && changes > 0 ? `Apply ${pluralize(changes, 'change')}` : 'Apply'}
            </Button>
          </Group>
        </Group>
        {current && hasOpenWork(work) && !apply.isSuccess ? (
          <Alert color="yellow" variant="light" title="Playbooks in this file have work under way" data-testid="config-apply-open-work">
            <OpenWorkQuestions work={work} answer={answer} onChange={setAnswer} runsVerb="Let them finish on the version they started with" />
          </Alert>
        ) : null}
        {plan.isError || apply.isError ? (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={apply.isError ? 'Nothing was applied' : 'Could not plan'}>
            {errorMessage(apply.error ?? plan.error)}
          </Alert>
        ) : null}
        {planned && !current && plan.data ? (
          <Text size="xs" c="orange">
            The file changed since the plan: plan again before applying.
          </Text>
        ) : null}
        {apply.isSuccess ? (
          <Alert color="teal" variant="light" icon={<IconCheck size={18} />} title="Applied" data-testid="config-applied">
            Every change below is live; each document&apos;s history shows the new version.
          </Alert>
        ) : null}
        {result ? <PlanView plan={result} /> : null}
      </Stack>
    </Paper>
  )
}

export default function ConfigYamlPage() {
  const canWrite = useSession().can('config:write')
  return (
    <>
      <Breadcrumbs mb="xs" separatorMargin={6}>
        <Anchor component={Link} to="/configuration" size="sm">
          Configuration
        </Anchor>
        <Text size="sm" c="dimmed">
          YAML
        </Text>
      </Breadcrumbs>
      <PageHeader title="Configuration as code" description="All published configuration as one YAML file: export it, review it, plan and apply changes." />
      <Stack gap="lg" maw={1100}>
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <ExportCard />
          <CliCard />
        </SimpleGrid>
        {canWrite ? <ImportCard /> : null}
      </Stack>
    </>
  )
}
