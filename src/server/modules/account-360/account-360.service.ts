import type { Db } from '../../platform/db'
import { notFound } from '../../platform/http'
import { todayUtc } from '../accounts'
import * as repo from './account-360.repo'

export { account360Limits } from './account-360.repo'

/**
 * Everything about one account for its 360 page, as the JSON text of the response (see
 * Account360Schema): PostgreSQL builds it in one statement, so Node neither maps rows nor
 * stringifies. `today` (YYYY-MM-DD, UTC) ends the revenue series; tests pin it.
 */
export async function getAccount360Json(db: Db, params: { workspaceId: string; accountId: string; today?: string }): Promise<string> {
  const body = await repo.findAccount360Json(db, { workspaceId: params.workspaceId, accountId: params.accountId, today: params.today ?? todayUtc() })
  if (body === undefined) throw notFound('Account')
  return body
}
