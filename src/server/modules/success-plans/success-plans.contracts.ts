import { z } from '@hono/zod-openapi'
import { successPlanStatuses } from './success-plans.tables'

const day = z.iso.date().describe('YYYY-MM-DD')
const title = z.string().trim().min(1).max(200)
const description = z.string().trim().max(2000)
const customerOwner = z.string().trim().min(1).max(200)

export const IdParam = z.object({ id: z.uuid() })
export const ItemParams = z.object({ id: z.uuid(), itemId: z.uuid() })
// Any text: an unknown or malformed token is a 404, never a hint about the format.
export const TokenParam = z.object({ token: z.string().min(1).max(200) })

const ProgressSchema = z.object({
  done: z.number().int().describe('Milestones done'),
  total: z.number().int().describe('Milestones'),
  percent: z.number().int().nullable().describe('done ÷ total in %; null when the plan has no milestones'),
})

const NextDueSchema = z.object({ itemId: z.string(), title: z.string(), dueOn: z.string() }).nullable().describe('The open milestone due first')

const itemFields = {
  id: z.string(),
  title: z.string(),
  description: z.string(),
  ownerId: z.string().nullable(),
  ownerName: z.string().nullable(),
  customerOwner: z.string().nullable(),
  dueOn: z.string().nullable(),
  done: z.boolean(),
  doneAt: z.string().nullable(),
  position: z.number().int(),
}

export const MilestoneSchema = z.object({ ...itemFields, kind: z.literal('milestone'), parentId: z.string(), overdue: z.boolean() }).openapi('SuccessPlanMilestone')
export const ObjectiveSchema = z.object({ ...itemFields, kind: z.literal('objective'), parentId: z.null(), milestones: z.array(MilestoneSchema) }).openapi('SuccessPlanObjective')
export const ItemSchema = z
  .object({ ...itemFields, kind: z.enum(['objective', 'milestone']), parentId: z.string().nullable() })
  .openapi('SuccessPlanItem')

const planFields = {
  id: z.string(),
  accountId: z.string(),
  accountName: z.string(),
  title: z.string(),
  templateKey: z.string().nullable(),
  templateVersion: z.number().int().nullable(),
  status: z.enum(successPlanStatuses),
  ownerId: z.string().nullable(),
  ownerName: z.string().nullable(),
  shared: z.boolean().describe('A customer-facing link is live'),
  sharedAt: z.string().nullable(),
  playbookRunId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  progress: ProgressSchema,
  nextDue: NextDueSchema,
  overdue: z.number().int().describe('Open milestones past their due date'),
}

export const PlanSummarySchema = z.object(planFields).openapi('SuccessPlanSummary')
export const PlanSchema = z.object({ ...planFields, objectives: z.array(ObjectiveSchema) }).openapi('SuccessPlan')
export const AccountPlansSchema = z.object({ items: z.array(PlanSchema) }).openapi('AccountSuccessPlans')

export const PlanListQuery = z.object({
  status: z.enum(successPlanStatuses).optional(),
  owner: z.union([z.uuid(), z.literal('unassigned')]).optional().describe('A user id, or `unassigned`'),
  accountId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
})
export type PlanListFilters = z.infer<typeof PlanListQuery>

export const PlanPageSchema = z.object({ total: z.number().int(), items: z.array(PlanSummarySchema) }).openapi('SuccessPlanPage')

const TemplateSchema = z.object({
  key: z.string(),
  version: z.number().int(),
  name: z.string(),
  description: z.string().nullable(),
  appliesTo: z.string().describe('Who it suits, in words'),
  objectives: z.number().int(),
  milestones: z.number().int(),
  activePlanId: z.string().nullable().describe('An active plan of this account made from this template'),
})

export const SuggestionsSchema = z
  .object({
    suggestions: z.array(TemplateSchema).describe('Published templates whose segments, stages and tiers match the account'),
    others: z.array(TemplateSchema).describe('The other published templates'),
  })
  .openapi('SuccessPlanSuggestions')

const NewMilestoneSchema = z
  .object({
    title,
    description: description.optional(),
    dueOn: day.nullish(),
    ownerId: z.uuid().nullish().describe('A user of the workspace (default: the plan’s owner unless customerOwner is given)'),
    customerOwner: customerOwner.nullish().describe('Someone at the customer, as text'),
    done: z.boolean().optional(),
  })
  .strict()

/** From a template ({templateKey}) or by hand ({title, objectives}). */
export const CreatePlanBody = z
  .object({
    templateKey: z.string().min(1).max(64).optional().describe('A published success plan template'),
    startOn: day.optional().describe('With a template: milestones are due their template days after this (default today)'),
    title: title.optional().describe('A blank plan by hand'),
    objectives: z
      .array(z.object({ title, description: description.optional(), milestones: z.array(NewMilestoneSchema).max(30).default([]) }).strict())
      .max(20)
      .optional(),
    ownerId: z.uuid().nullish().describe('Default: the account’s owner'),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.templateKey === undefined && body.title === undefined) {
      ctx.addIssue({ code: 'custom', path: ['templateKey'], message: 'send templateKey (a published template) or title (a plan by hand)' })
    }
    if (body.templateKey !== undefined && body.title !== undefined) ctx.addIssue({ code: 'custom', path: ['title'], message: 'a plan from a template takes the template’s name' })
    if (body.templateKey !== undefined && body.objectives !== undefined) ctx.addIssue({ code: 'custom', path: ['objectives'], message: 'a plan from a template takes the template’s objectives' })
    if (body.templateKey === undefined && body.startOn !== undefined) ctx.addIssue({ code: 'custom', path: ['startOn'], message: 'only applies with templateKey' })
  })
  .openapi('CreateSuccessPlanRequest')
export type CreatePlanInput = z.infer<typeof CreatePlanBody>
export type NewMilestoneInput = z.infer<typeof NewMilestoneSchema>

export const UpdatePlanBody = z
  .object({ title: title.optional(), status: z.enum(successPlanStatuses).optional(), ownerId: z.uuid().nullable().optional() })
  .strict()
  .openapi('UpdateSuccessPlanRequest')
export type UpdatePlanInput = z.infer<typeof UpdatePlanBody>

export const CreateItemBody = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('objective'), title, description: description.optional() }).strict(),
    NewMilestoneSchema.extend({ kind: z.literal('milestone'), parentId: z.uuid().describe('The objective it belongs to') }).strict(),
  ])
  .openapi('CreateSuccessPlanItemRequest')
export type CreateItemInput = z.infer<typeof CreateItemBody>

export const UpdateItemBody = z
  .object({
    title: title.optional(),
    description: description.optional(),
    ownerId: z.uuid().nullable().optional(),
    customerOwner: customerOwner.nullable().optional(),
    dueOn: day.nullable().optional(),
    done: z.boolean().optional(),
  })
  .strict()
  .openapi('UpdateSuccessPlanItemRequest')
export type UpdateItemInput = z.infer<typeof UpdateItemBody>

export const ShareSchema = z
  .object({
    url: z.string().describe('The customer-facing link; shown once (only its hash is kept), a new one replaces the old'),
    path: z.string(),
    sharedAt: z.string(),
  })
  .openapi('SuccessPlanShare')

const PublicMilestoneSchema = z.object({ title: z.string(), description: z.string(), owner: z.string().nullable().describe('A name, never an email'), dueOn: z.string().nullable(), done: z.boolean(), doneOn: z.string().nullable() })

export const PublicPlanSchema = z
  .object({
    vendor: z.string().describe('Who shares it (the workspace’s name)'),
    accountName: z.string(),
    title: z.string(),
    status: z.enum(successPlanStatuses),
    sharedAt: z.string().nullable(),
    updatedAt: z.string(),
    progress: ProgressSchema,
    objectives: z.array(z.object({ title: z.string(), description: z.string(), done: z.boolean(), milestones: z.array(PublicMilestoneSchema) })),
  })
  .openapi('SharedSuccessPlan')
