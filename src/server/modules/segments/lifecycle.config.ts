/** Lifecycle stages: the journey's columns, each with entry criteria and an optional SLA. */
import { z } from 'zod'
import type { Condition } from '../../../shared/conditions'
import { requeueOnRuleChange } from './segments.repo'
import { conditionSchema, defineConfigKind, type ConfigIssue } from '../config'
import { segmentColors } from './segments.config'

export const LIFECYCLE_KIND = 'lifecycle'
export const LIFECYCLE_KEY = 'default'

export const StageSchema = z
  .object({
    key: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be a slug: lower-case letters, digits, - and _'),
    name: z.string().trim().min(1).max(80),
    description: z.string().trim().max(2000).optional(),
    /** Entry criteria; absent only on the first stage, which takes every account no other stage claims. */
    entry: conditionSchema().optional(),
    /** Days an account may stay before it is flagged overdue. */
    slaDays: z.number().int().min(1).max(3650).optional(),
    /** Checked before every other stage and never left by later criteria (e.g. Churned). */
    terminal: z.boolean().optional(),
    color: z.enum(segmentColors).optional(),
  })
  .strict()

export const LifecycleBodySchema = z
  .object({ stages: z.array(StageSchema).min(1).max(20) })
  .strict()
  .superRefine((body, ctx) => {
    const seen = new Set<string>()
    body.stages.forEach((stage, index) => {
      if (seen.has(stage.key)) ctx.addIssue({ code: 'custom', path: ['stages', index, 'key'], message: `stage "${stage.key}" appears twice` })
      seen.add(stage.key)
      if (index === 0 && stage.entry) ctx.addIssue({ code: 'custom', path: ['stages', 0, 'entry'], message: 'must be absent on the first stage: it takes every account no other stage claims' })
      if (index === 0 && stage.terminal) ctx.addIssue({ code: 'custom', path: ['stages', 0, 'terminal'], message: 'the first stage cannot be terminal' })
      if (index > 0 && !stage.entry) ctx.addIssue({ code: 'custom', path: ['stages', index, 'entry'], message: 'is required on every stage but the first' })
    })
  })

export type LifecycleBody = z.infer<typeof LifecycleBodySchema>
export type Stage = z.infer<typeof StageSchema>

const active: Condition = { field: 'status', op: 'eq', value: 'active' }

const defaults: { key: string; body: LifecycleBody }[] = [
  {
    key: LIFECYCLE_KEY,
    body: {
      stages: [
        { key: 'onboarding', name: 'Onboarding', description: 'Kickoff, setup and first users live. Overdue after 45 days: onboarding is dragging.', slaDays: 45, color: 'cyan' },
        {
          key: 'adoption',
          name: 'Adoption',
          description: 'Live (a month in, 30 % of seats active) or 90 days in regardless: grow active users and features.',
          entry: {
            all: [
              active,
              {
                any: [
                  { all: [{ field: 'created_on', op: 'more_than_days_ago', days: 30 }, { field: 'license_utilization', op: 'gte', value: 0.3 }] },
                  { field: 'created_on', op: 'more_than_days_ago', days: 90 },
                ],
              },
            ],
          },
          slaDays: 180,
          color: 'blue',
        },
        {
          key: 'value-realization',
          name: 'Value realization',
          description: 'Most seats active and several key features in use: the customer gets the outcome they bought.',
          entry: { all: [active, { field: 'license_utilization', op: 'gte', value: 0.6 }, { field: 'feature_breadth', op: 'gte', value: 3 }] },
          color: 'green',
        },
        {
          key: 'renewal',
          name: 'Renewal',
          description: 'Renewal within 90 days: confirm value, agree terms.',
          entry: { all: [active, { field: 'renewal_date', op: 'within_next_days', days: 90 }] },
          slaDays: 90,
          color: 'orange',
        },
        {
          key: 'expansion',
          name: 'Expansion',
          description: 'ARR grew in the last 90 days: land more teams and use cases.',
          entry: { all: [active, { field: 'arr_change_90d', op: 'gt', value: 0 }] },
          color: 'grape',
        },
        { key: 'churned', name: 'Churned', description: 'No longer a customer.', entry: { field: 'status', op: 'eq', value: 'churned' }, terminal: true, color: 'red' },
      ],
    },
  },
]

async function validateLifecycle(_db: unknown, params: { key: string }): Promise<ConfigIssue[]> {
  return params.key === LIFECYCLE_KEY ? [] : [{ path: '', message: `a workspace has one lifecycle; its key is "${LIFECYCLE_KEY}"` }]
}

export const lifecycleConfigKind = defineConfigKind<LifecycleBody>({
  kind: LIFECYCLE_KIND,
  label: 'Lifecycle stages',
  description: 'Ordered stages; an account sits in the furthest stage whose entry criteria it meets (terminal stages first). Moved by hand, it stays until its data points to a new stage.',
  schema: LifecycleBodySchema,
  example: defaults[0]!.body,
  defaults,
  describe: (body) => body.stages.map((stage) => stage.name).join(' → '),
  validate: validateLifecycle,
  onPublish: requeueOnRuleChange,
  onArchive: requeueOnRuleChange,
})
