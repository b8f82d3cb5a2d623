/** The import wizard: choose what and which file, check the guessed mapping, dry-run, then import. */
import { useState } from 'react'
import { Alert, Badge, Button, FileInput, Group, Paper, Progress, Select, SimpleGrid, Stack, Stepper, Switch, Table, Text, Tooltip } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconAlertTriangle, IconArrowLeft, IconFileSpreadsheet, IconPlayerPlay, IconRefresh, IconUpload } from '@tabler/icons-react'
import { ApiError, errorMessage } from '../../api/client'
import {
  isRunning,
  readCsvHead,
  useApplyImport,
  useGuessMapping,
  useImportKinds,
  useImportRun,
  useUploadImport,
  type ImportKind,
  type ImportKindDescription,
} from '../../api/imports'
import { ErrorState } from '../../components/query-state'
import { formatNumber } from '../../lib/format'
import { ImportRunPanel } from './import-run-panel'
import { kindLabels } from './import-badges'

const IGNORE = '__ignore__'
const TRAIT = 'trait:'

type Head = { headers: string[]; samples: string[][] }

/** Required fields the mapping leaves out (a contact needs an external id or an email). */
function missingFields(description: ImportKindDescription | undefined, mapping: Record<string, string | null>): string[] {
  if (!description) return []
  const mapped = new Set(Object.values(mapping).filter(Boolean))
  const missing = description.fields.filter((field) => field.required && !mapped.has(field.name)).map((field) => field.label)
  if (description.kind === 'contacts' && !mapped.has('externalId') && !mapped.has('email')) missing.push('External id or Email')
  return missing
}

function MappingTable({
  head,
  description,
  mapping,
  onChange,
}: {
  head: Head
  description: ImportKindDescription
  mapping: Record<string, string | null>
  onChange: (column: string, field: string | null) => void
}) {
  const taken = new Map(Object.entries(mapping).filter(([, field]) => field && !field.startsWith(TRAIT)).map(([column, field]) => [field as string, column]))
  const options = [
    { value: IGNORE, label: 'Don’t import' },
    ...description.fields.map((field) => ({
      value: field.name,
      label: `${field.label}${field.required || field.requiredOnCreate ? ' *' : ''}`,
    })),
    ...(description.traits ? [{ value: TRAIT, label: 'Custom trait (named after the column)' }] : []),
  ]
  const fieldOf = (name: string | null) => description.fields.find((field) => field.name === name)
  return (
    <Table verticalSpacing={8} striped data-testid="mapping-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w="28%">Column in the file</Table.Th>
          <Table.Th w="32%">Sample values</Table.Th>
          <Table.Th>Goes to</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {head.headers.map((column, index) => {
          const target = mapping[column] ?? null
          const value = target === null ? IGNORE : target.startsWith(TRAIT) ? TRAIT : target
          const field = fieldOf(target)
          const samples = head.samples.map((row) => row[index] ?? '').filter((sample) => sample.trim() !== '')
          return (
            <Table.Tr key={column} data-testid={`mapping-row-${column}`}>
              <Table.Td>
                <Text size="sm" fw={600}>
                  {column}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="xs" c="dimmed" lineClamp={2}>
                  {samples.length > 0 ? samples.join(' · ') : 'empty in the first rows'}
                </Text>
              </Table.Td>
              <Table.Td>
                <Stack gap={2}>
                  <Select
                    size="xs"
                    data={options.map((option) => ({
                      ...option,
                      // A field mapped from another column is shown as taken.
                      disabled: option.value !== value && taken.has(option.value) && taken.get(option.value) !== column,
                    }))}
                    value={value}
                    onChange={(next) => onChange(column, !next || next === IGNORE ? null : next)}
                    allowDeselect={false}
                    searchable
                    aria-label={`Field for column ${column}`}
                    c={value === IGNORE ? 'dimmed' : undefined}
                  />
                  {field && field.description.toLowerCase() !== field.label.toLowerCase() ? (
                    <Text size="xs" c="dimmed" lh={1.3}>
                      {field.description}
                    </Text>
                  ) : null}
                </Stack>
              </Table.Td>
            </Table.Tr>
          )
        })}
      </Table.Tbody>
    </Table>
  )
}

export function NewImport() {
  const kinds = useImportKinds()
  const [kind, setKind] = useState<ImportKind>('accounts')
  const [file, setFile] = useState<File | null>(null)
  const [head, setHead] = useState<Head | null>(null)
  const [mapping, setMapping] = useState<Record<string, string | null>>({})
  const [dayFirst, setDayFirst] = useState(false)
  const [allOrNothing, setAllOrNothing] = useState(false)
  const [dryRunId, setDryRunId] = useState<string | null>(null)
  const [applyId, setApplyId] = useState<string | null>(null)
  const [uploadShare, setUploadShare] = useState<number | null>(null)
  const guess = useGuessMapping()
  const upload = useUploadImport(setUploadShare)
  const apply = useApplyImport()
  const dryRun = useImportRun(dryRunId)
  const applied = useImportRun(applyId)

  const description = kinds.data?.kinds.find((candidate) => candidate.kind === kind)
  const missing = missingFields(description, mapping)
  const active = applyId ? 3 : dryRunId ? 2 : file && head ? 1 : 0

  const reset = () => {
    setFile(null)
    setHead(null)
    setMapping({})
    setDryRunId(null)
    setApplyId(null)
    setUploadShare(null)
  }

  /** Reads the header row in the browser and asks the server for its guess. */
  const prepare = async (nextFile: File | null, nextKind: ImportKind) => {
    setDryRunId(null)
    setApplyId(null)
    setFile(nextFile)
    setHead(null)
    if (!nextFile) return
    const read = await readCsvHead(nextFile)
    if (read.headers.length === 0) {
      notifications.show({ color: 'red', title: 'Nothing to import', message: 'The first line of the file must name the columns.' })
      return
    }
    guess.mutate(
      { kind: nextKind, headers: read.headers },
      {
        onSuccess: (proposal) => {
          setHead(read)
          setMapping(Object.fromEntries(proposal.mapping.map((entry) => [entry.column, entry.field])))
        },
        onError: (error) => notifications.show({ color: 'red', title: 'Could not read the columns', message: errorMessage(error) }),
      },
    )
  }

  const start = (asDryRun: boolean) => {
    if (!file) return
    setUploadShare(0)
    upload.mutate(
      { file, params: { kind, dryRun: asDryRun, allOrNothing, dayFirst, mapping } },
      {
        onSuccess: (run) => (asDryRun ? setDryRunId(run.id) : setApplyId(run.id)),
        onError: (error) => {
          const fields = error instanceof ApiError ? error.fieldErrors.map((entry) => `${entry.field}: ${entry.message}`).join('; ') : ''
          notifications.show({ color: 'red', title: 'The import did not start', message: fields || errorMessage(error), autoClose: 10_000 })
        },
        onSettled: () => setUploadShare(null),
      },
    )
  }

  const applyDryRun = () => {
    if (!dryRunId) return
    apply.mutate(
      { id: dryRunId, allOrNothing },
      {
        onSuccess: (run) => setApplyId(run.id),
        onError: (error) => notifications.show({ color: 'red', title: 'The import did not start', message: errorMessage(error) }),
      },
    )
  }

  if (kinds.isError) return <ErrorState error={kinds.error} onRetry={() => void kinds.refetch()} />

  const dryRunDone = dryRun.data && !isRunning(dryRun.data) ? dryRun.data : null
  const toWrite = dryRunDone ? dryRunDone.rowsCreated + dryRunDone.rowsUpdated : 0
  const uploading = upload.isPending

  return (
    <Paper withBorder radius="md" p="lg" data-testid="new-import">
      <Stepper active={active} size="sm" mb="lg" allowNextStepsSelect={false}>
        <Stepper.Step label="File" description="What and where from" />
        <Stepper.Step label="Columns" description="Check the mapping" />
        <Stepper.Step label="Dry run" description="Preview, nothing written" />
        <Stepper.Step label="Import" description="Write the good rows" />
      </Stepper>

      {active <= 1 ? (
        <Stack gap="md">
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            <Select
              label="What the file holds"
              data={(kinds.data?.kinds ?? []).map((entry) => ({ value: entry.kind, label: kindLabels[entry.kind] }))}
              value={kind}
              onChange={(next) => {
                if (!next) return
                const nextKind = next as ImportKind
                setKind(nextKind)
                void prepare(file, nextKind)
              }}
              allowDeselect={false}
              description={description?.description}
              data-testid="import-kind"
            />
            <FileInput
              label="CSV file"
              placeholder="Choose a .csv export (Salesforce, HubSpot, a spreadsheet…)"
              accept=".csv,text/csv,text/plain"
              value={file}
              onChange={(next) => void prepare(next, kind)}
              clearable
              leftSection={<IconFileSpreadsheet size={16} />}
              description="UTF-8; comma, semicolon or tab separated; the first line names the columns"
              data-testid="import-file"
            />
          </SimpleGrid>
          <Group gap="xl">
            <Tooltip label="For files written with European dates: 03/04/2026 is 3 April. Dotted dates (31.01.2026) are always read day first." multiline maw={320} withArrow>
              <Switch label="Dates are day first (31/01/2026)" checked={dayFirst} onChange={(event) => setDayFirst(event.currentTarget.checked)} />
            </Tooltip>
            <Tooltip label="One transaction: when any row is bad, nothing is written. Off: good rows are kept and bad ones listed." multiline maw={320} withArrow>
              <Switch label="All or nothing" checked={allOrNothing} onChange={(event) => setAllOrNothing(event.currentTarget.checked)} data-testid="all-or-nothing" />
            </Tooltip>
          </Group>

          {guess.isPending ? <Text size="sm" c="dimmed">Reading the columns…</Text> : null}
          {head && description ? (
            <Stack gap="sm">
              <Group justify="space-between">
                <Text fw={600}>
                  {formatNumber(head.headers.length)} columns ·{' '}
                  <Text span c="dimmed" size="sm">
                    {formatNumber(Object.values(mapping).filter(Boolean).length)} mapped; change any of them
                  </Text>
                </Text>
                <Badge variant="light" color="gray">
                  Empty cells leave stored values unchanged
                </Badge>
              </Group>
              <MappingTable head={head} description={description} mapping={mapping} onChange={(column, field) => setMapping((current) => ({ ...current, [column]: field }))} />
              <Text size="xs" c="dimmed">
                * needed: in every row, or (where the field says so) in rows that create a new record.
              </Text>
              {missing.length > 0 ? (
                <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title="Map these before importing" data-testid="mapping-missing">
                  {kindLabels[kind]} need {missing.join(', ')}.
                </Alert>
              ) : null}
              {uploadShare !== null ? (
                <Stack gap={4}>
                  <Progress value={uploadShare * 100} size="sm" />
                  <Text size="xs" c="dimmed">
                    Uploading… {Math.round(uploadShare * 100)}%
                  </Text>
                </Stack>
              ) : null}
              <Group gap="sm">
                <Button leftSection={<IconPlayerPlay size={16} />} onClick={() => start(true)} loading={uploading} disabled={missing.length > 0} data-testid="start-dry-run">
                  Dry run: check every row
                </Button>
                <Button variant="default" leftSection={<IconUpload size={16} />} onClick={() => start(false)} disabled={missing.length > 0 || uploading} data-testid="start-import">
                  Import without a dry run
                </Button>
              </Group>
            </Stack>
          ) : null}
        </Stack>
      ) : null}

      {active === 2 && dryRun.data ? (
        <ImportRunPanel
          run={dryRun.data}
          actions={
            dryRunDone ? (
              <>
                <Button
                  leftSection={<IconUpload size={16} />}
                  onClick={applyDryRun}
                  loading={apply.isPending}
                  disabled={!dryRunDone.canApply || toWrite === 0 || (allOrNothing && dryRunDone.rowsFailed > 0)}
                  data-testid="apply-import"
                >
                  {toWrite === 0 ? 'Nothing to import' : `Import ${formatNumber(toWrite)} ${toWrite === 1 ? 'row' : 'rows'}${dryRunDone.rowsFailed > 0 && !allOrNothing ? ', skip the bad ones' : ''}`}
                </Button>
                <Button variant="default" leftSection={<IconArrowLeft size={16} />} onClick={() => setDryRunId(null)}>
                  Change the mapping
                </Button>
                <Button variant="subtle" color="gray" leftSection={<IconRefresh size={16} />} onClick={reset}>
                  Start over
                </Button>
              </>
            ) : null
          }
        />
      ) : null}
      {active === 2 && dryRun.isError ? <ErrorState error={dryRun.error} /> : null}

      {active === 3 && applied.data ? (
        <ImportRunPanel
          run={applied.data}
          actions={
            isRunning(applied.data) ? null : (
              <Button variant="default" leftSection={<IconRefresh size={16} />} onClick={reset} data-testid="import-another">
                Import another file
              </Button>
            )
          }
        />
      ) : null}
      {active === 3 && applied.isError ? <ErrorState error={applied.error} /> : null}
    </Paper>
  )
}
