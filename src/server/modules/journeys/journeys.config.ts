/** A journey as a configuration document: which accounts it applies to and the milestones they should hit, each with a due offset. */
import { z } from 'zod'
import type { Db } from '../../platform/db'
import { renderCondition } from '../../../shared/conditions'
import { conditionSchema, defineConfigKind, type ConfigIssue } from '../config'
import { loadClassificationRules } from '../segments'
import { touchpointKinds } from '../touchpoints'

export const JOURNEY_KIND = 'journey'
export const EVALUATE_JOURNEYS_QUEUE = 'journeys.evaluate'

const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be a slug: lower-case letters, digits, - and _')

export const milestoneKinds = ['time', 'event', 'value'] as const
export const milestoneAnchors = ['contract_start', 'customer_since', 'stage_entered'] as const
export type MilestoneAnchor = (typeof milestoneAnchors)[number]

const common = {
  key: slug,
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().max(2000).optional(),
  /** The lifecycle stage it belongs to, for the journey map (and the anchor `stage_entered`). */
  stage: slug.optional(),
  /** What the due offset counts from: the first contract's start, the account's creation, or entering `stage`. */
  anchor: z.enum(milestoneAnchors).default('contract_start'),
  dueDays: z.number().int().min(0).max(3650),
}

export const MilestoneSchema = z.discriminatedUnion('kind', [
  /** Something the team does: a touchpoint of these kinds (and/or whose subject contains a text) on or after the anchor. */
  z
    .object({
      ...common,
      kind: z.literal('time'),
      touchpointKinds: z.array(z.enum(touchpointKinds)).min(1).max(touchpointKinds.length).optional(),
      subjectContains: z.string().trim().min(1).max(200).optional(),
    })
    .strict(),
  /** Something the customer does in the product: the first day this event was tracked, on or after the anchor. */
  z.object({ ...common, kind: z.literal('event'), productEvent: z.string().trim().min(1).max(200) }).strict(),
  /** A state the account reaches: the first day the rule was seen holding (a milestone once reached stays reached). */
  z.object({ ...common, kind: z.literal('value'), condition: conditionSchema() }).strict(),
])

export type Milestone = z.infer<typeof MilestoneSchema>

export const AppliesToSchema = z
  .object({
    all: z.literal(true).optional(),
    segment: slug.optional(),
    tier: slug.optional(),
    /** Only accounts whose first contract started (without one: that became customers) within this many days. */
    startedWithinDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    const chosen = [value.all, value.segment, value.tier].filter((part) => part !== undefined).length
    if (chosen !== 1) ctx.addIssue({ code: 'custom', path: [], message: 'must name exactly one of all: true, segment or tier' })
  })

export const JourneyBodySchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    description: z.string().trim().max(2000).optional(),
    appliesTo: AppliesToSchema,
    milestones: z.array(MilestoneSchema).min(1).max(50),
  })
  .strict()
  .superRefine((body, ctx) => {
    const seen = new Set<string>()
    body.milestones.forEach((milestone, index) => {
      if (seen.has(milestone.key)) ctx.addIssue({ code: 'custom', path: ['milestones', index, 'key'], message: `milestone "${milestone.key}" appears twice` })
      seen.add(milestone.key)
      if (milestone.anchor === 'stage_entered' && !milestone.stage) ctx.addIssue({ code: 'custom', path: ['milestones', index, 'stage'], message: 'is required when the anchor is stage_entered' })
      if (milestone.kind === 'time' && !milestone.touchpointKinds && !milestone.subjectContains) {
        ctx.addIssue({ code: 'custom', path: ['milestones', index, 'touchpointKinds'], message: 'name touchpoint kinds and/or subjectContains: what counts as done' })
      }
    })
  })

export type JourneyBody = z.infer<typeof JourneyBodySchema>

const defaults: { key: string; body: JourneyBody }[] = [
  {
    key: 'onboarding',
    body: {
      name: 'Onboarding',
      description: 'New customers of the last 6 months: kicked off, connected, live and adopting on time.',
      appliesTo: { all: true, startedWithinDays: 180 },
      milestones: [
        {
          key: 'kickoff',
          name: 'Kickoff within 7 days',
          description: 'A kickoff meeting or call within a week of the contract start.',
          stage: 'onboarding',
          kind: 'time',
          anchor: 'contract_start',
          dueDays: 7,
          touchpointKinds: ['meeting', 'call'],
          subjectContains: 'kickoff',
        },
        {
          key: 'first-integration',
          name: 'First integration connected',
          description: 'The customer connects its first integration within 30 days.',
          stage: 'onboarding',
          kind: 'event',
          anchor: 'contract_start',
          dueDays: 30,
          productEvent: 'Integration Connected',
        },
        {
          key: 'onboarding-complete',
          name: 'Onboarding signed off',
          description: 'The CSM logs "Onboarding complete" within 60 days.',
          stage: 'onboarding',
          kind: 'time',
          anchor: 'contract_start',
          dueDays: 60,
          touchpointKinds: ['note', 'meeting'],
          subjectContains: 'onboarding complete',
        },
        {
          key: 'adoption-30',
          name: '30 % of seats active',
          description: 'License utilization reaches 30 % within 90 days.',
          stage: 'adoption',
          kind: 'value',
          anchor: 'contract_start',
          dueDays: 90,
          condition: { field: 'license_utilization', op: 'gte', value: 0.3 },
        },
        {
          key: 'three-key-features',
          name: 'Three key features in use',
          description: 'At least three key features used in 30 days, within 120 days of the start.',
          stage: 'value-realization',
          kind: 'value',
          anchor: 'contract_start',
          dueDays: 120,
          condition: { field: 'feature_breadth', op: 'gte', value: 3 },
        },
      ],
    },
  },
  {
    key: 'enterprise',
    body: {
      name: 'Enterprise engagement',
      description: 'High-touch accounts: broad usage and an executive relationship.',
      appliesTo: { tier: 'enterprise' },
      milestones: [
        {
          key: 'ten-weekly-users',
          name: '10 weekly active users',
          description: 'Ten people use the product in a week, within 60 days of entering Adoption.',
          stage: 'adoption',
          kind: 'value',
          anchor: 'stage_entered',
          dueDays: 60,
          condition: { field: 'wau', op: 'gte', value: 10 },
        },
        {
          key: 'first-qbr',
          name: 'First QBR held',
          description: 'A quarterly business review within 120 days of the contract start.',
          stage: 'value-realization',
          kind: 'time',
          anchor: 'contract_start',
          dueDays: 120,
          touchpointKinds: ['qbr'],
        },
      ],
    },
  },
  {
    key: 'renewal',
    body: {
      name: 'Renewal',
      description: 'Every renewal starts with a conversation well before the date.',
      appliesTo: { all: true },
      milestones: [
        {
          key: 'renewal-kickoff',
          name: 'Renewal conversation started',
          description: 'A call or meeting about the renewal within 30 days of entering the Renewal stage.',
          stage: 'renewal',
          kind: 'time',
          anchor: 'stage_entered',
          dueDays: 30,
          touchpointKinds: ['call', 'meeting'],
          subjectContains: 'renewal',
        },
      ],
    },
  },
]

/** References to other documents: the segment, tier and stages must be published. */
async function validateJourney(db: Db, params: { workspaceId: string; key: string; body: JourneyBody }): Promise<ConfigIssue[]> {
  const rules = await loadClassificationRules(db, params.workspaceId)
  const issues: ConfigIssue[] = []
  const { appliesTo } = params.body
  if (appliesTo.segment !== undefined && !rules.segments.some((segment) => segment.key === appliesTo.segment)) {
    issues.push({ path: 'appliesTo.segment', message: `no published segment "${appliesTo.segment}"` })
  }
  if (appliesTo.tier !== undefined && !rules.tiers.some((tier) => tier.key === appliesTo.tier)) {
    issues.push({ path: 'appliesTo.tier', message: rules.tiers.length === 0 ? 'this workspace has no published tier list' : `no tier "${appliesTo.tier}" (one of ${rules.tiers.map((tier) => tier.key).join(', ')})` })
  }
  params.body.milestones.forEach((milestone, index) => {
    if (milestone.stage === undefined || rules.stages.some((stage) => stage.key === milestone.stage)) return
    issues.push({
      path: `milestones.${index}.stage`,
      message: rules.stages.length === 0 ? 'this workspace has no published lifecycle' : `no lifecycle stage "${milestone.stage}" (one of ${rules.stages.map((stage) => stage.key).join(', ')})`,
    })
  })
  return issues
}

/** What counts as reached, in one line. */
export function describeMilestone(milestone: Milestone): string {
  const anchor = { contract_start: 'contract start', customer_since: 'customer since', stage_entered: `entering ${milestone.stage ?? 'the stage'}` }[milestone.anchor]
  const due = `within ${milestone.dueDays} days of ${anchor}`
  if (milestone.kind === 'event') return `"${milestone.productEvent}" tracked ${due}`
  if (milestone.kind === 'value') return `${renderCondition(milestone.condition)} ${due}`
  const kinds = milestone.touchpointKinds?.join(' or ') ?? 'touchpoint'
  return `${kinds}${milestone.subjectContains ? ` about "${milestone.subjectContains}"` : ''} ${due}`
}

const recompute = async (_db: Db, context: { workspaceId: string; jobs?: { send: (queue: string, payload: object) => Promise<unknown> }; afterCommit: (work: () => Promise<void>) => void }) => {
  const jobs = context.jobs
  if (!jobs) return
  context.afterCommit(async () => {
    await jobs.send(EVALUATE_JOURNEYS_QUEUE, { workspaceId: context.workspaceId })
  })
}

export const journeyConfigKind = defineConfigKind<JourneyBody>({
  kind: JOURNEY_KIND,
  label: 'Journeys and milestones',
  description: 'Milestones accounts should reach — time, event or value based — each due some days after contract start, customer since or entering a stage.',
  schema: JourneyBodySchema,
  example: defaults[0]!.body,
  defaults,
  describe: (body) => `${body.milestones.length} milestone${body.milestones.length === 1 ? '' : 's'}: ${body.milestones.map((milestone) => milestone.name).join(' · ')}`,
  validate: validateJourney,
  onPublish: recompute,
  onArchive: recompute,
})
