import { z } from '@hono/zod-openapi'

const month = z.string().describe('YYYY-MM')

export const PortfolioSummarySchema = z
  .object({
    arr: z.object({
      current: z.number().describe('Sum of the current ARR of every account'),
      series: z.array(z.object({ month, arr: z.number() })).describe('Workspace ARR at the end of each of the last 12 months (today for the current one)'),
    }),
    accounts: z.object({
      active: z.number().int(),
      churned: z.number().int(),
      churnedLast12Months: z.number().int().describe('Accounts now churned whose churn date is within the 12 months up to today'),
    }),
    renewals: z.object({
      next90Days: z.object({ count: z.number().int(), arr: z.number() }).describe('Active accounts renewing between today and today + 90 days'),
      upcoming: z
        .array(z.object({ id: z.string().uuid(), name: z.string(), ownerName: z.string().nullable(), arr: z.number(), renewalDate: z.iso.date() }))
        .describe('The 20 soonest of those, soonest first'),
    }),
    tickets: z.object({ open: z.number().int().describe('Tickets in status new, open, pending or on_hold') }),
    movements: z
      .array(
        z.object({
          month,
          new: z.number(),
          expansion: z.number(),
          contraction: z.number().describe('Positive magnitude'),
          churn: z.number().describe('Positive magnitude'),
          reactivation: z.number(),
        }),
      )
      .describe('Revenue movements per month over the last 12 months, up to today'),
  })
  .openapi('PortfolioSummary')
