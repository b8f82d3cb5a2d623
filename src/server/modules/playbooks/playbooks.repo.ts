import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../platform/db'
import type { PlaybookRunStatus, PlaybookStepOutcome } from './playbooks.tables'

/** A run to insert: the unique (playbook, version, account, occurrence) makes a repeated insert a no-op. */
export type NewRun = {
  accountId: string
  occurrence: string
  triggeredAt: string
  trigger: Record<string, unknown>
}

/** Inserts runs that do not exist yet (one statement); returns how many were new. */
export async function insertRuns(db: Db, params: { workspaceId: string; playbookKey: string; playbookVersion: number; runs: NewRun[] }): Promise<number> {
  let inserted = 0
  for (let start = 0; start < params.runs.length; start += 2000) {
    const slice = params.runs.slice(start, start + 2000)
    const rows = await queryRows<{ id: string }>(
      db,
      sql`INSERT INTO playbook_runs (workspace_id, playbook_key, playbook_version, account_id, occurrence, trigger, triggered_at, next_step_id)
          SELECT ${params.workspaceId}::uuid, ${params.playbookKey}, ${params.playbookVersion}, r."accountId", r."occurrence", r."trigger", r."triggeredAt", NULL
          FROM jsonb_to_recordset(${JSON.stringify(slice)}::jsonb) AS r("accountId" uuid, "occurrence" text, "trigger" jsonb, "triggeredAt" timestamptz)
          JOIN accounts a ON a.workspace_id = ${params.workspaceId}::uuid AND a.id = r."accountId"
          ON CONFLICT (workspace_id, playbook_key, playbook_version, account_id, occurrence) DO NOTHING
          RETURNING id`,
    )
    inserted += rows.length
  }
  return inserted
}

/** Accounts (of these) that ran the playbook (any version) within `days`: the cooldown. */
export async function accountsInCooldown(db: Db, params: { workspaceId: string; playbookKey: string; days: number; accountIds: string[] }): Promise<Set<string>> {
  if (params.days <= 0 || params.accountIds.length === 0) return new Set()
  const rows = await queryRows<{ account_id: string }>(
    db,
    sql`SELECT DISTINCT account_id FROM playbook_runs
        WHERE workspace_id = ${params.workspaceId} AND playbook_key = ${params.playbookKey}
          AND account_id = ANY(${toUuidArray(params.accountIds)})
          AND created_at > now() - make_interval(days => ${params.days}) AND status <> 'cancelled'`,
  )
  return new Set(rows.map((row) => row.account_id))
}

export function toUuidArray(ids: string[]) {
  return sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)`
}

export type ClaimedRun = {
  workspace_id: string
  id: string
  playbook_key: string
  playbook_version: number
  account_id: string
  occurrence: string
  trigger: Record<string, unknown>
  status: PlaybookRunStatus
  next_step_id: string | null
  triggered_at: string
}

/**
 * Locks due runs for this transaction; other workers skip them (SKIP LOCKED), so each run advances in one
 * worker at a time and its steps' database effects commit together with its progress. Runs of paused
 * playbooks wait.
 */
export async function claimDueRuns(db: Db, params: { limit: number }): Promise<ClaimedRun[]> {
  return queryRows<ClaimedRun>(
    db,
    sql`SELECT r.workspace_id, r.id, r.playbook_key, r.playbook_version, r.account_id, r.occurrence, r.trigger, r.status, r.next_step_id, r.triggered_at
        FROM playbook_runs r
        WHERE r.status IN ('pending', 'waiting') AND r.wake_at <= now()
          AND NOT EXISTS (SELECT 1 FROM playbook_states s WHERE s.workspace_id = r.workspace_id AND s.playbook_key = r.playbook_key AND s.status = 'paused')
        ORDER BY r.wake_at
        LIMIT ${params.limit}
        FOR UPDATE OF r SKIP LOCKED`,
  )
}

export async function hasDueRuns(db: Db): Promise<boolean> {
  const rows = await queryRows<{ due: boolean }>(
    db,
    sql`SELECT EXISTS (
          SELECT 1 FROM playbook_runs r WHERE r.status IN ('pending', 'waiting') AND r.wake_at <= now()
            AND NOT EXISTS (SELECT 1 FROM playbook_states s WHERE s.workspace_id = r.workspace_id AND s.playbook_key = r.playbook_key AND s.status = 'paused')
        ) AS due`,
  )
  return rows[0]?.due ?? false
}

export async function updateRun(
  db: Db,
  params: { workspaceId: string; runId: string; status: PlaybookRunStatus; nextStepId: string | null; wakeAt?: string; lastError?: string | null; endReason?: string | null },
): Promise<void> {
  const finished = params.status === 'completed' || params.status === 'failed' || params.status === 'cancelled'
  await db.execute(sql`
    UPDATE playbook_runs SET status = ${params.status}, next_step_id = ${params.nextStepId},
      wake_at = coalesce(${params.wakeAt ?? null}::timestamptz, wake_at),
      last_error = ${params.lastError ?? null}, end_reason = coalesce(${params.endReason ?? null}, end_reason),
      attempts = attempts + 1, updated_at = now(), finished_at = ${finished ? sql`now()` : sql`NULL`}
    WHERE workspace_id = ${params.workspaceId} AND id = ${params.runId}`)
}

export async function logStep(
  db: Db,
  params: { workspaceId: string; runId: string; stepId: string; stepType: string; outcome: PlaybookStepOutcome; detail: Record<string, unknown> },
): Promise<void> {
  await db.execute(sql`
    INSERT INTO playbook_run_steps (workspace_id, run_id, step_id, step_type, outcome, detail, executed_at)
    VALUES (${params.workspaceId}, ${params.runId}, ${params.stepId}, ${params.stepType}, ${params.outcome}, ${JSON.stringify(params.detail)}::jsonb, clock_timestamp())
    ON CONFLICT (workspace_id, run_id, step_id) DO UPDATE SET outcome = EXCLUDED.outcome, detail = EXCLUDED.detail, executed_at = clock_timestamp()`)
}

/** A published version's body (versions are immutable, so callers may cache it). */
export async function findPlaybookVersion(db: Db, params: { workspaceId: string; key: string; version: number }): Promise<unknown> {
  const rows = await queryRows<{ body: unknown }>(
    db,
    sql`SELECT body FROM config_documents WHERE workspace_id = ${params.workspaceId} AND kind = 'playbook' AND key = ${params.key} AND version = ${params.version}`,
  )
  return rows[0]?.body ?? null
}

export type MergeRow = {
  id: string
  external_id: string
  name: string
  arr: number
  plan: string | null
  renewal_date: string | null
  days_to_renewal: number | null
  owner_id: string | null
  owner_name: string | null
  owner_email: string | null
  health_score: number | null
  health_band: string | null
  stage: string | null
  tier: string | null
  traits: Record<string, unknown>
}

/** What merge fields and steps need to know of each account, for a batch of accounts in one statement. */
export async function loadMergeRows(db: Db, params: { workspaceId: string; accountIds: string[] }): Promise<Map<string, MergeRow>> {
  if (params.accountIds.length === 0) return new Map()
  const rows = await queryRows<MergeRow>(
    db,
    sql`SELECT a.id, a.external_id, a.name, a.arr::float8 AS arr, a.plan, a.renewal_date::text AS renewal_date,
          (a.renewal_date - CURRENT_DATE) AS days_to_renewal, a.owner_id, u.name AS owner_name, u.email AS owner_email,
          h.score::float8 AS health_score, h.band AS health_band, a.traits,
          (SELECT m.group_key FROM account_memberships m WHERE m.workspace_id = a.workspace_id AND m.account_id = a.id AND m.family = 'stage' LIMIT 1) AS stage,
          (SELECT m.group_key FROM account_memberships m WHERE m.workspace_id = a.workspace_id AND m.account_id = a.id AND m.family = 'tier' LIMIT 1) AS tier
        FROM accounts a
        LEFT JOIN users u ON u.workspace_id = a.workspace_id AND u.id = a.owner_id AND u.status = 'active'
        LEFT JOIN health_scores h ON h.workspace_id = a.workspace_id AND h.account_id = a.id
        WHERE a.workspace_id = ${params.workspaceId} AND a.id = ANY(${toUuidArray(params.accountIds)})`,
  )
  return new Map(rows.map((row) => [row.id, row]))
}

export async function activeUsers(db: Db, params: { workspaceId: string }): Promise<{ id: string; name: string; email: string; role: string }[]> {
  return queryRows(db, sql`SELECT id, name, lower(email) AS email, role FROM users WHERE workspace_id = ${params.workspaceId} AND status = 'active' ORDER BY lower(email)`)
}

/** The next user after the step's last one, in a stable order (durable across processes, locked while chosen). */
export async function nextInTurn(db: Db, params: { workspaceId: string; playbookKey: string; stepId: string; candidates: { id: string }[] }): Promise<string | null> {
  if (params.candidates.length === 0) return null
  await db.execute(sql`INSERT INTO playbook_round_robin (workspace_id, playbook_key, step_id) VALUES (${params.workspaceId}, ${params.playbookKey}, ${params.stepId}) ON CONFLICT DO NOTHING`)
  const [state] = await queryRows<{ last_user_id: string | null }>(
    db,
    sql`SELECT last_user_id FROM playbook_round_robin WHERE workspace_id = ${params.workspaceId} AND playbook_key = ${params.playbookKey} AND step_id = ${params.stepId} FOR UPDATE`,
  )
  const at = params.candidates.findIndex((user) => user.id === state?.last_user_id)
  const next = params.candidates[(at + 1) % params.candidates.length]!
  await db.execute(sql`UPDATE playbook_round_robin SET last_user_id = ${next.id}, updated_at = now() WHERE workspace_id = ${params.workspaceId} AND playbook_key = ${params.playbookKey} AND step_id = ${params.stepId}`)
  return next.id
}

export async function accountContacts(db: Db, params: { workspaceId: string; accountId: string }): Promise<{ id: string; name: string; email: string | null; title: string | null; roles: string[] }[]> {
  return queryRows(
    db,
    sql`SELECT id, name, email, title, roles FROM contacts WHERE workspace_id = ${params.workspaceId} AND account_id = ${params.accountId} ORDER BY name, id`,
  )
}
