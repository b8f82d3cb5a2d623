import { sql } from 'drizzle-orm'
import { index, pgTable, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { queryRows, type Db } from './db'

/**
 * Queues of accounts to recompute (classification, health), filled by statement triggers on every
 * table the computation reads. A row is in one of three states:
 *   - waiting (claimed_at NULL): at most one per account, which is what the triggers'
 *     ON CONFLICT DO NOTHING relies on;
 *   - claimed (claimed_at set, done_at NULL): a worker is recomputing the account;
 *   - done (done_at set): kept for the cool-down, then deleted.
 *
 * Why claims are committed on their own instead of taking the rows in the recompute's transaction:
 * a trigger inserting a row that an uncommitted transaction deleted has to wait for it, so the
 * event drain (whose every batch touches many accounts) stalled behind every recompute batch.
 * Now a writer can only wait for a claim statement, which takes milliseconds, and a change made
 * while an account is being recomputed leaves a new waiting row behind, so it is never lost.
 *
 * The cool-down debounces busy accounts: an account recomputed less than `cooldownMs` ago waits
 * until then, so a stream of events costs one recompute per account per cool-down, while the
 * first change after a quiet spell is picked up at once.
 */
export type AccountQueueName = 'account_evaluation_queue' | 'health_evaluation_queue'

export function accountQueueTable(name: AccountQueueName) {
  return pgTable(
    name,
    {
      workspaceId: uuid('workspace_id').notNull(),
      accountId: uuid('account_id').notNull(),
      markedAt: timestamp('marked_at', { withTimezone: true }).notNull().defaultNow(),
      claimedAt: timestamp('claimed_at', { withTimezone: true }),
      doneAt: timestamp('done_at', { withTimezone: true }),
    },
    (table) => [
      uniqueIndex(`${name}_waiting_idx`).on(table.workspaceId, table.accountId).where(sql`claimed_at IS NULL`),
      index(`${name}_account_idx`).on(table.workspaceId, table.accountId),
      index(`${name}_marked_idx`).on(table.markedAt).where(sql`claimed_at IS NULL`),
      index(`${name}_done_idx`).on(table.doneAt).where(sql`done_at IS NOT NULL`),
    ],
  )
}

/** A claim left unfinished this long belongs to a worker that died: another may take it. */
const STALE_CLAIM = sql`interval '5 minutes'`

export type AccountClaim = {
  queue: AccountQueueName
  /** The claim's timestamp, as PostgreSQL wrote it: finishing and releasing match on it. */
  token: string
  byWorkspace: Map<string, string[]>
}

/**
 * Claims up to `limit` waiting accounts, oldest change first, skipping accounts being recomputed
 * or recomputed less than `cooldownMs` ago. One statement, committed at once (it must not run
 * inside a longer transaction, or writers would wait for that one).
 */
export async function claimQueuedAccounts(db: Db, params: { queue: AccountQueueName; limit: number; cooldownMs: number }): Promise<AccountClaim> {
  const q = sql.identifier(params.queue)
  const cooldown = sql`make_interval(secs => ${params.cooldownMs / 1000})`
  await db.execute(sql`DELETE FROM ${q} WHERE done_at IS NOT NULL AND done_at < now() - ${cooldown}`)
  const rows = await queryRows<{ workspace_id: string; account_id: string; token: string }>(
    db,
    // By ctid: a TID scan whatever the planner believes about this often-empty table's size.
    sql`UPDATE ${q} AS q SET claimed_at = now()
        WHERE q.ctid = ANY(ARRAY(
          SELECT w.ctid FROM ${q} AS w
          WHERE (w.claimed_at IS NULL OR (w.done_at IS NULL AND w.claimed_at < now() - ${STALE_CLAIM}))
            AND NOT EXISTS (
              SELECT 1 FROM ${q} AS c
              WHERE c.workspace_id = w.workspace_id AND c.account_id = w.account_id AND c.ctid <> w.ctid AND c.claimed_at IS NOT NULL
                AND (c.done_at > now() - ${cooldown} OR (c.done_at IS NULL AND c.claimed_at >= now() - ${STALE_CLAIM})))
          ORDER BY w.marked_at LIMIT ${params.limit} FOR UPDATE SKIP LOCKED))
        RETURNING q.workspace_id, q.account_id, q.claimed_at::text AS token`,
  )
  const claim: AccountClaim = { queue: params.queue, token: rows[0]?.token ?? '', byWorkspace: new Map() }
  for (const row of rows) {
    const accounts = claim.byWorkspace.get(row.workspace_id) ?? []
    // A stale claim and a newer waiting row of the same account can both be taken: recompute it once.
    if (!accounts.includes(row.account_id)) accounts.push(row.account_id)
    claim.byWorkspace.set(row.workspace_id, accounts)
  }
  return claim
}

/** Marks a claim's accounts recomputed, in the transaction that wrote the results (their cool-down starts). */
export async function finishClaim(tx: Db, claim: AccountClaim): Promise<void> {
  const q = sql.identifier(claim.queue)
  for (const [workspaceId, accountIds] of claim.byWorkspace) {
    const ids = sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(accountIds)}::jsonb)::uuid)`
    // Earlier cool-down markers of these accounts: the new one replaces them.
    await tx.execute(sql`DELETE FROM ${q} WHERE workspace_id = ${workspaceId} AND account_id = ANY(${ids}) AND done_at IS NOT NULL`)
    await tx.execute(sql`UPDATE ${q} SET done_at = clock_timestamp()
      WHERE workspace_id = ${workspaceId} AND account_id = ANY(${ids}) AND claimed_at = ${claim.token}::timestamptz AND done_at IS NULL`)
  }
}

/** The recompute failed: put the claim's accounts back to waiting (merged with any change queued since). */
export async function releaseClaim(db: Db, claim: AccountClaim): Promise<void> {
  const q = sql.identifier(claim.queue)
  await db.transaction(async (tx) => {
    for (const [workspaceId, accountIds] of claim.byWorkspace) {
      const ids = sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(accountIds)}::jsonb)::uuid)`
      const mine = sql`workspace_id = ${workspaceId} AND account_id = ANY(${ids}) AND claimed_at = ${claim.token}::timestamptz AND done_at IS NULL`
      await tx.execute(sql`DELETE FROM ${q} AS c WHERE ${mine}
        AND EXISTS (SELECT 1 FROM ${q} AS w WHERE w.workspace_id = c.workspace_id AND w.account_id = c.account_id AND w.claimed_at IS NULL)`)
      await tx.execute(sql`UPDATE ${q} SET claimed_at = NULL WHERE ${mine}`)
    }
  })
}

/**
 * Claims a batch and recomputes it, workspace by workspace, adding up the counts each returns (the keys of
 * `zero`). The recomputes and the claim's finish share one transaction, so a crash leaves the claim to go
 * stale and be taken again, and an error releases it at once.
 */
export async function recomputeClaimed<Counts extends Record<string, number>>(
  db: Db,
  params: { queue: AccountQueueName; limit: number; cooldownMs: number },
  zero: Counts,
  recomputeWorkspace: (tx: Db, workspaceId: string, accountIds: string[]) => Promise<Counts>,
): Promise<{ claim: AccountClaim; counts: Counts }> {
  const claim = await claimQueuedAccounts(db, params)
  const counts: Record<string, number> = { ...zero }
  if (claim.byWorkspace.size === 0) return { claim, counts: zero }
  try {
    await db.transaction(async (tx) => {
      for (const [workspaceId, accountIds] of claim.byWorkspace) {
        const written = await recomputeWorkspace(tx, workspaceId, accountIds)
        for (const key of Object.keys(zero)) counts[key] = (counts[key] ?? 0) + (written[key] ?? 0)
      }
      await finishClaim(tx, claim)
    })
    return { claim, counts: counts as Counts }
  } catch (error) {
    await releaseClaim(db, claim)
    throw error
  }
}

/** Whether a queue has accounts to claim now or later (waiting rows, or claims gone stale). */
export async function hasQueuedAccountsIn(db: Db, queue: AccountQueueName): Promise<boolean> {
  const q = sql.identifier(queue)
  const rows = await queryRows<{ queued: boolean }>(
    db,
    sql`SELECT EXISTS (SELECT 1 FROM ${q} WHERE claimed_at IS NULL)
          OR EXISTS (SELECT 1 FROM ${q} WHERE done_at IS NULL AND claimed_at < now() - ${STALE_CLAIM}) AS queued`,
  )
  return rows[0]?.queued === true
}

