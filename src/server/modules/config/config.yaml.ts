/** The "config as code" file: every published document of a workspace as one YAML document. */
import { Document, isMap, isScalar, isSeq, parseDocument, visit } from 'yaml'
import { z } from 'zod'

export const MAX_CONFIG_YAML_BYTES = 2 * 1024 * 1024
const MAX_DOCUMENTS = 5000

export type ConfigFileDocument = { kind: string; key: string; version?: number; body: unknown }
/** A document of a parsed file, with its position in the file (`documents.<index>`). */
export type ConfigFileEntry = ConfigFileDocument & { index: number }
export type ConfigFile = { workspace?: string; documents: ConfigFileEntry[] }
export type ConfigFileError = { field: string; message: string }

const FileSchema = z
  .object({
    workspace: z.string().max(200).optional().describe('Where it was exported from; informational (a file may be applied to another workspace)'),
    documents: z.array(z.unknown()).max(MAX_DOCUMENTS),
  })
  .strict()

const DocumentSchema = z
  .object({
    kind: z.string().min(1).max(100),
    key: z.string().max(200),
    version: z.number().int().positive().optional().describe('The published version it was exported at'),
    body: z.unknown(),
  })
  .strict()

function fileErrors(error: z.ZodError, prefix: string): ConfigFileError[] {
  return error.issues.flatMap((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.')
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ field: path ? `${path}.${key}` : key, message: 'is not a known field' }))
    return [{ field: path || 'yaml', message: issue.message }]
  })
}

const documentKeyOrder = ['kind', 'key', 'version', 'body']

/**
 * Renders the file with a stable layout so that diffs between exports are readable: documents in
 * the given order, keys in their schema's order, each rule leaf (`{ field, op, value }`) and short
 * list of scalars on one line, no line folding.
 */
export function renderConfigYaml(file: { workspace: string; documents: ConfigFileDocument[] }): string {
  const value = {
    workspace: file.workspace,
    documents: file.documents.map((document) => Object.fromEntries(documentKeyOrder.filter((key) => key in document).map((key) => [key, document[key as keyof ConfigFileDocument]]))),
  }
  const doc = new Document(value)
  visit(doc, {
    Map(_, node) {
      const keys = node.items.map((pair) => (isScalar(pair.key) ? pair.key.value : null))
      const leaf = keys.includes('field') && keys.includes('op') && node.items.every((pair) => isScalar(pair.value) || isSeq(pair.value))
      if (leaf) node.flow = true
    },
    Seq(_, node) {
      if (node.items.length > 0 && node.items.length <= 12 && node.items.every((item) => isScalar(item) && String(item.value).length <= 40)) node.flow = true
    },
  })
  doc.commentBefore = [
    ' Bosun configuration (published documents). Edit, then:',
    '   bosun config plan FILE    shows what would change (nothing is written)',
    '   bosun config apply FILE   publishes a new version of every created or changed document, all or nothing',
  ].join('\n')
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true })
}

/**
 * Parses the file. Errors name `yaml` (syntax, with line and column) or the path in the file
 * (`documents.2.key`); documents with a bad envelope are left out of `documents` and the rest are
 * returned, so every error of the file can be reported at once.
 */
export function parseConfigYaml(text: string): { file: ConfigFile | null; errors: ConfigFileError[] } {
  if (Buffer.byteLength(text, 'utf8') > MAX_CONFIG_YAML_BYTES) return { file: null, errors: [{ field: 'yaml', message: `is larger than ${MAX_CONFIG_YAML_BYTES / 1024 / 1024} MB` }] }
  if (text.trim() === '') return { file: null, errors: [{ field: 'yaml', message: 'is empty: expected a mapping with documents: [...]' }] }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true })
  if (doc.errors.length > 0) {
    return {
      file: null,
      errors: doc.errors.map((error) => {
        const at = error.linePos?.[0]
        // prettyErrors appends " at line L, column C:" and a source excerpt; keep the first sentence.
        const message = (error.message.split('\n')[0] ?? 'is not valid YAML').replace(/ at line \d+, column \d+:?$/, '')
        return { field: 'yaml', message: at ? `line ${at.line}, column ${at.col}: ${message}` : message }
      }),
    }
  }
  if (!isMap(doc.contents)) return { file: null, errors: [{ field: 'yaml', message: 'must be a mapping with documents: [...] (as bosun config export writes it)' }] }
  let value: unknown
  try {
    value = doc.toJS({ maxAliasCount: 100 })
  } catch (error) {
    return { file: null, errors: [{ field: 'yaml', message: (error as Error).message }] }
  }
  const parsed = FileSchema.safeParse(value)
  if (!parsed.success) return { file: null, errors: fileErrors(parsed.error, '') }
  const errors: ConfigFileError[] = []
  const documents: ConfigFileEntry[] = []
  parsed.data.documents.forEach((entry, index) => {
    const document = DocumentSchema.safeParse(entry)
    if (document.success) documents.push({ ...document.data, index })
    else errors.push(...fileErrors(document.error, `documents.${index}`))
  })
  return { file: { workspace: parsed.data.workspace, documents }, errors }
}
