import path from 'node:path'
import { loadConfig } from '../server/platform/config'
import { acquireDataDirLock, readDataDirOwner } from '../server/platform/data-dir-lock'
import { migrateDb, openDb, type Db } from '../server/platform/db'
import { runAdminOperation, type AdminOperation } from '../server/admin-operations'

/**
 * Runs an admin operation wherever it can run safely: directly on PostgreSQL; on PGlite either
 * inside the server that owns the data dir (over loopback) or by owning the data dir itself.
 */
export async function runOperation(operation: AdminOperation, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const config = loadConfig()
  if (!config.databaseUrl) {
    const owner = readDataDirOwner(config.dataDir)
    if (owner) {
      if (!owner.port) throw new Error(`Bosun (pid ${owner.pid}) is starting on ${config.dataDir}; try again in a few seconds`)
      const response = await fetch(`http://127.0.0.1:${owner.port}/internal/cli/${operation}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-bosun-control-token': owner.controlToken },
        body: JSON.stringify(input),
      })
      const body = (await response.json()) as Record<string, unknown>
      if (!response.ok) throw new Error(String(body.detail ?? body.title ?? `server answered ${response.status}`))
      return body
    }
  }
  return withDatabase((db) => runAdminOperation(db, operation, input))
}

export async function withDatabase<Result>(work: (db: Db) => Promise<Result>): Promise<Result> {
  const config = loadConfig()
  const lock = config.databaseUrl ? null : acquireDataDirLock(config.dataDir)
  const handle = await openDb({ databaseUrl: config.databaseUrl, pgliteDir: config.databaseUrl ? undefined : path.join(config.dataDir, 'pgdata'), poolSize: 4 })
  try {
    await migrateDb(handle)
    return await work(handle.db)
  } finally {
    await handle.close()
    lock?.release()
  }
}
