import { describe, expect, it } from 'vitest'
import { buildWorld, churnProbability, sequentialIds, type AccountWorld, type World } from './demo.world'

const today = '2025-06-15'
const big: World = buildWorld({ accounts: 2000, months: 12, seed: 42, today }, sequentialIds())
const segmentOf = (world: AccountWorld): string => String(world.account.traits.segment)

/** Area under the ROC curve: the probability that a random positive scores above a random negative. */
function auc(scores: number[], labels: boolean[]): number {
  const order = scores.map((score, i) => ({ score, label: labels[i] })).sort((a, b) => a.score - b.score)
  // Rank-sum (Mann–Whitney U) with average ranks for ties.
  let rankSum = 0
  let positives = 0
  for (let i = 0; i < order.length; ) {
    let j = i
    while (j < order.length && order[j].score === order[i].score) j++
    const averageRank = (i + 1 + j) / 2
    for (let k = i; k < j; k++) {
      if (order[k].label) {
        rankSum += averageRank
        positives++
      }
    }
    i = j
  }
  const negatives = order.length - positives
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives)
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))]
}

// A crude "CSM reading the notes" signal: negative wording in touchpoint subjects, bad or urgent tickets.
const negativeWording = /risk|escalat|concern|competitor|delay|disengaged|questioned|blocked|frustrat|recovery|no response|postponed|incident/i
const positiveWording = /strong|went well|positive|milestone|promoted|expansion|case study|useful|goals met|\+\d+ seats/i

describe('demo world: determinism', () => {
  it('gives the same world for the same parameters', () => {
    const a = buildWorld({ accounts: 150, months: 6, seed: 7, today }, sequentialIds())
    const b = buildWorld({ accounts: 150, months: 6, seed: 7, today }, sequentialIds())
    expect(b).toEqual(a)
  })

  it('gives a different world for a different seed', () => {
    const a = buildWorld({ accounts: 150, months: 6, seed: 7, today }, sequentialIds())
    const b = buildWorld({ accounts: 150, months: 6, seed: 8, today }, sequentialIds())
    const namesA = a.accounts.map((w) => w.account.name)
    const namesB = b.accounts.map((w) => w.account.name)
    expect(namesB).not.toEqual(namesA)
    expect(b.accounts.map((w) => w.account.arr)).not.toEqual(a.accounts.map((w) => w.account.arr))
  })

  it('rejects bad parameters', () => {
    expect(() => buildWorld({ accounts: 0, months: 12, seed: 1, today }, sequentialIds())).toThrow(/accounts/)
    expect(() => buildWorld({ accounts: 10, months: 0, seed: 1, today }, sequentialIds())).toThrow(/months/)
    expect(() => buildWorld({ accounts: 10, months: 12, seed: 1, today: '2025-02-30' }, sequentialIds())).toThrow(/date/)
  })
})

describe('demo world: company and team', () => {
  it('has a CS team shaped like the brief', () => {
    const users = big.plan.users
    const byTitle = (pattern: RegExp) => users.filter((u) => pattern.test(u.title))
    expect(byTitle(/^VP of Customer Success$/)).toHaveLength(1)
    const managers = users.filter((u) => u.role === 'manager')
    expect(managers.length).toBeGreaterThanOrEqual(4) // VP + 3–4 team managers
    expect(managers.length).toBeLessThanOrEqual(5)
    const csms = users.filter((u) => u.role === 'csm')
    expect(csms.length).toBeGreaterThanOrEqual(6)
    expect(csms.every((u) => u.managerId !== null && managers.some((m) => m.id === u.managerId))).toBe(true)
    expect(users.filter((u) => u.role === 'admin')).toHaveLength(1)
    expect(users.filter((u) => u.role === 'viewer')).toHaveLength(2)
    expect(users.filter((u) => !/^[a-z]+\.[a-z]+\d*@northwind\.example$/.test(u.email))).toEqual([])
    expect(new Set(users.map((u) => u.email)).size).toBe(users.length)
    // Ratios: about 1 CSM per 15 enterprise, 40 mid-market, 150 SMB accounts.
    const count = (segment: string) => big.accounts.filter((w) => segmentOf(w) === segment).length
    const team = (segment: string) => csms.filter((u) => u.team === segment).length
    expect(team('Enterprise')).toBe(Math.ceil(count('Enterprise') / 15))
    expect(team('Mid-Market')).toBe(Math.ceil(count('Mid-Market') / 40))
    expect(team('SMB')).toBe(Math.ceil(count('SMB') / 150))

    const small = buildWorld({ accounts: 20, months: 3, seed: 3, today }, sequentialIds())
    expect(small.plan.users.filter((u) => u.role === 'csm').length).toBeGreaterThanOrEqual(6)
  })

  it('gives accounts unique names, domains and contact emails, and owners from the right team', () => {
    const accounts = big.accounts.map((w) => w.account)
    expect(new Set(accounts.map((a) => a.name)).size).toBe(accounts.length)
    expect(new Set(accounts.map((a) => a.domain)).size).toBe(accounts.length)
    expect(new Set(accounts.map((a) => a.externalId)).size).toBe(accounts.length)
    const emails = big.accounts.flatMap((w) => w.contacts.map((c) => c.email.toLowerCase()))
    expect(new Set(emails).size).toBe(emails.length)
    const users = new Map(big.plan.users.map((u) => [u.id, u]))
    for (const account of accounts) {
      expect(users.get(account.ownerId)?.team).toBe(account.traits.segment)
      expect(account.currency).toBe('USD')
      expect(['Starter', 'Growth', 'Business', 'Enterprise']).toContain(account.plan)
    }
    const index = new Map(accounts.map((a, i) => [a.id, i]))
    const children = accounts.filter((a) => a.parentId !== null)
    expect(children.length).toBeGreaterThan(5)
    for (const child of children) {
      const parentIndex = index.get(child.parentId ?? '')
      expect(parentIndex).toBeDefined()
      expect(parentIndex).toBeLessThan(index.get(child.id) ?? -1)
    }
  })

  it('mixes segments about 10 / 30 / 60 with a realistic ARR spread', () => {
    const bySegment = new Map<string, number[]>()
    for (const w of big.accounts) {
      const list = bySegment.get(segmentOf(w)) ?? []
      if (w.account.status === 'active') list.push(w.account.arr)
      bySegment.set(segmentOf(w), list)
    }
    const share = (segment: string) => big.accounts.filter((w) => segmentOf(w) === segment).length / big.accounts.length
    expect(share('Enterprise')).toBeGreaterThan(0.07)
    expect(share('Enterprise')).toBeLessThan(0.14)
    expect(share('Mid-Market')).toBeGreaterThan(0.25)
    expect(share('Mid-Market')).toBeLessThan(0.36)
    expect(share('SMB')).toBeGreaterThan(0.54)
    expect(share('SMB')).toBeLessThan(0.66)

    const sorted = (segment: string) => (bySegment.get(segment) ?? []).sort((a, b) => a - b)
    const smb = sorted('SMB')
    const mm = sorted('Mid-Market')
    const ent = sorted('Enterprise')
    expect(quantile(smb, 0.05)).toBeGreaterThan(2_000)
    expect(quantile(smb, 0.5)).toBeGreaterThan(5_000)
    expect(quantile(smb, 0.5)).toBeLessThan(13_000)
    expect(quantile(smb, 0.95)).toBeLessThan(30_000)
    expect(quantile(mm, 0.05)).toBeGreaterThan(20_000)
    expect(quantile(mm, 0.5)).toBeGreaterThan(35_000)
    expect(quantile(mm, 0.5)).toBeLessThan(80_000)
    expect(quantile(mm, 0.95)).toBeLessThan(160_000)
    expect(quantile(ent, 0.05)).toBeGreaterThan(90_000)
    expect(quantile(ent, 0.5)).toBeGreaterThan(150_000)
    expect(quantile(ent, 0.5)).toBeLessThan(450_000)
    // Long tail: the biggest enterprise account is several times the median.
    expect(quantile(ent, 1)).toBeGreaterThan(3 * quantile(ent, 0.5))
  })

  it('produces volumes in the intended range at 2,000 accounts × 12 months', () => {
    const total = (key: 'contacts' | 'touchpoints' | 'tickets') => big.accounts.reduce((sum, w) => sum + w[key].length, 0)
    expect(total('contacts')).toBeGreaterThan(8_000)
    expect(total('contacts')).toBeLessThan(13_000)
    expect(total('touchpoints')).toBeGreaterThan(30_000)
    expect(total('touchpoints')).toBeLessThan(60_000)
    expect(total('tickets')).toBeGreaterThan(10_000)
    expect(total('tickets')).toBeLessThan(25_000)
  })
})

describe('demo world: revenue ledger', () => {
  it('keeps ARR equal to the sum of movements and churned accounts at zero', () => {
    for (const w of big.accounts) {
      const sum = w.movements.reduce((total, m) => total + m.arrDelta, 0)
      expect(w.account.arr).toBe(sum)
      expect(w.movements[0].kind).toBe('new')
      expect(w.movements.every((m) => m.source === 'demo' && m.effectiveDate < today)).toBe(true)
      if (w.account.status === 'churned') {
        expect(w.account.arr).toBe(0)
        expect(w.account.churnedAt).not.toBeNull()
        expect(w.account.renewalDate).toBeNull()
        const last = w.movements[w.movements.length - 1]
        expect(last.kind).toBe('churn')
        expect(last.effectiveDate).toBe(w.account.churnedAt)
        expect(w.subscriptions.every((s) => s.status !== 'active')).toBe(true)
      } else {
        expect(w.account.arr).toBeGreaterThan(0)
        expect(w.account.churnedAt).toBeNull()
        const active = w.subscriptions.filter((s) => s.status === 'active')
        expect(active).toHaveLength(1)
        expect(w.account.renewalDate).toBe(active[0].endDate)
        expect(active[0].arr).toBe(w.account.arr)
        expect(w.account.renewalDate! >= today).toBe(true)
      }
      for (const m of w.movements) {
        if (m.kind === 'churn' || m.kind === 'contraction') expect(m.arrDelta).toBeLessThan(0)
        else expect(m.arrDelta).toBeGreaterThan(0)
      }
    }
    const kinds = new Set(big.accounts.flatMap((w) => w.movements.map((m) => m.kind)))
    expect([...kinds].sort()).toEqual(['churn', 'contraction', 'expansion', 'new', 'reactivation'])
  })

  it('has renewals inside the window and history before it', () => {
    const windowStart = '2024-07-01'
    const renewalsInWindow = big.accounts.filter((w) => w.subscriptions.some((s) => s.startDate >= windowStart && s.status !== 'canceled' && s.startDate !== w.subscriptions[0].startDate))
    expect(renewalsInWindow.length).toBeGreaterThan(800)
    const beforeWindow = big.accounts.filter((w) => w.movements[0].effectiveDate < windowStart)
    expect(beforeWindow.length / big.accounts.length).toBeGreaterThan(0.7)
    const acquired = big.accounts.length - beforeWindow.length
    expect(acquired).toBeGreaterThan(150)
  })
})

describe('demo world: hidden health and churn', () => {
  const decisions = big.accounts.flatMap((w) => w.renewals.filter((r) => r.contract === 'term').map((r) => ({ world: w, renewal: r })))
  const labels = decisions.map((d) => d.renewal.churned)

  it('churns about 8–15 % of logos a year, more in SMB than in enterprise', () => {
    const rate = (list: typeof decisions) => list.filter((d) => d.renewal.churned).length / list.length
    expect(rate(decisions)).toBeGreaterThan(0.08)
    expect(rate(decisions)).toBeLessThan(0.16)
    const smb = rate(decisions.filter((d) => segmentOf(d.world) === 'SMB'))
    const ent = rate(decisions.filter((d) => segmentOf(d.world) === 'Enterprise'))
    expect(smb).toBeGreaterThan(ent)
    const churnedAccounts = big.accounts.filter((w) => w.movements.some((m) => m.kind === 'churn')).length / big.accounts.length
    expect(churnedAccounts).toBeGreaterThan(0.06)
    expect(churnedAccounts).toBeLessThan(0.15)
  })

  it('makes churn predictable from the true health, but not perfectly', () => {
    const truthAuc = auc(
      decisions.map((d) => -d.renewal.trueHealth),
      labels,
    )
    expect(truthAuc).toBeGreaterThan(0.7)
    expect(truthAuc).toBeLessThan(0.9)
    expect(churnProbability('SMB', 0.2, 0)).toBeGreaterThan(churnProbability('SMB', 0.8, 0))
  })

  it('makes churn visible in observable signals, less clearly than in the truth', () => {
    const dayMs = 86_400_000
    const observable = decisions.map(({ world, renewal }) => {
      const end = Date.parse(renewal.date)
      const start = end - 120 * dayMs
      const inRange = (iso: string) => {
        const t = Date.parse(iso)
        return t >= start && t < end
      }
      const notes = world.touchpoints.filter((t) => inRange(t.occurredAt))
      const negative = notes.filter((t) => negativeWording.test(t.subject)).length
      const positive = notes.filter((t) => !negativeWording.test(t.subject) && positiveWording.test(t.subject)).length
      const badTickets = world.tickets.filter((t) => inRange(t.openedAt) && (t.satisfaction === 'bad' || t.priority === 'urgent')).length
      return (negative + badTickets - positive) / (notes.length + 1)
    })
    const truthAuc = auc(
      decisions.map((d) => -d.renewal.trueHealth),
      labels,
    )
    const observedAuc = auc(observable, labels)
    expect(observedAuc).toBeGreaterThan(0.6)
    expect(observedAuc).toBeLessThan(truthAuc)
  })

  it('stores the truth per active account-month inside the window, with a usage intensity for each', () => {
    const months = new Set<string>()
    const problems: string[] = []
    for (const w of big.accounts) {
      for (const t of w.truth) {
        months.add(t.month)
        if (!(t.trueHealth >= 0 && t.trueHealth <= 1)) problems.push(`true health ${t.trueHealth}`)
      }
      if (w.usage.map((u) => u.month).join() !== w.truth.map((t) => t.month).join()) problems.push(`usage months of ${w.account.name}`)
      for (const u of w.usage) {
        if (!(u.intensity >= 0 && u.intensity <= 1)) problems.push(`usage intensity ${u.intensity}`)
        if (u.expectedActiveUsers > u.seats) problems.push(`${u.expectedActiveUsers} active users on ${u.seats} seats`)
      }
    }
    expect(problems).toEqual([])
    expect([...months].sort()).toEqual([
      '2024-07-01', '2024-08-01', '2024-09-01', '2024-10-01', '2024-11-01', '2024-12-01',
      '2025-01-01', '2025-02-01', '2025-03-01', '2025-04-01', '2025-05-01', '2025-06-01',
    ])
    // Usage follows the truth, noisily.
    const pairs = big.accounts.flatMap((w) => w.truth.map((t, i) => [t.trueHealth, w.usage[i].intensity] as const))
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length
    const mx = mean(pairs.map((p) => p[0]))
    const my = mean(pairs.map((p) => p[1]))
    const cov = mean(pairs.map(([x, y]) => (x - mx) * (y - my)))
    const sx = Math.sqrt(mean(pairs.map(([x]) => (x - mx) ** 2)))
    const sy = Math.sqrt(mean(pairs.map(([, y]) => (y - my) ** 2)))
    const correlation = cov / (sx * sy)
    expect(correlation).toBeGreaterThan(0.6)
    expect(correlation).toBeLessThan(0.98)
  })

  it('keeps everything observable in the past and consistent', () => {
    const todayIso = `${today}T00:00:00.000Z`
    const problems: string[] = []
    for (const w of big.accounts) {
      const contactIds = new Set(w.contacts.map((c) => c.id))
      for (const t of w.touchpoints) {
        if (t.occurredAt >= todayIso) problems.push(`touchpoint in the future: ${t.occurredAt}`)
        if (!t.contactIds.every((id) => contactIds.has(id))) problems.push(`touchpoint with a foreign contact: ${t.id}`)
      }
      for (const t of w.tickets) {
        if (t.openedAt >= todayIso) problems.push(`ticket in the future: ${t.openedAt}`)
        if (!contactIds.has(t.contactId)) problems.push(`ticket with a foreign contact: ${t.id}`)
        const solved = t.status === 'solved' || t.status === 'closed'
        if (solved !== (t.closedAt !== null)) problems.push(`ticket ${t.externalId} is ${t.status} with closedAt ${t.closedAt}`)
        if (t.satisfaction !== null && !solved) problems.push(`ticket ${t.externalId} rated while ${t.status}`)
        if (t.closedAt !== null && (t.closedAt < t.openedAt || t.closedAt >= todayIso)) problems.push(`ticket ${t.externalId} closed at ${t.closedAt}`)
      }
      for (const c of w.contacts) {
        if (!c.email.endsWith(`@${w.account.domain}`)) problems.push(`contact email ${c.email} outside ${w.account.domain}`)
        if (c.lastSeenAt !== null && (c.lastSeenAt >= todayIso || c.lastSeenAt < c.createdAt.slice(0, 10))) problems.push(`contact seen at ${c.lastSeenAt}`)
      }
    }
    expect(problems).toEqual([])
    const externalIds = big.accounts.flatMap((w) => w.tickets.map((t) => t.externalId))
    expect(new Set(externalIds).size).toBe(externalIds.length)
    expect(externalIds.every((id) => /^ZD-\d{6,}$/.test(id))).toBe(true)
  })
})
