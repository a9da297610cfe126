/**
 * Pre-signed URLs (batch part upload, UPO and export part download): called without a bearer token, they carry
 * their own expiry and an HMAC, like the storage links KSeF hands out.
 *
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

function mac(secret: string, path: string, expires: string): string {
  return createHmac('sha256', secret).update(`${path}\n${expires}`).digest('base64url')
}

/**
 * A signed URL for `path` (absolute path on the simulator's origin), valid until `expires`.
 *
 * @example
 * ```ts
 * presign(sim.secret, origin, `/storage/upo/${ref}.xml`, new Date(Date.now() + 3600_000))
 * ```
 */
export function presign(secret: string, origin: string, path: string, expires: Date): string {
  const se = expires.toISOString()
  return `${origin}${path}?se=${encodeURIComponent(se)}&sig=${mac(secret, path, se)}`
}

/**
 * Why a pre-signed URL is refused, or `undefined` when it is good.
 *
 * @example
 * ```ts
 * const problem = checkPresigned(sim.secret, c.req.path, c.req.query('se'), c.req.query('sig'), clock.now())
 * ```
 */
export function checkPresigned(
  secret: string,
  path: string,
  se: string | undefined,
  sig: string | undefined,
  now: Date,
): 'invalid' | 'expired' | undefined {
  if (!se || !sig) return 'invalid'
  const expected = Buffer.from(mac(secret, path, se))
  const given = Buffer.from(sig)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid'
  const expires = Date.parse(se)
  if (Number.isNaN(expires) || expires < now.getTime()) return 'expired'
  return undefined
}
