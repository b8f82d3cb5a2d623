import { z } from '@hono/zod-openapi'
import { apiKeyScopes, permissions, roles } from '../../../shared/roles'

export const LoginBody = z
  .object({
    email: z.string().trim().email().max(320),
    password: z.string().min(1).max(500),
    workspace: z.string().trim().min(1).max(100).optional(),
  })
  .openapi('LoginRequest')

export const MeSchema = z
  .object({
    user: z.object({ id: z.string().uuid(), email: z.string(), name: z.string(), role: z.enum(roles), title: z.string().nullable() }),
    workspace: z.object({ id: z.string().uuid(), slug: z.string(), name: z.string() }),
    permissions: z.array(z.enum(permissions)),
  })
  .openapi('Me')

export const UserSchema = z
  .object({
    id: z.string().uuid(),
    email: z.string(),
    name: z.string(),
    title: z.string().nullable(),
    role: z.enum(roles),
    managerId: z.string().uuid().nullable(),
    status: z.enum(['active', 'disabled']),
    lastLoginAt: z.string().datetime().nullable(),
    createdAt: z.string().datetime(),
  })
  .openapi('User')

const password = z.string().min(10, 'must be at least 10 characters').max(200)

export const CreateUserBody = z
  .object({
    email: z.string().trim().email().max(320),
    name: z.string().trim().min(1).max(200),
    role: z.enum(roles),
    title: z.string().trim().max(200).nullish(),
    password: password.optional(),
    managerId: z.string().uuid().nullish(),
  })
  .openapi('CreateUserRequest')

export const UpdateUserBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    title: z.string().trim().max(200).nullish(),
    role: z.enum(roles).optional(),
    status: z.enum(['active', 'disabled']).optional(),
    managerId: z.string().uuid().nullish(),
    password: password.optional(),
  })
  .strict()
  .openapi('UpdateUserRequest')

export const CreatedUserSchema = z.object({ user: UserSchema, temporaryPassword: z.string().optional() }).openapi('CreatedUser')

export const ApiKeySchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    prefix: z.string(),
    scopes: z.array(z.enum(apiKeyScopes)),
    createdAt: z.string().datetime(),
    lastUsedAt: z.string().datetime().nullable(),
    revokedAt: z.string().datetime().nullable(),
    createdBy: z.string().uuid().nullable(),
    rateLimitPerSecond: z.number().int().nullable().describe('Ingestion requests per second allowed for this key; null = server default (BOSUN_INGEST_RATE_LIMIT)'),
  })
  .openapi('ApiKey')

export const CreateApiKeyBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(z.enum(apiKeyScopes)).min(1, 'choose at least one scope'),
    rateLimitPerSecond: z.number().int().min(1).max(100_000).nullable().optional(),
  })
  .openapi('CreateApiKeyRequest')

export const CreatedApiKeySchema = z
  .object({ apiKey: ApiKeySchema, key: z.string().describe('The full key, shown once: store it now') })
  .openapi('CreatedApiKey')

export const IdParam = z.object({ id: z.string().uuid() })
