/**
 * Reading the parts of Stripe's objects Bosun uses. Payloads are untrusted JSON (signed, but their
 * shape varies by Stripe API version), so every field is read defensively; nothing here throws.
 * Both the pre-2025 shapes (subscription.current_period_end, invoice.subscription) and the newer
 * ones (items.data[].current_period_end, invoice.parent.subscription_details) are understood.
 */

export type JsonRecord = Record<string, unknown>

export const asRecord = (value: unknown): JsonRecord | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonRecord) : undefined
const str = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined)
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined)
const decimal = (value: unknown): number | undefined => {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value)
  return undefined
}
const list = (value: unknown): JsonRecord[] => {
  const data = asRecord(value)?.data ?? value
  return Array.isArray(data) ? data.map(asRecord).filter((item): item is JsonRecord => item !== undefined) : []
}

/** Unix seconds → Date; undefined when missing or absurd. */
export function fromUnix(value: unknown): Date | undefined {
  const seconds = num(value)
  if (seconds === undefined || seconds <= 0 || seconds > 32_503_680_000) return undefined
  return new Date(seconds * 1000)
}
export const isoDay = (date: Date) => date.toISOString().slice(0, 10)

/** Currencies Stripe counts in whole units (https://docs.stripe.com/currencies#zero-decimal). */
const zeroDecimalCurrencies = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'])
export const toMajorUnits = (minor: number, currency: string) => (zeroDecimalCurrencies.has(currency) ? minor : minor / 100)
const roundCents = (value: number) => Math.round(value * 100) / 100

export const customerIdOf = (object: JsonRecord): string | undefined => str(object.customer) ?? str(asRecord(object.customer)?.id)

const externalIdKeys = ['bosun_account_external_id', 'account_external_id'] as const

/** The Bosun account external id carried in metadata, on the object or on what it embeds. */
export function accountExternalIdOf(object: JsonRecord): string | undefined {
  const parent = asRecord(object.parent)
  const sources = [
    asRecord(object.metadata),
    asRecord(asRecord(object.customer)?.metadata),
    asRecord(asRecord(parent?.subscription_details)?.metadata),
    asRecord(asRecord(object.subscription_details)?.metadata),
    asRecord(asRecord(object.subscription)?.metadata),
  ]
  for (const metadata of sources) {
    if (!metadata) continue
    for (const key of externalIdKeys) {
      const value = str(metadata[key])?.trim()
      if (value) return value.slice(0, 200)
    }
  }
  return undefined
}

type BosunSubscriptionStatus = 'trialing' | 'active' | 'past_due' | 'canceled' | 'expired'

const statusMap: Record<string, BosunSubscriptionStatus> = {
  trialing: 'trialing',
  active: 'active',
  past_due: 'past_due',
  unpaid: 'past_due',
  incomplete: 'past_due',
  paused: 'past_due',
  canceled: 'canceled',
  incomplete_expired: 'expired',
}
/** Stripe statuses whose subscription counts in ARR: paying, or still being dunned. Trials, incomplete and paused do not. */
const arrStatuses = new Set(['active', 'past_due', 'unpaid'])

const yearly: Record<string, number> = { day: 365, week: 52, month: 12, year: 1 }

export type StripeSubscriptionTerms = {
  subscriptionId: string
  customerId: string | undefined
  stripeStatus: string
  status: BosunSubscriptionStatus
  product: string
  startDate: string
  endDate: string | null
  /** List-price ARR of the licensed items: Σ unit_amount × quantity × periods a year. */
  arr: number
  /** The ARR this subscription contributes to the account now (0 unless active / past_due / unpaid, 0 once deleted). */
  contributingArr: number
  currency: string
  seats: number | null
  autoRenew: boolean
}

/** A Stripe Subscription as Bosun's contract terms; undefined when it is not a subscription. */
export function subscriptionTerms(object: JsonRecord, options: { deleted: boolean }): StripeSubscriptionTerms | undefined {
  const subscriptionId = str(object.id)
  if (!subscriptionId || (object.object !== undefined && object.object !== 'subscription')) return undefined
  const stripeStatus = options.deleted ? 'canceled' : (str(object.status) ?? 'active')
  const items = list(object.items)
  let currency = str(object.currency)?.toUpperCase()
  let arr = 0
  let seats: number | null = null
  const labels: string[] = []
  let periodEnd = fromUnix(object.current_period_end)
  for (const item of items) {
    const price = asRecord(item.price) ?? asRecord(item.plan) ?? {}
    const plan = asRecord(item.plan) ?? {}
    const recurring = asRecord(price.recurring) ?? {}
    const interval = str(recurring.interval) ?? str(price.interval) ?? str(plan.interval)
    const intervalCount = num(recurring.interval_count) ?? num(price.interval_count) ?? num(plan.interval_count) ?? 1
    const usageType = str(recurring.usage_type) ?? str(price.usage_type) ?? str(plan.usage_type) ?? 'licensed'
    const unitAmount = decimal(price.unit_amount) ?? decimal(price.unit_amount_decimal) ?? decimal(price.amount) ?? decimal(plan.amount)
    const itemCurrency = str(price.currency)?.toUpperCase()
    currency ??= itemCurrency
    const label = str(price.nickname) ?? str(asRecord(price.product)?.name) ?? str(plan.nickname) ?? str(price.product)
    if (label && !labels.includes(label)) labels.push(label)
    const itemEnd = fromUnix(item.current_period_end)
    if (itemEnd && (!periodEnd || itemEnd > periodEnd)) periodEnd = itemEnd
    if (usageType === 'metered') continue
    const quantity = num(item.quantity) ?? 1
    seats = (seats ?? 0) + quantity
    const periodsPerYear = interval ? (yearly[interval] ?? 0) / Math.max(1, intervalCount) : 0
    if (unitAmount === undefined || periodsPerYear === 0) continue
    arr += toMajorUnits(unitAmount, itemCurrency ?? currency ?? 'USD') * quantity * periodsPerYear
  }
  const created = fromUnix(object.start_date) ?? fromUnix(object.created) ?? new Date()
  const startDate = isoDay(created)
  const status = statusMap[stripeStatus] ?? 'active'
  const ended = status === 'canceled' || status === 'expired' ? (fromUnix(object.ended_at) ?? fromUnix(object.canceled_at)) : undefined
  const end = ended ?? periodEnd
  const endDate = end ? (isoDay(end) < startDate ? startDate : isoDay(end)) : null
  const roundedArr = roundCents(arr)
  const product = labels.length === 0 ? 'Stripe subscription' : labels.join(' + ').slice(0, 200)
  return {
    subscriptionId,
    customerId: customerIdOf(object),
    stripeStatus,
    status,
    product,
    startDate,
    endDate,
    arr: roundedArr,
    contributingArr: !options.deleted && arrStatuses.has(stripeStatus) ? roundedArr : 0,
    currency: currency ?? 'USD',
    seats,
    autoRenew: status !== 'canceled' && status !== 'expired' && object.cancel_at_period_end !== true && object.cancel_at == null,
  }
}

export type StripeInvoiceFacts = {
  invoiceId: string
  customerId: string | undefined
  subscriptionId: string | undefined
  currency: string
  amountDue: number
  amountPaid: number
  attemptCount: number
  nextAttemptAt: Date | undefined
  paidAt: Date | undefined
}

export function invoiceFacts(object: JsonRecord): StripeInvoiceFacts | undefined {
  const invoiceId = str(object.id)
  if (!invoiceId || (object.object !== undefined && object.object !== 'invoice')) return undefined
  const currency = (str(object.currency) ?? 'usd').toUpperCase()
  const parentSubscription = asRecord(asRecord(object.parent)?.subscription_details)?.subscription
  const subscriptionId = str(object.subscription) ?? str(asRecord(object.subscription)?.id) ?? str(parentSubscription) ?? str(asRecord(parentSubscription)?.id)
  const transitions = asRecord(object.status_transitions) ?? {}
  return {
    invoiceId,
    customerId: customerIdOf(object),
    subscriptionId,
    currency,
    amountDue: roundCents(toMajorUnits(num(object.amount_due) ?? num(object.total) ?? 0, currency)),
    amountPaid: roundCents(toMajorUnits(num(object.amount_paid) ?? 0, currency)),
    attemptCount: Math.max(1, Math.trunc(num(object.attempt_count) ?? 1)),
    nextAttemptAt: fromUnix(object.next_payment_attempt),
    paidAt: fromUnix(transitions.paid_at),
  }
}

/** Hints shown next to an unmatched customer so an admin can tell who it is. */
export function customerHints(object: JsonRecord): { email?: string; name?: string } {
  const customer = asRecord(object.customer)
  const isCustomer = object.object === 'customer'
  return {
    email: str(object.customer_email) ?? str(customer?.email) ?? (isCustomer ? str(object.email) : undefined),
    name: str(object.customer_name) ?? str(customer?.name) ?? (isCustomer ? str(object.name) : undefined),
  }
}
