/** Tiers: ordered segments where each account sits in exactly one (the first whose rule it matches). */
import { z } from 'zod'
import { renderCondition } from '../../../shared/conditions'
import { requeueOnRuleChange } from './segments.repo'
import { conditionSchema, defineConfigKind, type ConfigIssue } from '../config'
import { segmentColors } from './segments.config'

export const TIERS_KIND = 'tiers'
/** A workspace has one tier list; its document key. */
export const TIERS_KEY = 'default'

const groupKey = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be a slug: lower-case letters, digits, - and _')

export const TierSchema = z
  .object({
    key: groupKey,
    name: z.string().trim().min(1).max(80),
    description: z.string().trim().max(2000).optional(),
    /** Absent on the last tier only: it takes every account no earlier tier matched. */
    condition: conditionSchema().optional(),
    color: z.enum(segmentColors).optional(),
  })
  .strict()

export const TiersBodySchema = z
  .object({
    tiers: z.array(TierSchema).min(1).max(20),
  })
  .strict()
  .superRefine((body, ctx) => {
    const seen = new Set<string>()
    body.tiers.forEach((tier, index) => {
      if (seen.has(tier.key)) ctx.addIssue({ code: 'custom', path: ['tiers', index, 'key'], message: `tier "${tier.key}" appears twice` })
      seen.add(tier.key)
      const last = index === body.tiers.length - 1
      if (!last && !tier.condition) ctx.addIssue({ code: 'custom', path: ['tiers', index, 'condition'], message: 'is required on every tier but the last (a tier without a rule takes all remaining accounts)' })
      if (last && tier.condition) ctx.addIssue({ code: 'custom', path: ['tiers', index, 'condition'], message: 'must be absent on the last tier, so every account lands in exactly one tier' })
    })
  })

export type TiersBody = z.infer<typeof TiersBodySchema>
export type Tier = z.infer<typeof TierSchema>

const defaults: { key: string; body: TiersBody }[] = [
  {
    key: TIERS_KEY,
    body: {
      tiers: [
        { key: 'enterprise', name: 'Enterprise', description: 'High touch: a named CSM for a few strategic accounts.', condition: { field: 'arr', op: 'gte', value: 100_000 }, color: 'violet' },
        { key: 'mid-market', name: 'Mid-market', description: 'Mid touch: pooled CSMs, regular check-ins and QBRs.', condition: { field: 'arr', op: 'gte', value: 30_000 }, color: 'blue' },
        { key: 'smb', name: 'SMB', description: 'Low touch: a CSM for many accounts, mostly one-to-many.', condition: { field: 'arr', op: 'gte', value: 8_000 }, color: 'teal' },
        { key: 'tech-touch', name: 'Tech-touch', description: 'Digital only: automated journeys, no named CSM.', color: 'gray' },
      ],
    },
  },
]

async function validateTiers(_db: unknown, params: { key: string }): Promise<ConfigIssue[]> {
  return params.key === TIERS_KEY ? [] : [{ path: '', message: `a workspace has one tier list; its key is "${TIERS_KEY}"` }]
}

export const tiersConfigKind = defineConfigKind<TiersBody>({
  kind: TIERS_KIND,
  label: 'Tiers',
  description: 'Ordered segments; each account sits in the first tier whose rule it matches (the last tier takes the rest).',
  schema: TiersBodySchema,
  example: defaults[0]!.body,
  defaults,
  describe: (body) => body.tiers.map((tier) => (tier.condition ? `${tier.name}: ${renderCondition(tier.condition)}` : `${tier.name}: everyone else`)).join(' · '),
  validate: validateTiers,
  onPublish: requeueOnRuleChange,
  onArchive: requeueOnRuleChange,
})
