import crypto from 'node:crypto'
import net from 'node:net'
import pg from 'pg'

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
