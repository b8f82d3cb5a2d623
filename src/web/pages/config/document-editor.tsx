/** Editing a document's draft as YAML: client-side parse, server-side validation shown by path and line, save or save-and-publish. */
import { useState, type ReactNode } from 'react'
import { Alert, Button, Group, Stack, Text, TextInput } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconAlertTriangle, IconDeviceFloppy, IconRocket } from '@tabler/icons-react'
import { ApiError, errorMessage } from '../../api/client'
import { usePublishConfigDraft, useSaveConfigDraft, type ConfigDocument } from '../../api/config'
import { SegmentRuleCard, YamlEditor, type EditorIssue } from './config-parts'
import { hasOpenWork } from './open-work-questions'
import { parseYamlBody } from './yaml-tools'

/** Server errors on `body.*` as paths inside the body; other fields (key, kind) stay as they are. */
function splitErrors(error: unknown): { body: EditorIssue[]; other: EditorIssue[] } {
  if (!(error instanceof ApiError)) return { body: [], other: [] }
  const body: EditorIssue[] = []
  const other: EditorIssue[] = []
  for (const fieldError of error.fieldErrors) {
    if (fieldError.field === 'body' || fieldError.field.startsWith('body.')) body.push({ path: fieldError.field.replace(/^body\.?/, ''), message: fieldError.message })
    else other.push({ path: fieldError.field, message: fieldError.message })
  }
  return { body, other }
}

export function DocumentEditor({
  kind,
  docKey,
  initialYaml,
  initialComment,
  onSaved,
  onCancel,
  onPublishAsks,
  keyInput,
}: {
  kind: string
  /** The key to save under (for a new document, what the key field holds). */
  docKey: string
  initialYaml: string
  initialComment: string
  onSaved: (document: ConfigDocument) => void
  onCancel?: () => void
  /** Save and publish found work under way (a playbook's runs, tasks): the draft is saved and the page asks what happens to it. */
  onPublishAsks?: (saved: ConfigDocument) => void
  /** The key field of a new document, shown above the editor. */
  keyInput?: ReactNode
}) {
  const [text, setText] = useState(initialYaml)
  const [comment, setComment] = useState(initialComment)
  const save = useSaveConfigDraft()
  const publish = usePublishConfigDraft()
  const parsed = parseYamlBody(text)
  const errors = splitErrors(save.error ?? publish.error)
  const busy = save.isPending || publish.isPending

  const submit = (andPublish: boolean) => {
    if (!parsed.ok || !docKey) return
    publish.reset()
    save.mutate(
      { kind, key: docKey, body: parsed.value, comment },
      {
        onSuccess: (saved) => {
          if (!andPublish) {
            notifications.show({ color: 'teal', title: 'Draft saved', message: `Version ${saved.draft?.version ?? ''} is a draft: publish it to make it live.` })
            onSaved(saved)
            return
          }
          if (hasOpenWork(saved.openWork)) {
            notifications.show({ color: 'yellow', title: 'Draft saved, not yet published', message: 'It has work under way: say what happens to it, then publish.' })
            onSaved(saved)
            onPublishAsks?.(saved)
            return
          }
          publish.mutate(
            { kind, key: docKey },
            {
              onSuccess: (published) => {
                notifications.show({ color: 'teal', title: 'Published', message: `Version ${published.published?.version ?? ''} is live.` })
                onSaved(published)
              },
            },
          )
        },
      },
    )
  }

  return (
    <Stack gap="md" data-testid="config-document-editor">
      {keyInput}
      {kind === 'segment' ? <SegmentRuleCard body={parsed.ok ? parsed.value : undefined} title="Rule (live preview)" /> : null}
      <YamlEditor
        label="Document (YAML)"
        value={text}
        onChange={setText}
        issues={errors.body}
        parseError={parsed.ok ? null : { line: parsed.line, message: parsed.message }}
      />
      {errors.other.length > 0 || ((save.isError || publish.isError) && errors.body.length === 0) ? (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="Not saved" data-testid="config-editor-problem">
          {errors.other.length > 0 ? errors.other.map((error) => `${error.path}: ${error.message}`).join('; ') : errorMessage(save.error ?? publish.error)}
        </Alert>
      ) : null}
      <TextInput
        label="Comment"
        description="What changed and why: shown in the version history."
        placeholder="e.g. Raised the enterprise threshold to $150k after the pricing change"
        value={comment}
        onChange={(event) => setComment(event.currentTarget.value)}
        maxLength={2000}
        data-testid="config-comment"
      />
      <Group justify="space-between">
        <Text size="xs" c="dimmed">
          Saving keeps one open draft; the published version stays live until you publish.
        </Text>
        <Group gap="xs">
          {onCancel ? (
            <Button variant="default" onClick={onCancel} disabled={busy}>
              Cancel
            </Button>
          ) : null}
          <Button variant="default" leftSection={<IconDeviceFloppy size={16} />} onClick={() => submit(false)} loading={save.isPending && !publish.isPending} disabled={!parsed.ok || !docKey || busy} data-testid="config-save-draft">
            Save draft
          </Button>
          <Button leftSection={<IconRocket size={16} />} onClick={() => submit(true)} loading={publish.isPending} disabled={!parsed.ok || !docKey || busy} data-testid="config-save-publish">
            Save and publish
          </Button>
        </Group>
      </Group>
    </Stack>
  )
}
