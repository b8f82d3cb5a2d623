import { describe, expect, it } from 'vitest'
import { parseBoolean, parseChoice, parseCurrency, parseDate, parseDateTime, parseDomain, parseEmail, parseInteger, parseMoney, parseNumber } from './imports.coerce'

const value = <T>(result: { ok: true; value: T } | { ok: false; reason: string }) => (result.ok ? result.value : `ERROR: ${result.reason}`)

describe('dates', () => {
  it.each([
    ['2026-01-31', '2026-01-31'],
    ['2026/1/31', '2026-01-31'],
    ['20260131', '2026-01-31'],
    ['2026-01-31T23:15:00Z', '2026-01-31'],
    ['2026-01-31 14:05', '2026-01-31'],
    ['01/31/2026', '2026-01-31'],
    ['1/31/26', '2026-01-31'],
    ['01/31/2026 2:05 PM', '2026-01-31'],
    ['31/01/2026', '2026-01-31'],
    ['31.01.2026', '2026-01-31'],
    ['31.1.26', '2026-01-31'],
    ['Jan 31, 2026', '2026-01-31'],
    ['January 31 2026', '2026-01-31'],
    ['31 Jan 2026', '2026-01-31'],
    ['31-Jan-26', '2026-01-31'],
    ['Saturday, January 31st 2026', '2026-01-31'],
    ['46053', '2026-01-31'],
  ])('reads %s', (input, expected) => {
    expect(value(parseDate(input))).toBe(expected)
  })

  it('reads ambiguous slashed dates as US unless told day first', () => {
    expect(value(parseDate('03/04/2026'))).toBe('2026-03-04')
    expect(value(parseDate('03/04/2026', { dayFirst: true }))).toBe('2026-04-03')
    // Dotted dates are day first everywhere.
    expect(value(parseDate('03.04.2026'))).toBe('2026-04-03')
  })

  it.each([
    ['2026-02-30', 'not a calendar date'],
    ['13/13/2026', 'month 13'],
    ['tomorrow', 'is not a date'],
    ['Foo 3, 2026', '"foo" is not a month name'],
    ['1850-01-01', 'out of range'],
  ])('refuses %s with a reason', (input, reason) => {
    const result = parseDate(input)
    expect(result.ok).toBe(false)
    expect(result.ok ? '' : result.reason).toContain(reason)
  })

  it('reads instants with times, offsets, 12-hour clocks and Unix timestamps', () => {
    expect(value(parseDateTime('2026-01-31T14:05:00Z'))).toBe('2026-01-31T14:05:00.000Z')
    expect(value(parseDateTime('2026-01-31T14:05:00+02:00'))).toBe('2026-01-31T12:05:00.000Z')
    expect(value(parseDateTime('2026-01-31 14:05'))).toBe('2026-01-31T14:05:00.000Z')
    expect(value(parseDateTime('01/31/2026 2:05 PM'))).toBe('2026-01-31T14:05:00.000Z')
    expect(value(parseDateTime('31.01.2026 09:30:15'))).toBe('2026-01-31T09:30:15.000Z')
    expect(value(parseDateTime('Jan 31, 2026'))).toBe('2026-01-31T00:00:00.000Z')
    expect(value(parseDateTime('1769868300'))).toBe('2026-01-31T14:05:00.000Z')
    expect(value(parseDateTime('1769868300000'))).toBe('2026-01-31T14:05:00.000Z')
    expect(parseDateTime('2026-01-31 25:00').ok).toBe(false)
  })
})

describe('numbers and money', () => {
  it.each([
    ['12000', 12000],
    ['12,000', 12000],
    ['1,234,567.89', 1234567.89],
    ['1.234.567,89', 1234567.89],
    ['12 000,50', 12000.5],
    ["12'000.50", 12000.5],
    ['12,5', 12.5],
    ['0,500', 0.5],
    ['12.5', 12.5],
    ['-42', -42],
    ['(1,200.00)', -1200],
    ['1.2E+05', 120000],
  ])('reads %s', (input, expected) => {
    expect(value(parseNumber(input))).toBe(expected)
  })

  it('refuses what is not a number', () => {
    for (const input of ['abc', '12,00,0', '1.2.3,4,5', '--', '']) expect(parseNumber(input).ok, input).toBe(false)
    expect(value(parseInteger('1,200'))).toBe(1200)
    expect(value(parseInteger('12.5'))).toBe('ERROR: must be a whole number')
  })

  it.each([
    ['$12,000.50', 12000.5, 'USD'],
    ['12.000,50 €', 12000.5, 'EUR'],
    ['€12.000', 12000, 'EUR'],
    ['12.000 €', 12000, 'EUR'],
    ['€12.50', 12.5, 'EUR'],
    ['£1,250', 1250, 'GBP'],
    ['USD 1,200', 1200, 'USD'],
    ['1200 EUR', 1200, 'EUR'],
    ['CA$ 99.90', 99.9, 'CAD'],
    ['-$500', -500, 'USD'],
    ['12000', 12000, null],
  ])('reads money %s', (input, amount, currency) => {
    expect(value(parseMoney(input))).toEqual({ amount, currency })
  })

  it('refuses money it cannot read', () => {
    expect(parseMoney('twelve dollars').ok).toBe(false)
    expect(parseMoney('USD €12').ok).toBe(false)
  })
})

describe('booleans, emails, domains, currencies and choices', () => {
  it('reads yes/no in every common spelling', () => {
    for (const input of ['yes', 'Y', 'TRUE', 't', '1', 'on']) expect(value(parseBoolean(input)), input).toBe(true)
    for (const input of ['no', 'N', 'False', 'f', '0', 'off']) expect(value(parseBoolean(input)), input).toBe(false)
    expect(parseBoolean('maybe').ok).toBe(false)
  })

  it('reads emails, websites and currencies', () => {
    expect(value(parseEmail(' Ana@Acme.COM '))).toBe('ana@acme.com')
    expect(value(parseEmail('Ana Lima <ana@acme.com>'))).toBe('ana@acme.com')
    expect(parseEmail('ana@acme').ok).toBe(false)
    expect(value(parseDomain('https://www.Acme.com/about?x=1'))).toBe('acme.com')
    expect(value(parseDomain('acme.co.uk'))).toBe('acme.co.uk')
    expect(parseDomain('not a site').ok).toBe(false)
    expect(value(parseCurrency('eur'))).toBe('EUR')
    expect(value(parseCurrency('€'))).toBe('EUR')
    expect(parseCurrency('euros').ok).toBe(false)
  })

  it('maps choices and their synonyms', () => {
    const statuses = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed']
    expect(value(parseChoice('On-Hold', { hold: 'on_hold' }, statuses))).toBe('on_hold')
    expect(value(parseChoice('Resolved', { resolved: 'solved' }, statuses))).toBe('solved')
    expect(parseChoice('lost', {}, statuses).ok).toBe(false)
  })
})
