import type { MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import type { Db } from '../../platform/db'
import { ProblemError, type AppEnv } from '../../platform/http'
import { authenticateApiKey, authenticateSession } from './identity.service'

export const SESSION_COOKIE = 'bosun_session'

/**
 * Resolves the caller from `Authorization: Bearer <key>` or the session cookie and puts it on
 * the context. It never rejects by itself (public routes pass through); `requirePermission`
 * on each route answers 401/403. A presented but invalid key is a 401 at once, so a typo in
 * a key is never mistaken for anonymous access.
 */
export function authenticate(db: Db): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization')
    if (header) {
      const [scheme, credential] = header.split(/\s+/, 2)
      if (scheme?.toLowerCase() === 'bearer' && credential) {
        const auth = await authenticateApiKey(db, credential)
        if (!auth) throw new ProblemError(401, 'Unauthorized', 'The API key is unknown or revoked')
        c.set('auth', auth)
        return next()
      }
    }
    const cookie = getCookie(c, SESSION_COOKIE)
    if (cookie) {
      const auth = await authenticateSession(db, cookie)
      if (auth) c.set('auth', auth)
    }
    return next()
  }
}
