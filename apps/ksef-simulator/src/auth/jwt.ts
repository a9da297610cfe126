/**
 * The three JWTs of KSeF authentication: the authentication token (polls the operation, redeems once), the
 * access token (calls the API) and the refresh token (gets new access tokens). HS256 with the simulator's
 * secret; expiry is checked against the simulator's clock, so moving the clock expires tokens.
 *
 * @module
 */
import { randomUUID } from 'node:crypto'
import { sign, verify } from 'hono/jwt'

/** A context identifier (`AuthenticationContextIdentifier`). */
export interface ContextIdentifier {
  readonly type: 'Nip' | 'InternalId' | 'NipVatUe' | 'PeppolId'
  readonly value: string
}

/** Who authenticated: a NIP, a PESEL or a certificate fingerprint. */
export interface SubjectIdentifier {
  readonly type: 'Nip' | 'Pesel' | 'Fingerprint'
  readonly value: string
}

/** What an access token carries. */
export interface AccessClaims {
  readonly typ: 'access'
  /** The authentication operation's reference number. */
  readonly ref: string
  readonly ctx: ContextIdentifier
  readonly sub: SubjectIdentifier
  /** Permissions in the context. */
  readonly per: readonly string[]
  /** How the subject authenticated: `Token` or a XAdES method. */
  readonly met: string
  /** Allowed client IPv4 addresses/ranges/masks, if the authentication set a policy. */
  readonly ips?: { ip4Addresses?: string[]; ip4Ranges?: string[]; ip4Masks?: string[] }
  readonly iat: number
  /** Issued at, in milliseconds (finer than `iat`, so an `expire-tokens` fault can tell tokens apart). */
  readonly ims: number
  readonly exp: number
  readonly jti: string
}

/** What the authentication and refresh tokens carry. */
export interface OperationClaims {
  readonly typ: 'auth' | 'refresh'
  readonly ref: string
  readonly iat: number
  readonly exp: number
  readonly jti: string
}

/** Any of the three. */
export type TokenClaims = AccessClaims | OperationClaims

/**
 * Signs claims (adds `iat`, `exp` and `jti`).
 *
 * @example
 * ```ts
 * const token = await signToken(secret, { typ: 'auth', ref }, now, 2700)
 * ```
 */
export async function signToken(
  secret: string,
  claims: Omit<AccessClaims, 'iat' | 'ims' | 'exp' | 'jti'> | Omit<OperationClaims, 'iat' | 'exp' | 'jti'>,
  now: Date,
  ttlSeconds: number,
): Promise<{ token: string; validUntil: string }> {
  const iat = Math.floor(now.getTime() / 1000)
  const exp = iat + ttlSeconds
  const token = await sign({ ...claims, iat, ims: now.getTime(), exp, jti: randomUUID() }, secret, 'HS256')
  return { token, validUntil: new Date(exp * 1000).toISOString() }
}

/**
 * Verifies a token's signature and expiry; `undefined` when it is not a valid, unexpired token of ours.
 *
 * @example
 * ```ts
 * const claims = await verifyToken(secret, bearer, clock.now())
 * ```
 */
export async function verifyToken(secret: string, token: string, now: Date): Promise<TokenClaims | undefined> {
  try {
    const payload = (await verify(token, secret, { alg: 'HS256', exp: false, iat: false, nbf: false })) as unknown
    const claims = payload as TokenClaims
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now.getTime()) return undefined
    if (claims.typ !== 'access' && claims.typ !== 'auth' && claims.typ !== 'refresh') return undefined
    return claims
  } catch {
    return undefined
  }
}
