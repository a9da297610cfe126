/**
 * After the authentication starts: `GET /auth/{referenceNumber}` (status), `POST /auth/token/redeem` (once),
 * `POST /auth/token/refresh`, and the authentication sessions (`GET /auth/sessions`, `DELETE
 * /auth/sessions/current`, `DELETE /auth/sessions/{referenceNumber}`).
 *
 * @module
 */
import { Hono } from 'hono'
import type { Simulator } from '../context.ts'
import { ApiError } from '../errors/index.ts'
import { decodeContinuation, encodeContinuation } from '../http/continuation.ts'
import type { SimulatorEnv } from '../http/env.ts'
import { queryInt } from '../http/request.ts'
import { type AuthOperation, AuthStore } from '../store/auth-store.ts'
import { TokenStore } from '../store/token-store.ts'
import { bearerToken, operationToken, requireAccess } from './bearer.ts'
import { signToken, verifyToken } from './jwt.ts'
import { AUTH_STATUS, operationStatusBody } from './operations.ts'
import { permissionsInContext } from './permissions.ts'

const REFRESH_TTL_SECONDS = 7 * 24 * 3600
const RETENTION_MS = 7 * 24 * 3600_000

function notFound(referenceNumber: string): ApiError {
  return ApiError.badRequest(
    21304,
    `Operacja uwierzytelniania o numerze referencyjnym ${referenceNumber} nie została znaleziona.`,
  )
}

async function accessToken(sim: Simulator, op: AuthOperation, permissions: string[]) {
  if (!op.subject) throw new Error('an operation that succeeded has a subject')
  return signToken(
    sim.secret,
    {
      typ: 'access',
      ref: op.referenceNumber,
      ctx: op.context,
      sub: op.subject,
      per: permissions,
      met: op.method,
      ...(op.allowedIps ? { ips: op.allowedIps } : {}),
    },
    sim.clock.now(),
    sim.options.accessTokenTtlSeconds,
  )
}

/** The permissions an operation has now (a token's, or the subject's in the context). */
function currentPermissions(sim: Simulator, op: AuthOperation): string[] {
  if (op.ksefTokenReference) return new TokenStore(sim.db).byReference(op.ksefTokenReference)?.permissions ?? []
  return op.subject ? permissionsInContext(sim, op.context, op.subject) : []
}

function tokenRevoked(sim: Simulator, op: AuthOperation): boolean {
  if (!op.ksefTokenReference) return false
  const status = new TokenStore(sim.db).byReference(op.ksefTokenReference)?.status
  return status === 'Revoked' || status === 'Revoking'
}

/**
 * The authentication routes that follow the start.
 *
 * @example
 * ```ts
 * v2.route('/', authSessionRoutes())
 * ```
 */
export function authSessionRoutes(): Hono<SimulatorEnv> {
  const app = new Hono<SimulatorEnv>()

  app.get('/auth/sessions', requireAccess, (c) => {
    const sim = c.var.sim
    const access = c.var.access
    const pageSize = queryInt(c, 'pageSize', { min: 10, max: 100, fallback: 10 })
    const offset = decodeContinuation(c.req.header('x-continuation-token'))
    const all = new AuthStore(sim.db).activeOperations(access.ctx, sim.clock.now().toISOString())
    const page = all.slice(offset, offset + pageSize)
    return c.json({
      ...(offset + pageSize < all.length ? { continuationToken: encodeContinuation(offset + pageSize) } : {}),
      items: page.map((op) => ({
        referenceNumber: op.referenceNumber,
        isCurrent: op.referenceNumber === access.ref,
        ...operationStatusBody(op),
      })),
    })
  })

  app.delete('/auth/sessions/current', async (c) => {
    const sim = c.var.sim
    const token = bearerToken(c)
    const claims = token ? await verifyToken(sim.secret, token, sim.clock.now()) : undefined
    if (!claims || claims.typ === 'auth') throw ApiError.unauthorized('Wymagane jest uwierzytelnienie.')
    revoke(sim, claims.ref)
    return c.body(null, 204)
  })

  app.delete('/auth/sessions/:referenceNumber', requireAccess, (c) => {
    const sim = c.var.sim
    const ref = c.req.param('referenceNumber')
    const op = new AuthStore(sim.db).operation(ref)
    if (!op || op.context.type !== c.var.access.ctx.type || op.context.value !== c.var.access.ctx.value) {
      throw notFound(ref)
    }
    revoke(sim, ref)
    return c.body(null, 204)
  })

  app.post('/auth/token/redeem', async (c) => {
    const sim = c.var.sim
    const claims = await operationToken(c, 'auth')
    const store = new AuthStore(sim.db)
    const op = store.operation(claims.ref)
    if (!op) throw notFound(claims.ref)
    if (op.redeemed) {
      throw ApiError.badRequest(
        21301,
        `Tokeny dla operacji uwierzytelniania ${op.referenceNumber} zostały już pobrane.`,
      )
    }
    if (op.status.code !== 200) {
      throw ApiError.badRequest(21301, `Status uwierzytelniania (${op.status.code}) nie pozwala na pobranie tokenów.`)
    }
    if (tokenRevoked(sim, op)) throw ApiError.badRequest(21301, 'Token KSeF został unieważniony.')
    const now = sim.clock.now()
    const refreshToken = await signToken(
      sim.secret,
      { typ: 'refresh', ref: op.referenceNumber },
      now,
      REFRESH_TTL_SECONDS,
    )
    const access = await accessToken(sim, op, op.permissions)
    store.saveOperation({ ...op, redeemed: true, refreshValidUntil: refreshToken.validUntil })
    return c.json({ accessToken: access, refreshToken }, 200)
  })

  app.post('/auth/token/refresh', async (c) => {
    const sim = c.var.sim
    const claims = await operationToken(c, 'refresh')
    const store = new AuthStore(sim.db)
    const op = store.operation(claims.ref)
    if (!op) throw notFound(claims.ref)
    if (op.revoked || op.status.code !== 200) {
      throw ApiError.badRequest(
        21301,
        `Status uwierzytelniania (${op.revoked ? 425 : op.status.code}) nie pozwala na odświeżenie tokenu dostępowego.`,
      )
    }
    if (tokenRevoked(sim, op)) throw ApiError.badRequest(21301, 'Token KSeF został unieważniony.')
    const access = await accessToken(sim, op, currentPermissions(sim, op))
    store.saveOperation({ ...op, lastRefreshDate: sim.clock.now().toISOString() })
    return c.json({ accessToken: access }, 200)
  })

  app.get('/auth/:referenceNumber', async (c) => {
    const sim = c.var.sim
    const ref = c.req.param('referenceNumber')
    const claims = await operationToken(c, 'auth')
    if (claims.ref !== ref) throw ApiError.unauthorized('Token uwierzytelniający nie dotyczy tej operacji.')
    const op = new AuthStore(sim.db).operation(ref)
    if (!op) throw notFound(ref)
    if (sim.clock.nowMs() - Date.parse(op.startDate) > RETENTION_MS)
      throw ApiError.gone('Operacja uwierzytelniania wygasła.')
    return c.json(operationStatusBody(op.revoked ? { ...op, status: AUTH_STATUS.revoked } : op), 200)
  })

  return app
}

function revoke(sim: Simulator, referenceNumber: string): void {
  const store = new AuthStore(sim.db)
  const op = store.operation(referenceNumber)
  if (op) store.saveOperation({ ...op, revoked: true })
}
