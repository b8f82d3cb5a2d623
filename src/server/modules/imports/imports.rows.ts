/**
 * From a CSV record to typed field values: which column feeds which field, coercion of every cell,
 * and the problems of a row, each naming its field (the column is looked up from the mapping).
 */
import {
  normalizeWord,
  parseBoolean,
  parseChoice,
  parseCurrency,
  parseDate,
  parseDateTime,
  parseDomain,
  parseEmail,
  parseInteger,
  parseMoney,
  parseNumber,
  type Coerced,
} from './imports.coerce'
import { TRAIT_PREFIX, guessMapping, isValidTarget, kindSpecs, missingRequiredFields, traitKey, type FieldSpec, type ImportKind } from './imports.fields'

export type RowValues = Record<string, unknown>

/** One data row, coerced: typed values of the non-empty mapped cells, and custom traits. */
export type RowInput = { rowNumber: number; raw: string; values: RowValues; traits: Record<string, unknown> }

export type RowProblem = { rowNumber: number; field: string | null; reason: string }

/** Resolves an owner/author cell (email or full name) to a user id, and back to a name for previews. */
export type UserDirectory = { resolve: (text: string) => Coerced<string>; nameOf: (userId: string) => string | null }

type ColumnPlan = { index: number; column: string; field: FieldSpec | null; trait: string | null }

export type ColumnLayout = {
  columns: ColumnPlan[]
  /** The CSV column a field is read from, for error reports. */
  columnOf: (field: string | null) => string | null
}

/** Header cells made usable as keys: trimmed, blanks named by position, repeats numbered. */
export function uniqueHeaders(cells: string[]): string[] {
  const seen = new Map<string, number>()
  return cells.map((cell, index) => {
    const base = cell.trim() || `Column ${index + 1}`
    const count = (seen.get(base.toLowerCase()) ?? 0) + 1
    seen.set(base.toLowerCase(), count)
    return count === 1 ? base : `${base} (${count})`
  })
}

export type MappingProblem = { field: string; message: string }

/**
 * The mapping a run uses: the guess from the headers, overridden column by column by what the
 * person chose (null or '' ignores a column). Problems name the override that is wrong.
 */
export function resolveMapping(
  kind: ImportKind,
  headers: string[],
  overrides: Record<string, string | null> = {},
): { mapping: Record<string, string | null>; problems: MappingProblem[] } {
  const problems: MappingProblem[] = []
  const mapping = guessMapping(kind, headers)
  const byLowerHeader = new Map(headers.map((header) => [header.toLowerCase(), header]))
  const explicit = new Map<string, string>()
  for (const [column, rawTarget] of Object.entries(overrides)) {
    const header = byLowerHeader.get(column.trim().toLowerCase())
    if (!header) {
      problems.push({ field: `mapping.${column}`, message: `the file has no column "${column}" (columns: ${headers.slice(0, 30).join(', ')})` })
      continue
    }
    const target = rawTarget?.trim() || null
    if (target && target.startsWith(TRAIT_PREFIX) && target.length === TRAIT_PREFIX.length) {
      mapping[header] = `${TRAIT_PREFIX}${traitKey(header)}`
      continue
    }
    if (target && !isValidTarget(kind, target)) {
      const fields = kindSpecs[kind].fields.map((field) => field.name).join(', ')
      problems.push({ field: `mapping.${column}`, message: `"${target}" is not a field of ${kind} (fields: ${fields}${kindSpecs[kind].traits ? ', or trait:<name>' : ''})` })
      continue
    }
    if (target && !target.startsWith(TRAIT_PREFIX)) {
      const other = explicit.get(target)
      if (other && other !== header) {
        problems.push({ field: `mapping.${column}`, message: `${target} is already mapped from column "${other}"` })
        continue
      }
      explicit.set(target, header)
      // The guess gave this field to another column: the explicit choice wins.
      for (const [otherHeader, guessed] of Object.entries(mapping)) {
        if (guessed === target && otherHeader !== header) mapping[otherHeader] = null
      }
    }
    mapping[header] = target
  }
  for (const field of missingRequiredFields(kind, mapping)) {
    problems.push({ field: 'mapping', message: `no column is mapped to ${field.name} (${field.label}), which ${kind} need` })
  }
  return { mapping, problems }
}

export function layoutColumns(kind: ImportKind, headers: string[], mapping: Record<string, string | null>): ColumnLayout {
  const spec = kindSpecs[kind]
  const columns: ColumnPlan[] = []
  const columnByField = new Map<string, string>()
  for (const [index, column] of headers.entries()) {
    const target = mapping[column]
    if (!target) continue
    if (target.startsWith(TRAIT_PREFIX)) {
      columns.push({ index, column, field: null, trait: target.slice(TRAIT_PREFIX.length) })
      continue
    }
    const field = spec.fields.find((candidate) => candidate.name === target)
    if (!field) continue
    columns.push({ index, column, field, trait: null })
    columnByField.set(field.name, column)
  }
  return { columns, columnOf: (field) => (field ? (columnByField.get(field) ?? null) : null) }
}

const quote = (value: string) => `"${value.length > 60 ? `${value.slice(0, 57)}…` : value}"`

function splitList(text: string): string[] {
  return text
    .split(/[;,|\n]/)
    .map((part) => part.trim())
    .filter(Boolean)
}

/** A trait cell: numbers and yes/no become JSON numbers and booleans, the rest stays text. */
function traitValue(text: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(text) && text.length < 16) return Number(text)
  if (/^(true|false)$/i.test(text)) return text.toLowerCase() === 'true'
  return text.slice(0, 2000)
}

function coerceCell(field: FieldSpec, text: string, options: { dayFirst: boolean; users: UserDirectory }): Coerced<unknown> & { currency?: string | null } {
  const limit = (value: string): Coerced<string> =>
    field.maxLength && value.length > field.maxLength ? { ok: false, reason: `is longer than ${field.maxLength} characters` } : { ok: true, value }
  const range = (value: number): Coerced<number> => {
    if (field.min !== undefined && value < field.min) return { ok: false, reason: `must be at least ${field.min}` }
    if (field.max !== undefined && value > field.max) return { ok: false, reason: `must be at most ${field.max.toLocaleString('en-US')}` }
    return { ok: true, value }
  }
  switch (field.type) {
    case 'text':
      return limit(text.replace(/\s+/g, ' '))
    case 'longText':
      return limit(text)
    case 'integer': {
      const parsed = parseInteger(text)
      return parsed.ok ? range(parsed.value) : parsed
    }
    case 'number': {
      const parsed = parseNumber(text)
      return parsed.ok ? range(parsed.value) : parsed
    }
    case 'money': {
      const parsed = parseMoney(text)
      if (!parsed.ok) return parsed
      const checked = range(parsed.value.amount)
      return checked.ok ? { ok: true, value: checked.value, currency: parsed.value.currency } : checked
    }
    case 'date':
      return parseDate(text, { dayFirst: options.dayFirst })
    case 'datetime':
      return parseDateTime(text, { dayFirst: options.dayFirst })
    case 'boolean':
      return parseBoolean(text)
    case 'email':
      return parseEmail(text)
    case 'domain':
      return parseDomain(text)
    case 'currency':
      return parseCurrency(text)
    case 'choice':
      return parseChoice(text, field.synonyms ?? {}, field.choices ?? [])
    case 'choiceList': {
      const values: string[] = []
      for (const part of splitList(text)) {
        const parsed = parseChoice(part, field.synonyms ?? {}, field.choices ?? [])
        if (!parsed.ok) return { ok: false, reason: `${quote(part)} ${parsed.reason}` }
        if (!values.includes(parsed.value)) values.push(parsed.value)
      }
      return { ok: true, value: values }
    }
    case 'emailList': {
      const values: string[] = []
      for (const part of splitList(text)) {
        const parsed = parseEmail(part)
        if (!parsed.ok) return { ok: false, reason: `${quote(part)} ${parsed.reason}` }
        if (!values.includes(parsed.value)) values.push(parsed.value)
      }
      return { ok: true, value: values }
    }
    case 'user':
      return options.users.resolve(text)
  }
}

/**
 * Coerces the mapped cells of one record. Empty cells are left out (on update they keep the stored
 * value). An amount written with a currency fills the currency field when the row has none.
 */
export function coerceRecord(
  layout: ColumnLayout,
  record: string[],
  options: { dayFirst: boolean; users: UserDirectory },
): { values: RowValues; traits: Record<string, unknown>; problems: { field: string; reason: string }[] } {
  const values: RowValues = {}
  const traits: Record<string, unknown> = {}
  const problems: { field: string; reason: string }[] = []
  let amountCurrency: { currency: string; field: string } | null = null
  for (const column of layout.columns) {
    const text = (record[column.index] ?? '').trim()
    if (column.trait) {
      if (text !== '') traits[column.trait] = traitValue(text)
      continue
    }
    const field = column.field
    if (!field) continue
    if (text === '') {
      if (field.required) problems.push({ field: field.name, reason: 'is empty; a value is required' })
      continue
    }
    const coerced = coerceCell(field, text, options)
    if (!coerced.ok) {
      // Reasons that already quote the offending part stand alone.
      problems.push({ field: field.name, reason: coerced.reason.startsWith('"') ? coerced.reason : `${quote(text)} ${coerced.reason}` })
      continue
    }
    if (field.trait) traits[field.trait] = coerced.value
    else values[field.name] = coerced.value
    // The currency of an amount sets the record's currency; a firmographic trait (annual revenue) does not.
    if (coerced.currency && !field.trait) {
      if (amountCurrency && amountCurrency.currency !== coerced.currency) {
        problems.push({ field: field.name, reason: `is in ${coerced.currency} but ${amountCurrency.field} is in ${amountCurrency.currency}` })
      }
      amountCurrency = { currency: coerced.currency, field: field.name }
    }
  }
  if (amountCurrency) {
    const stated = values.currency
    if (stated === undefined) values.currency = amountCurrency.currency
    else if (stated !== amountCurrency.currency) problems.push({ field: 'currency', reason: `is ${String(stated)} but ${amountCurrency.field} is written in ${amountCurrency.currency}` })
  }
  return { values, traits, problems }
}

/** Owners and authors by email or full name; a name two users share must be given as an email. */
export function userDirectory(users: { id: string; email: string; name: string }[]): UserDirectory {
  const byEmail = new Map(users.map((user) => [user.email.toLowerCase(), user.id]))
  const byName = new Map<string, string[]>()
  for (const user of users) {
    const key = normalizeWord(user.name)
    byName.set(key, [...(byName.get(key) ?? []), user.id])
  }
  const names = new Map(users.map((user) => [user.id, user.name]))
  const resolve = (text: string): Coerced<string> => {
    const email = parseEmail(text)
    if (email.ok) {
      const id = byEmail.get(email.value)
      return id ? { ok: true, value: id } : { ok: false, reason: `${quote(text)} is not the email of a user of this workspace` }
    }
    const matches = byName.get(normalizeWord(text)) ?? []
    if (matches.length === 1) return { ok: true, value: matches[0] }
    if (matches.length > 1) return { ok: false, reason: `${quote(text)} is the name of ${matches.length} users; use the email instead` }
    return { ok: false, reason: `${quote(text)} is not a user of this workspace (give their email or full name)` }
  }
  return { resolve, nameOf: (userId) => names.get(userId) ?? null }
}
