/**
 * The demo world simulation: a pure function of (accounts, months, seed, today) producing the rows of
 * a fictional B2B SaaS company's customer base. No database, no clock, no Math.random: every draw
 * comes from a seeded generator (demo.random), so the same parameters give the same world.
 *
 * How it works:
 * 1. planWorld draws the cheap, global parts in one stream: the CS team, every account's firmographics,
 *    segment, owner CSM, start date and contract shape.
 * 2. simulateAccount runs one account month by month from its start to today with its own stream
 *    (seeded from the world seed and the account's index): a hidden "true health" (a mean-reverting
 *    random walk in logit space with shocks) drives renewals, expansions, contractions, churn and
 *    reactivation (the revenue ledger), and, noisily, everything observable inside the window:
 *    contacts' engagement, touchpoints (volume, tone), tickets (volume, priority, satisfaction).
 *    Accounts are simulated in index order because external ids (SUB-…, ZD-…) come from running
 *    counters; per-account streams keep the rest independent of how the caller chunks the work.
 *
 * Nothing observable carries the true health: it is only written to demo_account_truth.
 */
import {
  addMonths,
  atHour,
  isoTimestamp,
  msAt,
  clamp,
  dayInMonth,
  dayOfMonth,
  firstDayOfMonth,
  formatDay,
  isWeekend,
  lastDayOfMonth,
  logit,
  makeRng,
  monthOfDay,
  parseDay,
  sigmoid,
  toWorkday,
  type Rng,
} from './demo.random'
import {
  compoundHeads,
  compoundTails,
  contactTitles,
  competitors,
  countries,
  departments,
  firstNames,
  industries,
  industryNouns,
  industryWeights,
  lastNames,
  nameRoots,
  nameSuffixes,
  primaryUseCases,
  productFeatures,
  regionOfCountry,
  subsidiaryRegions,
  topLevelDomains,
  type Industry,
} from './demo.names'
import {
  churnReasons,
  eventTouchpoint,
  fillTemplate,
  issues,
  routineTouchpoint,
  ticketSubjects,
  type TextContext,
  type Tone,
  type TouchpointEvent,
  type TouchpointKind,
} from './demo.text'

// ---------------------------------------------------------------------------------------------
// Types

export type Segment = 'Enterprise' | 'Mid-Market' | 'SMB'
export const segments: readonly Segment[] = ['Enterprise', 'Mid-Market', 'SMB']

export type WorldParams = {
  accounts: number
  months: number
  seed: number
  /** 'YYYY-MM-DD': the last day of the window; nothing in the world happens on or after it. */
  today: string
}

/** Makes row ids; the service uses crypto.randomUUID, tests a counter to compare whole worlds. */
export type IdFactory = () => string

export type ContractTerm = 'annual' | 'multi_year' | 'monthly'
export type PlanName = 'Starter' | 'Growth' | 'Business' | 'Enterprise'
export type ContactRole = 'champion' | 'decision_maker' | 'economic_buyer' | 'admin' | 'user' | 'executive_sponsor' | 'billing' | 'technical'

export type DemoUser = {
  id: string
  email: string
  name: string
  title: string
  role: 'admin' | 'manager' | 'csm' | 'viewer'
  managerId: string | null
  /** The segment a CSM or team manager covers (not stored). */
  team: Segment | null
}

export type AccountPlan = {
  index: number
  id: string
  externalId: string
  name: string
  domain: string
  parentIndex: number | null
  segment: Segment
  industry: Industry
  country: string
  region: string
  employees: number
  plan: PlanName
  acquisitionChannel: string
  onboardingPackage: 'Self-serve' | 'Standard' | 'Premium'
  primaryUseCase: string
  contractTerm: ContractTerm
  termMonths: number
  startDay: number
  initialSeats: number
  unitPrice: number
  ownerId: string
  /** Owner CSM's team manager (authors some escalations). */
  managerId: string | null
  /** Book size of the owner CSM relative to the target ratio (1 = at target). */
  ownerLoad: number
  /** Long-run mean of the true health, in logit space (hidden). */
  healthMean: number
}

export type WorldPlan = {
  params: WorldParams
  today: number
  todayMonth: number
  windowStartMonth: number
  windowStartDay: number
  users: DemoUser[]
  accounts: AccountPlan[]
}

export type AccountRow = {
  id: string
  externalId: string
  name: string
  domain: string
  parentId: string | null
  ownerId: string
  plan: PlanName
  industry: string
  employees: number
  country: string
  arr: number
  currency: string
  renewalDate: string | null
  traits: Record<string, unknown>
  status: 'active' | 'churned'
  churnedAt: string | null
  createdAt: string
  updatedAt: string
}

export type ContactRow = {
  id: string
  accountId: string
  externalId: string
  email: string
  name: string
  title: string
  phone: string | null
  roles: ContactRole[]
  traits: Record<string, unknown>
  lastSeenAt: string | null
  createdAt: string
  updatedAt: string
}

export type SubscriptionRow = {
  id: string
  accountId: string
  externalId: string
  product: string
  startDate: string
  endDate: string
  arr: number
  currency: string
  seats: number
  status: 'active' | 'canceled' | 'expired'
  autoRenew: boolean
  createdAt: string
  updatedAt: string
}

export type RevenueMovementKind = 'new' | 'expansion' | 'contraction' | 'churn' | 'reactivation'

export type RevenueMovementRow = {
  id: string
  accountId: string
  subscriptionId: string
  kind: RevenueMovementKind
  effectiveDate: string
  arrDelta: number
  currency: string
  source: string
  note: string
  createdAt: string
}

export type TouchpointRow = {
  id: string
  accountId: string
  kind: TouchpointKind
  authorId: string
  occurredAt: string
  subject: string
  body: string
  contactIds: string[]
  createdAt: string
  updatedAt: string
}

export type TicketPriority = 'low' | 'normal' | 'high' | 'urgent'
export type TicketStatus = 'new' | 'open' | 'pending' | 'on_hold' | 'solved' | 'closed'

export type TicketRow = {
  id: string
  accountId: string
  contactId: string
  externalId: string
  subject: string
  priority: TicketPriority
  status: TicketStatus
  openedAt: string
  closedAt: string | null
  satisfaction: 'good' | 'bad' | null
  createdAt: string
  updatedAt: string
}

export type TruthRow = { accountId: string; month: string; trueHealth: number }

/**
 * Latent product usage of one account in one month, derived noisily from the true health. Not stored:
 * demo.usage turns it into Segment calls sent through event ingestion, so usage is an observable,
 * noisy churn signal.
 */
export type AccountMonthUsage = {
  accountId: string
  /** First day of the month, 'YYYY-MM-DD'. */
  month: string
  /** 0..1: how intensely the licensed seats use the product this month. */
  intensity: number
  seats: number
  /** Distinct users expected to be active this month. */
  expectedActiveUsers: number
}

/** One renewal decision inside the window, with the truth behind it (for validation, never stored). */
export type RenewalOutcome = { date: string; trueHealth: number; churned: boolean; contract: 'term' | 'monthly' }

export type AccountWorld = {
  account: AccountRow
  contacts: ContactRow[]
  subscriptions: SubscriptionRow[]
  movements: RevenueMovementRow[]
  touchpoints: TouchpointRow[]
  tickets: TicketRow[]
  truth: TruthRow[]
  usage: AccountMonthUsage[]
  renewals: RenewalOutcome[]
}

/** Running counters for external ids; accounts must be simulated in index order with one instance. */
export type WorldCounters = { subscription: number; contact: number; ticket: number }

export const newWorldCounters = (): WorldCounters => ({ subscription: 0, contact: 0, ticket: 0 })

export const demoCompany = { name: 'Northwind Cloud', emailDomain: 'northwind.example', product: 'Northwind Workflow' } as const

// ---------------------------------------------------------------------------------------------
// Tunables

/** Target accounts per CSM by segment. */
const accountsPerCsm: Record<Segment, number> = { Enterprise: 15, 'Mid-Market': 40, SMB: 150 }
const listPricePerSeat: Record<PlanName, number> = { Starter: 240, Growth: 420, Business: 600, Enterprise: 900 }
/** Initial ARR: log-normal median and spread, truncated to the segment's range. */
const arrShape: Record<Segment, { median: number; sigma: number; min: number; max: number }> = {
  SMB: { median: 8_000, sigma: 0.6, min: 3_000, max: 25_000 },
  'Mid-Market': { median: 50_000, sigma: 0.45, min: 25_000, max: 120_000 },
  Enterprise: { median: 230_000, sigma: 0.75, min: 120_000, max: 1_500_000 },
}
const healthSegmentOffset: Record<Segment, number> = { Enterprise: 0.35, 'Mid-Market': 0.15, SMB: -0.1 }
const churnSegmentOffset: Record<Segment, number> = { Enterprise: -0.5, 'Mid-Market': 0.2, SMB: 0.12 }
const touchpointsPerMonth: Record<Segment, number> = { Enterprise: 4.2, 'Mid-Market': 1.8, SMB: 0.5 }
const ticketsPerMonth: Record<Segment, number> = { Enterprise: 1.5, 'Mid-Market': 0.75, SMB: 0.28 }
const touchpointKindMix: Record<Segment, readonly (readonly [TouchpointKind, number])[]> = {
  Enterprise: [['call', 25], ['meeting', 30], ['email', 30], ['note', 15]],
  'Mid-Market': [['call', 30], ['meeting', 15], ['email', 35], ['note', 20]],
  SMB: [['email', 50], ['call', 20], ['note', 25], ['meeting', 5]],
}

const HEALTH_REVERSION = 0.12
const HEALTH_VOLATILITY = 0.28
const CHURN_INTERCEPT = 1.325
const CHURN_HEALTH_WEIGHT = 6.5
const CHURN_NOISE = 0.7

/** Probability that an account renewing with this true health churns (annual decision). */
export function churnProbability(segment: Segment, trueHealth: number, noise: number): number {
  return sigmoid(CHURN_INTERCEPT + churnSegmentOffset[segment] - CHURN_HEALTH_WEIGHT * trueHealth + CHURN_NOISE * noise)
}

/** Latent usage intensity (0..1) of an account-month: the true health seen through usage noise. */
export function usageIntensity(trueHealth: number, noise: number): number {
  return clamp(sigmoid(1.1 * logit(clamp(trueHealth, 0.01, 0.99)) + 0.35 * noise + 0.2), 0, 1)
}

// ---------------------------------------------------------------------------------------------
// Planning (one stream for the whole world)

export function validateWorldParams(params: WorldParams): void {
  if (!Number.isInteger(params.accounts) || params.accounts < 1 || params.accounts > 1_000_000) {
    throw new Error(`accounts must be an integer from 1 to 1,000,000 (got ${params.accounts})`)
  }
  if (!Number.isInteger(params.months) || params.months < 1 || params.months > 60) {
    throw new Error(`months must be an integer from 1 to 60 (got ${params.months})`)
  }
  if (!Number.isSafeInteger(params.seed)) throw new Error(`seed must be an integer (got ${params.seed})`)
  parseDay(params.today)
}

const asciiSlug = (text: string): string =>
  text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')

function truncatedLogNormal(rng: Rng, shape: { median: number; sigma: number; min: number; max: number }): number {
  for (let attempt = 0; attempt < 30; attempt++) {
    const value = shape.median * Math.exp(shape.sigma * rng.normal())
    if (value >= shape.min && value <= shape.max) return value
  }
  return clamp(shape.median, shape.min, shape.max)
}

function makeUsers(rng: Rng, newId: IdFactory, segmentCounts: Record<Segment, number>): { users: DemoUser[]; csmsBySegment: Record<Segment, DemoUser[]> } {
  const taken = new Set<string>()
  const person = (): { name: string; email: string } => {
    for (let attempt = 0; ; attempt++) {
      const first = rng.pick(firstNames)
      const last = rng.pick(lastNames)
      const local = `${asciiSlug(first)}.${asciiSlug(last)}${attempt > 20 ? attempt : ''}`
      if (taken.has(local)) continue
      taken.add(local)
      return { name: `${first} ${last}`, email: `${local}@${demoCompany.emailDomain}` }
    }
  }
  const users: DemoUser[] = []
  const add = (role: DemoUser['role'], title: string, managerId: string | null, team: Segment | null): DemoUser => {
    const user: DemoUser = { id: newId(), ...person(), title, role, managerId, team }
    users.push(user)
    return user
  }

  const vp = add('manager', 'VP of Customer Success', null, null)
  const managers: Record<Segment, DemoUser> = {
    Enterprise: add('manager', 'Director, Enterprise Customer Success', vp.id, 'Enterprise'),
    'Mid-Market': add('manager', 'Manager, Mid-Market Customer Success', vp.id, 'Mid-Market'),
    SMB: add('manager', 'Manager, Scale Customer Success', vp.id, 'SMB'),
  }
  const csmCounts: Record<Segment, number> = {
    Enterprise: Math.max(1, Math.ceil(segmentCounts.Enterprise / accountsPerCsm.Enterprise)),
    'Mid-Market': Math.max(1, Math.ceil(segmentCounts['Mid-Market'] / accountsPerCsm['Mid-Market'])),
    SMB: Math.max(1, Math.ceil(segmentCounts.SMB / accountsPerCsm.SMB)),
  }
  const order: Segment[] = ['SMB', 'Mid-Market', 'Enterprise']
  for (let i = 0; csmCounts.Enterprise + csmCounts['Mid-Market'] + csmCounts.SMB < 6; i++) csmCounts[order[i % 3]]++

  // A large enterprise team gets a second manager (strategic accounts).
  const strategic = csmCounts.Enterprise >= 8 ? add('manager', 'Director, Strategic Accounts', vp.id, 'Enterprise') : null
  const csmTitles: Record<Segment, readonly [string, string]> = {
    Enterprise: ['Strategic Customer Success Manager', 'Senior Customer Success Manager'],
    'Mid-Market': ['Customer Success Manager', 'Senior Customer Success Manager'],
    SMB: ['Scale Customer Success Manager', 'Digital Customer Success Manager'],
  }
  const csmsBySegment: Record<Segment, DemoUser[]> = { Enterprise: [], 'Mid-Market': [], SMB: [] }
  for (const segment of segments) {
    for (let i = 0; i < csmCounts[segment]; i++) {
      const manager = segment === 'Enterprise' && strategic && i % 2 === 1 ? strategic : managers[segment]
      const title = rng.chance(0.3) ? csmTitles[segment][1] : csmTitles[segment][0]
      csmsBySegment[segment].push(add('csm', title, manager.id, segment))
    }
  }
  add('admin', 'CS Operations Manager', vp.id, null)
  add('viewer', 'Sales Director', null, null)
  add('viewer', 'Finance Manager, FP&A', null, null)
  return { users, csmsBySegment }
}

type NameRegistry = { names: Set<string>; domains: Set<string> }

function makeCompanyName(rng: Rng, industry: Industry, registry: NameRegistry): { name: string; domain: string } {
  const nouns = industryNouns[industry]
  let name = ''
  let first = ''
  for (let attempt = 0; attempt < 12 && !name; attempt++) {
    first = rng.chance(0.45) ? `${rng.pick(compoundHeads)}${rng.pick(compoundTails)}` : rng.pick(nameRoots)
    const candidate = `${first} ${rng.pick(nouns)}`
    if (!registry.names.has(candidate)) name = candidate
  }
  if (!name) {
    const base = `${first} ${rng.pick(nouns)}`
    for (const suffix of rng.sample(nameSuffixes, nameSuffixes.length)) {
      if (!registry.names.has(`${base} ${suffix}`)) {
        name = `${base} ${suffix}`
        break
      }
    }
    for (let n = 2; !name; n++) if (!registry.names.has(`${base} ${n}`)) name = `${base} ${n}`
  }
  registry.names.add(name)

  // Compound first words make good domains on their own (brightwave.io); plain words get the full name.
  const tld = rng.weighted(topLevelDomains)
  const firstSlug = asciiSlug(first)
  const fullSlug = asciiSlug(name)
  const isCompound = !(nameRoots as readonly string[]).includes(first)
  const candidates = [...(isCompound ? [`${firstSlug}.${tld}`] : []), `${fullSlug}.${tld}`, `${fullSlug}.com`, `${fullSlug}.io`, `get${fullSlug}.com`, `${fullSlug}hq.com`]
  let domain = candidates.find((candidate) => !registry.domains.has(candidate))
  for (let n = 2; !domain; n++) if (!registry.domains.has(`${fullSlug}${n}.com`)) domain = `${fullSlug}${n}.com`
  registry.domains.add(domain)
  return { name, domain }
}

function choosePlan(segment: Segment, arr: number): PlanName {
  if (segment === 'Enterprise') return 'Enterprise'
  if (segment === 'Mid-Market') return arr < 55_000 ? 'Growth' : 'Business'
  return arr < 9_000 ? 'Starter' : 'Growth'
}

export function planWorld(params: WorldParams, newId: IdFactory): WorldPlan {
  validateWorldParams(params)
  const rng = makeRng(params.seed, 0x5eed)
  const today = parseDay(params.today)
  const todayMonth = monthOfDay(today)
  const windowStartMonth = todayMonth - params.months + 1
  const windowStartDay = firstDayOfMonth(windowStartMonth)
  const registry: NameRegistry = { names: new Set(), domains: new Set() }
  const industryEntries = industries.map((industry) => [industry, industryWeights[industry]] as const)
  const countryEntries = countries.map(([country, weight]) => [country, weight] as const)
  // Share of accounts acquired inside the window (the company grows ~18 % a year in logos).
  const newShare = clamp((0.18 * params.months) / 12, 0.03, 0.6)

  type Draft = Omit<AccountPlan, 'ownerId' | 'managerId' | 'ownerLoad' | 'healthMean'> & { fit: number }
  const drafts: Draft[] = []
  let pendingChildren: { parent: Draft; regions: (typeof subsidiaryRegions)[number][] } | null = null

  for (let index = 0; index < params.accounts; index++) {
    const child = pendingChildren?.regions.shift() ?? null
    const parent = child && pendingChildren ? pendingChildren.parent : null
    if (pendingChildren && pendingChildren.regions.length === 0) pendingChildren = null

    const segment: Segment = parent ? 'Enterprise' : rng.weighted([['Enterprise', 9.2], ['Mid-Market', 30.5], ['SMB', 60.3]] as const)
    const industry = parent ? parent.industry : rng.weighted(industryEntries)
    let name: string
    let domain: string
    if (parent && child) {
      name = `${parent.name} ${child.label}`
      domain = `${child.domain}.${parent.domain}`
      registry.names.add(name)
      registry.domains.add(domain)
    } else {
      ;({ name, domain } = makeCompanyName(rng, industry, registry))
    }
    const country = child ? child.country : rng.weighted(countryEntries)

    // Start: most accounts are customers before the window opens (so renewals fall inside it).
    let startDay: number
    if (parent) {
      const earliest = parent.startDay + 30
      const latest = Math.max(earliest, today - 20)
      startDay = Math.min(latest, earliest + rng.int(0, 900))
    } else if (rng.chance(newShare)) {
      startDay = rng.int(windowStartDay, today - 10)
    } else {
      const monthsBefore = 1 + Math.min(66, Math.floor(rng.exponential(20)))
      startDay = dayInMonth(windowStartMonth - monthsBefore, rng.int(1, 28))
    }
    startDay = Math.min(startDay, today - 1)

    const contractTerm: ContractTerm =
      segment === 'Enterprise'
        ? rng.chance(0.25) ? 'multi_year' : 'annual'
        : segment === 'Mid-Market'
          ? rng.chance(0.07) ? 'multi_year' : 'annual'
          : rng.chance(0.18) ? 'monthly' : 'annual'
    const termMonths = contractTerm === 'monthly' ? 1 : contractTerm === 'multi_year' ? rng.pick([24, 36, 36]) : 12

    // Initial ARR: sized so that after years of net expansion the account sits in its segment's range.
    const yearsBeforeToday = (today - startDay) / 365
    const targetArr = truncatedLogNormal(rng, arrShape[segment]) * (parent ? rng.range(0.6, 0.9) : 1)
    const initialArr = Math.max(arrShape[segment].min * 0.7, targetArr / Math.pow(1.06, yearsBeforeToday))
    const plan = choosePlan(segment, initialArr)
    const discount = segment === 'Enterprise' ? rng.range(0.1, 0.35) : segment === 'Mid-Market' ? rng.range(0.05, 0.2) : rng.range(0, 0.1)
    const unitPrice = Math.round(listPricePerSeat[plan] * (1 - discount))
    const initialSeats = Math.max(3, Math.round(initialArr / unitPrice))

    const employeeShape =
      segment === 'Enterprise' ? { median: 5000, sigma: 0.9, min: 1000, max: 120_000 }
      : segment === 'Mid-Market' ? { median: 600, sigma: 0.6, min: 150, max: 3000 }
      : { median: 60, sigma: 0.7, min: 8, max: 400 }
    let employees = Math.round(truncatedLogNormal(rng, employeeShape))
    if (parent) employees = Math.max(200, Math.round(parent.employees * rng.range(0.05, 0.3)))
    employees = Math.max(employees, Math.ceil(initialSeats * 1.6))

    const acquisitionChannel =
      segment === 'SMB'
        ? rng.weighted([['Self-serve signup', 40], ['Inbound', 35], ['Partner referral', 10], ['Outbound sales', 10], ['Event', 5]] as const)
        : rng.weighted([['Outbound sales', 45], ['Inbound', 20], ['Partner referral', 20], ['Event', 15]] as const)
    const onboardingPackage =
      segment === 'Enterprise'
        ? rng.weighted([['Premium', 70], ['Standard', 30]] as const)
        : segment === 'Mid-Market'
          ? rng.weighted([['Premium', 25], ['Standard', 65], ['Self-serve', 10]] as const)
          : rng.weighted([['Standard', 35], ['Self-serve', 65]] as const)
    const draft: Draft = {
      index,
      id: newId(),
      externalId: `ACC-${String(index + 1).padStart(6, '0')}`,
      name,
      domain,
      parentIndex: parent ? parent.index : null,
      segment,
      industry,
      country,
      region: regionOfCountry[country] ?? 'North America',
      employees,
      plan,
      acquisitionChannel,
      onboardingPackage,
      primaryUseCase: parent ? parent.primaryUseCase : rng.pick(primaryUseCases),
      contractTerm,
      termMonths,
      startDay,
      initialSeats,
      unitPrice,
      fit: rng.normal(),
    }
    drafts.push(draft)

    // A few enterprise accounts are groups with subsidiaries that follow them directly.
    if (!parent && segment === 'Enterprise' && !pendingChildren && rng.chance(0.12) && index + 2 < params.accounts) {
      const count = Math.min(rng.int(1, 3), params.accounts - index - 1)
      pendingChildren = { parent: draft, regions: rng.sample(subsidiaryRegions, count) }
    }
  }

  const segmentCounts: Record<Segment, number> = { Enterprise: 0, 'Mid-Market': 0, SMB: 0 }
  for (const draft of drafts) segmentCounts[draft.segment]++
  const { users, csmsBySegment } = makeUsers(rng, newId, segmentCounts)

  // Uneven books: some CSMs carry more accounts than others.
  const capacity = new Map<string, number>()
  for (const user of users) if (user.role === 'csm') capacity.set(user.id, rng.range(0.6, 1.5))
  const owners: DemoUser[] = []
  const bookSize = new Map<string, number>()
  for (const draft of drafts) {
    const owner =
      draft.parentIndex !== null
        ? owners[draft.parentIndex]
        : rng.weighted(csmsBySegment[draft.segment].map((csm) => [csm, capacity.get(csm.id) ?? 1] as const))
    owners.push(owner)
    bookSize.set(owner.id, (bookSize.get(owner.id) ?? 0) + 1)
  }

  const onboardingEffect = { Premium: 0.25, Standard: 0, 'Self-serve': -0.2 } as const
  const accounts: AccountPlan[] = drafts.map((draft, i) => {
    const owner = owners[i]
    const ownerLoad = (bookSize.get(owner.id) ?? 1) / accountsPerCsm[owner.team ?? draft.segment]
    const { fit, ...rest } = draft
    const healthMean =
      logit(0.68) +
      healthSegmentOffset[draft.segment] +
      onboardingEffect[draft.onboardingPackage] +
      (draft.acquisitionChannel === 'Partner referral' ? 0.1 : 0) -
      0.15 * Math.max(0, ownerLoad - 1) +
      0.6 * fit
    return { ...rest, ownerId: owner.id, managerId: owner.managerId, ownerLoad, healthMean }
  })

  return { params, today, todayMonth, windowStartMonth, windowStartDay, users, accounts }
}

// ---------------------------------------------------------------------------------------------
// One account

type LiveContact = {
  row: ContactRow
  from: number
  /** Day the person left the customer (exclusive), or Infinity. */
  to: number
  department: string
}

type WorldEvent = { day: number; event: TouchpointEvent; context: TextContext; contactIndex?: number }

type Term = { row: SubscriptionRow; startDay: number; endDay: number }

const contactRolePlan: Record<Segment, readonly (readonly ContactRole[])[]> = {
  SMB: [['champion', 'admin'], ['decision_maker', 'economic_buyer'], ['billing'], ['user'], ['technical'], ['user']],
  'Mid-Market': [['champion'], ['decision_maker'], ['economic_buyer'], ['admin'], ['billing'], ['technical'], ['user'], ['user']],
  Enterprise: [
    ['champion'], ['executive_sponsor'], ['decision_maker'], ['economic_buyer'], ['admin'], ['technical'],
    ['billing'], ['champion'], ['user'], ['admin'], ['user'], ['technical'],
  ],
}

const areaCodes = [212, 206, 303, 312, 404, 415, 512, 617, 646, 702, 919] as const

const money = (value: number): string => `$${Math.round(value).toLocaleString('en-US')}`

function contactCount(rng: Rng, plan: AccountPlan): number {
  if (plan.parentIndex !== null) return rng.int(3, 6)
  if (plan.segment === 'Enterprise') return rng.int(7, 12)
  if (plan.segment === 'Mid-Market') return rng.int(4, 8)
  return rng.int(2, 5)
}

export function simulateAccount(world: WorldPlan, plan: AccountPlan, counters: WorldCounters, newId: IdFactory): AccountWorld {
  const rng = makeRng(world.params.seed, 0xacc7, plan.index)
  const { today, todayMonth, windowStartDay, windowStartMonth } = world
  const lastDay = today - 1
  const accountId = plan.id
  const startMonth = monthOfDay(plan.startDay)

  // --- Contacts ------------------------------------------------------------------------------
  const contacts: LiveContact[] = []
  const localNames = new Set<string>()
  const makeContact = (roles: readonly ContactRole[], fromDay: number): LiveContact => {
    let first = ''
    let last = ''
    let local = ''
    for (let attempt = 0; attempt < 50; attempt++) {
      first = rng.pick(firstNames)
      last = rng.pick(lastNames)
      local = `${asciiSlug(first)}.${asciiSlug(last)}${attempt >= 40 ? attempt : ''}`
      if (!localNames.has(local)) break
    }
    localNames.add(local)
    counters.contact++
    const role = roles[0]
    const department = role === 'billing' || role === 'economic_buyer' ? 'Finance' : role === 'technical' || role === 'admin' ? 'IT' : rng.pick(departments)
    const createdAt = atHour(fromDay, rng.range(13, 22))
    const row: ContactRow = {
      id: newId(),
      accountId,
      externalId: `CON-${String(counters.contact).padStart(7, '0')}`,
      email: `${local}@${plan.domain}`,
      name: `${first} ${last}`,
      title: rng.pick(contactTitles[role]),
      // 555-0100…0199 numbers are reserved for fiction.
      phone: rng.chance(0.55) ? `+1 ${rng.pick(areaCodes)} 555 01${String(rng.int(0, 99)).padStart(2, '0')}` : null,
      roles: [...roles],
      traits: { department },
      lastSeenAt: null,
      createdAt,
      updatedAt: createdAt,
    }
    const contact: LiveContact = { row, from: fromDay, to: Infinity, department }
    contacts.push(contact)
    return contact
  }
  const rolePlan = contactRolePlan[plan.segment]
  const initialContacts = contactCount(rng, plan)
  for (let i = 0; i < initialContacts; i++) {
    const from = i < 2 ? plan.startDay : Math.min(lastDay, plan.startDay + rng.int(0, 120))
    makeContact(rolePlan[i % rolePlan.length], from)
  }
  const contactsAt = (day: number): LiveContact[] => {
    const live = contacts.filter((c) => c.from <= day && day < c.to)
    return live.length > 0 ? live : contacts.slice(0, 1)
  }
  const championAt = (day: number): LiveContact => {
    const live = contactsAt(day)
    return live.find((c) => c.row.roles.includes('champion')) ?? live[0]
  }

  // --- Health and commercial history ---------------------------------------------------------
  const monthsSimulated = todayMonth - startMonth + 1
  const health: number[] = new Array<number>(monthsSimulated)
  const events: WorldEvent[] = []
  const movements: RevenueMovementRow[] = []
  const terms: Term[] = []
  const renewals: RenewalOutcome[] = []
  const activePeriods: { from: number; to: number }[] = []
  /** Seats in force after each movement, to look up the seats of a month. */
  const seatHistory: { day: number; seats: number }[] = []

  let x = plan.healthMean + 0.5 * rng.normal()
  let seats = plan.initialSeats
  let unitPrice = plan.unitPrice
  let arr = 0
  // Widened on purpose: these change inside the closures below, which narrowing does not see.
  let status = 'active' as 'active' | 'churned'
  let churnDay = null as number | null
  let reactivationDay = null as number | null
  let activeFrom = plan.startDay
  let incidentMonth = -1
  const badOnboarding = rng.chance(plan.onboardingPackage === 'Premium' ? 0.05 : plan.onboardingPackage === 'Standard' ? 0.12 : 0.22)
  if (badOnboarding) x -= 1.0

  const product = `${demoCompany.product} ${plan.plan}`
  const addMovement = (kind: RevenueMovementKind, day: number, delta: number, term: Term, note: string): void => {
    arr += delta
    movements.push({
      id: newId(),
      accountId,
      subscriptionId: term.row.id,
      kind,
      effectiveDate: formatDay(day),
      arrDelta: delta,
      currency: 'USD',
      source: 'demo',
      note,
      createdAt: atHour(day, 12),
    })
    seatHistory.push({ day, seats })
  }
  const openTerm = (startDay: number): Term => {
    const endDay = plan.contractTerm === 'monthly' ? nextMonthlyEnd(startDay) : addMonths(startDay, plan.termMonths)
    counters.subscription++
    const row: SubscriptionRow = {
      id: newId(),
      accountId,
      externalId: `SUB-${String(counters.subscription).padStart(7, '0')}`,
      product,
      startDate: formatDay(startDay),
      endDate: formatDay(endDay),
      arr: seats * unitPrice,
      currency: 'USD',
      seats,
      status: 'active',
      autoRenew: plan.contractTerm !== 'multi_year',
      createdAt: atHour(startDay, 12),
      updatedAt: atHour(startDay, 12),
    }
    const term: Term = { row, startDay, endDay }
    terms.push(term)
    return term
  }
  /** Monthly plans keep one subscription row whose end is the next billing date after today. */
  const nextMonthlyEnd = (startDay: number): number => {
    let end = addMonths(startDay, 1)
    for (let k = 2; end <= lastDay; k++) end = addMonths(startDay, k)
    return end
  }
  const setTermValue = (term: Term, day: number): void => {
    term.row.seats = seats
    term.row.arr = seats * unitPrice
    term.row.updatedAt = atHour(day, 12)
  }

  let term = openTerm(plan.startDay)
  addMovement('new', plan.startDay, seats * unitPrice, term, `New business: ${seats} seats on ${plan.plan}`)
  if (plan.startDay >= windowStartDay) events.push({ day: toWorkday(plan.startDay + 2), event: 'kickoff', context: { n: rng.int(4, 10) } })
  if (badOnboarding) events.push({ day: plan.startDay + rng.int(30, 60), event: 'badOnboarding', context: {} })
  else events.push({ day: plan.startDay + rng.int(45, 90), event: 'onboardingDone', context: {} })

  const decideChurn = (day: number, h: number, monthly: boolean): boolean => {
    const inWindow = day >= windowStartDay
    const pAnnual = churnProbability(plan.segment, h, rng.normal())
    const p = monthly ? 1 - Math.pow(1 - pAnnual, 1 / 12) : pAnnual
    const churned = rng.chance(p) && inWindow
    if (inWindow) renewals.push({ date: formatDay(day), trueHealth: h, churned, contract: monthly ? 'monthly' : 'term' })
    return churned
  }
  const churnAt = (day: number): void => {
    const reason = fillTemplate(rng.pick(churnReasons), { competitor: rng.pick(competitors), feature: rng.pick(productFeatures) })
    addMovement('churn', day, -arr, term, `Churned: ${reason}`)
    term.row.status = 'canceled'
    term.row.autoRenew = false
    term.row.endDate = formatDay(day)
    term.row.updatedAt = atHour(day, 12)
    events.push({ day, event: 'churned', context: { reason } })
    activePeriods.push({ from: activeFrom, to: day })
    status = 'churned'
    churnDay = day
    reactivationDay = rng.chance(0.12) ? day + rng.int(60, 300) : null
    if (reactivationDay !== null && reactivationDay > lastDay) reactivationDay = null
  }

  for (let m = startMonth; m <= todayMonth; m++) {
    const monthIndex = m - startMonth
    const monthFirst = firstDayOfMonth(m)
    const monthLast = Math.min(lastDayOfMonth(m), lastDay)
    const dayIn = (): number => rng.int(Math.max(monthFirst, plan.startDay), monthLast)
    const canAct = monthLast >= Math.max(monthFirst, plan.startDay)

    // Health step: mean reversion, noise and occasional shocks.
    if (monthIndex > 0) {
      x += HEALTH_REVERSION * (plan.healthMean - x) + HEALTH_VOLATILITY * rng.normal()
      if (status === 'active' && canAct) {
        if (rng.chance(0.012)) {
          x -= 1.1
          const day = dayIn()
          const former = championAt(day)
          if (former.row.roles.includes('champion')) {
            former.to = day
            events.push({ day, event: 'championLeft', context: { former: former.row.name } })
            const arrival = day + rng.int(14, 45)
            if (arrival <= lastDay) {
              const successor = makeContact(['champion'], arrival)
              events.push({ day: toWorkday(arrival), event: 'newChampion', context: { former: former.row.name }, contactIndex: contacts.indexOf(successor) })
            }
          }
        }
        if (rng.chance(0.008)) {
          x -= 0.6
          events.push({ day: dayIn(), event: 'reorg', context: {} })
        }
        if (rng.chance(0.006)) {
          x -= 0.5
          incidentMonth = m
          events.push({ day: dayIn(), event: 'incident', context: {} })
        }
        if (plan.segment !== 'SMB' && rng.chance(0.01)) {
          x += 0.6
          const day = dayIn()
          const sponsor = makeContact(['executive_sponsor'], day)
          events.push({ day, event: 'execSponsor', context: {}, contactIndex: contacts.indexOf(sponsor) })
        }
      }
    }
    const h = sigmoid(x)
    health[monthIndex] = h

    // Commercial events of the month, in date order.
    if (status === 'churned') {
      if (reactivationDay !== null && monthOfDay(reactivationDay) === m) {
        const day = reactivationDay
        reactivationDay = null
        x = plan.healthMean + 0.3 + 0.4 * rng.normal()
        seats = Math.max(3, Math.round(seats * rng.range(0.5, 1)))
        term = openTerm(day)
        addMovement('reactivation', day, seats * unitPrice, term, `Reactivated: ${seats} seats`)
        status = 'active'
        churnDay = null
        activeFrom = day
        events.push({ day, event: 'reactivated', context: {} })
      }
      continue
    }

    if (plan.contractTerm === 'monthly') {
      const billingDay = dayInMonth(m, dayOfMonth(plan.startDay))
      if (billingDay > plan.startDay && billingDay <= lastDay) {
        if (decideChurn(billingDay, h, true)) {
          churnAt(billingDay)
          continue
        }
        const g = h + 0.12 * rng.normal()
        const before = seats
        if (g > 0.6 && rng.chance(0.04)) seats += rng.int(1, Math.max(1, Math.round(seats * 0.25)))
        else if (g < 0.45 && rng.chance(0.05)) seats = Math.max(2, seats - rng.int(1, Math.max(1, Math.round(seats * 0.2))))
        if (seats !== before) {
          const delta = (seats - before) * unitPrice
          addMovement(delta > 0 ? 'expansion' : 'contraction', billingDay, delta, term, `${delta > 0 ? 'Added' : 'Removed'} ${Math.abs(seats - before)} seats`)
          setTermValue(term, billingDay)
          if (delta > 0) events.push({ day: billingDay, event: 'expansion', context: { n: seats - before, arr: money(arr) } })
        }
      }
      continue
    }

    // Term contracts: renewal when the term ends this month.
    if (monthOfDay(term.endDay) === m && term.endDay <= lastDay) {
      const day = term.endDay
      if (decideChurn(day, h, false)) {
        churnAt(day)
        continue
      }
      const g = h + 0.12 * rng.normal()
      let factor = 1
      if (g > 0.7) factor = rng.chance(0.6) ? 1 + rng.range(0.05, 0.4) : 1
      else if (g < 0.42) factor = rng.chance(0.55) ? 1 - rng.range(0.1, 0.4) : 1
      else factor = rng.chance(0.2) ? 1 + rng.range(0.03, 0.15) : rng.chance(0.08) ? 1 - rng.range(0.05, 0.2) : 1
      const upliftPct = rng.chance(0.2) ? rng.int(4, 9) : 0
      const before = seats
      seats = Math.max(3, Math.round(seats * factor))
      if (upliftPct > 0) {
        unitPrice = Math.round(unitPrice * (1 + upliftPct / 100))
        events.push({ day: toWorkday(day - rng.int(30, 60)), event: 'priceIncrease', context: { pct: upliftPct } })
        x -= 0.35
      }
      term.row.status = 'expired'
      term.row.updatedAt = atHour(day, 12)
      term = openTerm(day)
      const delta = seats * unitPrice - arr
      if (delta !== 0) {
        const parts = [seats !== before ? `${seats > before ? '+' : ''}${seats - before} seats` : '', upliftPct > 0 ? `${upliftPct}% price uplift` : ''].filter(Boolean)
        addMovement(delta > 0 ? 'expansion' : 'contraction', day, delta, term, `Renewal: ${parts.join(', ')}`)
      }
      if (factor > 1.02) x += 0.15
      const outcome: TouchpointEvent = seats > before ? 'renewedUp' : seats < before ? 'renewedDown' : 'renewedFlat'
      events.push({ day, event: outcome, context: { n: Math.abs(seats - before), arr: money(arr) } })
    } else if (canAct && h > 0.6 && rng.chance(0.012 + 0.05 * (h - 0.6))) {
      // Mid-term expansion of a healthy account.
      const day = dayIn()
      if (day > term.startDay && day < term.endDay) {
        const added = Math.max(1, Math.round(seats * rng.range(0.05, 0.2)))
        seats += added
        addMovement('expansion', day, added * unitPrice, term, `Mid-term expansion: +${added} seats`)
        setTermValue(term, day)
        events.push({ day, event: 'expansion', context: { n: added, arr: money(arr) } })
      }
    }
  }
  if (status === 'active') activePeriods.push({ from: activeFrom, to: today })

  // Renewal kickoffs before each term end that falls inside (or just after) the window.
  for (const t of terms) {
    if (plan.contractTerm === 'monthly') break
    const lead = plan.segment === 'SMB' ? 45 : 90
    const kickoff = toWorkday(t.endDay - lead - rng.int(0, 14))
    if (kickoff >= windowStartDay && kickoff <= lastDay && kickoff > t.startDay) {
      events.push({ day: kickoff, event: 'renewalKickoff', context: { renewalDate: formatDay(t.endDay), arr: money(t.row.arr) } })
    }
  }

  const healthOn = (day: number): number => health[clamp(monthOfDay(day) - startMonth, 0, monthsSimulated - 1)]
  const isActive = (day: number): boolean => activePeriods.some((p) => p.from <= day && day < p.to)

  // --- Truth and latent usage ----------------------------------------------------------------
  const truth: TruthRow[] = []
  const usage: AccountMonthUsage[] = []
  for (let m = Math.max(windowStartMonth, startMonth); m <= todayMonth; m++) {
    const from = firstDayOfMonth(m)
    const to = Math.min(lastDayOfMonth(m) + 1, today)
    if (!activePeriods.some((p) => p.from < to && from < p.to)) continue
    const h = health[m - startMonth]
    const month = formatDay(from)
    truth.push({ accountId, month, trueHealth: Math.round(h * 10_000) / 10_000 })
    let monthSeats = plan.initialSeats
    for (const entry of seatHistory) if (entry.day <= to) monthSeats = entry.seats
    const intensity = usageIntensity(h, rng.normal())
    usage.push({ accountId, month, intensity: Math.round(intensity * 1000) / 1000, seats: monthSeats, expectedActiveUsers: Math.round(monthSeats * (0.15 + 0.8 * intensity)) })
  }

  // --- Touchpoints ---------------------------------------------------------------------------
  const touchpoints: TouchpointRow[] = []
  const loadFactor = clamp(1.15 - 0.4 * (plan.ownerLoad - 1), 0.5, 1.2)
  const baseContext = (day: number, contact: LiveContact): TextContext => ({
    company: plan.name,
    contact: contact.row.name,
    title: contact.row.title,
    dept: contact.department,
    useCase: useCasePhrase(plan.primaryUseCase),
    feature: rng.pick(productFeatures),
    competitor: rng.pick(competitors),
    issue: rng.pick(issues),
    pct: rng.int(12, 45),
    n: rng.int(5, 60),
    renewalDate: formatDay(term.endDay),
    arr: money(arr),
    day: formatDay(day),
  })
  const addTouchpoint = (day: number, kind: TouchpointKind, subject: string, body: string, contactIds: string[], authorId: string): void => {
    const occurredAt = atHour(day, rng.range(13, 22))
    touchpoints.push({ id: newId(), accountId, kind, authorId, occurredAt, subject, body, contactIds, createdAt: occurredAt, updatedAt: occurredAt })
  }
  const routineDay = (from: number, to: number): number => {
    let day = rng.int(from, to)
    for (let attempt = 0; attempt < 3 && isWeekend(day); attempt++) day = rng.int(from, to)
    return day
  }
  for (let m = windowStartMonth; m <= todayMonth; m++) {
    const from = Math.max(firstDayOfMonth(m), plan.startDay)
    const to = Math.min(lastDayOfMonth(m), lastDay)
    if (to < from) continue
    for (const period of activePeriods) {
      const a = Math.max(from, period.from)
      const b = Math.min(to, period.to - 1)
      if (b < a) continue
      const h = healthOn(a)
      const share = (b - a + 1) / (lastDayOfMonth(m) - firstDayOfMonth(m) + 1)
      // At-risk accounts get a bit more attention from the CSM; overloaded CSMs log less.
      const rate = touchpointsPerMonth[plan.segment] * loadFactor * share * (1 + 0.35 * (0.55 - h)) * rng.range(0.8, 1.2)
      const count = rng.poisson(rate)
      for (let i = 0; i < count; i++) {
        const day = routineDay(a, b)
        const tone = toneOf(rng, healthOn(day))
        const kind = rng.weighted(touchpointKindMix[plan.segment])
        const live = contactsAt(day)
        const people = rng.sample(live, kind === 'meeting' ? 2 : 1)
        const { subject, body } = routineTouchpoint(rng, kind, tone, baseContext(day, people[0]))
        const author = tone === 'negative' && plan.segment === 'Enterprise' && plan.managerId && rng.chance(0.1) ? plan.managerId : plan.ownerId
        addTouchpoint(day, kind, subject, body, people.map((p) => p.row.id), author)
      }
      // QBRs: quarterly for enterprise, twice a year for mid-market, in the account's anniversary rhythm.
      const cadence = plan.segment === 'Enterprise' ? 3 : plan.segment === 'Mid-Market' ? 6 : 0
      if (cadence > 0 && (m - startMonth) % cadence === cadence - 1 && b - a >= 10) {
        const day = toWorkday(rng.int(a, Math.max(a, b - 3)))
        if (day <= b) {
          const tone = toneOf(rng, healthOn(day))
          const people = rng.sample(contactsAt(day), 3)
          const { subject, body } = routineTouchpoint(rng, 'qbr', tone, baseContext(day, people[0]))
          addTouchpoint(day, 'qbr', subject, body, people.map((p) => p.row.id), plan.ownerId)
        }
      }
    }
  }
  for (const event of events) {
    if (event.day < windowStartDay || event.day > lastDay || event.day < plan.startDay) continue
    if (event.event !== 'churned' && event.event !== 'reactivated' && !isActive(event.day)) continue
    const contact = event.contactIndex !== undefined ? contacts[event.contactIndex] : championAt(event.day)
    const context = { ...baseContext(event.day, contact), ...event.context }
    const { kind, subject, body } = eventTouchpoint(event.event, context)
    addTouchpoint(event.day, kind, subject, body, [contact.row.id], plan.ownerId)
  }
  touchpoints.sort((p, q) => (p.occurredAt < q.occurredAt ? -1 : p.occurredAt > q.occurredAt ? 1 : 0))

  // --- Tickets -------------------------------------------------------------------------------
  const tickets: TicketRow[] = []
  const sizeFactor = clamp(Math.pow(plan.initialSeats / 40, 0.25), 0.6, 2.5)
  const nowMs = msAt(today, 0)
  for (let m = windowStartMonth; m <= todayMonth; m++) {
    const from = Math.max(firstDayOfMonth(m), plan.startDay)
    const to = Math.min(lastDayOfMonth(m), lastDay)
    for (const period of activePeriods) {
      const a = Math.max(from, period.from)
      const b = Math.min(to, period.to - 1)
      if (b < a) continue
      const h = healthOn(a)
      const share = (b - a + 1) / (lastDayOfMonth(m) - firstDayOfMonth(m) + 1)
      const surge = incidentMonth === m ? 2.5 : 1
      const rate = ticketsPerMonth[plan.segment] * sizeFactor * share * (0.35 + 1.8 * (1 - h)) * surge
      const count = rng.poisson(rate)
      for (let i = 0; i < count; i++) {
        let day = rng.int(a, b)
        if (isWeekend(day) && rng.chance(0.7)) day = rng.int(a, b)
        const hDay = healthOn(day)
        const bucket = rng.chance(0.02 + 0.08 * (1 - hDay) + (incidentMonth === m ? 0.25 : 0)) ? 'severe' : rng.chance(0.25 + 0.3 * (1 - hDay)) ? 'bug' : 'howTo'
        const priority: TicketPriority =
          bucket === 'severe'
            ? rng.chance(0.7) ? 'urgent' : 'high'
            : bucket === 'bug'
              ? rng.weighted([['high', 30], ['normal', 60], ['low', 10]] as const)
              : rng.weighted([['low', 40], ['normal', 58], ['high', 2]] as const)
        const openedMs = msAt(day, rng.range(0, 24))
        const openedAt = isoTimestamp(openedMs)
        const meanHours = { urgent: 10, high: 30, normal: 60, low: 110 }[priority] * (1 + (1 - hDay))
        const closedMs = openedMs + Math.round(rng.exponential(meanHours) * 3_600_000) + 600_000
        const live = contactsAt(day)
        const requesters = live.filter((c) => c.row.roles.some((r) => r === 'admin' || r === 'user' || r === 'technical' || r === 'champion' || r === 'billing'))
        const requester = rng.pick(requesters.length > 0 ? requesters : live)
        let status: TicketStatus
        let closedAt: string | null = null
        let satisfaction: 'good' | 'bad' | null = null
        if (closedMs < nowMs) {
          closedAt = isoTimestamp(closedMs)
          status = nowMs - closedMs > 4 * 86_400_000 ? 'closed' : 'solved'
          if (rng.chance(0.4)) {
            const mood = 4 * (hDay - 0.5) - (bucket === 'severe' ? 1 : bucket === 'bug' ? 0.4 : 0) + 0.9 * rng.normal() + 0.9
            satisfaction = mood > 0 ? 'good' : 'bad'
          }
        } else {
          status = nowMs - openedMs < 86_400_000 && rng.chance(0.5) ? 'new' : rng.weighted([['open', 55], ['pending', 30], ['on_hold', 15]] as const)
        }
        counters.ticket++
        tickets.push({
          id: newId(),
          accountId,
          contactId: requester.row.id,
          externalId: `ZD-${100_000 + counters.ticket}`,
          subject: rng.pick(ticketSubjects[bucket]),
          priority,
          status,
          openedAt,
          closedAt,
          satisfaction,
          createdAt: openedAt,
          updatedAt: closedAt ?? openedAt,
        })
      }
    }
  }
  tickets.sort((p, q) => (p.openedAt < q.openedAt ? -1 : p.openedAt > q.openedAt ? 1 : 0))

  // --- Contact engagement (last seen) ---------------------------------------------------------
  const endOfLife = status === 'churned' && churnDay !== null ? churnDay : today
  const hEnd = healthOn(Math.min(endOfLife, lastDay))
  for (const contact of contacts) {
    const role = contact.row.roles[0]
    const roleFactor = role === 'billing' || role === 'economic_buyer' || role === 'executive_sponsor' ? 3 : role === 'decision_maker' ? 1.8 : 1
    if (contact.to !== Infinity) {
      contact.row.traits = { ...contact.row.traits, left_company: true }
      contact.row.roles = []
      contact.row.lastSeenAt = atHour(Math.max(contact.from, contact.to - rng.int(1, 20)), rng.range(8, 20))
      contact.row.updatedAt = atHour(contact.to, 12)
      continue
    }
    if (role === 'billing' && rng.chance(0.5)) continue
    const meanDays = 2 + 40 * Math.pow(1 - hEnd, 2) * roleFactor
    const seenDay = Math.max(contact.from, endOfLife - 1 - Math.floor(rng.exponential(meanDays)))
    contact.row.lastSeenAt = atHour(seenDay, rng.range(8, 20))
  }

  // --- The account row -----------------------------------------------------------------------
  const currentTerm = terms[terms.length - 1]
  const lastMovementDay = movements.reduce((latest, mv) => (mv.effectiveDate > latest ? mv.effectiveDate : latest), formatDay(plan.startDay))
  const account: AccountRow = {
    id: accountId,
    externalId: plan.externalId,
    name: plan.name,
    domain: plan.domain,
    parentId: plan.parentIndex === null ? null : world.accounts[plan.parentIndex].id,
    ownerId: plan.ownerId,
    plan: plan.plan,
    industry: plan.industry,
    employees: plan.employees,
    country: plan.country,
    arr,
    currency: 'USD',
    renewalDate: status === 'active' ? currentTerm.row.endDate : null,
    traits: {
      segment: plan.segment,
      region: plan.region,
      acquisition_channel: plan.acquisitionChannel,
      onboarding_package: plan.onboardingPackage,
      primary_use_case: plan.primaryUseCase,
      contract_term: plan.contractTerm,
      customer_since: formatDay(plan.startDay),
    },
    status,
    churnedAt: status === 'churned' && churnDay !== null ? formatDay(churnDay) : null,
    createdAt: atHour(plan.startDay, 12),
    updatedAt: atHour(parseDay(lastMovementDay), 12),
  }

  return {
    account,
    contacts: contacts.map((c) => c.row),
    subscriptions: terms.map((t) => t.row),
    movements,
    touchpoints,
    tickets,
    truth,
    usage,
    renewals,
  }
}

/** 'Procurement approvals' → 'procurement approvals'; acronyms stay ('IT service requests'). */
function useCasePhrase(useCase: string): string {
  return /^[A-Z][a-z]/.test(useCase) ? useCase[0].toLowerCase() + useCase.slice(1) : useCase
}

function toneOf(rng: Rng, trueHealth: number): Tone {
  const s = trueHealth + 0.22 * rng.normal()
  return s > 0.7 ? 'positive' : s < 0.42 ? 'negative' : 'neutral'
}

// ---------------------------------------------------------------------------------------------
// Whole worlds

/** Simulates accounts in index order, one at a time (constant memory per account). */
export function* simulateAccounts(world: WorldPlan, newId: IdFactory, counters: WorldCounters = newWorldCounters()): Generator<AccountWorld> {
  for (const plan of world.accounts) yield simulateAccount(world, plan, counters, newId)
}

export type World = { plan: WorldPlan; accounts: AccountWorld[] }

/** The whole world in memory: for tests and small worlds (the service streams instead). */
export function buildWorld(params: WorldParams, newId: IdFactory): World {
  const plan = planWorld(params, newId)
  return { plan, accounts: [...simulateAccounts(plan, newId)] }
}

/** Deterministic UUID-shaped ids (for tests that compare whole worlds). */
export function sequentialIds(): IdFactory {
  let n = 0
  return () => {
    n++
    return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
  }
}
