import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../platform/db'
import { ProblemError } from '../../platform/http'
import { evaluateCondition, validateCondition, type AccountFacts, type Condition } from '../../../shared/conditions'
import { getKeyFeatures } from '../events'
import { accountFactsQuery, compileCondition } from './conditions.sql'

export const todayUtc = () => new Date().toISOString().slice(0, 10)

/** Validates a rule from a request; 400 naming the bad node as `<field>.<path>`. */
export function assertCondition(input: unknown, field = 'condition'): Condition {
  const issues = validateCondition(input)
  if (issues.length === 0) return input as Condition
  const errors = issues.map((issue) => ({ field: issue.path === '(rule)' ? field : `${field}.${issue.path}`, message: issue.message }))
  throw new ProblemError(400, 'Bad Request', `Invalid rule: ${errors.map((error) => `${error.field}: ${error.message}`).join('; ')}`, errors)
}

type FactsRow = AccountFacts & { account_id: string }

/** Every account's facts (or the given accounts', or a slice by id: after < id <= last), as of `today`. */
export async function loadAccountFacts(
  db: Db,
  params: { workspaceId: string; today: string; accountIds?: string[]; accountRange?: { after: string; last: string } },
): Promise<Map<string, AccountFacts>> {
  const keyFeatures = await getKeyFeatures(db, params.workspaceId)
  const rows = await queryRows<FactsRow>(db, accountFactsQuery({ ...params, keyFeatures }))
  return new Map(rows.map(({ account_id: accountId, ...facts }) => [accountId, facts]))
}

/** The SQL evaluator: ids of every account of the workspace the rule matches. */
export async function findMatchingAccountIds(db: Db, params: { workspaceId: string; condition: Condition; today: string; accountIds?: string[] }): Promise<string[]> {
  const keyFeatures = await getKeyFeatures(db, params.workspaceId)
  const rows = await queryRows<{ account_id: string }>(
    db,
    sql`SELECT f.account_id FROM (${accountFactsQuery({ workspaceId: params.workspaceId, today: params.today, accountIds: params.accountIds, keyFeatures })}) f
        WHERE ${compileCondition(params.condition, params.today)}`,
  )
  return rows.map((row) => row.account_id)
}

/** The in-memory evaluator for one account (after a change to it): its facts, then the rule in JS. */
export async function accountMatches(db: Db, params: { workspaceId: string; accountId: string; condition: Condition; today: string }): Promise<boolean> {
  const facts = (await loadAccountFacts(db, { workspaceId: params.workspaceId, today: params.today, accountIds: [params.accountId] })).get(params.accountId)
  return facts ? evaluateCondition(params.condition, facts, params.today) : false
}

export async function previewCondition(db: Db, params: { workspaceId: string; condition: Condition; today: string; limit: number }) {
  const ids = await findMatchingAccountIds(db, params)
  const sample = ids.length === 0 ? [] : await queryRows<{ id: string; name: string; arr: number; plan: string | null; renewal_date: string | null }>(
    db,
    sql`SELECT id, name, arr, plan, renewal_date FROM accounts
        WHERE workspace_id = ${params.workspaceId} AND id = ANY(ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(ids.slice(0, params.limit))}::jsonb)::uuid))
        ORDER BY arr DESC, name`,
  )
  return { count: ids.length, accounts: sample.map((row) => ({ id: row.id, name: row.name, arr: row.arr, plan: row.plan, renewalDate: row.renewal_date })) }
}
