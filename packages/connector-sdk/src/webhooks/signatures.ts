/**
 * The building blocks of webhook checks: HMAC over the raw bytes, a comparison whose time does not depend on where
 * two values differ, and a freshness window for signed timestamps.
 *
 * @module
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

/**
 * HMAC-SHA256 of the parts, in order, with the key.
 *
 * @example
 * ```ts
 * const expected = hmacSha256(secrets.webhookKey, request.rawBody).toString('base64') // Xero's x-xero-signature
 * ```
 */
export function hmacSha256(key: string | Uint8Array, ...parts: (string | Uint8Array)[]): Buffer {
  const hmac = createHmac('sha256', key)
  for (const part of parts) hmac.update(part)
  return hmac.digest()
}

/**
 * Whether two values are equal, in time that depends only on their lengths' digests: both sides are hashed first,
 * so neither the position of the first difference nor a length mismatch leaks.
 *
 * @example
 * ```ts
 * if (!safeEqual(request.headers['x-xero-signature'] ?? '', expected)) return { ok: false, reason: 'signature' }
 * ```
 */
export function safeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const digest = (value: string | Uint8Array) => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(a), digest(b))
}

/**
 * Whether a signed timestamp is within `windowMs` of now (either side: clocks drift).
 *
 * @example
 * ```ts
 * isFresh(Number(request.headers['x-hubspot-request-timestamp']), context.now(), 300_000)
 * ```
 */
export function isFresh(timestampMs: number, now: Date, windowMs: number): boolean {
  return Number.isFinite(timestampMs) && Math.abs(now.getTime() - timestampMs) <= windowMs
}
