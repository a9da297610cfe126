/**
 * Bearer tokens on protected routes: which token a route takes, and the checks KSeF makes before anything else
 * (401 without a valid token, 403 `ip-not-allowed` outside the authentication's IP policy, 403
 * `missing-permissions` without the route's permission).
 *
 * @module
 */
import type { MiddlewareHandler } from 'hono'
import { ApiError } from '../errors/index.ts'
import type { SimContext, SimulatorEnv } from '../http/env.ts'
import { clientIp } from '../http/request.ts'
import { ipAllowed } from './ip-policy.ts'
import { type AccessClaims, type OperationClaims, verifyToken } from './jwt.ts'

/**
 * The token of the `Authorization: Bearer` header, if any.
 *
 * @example
 * ```ts
 * const token = bearerToken(c)
 * ```
 */
export function bearerToken(c: SimContext): string | undefined {
  const header = c.req.header('authorization')
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null
  return match?.[1]
}

const UNAUTHENTICATED = 'Wymagane jest uwierzytelnienie.'

/**
 * Middleware: the request needs a valid access token; its claims become `c.var.access`.
 *
 * @example
 * ```ts
 * app.post('/sessions/online', requireAccess, handler)
 * ```
 */
export const requireAccess: MiddlewareHandler<SimulatorEnv> = async (c, next) => {
  const sim = c.var.sim
  const token = bearerToken(c)
  if (!token) throw ApiError.unauthorized(UNAUTHENTICATED)
  const claims = await verifyToken(sim.secret, token, sim.clock.now())
  if (claims?.typ !== 'access') throw ApiError.unauthorized('Token dostępowy jest nieprawidłowy lub wygasł.')
  if (sim.faults.tokenRevokedBefore(claims.ims ?? claims.iat * 1000))
    throw ApiError.unauthorized('Token dostępowy wygasł.')
  if (claims.ips && !ipAllowed(clientIp(c), claims.ips)) {
    throw ApiError.forbidden(
      'ip-not-allowed',
      'Żądanie pochodzi z adresu IP innego niż wskazany podczas uwierzytelnienia.',
      {
        clientIp: clientIp(c),
      },
    )
  }
  c.set('access', claims)
  await next()
}

/**
 * The claims of an authentication or refresh token in the bearer header.
 *
 * @throws {@link ApiError} 401 when missing, invalid, expired or of another kind.
 * @example
 * ```ts
 * const claims = await operationToken(c, 'auth')
 * ```
 */
export async function operationToken(c: SimContext, kind: 'auth' | 'refresh'): Promise<OperationClaims> {
  const sim = c.var.sim
  const token = bearerToken(c)
  if (!token) throw ApiError.unauthorized(UNAUTHENTICATED)
  const claims = await verifyToken(sim.secret, token, sim.clock.now())
  if (!claims || claims.typ !== kind) throw ApiError.unauthorized('Token jest nieprawidłowy lub wygasł.')
  return claims
}

/**
 * Checks the access token holds one of the permissions.
 *
 * @throws {@link ApiError} 403 `missing-permissions`.
 * @example
 * ```ts
 * requirePermission(c.var.access, ['InvoiceWrite', 'EnforcementOperations'])
 * ```
 */
export function requirePermission(access: AccessClaims, anyOf: readonly string[]): void {
  if (anyOf.some((permission) => access.per.includes(permission))) return
  throw ApiError.forbidden(
    'missing-permissions',
    'Brak wymaganych uprawnień do wykonania operacji w bieżącym kontekście.',
    {
      requiredAnyOfPermissions: [...anyOf],
      presentPermissions: [...access.per],
    },
  )
}
