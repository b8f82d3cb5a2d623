import { lt } from 'drizzle-orm'
import type { AppDeps } from '../../../platform/http'
import type { JobDefinition } from '../../../platform/jobs'
import { sessions } from '../identity.tables'

/** Hourly: expired sessions are deleted so the table holds only sessions that can still log in. */
export function expiredSessionsJob(deps: AppDeps): JobDefinition<Record<string, never>> {
  return {
    queue: 'identity.delete-expired-sessions',
    cron: '17 * * * *',
    handler: async () => {
      const deleted = await deps.db.delete(sessions).where(lt(sessions.expiresAt, new Date())).returning({ id: sessions.id })
      if (deleted.length > 0) deps.logger.info({ deleted: deleted.length }, 'expired sessions deleted')
    },
  }
}
