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

// ----- backtest -----

const scorecardKey = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be a scorecard key')
const horizonDays = z.coerce.number().int().min(7).max(730)

export const BacktestQuery = z.object({
  scorecard: scorecardKey.optional().describe('Default: the published default scorecard'),
  version: z.coerce.number().int().min(1).optional().describe('Default: the published version (else the open draft)'),
  at: isoDate.optional().describe('T: snapshots on or up to 7 days before it. Default: the latest snapshot day whose whole horizon has passed'),
  horizonDays: horizonDays.optional().describe('H: churn within H days after T counts. Default 56'),
})

export const SuggestBody = z
  .object({ scorecard: scorecardKey.optional(), version: z.number().int().min(1).optional(), at: isoDate.optional(), horizonDays: z.number().int().min(7).max(730).optional() })
  .strict()
  .openapi('HealthBacktestSuggestRequest')

const weightMap = z.record(z.string(), z.number().positive().max(1000))
const Weights = z.object({ groups: weightMap.optional(), measures: weightMap.optional() }).strict()

export const AcceptBody = z
  .object({
    scorecard: scorecardKey,
    version: z.number().int().min(1).optional().describe('The version the weights were fitted on (default: the published one)'),
    weights: Weights.describe('Group weights and measure weights within their group, by key; keys left out keep their weight'),
    comment: z.string().trim().max(500).optional(),
  })
  .strict()
  .openapi('HealthBacktestAccept')

const ScorecardRef = z.object({ key: z.string(), name: z.string(), version: z.number().int(), status: z.string() })
const Auc = z.number().nullable()

export const BacktestSchema = z
  .object({
    scorecard: ScorecardRef,
    at: z.string(),
    horizonDays: z.number().int(),
    horizonEnd: z.string(),
    snapshotDay: z.string().nullable().describe('The day most snapshots used were taken'),
    accounts: z.number().int(),
    churned: z.number().int(),
    churnRate: z.number().nullable(),
    auc: Auc.describe('ROC AUC of the score as a churn predictor (a low score means risk); 0.5 is a coin toss'),
    redVsGreen: z.number().nullable().describe('Churn rate in red ÷ churn rate in green'),
    bands: z.array(z.object({ band: Band, accounts: z.number().int(), churned: z.number().int(), churnRate: z.number().nullable(), contracted: z.number().int(), arrLost: z.number() })),
    measures: z.array(
      z.object({
        key: z.string(),
        name: z.string(),
        group: z.string(),
        auc: Auc.describe("AUC of the measure's points as scored; below 0.5 it is scored the wrong way round"),
        direction: z.enum(['higher is safer', 'lower is safer']).nullable().describe('What the raw values show (null: no signal)'),
        accounts: z.number().int(),
        missingShare: z.number(),
        missingShareChurned: z.number().nullable().describe('Missing among the churned accounts; far above missingShare: the input vanishes with churn'),
      }),
    ),
    calibration: z.array(
      z.object({ decile: z.number().int(), fromScore: z.number(), toScore: z.number(), meanScore: z.number(), accounts: z.number().int(), churned: z.number().int(), churnRate: z.number() }),
    ),
    enough: z.boolean(),
    missing: z.string().nullable().describe('What history is missing for a trustworthy answer'),
  })
  .openapi('HealthBacktest')

export const SuggestedWeightsSchema = z
  .object({
    scorecard: ScorecardRef,
    at: z.string(),
    horizonDays: z.number().int(),
    accounts: z.number().int(),
    churned: z.number().int(),
    enough: z.boolean(),
    missing: z.string().nullable(),
    aucBefore: Auc,
    aucAfter: Auc.describe('Cross-validated: each fold scored with weights fitted on the others'),
    validation: z.string(),
    measures: z.array(
      z.object({
        key: z.string(),
        name: z.string(),
        group: z.string(),
        before: z.number().describe('Share of the score (%) before'),
        after: z.number(),
        coefficient: z.number().nullable().describe('Logistic regression coefficient of the standardized points (negative: more points, less churn)'),
        flag: z.enum(['wrong direction', 'not enough data']).nullable(),
      }),
    ),
    groups: z.array(z.object({ key: z.string(), name: z.string(), before: z.number(), after: z.number() })),
    weights: z.object({ groups: z.record(z.string(), z.number()), measures: z.record(z.string(), z.number()) }).nullable().describe('What to send to accept'),
  })
  .openapi('HealthSuggestedWeights')

export const AcceptedWeightsSchema = z
  .object({ key: z.string(), version: z.number().int(), status: z.literal('draft'), url: z.string().describe('The configuration page of the scorecard') })
  .openapi('HealthAcceptedWeights')
