import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../platform/db'

/** What the ingestion endpoint has validated and normalised, ready for the inbox. */
export type InboxCall = {
  m: string
  t: string
  e: string | null
  u: string | null
  a: string | null
  g: string | null
  o: string
  p: Record<string, unknown>
  c: Record<string, unknown>
}

/** One statement for the whole batch: the rows (each an InboxCall as JSON) travel as one JSON parameter. */
export async function insertInbox(db: Db, params: { workspaceId: string; sourceKeyId: string | null; receivedAt: Date; callsJson: string[] }) {
  if (params.callsJson.length === 0) return
  await db.execute(sql`
    INSERT INTO event_inbox (workspace_id, message_id, type, event, user_id, anonymous_id, group_id, occurred_at, received_at, properties, context, source_key_id)
    SELECT ${params.workspaceId}::uuid, x.m, x.t, x.e, x.u, x.a, x.g, x.o, ${params.receivedAt.toISOString()}::timestamptz, x.p, x.c, ${params.sourceKeyId}::uuid
    FROM jsonb_to_recordset(${`[${params.callsJson.join(',')}]`}::jsonb) AS x(m text, t text, e text, u text, a text, g text, o timestamptz, p jsonb, c jsonb)`)
}

// drizzle spreads a JS array into one parameter per element; a JSON text stays one parameter.
const textArray = (values: string[]) => sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`

export const NIL_UUID = '00000000-0000-0000-0000-000000000000'
// The user a call counts for: its userId, else its anonymousId (prefixed so the two never collide).
const userKey = (alias: string) => sql.raw(`coalesce(${alias}.user_id, 'anon:' || ${alias}.anonymous_id)`)
const usageTypes = sql.raw(`('track', 'page', 'screen')`)
const utcDay = (column: string) => sql.raw(`((${column}) AT TIME ZONE 'UTC')::date`)

export async function nextInboxWorkspace(db: Db): Promise<string | undefined> {
  const [row] = await queryRows<{ workspace_id: string }>(db, sql`SELECT workspace_id FROM event_inbox LIMIT 1`)
  return row?.workspace_id
}

export async function tryDrainLock(db: Db, lockKey: number): Promise<boolean> {
  const [row] = await queryRows<{ locked: boolean }>(db, sql`SELECT pg_try_advisory_xact_lock(${lockKey}) AS locked`)
  return row?.locked === true
}

/** Moves up to `limit` inbox rows of one workspace into the transaction's temp table drain_batch. */
/** The transaction's scratch tables: the calls taken from the inbox, and the events new to the rollups. */
export async function createDrainTables(db: Db) {
  await db.execute(sql`CREATE TEMP TABLE IF NOT EXISTS drain_batch (LIKE event_inbox) ON COMMIT DROP`)
  await db.execute(sql`
    CREATE TEMP TABLE IF NOT EXISTS drain_new (
      message_id text, type text, event text, user_key text, account_id uuid, occurred_at timestamptz,
      received_at timestamptz, source_key_id uuid, fresh boolean
    ) ON COMMIT DROP`)
}

export async function takeInboxBatch(db: Db, params: { workspaceId: string; limit: number }): Promise<number> {
  await createDrainTables(db)
  const rows = await queryRows<{ moved: number }>(
    db,
    sql`WITH moved AS (
          DELETE FROM event_inbox WHERE workspace_id = ${params.workspaceId} AND id IN (
            SELECT id FROM event_inbox WHERE workspace_id = ${params.workspaceId} ORDER BY id LIMIT ${params.limit})
          RETURNING *)
        , kept AS (INSERT INTO drain_batch SELECT * FROM moved RETURNING 1)
        SELECT count(*)::int AS moved FROM kept`,
  )
  return rows[0]?.moved ?? 0
}

/**
 * Updates the product users seen in drain_batch: their account (group call or context.groupId,
 * latest wins), traits and email from identify, first and last seen. Returns the users whose
 * account became known or changed, so their earlier events can be attached.
 */
export async function upsertProductUsers(db: Db, workspaceId: string): Promise<string[]> {
  await db.execute(sql`
    INSERT INTO product_users AS pu (workspace_id, user_id, group_id, email, name, traits, first_seen_at, last_seen_at, updated_at)
    SELECT ${workspaceId}::uuid, k.user_key,
      (array_agg(k.group_id ORDER BY k.occurred_at DESC) FILTER (WHERE k.group_id IS NOT NULL))[1],
      (array_agg(k.properties->>'email' ORDER BY k.occurred_at DESC) FILTER (WHERE k.type = 'identify' AND k.properties->>'email' IS NOT NULL))[1],
      (array_agg(coalesce(k.properties->>'name', nullif(trim(concat_ws(' ', k.properties->>'firstName', k.properties->>'lastName')), ''))
         ORDER BY k.occurred_at DESC) FILTER (WHERE k.type = 'identify'))[1],
      coalesce((array_agg(k.properties ORDER BY k.occurred_at DESC) FILTER (WHERE k.type = 'identify'))[1], '{}'::jsonb),
      min(k.occurred_at) FILTER (WHERE k.type IN ('track', 'page', 'screen', 'identify')),
      max(k.occurred_at) FILTER (WHERE k.type IN ('track', 'page', 'screen', 'identify')),
      now()
    FROM (SELECT b.*, ${userKey('b')} AS user_key FROM drain_batch b) k
    GROUP BY k.user_key
    ON CONFLICT (workspace_id, user_id) DO UPDATE SET
      group_id = coalesce(excluded.group_id, pu.group_id),
      email = coalesce(excluded.email, pu.email),
      name = coalesce(excluded.name, pu.name),
      traits = pu.traits || excluded.traits,
      first_seen_at = least(pu.first_seen_at, excluded.first_seen_at),
      last_seen_at = greatest(pu.last_seen_at, excluded.last_seen_at),
      updated_at = now()`)
  return linkProductUsers(db, workspaceId, sql`pu.user_id IN (SELECT ${userKey('b')} FROM drain_batch b)`)
}

/** Sets product_users.account_id from group_id wherever the account exists now; returns the users that changed. */
export async function linkProductUsers(db: Db, workspaceId: string, scope = sql`true`): Promise<string[]> {
  const rows = await queryRows<{ user_id: string }>(
    db,
    sql`UPDATE product_users pu SET account_id = a.id, updated_at = now()
        FROM accounts a
        WHERE pu.workspace_id = ${workspaceId} AND a.workspace_id = ${workspaceId} AND a.external_id = pu.group_id
          AND pu.account_id IS DISTINCT FROM a.id AND ${scope}
        RETURNING pu.user_id`,
  )
  return rows.map((row) => row.user_id)
}

/** drain_batch → events, deduplicated by messageId; what was new goes to drain_new for the rollups. */
export async function insertEventsFromBatch(db: Db, workspaceId: string): Promise<number> {
  const rows = await queryRows<{ inserted: number }>(
    db,
    sql`WITH inserted AS (
          INSERT INTO events (workspace_id, message_id, type, event, user_id, anonymous_id, group_id, account_id, occurred_at, received_at, properties, context, source_key_id)
          SELECT b.workspace_id, b.message_id, b.type, b.event, b.user_id, b.anonymous_id, b.group_id,
                 coalesce(ga.id, pu.account_id), b.occurred_at, b.received_at, b.properties, b.context, b.source_key_id
          FROM drain_batch b
          LEFT JOIN accounts ga ON ga.workspace_id = ${workspaceId} AND ga.external_id = b.group_id
          LEFT JOIN product_users pu ON pu.workspace_id = ${workspaceId} AND pu.user_id = ${userKey('b')}
          ORDER BY b.id
          ON CONFLICT (workspace_id, message_id) DO NOTHING
          RETURNING message_id, type, event, ${userKey('events')} AS user_key, account_id, occurred_at, received_at, source_key_id)
        , kept AS (INSERT INTO drain_new SELECT *, true FROM inserted RETURNING 1)
        SELECT count(*)::int AS inserted FROM kept`,
  )
  return rows[0]?.inserted ?? 0
}

/** Gives unmatched events their account where it is known now (a later group call, a new account). */
export async function attachUnmatchedEvents(db: Db, params: { workspaceId: string; userKeys?: string[] }): Promise<number> {
  const scope = params.userKeys ? sql`AND ${userKey('e')} = ANY(${textArray(params.userKeys)})` : sql``
  const rows = await queryRows<{ attached: number }>(
    db,
    sql`WITH attached AS (
          UPDATE events e SET account_id = m.account_id
          FROM (
            SELECT e2.message_id, coalesce(ga.id, pu.account_id) AS account_id
            FROM events e2
            LEFT JOIN accounts ga ON ga.workspace_id = ${params.workspaceId} AND ga.external_id = e2.group_id
            LEFT JOIN product_users pu ON pu.workspace_id = ${params.workspaceId} AND pu.user_id = ${userKey('e2')}
            WHERE e2.workspace_id = ${params.workspaceId} AND e2.account_id IS NULL
          ) m
          WHERE e.workspace_id = ${params.workspaceId} AND e.message_id = m.message_id AND e.account_id IS NULL
            AND m.account_id IS NOT NULL ${scope}
          RETURNING e.message_id, e.type, e.event, ${userKey('e')} AS user_key, e.account_id, e.occurred_at, e.received_at, e.source_key_id)
        , kept AS (INSERT INTO drain_new SELECT *, false FROM attached RETURNING 1)
        SELECT count(*)::int AS attached FROM kept`,
  )
  return rows[0]?.attached ?? 0
}

/** Adds what is in drain_new to the daily rollups; each event reaches here exactly once (insert or attach). */
export async function rollUpUsage(db: Db, workspaceId: string): Promise<void> {
  await db.execute(sql`
    WITH usage AS (
      SELECT account_id, ${utcDay('occurred_at')} AS day, user_key, event, type FROM drain_new
      WHERE account_id IS NOT NULL AND type IN ${usageTypes})
    , new_user_days AS (
      INSERT INTO usage_user_days (workspace_id, account_id, day, user_id)
      SELECT DISTINCT ${workspaceId}::uuid, account_id, day, user_key FROM usage ORDER BY 2, 3, 4
      ON CONFLICT DO NOTHING
      RETURNING account_id, day)
    , users_added AS (SELECT account_id, day, count(*)::int AS n FROM new_user_days GROUP BY 1, 2)
    , events_added AS (SELECT account_id, day, count(*)::int AS n FROM usage GROUP BY 1, 2)
    INSERT INTO usage_daily AS d (workspace_id, account_id, day, event_count, active_users)
    SELECT ${workspaceId}::uuid, ea.account_id, ea.day, ea.n, coalesce(ua.n, 0)
    FROM events_added ea LEFT JOIN users_added ua ON ua.account_id = ea.account_id AND ua.day = ea.day
    ORDER BY 2, 3
    ON CONFLICT (workspace_id, account_id, day) DO UPDATE SET
      event_count = d.event_count + excluded.event_count,
      active_users = d.active_users + excluded.active_users`)
  await db.execute(sql`
    INSERT INTO usage_daily_events AS d (workspace_id, account_id, day, event, event_count)
    SELECT ${workspaceId}::uuid, account_id, ${utcDay('occurred_at')}, event, count(*)::int
    FROM drain_new WHERE account_id IS NOT NULL AND type = 'track'
    GROUP BY 2, 3, 4 ORDER BY 2, 3, 4
    ON CONFLICT (workspace_id, account_id, day, event) DO UPDATE SET event_count = d.event_count + excluded.event_count`)
}

/** Per source and day of receipt: counts for the data-quality report. */
export async function recordSourceStats(db: Db, workspaceId: string): Promise<void> {
  await db.execute(sql`
    WITH received AS (
      SELECT coalesce(source_key_id, ${NIL_UUID}::uuid) AS source_key_id, ${utcDay('received_at')} AS day, count(*)::int AS n,
        count(*) FILTER (WHERE occurred_at > received_at + interval '1 hour')::int AS future,
        count(*) FILTER (WHERE occurred_at < received_at - interval '2 years')::int AS ancient,
        max(received_at) AS last_received_at
      FROM drain_batch GROUP BY 1, 2)
    , fresh AS (
      SELECT coalesce(source_key_id, ${NIL_UUID}::uuid) AS source_key_id, ${utcDay('received_at')} AS day, count(*)::int AS n
      FROM drain_new WHERE fresh GROUP BY 1, 2)
    INSERT INTO event_source_daily AS s (workspace_id, source_key_id, day, received, duplicates, future_timestamps, ancient_timestamps, last_received_at)
    SELECT ${workspaceId}::uuid, r.source_key_id, r.day, r.n, r.n - coalesce(f.n, 0), r.future, r.ancient, r.last_received_at
    FROM received r LEFT JOIN fresh f ON f.source_key_id = r.source_key_id AND f.day = r.day
    ON CONFLICT (workspace_id, source_key_id, day) DO UPDATE SET
      received = s.received + excluded.received,
      duplicates = s.duplicates + excluded.duplicates,
      future_timestamps = s.future_timestamps + excluded.future_timestamps,
      ancient_timestamps = s.ancient_timestamps + excluded.ancient_timestamps,
      last_received_at = greatest(s.last_received_at, excluded.last_received_at)`)
}

/**
 * Identified users that belong to an account, from this batch's identify calls or whose account just
 * became known (identify may come long before group): the people to keep as contacts.
 */
export async function identifiedUsersOfBatch(db: Db, workspaceId: string, linkedUsers: string[] = []) {
  return queryRows<{ user_id: string; account_id: string; email: string | null; name: string | null; traits: Record<string, unknown>; last_seen_at: Date | null }>(
    db,
    sql`SELECT pu.user_id, pu.account_id, pu.email, pu.name, pu.traits, pu.last_seen_at
        FROM product_users pu
        WHERE pu.workspace_id = ${workspaceId} AND pu.account_id IS NOT NULL AND pu.user_id NOT LIKE 'anon:%'
          AND (pu.user_id IN (SELECT user_id FROM drain_batch WHERE type = 'identify' AND user_id IS NOT NULL)
               OR (pu.user_id = ANY(${textArray(linkedUsers)}) AND (pu.email IS NOT NULL OR pu.name IS NOT NULL)))`,
  )
}

export async function setProductUserContacts(db: Db, params: { workspaceId: string; links: { userId: string; contactId: string }[] }) {
  if (params.links.length === 0) return
  await db.execute(sql`
    UPDATE product_users pu SET contact_id = l."contactId"
    FROM jsonb_to_recordset(${JSON.stringify(params.links)}::jsonb) AS l("userId" text, "contactId" uuid)
    WHERE pu.workspace_id = ${params.workspaceId} AND pu.user_id = l."userId" AND pu.contact_id IS DISTINCT FROM l."contactId"`)
}

/** Workspaces that have events still waiting for an account. */
export async function workspacesWithUnmatchedEvents(db: Db): Promise<string[]> {
  const rows = await queryRows<{ workspace_id: string }>(
    db,
    sql`SELECT DISTINCT workspace_id FROM events WHERE account_id IS NULL`,
  )
  return rows.map((row) => row.workspace_id)
}

export async function inboxDepth(db: Db, workspaceId?: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    workspaceId ? sql`SELECT count(*)::int AS n FROM event_inbox WHERE workspace_id = ${workspaceId}` : sql`SELECT count(*)::int AS n FROM event_inbox`,
  )
  return row?.n ?? 0
}

// ---- read side -------------------------------------------------------------------------------

export type AccountEventRow = {
  message_id: string
  type: 'track' | 'page' | 'screen' | 'identify' | 'group' | 'alias'
  event: string | null
  user_id: string | null
  anonymous_id: string | null
  occurred_at: Date | string
  received_at: Date | string
  properties: Record<string, unknown>
}

export async function listAccountEvents(
  db: Db,
  params: { workspaceId: string; accountId: string; limit: number; before?: { occurredAt: string; messageId: string }; event?: string },
) {
  const before = params.before
    ? sql`AND (occurred_at, message_id) < (${params.before.occurredAt}::timestamptz, ${params.before.messageId})`
    : sql``
  const eventFilter = params.event ? sql`AND event = ${params.event}` : sql``
  return queryRows<AccountEventRow>(
    db,
    sql`SELECT message_id, type, event, user_id, anonymous_id, occurred_at, received_at, properties
        FROM events
        WHERE workspace_id = ${params.workspaceId} AND account_id = ${params.accountId} ${eventFilter} ${before}
        ORDER BY occurred_at DESC, message_id DESC
        LIMIT ${params.limit}`,
  )
}

export async function countAccountEvents(db: Db, params: { workspaceId: string; accountId: string; event?: string }): Promise<number> {
  const eventFilter = params.event ? sql`AND event = ${params.event}` : sql``
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM events WHERE workspace_id = ${params.workspaceId} AND account_id = ${params.accountId} ${eventFilter}`,
  )
  return row?.n ?? 0
}

/** Daily events, DAU and rolling 7/30-day distinct users for one account, from the rollups only. */
export async function usageSeries(db: Db, params: { workspaceId: string; accountId: string; from: string; to: string }) {
  return queryRows<{ day: string; events: number; active_users: number; wau: number; mau: number }>(
    db,
    sql`WITH days AS (SELECT generate_series(${params.from}::date, ${params.to}::date, interval '1 day')::date AS day)
        , user_days AS (
          SELECT day, user_id FROM usage_user_days
          WHERE workspace_id = ${params.workspaceId} AND account_id = ${params.accountId}
            AND day BETWEEN ${params.from}::date - 29 AND ${params.to}::date)
        SELECT d.day, coalesce(u.event_count, 0) AS events, coalesce(u.active_users, 0) AS active_users,
          (SELECT count(DISTINCT ud.user_id)::int FROM user_days ud WHERE ud.day BETWEEN d.day - 6 AND d.day) AS wau,
          (SELECT count(DISTINCT ud.user_id)::int FROM user_days ud WHERE ud.day BETWEEN d.day - 29 AND d.day) AS mau
        FROM days d
        LEFT JOIN usage_daily u ON u.workspace_id = ${params.workspaceId} AND u.account_id = ${params.accountId} AND u.day = d.day
        ORDER BY d.day`,
  )
}

export async function usageTotals(db: Db, params: { workspaceId: string; accountId: string; today: string }) {
  const [row] = await queryRows<{ events_30d: number; events_prior_30d: number; last_day: string | null }>(
    db,
    sql`SELECT
          coalesce(sum(event_count) FILTER (WHERE day > ${params.today}::date - 30), 0)::int AS events_30d,
          coalesce(sum(event_count) FILTER (WHERE day <= ${params.today}::date - 30 AND day > ${params.today}::date - 60), 0)::int AS events_prior_30d,
          (SELECT max(day) FROM usage_daily WHERE workspace_id = ${params.workspaceId} AND account_id = ${params.accountId}) AS last_day
        FROM usage_daily
        WHERE workspace_id = ${params.workspaceId} AND account_id = ${params.accountId} AND day > ${params.today}::date - 60`,
  )
  return row
}

export async function eventCounts30d(db: Db, params: { workspaceId: string; accountId: string; today: string }) {
  return queryRows<{ event: string; n: number }>(
    db,
    sql`SELECT event, sum(event_count)::int AS n FROM usage_daily_events
        WHERE workspace_id = ${params.workspaceId} AND account_id = ${params.accountId} AND day > ${params.today}::date - 30
        GROUP BY event ORDER BY n DESC, event`,
  )
}

export async function accountProductUsers(db: Db, params: { workspaceId: string; accountId: string; limit: number }) {
  return queryRows<{ user_id: string; email: string | null; name: string | null; last_seen_at: Date | string | null; contact_id: string | null }>(
    db,
    sql`SELECT user_id, email, name, last_seen_at, contact_id FROM product_users
        WHERE workspace_id = ${params.workspaceId} AND account_id = ${params.accountId}
        ORDER BY last_seen_at DESC NULLS LAST, user_id LIMIT ${params.limit}`,
  )
}

export async function lastActivityAt(db: Db, params: { workspaceId: string; accountId: string }) {
  const [row] = await queryRows<{ last_seen_at: Date | string | null }>(
    db,
    sql`SELECT max(last_seen_at) AS last_seen_at FROM product_users WHERE workspace_id = ${params.workspaceId} AND account_id = ${params.accountId}`,
  )
  return row?.last_seen_at ?? null
}

export async function activeSeats(db: Db, params: { workspaceId: string; accountId: string; today: string }): Promise<number | null> {
  const [row] = await queryRows<{ seats: number | null }>(
    db,
    sql`SELECT sum(seats)::int AS seats FROM subscriptions
        WHERE workspace_id = ${params.workspaceId} AND account_id = ${params.accountId} AND status = 'active'
          AND start_date <= ${params.today}::date AND (end_date IS NULL OR end_date >= ${params.today}::date)`,
  )
  return row?.seats ?? null
}

export async function getKeyFeatures(db: Db, workspaceId: string): Promise<string[]> {
  const [row] = await queryRows<{ key_features: string[] }>(db, sql`SELECT key_features FROM usage_settings WHERE workspace_id = ${workspaceId}`)
  return row?.key_features ?? []
}

export async function setKeyFeatures(db: Db, params: { workspaceId: string; keyFeatures: string[] }) {
  await db.execute(sql`
    INSERT INTO usage_settings (workspace_id, key_features, updated_at) VALUES (${params.workspaceId}, ${textArray(params.keyFeatures)}, now())
    ON CONFLICT (workspace_id) DO UPDATE SET key_features = excluded.key_features, updated_at = now()`)
}

/** Event names seen in the workspace recently, most used first (for choosing key features). */
export async function recentEventNames(db: Db, params: { workspaceId: string; days: number }) {
  return queryRows<{ event: string; n: number; accounts: number }>(
    db,
    sql`SELECT event, sum(event_count)::int AS n, count(DISTINCT account_id)::int AS accounts FROM usage_daily_events
        WHERE workspace_id = ${params.workspaceId} AND day > (now() AT TIME ZONE 'UTC')::date - ${params.days}::int
        GROUP BY event ORDER BY n DESC, event LIMIT 200`,
  )
}
