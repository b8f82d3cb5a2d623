import path from 'node:path'
import { z } from 'zod'

const booleanFlag = z
  .string()
  .optional()
  .transform((value) => value !== undefined && !['0', 'false', 'no', 'off', ''].includes(value.toLowerCase()))

const configSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  BOSUN_DATA_DIR: z.string().default('./.bosun'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  BOSUN_DEMO: z.string().optional(),
  BOSUN_ADMIN_EMAIL: z.string().email().default('admin@bosun.local'),
  BOSUN_ADMIN_PASSWORD: z.string().min(8).optional(),
  BOSUN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BOSUN_SECURE_COOKIES: booleanFlag,
  BOSUN_INGEST_RATE_LIMIT: z.coerce.number().int().min(1).default(500),
  BOSUN_RECOMPUTE_COOLDOWN_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
  BOSUN_PUBLIC_URL: z.string().url().optional(),
  NODE_ENV: z.string().default('development'),
})

export type BosunConfig = {
  databaseUrl: string | undefined
  dataDir: string
  port: number
  host: string
  demoEnabled: boolean
  adminEmail: string
  adminPassword: string | undefined
  logLevel: z.infer<typeof configSchema>['BOSUN_LOG_LEVEL']
  secureCookies: boolean
  /** Ingestion requests per second an API key may make unless the key sets its own limit (Segment's is 500). */
  ingestRateLimitPerSecond: number
  /** An account whose health or classification was recomputed this recently waits before the next recompute (debounce of busy accounts). */
  recomputeCooldownMs: number
  /** The address people reach Bosun at (links in emails, Slack messages, shared plans); default http://localhost:<port>. */
  publicUrl: string
}

/** Reads the environment once; a bad variable stops start-up with the variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): BosunConfig {
  const parsed = configSchema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    throw new Error(`Invalid environment: ${problems.join('; ')}`)
  }
  const values = parsed.data
  return {
    databaseUrl: values.DATABASE_URL,
    dataDir: path.resolve(values.BOSUN_DATA_DIR),
    port: values.PORT,
    host: values.HOST,
    demoEnabled: values.BOSUN_DEMO === undefined ? true : !['0', 'false', 'no', 'off'].includes(values.BOSUN_DEMO.toLowerCase()),
    adminEmail: values.BOSUN_ADMIN_EMAIL,
    adminPassword: values.BOSUN_ADMIN_PASSWORD,
    logLevel: values.BOSUN_LOG_LEVEL,
    secureCookies: values.BOSUN_SECURE_COOKIES,
    ingestRateLimitPerSecond: values.BOSUN_INGEST_RATE_LIMIT,
    recomputeCooldownMs: values.BOSUN_RECOMPUTE_COOLDOWN_MS,
    publicUrl: (values.BOSUN_PUBLIC_URL ?? `http://localhost:${values.PORT}`).replace(/\/+$/, ''),
  }
}
