import { and, eq, sql, type SQL } from 'drizzle-orm'
import { queryRows, type Db } from '../../platform/db'
import type { PlanListFilters } from './success-plans.contracts'
import { successPlanItems, successPlans, type SuccessPlanStatus } from './success-plans.tables'

export type SuccessPlan = typeof successPlans.$inferSelect
export type NewSuccessPlan = typeof successPlans.$inferInsert
export type SuccessPlanItem = typeof successPlanItems.$inferSelect
export type NewSuccessPlanItem = typeof successPlanItems.$inferInsert

/** A plan with what lists show: account and owner names, milestone counts, the next open milestone. */
export type PlanSummaryRow = {
  id: string
  account_id: string
  account_name: string
  title: string
  template_key: string | null
  template_version: number | null
  status: SuccessPlanStatus
  owner_id: string | null
  owner_name: string | null
  shared: boolean
  shared_at: Date | string | null
  playbook_run_id: string | null
  created_at: Date | string
  updated_at: Date | string
  total: number
  done: number
  overdue: number
  next_id: string | null
  next_title: string | null
  next_due_on: string | null
}

export type ItemRow = {
  id: string
  plan_id: string
  parent_id: string | null
  kind: 'objective' | 'milestone'
  position: number
  title: string
  description: string
  owner_id: string | null
  owner_name: string | null
  customer_owner: string | null
  due_on: string | null
  done_at: Date | string | null
}

const idArray = (ids: string[]) => sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)`

/** Inserts a plan; with a playbook run and step, a second insert for the same pair is a no-op (undefined). */
export async function insertPlan(db: Db, plan: NewSuccessPlan): Promise<SuccessPlan | undefined> {
  const insert = db.insert(successPlans).values(plan)
  if (!plan.playbookRunId) return (await insert.returning())[0]
  const [row] = await insert
    .onConflictDoNothing({ target: [successPlans.workspaceId, successPlans.playbookRunId, successPlans.playbookStepId], where: sql.raw('playbook_run_id is not null') })
    .returning()
  return row
}

export async function findPlanByPlaybookStep(db: Db, params: { workspaceId: string; runId: string; stepId: string }): Promise<SuccessPlan | undefined> {
  const [row] = await db
    .select()
    .from(successPlans)
    .where(and(eq(successPlans.workspaceId, params.workspaceId), eq(successPlans.playbookRunId, params.runId), eq(successPlans.playbookStepId, params.stepId)))
    .limit(1)
  return row
}

export async function insertItems(db: Db, items: NewSuccessPlanItem[]): Promise<SuccessPlanItem[]> {
  if (items.length === 0) return []
  return db.insert(successPlanItems).values(items).returning()
}

export async function findPlan(db: Db, params: { workspaceId: string; planId: string }): Promise<SuccessPlan | undefined> {
  const [row] = await db
    .select()
    .from(successPlans)
    .where(and(eq(successPlans.workspaceId, params.workspaceId), eq(successPlans.id, params.planId)))
    .limit(1)
  return row
}

export async function updatePlan(db: Db, params: { workspaceId: string; planId: string; changes: Partial<NewSuccessPlan> }): Promise<SuccessPlan | undefined> {
  const [row] = await db
    .update(successPlans)
    .set({ ...params.changes, updatedAt: new Date() })
    .where(and(eq(successPlans.workspaceId, params.workspaceId), eq(successPlans.id, params.planId)))
    .returning()
  return row
}

/** The plan behind a share link: looked up by the token's hash before the workspace is known (the customer has no session). */
export async function findPlanByShareHash(db: Db, hash: string): Promise<SuccessPlan | undefined> {
  const [row] = await db.select().from(successPlans).where(eq(successPlans.shareTokenHash, hash)).limit(1)
  return row
}

function summaryQuery(params: { workspaceId: string; today: string; where: SQL[]; limit?: number; offset?: number }): SQL {
  const conditions = sql.join([sql`p.workspace_id = ${params.workspaceId}`, ...params.where], sql` AND `)
  const page = params.limit === undefined ? sql`` : sql`LIMIT ${params.limit} OFFSET ${params.offset ?? 0}`
  return sql`
    SELECT p.id, p.account_id, a.name AS account_name, p.title, p.template_key, p.template_version, p.status, p.owner_id, u.name AS owner_name,
           p.share_token_hash IS NOT NULL AS shared, p.shared_at, p.playbook_run_id, p.created_at, p.updated_at,
           s.total, s.done, s.overdue, n.id AS next_id, n.title AS next_title, n.due_on AS next_due_on,
           count(*) OVER () AS full_count
      FROM success_plans p
      JOIN accounts a ON a.workspace_id = p.workspace_id AND a.id = p.account_id
      LEFT JOIN users u ON u.workspace_id = p.workspace_id AND u.id = p.owner_id
      CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE i.kind = 'milestone')::int AS total,
               count(*) FILTER (WHERE i.kind = 'milestone' AND i.done_at IS NOT NULL)::int AS done,
               count(*) FILTER (WHERE i.kind = 'milestone' AND i.done_at IS NULL AND i.due_on < ${params.today}::date)::int AS overdue
          FROM success_plan_items i WHERE i.workspace_id = p.workspace_id AND i.plan_id = p.id
      ) s
      LEFT JOIN LATERAL (
        SELECT i.id, i.title, i.due_on FROM success_plan_items i
         WHERE i.workspace_id = p.workspace_id AND i.plan_id = p.id AND i.kind = 'milestone' AND i.done_at IS NULL AND i.due_on IS NOT NULL
         ORDER BY i.due_on, i.position LIMIT 1
      ) n ON true
     WHERE ${conditions}
     ORDER BY (p.status = 'active') DESC, n.due_on NULLS LAST, p.created_at DESC, p.id
     ${page}`
}

/** The workspace's plans, active first, then by the next due milestone. */
export async function listPlanSummaries(db: Db, params: { workspaceId: string; today: string; filters: PlanListFilters }): Promise<{ total: number; rows: PlanSummaryRow[] }> {
  const { filters } = params
  const where: SQL[] = []
  if (filters.status) where.push(sql`p.status = ${filters.status}`)
  if (filters.owner === 'unassigned') where.push(sql`p.owner_id IS NULL`)
  else if (filters.owner) where.push(sql`p.owner_id = ${filters.owner}::uuid`)
  if (filters.accountId) where.push(sql`p.account_id = ${filters.accountId}::uuid`)
  const rows = await queryRows<PlanSummaryRow & { full_count: number }>(db, summaryQuery({ workspaceId: params.workspaceId, today: params.today, where, limit: filters.limit, offset: filters.offset }))
  let total = rows[0]?.full_count ?? 0
  // Past the last page the window count is lost; count separately.
  if (rows.length === 0 && filters.offset > 0) {
    const [counted] = await queryRows<{ total: number }>(db, sql`SELECT count(*)::int AS total FROM success_plans p WHERE ${sql.join([sql`p.workspace_id = ${params.workspaceId}`, ...where], sql` AND `)}`)
    total = counted?.total ?? 0
  }
  return { total, rows }
}

/** Plans of one account, or one plan (any workspace plan when both are absent is not allowed by the callers). */
export async function planSummaries(db: Db, params: { workspaceId: string; today: string; accountId?: string; planId?: string }): Promise<PlanSummaryRow[]> {
  const where: SQL[] = []
  if (params.accountId) where.push(sql`p.account_id = ${params.accountId}::uuid`)
  if (params.planId) where.push(sql`p.id = ${params.planId}::uuid`)
  return queryRows<PlanSummaryRow>(db, summaryQuery({ workspaceId: params.workspaceId, today: params.today, where }))
}

/** Items of the plans, objectives before milestones, each in position order, with owner names. */
export async function listItems(db: Db, params: { workspaceId: string; planIds: string[] }): Promise<ItemRow[]> {
  if (params.planIds.length === 0) return []
  return queryRows<ItemRow>(
    db,
    sql`SELECT i.id, i.plan_id, i.parent_id, i.kind, i.position, i.title, i.description, i.owner_id, u.name AS owner_name, i.customer_owner, i.due_on, i.done_at
          FROM success_plan_items i LEFT JOIN users u ON u.workspace_id = i.workspace_id AND u.id = i.owner_id
         WHERE i.workspace_id = ${params.workspaceId} AND i.plan_id = ANY(${idArray(params.planIds)})
         ORDER BY i.plan_id, i.parent_id NULLS FIRST, i.position, i.created_at, i.id`,
  )
}

export async function findItem(db: Db, params: { workspaceId: string; planId: string; itemId: string }): Promise<SuccessPlanItem | undefined> {
  const [row] = await db
    .select()
    .from(successPlanItems)
    .where(and(eq(successPlanItems.workspaceId, params.workspaceId), eq(successPlanItems.planId, params.planId), eq(successPlanItems.id, params.itemId)))
    .limit(1)
  return row
}

/** The position after the last sibling (objectives: parent null). */
export async function nextPosition(db: Db, params: { workspaceId: string; planId: string; parentId: string | null }): Promise<number> {
  const parent = params.parentId === null ? sql`parent_id IS NULL` : sql`parent_id = ${params.parentId}::uuid`
  const [row] = await queryRows<{ next: number }>(
    db,
    sql`SELECT coalesce(max(position) + 1, 0)::int AS next FROM success_plan_items WHERE workspace_id = ${params.workspaceId} AND plan_id = ${params.planId} AND ${parent}`,
  )
  return row?.next ?? 0
}

export async function updateItem(db: Db, params: { workspaceId: string; planId: string; itemId: string; changes: Partial<NewSuccessPlanItem> }): Promise<SuccessPlanItem | undefined> {
  const [row] = await db
    .update(successPlanItems)
    .set({ ...params.changes, updatedAt: new Date() })
    .where(and(eq(successPlanItems.workspaceId, params.workspaceId), eq(successPlanItems.planId, params.planId), eq(successPlanItems.id, params.itemId)))
    .returning()
  return row
}

/** Deletes an item and, for an objective, its milestones (parent_id has no foreign key to cascade). */
export async function deleteItem(db: Db, params: { workspaceId: string; planId: string; itemId: string }): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`DELETE FROM success_plan_items WHERE workspace_id = ${params.workspaceId} AND plan_id = ${params.planId} AND (id = ${params.itemId} OR parent_id = ${params.itemId}) RETURNING id`,
  )
  return rows.length
}

export async function touchPlan(db: Db, params: { workspaceId: string; planId: string }): Promise<void> {
  await db.execute(sql`UPDATE success_plans SET updated_at = now() WHERE workspace_id = ${params.workspaceId} AND id = ${params.planId}`)
}
