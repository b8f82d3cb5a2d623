/**
 * A playbook: "if x happens, do y". Trigger → condition (the condition language) → steps. A configuration
 * document of kind `playbook` (draft → publish, history, YAML) whose steps run per account, once per
 * trigger occurrence (see playbooks.engine.ts).
 */
import { sql } from 'drizzle-orm'
import { Cron } from 'croner'
import { z } from 'zod'
import { renderCondition } from '../../../shared/conditions'
import { unknownMergeFields } from '../../../shared/merge-fields'
import { queryRows, type Db } from '../../platform/db'
import { conditionSchema, defineConfigKind, type ConfigIssue } from '../config'
import { playbookOpenWork } from './playbooks.open-work'

export const PLAYBOOK_KIND = 'playbook'

const key = z.string().trim().min(1).max(64)
const email = z.string().trim().toLowerCase().email('must be an email address').max(320)
const bands = z.array(z.enum(['red', 'yellow', 'green'])).min(1).max(3)
const stepId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be a short slug: lower-case letters, digits, - and _')
const mergeText = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((text, ctx) => {
      for (const field of unknownMergeFields(text)) ctx.addIssue({ code: 'custom', message: `{{${field}}} is not a merge field` })
    })

export const TriggerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('health_band_changed'), to: bands.optional(), from: bands.optional() }).strict(),
  z.object({ type: z.literal('health_score_dropped'), by: z.number().positive().max(100) }).strict(),
  z.object({ type: z.literal('segment_entered'), segment: key }).strict(),
  z.object({ type: z.literal('segment_exited'), segment: key }).strict(),
  z.object({ type: z.literal('stage_changed'), to: z.array(key).min(1).optional(), from: z.array(key).min(1).optional() }).strict(),
  z.object({ type: z.literal('tier_changed'), to: z.array(key).min(1).optional() }).strict(),
  z.object({ type: z.literal('milestone_late'), journey: key.optional(), milestone: key.optional() }).strict(),
  z.object({ type: z.literal('ticket_opened'), priorities: z.array(z.enum(['low', 'normal', 'high', 'urgent'])).min(1).optional() }).strict(),
  z.object({ type: z.literal('payment_failed') }).strict(),
  z
    .object({
      type: z.literal('field_changed'),
      /** An account column (`owner_id`, `renewal_date`, `plan`, …) or `traits.<key>`. */
      field: z.string().regex(/^(traits\.[A-Za-z0-9_.-]{1,64}|[a-z_]{1,40})$/, 'must be an account field such as plan or traits.region'),
      to: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('usage_count'),
      /** A tracked event's name. */
      event: z.string().min(1).max(200),
      count: z.number().int().min(1),
      withinDays: z.number().int().min(1).max(365),
    })
    .strict(),
  z
    .object({
      type: z.literal('schedule'),
      /** Cron in UTC (5 fields), e.g. `0 9 * * 1` every Monday at 09:00: runs for every account the condition matches then. */
      cron: z.string().refine((value) => cronIsValid(value), 'must be a 5-field cron expression, e.g. "0 9 * * 1"'),
    })
    .strict(),
  z
    .object({
      type: z.literal('relative_date'),
      /** `renewal_date` of the account, or the start of each subscription term. */
      anchor: z.enum(['renewal_date', 'contract_start']),
      /** Days after the anchor (negative: before), e.g. -90 = 90 days before renewal. */
      offsetDays: z.number().int().min(-730).max(730),
    })
    .strict(),
  z.object({ type: z.literal('manual') }).strict(),
])
export type PlaybookTrigger = z.infer<typeof TriggerSchema>
export type EventTriggerType = Exclude<PlaybookTrigger['type'], 'usage_count' | 'schedule' | 'relative_date' | 'manual'>

/** Which domain event each event trigger listens to. */
export const triggerEventTypes: Record<EventTriggerType, string> = {
  health_band_changed: 'health.band_changed',
  health_score_dropped: 'health.changed',
  segment_entered: 'segment.entered',
  segment_exited: 'segment.exited',
  stage_changed: 'lifecycle.changed',
  tier_changed: 'tier.changed',
  milestone_late: 'milestone.late',
  ticket_opened: 'ticket.opened',
  payment_failed: 'payment.failed',
  field_changed: 'account.changed',
}

function cronIsValid(value: string): boolean {
  if (value.trim().split(/\s+/).length !== 5) return false
  try {
    new Cron(value, { timezone: 'UTC', paused: true })
    return true
  } catch {
    return false
  }
}

export const TaskOwnerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('account_owner') }).strict(),
  /** Users with a workspace role, in turn. */
  z.object({ type: z.literal('role'), role: z.enum(['owner', 'admin', 'manager', 'csm']) }).strict(),
  z.object({ type: z.literal('user'), email }).strict(),
  z.object({ type: z.literal('round_robin'), emails: z.array(email).min(1).max(100) }).strict(),
])
export type TaskOwner = z.infer<typeof TaskOwnerSchema>

const base = { id: stepId, name: z.string().trim().max(120).optional() }
const nextTarget = z.union([stepId, z.literal('end')])

export const StepSchema = z.discriminatedUnion('type', [
  z
    .object({
      ...base,
      type: z.literal('task'),
      title: mergeText(200).pipe(z.string().min(1, 'is required')),
      body: mergeText(5000).default(''),
      priority: z.enum(['low', 'normal', 'high', 'urgent']).default('normal'),
      /** Days after the step runs; 0 = today. */
      dueDays: z.number().int().min(0).max(365).default(3),
      owner: TaskOwnerSchema.default({ type: 'account_owner' }),
    })
    .strict(),
  z.object({ ...base, type: z.literal('success_plan'), template: key }).strict(),
  z
    .object({
      ...base,
      type: z.literal('email'),
      /** Contacts of the account with any of these roles (e.g. champion); absent = every contact with an address. */
      toRoles: z.array(z.string().min(1).max(40)).min(1).optional(),
      subject: mergeText(300).pipe(z.string().min(1, 'is required')),
      body: mergeText(20000).pipe(z.string().min(1, 'is required')),
    })
    .strict(),
  z
    .object({
      ...base,
      type: z.literal('webhook'),
      /** A webhook destination set up under Settings → Outreach. */
      destination: key,
    })
    .strict(),
  z.object({ ...base, type: z.literal('slack'), destination: key, text: mergeText(3000).pipe(z.string().min(1, 'is required')) }).strict(),
  z
    .object({
      ...base,
      type: z.literal('update_field'),
      /** `plan`, `industry`, `country`, or `traits.<key>`. */
      field: z.string().regex(/^(plan|industry|country|traits\.[A-Za-z0-9_-]{1,64})$/, 'must be plan, industry, country or traits.<key>'),
      value: z.union([z.string().max(500), z.number(), z.boolean(), z.null()]),
    })
    .strict(),
  z.object({ ...base, type: z.literal('move_stage'), stage: key, reason: z.string().trim().min(1).max(500) }).strict(),
  /** Fractions are allowed (0.5 = 12 hours). */
  z.object({ ...base, type: z.literal('wait'), days: z.number().positive().max(365) }).strict(),
  z.object({ ...base, type: z.literal('branch'), if: conditionSchema(), then: nextTarget, else: nextTarget }).strict(),
])
export type PlaybookStep = z.infer<typeof StepSchema>

export const PlaybookBodySchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    description: z.string().trim().max(2000).optional(),
    trigger: TriggerSchema,
    /** Accounts must also match this rule when the trigger fires. */
    condition: conditionSchema().optional(),
    /** Once an account ran this playbook, it does not run again for this many days (0 = every occurrence). */
    cooldownDays: z.number().int().min(0).max(3650).default(0),
    steps: z.array(StepSchema).min(1).max(50),
  })
  .strict()
  .superRefine((body, ctx) => {
    const positions = new Map<string, number>()
    body.steps.forEach((step, index) => {
      if (positions.has(step.id)) ctx.addIssue({ code: 'custom', path: ['steps', index, 'id'], message: `"${step.id}" is used by another step` })
      positions.set(step.id, index)
    })
    body.steps.forEach((step, index) => {
      if (step.type !== 'branch') return
      for (const side of ['then', 'else'] as const) {
        const target = step[side]
        if (target === 'end') continue
        const at = positions.get(target)
        if (at === undefined) ctx.addIssue({ code: 'custom', path: ['steps', index, side], message: `no step "${target}"` })
        // Only forward: a run can never loop, so each (run, step) happens at most once.
        else if (at <= index) ctx.addIssue({ code: 'custom', path: ['steps', index, side], message: `must be a later step than "${step.id}" (playbooks only move forward)` })
      }
    })
  })
export type PlaybookBody = z.infer<typeof PlaybookBodySchema>

/** The step after `stepId` in the list (or null at the end). */
export function stepAfter(body: PlaybookBody, stepId: string): string | null {
  const index = body.steps.findIndex((step) => step.id === stepId)
  return body.steps[index + 1]?.id ?? null
}

async function validatePlaybook(db: Db, params: { workspaceId: string; key: string; body: PlaybookBody }): Promise<ConfigIssue[]> {
  const issues: ConfigIssue[] = []
  const docs = await queryRows<{ kind: string; key: string }>(
    db,
    sql`SELECT DISTINCT kind, key FROM config_documents WHERE workspace_id = ${params.workspaceId} AND kind IN ('segment', 'lifecycle', 'success-plan', 'tiers') AND status = 'published'`,
  )
  const stages = await queryRows<{ key: string }>(
    db,
    sql`SELECT s->>'key' AS key FROM config_documents d, jsonb_array_elements(d.body->'stages') s
        WHERE d.workspace_id = ${params.workspaceId} AND d.kind = 'lifecycle' AND d.status = 'published'`,
  )
  const stageKeys = new Set(stages.map((stage) => stage.key))
  const published = (kind: string) => new Set(docs.filter((doc) => doc.kind === kind).map((doc) => doc.key))
  const trigger = params.body.trigger
  if ((trigger.type === 'segment_entered' || trigger.type === 'segment_exited') && !published('segment').has(trigger.segment)) {
    issues.push({ path: 'trigger.segment', message: `"${trigger.segment}" is not a published segment` })
  }
  if (trigger.type === 'stage_changed') {
    for (const side of ['to', 'from'] as const) {
      trigger[side]?.forEach((stage, index) => {
        if (!stageKeys.has(stage)) issues.push({ path: `trigger.${side}.${index}`, message: `"${stage}" is not a lifecycle stage` })
      })
    }
  }
  const destinations = new Set(
    (await queryRows<{ key: string }>(db, sql`SELECT key FROM outreach_destinations WHERE workspace_id = ${params.workspaceId}`)).map((row) => row.key),
  )
  const userEmails = new Set(
    (await queryRows<{ email: string }>(db, sql`SELECT lower(email) AS email FROM users WHERE workspace_id = ${params.workspaceId} AND status = 'active'`)).map((row) => row.email),
  )
  params.body.steps.forEach((step, index) => {
    const at = `steps.${index}`
    if (step.type === 'success_plan' && !published('success-plan').has(step.template)) issues.push({ path: `${at}.template`, message: `"${step.template}" is not a published success plan template` })
    if (step.type === 'move_stage' && !stageKeys.has(step.stage)) issues.push({ path: `${at}.stage`, message: `"${step.stage}" is not a lifecycle stage` })
    if ((step.type === 'webhook' || step.type === 'slack') && !destinations.has(step.destination)) {
      issues.push({ path: `${at}.destination`, message: `"${step.destination}" is not a destination (Settings → Outreach)` })
    }
    if (step.type === 'task' && step.owner.type === 'user' && !userEmails.has(step.owner.email)) issues.push({ path: `${at}.owner.email`, message: `${step.owner.email} is not an active user` })
    if (step.type === 'task' && step.owner.type === 'round_robin') {
      step.owner.emails.forEach((address, position) => {
        if (!userEmails.has(address)) issues.push({ path: `${at}.owner.emails.${position}`, message: `${address} is not an active user` })
      })
    }
  })
  return issues
}

export function describeTrigger(trigger: PlaybookTrigger): string {
  switch (trigger.type) {
    case 'health_band_changed':
      return `health turns ${trigger.to?.join('/') ?? 'any band'}${trigger.from ? ` from ${trigger.from.join('/')}` : ''}`
    case 'health_score_dropped':
      return `health score drops by ${trigger.by}+`
    case 'segment_entered':
      return `enters segment ${trigger.segment}`
    case 'segment_exited':
      return `leaves segment ${trigger.segment}`
    case 'stage_changed':
      return `stage changes${trigger.from ? ` from ${trigger.from.join('/')}` : ''}${trigger.to ? ` to ${trigger.to.join('/')}` : ''}`
    case 'tier_changed':
      return `tier changes${trigger.to ? ` to ${trigger.to.join('/')}` : ''}`
    case 'milestone_late':
      return `milestone ${trigger.milestone ?? 'any'} late`
    case 'ticket_opened':
      return `ticket opened${trigger.priorities ? ` (${trigger.priorities.join('/')})` : ''}`
    case 'payment_failed':
      return 'payment fails'
    case 'field_changed':
      return `${trigger.field} changes${trigger.to !== undefined ? ` to ${JSON.stringify(trigger.to)}` : ''}`
    case 'usage_count':
      return `${trigger.event} reaches ${trigger.count} in ${trigger.withinDays} days`
    case 'schedule':
      return `on schedule ${trigger.cron} (UTC)`
    case 'relative_date':
      return `${Math.abs(trigger.offsetDays)} days ${trigger.offsetDays < 0 ? 'before' : 'after'} ${trigger.anchor === 'renewal_date' ? 'renewal' : 'contract start'}`
    case 'manual':
      return 'run by hand'
  }
}

const defaults: { key: string; body: PlaybookBody }[] = [
  {
    key: 'health-turned-red',
    body: {
      name: 'Health turned red',
      description: 'Risk play: the CSM calls within two days, the manager hears of large accounts on Slack-free email digest.',
      trigger: { type: 'health_band_changed', to: ['red'] },
      cooldownDays: 30,
      steps: [
        { id: 'call', type: 'task', title: 'Risk call: {{account.name}} health is {{account.health_score}}', body: 'Health fell to {{account.health_band}} ({{trigger.summary}}). Call the champion, find the cause, and log a touchpoint.', priority: 'high', dueDays: 2, owner: { type: 'account_owner' } },
        { id: 'large', type: 'branch', if: { field: 'arr', op: 'gte', value: 100000 }, then: 'escalate', else: 'end' },
        { id: 'escalate', type: 'task', title: 'Exec review: {{account.name}} (${{account.arr}} ARR) at risk', body: 'Escalated by the risk play: {{trigger.summary}}. Owner: {{owner.name}}.', priority: 'urgent', dueDays: 5, owner: { type: 'role', role: 'manager' } },
      ],
    },
  },
  {
    key: 'renewal-90-days',
    body: {
      name: 'Renewal in 90 days',
      description: 'Starts renewal preparation 90 days out: a prep task and the renewal-readiness plan.',
      trigger: { type: 'relative_date', anchor: 'renewal_date', offsetDays: -90 },
      cooldownDays: 0,
      steps: [{ id: 'prep', type: 'task', title: 'Prepare renewal: {{account.name}} renews {{account.renewal_date}}', body: 'Review health ({{account.health_score}}), usage and open tickets; confirm the decision maker.', priority: 'normal', dueDays: 7, owner: { type: 'account_owner' } }],
    },
  },
  {
    key: 'urgent-ticket',
    body: {
      name: 'Urgent ticket on a large account',
      trigger: { type: 'ticket_opened', priorities: ['urgent'] },
      condition: { field: 'arr', op: 'gte', value: 50000 },
      cooldownDays: 0,
      steps: [{ id: 'follow-up', type: 'task', title: 'Urgent ticket at {{account.name}}: check in', body: '{{trigger.summary}}', priority: 'high', dueDays: 1, owner: { type: 'account_owner' } }],
    },
  },
  {
    key: 'onboarding-kickoff',
    body: {
      name: 'Onboarding kickoff',
      description: 'A new customer enters onboarding: the onboarding success plan, a kickoff call, and a check-in email to the champion two weeks later.',
      trigger: { type: 'stage_changed', to: ['onboarding'] },
      cooldownDays: 180,
      steps: [
        { id: 'plan', type: 'success_plan', template: 'onboarding' },
        { id: 'kickoff', type: 'task', title: 'Kickoff call with {{account.name}}', body: 'Agree goals and the onboarding plan; invite the champion and admins.', priority: 'high', dueDays: 3, owner: { type: 'account_owner' } },
        { id: 'two-weeks', type: 'wait', days: 14 },
        { id: 'check-in', type: 'email', toRoles: ['champion', 'admin'], subject: 'How is {{account.name}} getting on with onboarding?', body: 'Hi {{contact.first_name | there}},\n\nTwo weeks in: is anything in the way of your team going live? Reply to this email and I will help.\n\n{{owner.name}}' },
      ],
    },
  },
]

export const playbookConfigKind = defineConfigKind<PlaybookBody>({
  kind: PLAYBOOK_KIND,
  label: 'Playbooks',
  description: 'If x happens, do y: a trigger (event, schedule, date, or by hand), a condition, and steps (tasks, plans, emails, webhooks, Slack, field updates, stage moves, waits, branches).',
  schema: PlaybookBodySchema,
  example: defaults[0]!.body,
  defaults,
  describe: (body) => `${describeTrigger(body.trigger)}${body.condition ? ` when ${renderCondition(body.condition)}` : ''} → ${body.steps.map((step) => step.type).join(', ')}`,
  validate: validatePlaybook,
  openWork: playbookOpenWork,
})
