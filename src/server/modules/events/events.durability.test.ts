import { spawn, type ChildProcess } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminUrl } from '../../testing/test-db'

/**
 * The promise behind "200": a call acknowledged is committed. A real server process ingests from
 * concurrent clients, is killed with SIGKILL mid-stream, restarted on the same data, and every
 * acknowledged messageId must be found.
 */
const bin = path.resolve(import.meta.dirname, '../../../../bin/bosun.mjs')
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bosun-durability-'))
let databaseUrl: string | undefined
let env: NodeJS.ProcessEnv
let server: ChildProcess | undefined

function startServer(): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 90_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /Bosun is ready: (http:\/\/localhost:\d+)/.exec(output)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve({ child, url: match[1].replace('localhost', '127.0.0.1') })
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code}: ${output}`))
    })
  })
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())))

beforeAll(async () => {
  if (process.env.DATABASE_URL) {
    const name = `bosun_durability_${crypto.randomBytes(4).toString('hex')}`
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL })
    await admin.connect()
    await admin.query(`CREATE DATABASE "${name}"`)
    await admin.end()
    databaseUrl = adminUrl(process.env.DATABASE_URL, name)
  }
  env = {
    ...process.env,
    BOSUN_DATA_DIR: dataDir,
    BOSUN_LOG_LEVEL: 'warn',
    BOSUN_DEMO: '0',
    BOSUN_ADMIN_PASSWORD: 'durability-admin-1',
    PORT: '0',
    HOST: '127.0.0.1',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  }
  if (!databaseUrl) delete env.DATABASE_URL
})

afterAll(async () => {
  server?.kill('SIGKILL')
  fs.rmSync(dataDir, { recursive: true, force: true })
  if (!databaseUrl || !process.env.DATABASE_URL) return
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS "${new URL(databaseUrl).pathname.slice(1)}" WITH (FORCE)`)
  await admin.end()
})

describe('ingestion durability', () => {
  it('finds every acknowledged event after the server is killed with SIGKILL and restarted', { timeout: 240_000 }, async () => {
    const first = await startServer()
    server = first.child
    const login = await fetch(`${first.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@bosun.local', password: 'durability-admin-1' }),
    })
    expect(login.status).toBe(200)
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? ''
    const asAdmin = (method: string, url: string, body?: unknown) =>
      fetch(`${first.url}${url}`, { method, headers: { cookie, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined })
    const account = (await (await asAdmin('POST', '/api/v1/accounts', { externalId: 'durable-co', name: 'Durable Co' })).json()) as { id: string }
    const { key } = (await (await asAdmin('POST', '/api/v1/api-keys', { name: 'durability', scopes: ['ingest', 'read'], rateLimitPerSecond: 100_000 })).json()) as { key: string }
    const authorization = `Basic ${Buffer.from(`${key}:`).toString('base64')}`

    const acknowledged: string[] = []
    let stop = false
    const client = async (clientNumber: number) => {
      for (let batchNumber = 0; !stop; batchNumber++) {
        const ids = Array.from({ length: 100 }, (_, index) => `c${clientNumber}-b${batchNumber}-${index}`)
        const batch = ids.map((messageId) => ({ type: 'track', userId: `u-${clientNumber}`, event: 'Heartbeat', messageId, context: { groupId: 'durable-co' } }))
        try {
          const response = await fetch(`${first.url}/v1/batch`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify({ batch }) })
          if (response.status === 200) acknowledged.push(...ids)
        } catch {
          return // the server died under us: this batch was never acknowledged
        }
      }
    }
    const clients = [0, 1, 2, 3].map(client)
    // Kill once a good number of batches were acknowledged, in the middle of the stream.
    while (acknowledged.length < 3000) await new Promise((resolve) => setTimeout(resolve, 50))
    first.child.kill('SIGKILL')
    stop = true
    await Promise.all(clients)
    await exited(first.child)
    expect(acknowledged.length).toBeGreaterThanOrEqual(3000)

    const second = await startServer()
    server = second.child
    const readAll = async (): Promise<Set<string>> => {
      const seen = new Set<string>()
      let cursor: string | null = null
      do {
        const query: string = `/api/v1/accounts/${account.id}/events?limit=200${cursor ? `&cursor=${cursor}` : ''}`
        const response = await fetch(`${second.url}${query}`, { headers: { authorization: `Bearer ${key}` } })
        const page = (await response.json()) as { items: { messageId: string }[]; nextCursor: string | null }
        for (const item of page.items) seen.add(item.messageId)
        cursor = page.nextCursor
      } while (cursor)
      return seen
    }
    // The restarted worker drains what the killed one had accepted but not yet processed.
    let missing = acknowledged
    // By time, not attempts: on a loaded machine the restarted server also classifies and scores accounts.
    const deadline = Date.now() + 150_000
    while (missing.length > 0 && Date.now() < deadline) {
      const seen = await readAll()
      missing = acknowledged.filter((id) => !seen.has(id))
      if (missing.length > 0) await new Promise((resolve) => setTimeout(resolve, 1000))
    }
    expect(missing).toEqual([])
    second.child.kill('SIGTERM')
    await exited(second.child)
    server = undefined
  })
})
