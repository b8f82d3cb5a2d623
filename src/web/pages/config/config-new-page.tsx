/** A new configuration document: its key, then the body as YAML starting from the kind's example. */
import { useState } from 'react'
import { Link, Navigate, useNavigate, useParams } from 'react-router-dom'
import { Anchor, Breadcrumbs, Paper, Text, TextInput } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { useConfigDocument, useConfigKinds } from '../../api/config'
import { useSession } from '../../auth/session'
import { PageHeader } from '../../components/page-header'
import { CardSkeleton, ErrorState } from '../../components/query-state'
import { DocumentEditor } from './document-editor'
import { bodyToYaml } from './yaml-tools'

const KEY_PATTERN = /^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$/
/** As the server checks it: a slug, and not "new" (this page's own URL). */
const validKey = (key: string) => KEY_PATTERN.test(key) && key !== 'new'

const slugify = (text: string) =>
  text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)

export default function ConfigNewPage() {
  const { kind = '' } = useParams()
  const navigate = useNavigate()
  const canWrite = useSession().can('config:write')
  const kinds = useConfigKinds()
  const [key, setKey] = useState('')
  const [touched, setTouched] = useState(false)
  const [checkedKey] = useDebouncedValue(validKey(key) ? key : '', 300)
  // A key that is taken would save a draft over an existing document: say so instead.
  const existing = useConfigDocument(kind, checkedKey, checkedKey !== '')
  const taken = checkedKey !== '' && checkedKey === key && existing.isSuccess

  if (!canWrite) return <Navigate to={`/configuration/${kind}`} replace />
  if (kinds.isPending) return <CardSkeleton height={400} />
  if (kinds.isError) return <ErrorState error={kinds.error} onRetry={() => void kinds.refetch()} />
  const info = kinds.data.items.find((candidate) => candidate.kind === kind)
  if (!info) return <Navigate to="/configuration" replace />

  const example = info.example ?? {}
  const exampleName = typeof example === 'object' && example !== null && 'name' in example && typeof example.name === 'string' ? example.name : 'my-document'
  const keyError = taken ? (
    <>
      Already used by <Anchor component={Link} to={`/configuration/${kind}/${key}`} size="xs">{key}</Anchor>: pick another key or edit that one
    </>
  ) : touched && key && !validKey(key) ? 'Lower-case letters, digits, - and _ (starting and ending with a letter or digit)' : null

  return (
    <>
      <Breadcrumbs mb="xs" separatorMargin={6}>
        <Anchor component={Link} to="/configuration" size="sm">
          Configuration
        </Anchor>
        <Anchor component={Link} to={`/configuration/${kind}`} size="sm">
          {info.label}
        </Anchor>
        <Text size="sm" c="dimmed">
          new
        </Text>
      </Breadcrumbs>
      <PageHeader title={`New ${info.kind}`} description={info.description} />
      <Paper withBorder p="md" maw={980}>
        <DocumentEditor
          kind={kind}
          docKey={validKey(key) && !taken && checkedKey === key && !existing.isFetching ? key : ''}
          initialYaml={bodyToYaml(example)}
          initialComment="First version"
          onSaved={(document) => navigate(`/configuration/${document.kind}/${document.key}`, { replace: true })}
          onCancel={() => navigate(`/configuration/${kind}`)}
          keyInput={
            <TextInput
              label="Key"
              description="The document's permanent id in URLs, the API and YAML files (cannot be changed later)."
              placeholder={slugify(exampleName)}
              value={key}
              onChange={(event) => setKey(event.currentTarget.value.trim())}
              onBlur={() => setTouched(true)}
              error={keyError}
              required
              maw={420}
              data-testid="config-new-key"
            />
          }
        />
      </Paper>
    </>
  )
}
