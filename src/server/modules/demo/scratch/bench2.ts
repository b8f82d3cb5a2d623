import { sql } from 'drizzle-orm'
import { randomUUID } from 'node:crypto'
import { openDb, migrateDb } from '../../../platform/db'
import * as repo from '../demo.repo'
import { buildWorld } from '../demo.world'
const url = process.argv[2]
const h = await openDb(url ? { databaseUrl: url } : {})
await migrateDb(h)
let t = Date.now()
const world = buildWorld({ accounts: 2000, months: 12, seed: 42, today: '2025-06-15' }, randomUUID)
console.log('build', Date.now() - t)
const ws = randomUUID()
await repo.insertDemoWorkspace(h.db, { id: ws, slug: 'b' + Date.now(), name: 'x', settings: {} })
await repo.insertUsers(h.db, ws, world.plan.users.map((u) => ({ ...u, passwordHash: 'x', status: 'active' as const })))
const time = async (label: string, fn: () => Promise<void>, n: number) => { const t0 = Date.now(); await fn(); const ms = Date.now() - t0; console.log(label, n, ms, 'ms', Math.round(n / ms * 1000), 'rows/s') }
await h.db.transaction(async (tx) => {
  if (process.env.REPLICA) await tx.execute(sql`set local session_replication_role = replica`)
  const a = world.accounts
  await time('accounts', () => repo.insertAccounts(tx, ws, a.map((w) => w.account)), a.length)
  const c = a.flatMap((w) => w.contacts); await time('contacts', () => repo.insertContacts(tx, ws, c), c.length)
  const s = a.flatMap((w) => w.subscriptions); await time('subs', () => repo.insertSubscriptions(tx, ws, s), s.length)
  const m = a.flatMap((w) => w.movements); await time('movements', () => repo.insertRevenueMovements(tx, ws, m), m.length)
  const tr = a.flatMap((w) => w.truth); await time('truth', () => repo.insertAccountTruth(tx, ws, tr), tr.length)
  const tp = a.flatMap((w) => w.touchpoints); await time('touchpoints', () => repo.insertTouchpoints(tx, ws, tp), tp.length)
  const tk = a.flatMap((w) => w.tickets); await time('tickets', () => repo.insertTickets(tx, ws, tk), tk.length)
})
await h.close()
