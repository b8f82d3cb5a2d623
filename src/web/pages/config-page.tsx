/** Configuration: every kind of configuration document (segments, …) with its documents, status and summary. */
import { Link, Navigate, useNavigate, useParams, useSearchParams } from 'react-router-dom'
import { Badge, Button, Group, Paper, Skeleton, Switch, Table, Tabs, Text, Tooltip } from '@mantine/core'
import { IconAdjustments, IconFileCode, IconPlus } from '@tabler/icons-react'
import { useConditionPreview, useConfigDocuments, useConfigKinds, type ConfigKindInfo, type ConfigListItem } from '../api/config'
import { useSession } from '../auth/session'
import { PageHeader } from '../components/page-header'
import { EmptyState, ErrorState, TableSkeleton } from '../components/query-state'
import { formatNumber, formatRelative, pluralize } from '../lib/format'
import { ConfigStateBadge, SegmentColor, isRecord } from './config/config-parts'

/** A segment's live account count. */
function SegmentCount({ condition }: { condition: unknown }) {
  const preview = useConditionPreview(condition ?? null, 0)
  if (!condition) return <Text size="sm">—</Text>
  if (preview.isPending) return <Skeleton height={10} width={36} ml="auto" />
  return (
    <Text size="sm" fw={600} ta="right">
      {preview.data ? formatNumber(preview.data.count) : '—'}
    </Text>
  )
}

function DocumentRow({ item, kind }: { item: ConfigListItem; kind: string }) {
  const navigate = useNavigate()
  const open = () => navigate(`/configuration/${kind}/${item.key}`)
  const body = isRecord(item.body) ? item.body : {}
  return (
    <Table.Tr style={{ cursor: 'pointer' }} onClick={open} data-testid={`config-row-${item.key}`}>
      <Table.Td>
        <Group gap="sm" wrap="nowrap">
          {kind === 'segment' ? <SegmentColor color={item.state === 'archived' ? 'gray' : body.color} /> : null}
          <div>
            <Text size="sm" fw={600} component={Link} to={`/configuration/${kind}/${item.key}`} onClick={(event) => event.stopPropagation()} c="var(--mantine-color-text)">
              {item.name ?? item.key}
            </Text>
            <Text size="xs" c="dimmed" ff="monospace">
              {item.key}
            </Text>
          </div>
        </Group>
      </Table.Td>
      <Table.Td>
        <Tooltip label={item.summary ?? ''} disabled={!item.summary || item.summary.length < 70} multiline maw={480} withArrow>
          <Text size="sm" ff="monospace" lineClamp={2} style={{ wordBreak: 'break-word' }} c={item.summary ? undefined : 'dimmed'}>
            {item.summary ?? '—'}
          </Text>
        </Tooltip>
      </Table.Td>
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <ConfigStateBadge state={item.state} />
          {item.publishedVersion ? (
            <Text size="xs" c="dimmed">
              v{item.publishedVersion}
            </Text>
          ) : null}
          {item.draftVersion ? (
            <Tooltip label={`Unpublished draft: version ${item.draftVersion}`} withArrow>
              <Badge size="xs" color="yellow" variant="light">
                draft v{item.draftVersion}
              </Badge>
            </Tooltip>
          ) : null}
        </Group>
      </Table.Td>
      {kind === 'segment' ? (
        <Table.Td ta="right">{item.state === 'archived' ? <Text size="sm">—</Text> : <SegmentCount condition={body.condition} />}</Table.Td>
      ) : null}
      <Table.Td>
        <Text size="sm">{formatRelative(item.updatedAt)}</Text>
        <Text size="xs" c="dimmed" truncate maw={180}>
          {item.updatedBy}
        </Text>
      </Table.Td>
    </Table.Tr>
  )
}

function KindPanel({ kind }: { kind: ConfigKindInfo }) {
  const [params, setParams] = useSearchParams()
  const archived = params.get('archived') === 'true'
  const documents = useConfigDocuments(kind.kind, archived)
  const canWrite = useSession().can('config:write')
  const columns = kind.kind === 'segment' ? 5 : 4

  return (
    <Paper withBorder>
      <Group justify="space-between" p="md" pb="sm" wrap="wrap">
        <Text size="sm" c="dimmed" maw={640}>
          {kind.description}
        </Text>
        <Switch
          size="sm"
          label="Show archived"
          checked={archived}
          onChange={(event) => setParams(event.currentTarget.checked ? { archived: 'true' } : {}, { replace: true })}
          data-testid="config-show-archived"
        />
      </Group>
      {documents.isPending ? (
        <TableSkeleton rows={5} columns={columns} />
      ) : documents.isError ? (
        <ErrorState error={documents.error} onRetry={() => void documents.refetch()} />
      ) : documents.data.items.length === 0 ? (
        <EmptyState
          title={`No ${kind.label.toLowerCase()} yet`}
          description={canWrite ? `Create the first one, or import a YAML file.` : 'An admin can create them.'}
          icon={<IconAdjustments size={22} />}
          action={
            canWrite ? (
              <Button component={Link} to={`/configuration/${kind.kind}/new`} size="xs" leftSection={<IconPlus size={14} />}>
                New {kind.kind}
              </Button>
            ) : undefined
          }
        />
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table highlightOnHover verticalSpacing="sm" data-testid="config-documents-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w="24%">Name</Table.Th>
                <Table.Th>{kind.kind === 'segment' ? 'Rule' : 'Summary'}</Table.Th>
                <Table.Th w={190}>Status</Table.Th>
                {kind.kind === 'segment' ? (
                  <Table.Th w={90} ta="right">
                    Accounts
                  </Table.Th>
                ) : null}
                <Table.Th w={170}>Last change</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {documents.data.items.map((item) => (
                <DocumentRow key={item.key} item={item} kind={kind.kind} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  )
}

export default function ConfigPage() {
  const { kind: kindParam } = useParams()
  const navigate = useNavigate()
  const session = useSession()
  const kinds = useConfigKinds()
  const canWrite = session.can('config:write')

  if (kinds.isPending) {
    return (
      <>
        <PageHeader title="Configuration" />
        <TableSkeleton rows={6} columns={4} />
      </>
    )
  }
  if (kinds.isError) return <ErrorState error={kinds.error} onRetry={() => void kinds.refetch()} />
  const current = kinds.data.items.find((kind) => kind.kind === kindParam) ?? kinds.data.items[0]
  if (!current) return <EmptyState title="No configuration kinds" />
  if (kindParam !== current.kind) return <Navigate to={`/configuration/${current.kind}`} replace />

  return (
    <>
      <PageHeader
        title="Configuration"
        description="Segments and the rest of how your team works, as versioned documents: every change is kept, any version can be restored."
        actions={
          <>
            <Button component={Link} to="/configuration/yaml" variant="default" leftSection={<IconFileCode size={16} />} data-testid="config-yaml-link">
              {canWrite ? 'Export / import YAML' : 'Export YAML'}
            </Button>
            {canWrite ? (
              <Button component={Link} to={`/configuration/${current.kind}/new`} leftSection={<IconPlus size={16} />} data-testid="config-new">
                New {current.kind}
              </Button>
            ) : null}
          </>
        }
      />
      <Tabs value={current.kind} onChange={(value) => value && navigate(`/configuration/${value}`)} keepMounted={false}>
        <Tabs.List mb="md">
          {kinds.data.items.map((kind) => (
            <Tabs.Tab
              key={kind.kind}
              value={kind.kind}
              rightSection={
                <Tooltip label={`${pluralize(kind.published, 'published document')}${kind.drafts ? `, ${pluralize(kind.drafts, 'open draft')}` : ''}`} withArrow>
                  <Badge size="xs" variant="light" color={kind.drafts ? 'yellow' : 'gray'} circle={kind.published < 10}>
                    {kind.published}
                  </Badge>
                </Tooltip>
              }
              data-testid={`config-kind-${kind.kind}`}
            >
              {kind.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {kinds.data.items.map((kind) => (
          <Tabs.Panel key={kind.kind} value={kind.kind}>
            <KindPanel kind={kind} />
          </Tabs.Panel>
        ))}
      </Tabs>
    </>
  )
}
