/**
 * Webhook signatures, Stripe-style: `KSeF-Hub-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`.
 * The timestamp is signed with the body, so a captured delivery cannot be replayed later than the tolerance.
 *
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** The header carrying the signature. */
export const SIGNATURE_HEADER = 'ksef-hub-signature'
/** How old a signed timestamp may be by default (Stripe uses 5 minutes too). */
export const DEFAULT_TOLERANCE_SECONDS = 300

/**
 * A new signing secret for a subscription (`whsec_` + 32 random bytes, Base64url).
 *
 * @example
 * ```ts
 * const secret = generateSigningSecret() // show once, store encrypted
 * ```
 */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`
}

/**
 * The signature header value of a body at a time.
 *
 * @example
 * ```ts
 * const header = signPayload(secret, body, Math.floor(Date.now() / 1000)) // 't=1767...,v1=5f2c...'
 * ```
 */
export function signPayload(secret: string, rawBody: string | Uint8Array, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')
  return `t=${timestamp},v1=${mac}`
}

/**
 * Checks a signature header against the raw body (what a tenant's endpoint does). Several `v1` entries are
 * accepted (during a secret rotation both are sent).
 *
 * @returns `true` when one `v1` matches and the timestamp is within the tolerance
 * @example
 * ```ts
 * if (!verifySignature(secret, request.headers['ksef-hub-signature'], rawBody)) return reply.status(400)
 * ```
 */
export function verifySignature(
  secret: string,
  header: string | null | undefined,
  rawBody: string | Uint8Array,
  options: { toleranceSeconds?: number; now?: Date } = {},
): boolean {
  if (!header) return false
  const parts = header.split(',').map((part) => part.trim().split('='))
  const timestamp = Number(parts.find(([name]) => name === 't')?.[1])
  if (!Number.isInteger(timestamp)) return false
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000)
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return false
  const expected = Buffer.from(signPayload(secret, rawBody, timestamp).split('v1=')[1] ?? '', 'hex')
  return parts
    .filter(([name, value]) => name === 'v1' && value !== undefined)
    .some(([, value]) => {
      const given = Buffer.from(value ?? '', 'hex')
      return given.length === expected.length && timingSafeEqual(given, expected)
    })
}
