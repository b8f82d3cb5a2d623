import { z } from '@hono/zod-openapi'
import { limitQuery } from '../../platform/http'
import { playbookRunStatuses } from './playbooks.tables'

export const PlaybookKeyParam = z.object({ key: z.string().min(1).max(64) })
export const RunIdParam = z.object({ id: z.string().uuid() })

const runCounts = z.object({ total: z.number(), last30Days: z.number(), open: z.number(), failed: z.number() })
export const PlaybookSummarySchema = z
  .object({
    key: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    trigger: z.string(),
    triggerType: z.string(),
    version: z.number().nullable(),
    hasDraft: z.boolean(),
    status: z.enum(['active', 'paused', 'draft']),
    runs: runCounts,
    openTasks: z.number(),
    lastTriggeredAt: z.string().nullable(),
  })
  .openapi('PlaybookSummary')
export const PlaybookListSchema = z.object({ playbooks: z.array(PlaybookSummarySchema) })

const openRuns = z.enum(['continue', 'cancel']).describe('What happens to runs already under way: finish on the version they started with, or stop')
const openTasks = z.enum(['keep', 'dismiss']).describe('What happens to open tasks the playbook made: keep them, or dismiss them with the reason')
export const PauseBody = z.object({ openRuns, openTasks }).strict()
export const PublishBody = z.object({ comment: z.string().max(500).optional(), openRuns, openTasks }).strict()
export const StatusResultSchema = z.object({ status: z.enum(['active', 'paused']), runsCancelled: z.number(), tasksDismissed: z.number() })
export const PublishResultSchema = z.object({ version: z.number(), runsCancelled: z.number(), tasksDismissed: z.number() })

export const ManualRunBody = z.object({ accountIds: z.array(z.string().uuid()).min(1).max(5000) }).strict()
export const ManualRunResultSchema = z.object({ requestId: z.string(), started: z.number() })

export const DryRunQuery = z.object({
  source: z.enum(['published', 'draft']).default('draft').describe('Dry-run the open draft (falls back to the published version) or the published version'),
  limit: z.coerce.number().int().min(1).max(200).default(25),
})
export const DryRunSchema = z
  .object({
    trigger: z.string(),
    matching: z.number(),
    inCooldown: z.number(),
    shown: z.number(),
    accounts: z.array(
      z.object({
        accountId: z.string(),
        accountName: z.string(),
        why: z.string(),
        inCooldown: z.boolean(),
        steps: z.array(z.object({ stepId: z.string(), type: z.string(), would: z.string() })),
      }),
    ),
  })
  .openapi('PlaybookDryRun')

export const RunsQuery = z.object({
  playbook: z.string().max(64).optional(),
  accountId: z.string().uuid().optional(),
  status: z.enum(playbookRunStatuses).optional(),
  before: z.string().datetime({ offset: true }).optional().describe('Runs created before this time (the previous page’s last createdAt)'),
  limit: limitQuery,
})
export const AccountRunsParam = z.object({ id: z.string().uuid() })
export const RunSchema = z
  .object({
    id: z.string(),
    playbookKey: z.string(),
    playbookVersion: z.number(),
    accountId: z.string(),
    accountName: z.string(),
    occurrence: z.string(),
    trigger: z.record(z.string(), z.unknown()),
    status: z.string(),
    nextStepId: z.string().nullable(),
    wakeAt: z.string(),
    lastError: z.string().nullable(),
    endReason: z.string().nullable(),
    triggeredAt: z.string(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    steps: z.array(z.object({ stepId: z.string(), stepType: z.string(), outcome: z.string(), detail: z.record(z.string(), z.unknown()), executedAt: z.string() })),
  })
  .openapi('PlaybookRun')
export const RunListSchema = z.object({ runs: z.array(RunSchema) })

export const EffectSchema = z
  .object({
    triggered: z.object({ runs: z.number(), accounts: z.number(), last30Days: z.number() }),
    runsByStatus: z.record(z.string(), z.number()),
    steps: z.object({ executed: z.number(), skipped: z.number(), failed: z.number(), byType: z.record(z.string(), z.number()) }),
    tasks: z.object({ created: z.number(), open: z.number(), completed: z.number(), dismissed: z.number(), completionRate: z.number().nullable(), medianHoursToComplete: z.number().nullable() }),
    emails: z.object({ queued: z.number(), sent: z.number(), skipped: z.number(), failed: z.number() }),
    healthEffect: z
      .object({ method: z.enum(['comparison', 'before_after']), runsMeasured: z.number(), triggeredChange: z.number(), comparisonChange: z.number(), difference: z.number() })
      .nullable(),
  })
  .openapi('PlaybookEffect')
