import crypto from 'node:crypto'
import fs from 'node:fs'
import pg from 'pg'
import { inject } from 'vitest'
import { openDb, type DbHandle } from '../platform/db'

/**
 * Every test file gets its own real database cloned from one migrated template made by
 * global-setup.ts: a PGlite data-dir dump, or a PostgreSQL TEMPLATE database when
 * DATABASE_URL is set. No mocks: the same SQL runs as in production.
 */
export const usingPostgres = () => Boolean(process.env.DATABASE_URL)

export function adminUrl(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl)
  url.pathname = `/${database}`
  return url.toString()
}

export async function createTestDb(): Promise<DbHandle> {
  const databaseUrl = process.env.DATABASE_URL
  if (!databaseUrl) {
    const templatePath = inject('pgliteTemplate')
    if (!templatePath || !fs.existsSync(templatePath)) throw new Error('global-setup did not build the PGlite template (pgliteTemplate)')
    const template = new Blob([fs.readFileSync(templatePath)])
    return openDb({ pgliteTemplate: template })
  }
  const templateName = inject('pgTemplate')
  if (!templateName) throw new Error('global-setup did not build the PostgreSQL template (pgTemplate)')
  const name = `${templateName}_${crypto.randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: databaseUrl })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${templateName}"`)
  } finally {
    await admin.end()
  }
  const handle = await openDb({ databaseUrl: adminUrl(databaseUrl, name), poolSize: 10 })
  return {
    ...handle,
    close: async () => {
      await handle.close()
      const dropper = new pg.Client({ connectionString: databaseUrl })
      await dropper.connect()
      await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => dropper.end())
    },
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string
    pgTemplate: string
  }
}
