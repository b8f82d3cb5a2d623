/**
 * Generates the demo world ("Northwind Cloud") into a new workspace: plans and simulates it with
 * demo.world (pure, seeded) and writes it in large batches inside one transaction, so a failure
 * leaves nothing behind. Accounts stream through in chunks: memory stays flat at 100k accounts, and
 * the next chunk is simulated while the previous one is being written.
 */
import { uuidv7 } from './demo.ids'
import type { Db } from '../../platform/db'
import { generatePassword, hashPassword } from '../identity'
import { drainInbox, ingestCalls, setKeyFeatures } from '../events'
import { deleteWorkspace, findWorkspaceById, findWorkspaceBySlug } from '../workspaces'
import { defaultDemoUsage, demoKeyFeatures, demoUsageCalls, type DemoUsageOptions } from './demo.usage'
import * as repo from './demo.repo'
import { demoCompany, newWorldCounters, planWorld, simulateAccounts, type AccountWorld, type WorldParams } from './demo.world'
import { backfillStageHistory } from '../journeys'
import { backfillDailyCounts } from '../segments'
import { backfillHealthSnapshots, sweepHealth } from '../health'
import { reconstructPlaybookHistory } from '../playbooks'

export type DemoParams = {
  accounts: number
  months: number
  seed: number
  /** Default 'demo'. */
  slug?: string
  /** Default 'Northwind Cloud'. */
  name?: string
  /** 'YYYY-MM-DD', the end of the simulated window; default today (UTC). */
  today?: string
  /** Shared password of every demo user; default a fresh random one (returned in the result). */
  password?: string
  onProgress?: (step: string, done: number, total: number) => void
}

export type DemoResult = {
  workspaceId: string
  slug: string
  counts: Record<string, number>
  users: { email: string; role: string }[]
  password: string
}

export class DemoWorkspaceExistsError extends Error {
  constructor(readonly slug: string) {
    super(`A workspace with the slug "${slug}" already exists; delete it first (or generate with --replace).`)
    this.name = 'DemoWorkspaceExistsError'
  }
}

/** Accounts simulated and written per round. */
const CHUNK_ACCOUNTS = 500
/** Accounts simulated between two yields to the event loop (lets the previous chunk's writes proceed). */
const YIELD_EVERY = 100

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

const todayUtc = (): string => new Date().toISOString().slice(0, 10)

export async function generateDemoWorld(db: Db, params: DemoParams): Promise<DemoResult> {
  const slug = params.slug ?? 'demo'
  const worldParams: WorldParams = { accounts: params.accounts, months: params.months, seed: params.seed, today: params.today ?? todayUtc() }
  const progress = params.onProgress ?? (() => undefined)

  if (await findWorkspaceBySlug(db, slug)) throw new DemoWorkspaceExistsError(slug)

  progress('plan', 0, 1)
  const plan = planWorld(worldParams, uuidv7)
  progress('plan', 1, 1)

  const password = params.password ?? generatePassword()
  const passwordHash = await hashPassword(password)
  const workspaceId = uuidv7()
  const counts: Record<string, number> = {
    users: 0,
    accounts: 0,
    contacts: 0,
    subscriptions: 0,
    revenueMovements: 0,
    touchpoints: 0,
    tickets: 0,
    demoAccountTruth: 0,
  }

  await db.transaction(async (tx) => {
    await repo.insertDemoWorkspace(tx, {
      id: workspaceId,
      slug,
      name: params.name ?? demoCompany.name,
      settings: { demo: { seed: worldParams.seed, accounts: worldParams.accounts, months: worldParams.months, today: worldParams.today } },
    })
    await repo.insertUsers(
      tx,
      workspaceId,
      plan.users.map((user) => ({ id: user.id, email: user.email, name: user.name, title: user.title, role: user.role, managerId: user.managerId, passwordHash, status: 'active' })),
    )
    counts.users = plan.users.length
    progress('users', plan.users.length, plan.users.length)

    const total = plan.accounts.length
    const worlds = simulateAccounts(plan, uuidv7, newWorldCounters())
    let simulated = 0
    let written = 0
    let pending: Promise<void> | null = null
    while (simulated < total) {
      const chunk: AccountWorld[] = []
      while (chunk.length < CHUNK_ACCOUNTS && simulated < total) {
        const next = worlds.next()
        if (next.done) break
        chunk.push(next.value)
        simulated++
        if (simulated % YIELD_EVERY === 0) await yieldToEventLoop()
      }
      if (pending) await pending
      progress('accounts', written, total)
      pending = writeChunk(tx, workspaceId, chunk, counts)
      // Rejections surface at the await above or below; this keeps Node from reporting them early.
      pending.catch(() => undefined)
      written += chunk.length
    }
    if (pending) await pending
    progress('accounts', written, total)
  })

  progress('done', 1, 1)
  return {
    workspaceId,
    slug,
    counts,
    users: plan.users.map((user) => ({ email: user.email, role: user.role })),
    password,
  }
}

async function writeChunk(db: Db, workspaceId: string, chunk: AccountWorld[], counts: Record<string, number>): Promise<void> {
  const accounts = chunk.map((world) => world.account)
  const contacts = chunk.flatMap((world) => world.contacts)
  const subscriptions = chunk.flatMap((world) => world.subscriptions)
  const movements = chunk.flatMap((world) => world.movements)
  const truth = chunk.flatMap((world) => world.truth)
  const touchpoints = chunk.flatMap((world) => world.touchpoints)
  const tickets = chunk.flatMap((world) => world.tickets)

  // Parents precede their subsidiaries in index order, so the self-reference holds batch by batch.
  await repo.insertAccounts(db, workspaceId, accounts)
  await repo.insertContacts(db, workspaceId, contacts)
  await repo.insertSubscriptions(db, workspaceId, subscriptions)
  await repo.insertRevenueMovements(db, workspaceId, movements)
  await repo.insertAccountTruth(db, workspaceId, truth)
  await repo.insertTouchpoints(db, workspaceId, touchpoints)
  await repo.insertTickets(db, workspaceId, tickets)
  // Product usage (each world's `usage`) is sent afterwards through event ingestion: sendDemoUsage.

  counts.accounts += accounts.length
  counts.contacts += contacts.length
  counts.subscriptions += subscriptions.length
  counts.revenueMovements += movements.length
  counts.demoAccountTruth += truth.length
  counts.touchpoints += touchpoints.length
  counts.tickets += tickets.length
}

const USAGE_CALLS_PER_INGEST = 2000

/**
 * Sends the demo world's product usage through the event-ingestion code (validation, inbox, drain),
 * re-simulating the world from the seed kept in the workspace's settings. Idempotent: messageIds are
 * deterministic, so a retried job stores nothing twice. With `drain`, it also processes what it sent
 * (the CLI, which has no worker); otherwise the drain job does.
 */
export async function sendDemoUsage(
  db: Db,
  params: { workspaceId: string; drain: boolean; usage?: DemoUsageOptions; onProgress?: (step: string, done: number, total: number) => void },
): Promise<{ calls: number }> {
  const workspace = await findWorkspaceById(db, params.workspaceId)
  const demo = workspace?.settings.demo as { seed: number; accounts: number; months: number; today: string } | undefined
  if (!workspace || !demo) throw new Error(`workspace ${params.workspaceId} is not a demo workspace`)
  await setKeyFeatures(db, { workspaceId: workspace.id, keyFeatures: [...demoKeyFeatures] })
  const worldParams: WorldParams = { accounts: demo.accounts, months: demo.months, seed: demo.seed, today: demo.today }
  const plan = planWorld(worldParams, uuidv7)
  const progress = params.onProgress ?? (() => undefined)
  let pending: Record<string, unknown>[] = []
  let calls = 0
  let accounts = 0
  const flush = async () => {
    if (pending.length === 0) return
    const outcome = await ingestCalls(db, { workspaceId: workspace.id, sourceKeyId: null, calls: pending, batch: true, options: { receivedAt: new Date() } })
    if (outcome.errors.length > 0) throw new Error(`demo usage rejected: ${JSON.stringify(outcome.errors.slice(0, 3))}`)
    calls += outcome.accepted
    pending = []
    if (params.drain) await drainInbox(db, { limit: USAGE_CALLS_PER_INGEST })
    // Small steps, so a server streaming the demo in the background keeps answering requests.
    await yieldToEventLoop()
  }
  for (const world of simulateAccounts(plan, uuidv7, newWorldCounters())) {
    for (const call of demoUsageCalls(world, demo.seed, demo.today, params.usage ?? defaultDemoUsage)) {
      pending.push(call)
      if (pending.length >= USAGE_CALLS_PER_INGEST) await flush()
    }
    accounts++
    if (accounts % 100 === 0) progress('usage', accounts, plan.accounts.length)
  }
  await flush()
  progress('usage', plan.accounts.length, plan.accounts.length)
  return { calls }
}

/** Deletes the workspace with this slug and, through cascading foreign keys, everything in it. */
export async function deleteWorkspaceBySlug(db: Db, slug: string): Promise<boolean> {
  const workspace = await findWorkspaceBySlug(db, slug)
  if (!workspace) return false
  await deleteWorkspace(db, workspace.id)
  return true
}

/**
 * A new demo workspace's past, reconstructed once its product usage is in: stage history over the
 * last half year (so the journey map has conversion and time in stage), weekly segment, tier
 * and stage counts and weekly health snapshots over the last quarter (so trends do not start today),
 * and the runs and tasks of the health-band playbooks over those snapshots (so their effect can be measured).
 */
export async function reconstructDemoHistory(db: Db, params: { workspaceId: string }): Promise<void> {
  await backfillStageHistory(db, { workspaceId: params.workspaceId })
  await backfillDailyCounts(db, { workspaceId: params.workspaceId, days: 91, stepDays: 7 })
  // Health: today's scores, then weekly snapshots of the last quarter (trends, movers, backtests).
  await sweepHealth(db, { workspaceId: params.workspaceId })
  await backfillHealthSnapshots(db, { workspaceId: params.workspaceId, days: 91, stepDays: 7 })
  // What the shipped risk play did over that quarter, and how the CSMs worked its tasks.
  await reconstructPlaybookHistory(db, { workspaceId: params.workspaceId })
}
