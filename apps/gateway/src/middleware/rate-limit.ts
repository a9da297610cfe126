/**
 * Per-tenant request rate limits: a token bucket per tenant in this process (each gateway process enforces its
 * share; run N processes with 1/N of the budget). Answers carry `RateLimit-*` headers; a refusal says when to
 * come back.
 *
 * @module
 */
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../env.ts'
import { GatewayError } from '../http/problem.ts'

interface Bucket {
  tokens: number
  at: number
}

/**
 * The rate-limit middleware (after authentication: it needs `c.get('caller')`).
 *
 * @example
 * ```ts
 * app.use('/v1/*', tenantRateLimit({ requestsPerSecond: 100, burst: 200 }))
 * ```
 */
export function tenantRateLimit(options: { requestsPerSecond: number; burst: number }, clock: () => number = Date.now) {
  const buckets = new Map<string, Bucket>()
  return createMiddleware<AppEnv>(async function tenantRateLimit(c, next) {
    const tenantId = c.get('caller').tenantId
    const now = clock()
    const bucket = buckets.get(tenantId) ?? { tokens: options.burst, at: now }
    bucket.tokens = Math.min(options.burst, bucket.tokens + ((now - bucket.at) / 1000) * options.requestsPerSecond)
    bucket.at = now
    buckets.set(tenantId, bucket)
    if (bucket.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / options.requestsPerSecond))
      throw new GatewayError(429, 'RATE_LIMITED', `too many requests for this tenant; retry in ${retryAfter} s`, {
        headers: {
          'retry-after': String(retryAfter),
          'ratelimit-limit': String(options.burst),
          'ratelimit-remaining': '0',
        },
      })
    }
    bucket.tokens -= 1
    await next()
    c.header('ratelimit-limit', String(options.burst))
    c.header('ratelimit-remaining', String(Math.floor(bucket.tokens)))
  })
}
