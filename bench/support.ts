import crypto from 'node:crypto'
import net from 'node:net'
import { sql } from 'drizzle-orm'
import pg from 'pg'
import type { Db } from '../src/server/platform/db'

/** A TCP port free on loopback right now, for a Bosun child process to listen on. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** The PostgreSQL server the benchmarks use (BENCH_PG_URL, default the local one), without a database name. */
export const benchPgServerUrl = (process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432').replace(/\/+$/, '')

async function onMaintenanceDb(statement: string) {
  const client = new pg.Client({ connectionString: `${benchPgServerUrl}/postgres` })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

/** A new empty database `<prefix>_<random>` for one run; `drop` removes it (connections forced off). */
export async function createBenchDatabase(prefix: string): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${crypto.randomBytes(4).toString('hex')}`
  await onMaintenanceDb(`CREATE DATABASE "${name}"`)
  return { name, url: `${benchPgServerUrl}/${name}`, drop: () => onMaintenanceDb(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) }
}

/** Moves domain-event consumers past every event written so far: the generated world's events are not news. */
export async function markCaughtUp(db: Db, workspaceId: string, consumers: string[]) {
  for (const consumer of consumers) {
    await db.execute(sql`
      INSERT INTO domain_event_cursors (workspace_id, consumer, last_tx_id, last_id, updated_at)
      SELECT ${workspaceId}, ${consumer}, coalesce(max(tx_id), 0), coalesce(max(id), 0), now() FROM domain_events WHERE workspace_id = ${workspaceId}
      ON CONFLICT (workspace_id, consumer) DO UPDATE SET last_tx_id = excluded.last_tx_id, last_id = excluded.last_id, updated_at = excluded.updated_at`)
  }
}
