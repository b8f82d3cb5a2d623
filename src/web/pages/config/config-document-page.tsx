/** One configuration document: its live version, open draft (with the difference), YAML editor, history with restore, publish and archive. */
import { useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router-dom'
import { Alert, Anchor, Badge, Breadcrumbs, Button, Code, Grid, Group, Menu, Modal, Paper, Stack, Text, TextInput, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconArchive, IconDots, IconEdit, IconPencilOff, IconRocket, IconTrash } from '@tabler/icons-react'
import { errorMessage, isApiError } from '../../api/client'
import { useArchiveConfigDocument, useConfigDocument, useConfigKinds, useDiscardConfigDraft, usePublishConfigDraft, type ConfigDocument, type ConfigVersion, type OpenWorkAnswer } from '../../api/config'
import { useSession } from '../../auth/session'
import { CardSkeleton, EmptyState, ErrorState } from '../../components/query-state'
import { formatDateTime, formatRelative } from '../../lib/format'
import { BodyChanges, ConfigStateBadge, SegmentColor, SegmentRuleCard, YamlBlock, bodyName, isRecord } from './config-parts'
import { DocumentEditor } from './document-editor'
import { OpenWorkQuestions, hasOpenWork, openWorkAnswered, settledText } from './open-work-questions'
import { VersionHistory } from './version-history'
import { bodyToYaml, diffBodies } from './yaml-tools'

function VersionMeta({ version }: { version: ConfigVersion }) {
  return (
    <Text size="xs" c="dimmed">
      Version {version.version} · {version.createdByLabel} · <span title={formatDateTime(version.createdAt)}>{formatRelative(version.createdAt)}</span>
      {version.comment ? ` · “${version.comment}”` : ''}
    </Text>
  )
}

function PublishModal({ document, onClose }: { document: ConfigDocument; onClose: () => void }) {
  const publish = usePublishConfigDraft()
  const [comment, setComment] = useState('')
  const [answer, setAnswer] = useState<OpenWorkAnswer>({})
  const draft = document.draft
  if (!draft) return null
  const changes = diffBodies(document.published?.body ?? {}, draft.body)
  const work = hasOpenWork(document.openWork) ? document.openWork : null
  const onPublish = () =>
    publish.mutate(
      { kind: document.kind, key: document.key, comment: comment.trim() || undefined, openWork: answer },
      {
        onSuccess: (published) => {
          notifications.show({ color: 'teal', title: 'Published', message: `Version ${published.published?.version ?? ''} of ${document.key} is live.${settledText(published.settled)}` })
          onClose()
        },
      },
    )
  return (
    <Modal opened onClose={onClose} size="lg" title={<Text fw={700}>Publish version {draft.version}</Text>} data-testid="config-publish-modal">
      <Stack gap="md">
        <Text size="sm">
          {document.published ? `It replaces the live version ${document.published.version}:` : 'This is the first published version.'}
        </Text>
        {document.published ? <BodyChanges changes={changes} empty="No differences from the live version." /> : null}
        {work ? <OpenWorkQuestions work={work} answer={answer} onChange={setAnswer} runsVerb={document.published ? `Let them finish on version ${document.published.version}` : 'Let them finish on the version they started with'} /> : null}
        {publish.isError ? (
          <Alert color="red" variant="light" title="Not published">
            {errorMessage(publish.error)}
          </Alert>
        ) : null}
        <TextInput label="Comment" placeholder={draft.comment || 'What changed and why'} value={comment} onChange={(event) => setComment(event.currentTarget.value)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            leftSection={<IconRocket size={16} />}
            onClick={onPublish}
            loading={publish.isPending}
            disabled={work !== null && !openWorkAnswered(work, answer)}
            data-testid="config-publish-confirm"
          >
            Publish
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

function ArchiveModal({ document, onClose }: { document: ConfigDocument; onClose: () => void }) {
  const archive = useArchiveConfigDocument()
  const navigate = useNavigate()
  const [answer, setAnswer] = useState<OpenWorkAnswer>({})
  const work = hasOpenWork(document.openWork) ? document.openWork : null
  const onArchive = () =>
    archive.mutate(
      { kind: document.kind, key: document.key, openWork: answer },
      {
        onSuccess: (archived) => {
          notifications.show({ color: 'gray', title: 'Archived', message: `${document.key} is no longer live. Restore a version to bring it back.${settledText(archived.settled)}` })
          onClose()
          navigate(`/configuration/${document.kind}`)
        },
      },
    )
  return (
    <Modal opened onClose={onClose} title={<Text fw={700}>Archive {bodyName(document.published?.body ?? document.draft?.body) ?? document.key}?</Text>}>
      <Stack gap="md">
        <Text size="sm">
          Nothing of it stays live{document.draft ? ' and its open draft is dropped' : ''}. Its history is kept: restoring any version brings it back.
        </Text>
        {work ? <OpenWorkQuestions work={work} answer={answer} onChange={setAnswer} runsVerb="Let them finish on the version they started with" /> : null}
        {archive.isError ? (
          <Alert color="red" variant="light">
            {errorMessage(archive.error)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            color="red"
            leftSection={<IconArchive size={16} />}
            onClick={onArchive}
            loading={archive.isPending}
            disabled={work !== null && !openWorkAnswered(work, answer)}
            data-testid="config-archive-confirm"
          >
            Archive
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

export default function ConfigDocumentPage() {
  const { kind = '', key = '' } = useParams()
  const session = useSession()
  const canWrite = session.can('config:write')
  const kinds = useConfigKinds()
  const query = useConfigDocument(kind, key)
  const discard = useDiscardConfigDraft()
  const [editing, setEditing] = useState(false)
  const [dialog, setDialog] = useState<'publish' | 'archive' | null>(null)
  const kindInfo = kinds.data?.items.find((candidate) => candidate.kind === kind)
  const crumbs = (
    <Breadcrumbs mb="xs" separatorMargin={6}>
      <Anchor component={Link} to="/configuration" size="sm">
        Configuration
      </Anchor>
      <Anchor component={Link} to={`/configuration/${kind}`} size="sm">
        {kindInfo?.label ?? kind}
      </Anchor>
      <Text size="sm" c="dimmed">
        {key}
      </Text>
    </Breadcrumbs>
  )

  if (query.isPending) {
    return (
      <>
        {crumbs}
        <CardSkeleton height={260} />
      </>
    )
  }
  if (query.isError) {
    return (
      <>
        {crumbs}
        {isApiError(query.error, 404) ? (
          <EmptyState title="No such document" description={errorMessage(query.error)} action={<Button component={Link} to={`/configuration/${kind}`} variant="default" size="xs">Back to the list</Button>} />
        ) : (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        )}
      </>
    )
  }

  const document = query.data
  const current = document.published ?? document.draft ?? document.archived
  const body = isRecord(current?.body) ? current.body : {}
  const name = bodyName(current?.body) ?? document.key
  const description = typeof body.description === 'string' ? body.description : null
  const draftChanges = document.draft && document.published ? diffBodies(document.published.body, document.draft.body) : []
  const editFrom = document.draft ?? document.published ?? document.archived

  const onDiscard = () =>
    discard.mutate(
      { kind, key },
      {
        onSuccess: () => notifications.show({ color: 'gray', title: 'Draft discarded', message: document.published ? `Version ${document.published.version} stays live.` : 'The document has no versions left.' }),
        onError: (error) => notifications.show({ color: 'red', title: 'Could not discard', message: errorMessage(error) }),
      },
    )

  return (
    <>
      {crumbs}
      <Group justify="space-between" align="flex-start" mb="lg" wrap="wrap" gap="sm">
        <Stack gap={4}>
          <Group gap="sm" wrap="nowrap">
            {kind === 'segment' ? <SegmentColor color={body.color} size={16} /> : null}
            <Title order={2} fz={24} data-testid="config-document-name">
              {name}
            </Title>
            <ConfigStateBadge state={document.state} />
            {document.draft ? (
              <Badge color="yellow" variant="light" size="sm">
                draft v{document.draft.version}
              </Badge>
            ) : null}
          </Group>
          <Group gap="xs">
            <Code>{`${document.kind}/${document.key}`}</Code>
            {description ? (
              <Text size="sm" c="dimmed">
                {description}
              </Text>
            ) : null}
          </Group>
        </Stack>
        {canWrite && !editing ? (
          <Group gap="xs">
            <Button variant="default" leftSection={<IconEdit size={16} />} onClick={() => setEditing(true)} data-testid="config-edit">
              {document.draft ? 'Edit draft' : 'Edit'}
            </Button>
            {document.draft ? (
              <Button leftSection={<IconRocket size={16} />} onClick={() => setDialog('publish')} data-testid="config-publish">
                Publish draft
              </Button>
            ) : null}
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button variant="default" px="xs" aria-label="More actions">
                  <IconDots size={16} />
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item leftSection={<IconTrash size={14} />} disabled={!document.draft} onClick={onDiscard} data-testid="config-discard-draft">
                  Discard draft
                </Menu.Item>
                <Menu.Item color="red" leftSection={<IconArchive size={14} />} disabled={document.state === 'archived' && !document.draft} onClick={() => setDialog('archive')} data-testid="config-archive">
                  Archive
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        ) : null}
      </Group>

      {document.state === 'archived' && document.archived ? (
        <Alert color="gray" variant="light" icon={<IconArchive size={18} />} mb="lg" title="Archived">
          {document.archived.createdByLabel} archived it {formatRelative(document.archived.createdAt)}. Nothing of it is live; restore a version from the history to bring it
          back.
        </Alert>
      ) : null}

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="lg">
            {editing && editFrom ? (
              <Paper withBorder p="md">
                <Group gap="xs" mb="sm">
                  <IconEdit size={18} />
                  <Title order={4} fz="md">
                    {document.draft ? `Edit draft (version ${document.draft.version})` : 'New draft'}
                  </Title>
                </Group>
                <DocumentEditor
                  kind={kind}
                  docKey={key}
                  initialYaml={bodyToYaml(editFrom.body)}
                  initialComment={document.draft?.comment ?? ''}
                  onSaved={() => setEditing(false)}
                  onPublishAsks={() => setDialog('publish')}
                  onCancel={() => setEditing(false)}
                />
              </Paper>
            ) : (
              <>
                {kind === 'segment' && document.published ? <SegmentRuleCard body={document.published.body} /> : null}
                {document.draft ? (
                  <Paper withBorder p="md" style={{ borderColor: 'var(--mantine-color-yellow-5)' }} data-testid="config-draft">
                    <Group justify="space-between" mb={4}>
                      <Group gap="xs">
                        <IconPencilOff size={18} color="var(--mantine-color-yellow-7)" />
                        <Title order={4} fz="md">
                          Unpublished draft
                        </Title>
                      </Group>
                    </Group>
                    <VersionMeta version={document.draft} />
                    <Stack gap="sm" mt="sm">
                      {document.published ? (
                        <>
                          <Text size="sm" fw={600}>
                            Changes from the live version {document.published.version}
                          </Text>
                          <BodyChanges changes={draftChanges} empty="Same as the live version." />
                        </>
                      ) : (
                        <>
                          {kind === 'segment' ? <SegmentRuleCard body={document.draft.body} /> : null}
                          <YamlBlock yaml={bodyToYaml(document.draft.body)} />
                        </>
                      )}
                    </Stack>
                  </Paper>
                ) : null}
                {document.published ? (
                  <Paper withBorder p="md" data-testid="config-published">
                    <Group gap="xs" mb={4}>
                      <Title order={4} fz="md">
                        Live version
                      </Title>
                      <Badge color="teal" variant="light" size="sm">
                        v{document.published.version}
                      </Badge>
                    </Group>
                    <VersionMeta version={document.published} />
                    <Stack mt="sm">
                      <YamlBlock yaml={bodyToYaml(document.published.body)} />
                    </Stack>
                  </Paper>
                ) : null}
                {!document.published && !document.draft && document.archived ? (
                  <Paper withBorder p="md">
                    <Title order={4} fz="md" mb={4}>
                      Last content
                    </Title>
                    <YamlBlock yaml={bodyToYaml(document.archived.body)} />
                  </Paper>
                ) : null}
              </>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <VersionHistory document={document} />
        </Grid.Col>
      </Grid>
      {dialog === 'publish' ? <PublishModal document={document} onClose={() => setDialog(null)} /> : null}
      {dialog === 'archive' ? <ArchiveModal document={document} onClose={() => setDialog(null)} /> : null}
    </>
  )
}
