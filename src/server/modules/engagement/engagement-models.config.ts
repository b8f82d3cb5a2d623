/** Engagement models: how each tier is served — touch model, what one CSM can carry, and the cadences owed. */
import { z } from 'zod'
import type { Db } from '../../platform/db'
import { defineConfigKind, getPublishedDocument, listPublishedDocuments, type ConfigIssue } from '../config'
import { TIERS_KEY, TIERS_KIND, TiersBodySchema } from '../segments'
import { touchpointKinds } from '../touchpoints'

export const ENGAGEMENT_MODEL_KIND = 'engagement-model'
export const touchModels = ['high', 'mid', 'tech'] as const
export type TouchModel = (typeof touchModels)[number]

const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be a slug: lower-case letters, digits, - and _')

export const CadenceSchema = z
  .object({
    key: slug,
    name: z.string().trim().min(1).max(80),
    /** Any touchpoint of these kinds keeps the cadence. */
    touchpointKinds: z
      .array(z.enum(touchpointKinds))
      .min(1)
      .max(touchpointKinds.length)
      .refine((kinds) => new Set(kinds).size === kinds.length, 'lists a kind twice'),
    everyDays: z.number().int().min(1).max(3650),
  })
  .strict()

export const EngagementModelBodySchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    description: z.string().trim().max(2000).optional(),
    touchModel: z.enum(touchModels),
    /** What one CSM can carry in this tier; absent = the tier does not count against capacity. */
    capacity: z
      .object({
        accountsPerCsm: z.number().int().min(1).max(1_000_000).optional(),
        arrPerCsm: z.number().positive().max(1e12).optional(),
      })
      .strict()
      .default({}),
    cadences: z.array(CadenceSchema).max(10).default([]),
  })
  .strict()
  .superRefine((body, ctx) => {
    const seen = new Set<string>()
    body.cadences.forEach((cadence, index) => {
      if (seen.has(cadence.key)) ctx.addIssue({ code: 'custom', path: ['cadences', index, 'key'], message: `cadence "${cadence.key}" appears twice` })
      seen.add(cadence.key)
    })
  })

export type EngagementModelBody = z.infer<typeof EngagementModelBodySchema>
export type Cadence = z.infer<typeof CadenceSchema>

/**
 * Shipped for the demo's four tiers. Sized from the demo world: an enterprise CSM carries ~15 accounts
 * of ~$300k, mid-market ~40 of ~$55k, scale ~150 of ~$12k; QBRs are quarterly / twice a year there.
 */
const defaults: { key: string; body: EngagementModelBody }[] = [
  {
    key: 'enterprise',
    body: {
      name: 'High touch',
      description: 'A named CSM, a conversation every month, a QBR every quarter.',
      touchModel: 'high',
      capacity: { accountsPerCsm: 15, arrPerCsm: 5_000_000 },
      cadences: [
        { key: 'touchpoint', name: 'Touchpoint', touchpointKinds: ['call', 'meeting', 'email', 'qbr'], everyDays: 30 },
        { key: 'qbr', name: 'QBR', touchpointKinds: ['qbr'], everyDays: 90 },
      ],
    },
  },
  {
    key: 'mid-market',
    body: {
      name: 'Mid touch',
      description: 'Pooled CSMs: a check-in every six weeks, a business review twice a year.',
      touchModel: 'mid',
      capacity: { accountsPerCsm: 40, arrPerCsm: 2_500_000 },
      cadences: [
        { key: 'touchpoint', name: 'Touchpoint', touchpointKinds: ['call', 'meeting', 'email', 'qbr'], everyDays: 45 },
        { key: 'qbr', name: 'Business review', touchpointKinds: ['qbr'], everyDays: 180 },
      ],
    },
  },
  {
    key: 'smb',
    body: {
      name: 'Low touch',
      description: 'One CSM for many accounts: a personal touch every quarter, the rest one-to-many.',
      touchModel: 'mid',
      capacity: { accountsPerCsm: 150, arrPerCsm: 2_000_000 },
      cadences: [{ key: 'touchpoint', name: 'Touchpoint', touchpointKinds: ['call', 'meeting', 'email', 'qbr'], everyDays: 90 }],
    },
  },
  {
    key: 'tech-touch',
    body: {
      name: 'Tech touch',
      description: 'Digital journeys; no named CSM time is budgeted, so these accounts do not count against capacity.',
      touchModel: 'tech',
      capacity: {},
      cadences: [],
    },
  },
]

/** The tier keys of the published tier list, in order (empty when there is none). */
export async function publishedTierKeys(db: Db, workspaceId: string): Promise<{ key: string; name: string; color: string | null }[]> {
  const document = await getPublishedDocument(db, { workspaceId, kind: TIERS_KIND, key: TIERS_KEY })
  const parsed = document ? TiersBodySchema.safeParse(document.body) : null
  return parsed?.success ? parsed.data.tiers.map((tier) => ({ key: tier.key, name: tier.name, color: tier.color ?? null })) : []
}

async function validateModel(db: Db, params: { workspaceId: string; key: string }): Promise<ConfigIssue[]> {
  const tiers = await publishedTierKeys(db, params.workspaceId)
  if (tiers.some((tier) => tier.key === params.key)) return []
  const known = tiers.map((tier) => tier.key).join(', ')
  return [{ path: '', message: `the key names the tier this model serves; "${params.key}" is not a published tier${known ? ` (tiers: ${known})` : ' (publish a tier list first)'}` }]
}

export const engagementModelConfigKind = defineConfigKind<EngagementModelBody>({
  kind: ENGAGEMENT_MODEL_KIND,
  label: 'Engagement models',
  description: 'One per tier (the key is the tier key): touch model, accounts and ARR one CSM can carry, and the cadences owed (e.g. a touchpoint every 30 days).',
  schema: EngagementModelBodySchema,
  example: defaults[0]!.body,
  defaults,
  describe: (body) => {
    const capacity = [body.capacity.accountsPerCsm ? `${body.capacity.accountsPerCsm} accounts` : null, body.capacity.arrPerCsm ? `$${Math.round(body.capacity.arrPerCsm / 1000)}k ARR` : null].filter(Boolean).join(' / ')
    const cadences = body.cadences.map((cadence) => `${cadence.name} every ${cadence.everyDays} d`).join(', ')
    return [`${body.touchModel} touch`, capacity ? `${capacity} per CSM` : 'no CSM capacity', cadences].filter(Boolean).join(' · ')
  },
  validate: validateModel,
})

export type EngagementModel = EngagementModelBody & { tier: string }

/** The published models of a workspace by tier key; a body that no longer parses is skipped. */
export async function loadEngagementModels(db: Db, workspaceId: string): Promise<Map<string, EngagementModel>> {
  const documents = await listPublishedDocuments(db, { workspaceId, kind: ENGAGEMENT_MODEL_KIND })
  const models = new Map<string, EngagementModel>()
  for (const document of documents) {
    const parsed = EngagementModelBodySchema.safeParse(document.body)
    if (parsed.success) models.set(document.key, { ...parsed.data, tier: document.key })
  }
  return models
}
