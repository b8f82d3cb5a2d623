import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { migrateDb, openDb, type DbHandle } from '../platform/db'
import { startJobs } from '../platform/jobs'
import { createLogger } from '../platform/logging'
import { adminUrl } from './test-db'

async function prepare(handle: DbHandle) {
  await migrateDb(handle)
  // pg-boss creates its schema on first start; do it once here so every clone has it.
  const jobs = await startJobs({ handle, logger: createLogger('silent'), runWorkers: false, definitions: [] })
  await jobs.stop()
}

/** Builds one migrated template database per test run; test files clone it (see test-db.ts). */
type Provide = (key: 'pgliteTemplate' | 'pgTemplate', value: string) => void

export default async function globalSetup({ provide }: { provide: Provide }) {
  const databaseUrl = process.env.DATABASE_URL
  if (!databaseUrl) {
    const handle = await openDb({})
    await prepare(handle)
    const dump = await handle.pglite!.dumpDataDir('none')
    const file = path.join(os.tmpdir(), `bosun-test-template-${process.pid}.tar`)
    fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()))
    await handle.close()
    provide('pgliteTemplate', file)
    return () => fs.rmSync(file, { force: true })
  }
  const name = `bosun_test_${Date.now().toString(36)}_${crypto.randomBytes(3).toString('hex')}`
  const admin = new pg.Client({ connectionString: databaseUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE "${name}"`)
  const handle = await openDb({ databaseUrl: adminUrl(databaseUrl, name), poolSize: 2 })
  await prepare(handle)
  await handle.close()
  provide('pgTemplate', name)
  return async () => {
    // Drop the template and any clone a crashed test file left behind.
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${name}%`])
    for (const row of rows) await admin.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`)
    await admin.end()
  }
}
