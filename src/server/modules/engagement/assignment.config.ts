/**
 * Assignment rules: who owns an account when it is created or changes tier. Ordered; the first rule
 * whose tiers and condition match the account decides. See engagement.assign.ts for when they apply.
 */
import { sql } from 'drizzle-orm'
import { z } from 'zod'
import { renderCondition } from '../../../shared/conditions'
import { queryRows, type Db } from '../../platform/db'
import { conditionSchema, defineConfigKind, getPublishedDocument, type ConfigIssue } from '../config'
import { publishedTierKeys } from './engagement-models.config'

export const ASSIGNMENT_KIND = 'assignment'
export const ASSIGNMENT_KEY = 'default'
export const assignmentStrategies = ['round-robin', 'least-loaded-count', 'least-loaded-arr', 'territory'] as const
export type AssignmentStrategy = (typeof assignmentStrategies)[number]

const email = z.string().trim().toLowerCase().email('must be an email address').max(320)

export const AssignmentRuleSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    description: z.string().trim().max(2000).optional(),
    /** Accounts in any of these tiers; absent = every tier. */
    tiers: z.array(z.string().min(1).max(64)).min(1).max(20).optional(),
    /** A further condition of the condition language (e.g. a region). */
    when: conditionSchema().optional(),
    strategy: z.enum(assignmentStrategies),
    /** territory: the one owner of every matching account. */
    owner: email.optional(),
    /** The people who share the accounts, by email. */
    pool: z.array(email).min(1).max(200).optional(),
    /**
     * Or the team of these tiers: every active user whose book mostly sits in one of them (by share of
     * capacity). Without `pool` and `teamOf`, the team of the rule's own tiers.
     */
    teamOf: z.array(z.string().min(1).max(64)).min(1).max(20).optional(),
    /**
     * When an account moves into this rule from another tier and its owner is not one of the rule's
     * people: `reassign` (default) gives it to the rule's next person, `keep` leaves the owner.
     */
    onTierChange: z.enum(['reassign', 'keep']).default('reassign'),
  })
  .strict()
  .superRefine((rule, ctx) => {
    if (rule.strategy === 'territory') {
      if (!rule.owner) ctx.addIssue({ code: 'custom', path: ['owner'], message: 'is required for a territory: the email of the user who owns its accounts' })
      if (rule.pool) ctx.addIssue({ code: 'custom', path: ['pool'], message: 'a territory has one owner; use `owner`' })
      if (rule.teamOf) ctx.addIssue({ code: 'custom', path: ['teamOf'], message: 'a territory has one owner; use `owner`' })
      return
    }
    if (rule.owner) ctx.addIssue({ code: 'custom', path: ['owner'], message: `only a territory has a fixed owner; ${rule.strategy} shares accounts across \`pool\` or \`teamOf\`` })
    if (rule.pool && rule.teamOf) ctx.addIssue({ code: 'custom', path: ['teamOf'], message: 'give either `pool` (people by email) or `teamOf` (tier teams), not both' })
    if (!rule.pool && !rule.teamOf && !rule.tiers) ctx.addIssue({ code: 'custom', path: ['pool'], message: 'is required when the rule names no tiers (without `pool` or `teamOf` the team of the rule’s tiers takes the accounts)' })
    if (rule.pool && new Set(rule.pool).size !== rule.pool.length) ctx.addIssue({ code: 'custom', path: ['pool'], message: 'lists someone twice' })
  })

export const AssignmentBodySchema = z
  .object({ rules: z.array(AssignmentRuleSchema).max(50) })
  .strict()
  .superRefine((body, ctx) => {
    const seen = new Set<string>()
    body.rules.forEach((rule, index) => {
      const name = rule.name.toLowerCase()
      if (seen.has(name)) ctx.addIssue({ code: 'custom', path: ['rules', index, 'name'], message: `rule "${rule.name}" appears twice (names keep each round robin's turn)` })
      seen.add(name)
    })
  })

export type AssignmentBody = z.infer<typeof AssignmentBodySchema>
export type AssignmentRule = z.infer<typeof AssignmentRuleSchema>

/** Shipped for the demo: each tier's accounts go to that tier's team (no emails, so any demo seed works). */
const defaults: { key: string; body: AssignmentBody }[] = [
  {
    key: ASSIGNMENT_KEY,
    body: {
      rules: [
        { name: 'Enterprise', description: 'Strategic accounts to the enterprise CSM with the least ARR, within capacity.', tiers: ['enterprise'], strategy: 'least-loaded-arr', onTierChange: 'reassign' },
        { name: 'Mid-market', description: 'To the mid-market CSM with the fewest accounts, within capacity.', tiers: ['mid-market'], strategy: 'least-loaded-count', onTierChange: 'reassign' },
        { name: 'Scale', description: 'SMB and tech-touch accounts in turn across the scale team.', tiers: ['smb', 'tech-touch'], teamOf: ['smb'], strategy: 'round-robin', onTierChange: 'keep' },
      ],
    },
  },
]

/** Active users of the workspace by lower-case email. */
export async function activeUsersByEmail(db: Db, workspaceId: string, emails: string[]): Promise<Map<string, { id: string; name: string }>> {
  if (emails.length === 0) return new Map()
  const rows = await queryRows<{ id: string; name: string; email: string }>(
    db,
    sql`SELECT id, name, lower(email) AS email FROM users
        WHERE workspace_id = ${workspaceId} AND status = 'active'
          AND lower(email) IN (SELECT jsonb_array_elements_text(${JSON.stringify(emails)}::jsonb))`,
  )
  return new Map(rows.map((row) => [row.email, { id: row.id, name: row.name }]))
}

async function validateAssignment(db: Db, params: { workspaceId: string; key: string; body: AssignmentBody }): Promise<ConfigIssue[]> {
  if (params.key !== ASSIGNMENT_KEY) return [{ path: '', message: `a workspace has one set of assignment rules; its key is "${ASSIGNMENT_KEY}"` }]
  const tiers = new Set((await publishedTierKeys(db, params.workspaceId)).map((tier) => tier.key))
  const emails = params.body.rules.flatMap((rule) => [...(rule.pool ?? []), ...(rule.owner ? [rule.owner] : [])])
  const users = await activeUsersByEmail(db, params.workspaceId, emails)
  const issues: ConfigIssue[] = []
  params.body.rules.forEach((rule, index) => {
    for (const field of ['tiers', 'teamOf'] as const) {
      rule[field]?.forEach((tier, position) => {
        if (!tiers.has(tier)) issues.push({ path: `rules.${index}.${field}.${position}`, message: `"${tier}" is not a published tier` })
      })
    }
    rule.pool?.forEach((address, position) => {
      if (!users.has(address)) issues.push({ path: `rules.${index}.pool.${position}`, message: `${address} is not an active user of this workspace` })
    })
    if (rule.owner && !users.has(rule.owner)) issues.push({ path: `rules.${index}.owner`, message: `${rule.owner} is not an active user of this workspace` })
  })
  return issues
}

export const assignmentConfigKind = defineConfigKind<AssignmentBody>({
  kind: ASSIGNMENT_KIND,
  label: 'Assignment rules',
  description: 'Who owns an account when it is created or changes tier: ordered rules (first match wins) with round robin, least loaded (by accounts or ARR, within capacity) or a territory.',
  schema: AssignmentBodySchema,
  example: defaults[0]!.body,
  defaults,
  describe: (body) =>
    body.rules
      .map((rule) => `${rule.name}: ${rule.strategy}${rule.tiers ? ` (${rule.tiers.join(', ')})` : ''}${rule.when ? ` when ${renderCondition(rule.when)}` : ''}`)
      .join(' · ') || 'No rules: owners are set by hand',
  validate: validateAssignment,
})

export async function loadAssignmentRules(db: Db, workspaceId: string): Promise<AssignmentRule[]> {
  const document = await getPublishedDocument(db, { workspaceId, kind: ASSIGNMENT_KIND, key: ASSIGNMENT_KEY })
  const parsed = document ? AssignmentBodySchema.safeParse(document.body) : null
  return parsed?.success ? parsed.data.rules : []
}
