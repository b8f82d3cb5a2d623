import crypto from 'node:crypto'
import Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { accountExternalIdOf, invoiceFacts, subscriptionTerms } from './stripe-objects'
import { verifyStripeSignature } from './stripe-signature'

const stripe = new Stripe('sk_test_bosun_tests_never_call_stripe')
const encoder = new TextEncoder()

describe('verifyStripeSignature', () => {
  it('agrees with stripe.webhooks.constructEvent on good and bad signatures', () => {
    const secret = `whsec_${crypto.randomBytes(24).toString('base64url')}`
    const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'invoice.paid', data: { object: { id: 'in_1', note: 'naïve – ünïcode' } } })
    const now = Math.floor(Date.now() / 1000)
    const headers = {
      valid: stripe.webhooks.generateTestHeaderString({ payload, secret }),
      otherSecret: stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_someoneelse1234' }),
      old: stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: now - 301 }),
      justInTime: stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: now - 290 }),
      // A rolled secret: Stripe sends one v1 per active secret.
      rolled: `${stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_previous12345' })},v1=${stripe.webhooks
        .generateTestHeaderString({ payload, secret })
        .split('v1=')[1]}`,
      v0Only: stripe.webhooks.generateTestHeaderString({ payload, secret, scheme: 'v0' }),
      noTimestamp: `v1=${'0'.repeat(64)}`,
    }
    for (const [name, header] of Object.entries(headers)) {
      let stripeSays = true
      try {
        stripe.webhooks.constructEvent(payload, header, secret)
      } catch {
        stripeSays = false
      }
      const ours = verifyStripeSignature({ rawBody: encoder.encode(payload), header, secret }).ok
      expect(ours, name).toBe(stripeSays)
    }
    expect(verifyStripeSignature({ rawBody: encoder.encode(payload), header: headers.valid, secret }).ok).toBe(true)
    expect(verifyStripeSignature({ rawBody: encoder.encode(`${payload} `), header: headers.valid, secret }).ok).toBe(false)
    expect(verifyStripeSignature({ rawBody: encoder.encode(payload), header: undefined, secret })).toMatchObject({ ok: false })
  })
})

describe('subscriptionTerms', () => {
  const base = { id: 'sub_1', object: 'subscription', customer: 'cus_1', status: 'active', start_date: 1_735_689_600, metadata: {} }
  const price = (unitAmount: number | null, interval: string, intervalCount = 1, extra: Record<string, unknown> = {}) => ({
    currency: 'usd',
    unit_amount: unitAmount,
    nickname: null,
    product: 'prod_1',
    recurring: { interval, interval_count: intervalCount, usage_type: 'licensed' },
    ...extra,
  })

  it('annualises every licensed item: monthly ×12, quarterly ×4, yearly ×1; metered items add no ARR or seats', () => {
    const terms = subscriptionTerms(
      {
        ...base,
        items: {
          data: [
            { quantity: 10, price: price(2_500, 'month'), current_period_end: 1_767_225_600 },
            { quantity: 1, price: price(30_000, 'month', 3) },
            { quantity: 2, price: price(100_000, 'year') },
            { price: price(null, 'month', 1, { recurring: { interval: 'month', interval_count: 1, usage_type: 'metered' } }) },
          ],
        },
      },
      { deleted: false },
    )
    // 10 × 25 × 12 + 300 × 4 + 2 × 1000 = 3000 + 1200 + 2000
    expect(terms).toMatchObject({ arr: 6_200, contributingArr: 6_200, seats: 13, currency: 'USD', endDate: '2026-01-01', startDate: '2025-01-01', status: 'active' })
  })

  it('reads the pre-2025 shape (plan, current_period_end on the subscription) and zero-decimal currencies', () => {
    const terms = subscriptionTerms(
      {
        ...base,
        current_period_end: 1_767_225_600,
        items: { data: [{ quantity: 3, plan: { amount: 1_000, currency: 'jpy', interval: 'month', interval_count: 1, nickname: 'Team' } }] },
      },
      { deleted: false },
    )
    expect(terms).toMatchObject({ arr: 36_000, currency: 'JPY', product: 'Team', endDate: '2026-01-01', seats: 3 })
  })

  it('contributes ARR only while active, past due or unpaid; a deleted subscription contributes none', () => {
    const items = { data: [{ quantity: 1, price: price(1_000, 'month') }] }
    const contributing = (status: string, deleted = false) => subscriptionTerms({ ...base, status, items }, { deleted })?.contributingArr
    expect(contributing('active')).toBe(120)
    expect(contributing('past_due')).toBe(120)
    expect(contributing('unpaid')).toBe(120)
    expect(contributing('trialing')).toBe(0)
    expect(contributing('incomplete')).toBe(0)
    expect(contributing('active', true)).toBe(0)
    expect(subscriptionTerms({ ...base, status: 'incomplete_expired', items }, { deleted: false })?.status).toBe('expired')
    expect(subscriptionTerms({ ...base, cancel_at_period_end: true, items }, { deleted: false })?.autoRenew).toBe(false)
    expect(subscriptionTerms({ id: 'in_1', object: 'invoice' }, { deleted: false })).toBeUndefined()
  })
})

describe('invoices and metadata', () => {
  it('reads invoice facts from the 2025 shape and the older one', () => {
    const modern = invoiceFacts({
      id: 'in_1',
      object: 'invoice',
      customer: 'cus_1',
      currency: 'eur',
      amount_due: 12_345,
      attempt_count: 3,
      parent: { subscription_details: { subscription: 'sub_9' } },
    })
    expect(modern).toMatchObject({ invoiceId: 'in_1', customerId: 'cus_1', currency: 'EUR', amountDue: 123.45, attemptCount: 3, subscriptionId: 'sub_9' })
    expect(invoiceFacts({ id: 'in_2', object: 'invoice', customer: { id: 'cus_2' }, subscription: 'sub_8', amount_due: 100 })).toMatchObject({
      customerId: 'cus_2',
      subscriptionId: 'sub_8',
      amountDue: 1,
      currency: 'USD',
    })
  })

  it('finds the account external id in the object’s, the customer’s or the subscription’s metadata', () => {
    expect(accountExternalIdOf({ metadata: { bosun_account_external_id: ' SF-1 ' } })).toBe('SF-1')
    expect(accountExternalIdOf({ metadata: {}, customer: { id: 'cus_1', metadata: { account_external_id: 'HS-2' } } })).toBe('HS-2')
    expect(accountExternalIdOf({ parent: { subscription_details: { metadata: { bosun_account_external_id: 'SF-3' } } } })).toBe('SF-3')
    expect(accountExternalIdOf({ metadata: { other: 'x' } })).toBeUndefined()
  })
})
