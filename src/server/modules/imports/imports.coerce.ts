/**
 * Turning spreadsheet text into typed values: dates in the formats CRMs and Excel write, money with
 * symbols and either decimal convention, yes/no booleans. Pure functions; each failure says why.
 */

export type Coerced<T> = { ok: true; value: T } | { ok: false; reason: string }

const ok = <T>(value: T): Coerced<T> => ({ ok: true, value })
const fail = <T>(reason: string): Coerced<T> => ({ ok: false, reason })

export type DateOptions = {
  /** 03/04/2026 is 3 April (day first) instead of March 4 (US, the default). */
  dayFirst?: boolean
}

const monthNames: Record<string, number> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6, june: 6,
  jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9, oct: 10, october: 10, nov: 11, november: 11,
  dec: 12, december: 12,
  // A few common non-English abbreviations seen in European exports.
  mär: 3, mrz: 3, mai: 5, okt: 10, dez: 12, ene: 1, abr: 4, ago: 8, dic: 12, févr: 2, avr: 4, juil: 7, déc: 12,
}
const weekdays = new Set(['mon', 'monday', 'tue', 'tues', 'tuesday', 'wed', 'wednesday', 'thu', 'thur', 'thurs', 'thursday', 'fri', 'friday', 'sat', 'saturday', 'sun', 'sunday'])

const pad = (value: number, width = 2) => String(value).padStart(width, '0')

function fullYear(text: string): number {
  const year = Number(text)
  if (text.length > 2) return year
  // Two-digit years: 00–69 are 2000s, 70–99 the 1900s (what spreadsheets do).
  return year < 70 ? 2000 + year : 1900 + year
}

function calendarDate(year: number, month: number, day: number): Coerced<string> {
  if (year < 1900 || year > 2200) return fail(`year ${year} is out of range (1900–2200)`)
  if (month < 1 || month > 12) return fail(`month ${month} does not exist`)
  const date = new Date(Date.UTC(year, month - 1, day))
  if (day < 1 || date.getUTCMonth() !== month - 1) return fail(`${year}-${pad(month)}-${pad(day)} is not a calendar date`)
  return ok(`${year}-${pad(month)}-${pad(day)}`)
}

/** Excel stores dates as days since 1899-12-30 (its 1900 leap-year bug included). */
function excelSerial(serial: number): Coerced<string> {
  const date = new Date(Date.UTC(1899, 11, 30) + Math.floor(serial) * 86_400_000)
  return ok(date.toISOString().slice(0, 10))
}

/** Splits "date time" into its parts; the time part (if any) is returned untouched. */
function splitDateTime(text: string): { date: string; time: string | null } {
  const iso = /^(\d{4}-\d{1,2}-\d{1,2})[T ](.+)$/.exec(text)
  if (iso) return { date: iso[1], time: iso[2] }
  const timed = /^(.*?\d)[ T,]+(\d{1,2}:\d{2}.*)$/.exec(text)
  if (timed) return { date: timed[1].trim().replace(/,$/, ''), time: timed[2] }
  return { date: text, time: null }
}

function parseDatePart(text: string, options: DateOptions): Coerced<string> {
  let match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(text)
  if (match) return calendarDate(Number(match[1]), Number(match[2]), Number(match[3]))

  match = /^(\d{4})(\d{2})(\d{2})$/.exec(text)
  if (match) return calendarDate(Number(match[1]), Number(match[2]), Number(match[3]))

  // 31.01.2026 — dotted dates are day first everywhere they are used.
  match = /^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$/.exec(text)
  if (match) return calendarDate(fullYear(match[3]), Number(match[2]), Number(match[1]))

  // 01/31/2026 (US) or 31/01/2026 (day first); an impossible month decides on its own.
  match = /^(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})$/.exec(text)
  if (match) {
    const first = Number(match[1])
    const second = Number(match[2])
    const year = fullYear(match[3])
    const dayFirst = first > 12 ? true : second > 12 ? false : Boolean(options.dayFirst)
    return dayFirst ? calendarDate(year, second, first) : calendarDate(year, first, second)
  }

  // Excel serial numbers (1954-10-03 … 2119-01-08).
  if (/^\d{5}(\.\d+)?$/.test(text)) {
    const serial = Number(text)
    if (serial >= 20_000 && serial <= 80_000) return excelSerial(serial)
  }

  // Month names: "Jan 31, 2026", "31 January 2026", "31-Jan-26", "Saturday, January 31st 2026".
  const tokens = text
    .toLowerCase()
    .split(/[\s,./-]+/)
    .filter((token) => token && !weekdays.has(token))
  if (tokens.length === 3) {
    const monthIndex = tokens.findIndex((token) => /^\p{L}+$/u.test(token))
    const month = monthIndex >= 0 ? monthNames[tokens[monthIndex]] : undefined
    if (monthIndex >= 0 && !month) return fail(`"${tokens[monthIndex]}" is not a month name`)
    if (month) {
      const numbers = tokens.filter((_, index) => index !== monthIndex).map((token) => token.replace(/(st|nd|rd|th)$/, ''))
      if (numbers.every((token) => /^\d+$/.test(token))) {
        // The year is the four-digit number, else the last one ("Jan 31, 26").
        const yearIndex = numbers[0].length === 4 ? 0 : 1
        const year = fullYear(numbers[yearIndex])
        const day = Number(numbers[1 - yearIndex])
        return calendarDate(year, month, day)
      }
    }
  }
  return fail('is not a date (use 2026-01-31, 01/31/2026, 31.01.2026 or Jan 31, 2026)')
}

/** A calendar date as YYYY-MM-DD. A time part, if any, is ignored. */
export function parseDate(input: string, options: DateOptions = {}): Coerced<string> {
  const text = input.trim()
  if (text === '') return fail('is empty')
  const { date } = splitDateTime(text)
  return parseDatePart(date, options)
}

/**
 * An instant as an ISO string. Dates without a time are midnight UTC; times without an offset are
 * read as UTC. Also takes Unix timestamps (10 digits: seconds, 13: milliseconds).
 */
export function parseDateTime(input: string, options: DateOptions = {}): Coerced<string> {
  const text = input.trim()
  if (text === '') return fail('is empty')
  if (/^\d{10}$/.test(text)) return ok(new Date(Number(text) * 1000).toISOString())
  if (/^\d{13}$/.test(text)) return ok(new Date(Number(text)).toISOString())
  if (/^\d{5}\.\d+$/.test(text)) {
    const serial = Number(text)
    if (serial >= 20_000 && serial <= 80_000) return ok(new Date(Date.UTC(1899, 11, 30) + Math.round(serial * 86_400_000)).toISOString())
  }
  const { date, time } = splitDateTime(text)
  const day = parseDatePart(date, options)
  if (!day.ok) return day
  if (!time) return ok(`${day.value}T00:00:00.000Z`)
  const match = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?\s*([ap]\.?m\.?)?\s*(z|utc|gmt|[+-]\d{2}(?::?\d{2})?)?$/i.exec(time.trim())
  if (!match) return fail(`"${time}" is not a time of day (use 14:05, 2:05 PM or 14:05:00Z)`)
  let hours = Number(match[1])
  const minutes = Number(match[2])
  const seconds = Number(match[3] ?? 0)
  const millis = Math.round(Number(`0.${match[4] ?? '0'}`) * 1000)
  const meridiem = match[5]?.toLowerCase().replace(/\./g, '')
  if (meridiem) {
    if (hours < 1 || hours > 12) return fail(`${time} is not a 12-hour time`)
    hours = (hours % 12) + (meridiem === 'pm' ? 12 : 0)
  }
  if (hours > 23 || minutes > 59 || seconds > 59) return fail(`${time} is not a time of day`)
  let offsetMinutes = 0
  const zone = match[6]?.toLowerCase()
  if (zone && !['z', 'utc', 'gmt'].includes(zone)) {
    const parts = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)
    if (!parts) return fail(`${zone} is not a UTC offset`)
    offsetMinutes = (parts[1] === '-' ? -1 : 1) * (Number(parts[2]) * 60 + Number(parts[3] ?? 0))
  }
  const [year, month, dayOfMonth] = day.value.split('-').map(Number)
  const instant = Date.UTC(year, month - 1, dayOfMonth, hours, minutes, seconds, millis) - offsetMinutes * 60_000
  return ok(new Date(instant).toISOString())
}

// ----- numbers and money -----

const groupedBy3 = (text: string) => /^\d{1,3}$/.test(text.split('|')[0]) && text.split('|').slice(1).every((group) => /^\d{3}$/.test(group))

/**
 * A number with either convention: 12,000.50 and 12.000,50 and 12 000,50 are all 12000.5.
 * A single comma followed by exactly three digits is a thousands separator (12,000); otherwise
 * a single comma is the decimal mark (12,5). A single dot is a decimal mark unless
 * `dotThousands` says the context is European money (12.000 €).
 */
export function parseNumber(input: string, options: { dotThousands?: boolean } = {}): Coerced<number> {
  let text = input.trim()
  if (text === '') return fail('is empty')
  let negative = false
  if (/^\(.*\)$/.test(text)) {
    negative = true
    text = text.slice(1, -1).trim()
  }
  if (/^[-−–]/.test(text)) {
    negative = !negative
    text = text.slice(1).trim()
  } else if (text.startsWith('+')) {
    text = text.slice(1).trim()
  }
  if (/^\d+(\.\d+)?e[+-]?\d+$/i.test(text)) {
    const value = Number(text)
    return Number.isFinite(value) ? ok(negative ? -value : value) : fail('is not a number')
  }
  // Spaces, non-breaking spaces and apostrophes group thousands (12 000, 12'000).
  text = text.replace(/[\s\u00a0\u202f'’]/g, '')
  if (!/^[\d.,]+$/.test(text) || !/\d/.test(text)) return fail('is not a number')
  const dots = (text.match(/\./g) ?? []).length
  const commas = (text.match(/,/g) ?? []).length
  let normalized: string
  if (dots > 0 && commas > 0) {
    const decimal = text.lastIndexOf('.') > text.lastIndexOf(',') ? '.' : ','
    const thousands = decimal === '.' ? ',' : '.'
    const [whole, fraction, ...rest] = text.split(decimal)
    if (rest.length > 0 || !fraction || !groupedBy3(whole.split(thousands).join('|'))) return fail('is not a number (mixed separators)')
    normalized = `${whole.split(thousands).join('')}.${fraction}`
  } else if (commas > 1 || dots > 1) {
    const separator = commas > 1 ? ',' : '.'
    if (!groupedBy3(text.split(separator).join('|'))) return fail('is not a number (bad digit grouping)')
    normalized = text.split(separator).join('')
  } else if (commas === 1) {
    const [whole, fraction] = text.split(',')
    const thousands = fraction.length === 3 && /^[1-9]\d{0,2}$/.test(whole)
    normalized = thousands ? `${whole}${fraction}` : `${whole || '0'}.${fraction}`
  } else if (dots === 1 && options.dotThousands) {
    const [whole, fraction] = text.split('.')
    normalized = fraction.length === 3 && /^[1-9]\d{0,2}$/.test(whole) ? `${whole}${fraction}` : text
  } else {
    normalized = text
  }
  if (!/^\d*\.?\d+$|^\d+\.$/.test(normalized)) return fail('is not a number')
  const value = Number(normalized)
  if (!Number.isFinite(value)) return fail('is not a number')
  return ok(negative ? -value : value)
}

export function parseInteger(input: string): Coerced<number> {
  const number = parseNumber(input)
  if (!number.ok) return number
  if (!Number.isInteger(number.value)) return fail('must be a whole number')
  return number
}

const currencySymbols: [string, string][] = [
  // Longest first: "CA$" must not be read as "A$".
  ['US$', 'USD'], ['AU$', 'AUD'], ['CA$', 'CAD'], ['NZ$', 'NZD'], ['HK$', 'HKD'], ['R$', 'BRL'], ['S$', 'SGD'], ['A$', 'AUD'], ['C$', 'CAD'],
  ['$', 'USD'], ['€', 'EUR'], ['£', 'GBP'], ['¥', 'JPY'], ['₹', 'INR'], ['₩', 'KRW'], ['₪', 'ILS'], ['zł', 'PLN'], ['kr', 'SEK'], ['Fr.', 'CHF'],
]
/** Currencies whose users write 12.000,50 (a single dot followed by three digits is thousands). */
const commaDecimalCurrencies = new Set(['EUR', 'BRL', 'PLN', 'SEK', 'NOK', 'DKK', 'CHF', 'TRY', 'IDR', 'ARS'])

export type Money = { amount: number; currency: string | null }

/** Money: "$12,000.50", "12.000,50 €", "EUR 1.200", "(1,200.00)"; the currency when it is written. */
export function parseMoney(input: string): Coerced<Money> {
  let text = input.trim()
  if (text === '') return fail('is empty')
  let currency: string | null = null
  const code = /^([A-Z]{3})\s*(.+)$/.exec(text) ?? /^(.+?)\s*([A-Z]{3})$/.exec(text)
  if (code) {
    const [codeText, rest] = /^[A-Z]{3}$/.test(code[1]) ? [code[1], code[2]] : [code[2], code[1]]
    currency = codeText
    text = rest.trim()
  }
  let symbolAfter = false
  for (const [symbol, symbolCurrency] of currencySymbols) {
    const at = text.indexOf(symbol)
    if (at < 0) continue
    if (currency && currency !== symbolCurrency && symbol !== '$') return fail(`says both ${currency} and ${symbol}`)
    currency = currency ?? symbolCurrency
    symbolAfter = at > 0 && at === text.length - symbol.length
    text = (text.slice(0, at) + text.slice(at + symbol.length)).trim()
    break
  }
  const number = parseNumber(text, { dotThousands: symbolAfter || (currency !== null && commaDecimalCurrencies.has(currency)) })
  if (!number.ok) return fail(`is not an amount of money (${number.reason})`)
  return ok({ amount: Math.round(number.value * 100) / 100, currency })
}

const trueWords = new Set(['yes', 'y', 'true', 't', '1', 'on', 'x', 'checked', 'ja', 'oui', 'si', 'sí'])
const falseWords = new Set(['no', 'n', 'false', 'f', '0', 'off', 'unchecked', 'nein', 'non'])

export function parseBoolean(input: string): Coerced<boolean> {
  const text = input.trim().toLowerCase()
  if (trueWords.has(text)) return ok(true)
  if (falseWords.has(text)) return ok(false)
  return fail('is not yes/no (use yes/no, true/false, y/n or 1/0)')
}

const emailPattern = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]{2,}$/

export function parseEmail(input: string): Coerced<string> {
  // "Ana Lima <ana@acme.com>" as mail clients and some CRMs write it.
  const angle = /<([^>]+)>\s*$/.exec(input)
  const text = (angle ? angle[1] : input).trim().toLowerCase()
  if (!emailPattern.test(text) || text.length > 320) return fail('is not an email address')
  return ok(text)
}

/** A website or domain ("https://www.acme.com/about") as its domain ("acme.com"). */
export function parseDomain(input: string): Coerced<string> {
  const text = input
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/[/?#].*$/, '')
    .replace(/:\d+$/, '')
    .replace(/^www\./, '')
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$/.test(text) || text.length > 253) return fail('is not a domain or website (like acme.com)')
  return ok(text)
}

/** A currency as an ISO code ("usd", "$", "€" → USD, EUR). */
export function parseCurrency(input: string): Coerced<string> {
  const text = input.trim()
  if (/^[a-z]{3}$/i.test(text)) return ok(text.toUpperCase())
  const symbol = currencySymbols.find(([candidate]) => candidate === text)
  if (symbol) return ok(symbol[1])
  return fail('is not a currency (use an ISO code like USD or EUR)')
}

/** Normalises a label for matching: "On-Hold " → "on_hold". */
export const normalizeWord = (input: string) =>
  input
    .trim()
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')

/** One of a fixed set of values, with synonyms ("Closed Lost" → churned). */
export function parseChoice(input: string, synonyms: Record<string, string>, canonical: readonly string[]): Coerced<string> {
  const word = normalizeWord(input)
  if (canonical.includes(word)) return ok(word)
  const mapped = synonyms[word]
  if (mapped) return ok(mapped)
  return fail(`is not one of ${canonical.join(', ')}`)
}
