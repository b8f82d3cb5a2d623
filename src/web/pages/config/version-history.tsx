/** A document's version history: who, when, comment; view any version (with its difference from the live one) and restore it. */
import { useState } from 'react'
import { Button, Group, Modal, Paper, Skeleton, Stack, Text, Timeline, Title, Tooltip } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconEye, IconHistory, IconRestore } from '@tabler/icons-react'
import { errorMessage } from '../../api/client'
import { useConfigVersion, useConfigVersions, useRestoreConfigVersion, type ConfigDocument, type ConfigVersion, type OpenWorkAnswer } from '../../api/config'
import { useSession } from '../../auth/session'
import { ErrorState } from '../../components/query-state'
import { formatDateTime, formatRelative } from '../../lib/format'
import { BodyChanges, SegmentRuleCard, VersionStatusBadge, YamlBlock } from './config-parts'
import { OpenWorkQuestions, hasOpenWork, openWorkAnswered, settledText } from './open-work-questions'
import { bodyToYaml, diffBodies } from './yaml-tools'

function VersionModal({ document, version, onClose }: { document: ConfigDocument; version: ConfigVersion; onClose: () => void }) {
  const canWrite = useSession().can('config:write')
  const full = useConfigVersion(document.kind, document.key, version.version)
  const restore = useRestoreConfigVersion()
  const [answer, setAnswer] = useState<OpenWorkAnswer>({})
  const work = hasOpenWork(document.openWork) ? document.openWork : null
  const live = document.published
  const restorable = canWrite && version.status !== 'draft' && !version.live
  const changes = full.data && live ? diffBodies(live.body, full.data.body) : []

  const onRestore = () =>
    restore.mutate(
      { kind: document.kind, key: document.key, version: version.version, openWork: answer },
      {
        onSuccess: (restored) => {
          notifications.show({ color: 'teal', title: `Version ${version.version} restored`, message: `Published as version ${restored.published?.version ?? ''}.${settledText(restored.settled)}` })
          onClose()
        },
        onError: (error) => notifications.show({ color: 'red', title: 'Could not restore', message: errorMessage(error) }),
      },
    )

  return (
    <Modal opened onClose={onClose} size="xl" title={<Text fw={700}>{`Version ${version.version} of ${document.key}`}</Text>} data-testid="config-version-modal">
      <Stack gap="md">
        <Group gap="xs">
          <VersionStatusBadge status={version.status} live={version.live} />
          <Text size="sm" c="dimmed">
            {version.createdByLabel} · {formatDateTime(version.createdAt)}
          </Text>
        </Group>
        {version.comment ? <Text size="sm">“{version.comment}”</Text> : null}
        {full.isPending ? (
          <Skeleton height={200} />
        ) : full.isError ? (
          <ErrorState error={full.error} />
        ) : (
          <>
            {document.kind === 'segment' ? <SegmentRuleCard body={full.data.body} /> : null}
            <YamlBlock yaml={bodyToYaml(full.data.body)} />
            {live && !version.live ? (
              <Stack gap={6}>
                <Text size="sm" fw={600}>
                  Restoring it would change the live version {live.version}:
                </Text>
                <BodyChanges changes={changes} empty="Same as the live version." />
              </Stack>
            ) : null}
          </>
        )}
        {restorable && work ? <OpenWorkQuestions work={work} answer={answer} onChange={setAnswer} runsVerb="Let them finish on the version they started with" /> : null}
        {restorable ? (
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
            <Button
              leftSection={<IconRestore size={16} />}
              onClick={onRestore}
              loading={restore.isPending}
              disabled={full.isPending || (live !== null && changes.length === 0) || (work !== null && !openWorkAnswered(work, answer))}
              data-testid="config-restore-confirm"
            >
              Restore as a new version
            </Button>
          </Group>
        ) : null}
      </Stack>
    </Modal>
  )
}

export function VersionHistory({ document }: { document: ConfigDocument }) {
  const versions = useConfigVersions(document.kind, document.key)
  const canWrite = useSession().can('config:write')
  const [open, setOpen] = useState<ConfigVersion | null>(null)

  return (
    <Paper withBorder p="md" data-testid="config-version-history">
      <Group gap="xs" mb="md">
        <IconHistory size={18} />
        <Title order={4} fz="md">
          History
        </Title>
      </Group>
      {versions.isPending ? (
        <Stack gap="sm">
          <Skeleton height={40} />
          <Skeleton height={40} />
        </Stack>
      ) : versions.isError ? (
        <ErrorState error={versions.error} onRetry={() => void versions.refetch()} />
      ) : (
        <Timeline bulletSize={20} lineWidth={2} active={versions.data.items.findIndex((version) => version.live)}>
          {versions.data.items.map((version) => (
            <Timeline.Item
              key={version.version}
              title={
                <Group gap={6} wrap="nowrap">
                  <Text size="sm" fw={600}>
                    Version {version.version}
                  </Text>
                  <VersionStatusBadge status={version.status} live={version.live} />
                </Group>
              }
              data-testid={`config-version-${version.version}`}
            >
              {version.comment ? (
                <Text size="sm" lineClamp={3}>
                  {version.comment}
                </Text>
              ) : null}
              <Tooltip label={formatDateTime(version.createdAt)} withArrow>
                <Text size="xs" c="dimmed" mt={2}>
                  {version.createdByLabel} · {formatRelative(version.createdAt)}
                </Text>
              </Tooltip>
              {version.status !== 'draft' ? (
                <Button size="compact-xs" variant="subtle" mt={4} leftSection={<IconEye size={12} />} onClick={() => setOpen(version)} data-testid={`config-view-version-${version.version}`}>
                  {version.live || !canWrite ? 'View' : 'View / restore'}
                </Button>
              ) : null}
            </Timeline.Item>
          ))}
        </Timeline>
      )}
      {open ? <VersionModal document={document} version={open} onClose={() => setOpen(null)} /> : null}
    </Paper>
  )
}
