/**
 * Product usage of the demo world, as the Segment calls the fictional product would send. Pure and
 * seeded: each account-month's latent usage (intensity, seats, expected active users — derived from
 * the hidden true health) becomes identify/group/track calls, which the demo then sends through the
 * same ingestion code as any client. So usage is an observable, noisy signal of health.
 */
import { clamp, isWeekend, lastDayOfMonth, makeRng, monthOfDay, msAt, parseDay, isoTimestamp } from './demo.random'
import type { AccountWorld } from './demo.world'

/** Events that show real adoption; the demo workspace configures them as its key features. */
export const demoKeyFeatures = ['Report Built', 'Workflow Run', 'Integration Connected', 'Alert Created', 'Teammate Invited'] as const

// How likely an active day uses each feature, as a power of the month's intensity (higher = rarer).
const featureCurve: readonly (readonly [string, number])[] = [
  ['Workflow Run', 0.8],
  ['Report Built', 1.2],
  ['Alert Created', 2.2],
  ['Integration Connected', 3.5],
  ['Teammate Invited', 4],
]

export type DemoCall = Record<string, unknown> & { type: string; messageId: string; userId: string; timestamp: string }

/** Active days of one active user in a month: 1 + Binomial(3, intensity), i.e. 1–4 (weekly-ish use). */
const activeDays = (next: () => number, intensity: number): number => 1 + [0, 1, 2].filter(() => next() < intensity).length

export type DemoUsageOptions = {
  /** Months of usage history ending today (older months get none): volume grows with every month. */
  months: number
  /** Active users per account-month who use the product on several days; the others on one day. */
  coreUsers: number
}

/** Enough history for 30-day trends and 90-day charts in a demo that builds in a minute or two. */
export const defaultDemoUsage: DemoUsageOptions = { months: 3, coreUsers: 15 }

export function* demoUsageCalls(world: AccountWorld, seed: number, today: string, options: DemoUsageOptions = defaultDemoUsage): Generator<DemoCall> {
  const { account } = world
  if (world.usage.length === 0) return
  const accountNumber = Number(account.externalId.replace(/\D/g, '')) || 0
  const rng = makeRng(seed, accountNumber, 7_001)
  const todayDay = parseDay(today)
  const maxSeats = Math.max(1, ...world.usage.map((month) => month.seats))
  // The product's users: the account's contacts first, then seat holders the CSM never met.
  const pool = [
    ...world.contacts.map((contact) => ({ userId: contact.externalId, contact, engagement: rng.next() })),
    ...Array.from({ length: Math.max(0, maxSeats - world.contacts.length) }, (_, index) => ({
      userId: `${account.externalId}-U${String(index + 1).padStart(4, '0')}`,
      contact: null,
      engagement: rng.next(),
    })),
  ].sort((a, b) => b.engagement - a.engagement)
  let sequence = 0
  const messageId = () => `demo-${account.externalId}-${++sequence}`
  const introduced = new Set<string>()

  const firstMonth = monthOfDay(parseDay(today)) - options.months + 1
  for (const month of world.usage) {
    const firstDay = parseDay(month.month)
    if (monthOfDay(firstDay) < firstMonth) continue
    const lastDay = Math.min(lastDayOfMonth(monthOfDay(firstDay)), todayDay)
    if (lastDay < firstDay) continue
    const workdays: number[] = []
    for (let day = firstDay; day <= lastDay; day++) if (!isWeekend(day)) workdays.push(day)
    if (workdays.length === 0) continue
    const activeCount = Math.min(pool.length, month.expectedActiveUsers)
    // The most engaged users stay active month after month; noise swaps a few in and out.
    const active = pool
      .map((user) => ({ user, score: user.engagement + 0.25 * rng.normal() }))
      .sort((a, b) => b.score - a.score)
      .slice(0, activeCount)
      .map((entry) => entry.user)

    for (const [rank, user] of active.entries()) {
      // The core team uses the product weekly-ish; beyond it, occasional users show up once a month.
      // That keeps MAU ÷ seats true for large accounts while the volume stays a demo's.
      const dayCount = rank < options.coreUsers ? activeDays(rng.next, month.intensity) : 1
      const days = rng.sample(workdays, dayCount).sort((a, b) => a - b)
      // Contacts are introduced to the product as Segment clients do: group, then identify. The other
      // seat holders are only ever seen through their events' context.groupId.
      if (user.contact && !introduced.has(user.userId)) {
        introduced.add(user.userId)
        const at = isoTimestamp(msAt(days[0] ?? firstDay, 8))
        yield { type: 'group', messageId: messageId(), userId: user.userId, groupId: account.externalId, timestamp: at, traits: { name: account.name } }
        {
          yield {
            type: 'identify',
            messageId: messageId(),
            userId: user.userId,
            timestamp: at,
            traits: { email: user.contact.email, name: user.contact.name, title: user.contact.title },
          }
        }
      }
      for (const day of days) {
        const hour = 8 + rng.next() * 10
        const used = featureCurve.filter(([, power]) => rng.next() < clamp(month.intensity, 0, 1) ** power).map(([name]) => name)
        const event = used.length > 0 ? rng.pick(used) : 'Dashboard Viewed'
        yield {
          type: 'track',
          messageId: messageId(),
          userId: user.userId,
          event,
          timestamp: isoTimestamp(msAt(day, hour)),
          context: { groupId: account.externalId },
          properties: { plan: account.plan },
        }
      }
    }
  }
}
