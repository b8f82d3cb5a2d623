import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../platform/db'
import { createTestDb } from '../../testing/test-db'
import { runImport, sniffDelimiter, type RowErrorRecord } from './imports.engine'
import { layoutColumns, resolveMapping } from './imports.rows'

let handle: DbHandle
let dir: string

beforeAll(async () => {
  handle = await createTestDb()
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bosun-engine-'))
})
afterAll(async () => {
  await handle?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const noUsers = { resolve: () => ({ ok: false as const, reason: 'no users' }), nameOf: () => null }

async function writeFile(name: string, header: string, rows: number, line: (index: number) => string): Promise<string> {
  const file = path.join(dir, name)
  const out = fs.createWriteStream(file)
  out.write(`${header}\n`)
  for (let index = 0; index < rows; index++) {
    if (!out.write(`${line(index)}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
  }
  await new Promise<void>((resolve) => out.end(() => resolve()))
  return file
}

describe('streaming', () => {
  it('reads a large file a window at a time: the reader never runs more than ~1 MB ahead of the rows handled', async () => {
    // 200,000 rows of exactly 64 bytes (about 13 MB), every one bad, so the run never waits on the database.
    const rowCount = 200_000
    const line = (index: number) => `ACC-${String(index).padStart(10, '0')},Company,not-a-number${'x'.repeat(29)}`
    const file = await writeFile('large.csv', 'Account ID,Account Name,Employees', rowCount, line)
    const rowBytes = line(0).length + 1
    const headerBytes = 'Account ID,Account Name,Employees\n'.length
    expect(fs.statSync(file).size).toBe(headerBytes + rowCount * rowBytes)

    let maxAhead = 0
    let progressCalls = 0
    let errorsSeen = 0
    let maxBuffered = 0
    let buffered = 0
    const result = await runImport({
      db: handle.db,
      workspaceId: '00000000-0000-4000-8000-000000000000',
      kind: 'accounts',
      filePath: file,
      mapping: resolveMapping('accounts', ['Account ID', 'Account Name', 'Employees']).mapping,
      dryRun: false,
      allOrNothing: false,
      dayFirst: false,
      users: noUsers,
      errors: {
        add: async (_error: RowErrorRecord) => {
          errorsSeen += 1
          buffered += 1
          maxBuffered = Math.max(maxBuffered, buffered)
        },
        flush: async () => undefined,
      },
      onProgress: (progress) => {
        progressCalls += 1
        buffered = 0
        const handledBytes = headerBytes + progress.rowsProcessed * rowBytes
        maxAhead = Math.max(maxAhead, progress.bytesProcessed - handledBytes)
      },
    })
    expect(result.progress).toMatchObject({ rowsProcessed: rowCount, rowsFailed: rowCount, rowsCreated: 0, bytesProcessed: fs.statSync(file).size })
    expect(result.progress.preview).toEqual([])
    expect(errorsSeen).toBe(rowCount)
    // Errors leave chunk by chunk (500 rows), never accumulating for the whole file.
    expect(maxBuffered).toBeLessThanOrEqual(500)
    expect(progressCalls).toBeGreaterThanOrEqual(rowCount / 500)
    expect(maxAhead).toBeLessThan(1024 * 1024)
  })

  it('numbers rows as a spreadsheet shows them (a quoted line break stays in its row, blank lines count) and reports unreadable CSV', async () => {
    const file = path.join(dir, 'quoted.csv')
    fs.writeFileSync(file, 'Account ID;Account Name;Employees\r\nQ-1;"Multi\r\nline";x\r\n\r\nQ-2;Two;y\r\nQ-3;"unclosed;3\r\n')
    const errors: RowErrorRecord[] = []
    const result = await runImport({
      db: handle.db,
      workspaceId: '00000000-0000-4000-8000-000000000000',
      kind: 'accounts',
      filePath: file,
      mapping: resolveMapping('accounts', ['Account ID', 'Account Name', 'Employees']).mapping,
      dryRun: true,
      allOrNothing: false,
      dayFirst: false,
      users: noUsers,
      errors: { add: async (error) => void errors.push(error), flush: async () => undefined },
    })
    expect(result.headers).toEqual(['Account ID', 'Account Name', 'Employees'])
    expect(errors.map((error) => [error.rowNumber, error.column, error.reason])).toEqual([
      [2, 'Employees', '"x" is not a number'],
      [4, 'Employees', '"y" is not a number'],
      [5, null, expect.stringContaining('is not valid CSV')],
    ])
    expect(errors[0].raw).toBe('Q-1;"Multi\r\nline";x')
  })

  it('tells what it could not read at all', async () => {
    const empty = path.join(dir, 'empty.csv')
    fs.writeFileSync(empty, '')
    const result = await runImport({
      db: handle.db,
      workspaceId: '00000000-0000-4000-8000-000000000000',
      kind: 'accounts',
      filePath: empty,
      mapping: {},
      dryRun: true,
      allOrNothing: false,
      dayFirst: false,
      users: noUsers,
      errors: { add: async () => undefined, flush: async () => undefined },
    })
    expect(result.failureReason).toBe('the file is empty: there is no header row')
  })

  it('recognises the delimiter from the header line', () => {
    expect(sniffDelimiter('a,b,c')).toBe(',')
    expect(sniffDelimiter('Account ID;Name;"Revenue, USD"')).toBe(';')
    expect(sniffDelimiter('a\tb\tc')).toBe('\t')
    expect(sniffDelimiter('single')).toBe(',')
    expect(layoutColumns('accounts', ['Account ID', 'Other'], { 'Account ID': 'externalId', Other: null }).columns).toHaveLength(1)
  })
})
