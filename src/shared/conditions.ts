/**
 * The one condition language of Bosun: segments, lifecycle criteria, assignment rules, scorecards and
 * playbook conditions all use it. Pure (no server, no DOM): the server compiles it to SQL and evaluates
 * it in memory, the web app validates and renders it with the same code.
 *
 * A rule is JSON:
 *   { "all": [ …rules ] }   AND          { "any": [ …rules ] }   OR          { "not": rule }
 *   { "field": "plan", "op": "eq", "value": "Growth" }
 *   { "field": "arr", "op": "between", "min": 10000, "max": 50000 }
 *   { "field": "renewal_date", "op": "within_next_days", "days": 90 }
 *   { "field": "contact_roles", "op": "contains", "value": "champion" }
 *   { "field": "traits.region", "op": "in", "values": ["EMEA", "APAC"] }
 *
 * Missing values: every comparison with a missing value is false, except `neq` and `not_in`, which are
 * true (the value is not the one named); `exists` / `not_exists` test for it. Both evaluators follow this.
 */
import { z } from 'zod'

export type FieldType = 'string' | 'number' | 'date' | 'boolean' | 'string_list'

export type FieldDefinition = { type: FieldType; label: string; group: string; description?: string }

/** Every field a rule may name (besides `traits.<key>`, an account's custom traits). */
export const conditionFields = {
  name: { type: 'string', label: 'Name', group: 'Account' },
  external_id: { type: 'string', label: 'External id', group: 'Account' },
  domain: { type: 'string', label: 'Domain', group: 'Account' },
  plan: { type: 'string', label: 'Plan', group: 'Account' },
  industry: { type: 'string', label: 'Industry', group: 'Account' },
  country: { type: 'string', label: 'Country', group: 'Account' },
  status: { type: 'string', label: 'Status', group: 'Account' },
  currency: { type: 'string', label: 'Currency', group: 'Account' },
  owner_id: { type: 'string', label: 'Owner (user id)', group: 'Account' },
  has_owner: { type: 'boolean', label: 'Has an owner', group: 'Account' },
  has_parent: { type: 'boolean', label: 'Is a subsidiary', group: 'Account' },
  employees: { type: 'number', label: 'Employees', group: 'Account' },
  created_on: { type: 'date', label: 'Customer since', group: 'Account' },
  arr: { type: 'number', label: 'ARR', group: 'Revenue' },
  renewal_date: { type: 'date', label: 'Renewal date', group: 'Revenue' },
  arr_change_90d: { type: 'number', label: 'ARR change, last 90 days', group: 'Revenue' },
  seats: { type: 'number', label: 'Purchased seats', group: 'Revenue' },
  dau: { type: 'number', label: 'Daily active users', group: 'Usage' },
  wau: { type: 'number', label: 'Weekly active users', group: 'Usage' },
  mau: { type: 'number', label: 'Monthly active users', group: 'Usage' },
  license_utilization: { type: 'number', label: 'License utilization (MAU ÷ seats)', group: 'Usage' },
  events_30d: { type: 'number', label: 'Events, last 30 days', group: 'Usage' },
  usage_trend_30d: { type: 'number', label: 'Usage trend vs prior 30 days', group: 'Usage', description: '0.25 = +25 %' },
  feature_breadth: { type: 'number', label: 'Key features used, last 30 days', group: 'Usage' },
  last_activity_on: { type: 'date', label: 'Last product activity', group: 'Usage' },
  open_tickets: { type: 'number', label: 'Open tickets', group: 'Support' },
  open_urgent_tickets: { type: 'number', label: 'Open high/urgent tickets', group: 'Support' },
  tickets_30d: { type: 'number', label: 'Tickets opened, last 30 days', group: 'Support' },
  contacts: { type: 'number', label: 'Contacts', group: 'People' },
  contact_roles: { type: 'string_list', label: 'Contact roles present', group: 'People' },
  last_touchpoint_on: { type: 'date', label: 'Last touchpoint', group: 'Engagement' },
} as const satisfies Record<string, FieldDefinition>

export type ConditionField = keyof typeof conditionFields
export const conditionFieldNames = Object.keys(conditionFields) as ConditionField[]

export const operatorsByType: Record<FieldType, readonly string[]> = {
  string: ['eq', 'neq', 'in', 'not_in', 'contains', 'exists', 'not_exists'],
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'not_in', 'exists', 'not_exists'],
  date: ['eq', 'before', 'after', 'between', 'within_next_days', 'within_last_days', 'more_than_days_ago', 'more_than_days_from_now', 'exists', 'not_exists'],
  boolean: ['eq', 'exists', 'not_exists'],
  string_list: ['contains', 'not_contains', 'exists', 'not_exists'],
}

const TRAIT_FIELD = /^traits\.[A-Za-z0-9_-]{1,64}$/

/** A custom trait's type is what the rule compares it with: text unless the value is a number or a boolean. */
export function fieldType(field: string, sample?: unknown): FieldType | undefined {
  if (field in conditionFields) return conditionFields[field as ConditionField].type
  if (!TRAIT_FIELD.test(field)) return undefined
  if (typeof sample === 'number') return 'number'
  if (typeof sample === 'boolean') return 'boolean'
  return 'string'
}

const scalar = z.union([z.string().max(500), z.number().finite(), z.boolean()])
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
const days = z.number().int().min(0).max(36_500)

const leafShape = z.discriminatedUnion('op', [
  z.object({ field: z.string(), op: z.enum(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'not_contains']), value: scalar }).strict(),
  z.object({ field: z.string(), op: z.enum(['before', 'after']), value: isoDate }).strict(),
  z.object({ field: z.string(), op: z.enum(['in', 'not_in']), values: z.array(z.union([z.string().max(500), z.number().finite()])).min(1).max(1000) }).strict(),
  z.object({ field: z.string(), op: z.enum(['exists', 'not_exists']) }).strict(),
  z.object({ field: z.string(), op: z.literal('between'), min: z.union([z.number().finite(), isoDate]), max: z.union([z.number().finite(), isoDate]) }).strict(),
  z.object({ field: z.string(), op: z.enum(['within_next_days', 'within_last_days', 'more_than_days_ago', 'more_than_days_from_now']), days }).strict(),
])

export type ConditionLeaf = z.infer<typeof leafShape>
export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | ConditionLeaf

const MAX_DEPTH = 12

/** Checks that the field exists and the operator and value fit its type; issues carry the node's path. */
function checkLeaf(leaf: ConditionLeaf, ctx: z.RefinementCtx) {
  const sample = 'value' in leaf ? leaf.value : 'values' in leaf ? leaf.values[0] : 'min' in leaf ? leaf.min : undefined
  const type = fieldType(leaf.field, sample)
  if (!type) {
    ctx.addIssue({ code: 'custom', path: ['field'], message: `unknown field "${leaf.field}" (an account field or traits.<key>)` })
    return
  }
  if (!operatorsByType[type].includes(leaf.op)) {
    ctx.addIssue({ code: 'custom', path: ['op'], message: `"${leaf.op}" does not apply to ${type} field ${leaf.field} (use ${operatorsByType[type].join(', ')})` })
    return
  }
  const wrong = (path: string, expected: string) => ctx.addIssue({ code: 'custom', path: [path], message: `must be ${expected} for ${leaf.field}` })
  if ('value' in leaf && leaf.op !== 'before' && leaf.op !== 'after') {
    if (type === 'number' && typeof leaf.value !== 'number') wrong('value', 'a number')
    if ((type === 'string' || type === 'string_list') && typeof leaf.value !== 'string') wrong('value', 'text')
    if (type === 'boolean' && typeof leaf.value !== 'boolean') wrong('value', 'true or false')
    if (type === 'date' && (typeof leaf.value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(leaf.value))) wrong('value', 'a date YYYY-MM-DD')
  }
  if ('values' in leaf) {
    if (type === 'number' && leaf.values.some((value) => typeof value !== 'number')) wrong('values', 'numbers')
    if (type === 'string' && leaf.values.some((value) => typeof value !== 'string')) wrong('values', 'text values')
  }
  if ('min' in leaf) {
    const expected = type === 'date' ? 'string' : 'number'
    if (typeof leaf.min !== expected) wrong('min', type === 'date' ? 'a date YYYY-MM-DD' : 'a number')
    if (typeof leaf.max !== expected) wrong('max', type === 'date' ? 'a date YYYY-MM-DD' : 'a number')
    else if (typeof leaf.min === typeof leaf.max && leaf.min > leaf.max) wrong('max', 'at least min')
  }
}

function conditionSchema(depth: number): z.ZodType<Condition> {
  if (depth > MAX_DEPTH) return z.never({ error: `rules may nest at most ${MAX_DEPTH} levels` }) as unknown as z.ZodType<Condition>
  const child = z.lazy(() => conditionSchema(depth + 1))
  return z.union([
    z.object({ all: z.array(child).min(1).max(100) }).strict(),
    z.object({ any: z.array(child).min(1).max(100) }).strict(),
    z.object({ not: child }).strict(),
    leafShape.superRefine(checkLeaf),
  ]) as z.ZodType<Condition>
}

/** The zod schema of a rule; errors name the path of the bad node (e.g. `all.1.any.0.value`). */
export const ConditionSchema: z.ZodType<Condition> = conditionSchema(0)

export type ConditionIssue = { path: string; message: string }

/**
 * Validates a rule and reports each problem at the deepest node that explains it. (A union error
 * alone would only say "invalid input" at the top; this walks the tree to find where.)
 */
export function validateCondition(input: unknown, path: (string | number)[] = []): ConditionIssue[] {
  const at = (suffix: (string | number)[]) => [...path, ...suffix].join('.') || '(rule)'
  if (path.length > MAX_DEPTH * 2) return [{ path: at([]), message: `rules may nest at most ${MAX_DEPTH} levels` }]
  if (!input || typeof input !== 'object' || Array.isArray(input)) return [{ path: at([]), message: 'must be a rule object (all, any, not, or a field comparison)' }]
  const node = input as Record<string, unknown>
  for (const combinator of ['all', 'any'] as const) {
    if (!(combinator in node)) continue
    const extra = Object.keys(node).filter((key) => key !== combinator)
    if (extra.length > 0) return [{ path: at([extra[0]!]), message: `unexpected key next to "${combinator}"` }]
    const children = node[combinator]
    if (!Array.isArray(children) || children.length === 0) return [{ path: at([combinator]), message: 'must be a non-empty list of rules' }]
    return children.flatMap((child, index) => validateCondition(child, [...path, combinator, index]))
  }
  if ('not' in node) {
    const extra = Object.keys(node).filter((key) => key !== 'not')
    if (extra.length > 0) return [{ path: at([extra[0]!]), message: 'unexpected key next to "not"' }]
    return validateCondition(node.not, [...path, 'not'])
  }
  if (!('field' in node)) return [{ path: at([]), message: 'must be a rule: all, any, not, or { field, op, … }' }]
  const allOps = new Set(Object.values(operatorsByType).flat())
  if (typeof node.op !== 'string' || !allOps.has(node.op)) {
    return [{ path: at(['op']), message: `unknown operator ${JSON.stringify(node.op ?? null)} (one of ${[...allOps].join(', ')})` }]
  }
  const parsed = leafShape.superRefine(checkLeaf).safeParse(node)
  if (parsed.success) return []
  return parsed.error.issues.map((issue) => ({ path: at(issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part))), message: issue.message }))
}

/** Parses a rule or throws with every issue; for config documents use validateCondition to report. */
export function parseCondition(input: unknown): Condition {
  const issues = validateCondition(input)
  if (issues.length > 0) throw new Error(issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '))
  return input as Condition
}

// ---- rendering -------------------------------------------------------------------------------

const opWords: Record<string, string> = {
  eq: 'is',
  neq: 'is not',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  contains: 'contains',
  not_contains: 'does not contain',
  before: 'before',
  after: 'after',
  in: 'in',
  not_in: 'not in',
  exists: 'is set',
  not_exists: 'is not set',
}

const label = (field: string) => (field in conditionFields ? conditionFields[field as ConditionField].label : field.replace(/^traits\./, 'trait '))
const show = (value: unknown) => (typeof value === 'string' ? `"${value}"` : String(value))

/** One readable line: `Plan is "Growth" AND (ARR > 50000 OR Renewal date within the next 90 days)`. */
export function renderCondition(condition: Condition, nested = false): string {
  if ('all' in condition || 'any' in condition) {
    const parts = 'all' in condition ? condition.all : condition.any
    const text = parts.map((part) => renderCondition(part, true)).join('all' in condition ? ' AND ' : ' OR ')
    return nested && parts.length > 1 ? `(${text})` : text
  }
  if ('not' in condition) return `NOT ${renderCondition(condition.not, true)}`
  const name = label(condition.field)
  switch (condition.op) {
    case 'in':
    case 'not_in':
      return `${name} ${opWords[condition.op]} [${condition.values.map(show).join(', ')}]`
    case 'exists':
    case 'not_exists':
      return `${name} ${opWords[condition.op]}`
    case 'between':
      return `${name} between ${show(condition.min)} and ${show(condition.max)}`
    case 'within_next_days':
      return `${name} within the next ${condition.days} days`
    case 'within_last_days':
      return `${name} within the last ${condition.days} days`
    case 'more_than_days_ago':
      return `${name} more than ${condition.days} days ago`
    case 'more_than_days_from_now':
      return `${name} more than ${condition.days} days from now`
    default:
      return `${name} ${opWords[condition.op]} ${show(condition.value)}`
  }
}

// ---- in-memory evaluation --------------------------------------------------------------------

/** One account's facts: the value of every field (null when missing), traits as stored. */
export type AccountFacts = { [Field in ConditionField]?: unknown } & { traits?: Record<string, unknown> }

const DAY_MS = 86_400_000
const dayNumber = (isoDay: string) => Math.floor(Date.parse(`${isoDay.slice(0, 10)}T00:00:00Z`) / DAY_MS)

function factValue(facts: AccountFacts, field: string): unknown {
  if (field.startsWith('traits.')) return facts.traits?.[field.slice('traits.'.length)] ?? null
  return (facts as Record<string, unknown>)[field] ?? null
}

/**
 * Evaluates a rule against one account's facts, with exactly the semantics of the SQL compiler
 * (conditions-sql.ts on the server): the property test holds the two together.
 */
export function evaluateCondition(condition: Condition, facts: AccountFacts, today: string): boolean {
  if ('all' in condition) return condition.all.every((part) => evaluateCondition(part, facts, today))
  if ('any' in condition) return condition.any.some((part) => evaluateCondition(part, facts, today))
  if ('not' in condition) return !evaluateCondition(condition.not, facts, today)
  const raw = factValue(facts, condition.field)
  const type = fieldType(condition.field, 'value' in condition ? condition.value : 'values' in condition ? condition.values[0] : 'min' in condition ? condition.min : undefined)!
  if (condition.op === 'exists') return type === 'string_list' ? Array.isArray(raw) && raw.length > 0 : raw !== null
  if (condition.op === 'not_exists') return type === 'string_list' ? !Array.isArray(raw) || raw.length === 0 : raw === null

  if (type === 'string_list') {
    const list = Array.isArray(raw) ? raw : []
    const has = list.includes(condition.op === 'contains' || condition.op === 'not_contains' ? condition.value : undefined)
    return condition.op === 'contains' ? has : !has
  }

  // A trait compared as a number must hold a JSON number; as a boolean, a JSON boolean; as text, anything as text.
  let value: string | number | boolean | null = null
  if (type === 'number') value = typeof raw === 'number' ? raw : raw !== null && !condition.field.startsWith('traits.') ? Number(raw) : null
  else if (type === 'boolean') value = typeof raw === 'boolean' ? raw : null
  else if (type === 'date') value = raw === null ? null : dayNumber(raw instanceof Date ? raw.toISOString() : String(raw))
  else value = raw === null ? null : typeof raw === 'string' ? raw : JSON.stringify(raw)

  if (condition.op === 'neq') return value === null || value !== condition.value
  if (condition.op === 'not_in') return value === null || !(condition.values as unknown[]).includes(value)
  if (value === null) return false

  if (type === 'date') {
    const day = value as number
    const now = dayNumber(today)
    switch (condition.op) {
      case 'eq':
        return day === dayNumber(String(condition.value))
      case 'before':
        return day < dayNumber(condition.value)
      case 'after':
        return day > dayNumber(condition.value)
      case 'between':
        return day >= dayNumber(String(condition.min)) && day <= dayNumber(String(condition.max))
      case 'within_next_days':
        return day >= now && day <= now + condition.days
      case 'within_last_days':
        return day <= now && day >= now - condition.days
      case 'more_than_days_ago':
        return day < now - condition.days
      case 'more_than_days_from_now':
        return day > now + condition.days
      default:
        return false
    }
  }
  switch (condition.op) {
    case 'eq':
      return value === condition.value
    case 'gt':
      return (value as number) > (condition.value as number)
    case 'gte':
      return (value as number) >= (condition.value as number)
    case 'lt':
      return (value as number) < (condition.value as number)
    case 'lte':
      return (value as number) <= (condition.value as number)
    case 'between':
      return (value as number) >= (condition.min as number) && (value as number) <= (condition.max as number)
    case 'in':
      return (condition.values as unknown[]).includes(value)
    case 'contains':
      return String(value).toLowerCase().includes(String(condition.value).toLowerCase())
    default:
      return false
  }
}

/** Every field a rule reads: what must change for its result to change. */
export function conditionFieldsUsed(condition: Condition): string[] {
  if ('all' in condition) return [...new Set(condition.all.flatMap(conditionFieldsUsed))]
  if ('any' in condition) return [...new Set(condition.any.flatMap(conditionFieldsUsed))]
  if ('not' in condition) return conditionFieldsUsed(condition.not)
  return [condition.field]
}
