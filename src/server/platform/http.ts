import { OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context, MiddlewareHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { ZodError } from 'zod'
import type { FieldError, Problem } from '../../shared/problem'
import type { Permission, Role, ApiKeyScope } from '../../shared/roles'
import type { BosunConfig } from './config'
import { pgErrorCode, type Db, type DbHandle } from './db'
import type { Jobs } from './jobs'
import type { Logger } from './logging'

/** Who is calling, resolved once per request by the identity module's middleware. */
export type AuthContext = {
  workspaceId: string
  workspaceSlug: string
  actor:
    | { kind: 'user'; userId: string; role: Role; email: string; name: string; sessionId: string }
    | { kind: 'api_key'; keyId: string; scopes: ApiKeyScope[]; name: string; rateLimitPerSecond: number | null }
  permissions: ReadonlySet<Permission>
}

/** What route factories get: the process-wide dependencies, never request state. */
export type AppDeps = {
  db: Db
  dbHandle: DbHandle
  jobs: Jobs
  logger: Logger
  config: BosunConfig
}

export type AppEnv = { Variables: { auth: AuthContext; requestId: string } }

export class ProblemError extends Error {
  readonly status: ContentfulStatusCode
  readonly title: string
  readonly errors: FieldError[] | undefined
  constructor(status: ContentfulStatusCode, title: string, detail?: string, errors?: FieldError[]) {
    super(detail ?? title)
    this.status = status
    this.title = title
    this.errors = errors
  }
}

export const notFound = (what: string) => new ProblemError(404, 'Not Found', `${what} not found`)
export const conflict = (detail: string, field?: string) =>
  new ProblemError(409, 'Conflict', detail, field ? [{ field, message: detail }] : undefined)
export const badRequest = (field: string, message: string) =>
  new ProblemError(400, 'Bad Request', `${field}: ${message}`, [{ field, message }])

const problemTypes: Record<number, string> = {
  400: 'validation-error',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable',
  429: 'rate-limited',
}

export function problemBody(status: number, title: string, detail?: string, errors?: FieldError[]): Problem {
  return {
    type: `https://bosun.dev/problems/${problemTypes[status] ?? (status >= 500 ? 'server-error' : 'client-error')}`,
    title,
    status,
    ...(detail ? { detail } : {}),
    ...(errors && errors.length > 0 ? { errors } : {}),
  }
}

export function problemResponse(c: Context, status: ContentfulStatusCode, title: string, detail?: string, errors?: FieldError[]) {
  return c.body(JSON.stringify(problemBody(status, title, detail, errors)), status, {
    'content-type': 'application/problem+json',
  })
}

export function zodFieldErrors(error: ZodError, location?: string): FieldError[] {
  const where = location === 'json' ? 'body' : location
  return error.issues.flatMap((issue) => {
    const prefix = issue.path.map(String).join('.')
    // An unknown property is named itself, so the client sees which field to remove.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: prefix ? `${prefix}.${key}` : key, message: 'is not a known field' }))
    }
    return [{ field: prefix || where || '(root)', message: issue.message }]
  })
}

function describe(errors: FieldError[]): string {
  return errors.map((error) => `${error.field}: ${error.message}`).join('; ')
}

/** Every router is made here so that a failed validation always answers the same problem+json. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return
      const errors = zodFieldErrors(result.error, result.target)
      const where = result.target === 'json' ? 'body' : result.target
      return problemResponse(c, 400, 'Bad Request', `Invalid ${where}: ${describe(errors)}`, errors)
    },
  })
}

export function handleError(error: Error, c: Context, logger: Logger): Response {
  if (error instanceof ProblemError) return problemResponse(c, error.status, error.title, error.message, error.errors)
  if (error instanceof ZodError) {
    const errors = zodFieldErrors(error)
    return problemResponse(c, 400, 'Bad Request', describe(errors), errors)
  }
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode
    const detail = error.message || undefined
    const errors = status === 400 && detail?.toLowerCase().includes('json') ? [{ field: 'body', message: detail }] : undefined
    return problemResponse(c, status, status === 400 ? 'Bad Request' : 'Error', detail, errors)
  }
  const pgCode = pgErrorCode(error)
  // Constraint violations come from client data (a duplicate key, a reference to nothing).
  if (pgCode === '23505') return problemResponse(c, 409, 'Conflict', 'A record with the same unique value already exists')
  if (pgCode === '23503') return problemResponse(c, 422, 'Unprocessable Content', 'A referenced record does not exist')
  if (pgCode === '22P02' || pgCode === '22007' || pgCode === '22008' || pgCode === '22003') {
    return problemResponse(c, 400, 'Bad Request', 'A value has the wrong format or is out of range')
  }
  logger.error({ err: error, path: c.req.path }, 'unhandled error')
  return problemResponse(c, 500, 'Internal Server Error', 'An unexpected error occurred; it has been logged')
}

export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const auth = c.get('auth') as AuthContext | undefined
    if (!auth) throw new ProblemError(401, 'Unauthorized', 'Log in or send an API key as Authorization: Bearer <key>')
    if (!auth.permissions.has(permission)) {
      const who = auth.actor.kind === 'user' ? `role ${auth.actor.role}` : `API key scopes ${auth.actor.scopes.join(',')}`
      throw new ProblemError(403, 'Forbidden', `Your ${who} does not allow ${permission}`)
    }
    await next()
  }
}

// ----- shared contract pieces for list endpoints -----

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem')

export const problemResponses = {
  400: { description: 'Invalid input', content: { 'application/problem+json': { schema: ProblemSchema } } },
  401: { description: 'Not authenticated', content: { 'application/problem+json': { schema: ProblemSchema } } },
  403: { description: 'Not allowed', content: { 'application/problem+json': { schema: ProblemSchema } } },
  404: { description: 'Not found', content: { 'application/problem+json': { schema: ProblemSchema } } },
} as const

export const limitQuery = z.coerce.number().int().min(1).max(500).default(50)

export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url')
}

export function decodeCursor(cursor: string | undefined, length: number): unknown[] | undefined {
  if (!cursor) return undefined
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown
    if (Array.isArray(values) && values.length === length) return values
  } catch {
    // fall through to the error below
  }
  throw badRequest('cursor', 'is not a cursor returned by this endpoint')
}

const uuidText = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
// An instant as PostgreSQL prints it ('2025-05-01 12:00:00.123456+00') or as ISO 8601.
const timestampText = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[ T]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?([+-]\d{2}(:?\d{2}){0,2}|Z)?$/

/** A (sort key, id) keyset cursor whose key passes `isKey`. A cursor is client input: a forged one is a 400 naming `cursor`. */
export function decodeKeyedCursor(cursor: string | undefined, isKey: (key: string) => boolean): [string, string] | undefined {
  const values = decodeCursor(cursor, 2)
  if (!values) return undefined
  const [key, id] = values
  if (typeof key === 'string' && isKey(key) && typeof id === 'string' && uuidText.test(id)) return [key, id]
  throw badRequest('cursor', 'is not a cursor returned by this endpoint')
}

/** A (timestamp, id) keyset cursor. */
export const decodeTimestampCursor = (cursor: string | undefined) => decodeKeyedCursor(cursor, (key) => timestampText.test(key))

export const jsonBody = <Schema extends z.ZodType>(schema: Schema, description = 'Request body') => ({
  body: { content: { 'application/json': { schema } }, required: true, description },
})

export const jsonResponse = <Schema extends z.ZodType>(schema: Schema, description: string) => ({
  content: { 'application/json': { schema } },
  description,
})
