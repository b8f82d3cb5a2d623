import { z } from '@hono/zod-openapi'
import { importKinds, importStatuses } from './imports.tables'

const flag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1')
  .optional()

const mappingRecord = z.record(z.string().max(300), z.string().max(200).nullable())

export const ImportKindSchema = z.enum(importKinds).describe(importKinds.join(', '))

export const UploadImportQuery = z.object({
  kind: ImportKindSchema,
  dryRun: flag.describe('true: validate and preview, write nothing (default false)'),
  allOrNothing: flag.describe('true: one transaction; nothing is written when any row is bad (default false: good rows are kept)'),
  dayFirst: flag.describe('true: read 03/04/2026 as 3 April (default: US, March 4). Dotted dates (31.01.2026) are always day first'),
  fileName: z.string().trim().min(1).max(300).optional().describe('Shown in the import history (default upload.csv)'),
  mapping: z
    .string()
    .max(50_000)
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object {"CSV column": "field" | null}' })
        return z.NEVER
      }
    })
    .pipe(mappingRecord)
    .optional()
    .describe('JSON object of CSV column → field (null ignores the column); columns left out are guessed from their headers'),
})

export const GuessMappingBody = z
  .object({
    kind: ImportKindSchema,
    headers: z.array(z.string().max(300)).min(1).max(1000).describe("The CSV's header row"),
  })
  .strict()
  .openapi('GuessImportMappingRequest')

const FieldSchema = z.object({
  name: z.string(),
  label: z.string(),
  type: z.string(),
  required: z.boolean().describe('Every row needs a value'),
  requiredOnCreate: z.boolean().describe('A row that creates a record needs a value'),
  description: z.string(),
  choices: z.array(z.string()).optional(),
})

export const ImportKindDescriptionSchema = z
  .object({
    kind: ImportKindSchema,
    label: z.string(),
    description: z.string(),
    traits: z.boolean().describe('Columns may also be mapped to custom traits: "trait:<name>"'),
    fields: z.array(FieldSchema),
  })
  .openapi('ImportKind')

export const ImportKindListSchema = z.object({ kinds: z.array(ImportKindDescriptionSchema) }).openapi('ImportKindList')

export const GuessMappingSchema = ImportKindDescriptionSchema.extend({
  mapping: z.array(z.object({ column: z.string(), field: z.string().nullable() })),
  missing: z.array(z.string()).describe('Required fields no column was mapped to'),
}).openapi('ImportMappingProposal')

const PreviewSchema = z.object({
  rowNumber: z.number().int(),
  action: z.enum(['create', 'update', 'unchanged']),
  key: z.string().nullable(),
  label: z.string(),
  changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
})

export const ImportRunSchema = z
  .object({
    id: z.string().uuid(),
    kind: ImportKindSchema,
    fileName: z.string(),
    fileBytes: z.number().int(),
    status: z.enum(importStatuses).describe('queued, running, succeeded, partially (some rows were bad), failed (nothing or not everything could run)'),
    dryRun: z.boolean(),
    allOrNothing: z.boolean(),
    dayFirst: z.boolean(),
    mapping: mappingRecord,
    headers: z.array(z.string()),
    rowsProcessed: z.number().int().describe('Data rows read so far (progress while running)'),
    rowsCreated: z.number().int().describe('Created (dry run: would be created)'),
    rowsUpdated: z.number().int(),
    rowsUnchanged: z.number().int(),
    rowsFailed: z.number().int().describe('Bad rows; each is listed in the error report'),
    bytesProcessed: z.number().int(),
    progress: z.number().min(0).max(1).describe('Share of the file read'),
    preview: z.array(PreviewSchema).describe('The first changes made (or, for a dry run, that would be made)'),
    failureReason: z.string().nullable(),
    sourceRunId: z.string().uuid().nullable().describe('The dry run this import applied'),
    canApply: z.boolean().describe('A finished dry run whose file is still kept: POST /api/v1/imports/{id}/apply'),
    errorReportUrl: z.string(),
    createdBy: z.string(),
    createdAt: z.string().datetime(),
    startedAt: z.string().datetime().nullable(),
    finishedAt: z.string().datetime().nullable(),
  })
  .openapi('ImportRun')

export const ImportRunPageSchema = z.object({ items: z.array(ImportRunSchema), nextCursor: z.string().nullable() }).openapi('ImportRunPage')

export const ImportRunListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(1000).optional(),
})

export const ApplyImportBody = z
  .object({ allOrNothing: z.boolean().optional().describe("Default: the dry run's setting") })
  .strict()
  .openapi('ApplyImportRequest')

export const ImportErrorSchema = z.object({
  seq: z.number().int(),
  rowNumber: z.number().int().describe('Row in the spreadsheet (the header is row 1)'),
  column: z.string().nullable(),
  field: z.string().nullable(),
  reason: z.string(),
  raw: z.string().nullable().describe('The row as it was in the file'),
})

export const ImportErrorPageSchema = z
  .object({ items: z.array(ImportErrorSchema), nextAfter: z.number().int().nullable() })
  .openapi('ImportErrorPage')

export const ImportErrorListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  after: z.coerce.number().int().min(0).default(0).describe('nextAfter of the previous page'),
})

export const IdParam = z.object({ id: z.string().uuid() })
