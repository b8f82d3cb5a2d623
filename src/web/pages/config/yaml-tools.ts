/** YAML for document bodies in the browser: the same readable layout as the server's export, parse errors with lines, paths to lines. */
import { Document, isScalar, isSeq, parseDocument, visit } from 'yaml'

/** A body as YAML: rule leaves `{ field, op, value }` and short lists on one line, no folding. */
export function bodyToYaml(body: unknown): string {
  if (body === undefined || body === null) return ''
  const doc = new Document(body)
  visit(doc, {
    Map(_, node) {
      const keys = node.items.map((pair) => (isScalar(pair.key) ? pair.key.value : null))
      if (keys.includes('field') && keys.includes('op') && node.items.every((pair) => isScalar(pair.value) || isSeq(pair.value))) node.flow = true
    },
    Seq(_, node) {
      if (node.items.length > 0 && node.items.length <= 12 && node.items.every((item) => isScalar(item) && String(item.value).length <= 40)) node.flow = true
    },
  })
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true })
}

export type YamlParse = { ok: true; value: unknown } | { ok: false; line: number | null; message: string }

export function parseYamlBody(text: string): YamlParse {
  if (text.trim() === '') return { ok: false, line: null, message: 'The document is empty' }
  const doc = parseDocument(text, { uniqueKeys: true })
  const error = doc.errors[0]
  if (error) {
    const line = error.linePos?.[0]?.line ?? null
    return { ok: false, line, message: (error.message.split('\n')[0] ?? 'Not valid YAML').replace(/ at line \d+, column \d+:?$/, '') }
  }
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) }
  } catch (cause) {
    return { ok: false, line: null, message: (cause as Error).message }
  }
}

/**
 * The line of the node a server error names (`condition.all.1.value`), or of its nearest existing
 * parent (a missing field is reported where it should go); null when the text does not parse.
 */
export function lineOfPath(text: string, path: string): number | null {
  const doc = parseDocument(text)
  if (doc.errors.length > 0) return null
  const parts = path === '' ? [] : path.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part))
  for (let length = parts.length; length >= 0; length--) {
    const node = length === 0 ? doc.contents : doc.getIn(parts.slice(0, length), true)
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range
    if (range) return text.slice(0, range[0]).split('\n').length
  }
  return null
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const same = (left: unknown, right: unknown) => JSON.stringify(sortKeys(left)) === JSON.stringify(sortKeys(right))

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (isObject(value)) return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key])]))
  return value
}

export type BodyChange = { path: string; kind: 'added' | 'removed' | 'changed'; before?: unknown; after?: unknown }

/** The paths that differ between two bodies (as the server's plan lists them). */
export function diffBodies(before: unknown, after: unknown, path = ''): BodyChange[] {
  if (same(before, after)) return []
  const join = (part: string | number) => (path ? `${path}.${part}` : String(part))
  if (isObject(before) && isObject(after)) {
    const keys = [...Object.keys(after), ...Object.keys(before).filter((key) => !(key in after))]
    return keys.flatMap((key) => {
      if (!(key in after)) return [{ path: join(key), kind: 'removed' as const, before: before[key] }]
      if (!(key in before)) return [{ path: join(key), kind: 'added' as const, after: after[key] }]
      return diffBodies(before[key], after[key], join(key))
    })
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    return Array.from({ length: Math.max(before.length, after.length) }, (_, index) => {
      if (index >= after.length) return [{ path: join(index), kind: 'removed' as const, before: before[index] }]
      if (index >= before.length) return [{ path: join(index), kind: 'added' as const, after: after[index] }]
      return diffBodies(before[index], after[index], join(index))
    }).flat()
  }
  return [{ path: path || '(document)', kind: 'changed', before, after }]
}

/** `"Enterprise"`, `100000`, `{ field: arr, … }` — short, for diff rows. */
export function shortValue(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? '—'
  return text.length > 90 ? `${text.slice(0, 87)}…` : text
}
