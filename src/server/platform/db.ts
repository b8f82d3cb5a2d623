import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { sql, type SQL } from 'drizzle-orm'
import pg from 'pg'

/** The one database type every repo takes: a drizzle database or a transaction on either driver. */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>>

export type SqlResult = { rows: Record<string, unknown>[] }

export type DbHandle = {
  db: Db
  kind: 'pglite' | 'postgres'
  /** Raw SQL for libraries (pg-boss) and bulk loads; values are positional ($1…). */
  executeSql: (text: string, values?: unknown[]) => Promise<SqlResult>
  /** Set on PGlite only: the embedded instance (for COPY through /dev/blob and dumps). */
  pglite?: PGlite
  /** Set on PostgreSQL only. */
  pool?: pg.Pool
  close: () => Promise<void>
}

export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations')

// One place where both drivers are made to return the same JS types for raw SQL:
// int8 and numeric as numbers, date as 'YYYY-MM-DD' strings (never a local-midnight Date).
const INT8 = 20
const NUMERIC = 1700
const DATE = 1082
const toNumber = (value: string) => Number(value)
const keepString = (value: string) => value
pg.types.setTypeParser(INT8, toNumber)
pg.types.setTypeParser(NUMERIC, toNumber)
pg.types.setTypeParser(DATE, keepString)
const pgliteParsers = { [INT8]: toNumber, [NUMERIC]: toNumber, [DATE]: keepString }

export const pgliteExtensions = { pg_trgm }

export type OpenDbOptions = {
  databaseUrl?: string
  /** PGlite data directory; undefined means in memory. */
  pgliteDir?: string
  /** A dumped, migrated PGlite data dir to start from (tests clone one template this way). */
  pgliteTemplate?: Blob
  poolSize?: number
}

export async function openDb(options: OpenDbOptions): Promise<DbHandle> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 20)
  return openPglite(options.pgliteDir, options.pgliteTemplate)
}

async function openPglite(dataDir: string | undefined, template: Blob | undefined): Promise<DbHandle> {
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true })
  const pglite = await PGlite.create({
    dataDir,
    extensions: pgliteExtensions,
    parsers: pgliteParsers,
    loadDataDir: template,
  })
  const db = drizzlePglite(pglite) as unknown as Db
  const executeSql = async (text: string, values?: unknown[]): Promise<SqlResult> => {
    if (values && values.length > 0) {
      const result = await pglite.query<Record<string, unknown>>(text, values)
      return { rows: result.rows }
    }
    const results = await pglite.exec(text)
    const last = results[results.length - 1]
    return { rows: (last?.rows ?? []) as Record<string, unknown>[] }
  }
  return {
    db,
    kind: 'pglite',
    executeSql,
    pglite,
    close: async () => {
      if (!pglite.closed) await pglite.close()
    },
  }
}

async function openPostgres(databaseUrl: string, poolSize: number): Promise<DbHandle> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize })
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined)
  const db = drizzlePg(pool) as unknown as Db
  return {
    db,
    kind: 'postgres',
    pool,
    executeSql: async (text, values) => {
      const result = await pool.query(text, values as unknown[] | undefined)
      return { rows: result.rows as Record<string, unknown>[] }
    },
    close: () => pool.end(),
  }
}

const MIGRATION_LOCK = 7_240_451

/**
 * Runs `work` while holding a PostgreSQL session advisory lock, so one process at a time does
 * start-up work (migrations, pg-boss's schema, first-start bootstrap). PGlite has one process.
 */
export async function withAdvisoryLock<Result>(handle: DbHandle, lockKey: number, work: () => Promise<Result>): Promise<Result> {
  if (!handle.pool) return work()
  const client = await handle.pool.connect()
  try {
    await client.query('SELECT pg_advisory_lock($1)', [lockKey])
    return await work()
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [lockKey]).catch(() => undefined)
    client.release()
  }
}

export const STARTUP_LOCK = MIGRATION_LOCK

/**
 * Applies committed migrations under the start-up lock; `alsoUnderLock` runs more start-up DDL
 * (pg-boss creating its schema) before release, because concurrent CREATE SCHEMA IF NOT EXISTS collides.
 */
export async function migrateDb(handle: DbHandle, options: { alsoUnderLock?: () => Promise<void> } = {}): Promise<void> {
  await withAdvisoryLock(handle, MIGRATION_LOCK, async () => {
    await migrate(handle)
    await options.alsoUnderLock?.()
  })
}

async function migrate(handle: DbHandle): Promise<void> {
  if (handle.pglite) return migratePglite(drizzlePglite(handle.pglite), { migrationsFolder })
  // The migrator runs on the pool: its statements need no session state of their own.
  return migratePg(handle.db as unknown as Parameters<typeof migratePg>[0], { migrationsFolder })
}

/** The SQLSTATE of a database error, also when drizzle wraps it (DrizzleQueryError.cause). */
export function pgErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/** Runs a drizzle SQL fragment and returns plain rows, the same shape on both drivers. */
/** A value as a jsonb parameter (e.g. rows for jsonb_to_recordset). */
export const jsonb = (value: unknown): SQL => sql`${JSON.stringify(value)}::jsonb`

export async function queryRows<Row extends Record<string, unknown>>(db: Db, query: SQL): Promise<Row[]> {
  const result = (await db.execute(query)) as unknown as { rows: Row[] }
  return result.rows
}

export async function isDbReady(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`)
    return true
  } catch {
    return false
  }
}

/**
 * Builds a prepared statement once per database handle: drizzle's query builder costs ~0.2 ms a
 * call, and a named statement is parsed and planned by PostgreSQL once per connection.
 */
export function preparedPerDb<Query>(build: (db: Db) => Query): (db: Db) => Query {
  const cache = new WeakMap<Db, Query>()
  return (db) => {
    const cached = cache.get(db)
    if (cached) return cached
    const query = build(db)
    cache.set(db, query)
    return query
  }
}

/**
 * Prepared statements whose SQL depends on a request's *shape* (which filters are present, the sort):
 * one named statement per shape and database handle, built on first use. Real shapes are few; past
 * `maxShapes` (a client trying every combination) a shape is built unnamed each time, so no connection
 * keeps it (node-postgres runs a query named '' as an unnamed statement).
 */
export function preparedPerShape<Query>(prefix: string, maxShapes: number): (db: Db, shape: string, build: (name: string) => Query) => Query {
  const cache = new WeakMap<Db, Map<string, Query>>()
  return (db, shape, build) => {
    let statements = cache.get(db)
    if (!statements) cache.set(db, (statements = new Map()))
    const cached = statements.get(shape)
    if (cached) return cached
    if (statements.size >= maxShapes) return build('')
    const query = build(`${prefix}_${createHash('sha1').update(shape).digest('hex').slice(0, 16)}`)
    statements.set(shape, query)
    return query
  }
}

/**
 * Background work on PGlite shares one connection with every HTTP request: after a batch that held it
 * for `busyMs`, rest as long, so requests queued behind the batch run (at most half the time goes to
 * background batches). On PostgreSQL each worker has its own connections: no pause.
 */
export async function shareEmbeddedDb(handle: DbHandle, busyMs: number): Promise<void> {
  if (handle.kind !== 'pglite' || busyMs <= 0) return
  await new Promise((resolve) => setTimeout(resolve, Math.min(busyMs, 2000)))
}

/**
 * For the hourly sweeps: on PGlite, slices of 250 accounts with a time share for other work after each
 * (a slice of 1,000 held the one connection for ~0.6 s at 10k accounts, and an event's way to a fresh
 * score waited behind every slice: freshness p99 5.6 s during a sweep). PostgreSQL keeps the defaults.
 */
export function embeddedSweepSlices(handle: DbHandle): { chunkSize?: number; betweenSlices?: (busyMs: number) => Promise<void> } {
  if (handle.kind !== 'pglite') return {}
  return { chunkSize: 250, betweenSlices: (busyMs) => shareEmbeddedDb(handle, busyMs) }
}

/**
 * Runs `takeBatch` until it reports an empty queue or `budgetMs` passed, sharing PGlite between batches
 * (shareEmbeddedDb). For jobs that drain a table queue; what is left is picked up by the next run.
 */
export async function drainQueueInBatches<Batch extends { workspaceIds: string[] }>(
  handle: DbHandle,
  params: { budgetMs: number; takeBatch: () => Promise<Batch>; onBatch: (batch: Batch) => void },
): Promise<void> {
  const started = Date.now()
  for (;;) {
    const batchStarted = Date.now()
    const batch = await params.takeBatch()
    if (batch.workspaceIds.length === 0) return
    params.onBatch(batch)
    await shareEmbeddedDb(handle, Date.now() - batchStarted)
    if (Date.now() - started > params.budgetMs) return
  }
}
