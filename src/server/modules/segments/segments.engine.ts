/**
 * The classification engine: keeps every account's segments, tier and lifecycle stage current.
 *
 * - A change to any data the condition language reads queues the account (triggers, migration 0008);
 *   `evaluateQueuedAccounts` classifies queued accounts with the in-memory evaluator (one facts query
 *   per batch, then every rule in JS).
 * - `evaluateWorkspace` re-classifies a whole workspace with the SQL evaluator (every rule compiled
 *   into one statement per chunk of accounts): after a rule is published, and hourly, because
 *   date-relative rules ("renewal within 90 days") change with the calendar.
 * Both write the same way (`applyVerdicts`): memberships, their history, and domain events, in the
 * transaction that took the accounts off the queue.
 */
import { sql, type SQL } from 'drizzle-orm'
import { jsonb, pgErrorCode, queryRows, type Db } from '../../platform/db'
import { recomputeClaimed } from '../../platform/account-queue'
import { evaluateCondition, type Condition } from '../../../shared/conditions'
import { accountFactsQuery, compileCondition, loadAccountFacts, todayUtc } from '../conditions'
import { listPublishedDocuments, getPublishedDocument } from '../config'
import { recordDomainEvents, type NewDomainEvent } from '../domain-events'
import { getKeyFeatures } from '../events'
import { LifecycleBodySchema, LIFECYCLE_KEY, LIFECYCLE_KIND, type Stage } from './lifecycle.config'
import { SegmentBodySchema, SEGMENT_KIND } from './segments.config'
import type { MembershipFamily } from './segments.tables'
import { TIERS_KEY, TIERS_KIND, TiersBodySchema, type Tier } from './tiers.config'

export type SegmentRule = { key: string; name: string; description: string | null; color: string | null; condition: Condition; version: number }
export type ClassificationRules = {
  segments: SegmentRule[]
  /** In order; the last has no condition. Empty when the workspace has no tier list. */
  tiers: (Omit<Tier, 'condition'> & { condition: Condition | null })[]
  /** In journey order; the first has no entry criteria. Empty when the workspace has no lifecycle. */
  stages: (Omit<Stage, 'entry'> & { entry: Condition | null })[]
}

/** What the rules say about one account. */
export type Verdict = { segments: string[]; tier: string | null; stage: string | null }

/** The published rules of a workspace; a stored body that no longer parses is skipped (and logged by the config page). */
export async function loadClassificationRules(db: Db, workspaceId: string): Promise<ClassificationRules> {
  // One after another: inside a transaction they share one connection.
  const segmentDocs = await listPublishedDocuments(db, { workspaceId, kind: SEGMENT_KIND })
  const tierDoc = await getPublishedDocument(db, { workspaceId, kind: TIERS_KIND, key: TIERS_KEY })
  const lifecycleDoc = await getPublishedDocument(db, { workspaceId, kind: LIFECYCLE_KIND, key: LIFECYCLE_KEY })
  const segments = segmentDocs.flatMap((doc) => {
    const parsed = SegmentBodySchema.safeParse(doc.body)
    return parsed.success
      ? [{ key: doc.key, name: parsed.data.name, description: parsed.data.description ?? null, color: parsed.data.color ?? null, condition: parsed.data.condition, version: doc.version }]
      : []
  })
  const tiers = tierDoc ? TiersBodySchema.safeParse(tierDoc.body) : null
  const lifecycle = lifecycleDoc ? LifecycleBodySchema.safeParse(lifecycleDoc.body) : null
  return {
    segments,
    tiers: tiers?.success ? tiers.data.tiers.map((tier) => ({ ...tier, condition: tier.condition ?? null })) : [],
    stages: lifecycle?.success ? lifecycle.data.stages.map((stage) => ({ ...stage, entry: stage.entry ?? null })) : [],
  }
}

/** Every distinct rule the classification needs, so the SQL evaluator computes each once. */
function ruleList(rules: ClassificationRules): Condition[] {
  return [
    ...rules.segments.map((segment) => segment.condition),
    ...rules.tiers.flatMap((tier) => (tier.condition ? [tier.condition] : [])),
    ...rules.stages.flatMap((stage) => (stage.entry ? [stage.entry] : [])),
  ]
}

/**
 * Applies the rules given a way to test one of them (by its position in ruleList): segments are
 * independent; the tier is the first that matches; the stage is the first matching terminal stage,
 * else the furthest stage whose entry criteria hold (the first stage holds for everyone).
 */
export function classify(rules: ClassificationRules, matches: (ruleIndex: number) => boolean): Verdict {
  let index = 0
  const segments = rules.segments.flatMap((segment) => (matches(index++) ? [segment.key] : []))
  let tier: string | null = null
  for (const candidate of rules.tiers) {
    const hit = candidate.condition ? matches(index++) : true
    if (hit && tier === null) tier = candidate.key
  }
  const stageHits = rules.stages.map((stage) => (stage.entry ? matches(index++) : true))
  let stage: string | null = null
  const terminal = rules.stages.findIndex((candidate, position) => candidate.terminal === true && stageHits[position])
  if (terminal >= 0) stage = rules.stages[terminal]!.key
  else {
    for (let position = rules.stages.length - 1; position >= 0; position--) {
      if (!rules.stages[position]!.terminal && stageHits[position]) {
        stage = rules.stages[position]!.key
        break
      }
    }
  }
  return { segments, tier, stage }
}

/** In-memory evaluator over a batch of accounts (after a change to them). */
async function verdictsInMemory(db: Db, params: { workspaceId: string; accountIds: string[]; rules: ClassificationRules; today: string }): Promise<Map<string, Verdict>> {
  const facts = await loadAccountFacts(db, { workspaceId: params.workspaceId, today: params.today, accountIds: params.accountIds })
  const list = ruleList(params.rules)
  const verdicts = new Map<string, Verdict>()
  for (const [accountId, accountFacts] of facts) {
    verdicts.set(accountId, classify(params.rules, (ruleIndex) => evaluateCondition(list[ruleIndex]!, accountFacts, params.today)))
  }
  return verdicts
}

/** SQL evaluator over a batch of accounts: every rule compiled into one statement. */
async function verdictsInSql(
  db: Db,
  params: { workspaceId: string; accountIds?: string[]; accountRange?: { after: string; last: string }; rules: ClassificationRules; today: string; keyFeatures: string[] },
): Promise<Map<string, Verdict>> {
  const list = ruleList(params.rules)
  const facts = accountFactsQuery({ workspaceId: params.workspaceId, today: params.today, accountIds: params.accountIds, accountRange: params.accountRange, keyFeatures: params.keyFeatures })
  const columns: SQL = list.length === 0 ? sql`ARRAY[]::boolean[]` : sql`ARRAY[${sql.join(list.map((rule) => compileCondition(rule, params.today)), sql`, `)}]`
  const rows = await queryRows<{ account_id: string; hits: boolean[] }>(db, sql`SELECT f.account_id, ${columns} AS hits FROM (${facts}) f`)
  return new Map(rows.map((row) => [row.account_id, classify(params.rules, (ruleIndex) => row.hits[ruleIndex] === true)]))
}

type MembershipRow = { family: MembershipFamily; account_id: string; group_key: string; source: 'rule' | 'manual'; computed_key: string | null }
type ChangeRow = { accountId: string; family: MembershipFamily; groupKey: string; change: 'entered' | 'exited'; source: 'rule' | 'manual'; reason: string | null; actorId: string | null }

export type ApplyResult = { accounts: number; entered: number; exited: number }

/**
 * Writes what changed for these accounts: memberships, history, domain events. Accounts without a
 * verdict (deleted meanwhile) are left alone; their rows go with the account.
 */
export async function applyVerdicts(tx: Db, params: { workspaceId: string; verdicts: Map<string, Verdict>; rules: ClassificationRules; reason: string }): Promise<ApplyResult> {
  const ids = [...params.verdicts.keys()]
  if (ids.length === 0) return { accounts: 0, entered: 0, exited: 0 }
  const current = await queryRows<MembershipRow>(
    tx,
    sql`SELECT family, account_id, group_key, source, computed_key FROM account_memberships
        WHERE workspace_id = ${params.workspaceId} AND account_id = ANY(ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid))`,
  )
  const byAccount = new Map<string, MembershipRow[]>()
  for (const row of current) {
    const list = byAccount.get(row.account_id) ?? []
    list.push(row)
    byAccount.set(row.account_id, list)
  }
  const segmentNames = new Map(params.rules.segments.map((segment) => [segment.key, segment.name]))
  const removals: { family: MembershipFamily; accountId: string; groupKey: string }[] = []
  const additions: { family: MembershipFamily; accountId: string; groupKey: string; computedKey: string | null }[] = []
  const recomputed: { accountId: string; computedKey: string }[] = []
  const changes: ChangeRow[] = []
  const events: NewDomainEvent[] = []
  const rule = (accountId: string, family: MembershipFamily, groupKey: string, change: 'entered' | 'exited') =>
    changes.push({ accountId, family, groupKey, change, source: 'rule', reason: params.reason, actorId: null })

  for (const [accountId, verdict] of params.verdicts) {
    const rows = byAccount.get(accountId) ?? []
    // Segments: any number; enter the new, leave the old.
    const had = new Set(rows.filter((row) => row.family === 'segment').map((row) => row.group_key))
    const wants = new Set(verdict.segments)
    for (const key of wants) {
      if (had.has(key)) continue
      additions.push({ family: 'segment', accountId, groupKey: key, computedKey: null })
      rule(accountId, 'segment', key, 'entered')
      events.push({ workspaceId: params.workspaceId, type: 'segment.entered', accountId, payload: { segment: key, name: segmentNames.get(key) ?? key } })
    }
    for (const key of had) {
      if (wants.has(key)) continue
      removals.push({ family: 'segment', accountId, groupKey: key })
      rule(accountId, 'segment', key, 'exited')
      events.push({ workspaceId: params.workspaceId, type: 'segment.exited', accountId, payload: { segment: key, name: segmentNames.get(key) ?? key } })
    }
    // Tier: exactly one.
    const tier = rows.find((row) => row.family === 'tier') ?? null
    if ((tier?.group_key ?? null) !== verdict.tier) {
      if (tier) {
        removals.push({ family: 'tier', accountId, groupKey: tier.group_key })
        rule(accountId, 'tier', tier.group_key, 'exited')
      }
      if (verdict.tier) {
        additions.push({ family: 'tier', accountId, groupKey: verdict.tier, computedKey: verdict.tier })
        rule(accountId, 'tier', verdict.tier, 'entered')
      }
      events.push({ workspaceId: params.workspaceId, type: 'tier.changed', accountId, payload: { from: tier?.group_key ?? null, to: verdict.tier } })
    }
    // Stage: exactly one; a hand move holds while the rules keep saying what they said when it was made.
    const stage = rows.find((row) => row.family === 'stage') ?? null
    const holds = stage !== null && (stage.group_key === verdict.stage || (stage.source === 'manual' && stage.computed_key === verdict.stage))
    if (holds) {
      if (stage.computed_key !== verdict.stage && verdict.stage) recomputed.push({ accountId, computedKey: verdict.stage })
      continue
    }
    if (stage) {
      removals.push({ family: 'stage', accountId, groupKey: stage.group_key })
      rule(accountId, 'stage', stage.group_key, 'exited')
    }
    if (verdict.stage) {
      additions.push({ family: 'stage', accountId, groupKey: verdict.stage, computedKey: verdict.stage })
      rule(accountId, 'stage', verdict.stage, 'entered')
    }
    events.push({ workspaceId: params.workspaceId, type: 'lifecycle.changed', accountId, payload: { from: stage?.group_key ?? null, to: verdict.stage, source: 'rule' } })
  }

  await writeMembershipChanges(tx, { workspaceId: params.workspaceId, removals, additions, recomputed, changes })
  await recordDomainEvents(tx, events)
  const entered = changes.filter((change) => change.change === 'entered').length
  return { accounts: ids.length, entered, exited: changes.length - entered }
}


export async function writeMembershipChanges(
  tx: Db,
  params: {
    workspaceId: string
    removals: { family: MembershipFamily; accountId: string; groupKey: string }[]
    additions: { family: MembershipFamily; accountId: string; groupKey: string; computedKey: string | null; source?: 'rule' | 'manual' }[]
    recomputed: { accountId: string; computedKey: string }[]
    changes: ChangeRow[]
  },
): Promise<void> {
  const ws = params.workspaceId
  // Set-based statements over JSON arrays: one round trip each, however many accounts changed.
  if (params.removals.length > 0) {
    await tx.execute(sql`
      DELETE FROM account_memberships m USING jsonb_to_recordset(${jsonb(params.removals)}) AS r("family" text, "accountId" uuid, "groupKey" text)
      WHERE m.workspace_id = ${ws} AND m.family = r."family" AND m.account_id = r."accountId" AND m.group_key = r."groupKey"`)
  }
  if (params.additions.length > 0) {
    await tx.execute(sql`
      INSERT INTO account_memberships (workspace_id, family, account_id, group_key, computed_key, source)
      SELECT ${ws}, r."family", r."accountId", r."groupKey", r."computedKey", coalesce(r."source", 'rule')
      FROM jsonb_to_recordset(${jsonb(params.additions)}) AS r("family" text, "accountId" uuid, "groupKey" text, "computedKey" text, "source" text)
      ON CONFLICT DO NOTHING`)
  }
  if (params.recomputed.length > 0) {
    await tx.execute(sql`
      UPDATE account_memberships m SET computed_key = r."computedKey"
      FROM jsonb_to_recordset(${jsonb(params.recomputed)}) AS r("accountId" uuid, "computedKey" text)
      WHERE m.workspace_id = ${ws} AND m.family = 'stage' AND m.account_id = r."accountId"`)
  }
  if (params.changes.length > 0) {
    await tx.execute(sql`
      INSERT INTO account_membership_changes (workspace_id, account_id, family, group_key, change, source, reason, actor_id)
      SELECT ${ws}, r."accountId", r."family", r."groupKey", r."change", r."source", r."reason", r."actorId"
      FROM jsonb_to_recordset(${jsonb(params.changes)}) AS r("accountId" uuid, "family" text, "groupKey" text, "change" text, "source" text, "reason" text, "actorId" uuid)`)
  }
}

export type QueueResult = ApplyResult & { workspaceIds: string[] }

/**
 * Claims up to `limit` queued accounts (several workers share the queue), classifies them in memory
 * and writes the changes in one transaction with the claim's finish (platform/account-queue.ts).
 * `cooldownMs` debounces busy accounts: the evaluate job passes the configured cool-down.
 */
export async function evaluateQueuedAccounts(db: Db, params: { limit: number; today?: string; cooldownMs?: number }): Promise<QueueResult> {
  const today = params.today ?? todayUtc()
  const zero: ApplyResult = { accounts: 0, entered: 0, exited: 0 }
  const { claim, counts } = await recomputeClaimed(db, { queue: 'account_evaluation_queue', limit: params.limit, cooldownMs: params.cooldownMs ?? 0 }, zero, async (tx, workspaceId, accountIds) => {
    const rules = await loadClassificationRules(tx, workspaceId)
    const verdicts = await verdictsInMemory(tx, { workspaceId, accountIds, rules, today })
    return applyVerdicts(tx, { workspaceId, verdicts, rules, reason: 'data changed' })
  })
  return { ...counts, workspaceIds: [...claim.byWorkspace.keys()] }
}

export type SweepResult = ApplyResult & { ms: number }

async function withSerializationRetry<Result>(work: () => Promise<Result>, attempts = 5): Promise<Result> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work()
    } catch (error) {
      const code = pgErrorCode(error)
      if (attempt >= attempts || (code !== '40001' && code !== '40P01')) throw error
    }
  }
}

/**
 * Re-classifies every account of a workspace with the SQL evaluator, a chunk of accounts per
 * transaction (on PGlite a chunk is what blocks the event loop at a time).
 */
export async function evaluateWorkspace(
  db: Db,
  params: { workspaceId: string; today?: string; chunkSize?: number; reason?: string; betweenSlices?: (busyMs: number) => Promise<void> },
): Promise<SweepResult> {
  const started = performance.now()
  const today = params.today ?? todayUtc()
  const chunkSize = params.chunkSize ?? 2000
  const rules = await loadClassificationRules(db, params.workspaceId)
  const keyFeatures = await getKeyFeatures(db, params.workspaceId)
  const result: SweepResult = { accounts: 0, entered: 0, exited: 0, ms: 0 }
  let after = '00000000-0000-0000-0000-000000000000'
  for (;;) {
    const [slice] = await queryRows<{ last: string }>(
      db,
      sql`SELECT id::text AS last FROM (
            SELECT id FROM accounts WHERE workspace_id = ${params.workspaceId} AND id > ${after}::uuid ORDER BY id LIMIT ${chunkSize}) s
          ORDER BY id DESC LIMIT 1`,
    )
    if (!slice?.last) break
    const range = { after, last: slice.last }
    after = slice.last
    const sliceStarted = Date.now()
    // Repeatable read: the facts and the memberships compared with them come from one snapshot, so a
    // change classified meanwhile by the queue (newer facts) is never overwritten with this older view;
    // if both touch the same rows, PostgreSQL refuses this chunk and it is run again.
    const applied = await withSerializationRetry(() =>
      db.transaction(
        async (tx) => {
          const verdicts = await verdictsInSql(tx, { workspaceId: params.workspaceId, accountRange: range, rules, today, keyFeatures })
          return applyVerdicts(tx, { workspaceId: params.workspaceId, verdicts, rules, reason: params.reason ?? 'scheduled re-evaluation' })
        },
        { isolationLevel: 'repeatable read' },
      ),
    )
    result.accounts += applied.accounts
    result.entered += applied.entered
    result.exited += applied.exited
    await params.betweenSlices?.(Date.now() - sliceStarted)
  }
  await refreshDailyCounts(db, { workspaceId: params.workspaceId, day: today, rules })
  result.ms = Math.round(performance.now() - started)
  return result
}

/** Today's members and ARR per group (zero rows for empty groups), for counts over time. */
export async function refreshDailyCounts(db: Db, params: { workspaceId: string; day: string; rules?: ClassificationRules }): Promise<void> {
  const rules = params.rules ?? (await loadClassificationRules(db, params.workspaceId))
  const groups = [
    ...rules.segments.map((segment) => ({ family: 'segment', groupKey: segment.key })),
    ...rules.tiers.map((tier) => ({ family: 'tier', groupKey: tier.key })),
    ...rules.stages.map((stage) => ({ family: 'stage', groupKey: stage.key })),
  ]
  await db.execute(sql`
    INSERT INTO membership_daily_counts (workspace_id, family, group_key, day, accounts, arr)
    SELECT ${params.workspaceId}, g."family", g."groupKey", ${params.day}::date, coalesce(c.accounts, 0), coalesce(c.arr, 0)
    FROM jsonb_to_recordset(${jsonb(groups)}) AS g("family" text, "groupKey" text)
    LEFT JOIN (
      SELECT m.family, m.group_key, count(*)::int AS accounts, sum(a.arr) AS arr
      FROM account_memberships m JOIN accounts a ON a.workspace_id = m.workspace_id AND a.id = m.account_id
      WHERE m.workspace_id = ${params.workspaceId}
      GROUP BY m.family, m.group_key) c ON c.family = g."family" AND c.group_key = g."groupKey"
    ON CONFLICT (workspace_id, family, group_key, day) DO UPDATE SET accounts = excluded.accounts, arr = excluded.arr`)
}

/** Moves an account to a stage by hand; it stays there until its data points to a different stage. */
export async function moveAccountStage(
  db: Db,
  params: { workspaceId: string; accountId: string; stageKey: string; reason: string; actorId: string | null; rules: ClassificationRules },
): Promise<{ from: string | null; to: string }> {
  return db.transaction(async (tx) => {
    const [stage] = await queryRows<MembershipRow>(
      tx,
      sql`SELECT family, account_id, group_key, source, computed_key FROM account_memberships
          WHERE workspace_id = ${params.workspaceId} AND family = 'stage' AND account_id = ${params.accountId} FOR UPDATE`,
    )
    const from = stage?.group_key ?? null
    if (from === params.stageKey) return { from, to: params.stageKey }
    const changes: ChangeRow[] = []
    if (stage) changes.push({ accountId: params.accountId, family: 'stage', groupKey: stage.group_key, change: 'exited', source: 'manual', reason: params.reason, actorId: params.actorId })
    changes.push({ accountId: params.accountId, family: 'stage', groupKey: params.stageKey, change: 'entered', source: 'manual', reason: params.reason, actorId: params.actorId })
    await writeMembershipChanges(tx, {
      workspaceId: params.workspaceId,
      removals: stage ? [{ family: 'stage', accountId: params.accountId, groupKey: stage.group_key }] : [],
      // What the rules say now is kept, so the move holds until they say something else.
      additions: [{ family: 'stage', accountId: params.accountId, groupKey: params.stageKey, computedKey: stage?.computed_key ?? null, source: 'manual' }],
      recomputed: [],
      changes,
    })
    await recordDomainEvents(tx, [
      { workspaceId: params.workspaceId, type: 'lifecycle.changed', accountId: params.accountId, payload: { from, to: params.stageKey, source: 'manual', reason: params.reason } },
    ])
    return { from, to: params.stageKey }
  })
}

/**
 * Reconstructs past daily counts (one point every `stepDays` over the last `days`) by evaluating
 * today's rules as of each past date, over the accounts that existed then. Usage, tickets,
 * touchpoints and renewal dates are read as of that date; account fields (ARR, status) are their
 * current values. Days that already have a real count are left alone. For a new workspace with
 * history (the demo, a first import), so the trend charts do not start empty.
 */
export async function backfillDailyCounts(db: Db, params: { workspaceId: string; days: number; stepDays: number; chunkSize?: number }): Promise<{ points: number }> {
  const rules = await loadClassificationRules(db, params.workspaceId)
  const keyFeatures = await getKeyFeatures(db, params.workspaceId)
  const today = todayUtc()
  let points = 0
  for (let back = params.stepDays; back <= params.days; back += params.stepDays) {
    const day = new Date(Date.parse(`${today}T00:00:00Z`) - back * 86_400_000).toISOString().slice(0, 10)
    const totals = new Map<string, { accounts: number; arr: number }>()
    const add = (family: MembershipFamily, key: string, arr: number) => {
      const total = totals.get(`${family}:${key}`) ?? { accounts: 0, arr: 0 }
      total.accounts += 1
      total.arr += arr
      totals.set(`${family}:${key}`, total)
    }
    let after = '00000000-0000-0000-0000-000000000000'
    for (;;) {
      const accounts = await queryRows<{ id: string; arr: string | number }>(
        db,
        sql`SELECT id, arr FROM accounts WHERE workspace_id = ${params.workspaceId} AND id > ${after}::uuid AND (created_at AT TIME ZONE 'UTC')::date <= ${day}::date
            ORDER BY id LIMIT ${params.chunkSize ?? 2000}`,
      )
      if (accounts.length === 0) break
      after = accounts[accounts.length - 1]!.id
      const verdicts = await verdictsInSql(db, { workspaceId: params.workspaceId, accountIds: accounts.map((account) => account.id), rules, today: day, keyFeatures })
      for (const account of accounts) {
        const verdict = verdicts.get(account.id)
        if (!verdict) continue
        const arr = Number(account.arr)
        for (const key of verdict.segments) add('segment', key, arr)
        if (verdict.tier) add('tier', verdict.tier, arr)
        if (verdict.stage) add('stage', verdict.stage, arr)
      }
    }
    const groups = [
      ...rules.segments.map((segment) => ['segment', segment.key] as const),
      ...rules.tiers.map((tier) => ['tier', tier.key] as const),
      ...rules.stages.map((stage) => ['stage', stage.key] as const),
    ].map(([family, key]) => ({ family, groupKey: key, ...(totals.get(`${family}:${key}`) ?? { accounts: 0, arr: 0 }) }))
    await db.execute(sql`
      INSERT INTO membership_daily_counts (workspace_id, family, group_key, day, accounts, arr)
      SELECT ${params.workspaceId}, g."family", g."groupKey", ${day}::date, g."accounts", g."arr"
      FROM jsonb_to_recordset(${jsonb(groups)}) AS g("family" text, "groupKey" text, "accounts" int, "arr" numeric)
      ON CONFLICT DO NOTHING`)
    points++
  }
  return { points }
}
