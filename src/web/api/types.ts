/** The web app's own copy of the HTTP contract (JSON, camelCase). */
import type { ApiKeyScope, Permission, Role } from '../../shared/roles'

export type { ApiKeyScope, Permission, Role }

export type { FieldError, Problem } from '../../shared/problem'

/* ---------- identity ---------- */

export type MeUser = { id: string; email: string; name: string; role: Role; title: string | null }
export type Workspace = { id: string; slug: string; name: string }
export type Me = { user: MeUser; workspace: Workspace; permissions: Permission[] }

export type LoginInput = { email: string; password: string; workspace?: string }

export type UserStatus = 'active' | 'disabled'
export type User = {
  id: string
  email: string
  name: string
  title: string | null
  role: Role
  managerId: string | null
  status: UserStatus
  lastLoginAt: string | null
  createdAt: string
}
export type CreateUserInput = {
  email: string
  name: string
  role: Role
  title?: string
  password?: string
  managerId?: string
}
export type CreateUserResult = { user: User; temporaryPassword?: string }
export type UpdateUserInput = Partial<{
  name: string
  title: string | null
  role: Role
  status: UserStatus
  managerId: string | null
  password: string
}>

export type ApiKey = {
  id: string
  name: string
  prefix: string
  scopes: ApiKeyScope[]
  createdAt: string
  lastUsedAt: string | null
  revokedAt: string | null
  createdBy: string | null
}
export type CreateApiKeyInput = { name: string; scopes: ApiKeyScope[] }
export type CreateApiKeyResult = { apiKey: ApiKey; key: string }

export type AuditActorKind = 'user' | 'api_key' | 'system'
export type JsonObject = { [key: string]: unknown }
export type AuditEntry = {
  id: string
  at: string
  actorKind: AuditActorKind
  actorId: string | null
  actorLabel: string | null
  action: string
  entityType: string
  entityId: string | null
  before: JsonObject | null
  after: JsonObject | null
}
export type AuditQuery = { limit?: number; cursor?: string; action?: string; entityType?: string }

/* ---------- lists ---------- */

export type ItemsPage<T> = { items: T[] }
export type CursorPage<T> = { items: T[]; nextCursor: string | null }

/* ---------- accounts ---------- */

export type AccountStatus = 'active' | 'churned'
export type Account = {
  id: string
  externalId: string
  name: string
  domain: string | null
  parentId: string | null
  ownerId: string | null
  ownerName: string | null
  plan: string | null
  industry: string | null
  employees: number | null
  country: string | null
  arr: number
  currency: string
  renewalDate: string | null
  traits: JsonObject
  status: AccountStatus
  churnedAt: string | null
  createdAt: string
  updatedAt: string
}

export const accountSorts = ['name', '-name', 'arr', '-arr', 'renewal_date', '-renewal_date'] as const
export type AccountSort = (typeof accountSorts)[number]

export type AccountQuery = {
  q?: string
  ownerId?: string
  plan?: string
  industry?: string
  status?: AccountStatus
  renewalWithinDays?: number
  segment?: string
  tier?: string
  stage?: string
  healthBand?: 'red' | 'yellow' | 'green' | 'unscored'
  sort?: AccountSort
  limit?: number
  cursor?: string
}
/** A row of the accounts list: the account with its health, tier and lifecycle stage (keys). */
export type AccountListItem = Account & { healthScore: number | null; healthBand: 'red' | 'yellow' | 'green' | null; tier: string | null; stage: string | null }
export type AccountPage = { items: AccountListItem[]; nextCursor: string | null; total: number; totalCapped: boolean }

export type AccountFacets = {
  plans: string[]
  industries: string[]
  countries: string[]
  owners: { id: string; name: string }[]
}

export type AccountInput = {
  externalId: string
  name: string
  domain?: string | null
  parentId?: string | null
  ownerId?: string | null
  plan?: string | null
  industry?: string | null
  employees?: number | null
  country?: string | null
  arr?: number
  currency?: string
  renewalDate?: string | null
  status?: AccountStatus
}
export type AccountPatch = Partial<AccountInput>

export type Contact = {
  id: string
  accountId: string
  externalId: string | null
  email: string | null
  name: string | null
  title: string | null
  phone: string | null
  roles: string[]
  lastSeenAt: string | null
}

export type Subscription = {
  id: string
  accountId: string
  externalId: string | null
  product: string
  startDate: string | null
  endDate: string | null
  arr: number
  currency: string
  seats: number | null
  status: string
  autoRenew: boolean
}

export type TicketPriority = 'low' | 'normal' | 'high' | 'urgent'
export type TicketStatus = 'new' | 'open' | 'pending' | 'on_hold' | 'solved' | 'closed'
export type Ticket = {
  id: string
  accountId: string
  contactId: string | null
  externalId: string | null
  subject: string
  priority: TicketPriority
  status: TicketStatus
  openedAt: string
  closedAt: string | null
  satisfaction: 'good' | 'bad' | null
}

export const touchpointKinds = ['note', 'call', 'meeting', 'email', 'qbr'] as const
export type TouchpointKind = (typeof touchpointKinds)[number]
export type Touchpoint = {
  id: string
  accountId: string
  kind: TouchpointKind
  authorId: string | null
  authorName: string | null
  occurredAt: string
  subject: string | null
  body: string
  contactIds: string[]
}
export type CreateTouchpointInput = {
  accountId: string
  kind: TouchpointKind
  body: string
  subject?: string
  occurredAt?: string
}

export const movementKinds = ['new', 'expansion', 'contraction', 'churn', 'reactivation'] as const
export type MovementKind = (typeof movementKinds)[number]
export type RevenueMovement = {
  id: string
  accountId: string
  kind: MovementKind
  effectiveDate: string
  arrDelta: number
  currency: string
  source: string | null
  note: string | null
}

export type ArrPoint = { month: string; arr: number }

export type Account360 = {
  account: Account
  parent: { id: string; name: string } | null
  children: { id: string; name: string; arr: number }[]
  owner: { id: string; name: string; email: string } | null
  contacts: Contact[]
  subscriptions: Subscription[]
  tickets: { items: Ticket[]; openCount: number }
  touchpoints: Touchpoint[]
  revenue: { series: ArrPoint[]; movements: RevenueMovement[] }
}

/* ---------- portfolio ---------- */

export type MovementsMonth = { month: string } & Record<MovementKind, number>
export type UpcomingRenewal = { id: string; name: string; ownerName: string | null; arr: number; renewalDate: string }
export type PortfolioSummary = {
  arr: { current: number; series: ArrPoint[] }
  accounts: { active: number; churned: number; churnedLast12Months: number }
  renewals: { next90Days: { count: number; arr: number }; upcoming: UpcomingRenewal[] }
  tickets: { open: number }
  movements: MovementsMonth[]
}

/* ---------- product usage (events) ---------- */

export const segmentCallTypes = ['track', 'identify', 'group', 'page', 'screen', 'alias'] as const
export type SegmentCallType = (typeof segmentCallTypes)[number]

export type AccountEvent = {
  messageId: string
  type: SegmentCallType
  event: string | null
  userId: string | null
  anonymousId: string | null
  occurredAt: string
  receivedAt: string
  properties: JsonObject
}
export type AccountEventPage = { items: AccountEvent[]; total: number; nextCursor: string | null }
export type AccountEventsQuery = { limit?: number; cursor?: string; event?: string }

export type UsageDay = { day: string; events: number; activeUsers: number; weeklyActiveUsers: number; monthlyActiveUsers: number }
export type ProductUser = { userId: string; email: string | null; name: string | null; lastSeenAt: string | null; contactId: string | null }
export type AccountUsage = {
  accountId: string
  asOf: string
  dau: number
  wau: number
  mau: number
  seats: number | null
  licenseUtilization: number | null
  events30d: number
  eventsPrior30d: number
  trend30d: number | null
  lastActivityAt: string | null
  daysSinceLastActivity: number | null
  keyFeatures: { event: string; used30d: boolean; count30d: number }[]
  featureBreadth: number
  topEvents: { event: string; count30d: number }[]
  users: ProductUser[]
  series: UsageDay[]
}

export type UsageSettings = { keyFeatures: string[] }

/* ---------- data quality ---------- */

export type DataQualityStatus = 'ok' | 'warn'
export type DataQualityLine = {
  check: string
  label: string
  description: string
  count: number
  status: DataQualityStatus
  note: string | null
  examplesHref: string
}
export type VolumeAnomaly = 'spike' | 'drop' | 'silent'
export type DataQualityVolumeDay = { day: string; count: number; baseline: number | null; anomaly: VolumeAnomaly | null }
export type DataQualitySourceKind = 'events' | 'tickets' | 'stripe' | 'imports' | 'crm'
export type DataQualitySource = {
  id: string
  kind: DataQualitySourceKind
  name: string
  keyId: string | null
  keyPrefix: string | null
  revoked: boolean
  volumeLabel: string
  firstDay: string | null
  lastReceivedAt: string | null
  receivedToday: number
  received7d: number
  received30d: number
  duplicates30d: number | null
  series: DataQualityVolumeDay[]
  anomalies: DataQualityLine
  checks: DataQualityLine[]
  status: DataQualityStatus
}
export type DataQualityReport = {
  generatedAt: string
  today: string
  windowDays: number
  anomalyRule: string
  sources: DataQualitySource[]
  unmatched: Record<'users' | 'groups' | 'events' | 'backlog', DataQualityLine>
  timestamps: Record<'future' | 'ancient', DataQualityLine>
  accounts: Record<'withoutOwner' | 'inactiveOwner' | 'withoutRenewal' | 'renewalOverdue' | 'withoutArr' | 'duplicates', DataQualityLine>
  summary: { checks: number; warnings: number }
}

export type DqProductUserRow = {
  userId: string
  anonymous: boolean
  email: string | null
  name: string | null
  groupId: string | null
  firstSeenAt: string | null
  lastSeenAt: string | null
  unmatchedEvents: number
}
export type DqGroupRow = { groupId: string; users: number; unmatchedEvents: number; lastSeenAt: string | null }
export type DqEventRow = {
  messageId: string
  type: string
  event: string | null
  userId: string | null
  anonymousId: string | null
  groupId: string | null
  occurredAt: string
  receivedAt: string
  sourceId: string
  sourceName: string
}
export type DqAnomalyDayRow = { day: string; count: number; baseline: number | null; anomaly: VolumeAnomaly }
export type DqAccountRow = {
  accountId: string
  externalId: string
  name: string
  domain: string | null
  ownerId: string | null
  ownerName: string | null
  ownerStatus: 'active' | 'disabled' | 'missing' | null
  arr: number
  currency: string
  renewalDate: string | null
  updatedAt: string
}
export type DqDuplicateGroupRow = {
  matchedBy: 'domain' | 'name'
  key: string
  accounts: Pick<DqAccountRow, 'accountId' | 'externalId' | 'name' | 'domain' | 'ownerName' | 'arr' | 'currency' | 'updatedAt'>[]
}
export type DqStripeEventRow = { id: string; stripeEventId: string; type: string; status: string; stripeCustomerId: string | null; receivedAt: string; error: string | null }
export type DqImportRunRow = {
  runId: string
  kind: string
  fileName: string
  status: string
  rowsProcessed: number
  rowsFailed: number
  failureReason: string | null
  createdBy: string
  createdAt: string
}
type DqPage<Kind extends string, Row> = { check: string; rowKind: Kind; items: Row[]; total: number; nextCursor: string | null }
export type DataQualityExamples =
  | DqPage<'product-user', DqProductUserRow>
  | DqPage<'group', DqGroupRow>
  | DqPage<'event', DqEventRow>
  | DqPage<'anomaly-day', DqAnomalyDayRow>
  | DqPage<'account', DqAccountRow>
  | DqPage<'duplicate-group', DqDuplicateGroupRow>
  | DqPage<'stripe-event', DqStripeEventRow>
  | DqPage<'import-run', DqImportRunRow>
