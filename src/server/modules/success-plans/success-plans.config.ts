/** Success plan templates as configuration documents: objectives and milestones a plan starts with, and which accounts they suit. */
import { z } from 'zod'
import type { Db } from '../../platform/db'
import { defineConfigKind, type ConfigIssue } from '../config'
import { loadClassificationRules } from '../segments'

export const SUCCESS_PLAN_KIND = 'success-plan'

const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be a slug: lower-case letters, digits, - and _')
const keyList = z
  .array(slug)
  .max(50)
  .refine((keys) => new Set(keys).size === keys.length, 'lists a key twice')

export const milestoneOwners = ['csm', 'customer'] as const
export type MilestoneOwner = (typeof milestoneOwners)[number]

export const TemplateMilestoneSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    /** Days after the plan starts. */
    dueDays: z.number().int().min(0).max(3650),
    /** csm: the plan's owner; customer: someone at the customer. */
    owner: z.enum(milestoneOwners),
  })
  .strict()

export const TemplateObjectiveSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    description: z.string().trim().max(2000).optional(),
    milestones: z.array(TemplateMilestoneSchema).max(30),
  })
  .strict()
  .superRefine((objective, ctx) => {
    const seen = new Set<string>()
    objective.milestones.forEach((milestone, index) => {
      const title = milestone.title.toLowerCase()
      if (seen.has(title)) ctx.addIssue({ code: 'custom', path: ['milestones', index, 'title'], message: `milestone "${milestone.title}" appears twice in this objective` })
      seen.add(title)
    })
  })

/** Which accounts the template suits: every list given must hold one of the account's groups (absent lists do not restrict). */
export const TemplateAppliesToSchema = z
  .object({
    segments: keyList.optional().describe('Segment keys: the account is in one of them'),
    stages: keyList.optional().describe('Lifecycle stage keys: the account is in one of them'),
    tiers: keyList.optional().describe('Tier keys: the account has one of them'),
  })
  .strict()

export const SuccessPlanTemplateBodySchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    description: z.string().trim().max(2000).optional(),
    appliesTo: TemplateAppliesToSchema.default({}),
    objectives: z.array(TemplateObjectiveSchema).min(1).max(20),
  })
  .strict()

export type SuccessPlanTemplateBody = z.infer<typeof SuccessPlanTemplateBodySchema>
export type TemplateAppliesTo = z.infer<typeof TemplateAppliesToSchema>

const defaults: { key: string; body: SuccessPlanTemplateBody }[] = [
  {
    key: 'onboarding',
    body: {
      name: 'Onboarding plan',
      description: 'From kickoff to the first team working in the product.',
      appliesTo: { stages: ['onboarding'] },
      objectives: [
        {
          title: 'Kick off and set up',
          description: 'Agree goals and get the workspace ready.',
          milestones: [
            { title: 'Kickoff meeting held', dueDays: 7, owner: 'csm' },
            { title: 'Admins and single sign-on configured', dueDays: 14, owner: 'customer' },
            { title: 'First integration connected', dueDays: 21, owner: 'customer' },
          ],
        },
        {
          title: 'First team live',
          description: 'The first team uses the product for its daily work.',
          milestones: [
            { title: 'First team invited', dueDays: 21, owner: 'customer' },
            { title: 'First team trained', dueDays: 30, owner: 'csm' },
            { title: 'Onboarding signed off', dueDays: 45, owner: 'csm' },
          ],
        },
      ],
    },
  },
  {
    key: 'adoption',
    body: {
      name: 'Adoption plan',
      description: 'Broaden usage and show the value the customer bought.',
      appliesTo: { stages: ['adoption'] },
      objectives: [
        {
          title: 'Broaden usage',
          milestones: [
            { title: 'Usage review with the champion', dueDays: 14, owner: 'csm' },
            { title: '30 % of seats active', dueDays: 45, owner: 'customer' },
            { title: 'Three key features in use', dueDays: 60, owner: 'customer' },
          ],
        },
        {
          title: 'Prove value',
          milestones: [
            { title: 'Success metrics agreed', dueDays: 14, owner: 'csm' },
            { title: 'First value review held', dueDays: 60, owner: 'csm' },
          ],
        },
      ],
    },
  },
  {
    key: 'renewal-readiness',
    body: {
      name: 'Renewal readiness',
      description: 'Arrive at the renewal date with the value shown and the decision process known.',
      appliesTo: { stages: ['renewal'] },
      objectives: [
        {
          title: 'Confirm the value delivered',
          milestones: [
            { title: 'Value summary prepared', dueDays: 7, owner: 'csm' },
            { title: 'Executive business review held', dueDays: 30, owner: 'csm' },
          ],
        },
        {
          title: 'Secure the renewal',
          milestones: [
            { title: 'Decision makers and process confirmed', dueDays: 14, owner: 'customer' },
            { title: 'Renewal proposal sent', dueDays: 30, owner: 'csm' },
            { title: 'Renewal signed', dueDays: 60, owner: 'customer' },
          ],
        },
      ],
    },
  },
]

/** The segments, stages and tiers named must be published. */
async function validateTemplate(db: Db, params: { workspaceId: string; key: string; body: SuccessPlanTemplateBody }): Promise<ConfigIssue[]> {
  const rules = await loadClassificationRules(db, params.workspaceId)
  const { appliesTo } = params.body
  const issues: ConfigIssue[] = []
  const check = (field: 'segments' | 'stages' | 'tiers', known: string[], what: string) => {
    appliesTo[field]?.forEach((key, index) => {
      if (known.includes(key)) return
      issues.push({ path: `appliesTo.${field}.${index}`, message: known.length === 0 ? `this workspace has no published ${what}` : `no ${what} "${key}" (one of ${known.join(', ')})` })
    })
  }
  check('segments', rules.segments.map((segment) => segment.key), 'segment')
  check('stages', rules.stages.map((stage) => stage.key), 'lifecycle stage')
  check('tiers', rules.tiers.map((tier) => tier.key), 'tier')
  return issues
}

export function describeAppliesTo(appliesTo: TemplateAppliesTo): string {
  const parts = [
    appliesTo.stages?.length ? `stage ${appliesTo.stages.join(' or ')}` : null,
    appliesTo.tiers?.length ? `tier ${appliesTo.tiers.join(' or ')}` : null,
    appliesTo.segments?.length ? `segment ${appliesTo.segments.join(' or ')}` : null,
  ].filter((part) => part !== null)
  return parts.length > 0 ? parts.join(', ') : 'every account'
}

export const successPlanConfigKind = defineConfigKind<SuccessPlanTemplateBody>({
  kind: SUCCESS_PLAN_KIND,
  label: 'Success plan templates',
  description: 'Objectives and milestones (each due some days after the plan starts, owned by the CSM or the customer) that a success plan starts from, and the segments, stages or tiers they suit.',
  schema: SuccessPlanTemplateBodySchema,
  example: defaults[0]!.body,
  defaults,
  describe: (body) => {
    const milestones = body.objectives.reduce((sum, objective) => sum + objective.milestones.length, 0)
    return `${body.objectives.length} objective${body.objectives.length === 1 ? '' : 's'}, ${milestones} milestone${milestones === 1 ? '' : 's'} · for ${describeAppliesTo(body.appliesTo)}`
  },
  validate: validateTemplate,
})
