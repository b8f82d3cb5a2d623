import { z } from '@hono/zod-openapi'
import { configDocumentStatuses } from './config.tables'

const comment = z.string().trim().max(2000)

export const KindParam = z.object({ kind: z.string().min(1).max(100).describe('A document kind, e.g. segment (GET /api/v1/config/kinds)') })
export const DocumentParams = KindParam.extend({ key: z.string().min(1).max(200).describe("The document's key (a slug)") })
export const VersionParams = DocumentParams.extend({ version: z.coerce.number().int().min(1).max(2_147_483_647) })

export const ListDocumentsQuery = z.object({
  archived: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .describe('true: include archived documents'),
})

export const SaveDraftBody = z
  .object({
    body: z.unknown().describe("The document, as its kind's schema describes it"),
    comment: comment.optional().describe('What changed and why (shown in the version history)'),
  })
  .strict()
  .openapi('SaveConfigDraftRequest')

/** The questions a change to a document with work under way (a playbook's runs and tasks) asks; see openWork on the document. */
const openWorkAnswer = {
  openRuns: z.enum(['continue', 'cancel']).optional().describe('Runs under way: finish on the version they started with, or cancel them. Required when there are any.'),
  openTasks: z.enum(['keep', 'dismiss']).optional().describe('Open tasks the document made: keep, or dismiss them (the reason names the change). Required when there are any.'),
}
export const OpenWorkAnswerSchema = z.object(openWorkAnswer)

export const CommentBody = z.object({ comment: comment.optional(), ...openWorkAnswer }).strict()
export const CommentQuery = z.object({ comment: comment.optional(), ...openWorkAnswer })

const OpenWorkSchema = z.object({ runs: z.number().int().describe('Runs under way'), tasks: z.number().int().describe('Open tasks it made') })
const SettledWorkSchema = z.object({ runsCancelled: z.number().int(), tasksDismissed: z.number().int() })

export const ConfigVersionSchema = z
  .object({
    kind: z.string(),
    key: z.string(),
    version: z.number().int(),
    status: z.enum(configDocumentStatuses),
    comment: z.string(),
    createdBy: z.string().uuid().nullable().describe('The user who wrote it (null for API keys and the CLI)'),
    createdByLabel: z.string(),
    createdAt: z.string().datetime(),
    summary: z.string().nullable().describe('One line, e.g. the rendered rule of a segment'),
    body: z.unknown().optional(),
  })
  .openapi('ConfigVersion')

export const ConfigDocumentSchema = z
  .object({
    kind: z.string(),
    key: z.string(),
    state: z.enum(['published', 'archived', 'draft']).describe('published: live; archived: retired; draft: never published yet'),
    summary: z.string().nullable(),
    published: ConfigVersionSchema.nullable().describe('The live version, with its body'),
    draft: ConfigVersionSchema.nullable().describe('The open draft, with its body (always the highest version)'),
    archived: ConfigVersionSchema.nullable().describe('The archive marker, when archived'),
    openWork: OpenWorkSchema.nullable().describe('Work the document started that is still under way (playbooks); publish, restore and archive ask what happens to it'),
    settled: SettledWorkSchema.nullable().optional().describe('After publish, restore or archive: what happened to the work under way'),
  })
  .openapi('ConfigDocument')

export const ConfigDocumentListSchema = z
  .object({
    items: z.array(
      z.object({
        kind: z.string(),
        key: z.string(),
        name: z.string().nullable().describe("The body's name, when it has one"),
        state: z.enum(['published', 'archived', 'draft']),
        summary: z.string().nullable(),
        publishedVersion: z.number().int().nullable(),
        draftVersion: z.number().int().nullable(),
        updatedAt: z.string().datetime(),
        updatedBy: z.string(),
        body: z.unknown().describe('The current body: published, else the draft'),
      }),
    ),
  })
  .openapi('ConfigDocumentList')

export const ConfigKindListSchema = z
  .object({
    items: z.array(
      z.object({
        kind: z.string(),
        label: z.string(),
        description: z.string(),
        example: z.unknown().describe('A starting body for a new document'),
        published: z.number().int(),
        drafts: z.number().int(),
        archived: z.number().int(),
      }),
    ),
  })
  .openapi('ConfigKindList')

export const ConfigVersionListSchema = z
  .object({ items: z.array(ConfigVersionSchema.extend({ live: z.boolean().describe('This is the published version in effect') })) })
  .openapi('ConfigVersionList')

export const PlanJsonBody = z
  .object({
    yaml: z.string().describe('The file, as bosun config export writes it'),
    prune: z.boolean().optional().describe('Archive live documents that are not in the file'),
    comment: comment.optional().describe('Comment of the versions apply publishes (default "Applied from YAML")'),
    ...openWorkAnswer,
  })
  .strict()
  .openapi('ConfigPlanRequest')

export const PlanQuery = z.object({
  prune: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .describe('With a text/yaml body: archive live documents that are not in the file'),
  comment: comment.optional().describe('With a text/yaml body: the comment of the published versions'),
  ...openWorkAnswer,
})

const ChangeSchema = z.object({
  path: z.string(),
  change: z.enum(['added', 'removed', 'changed']),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  text: z.string().describe('e.g. ~ condition.value: 100000 → 150000'),
})

export const ConfigPlanSchema = z
  .object({
    valid: z.boolean(),
    applied: z.boolean(),
    counts: z.object({ create: z.number().int(), update: z.number().int(), unchanged: z.number().int(), archive: z.number().int() }),
    documents: z.array(
      z.object({
        kind: z.string(),
        key: z.string(),
        action: z.enum(['create', 'update', 'unchanged', 'archive']),
        currentVersion: z.number().int().nullable(),
        fileVersion: z.number().int().nullable(),
        newVersion: z.number().int().nullable(),
        summary: z.string().nullable(),
        changes: z.array(ChangeSchema),
        draftOpen: z.boolean(),
        notes: z.array(z.string()),
        openWork: OpenWorkSchema.nullable().describe('Work under way that the change touches; apply needs openRuns / openTasks for it'),
        settled: SettledWorkSchema.nullable().describe('What apply did with that work'),
      }),
    ),
    errors: z.array(z.object({ document: z.string().nullable().describe('kind/key'), field: z.string().describe('e.g. documents.2.body.condition.all.0.value'), message: z.string() })),
  })
  .openapi('ConfigPlan')
