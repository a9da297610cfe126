/**
 * The hub's webhook signature, Stripe-style, for write-back webhooks: a receiver that already checks the hub's own
 * webhooks checks these the same way. `KSeF-Hub-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`;
 * the timestamp is signed with the body, so a captured delivery cannot be replayed after the receiver's tolerance.
 *
 * @module
 */
import { hmacSha256, isFresh, safeEqual } from '@ksef-hub/connector-sdk'

/**
 * The `KSeF-Hub-Signature` header of a body at a moment.
 *
 * @example
 * ```ts
 * signatureHeader('whsec_...', '{"id":"..."}', new Date()) // 't=1767225600,v1=5f2c...'
 * ```
 */
export function signatureHeader(secret: string, body: string | Uint8Array, at: Date): string {
  const timestamp = Math.floor(at.getTime() / 1000)
  return `t=${timestamp},v1=${hmacSha256(secret, `${timestamp}.`, body).toString('hex')}`
}

/**
 * Whether a `KSeF-Hub-Signature` header signs a body with the secret, within `toleranceSeconds` of `now` (what a
 * receiver does; the fake source's receiver uses it).
 *
 * @example
 * ```ts
 * if (!verifySignatureHeader(secret, request.headers['ksef-hub-signature'], rawBody, new Date())) return 400
 * ```
 */
export function verifySignatureHeader(
  secret: string,
  header: string | undefined,
  body: string | Uint8Array,
  now: Date,
  toleranceSeconds = 300,
): boolean {
  if (!header) return false
  const parts = header.split(',').map((part) => part.trim().split('='))
  const timestamp = Number(parts.find(([name]) => name === 't')?.[1])
  if (!Number.isInteger(timestamp) || !isFresh(timestamp * 1000, now, toleranceSeconds * 1000)) return false
  const expected = hmacSha256(secret, `${timestamp}.`, body).toString('hex')
  return parts.some(([name, value]) => name === 'v1' && value !== undefined && safeEqual(value, expected))
}
