import crypto from 'node:crypto'

/** A signature older than this is refused by default (replay protection), as Stripe does. */
export const BOSUN_SIGNATURE_TOLERANCE_SECONDS = 300

const hmac = (secret: string, timestamp: number, rawBody: string | Uint8Array) =>
  crypto.createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(rawBody).digest()

/** The `Bosun-Signature` header of a webhook delivery: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. */
export function signBosunPayload(secret: string, rawBody: string | Uint8Array, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, rawBody).toString('hex')}`
}

/**
 * Verifies a `Bosun-Signature` header against the exact bytes received: one v1 must equal HMAC-SHA256 of
 * `${t}.${raw body}` keyed with the destination's secret (compared in constant time), and t must be at most
 * `toleranceSeconds` away from now. Receivers can copy this function (it needs only node:crypto).
 */
export function verifyBosunSignature(
  secret: string,
  header: string | null | undefined,
  rawBody: string | Uint8Array,
  toleranceSeconds = BOSUN_SIGNATURE_TOLERANCE_SECONDS,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  if (!header) return false
  let timestamp = -1
  const signatures: string[] = []
  for (const item of header.split(',')) {
    const [key, value] = item.split('=', 2).map((part) => part.trim())
    if (key === 't' && value && /^\d{1,12}$/.test(value)) timestamp = Number(value)
    if (key === 'v1' && value && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value)
  }
  if (timestamp < 0 || signatures.length === 0) return false
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false
  const expected = hmac(secret, timestamp, rawBody)
  return signatures.some((signature) => crypto.timingSafeEqual(Buffer.from(signature, 'hex'), expected))
}
