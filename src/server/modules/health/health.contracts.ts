import { z } from '@hono/zod-openapi'
import { healthBands, sentimentValues } from './health.tables'

const Band = z.enum(healthBands)
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
const Bands = z.object({ red: z.number(), yellow: z.number() }).describe('Below red → red, below yellow → yellow, else green')

const Sentiment = z
  .object({
    id: z.string(),
    sentiment: z.enum(sentimentValues),
    comment: z.string().nullable(),
    expiresOn: z.string(),
    createdAt: z.string(),
    authorName: z.string().nullable(),
    active: z.boolean().describe('The one that counts now: the latest that has not expired'),
  })
  .openapi('HealthSentiment')

const Measure = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  source: z.string().describe('What the measure reads, in words'),
  group: z.string(),
  groupName: z.string(),
  value: z.number().nullable(),
  points: z.number().nullable().describe('0–100; null when missing'),
  weight: z.number().describe('Configured weight within its group'),
  effectiveWeight: z.number().describe('Share of the overall score after missing inputs were re-weighted; Σ points × effectiveWeight = score'),
  missing: z.boolean(),
})

export const AccountHealthSchema = z
  .object({
    accountId: z.string(),
    score: z.number().nullable().describe('0–100; null when every input is missing'),
    band: Band.nullable(),
    scorecard: z.object({ key: z.string(), name: z.string(), version: z.number().int(), bands: Bands }).nullable(),
    computedAt: z.string().nullable(),
    groups: z.array(
      z.object({ key: z.string(), name: z.string(), weight: z.number(), effectiveWeight: z.number(), points: z.number().nullable(), missing: z.boolean(), measures: z.array(Measure) }),
    ),
    missing: z.number().int().describe('Measures without an input'),
    sentiments: z.array(Sentiment),
  })
  .openapi('AccountHealth')

export const HealthHistorySchema = z
  .object({ bands: Bands.nullable(), points: z.array(z.object({ day: z.string(), score: z.number().nullable(), band: Band.nullable() })) })
  .openapi('HealthHistory')

const Point = z.object({ day: z.string(), score: z.number().nullable(), band: Band.nullable() }).nullable()

export const HealthExplanationSchema = z
  .object({
    from: Point.describe('The snapshot in force on the from day'),
    to: Point,
    change: z.number().nullable(),
    contributions: z.array(
      z.object({
        key: z.string(),
        name: z.string(),
        group: z.string(),
        groupName: z.string(),
        fromValue: z.number().nullable(),
        toValue: z.number().nullable(),
        fromPoints: z.number().nullable(),
        toPoints: z.number().nullable(),
        fromWeight: z.number(),
        toWeight: z.number(),
        contribution: z.number().describe('Δ(points × effective weight); the contributions sum to the change'),
      }),
    ),
  })
  .openapi('HealthExplanation')

export const HistoryQuery = z.object({ days: z.coerce.number().int().min(7).max(730).default(90) })
export const ExplainQuery = z.object({ from: isoDate.optional(), to: isoDate.optional() })

export const SentimentBody = z
  .object({
    sentiment: z.enum(sentimentValues),
    comment: z.string().trim().max(2000).optional(),
    expiresOn: isoDate.optional().describe('Default: in 90 days'),
  })
  .strict()
  .openapi('NewHealthSentiment')

export const SentimentSchema = Sentiment

const BandCounts = z.object({ red: z.object({ accounts: z.number().int(), arr: z.number() }), yellow: z.object({ accounts: z.number().int(), arr: z.number() }), green: z.object({ accounts: z.number().int(), arr: z.number() }) })
const Mover = z.object({ accountId: z.string(), name: z.string(), arr: z.number(), ownerName: z.string().nullable(), from: z.number(), to: z.number(), change: z.number(), band: Band.nullable() })

export const HealthPortfolioSchema = z
  .object({
    accounts: z.number().int().describe('Active accounts'),
    scored: z.number().int(),
    unscored: z.number().int().describe('Active accounts without a score (no scorecard applies, every input missing, or not computed yet)'),
    averageScore: z.number().nullable(),
    bands: BandCounts,
    arrAtRisk: z.object({ red: z.number(), yellow: z.number() }),
    segments: z.array(z.object({ key: z.string(), name: z.string(), accounts: z.number().int(), averageScore: z.number().nullable(), bands: BandCounts })),
    movers: z.object({ since: z.string(), up: z.array(Mover), down: z.array(Mover) }),
    missing: z.array(z.object({ key: z.string(), name: z.string(), accounts: z.number().int() })).describe('Measures missing for some accounts, most often first'),
    queued: z.number().int(),
  })
  .openapi('HealthPortfolio')

export const PortfolioQuery = z.object({ movers: z.coerce.number().int().min(1).max(100).default(10) })

export const HealthStatusSchema = z
  .object({
    accounts: z.number().int(),
    scored: z.number().int(),
    queued: z.number().int().describe('Accounts waiting to be rescored (after a publish: the progress)'),
    scorecards: z.number().int(),
    lastSweep: z.object({ at: z.string(), accounts: z.number().int(), ms: z.number().int() }).nullable(),
  })
  .openapi('HealthStatus')
