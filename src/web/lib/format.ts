/** Formatting helpers: money, numbers, dates, relative days. */
import dayjs from 'dayjs'

const compactCache = new Map<string, Intl.NumberFormat>()
const fullCache = new Map<string, Intl.NumberFormat>()

function compactFormatter(currency: string): Intl.NumberFormat {
  let formatter = compactCache.get(currency)
  if (!formatter) {
    try {
      formatter = new Intl.NumberFormat('en-US', {
        style: 'currency',
        currency,
        notation: 'compact',
        maximumFractionDigits: 1,
      })
    } catch {
      formatter = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1 })
    }
    compactCache.set(currency, formatter)
  }
  return formatter
}

function fullFormatter(currency: string): Intl.NumberFormat {
  let formatter = fullCache.get(currency)
  if (!formatter) {
    try {
      formatter = new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: 0 })
    } catch {
      formatter = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 })
    }
    fullCache.set(currency, formatter)
  }
  return formatter
}

/** `$1.2M`, `$48.5K`, `$950`. */
export function formatMoney(value: number | null | undefined, currency = 'USD'): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—'
  return compactFormatter(currency).format(value)
}

/** `+$12.5K` / `−$3K` for deltas. */
export function formatMoneyDelta(value: number, currency = 'USD'): string {
  if (value === 0) return formatMoney(0, currency)
  const text = compactFormatter(currency).format(Math.abs(value))
  return value > 0 ? `+${text}` : `−${text}`
}

/** `$1,234,567` for tooltips and exact values. */
export function formatMoneyFull(value: number | null | undefined, currency = 'USD'): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—'
  return fullFormatter(currency).format(value)
}

const integerFormat = new Intl.NumberFormat('en-US')
const compactNumber = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 })

export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—'
  return integerFormat.format(value)
}

export function formatCompactNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—'
  return compactNumber.format(value)
}

/** `Mar 4, 2025` (date-only strings are read as local dates). */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '—'
  const date = dayjs(value)
  return date.isValid() ? date.format('MMM D, YYYY') : value
}

/** `Mar 4, 2025, 14:05`. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—'
  const date = dayjs(value)
  return date.isValid() ? date.format('MMM D, YYYY, HH:mm') : value
}

/** `2025-03` → `Mar 2025` (or `Mar '25` when short). */
export function formatMonth(value: string, short = false): string {
  const date = dayjs(`${value}-01`)
  if (!date.isValid()) return value
  return short ? date.format("MMM 'YY") : date.format('MMM YYYY')
}

/** Whole days from today to a date (negative when in the past). */
export function daysUntil(value: string | null | undefined): number | null {
  if (!value) return null
  const date = dayjs(value)
  if (!date.isValid()) return null
  return date.startOf('day').diff(dayjs().startOf('day'), 'day')
}

/** `in 12 days`, `today`, `3 days ago`. */
export function formatDaysFromNow(days: number | null): string {
  if (days === null) return ''
  if (days === 0) return 'today'
  if (days === 1) return 'tomorrow'
  if (days === -1) return 'yesterday'
  return days > 0 ? `in ${formatNumber(days)} days` : `${formatNumber(-days)} days ago`
}

/** `5 minutes ago`, `3 days ago`, or the date if older than 30 days. */
export function formatRelative(value: string | null | undefined): string {
  if (!value) return '—'
  const date = dayjs(value)
  if (!date.isValid()) return value
  const now = dayjs()
  const minutes = now.diff(date, 'minute')
  if (minutes < 1) return 'just now'
  if (minutes < 60) return `${minutes} min ago`
  const hours = now.diff(date, 'hour')
  if (hours < 24) return `${hours} h ago`
  const days = now.diff(date, 'day')
  if (days < 30) return days === 1 ? 'yesterday' : `${days} days ago`
  return formatDate(value)
}

export function initials(name: string | null | undefined): string {
  if (!name) return '?'
  const parts = name.trim().split(/\s+/).filter(Boolean)
  const first = parts[0]?.[0] ?? ''
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : ''
  return (first + last).toUpperCase() || '?'
}

export function titleCase(value: string): string {
  return value
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .replace(/^\w/, (char) => char.toUpperCase())
}

export function pluralize(count: number, singular: string, plural = `${singular}s`): string {
  return `${formatNumber(count)} ${count === 1 ? singular : plural}`
}
