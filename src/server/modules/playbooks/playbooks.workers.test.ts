/**
 * Issue 6 §5: 4 `bosun start --role worker` processes on one PostgreSQL database against 10,000 trigger
 * occurrences; every action must happen exactly once — one run per `ticket.opened` event, one task per
 * (run, step), one signed webhook POST per idempotency key at a real HTTP receiver, one email per Message-ID
 * at a real SMTP server.
 *
 * PostgreSQL only (PGlite lives inside one process): DATABASE_URL's server, else the local default; a fresh
 * database `bosun_test_workers_<random>` made and dropped here. Unreachable: skipped locally, a failure
 * under CI. Which worker ran a step is seen through the connection's application_name (PGAPPNAME per worker)
 * kept in a column this test adds to its own throwaway copy of playbook_run_steps.
 *
 * It waits up to BOSUN_TEST_WORKERS_WAIT_SECONDS (default 600) for the runs and deliveries to finish: on a
 * busy 2-core machine 10,000 runs of this playbook took ~16 minutes (bench/RESULTS.md, "Playbooks").
 *
 * The 4 workers start together on the new database: queue creation runs under the start-up advisory lock
 * (platform/jobs.ts), which fixed a deadlock in pgboss.create_queue this test first found.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { simpleParser } from 'mailparser'
import pg from 'pg'
import { SMTPServer } from 'smtp-server'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateDb, openDb, queryRows, type DbHandle } from '../../platform/db'
import { adminUrl } from '../../testing/test-db'
import { publishDraft, saveDraft } from '../config'
import { configKinds } from '../config-kinds'
import { createWorkspaceWithOwner } from '../identity'
import { verifyBosunSignature } from '../outreach'

const WORKERS = 4
const TRIGGERS = 10_000
const ACCOUNTS = 1_000
const BATCH = 500
const BIG_ARR = 100_000
/** How long to wait for the work to finish (default ~4 minutes; raise it on a slow or shared machine). */
const WAIT_SECONDS = Number(process.env.BOSUN_TEST_WORKERS_WAIT_SECONDS ?? 600)
const SECRET = `whsec_${crypto.randomBytes(16).toString('hex')}`
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const inCI = ['true', '1', 'yes'].includes((process.env.CI ?? '').toLowerCase())
const root = path.resolve(import.meta.dirname, '../../../..')
const bin = path.join(root, 'bin', 'bosun.mjs')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

type Worker = { name: string; child: ChildProcess; logFile: string; exited: number | string | null }

const state: {
  unreachable: string | null
  dbName: string | null
  handle: DbHandle | null
  workspaceId: string
  logDir: string
  workers: Worker[]
  smtp: SMTPServer | null
  receiver: http.Server | null
} = { unreachable: null, dbName: null, handle: null, workspaceId: '', logDir: '', workers: [], smtp: null, receiver: null }

// What the outside world saw: POSTs per idempotency key, emails per Message-ID.
const posts = new Map<string, number>()
const messages = new Map<string, number>()
const recipients: string[] = []
let rejectedPosts = 0
let unparsedEmails = 0

async function probe(): Promise<string | null> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return null
  } catch (error) {
    return `PostgreSQL unreachable at ${serverUrl}: ${error instanceof Error ? error.message : String(error)}`
  } finally {
    await client.end().catch(() => undefined)
  }
}

async function onServer(statement: string) {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

function startSmtp(): Promise<number> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          if (!mail.messageId) unparsedEmails += 1
          else messages.set(mail.messageId, (messages.get(mail.messageId) ?? 0) + 1)
          const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []
          for (const address of to.flatMap((entry) => entry.value)) if (address.address) recipients.push(address.address.toLowerCase())
          callback()
        })
        .catch((error: Error) => {
          unparsedEmails += 1
          callback(error)
        })
    },
  })
  state.smtp = server
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port))
  })
}

function startReceiver(): Promise<number> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const raw = Buffer.concat(chunks)
      const signature = request.headers['bosun-signature']
      if (request.method !== 'POST' || !verifyBosunSignature(SECRET, typeof signature === 'string' ? signature : null, raw)) {
        rejectedPosts += 1
        response.writeHead(401).end('bad signature')
        return
      }
      const key = String(request.headers['bosun-idempotency-key'] ?? '')
      posts.set(key, (posts.get(key) ?? 0) + 1)
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
    })
  })
  state.receiver = server
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })
}

function spawnWorker(index: number, databaseUrl: string): Worker {
  const name = `bosun-worker-${index}`
  const logFile = path.join(state.logDir, `${name}.log`)
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, BOSUN_DEMO: '0', BOSUN_LOG_LEVEL: 'warn', NODE_ENV: 'production', PGAPPNAME: name }
  delete env.PORT
  delete env.BOSUN_DATA_DIR
  const out = fs.openSync(logFile, 'w')
  const child = spawn(process.execPath, [bin, 'start', '--role', 'worker'], { env, stdio: ['ignore', out, out] })
  fs.closeSync(out)
  const worker: Worker = { name, child, logFile, exited: null }
  child.on('exit', (code, signal) => (worker.exited = code ?? signal ?? 'unknown'))
  return worker
}

const tail = (file: string, lines = 40) => {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}
const workerLogs = () => state.workers.map((worker) => `--- ${worker.name} (exit ${String(worker.exited)}) ${worker.logFile}\n${tail(worker.logFile)}`).join('\n')

async function stopWorkers() {
  await Promise.all(
    state.workers.map(async (worker) => {
      if (worker.exited !== null) return
      const done = new Promise((resolve) => worker.child.once('exit', resolve))
      worker.child.kill('SIGTERM')
      const timer = setTimeout(() => worker.child.kill('SIGKILL'), 10_000)
      await done
      clearTimeout(timer)
    }),
  )
}

const playbook = {
  name: 'Urgent ticket: task, webhook, champion email on large accounts',
  trigger: { type: 'ticket_opened', priorities: ['urgent'] },
  cooldownDays: 0,
  steps: [
    { id: 'follow-up', type: 'task', title: 'Urgent ticket at {{account.name}}', body: '{{trigger.summary}}', priority: 'high', dueDays: 1 },
    { id: 'notify', type: 'webhook', destination: 'ops' },
    { id: 'large', type: 'branch', if: { field: 'arr', op: 'gte', value: BIG_ARR }, then: 'champion', else: 'end' },
    { id: 'champion', type: 'email', toRoles: ['champion'], subject: 'About your urgent ticket, {{contact.first_name}}', body: 'We are on it: {{trigger.summary}}' },
  ],
}

beforeAll(async () => {
  state.unreachable = await probe()
  if (state.unreachable) return
  state.logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bosun-workers-test-'))
  state.dbName = `bosun_test_workers_${crypto.randomBytes(4).toString('hex')}`
  await onServer(`CREATE DATABASE "${state.dbName}"`)
  const handle = await openDb({ databaseUrl: adminUrl(serverUrl, state.dbName), poolSize: 4 })
  state.handle = handle
  await migrateDb(handle)
  const db = handle.db
  // Observation only, on this throwaway database: the worker (its connection's application_name) that logged each step.
  await db.execute(sql`ALTER TABLE playbook_run_steps ADD COLUMN test_worker text DEFAULT current_setting('application_name')`)

  const { workspace } = await createWorkspaceWithOwner(db, { slug: 'workers', name: 'Workers', ownerEmail: 'owner@workers.test', ownerName: 'Owner', ownerPassword: 'correct-horse-battery' })
  state.workspaceId = workspace.id
  const ws = sql`${workspace.id}::uuid`
  const [smtpPort, receiverPort] = await Promise.all([startSmtp(), startReceiver()])
  // throttle_days 0: every champion email goes out (the per-contact throttle is not what this test is about).
  await db.execute(sql`INSERT INTO outreach_smtp_settings (workspace_id, host, port, secure, from_address, throttle_days) VALUES (${ws}, '127.0.0.1', ${smtpPort}, false, 'cs@workers.test', 0)`)
  await db.execute(sql`INSERT INTO outreach_destinations (workspace_id, key, kind, url, secret) VALUES (${ws}, 'ops', 'webhook', ${`http://127.0.0.1:${receiverPort}/hook`}, ${SECRET})`)

  // 10 owners; 1,000 accounts, every 10th with ARR ≥ 100k; each with a champion and an admin (who must never be emailed).
  await db.execute(sql`
    INSERT INTO users (workspace_id, email, name, role) SELECT ${ws}, 'csm' || i || '@workers.test', 'CSM ' || i, 'csm' FROM generate_series(1, 10) AS i`)
  await db.execute(sql`
    INSERT INTO accounts (workspace_id, external_id, name, arr, owner_id)
    SELECT ${ws}, 'ACC-' || lpad(i::text, 5, '0'), 'Company ' || i, CASE WHEN i % 10 = 0 THEN ${BIG_ARR} + i * 100 ELSE 5000 + i * 10 END,
      (SELECT id FROM users WHERE workspace_id = ${ws} AND email = 'csm' || (1 + i % 10) || '@workers.test')
    FROM generate_series(1, ${ACCOUNTS}::int) AS i`)
  await db.execute(sql`
    INSERT INTO contacts (workspace_id, account_id, name, email, roles)
    SELECT a.workspace_id, a.id, (ARRAY['Champ', 'Admin'])[k] || ' ' || a.external_id, lower((ARRAY['champ', 'admin'])[k] || '-' || a.external_id || '@customer.test'),
      ARRAY[(ARRAY['champion', 'admin'])[k]]
    FROM accounts a CROSS JOIN generate_series(1, 2) AS k WHERE a.workspace_id = ${ws}`)

  const actor = { kind: 'system' as const, label: 'workers test' }
  await saveDraft(db, { kinds: configKinds, workspaceId: workspace.id, kind: 'playbook', key: 'urgent-all', body: playbook, actor })
  await publishDraft(db, { kinds: configKinds, workspaceId: workspace.id, kind: 'playbook', key: 'urgent-all', actor })
}, 120_000)

afterAll(async () => {
  await stopWorkers()
  await new Promise<void>((resolve) => (state.smtp ? state.smtp.close(() => resolve()) : resolve()))
  await new Promise<void>((resolve) => (state.receiver ? state.receiver.close(() => resolve()) : resolve()))
  await state.handle?.close()
  if (state.dbName) await onServer(`DROP DATABASE IF EXISTS "${state.dbName}" WITH (FORCE)`)
  if (state.logDir) fs.rmSync(state.logDir, { recursive: true, force: true })
}, 60_000)

type Progress = { runs: number; completed: number; failed: number; open: number; tasks: number; webhooks: number; webhooksSent: number; emails: number; emailsSent: number; undelivered: number }

async function progress(): Promise<Progress> {
  const ws = state.workspaceId
  const [row] = await queryRows<Progress>(
    state.handle!.db,
    sql`SELECT (SELECT count(*)::int FROM playbook_runs WHERE workspace_id = ${ws}) AS runs,
          (SELECT count(*)::int FROM playbook_runs WHERE workspace_id = ${ws} AND status = 'completed') AS completed,
          (SELECT count(*)::int FROM playbook_runs WHERE workspace_id = ${ws} AND status = 'failed') AS failed,
          (SELECT count(*)::int FROM playbook_runs WHERE workspace_id = ${ws} AND status IN ('pending', 'waiting')) AS open,
          (SELECT count(*)::int FROM tasks WHERE workspace_id = ${ws}) AS tasks,
          (SELECT count(*)::int FROM webhook_deliveries WHERE workspace_id = ${ws}) AS webhooks,
          (SELECT count(*)::int FROM webhook_deliveries WHERE workspace_id = ${ws} AND status = 'sent') AS "webhooksSent",
          (SELECT count(*)::int FROM outbound_emails WHERE workspace_id = ${ws}) AS emails,
          (SELECT count(*)::int FROM outbound_emails WHERE workspace_id = ${ws} AND status = 'sent') AS "emailsSent",
          ((SELECT count(*)::int FROM outbound_emails WHERE workspace_id = ${ws} AND status IN ('pending', 'sending'))
            + (SELECT count(*)::int FROM webhook_deliveries WHERE workspace_id = ${ws} AND status IN ('pending', 'sending'))) AS undelivered`,
  )
  return row!
}

const duplicatesOf = (counts: Map<string, number>) => [...counts].filter(([, times]) => times > 1)

describe('playbooks on 4 worker processes', () => {
  it(`runs ${TRIGGERS.toLocaleString('en-US')} triggers with every action exactly once`, async (context) => {
    if (state.unreachable) {
      if (inCI) throw new Error(`${state.unreachable} — CI is set: this test may not skip`)
      context.skip(state.unreachable)
    }
    const db = state.handle!.db
    const ws = state.workspaceId
    const databaseUrl = adminUrl(serverUrl, state.dbName!)
    for (let index = 1; index <= WORKERS; index += 1) state.workers.push(spawnWorker(index, databaseUrl))

    try {
      // 10,000 urgent tickets in statements of 500 while the workers start and run; the insert trigger writes one ticket.opened per row.
      for (let offset = 0; offset < TRIGGERS; offset += BATCH) {
        await db.execute(sql`
          WITH numbered AS (SELECT id, (row_number() OVER (ORDER BY external_id))::int AS n FROM accounts WHERE workspace_id = ${ws}::uuid)
          INSERT INTO tickets (workspace_id, account_id, subject, priority, status, opened_at)
          SELECT ${ws}::uuid, a.id, 'Outage ' || i, 'urgent', 'open', now()
          FROM generate_series(${offset + 1}::int, ${offset + BATCH}::int) AS i JOIN numbered a ON a.n = 1 + (i - 1) % ${ACCOUNTS}::int`)
        await sleep(100)
      }
      const [expected] = await queryRows<{ events: number; emails: number }>(
        db,
        sql`SELECT (SELECT count(*)::int FROM domain_events WHERE workspace_id = ${ws} AND type = 'ticket.opened') AS events,
              (SELECT count(*)::int FROM tickets t JOIN accounts a ON a.workspace_id = t.workspace_id AND a.id = t.account_id
               WHERE t.workspace_id = ${ws} AND a.arr >= ${BIG_ARR}) AS emails`,
      )
      expect(expected).toEqual({ events: TRIGGERS, emails: TRIGGERS / 10 })

      // Until every run finished and every delivery went out (or WAIT_SECONDS passed).
      const started = Date.now()
      const deadline = started + WAIT_SECONDS * 1000
      let last = await progress()
      for (;;) {
        const crashed = state.workers.filter((worker) => worker.exited !== null)
        if (crashed.length > 0) throw new Error(`worker(s) exited: ${crashed.map((worker) => `${worker.name} (${String(worker.exited)})`).join(', ')}`)
        last = await progress()
        const settled = last.runs >= TRIGGERS && last.open === 0 && last.undelivered === 0 && posts.size >= last.webhooksSent && last.webhooks >= last.runs - last.failed
        if (settled || Date.now() > deadline) break
        await sleep(1000)
      }
      process.stderr.write(`[playbooks.workers] settled after ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(last)}\n`)
      // Late duplicates would arrive after "settled": give a retry a moment to show itself.
      await sleep(3000)
      last = await progress()

      // Runs: exactly one per ticket.opened event, all completed.
      const [runs] = await queryRows<{ events_without_run: number; events_with_many: number; stray_runs: number }>(
        db,
        sql`WITH per_event AS (
              SELECT e.id, count(r.id)::int AS runs FROM domain_events e
              LEFT JOIN playbook_runs r ON r.workspace_id = e.workspace_id AND r.occurrence = 'event:' || e.id
              WHERE e.workspace_id = ${ws} AND e.type = 'ticket.opened' GROUP BY e.id)
            SELECT (SELECT count(*)::int FROM per_event WHERE runs = 0) AS events_without_run,
              (SELECT count(*)::int FROM per_event WHERE runs > 1) AS events_with_many,
              (SELECT count(*)::int FROM playbook_runs r WHERE r.workspace_id = ${ws}
                 AND NOT EXISTS (SELECT 1 FROM domain_events e WHERE e.workspace_id = r.workspace_id AND 'event:' || e.id = r.occurrence)) AS stray_runs`,
      )
      const failures = await queryRows<{ id: string; last_error: string | null }>(db, sql`SELECT id, last_error FROM playbook_runs WHERE workspace_id = ${ws} AND status = 'failed' LIMIT 5`)
      expect(failures, `failed runs: ${JSON.stringify(failures)}`).toEqual([])
      expect(runs).toEqual({ events_without_run: 0, events_with_many: 0, stray_runs: 0 })
      expect(last, `progress at the end\n${workerLogs()}`).toMatchObject({ runs: TRIGGERS, completed: TRIGGERS, failed: 0, open: 0 })

      // Tasks: one per (run, step), 10,000.
      const [tasks] = await queryRows<{ tasks: number; keys: number }>(
        db,
        sql`SELECT count(*)::int AS tasks, count(DISTINCT (playbook_run_id, playbook_step_id))::int AS keys FROM tasks WHERE workspace_id = ${ws}`,
      )
      const duplicateTasks = await queryRows<{ run_id: string; step_id: string; n: number }>(
        db,
        sql`SELECT playbook_run_id AS run_id, playbook_step_id AS step_id, count(*)::int AS n FROM tasks WHERE workspace_id = ${ws}
            GROUP BY 1, 2 HAVING count(*) > 1 LIMIT 10`,
      )
      expect(duplicateTasks, 'tasks with the same (run, step)').toEqual([])
      expect(tasks).toEqual({ tasks: TRIGGERS, keys: TRIGGERS })

      // Webhooks: the receiver got each idempotency key once, every one of the 10,000 the engine queued.
      const queuedKeys = await queryRows<{ idempotency_key: string }>(db, sql`SELECT idempotency_key FROM webhook_deliveries WHERE workspace_id = ${ws}`)
      expect(rejectedPosts, 'POSTs with a wrong Bosun-Signature').toBe(0)
      // A key POSTed twice is only allowed as a retry: the first attempt failed from Bosun's side (e.g. the 10 s
      // timeout on a starved machine while the receiver had in fact got it), so the row shows ≥ 2 attempts and
      // the error, and the receiver drops the repeat by its key. Two sends of one claim (attempts 1) is a bug.
      const repeated = duplicatesOf(posts).map(([key]) => key)
      const repeatedRows = repeated.length === 0 ? [] : await queryRows<{ idempotency_key: string; attempts: number; last_error: string | null }>(
        db,
        sql`SELECT idempotency_key, attempts, last_error FROM webhook_deliveries WHERE workspace_id = ${ws} AND idempotency_key IN (SELECT jsonb_array_elements_text(${JSON.stringify(repeated)}::jsonb))`,
      )
      if (repeated.length > 0) process.stderr.write(`[playbooks.workers] keys POSTed more than once (retries): ${JSON.stringify(repeatedRows)}\n`)
      expect(repeatedRows.filter((row) => row.attempts < 2 || !row.last_error), 'keys POSTed twice without a failed first attempt').toEqual([])
      expect(repeated.length, 'retried POSTs should be rare').toBeLessThanOrEqual(TRIGGERS / 1000)
      expect(queuedKeys.length).toBe(TRIGGERS)
      expect(posts.size).toBe(TRIGGERS)
      expect(queuedKeys.filter((row) => !posts.has(row.idempotency_key)).slice(0, 10), 'queued but never received').toEqual([])

      // Emails: to champions of large accounts only, each Message-ID once, as many as tickets on large accounts.
      const emailRows = await queryRows<{ message_id: string | null; status: string }>(db, sql`SELECT message_id, status FROM outbound_emails WHERE workspace_id = ${ws}`)
      expect(unparsedEmails, 'emails without a Message-ID (or unparsable)').toBe(0)
      expect(duplicatesOf(messages).slice(0, 10), 'Message-IDs received more than once').toEqual([])
      expect(emailRows.filter((row) => row.status !== 'sent').slice(0, 10), 'emails not sent').toEqual([])
      expect(emailRows.length).toBe(expected!.emails)
      expect(messages.size).toBe(expected!.emails)
      expect(new Set(emailRows.map((row) => row.message_id))).toEqual(new Set(messages.keys()))
      expect(recipients.filter((address) => !address.startsWith('champ-')), 'emails to non-champions').toEqual([])

      // The work was shared: steps were logged by more than one worker process.
      const byWorker = await queryRows<{ worker: string; steps: number }>(db, sql`SELECT test_worker AS worker, count(*)::int AS steps FROM playbook_run_steps WHERE workspace_id = ${ws} GROUP BY 1 ORDER BY 1`)
      process.stderr.write(`[playbooks.workers] steps per worker: ${byWorker.map((row) => `${row.worker} ${row.steps}`).join(', ')}\n`)
      expect(byWorker.every((row) => row.worker.startsWith('bosun-worker-')), JSON.stringify(byWorker)).toBe(true)
      expect(byWorker.length).toBeGreaterThan(1)
    } catch (error) {
      process.stderr.write(`[playbooks.workers] failed; worker logs:\n${workerLogs()}\n`)
      throw error
    }
  }, (WAIT_SECONDS + 120) * 1000)
})
