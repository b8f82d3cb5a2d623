/** A segment as a configuration document: a named rule of the condition language (membership is computed elsewhere). */
import { z } from 'zod'
import type { Db } from '../../platform/db'
import { renderCondition, type Condition } from '../../../shared/conditions'
import { requeueOnRuleChange } from './segments.repo'
import { conditionSchema, defineConfigKind, listPublishedDocuments, type ConfigIssue } from '../config'

export const SEGMENT_KIND = 'segment'

/** Mantine palette names the web app can show a segment in. */
export const segmentColors = ['blue', 'cyan', 'teal', 'green', 'lime', 'yellow', 'orange', 'red', 'pink', 'grape', 'violet', 'indigo', 'gray'] as const

export const SegmentBodySchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    description: z.string().trim().max(2000).optional(),
    condition: conditionSchema(),
    color: z.enum(segmentColors).optional(),
  })
  .strict()

export type SegmentBody = z.infer<typeof SegmentBodySchema>

const active: Condition = { field: 'status', op: 'eq', value: 'active' }

const defaults: { key: string; body: SegmentBody }[] = [
  {
    key: 'enterprise',
    body: {
      name: 'Enterprise',
      description: 'Active customers paying $100k or more a year: named CSM, QBRs, executive sponsor.',
      condition: { all: [active, { field: 'arr', op: 'gte', value: 100_000 }] },
      color: 'violet',
    },
  },
  {
    key: 'renewing-90-days',
    body: {
      name: 'Renewing in 90 days',
      description: 'Renewal date within the next 90 days: time to confirm value and prepare the renewal.',
      condition: { all: [active, { field: 'renewal_date', op: 'within_next_days', days: 90 }] },
      color: 'orange',
    },
  },
  {
    key: 'low-adoption',
    body: {
      name: 'Low adoption',
      description: 'Fewer than 30 % of purchased seats active in the last 30 days.',
      condition: { all: [active, { field: 'license_utilization', op: 'lt', value: 0.3 }] },
      color: 'yellow',
    },
  },
  {
    key: 'at-risk-urgent-tickets',
    body: {
      name: 'At risk: open urgent tickets',
      description: 'At least one high or urgent support ticket still open.',
      condition: { all: [active, { field: 'open_urgent_tickets', op: 'gt', value: 0 }] },
      color: 'red',
    },
  },
  {
    key: 'no-champion',
    body: {
      name: 'No champion',
      description: 'Nobody at the customer is marked as champion: the relationship is single-threaded.',
      condition: { all: [active, { field: 'contact_roles', op: 'not_contains', value: 'champion' }] },
      color: 'grape',
    },
  },
]

/** Two live segments may not share a name (case-insensitive): lists and reports show names. */
async function validateSegment(db: Db, params: { workspaceId: string; key: string; body: SegmentBody }): Promise<ConfigIssue[]> {
  const others = await listPublishedDocuments(db, { workspaceId: params.workspaceId, kind: SEGMENT_KIND })
  const name = params.body.name.toLowerCase()
  const clash = others.find((other) => other.key !== params.key && typeof (other.body as { name?: unknown }).name === 'string' && (other.body as { name: string }).name.toLowerCase() === name)
  return clash ? [{ path: 'name', message: `segment "${clash.key}" already has this name` }] : []
}

export const segmentConfigKind = defineConfigKind<SegmentBody>({
  kind: SEGMENT_KIND,
  label: 'Segments',
  description: 'Named groups of accounts defined by a rule; membership stays current as data changes.',
  schema: SegmentBodySchema,
  example: {
    name: 'Strategic EMEA',
    description: 'Large customers served from the EMEA team.',
    condition: {
      all: [
        { field: 'arr', op: 'gte', value: 50_000 },
        { field: 'country', op: 'in', values: ['United Kingdom', 'Germany', 'France'] },
      ],
    },
    color: 'blue',
  },
  defaults,
  describe: (body) => renderCondition(body.condition),
  validate: validateSegment,
  onPublish: requeueOnRuleChange,
  onArchive: requeueOnRuleChange,
})
