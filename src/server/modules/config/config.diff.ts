/** Comparing document bodies: a key-order-free identity and a readable list of changed paths. */

export type ConfigChange = { path: string; change: 'added' | 'removed' | 'changed'; before?: unknown; after?: unknown }

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** JSON with object keys sorted: equal documents give equal text whatever their key order (jsonb reorders keys). */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`
  if (isObject(value)) {
    const keys = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort()
    return `{${keys.map((key) => `${JSON.stringify(key)}:${stableStringify(value[key])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

export const sameBody = (left: unknown, right: unknown) => stableStringify(left) === stableStringify(right)

const join = (path: string, part: string | number) => (path ? `${path}.${part}` : String(part))

/**
 * Every path that differs between two bodies, deepest first-differing node: objects key by key,
 * lists item by item (an added or removed item is one change). Paths read like `condition.all.0.value`.
 */
export function diffBodies(before: unknown, after: unknown, path = ''): ConfigChange[] {
  if (sameBody(before, after)) return []
  if (isObject(before) && isObject(after)) {
    const keys = [...Object.keys(after), ...Object.keys(before).filter((key) => !(key in after))]
    return keys.flatMap((key) => {
      const inBefore = before[key] !== undefined
      const inAfter = after[key] !== undefined
      if (inBefore && !inAfter) return [{ path: join(path, key), change: 'removed' as const, before: before[key] }]
      if (!inBefore && inAfter) return [{ path: join(path, key), change: 'added' as const, after: after[key] }]
      return diffBodies(before[key], after[key], join(path, key))
    })
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const changes: ConfigChange[] = []
    for (let index = 0; index < Math.max(before.length, after.length); index++) {
      if (index >= after.length) changes.push({ path: join(path, index), change: 'removed', before: before[index] })
      else if (index >= before.length) changes.push({ path: join(path, index), change: 'added', after: after[index] })
      else changes.push(...diffBodies(before[index], after[index], join(path, index)))
    }
    return changes
  }
  return [{ path: path || '(body)', change: 'changed', before, after }]
}

const short = (value: unknown) => {
  const text = typeof value === 'string' ? JSON.stringify(value) : stableStringify(value)
  return text.length > 80 ? `${text.slice(0, 77)}…` : text
}

/** `~ condition.value: 100000 → 150000`, `+ color: "teal"`, `- description: "…"`. */
export function describeChange(change: ConfigChange): string {
  if (change.change === 'added') return `+ ${change.path}: ${short(change.after)}`
  if (change.change === 'removed') return `- ${change.path}: ${short(change.before)}`
  return `~ ${change.path}: ${short(change.before)} → ${short(change.after)}`
}
