import crypto from 'node:crypto'

/** Stripe's default: a signature older than this is refused (replay protection). */
export const STRIPE_SIGNATURE_TOLERANCE_SECONDS = 300

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string }

/**
 * Verifies a `Stripe-Signature` header the way stripe.webhooks.constructEvent does
 * (https://docs.stripe.com/webhooks#verify-manually): the header is `t=<unix seconds>,v1=<hex>[,v1=…]`,
 * each v1 is HMAC-SHA256 of `${t}.${raw body}` keyed with the endpoint's signing secret; one v1 must
 * match (compared in constant time) and t must be at most `toleranceSeconds` old.
 */
export function verifyStripeSignature(params: {
  rawBody: Uint8Array
  header: string | undefined
  secret: string
  nowSeconds?: number
  toleranceSeconds?: number
}): SignatureCheck {
  const { header, secret } = params
  if (!header) return { ok: false, reason: 'the Stripe-Signature header is missing' }
  let timestamp = -1
  const signatures: string[] = []
  for (const item of header.split(',')) {
    const separator = item.indexOf('=')
    if (separator < 0) continue
    const key = item.slice(0, separator).trim()
    const value = item.slice(separator + 1).trim()
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value)
    if (key === 'v1') signatures.push(value)
  }
  if (timestamp < 0) return { ok: false, reason: 'the Stripe-Signature header has no timestamp (t=…)' }
  if (signatures.length === 0) return { ok: false, reason: 'the Stripe-Signature header has no v1 signature' }

  const expected = crypto.createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(params.rawBody).digest()
  const matches = signatures.some((signature) => {
    if (!/^[0-9a-f]{64}$/i.test(signature)) return false
    return crypto.timingSafeEqual(Buffer.from(signature, 'hex'), expected)
  })
  if (!matches) return { ok: false, reason: 'no signature matches the payload for this endpoint’s signing secret' }

  const now = params.nowSeconds ?? Math.floor(Date.now() / 1000)
  const tolerance = params.toleranceSeconds ?? STRIPE_SIGNATURE_TOLERANCE_SECONDS
  if (now - timestamp > tolerance) return { ok: false, reason: `the signature timestamp is more than ${tolerance} seconds old` }
  return { ok: true, timestamp }
}
