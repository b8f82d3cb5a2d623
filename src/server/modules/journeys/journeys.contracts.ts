import { z } from '@hono/zod-openapi'
import { milestoneStatuses } from './journeys.tables'

const Counts = z.object({ done: z.number().int(), late: z.number().int(), onTrack: z.number().int(), missed: z.number().int(), total: z.number().int() })
const Percent = z.object({ done: z.number(), late: z.number(), onTrack: z.number(), missed: z.number() })

export const MilestoneSummarySchema = z
  .object({
    journeyKey: z.string(),
    journeyName: z.string(),
    key: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    rule: z.string().describe('What counts as reached and by when, in one line'),
    kind: z.enum(['time', 'event', 'value']),
    anchor: z.enum(['contract_start', 'customer_since', 'stage_entered']),
    dueDays: z.number().int(),
    stage: z.string().nullable(),
    counts: Counts,
    percent: Percent.describe('Shares of the tracked accounts, in percent'),
    hitRate: z.number().nullable().describe('Done on time among done, late and missed, in percent'),
  })
  .openapi('MilestoneSummary')

export const JourneyListSchema = z
  .object({
    journeys: z.array(
      z.object({
        key: z.string(),
        name: z.string(),
        description: z.string().nullable(),
        appliesTo: z.string(),
        accounts: z.number().int().describe('Accounts the journey tracks'),
        milestones: z.array(MilestoneSummarySchema),
      }),
    ),
  })
  .openapi('JourneyList')

export const MilestoneStatusSchema = z.enum(milestoneStatuses)

export const MilestoneAccountsSchema = z
  .object({
    journey: z.object({ key: z.string(), name: z.string() }),
    milestone: z.object({ key: z.string(), name: z.string(), rule: z.string() }),
    status: MilestoneStatusSchema.nullable(),
    total: z.number().int(),
    accounts: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        arr: z.number(),
        ownerName: z.string().nullable(),
        anchorOn: z.string(),
        dueOn: z.string(),
        achievedOn: z.string().nullable(),
        status: MilestoneStatusSchema,
        daysOverdue: z.number().int().nullable(),
      }),
    ),
  })
  .openapi('MilestoneAccounts')

export const AccountMilestonesSchema = z
  .object({
    milestones: z.array(
      z.object({
        journeyKey: z.string(),
        journeyName: z.string(),
        key: z.string(),
        name: z.string(),
        description: z.string().nullable(),
        rule: z.string(),
        kind: z.enum(['time', 'event', 'value']),
        stage: z.string().nullable(),
        anchorOn: z.string(),
        dueOn: z.string(),
        achievedOn: z.string().nullable(),
        status: MilestoneStatusSchema,
      }),
    ),
  })
  .openapi('AccountMilestones')

export const JourneyMapSchema = z
  .object({
    windowDays: z.number().int(),
    unclassified: z.number().int(),
    stages: z.array(
      z.object({
        key: z.string(),
        name: z.string(),
        description: z.string().nullable(),
        color: z.string().nullable(),
        slaDays: z.number().int().nullable(),
        terminal: z.boolean(),
        accounts: z.number().int(),
        arr: z.number(),
        overdue: z.number().int(),
        medianDaysInStage: z.number().nullable().describe('Current members'),
        medianDaysCompleted: z.number().nullable().describe('Stays that began and ended in the window'),
        completedStays: z.number().int(),
        entered: z.number().int().describe('Accounts that entered the stage in the window'),
        conversion: z
          .object({
            toKey: z.string(),
            toName: z.string(),
            entered: z.number().int(),
            reachedNext: z.number().int(),
            rate: z.number().nullable(),
            progressed: z.number().int(),
            progressedRate: z.number().nullable(),
          })
          .nullable(),
        milestones: z.array(MilestoneSummarySchema),
      }),
    ),
    unstagedMilestones: z.array(MilestoneSummarySchema),
  })
  .openapi('JourneyMap')

export const EvaluationSchema = z
  .object({ journeys: z.number().int(), milestones: z.number().int(), rows: z.number().int(), changed: z.number().int(), removed: z.number().int(), ms: z.number().int() })
  .openapi('JourneyEvaluation')

export const MilestoneAccountsQuery = z.object({
  status: MilestoneStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
})

export const JourneyMapQuery = z.object({ days: z.coerce.number().int().min(7).max(730).default(180).describe('Window for conversion and completed stays') })
