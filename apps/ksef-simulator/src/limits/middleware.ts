/**
 * Rate limiting in front of every `/v2` operation, keyed by the bearer token's context and the client IP.
 *
 * @module
 */
import type { MiddlewareHandler } from 'hono'
import { decode } from 'hono/jwt'
import { bearerToken } from '../auth/bearer.ts'
import { ApiError } from '../errors/index.ts'
import type { SimulatorEnv } from '../http/env.ts'
import { findOperation } from '../http/openapi.ts'
import { clientIp } from '../http/request.ts'
import { rateLimitMessage } from './rate-limiter.ts'

/** The context of a bearer token, without verifying it (verification comes later; this only picks a bucket). */
function tokenContext(token: string | undefined): string | undefined {
  if (!token) return undefined
  try {
    const ctx = (decode(token).payload as { ctx?: { type?: string; value?: string } }).ctx
    return ctx?.type && ctx.value ? `${ctx.type}:${ctx.value}` : undefined
  } catch {
    return undefined
  }
}

/**
 * 429 with `Retry-After` when a request is over its limits.
 *
 * @example
 * ```ts
 * app.use('/v2/*', rateLimitMiddleware)
 * ```
 */
export const rateLimitMiddleware: MiddlewareHandler<SimulatorEnv> = async (c, next) => {
  const sim = c.var.sim
  const operation = findOperation(c.req.method, c.req.path.replace(/^\/v2/, ''))
  if (operation) {
    const decision = sim.rateLimiter.check(operation, tokenContext(bearerToken(c)), clientIp(c))
    if (!decision.ok) throw ApiError.tooManyRequests(decision.retryAfter, rateLimitMessage(decision))
  }
  await next()
}
