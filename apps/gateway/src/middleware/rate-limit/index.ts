/**
 * Per-tenant request rate limits, shared by every gateway process: the budget is a token bucket per tenant in the
 * database (`leaseRequestTokens`), and each process leases a twentieth of a second's worth of tokens at a time, so
 * the database sees a few leases a second per busy tenant rather than every request. N processes may together
 * admit up to N leases more than the budget; a spent budget is answered from memory until it has refilled.
 * Answers carry `RateLimit-*` headers; a refusal says when to come back.
 *
 * @module
 */
import type { RequestBudget, RequestLease } from '@ksef-hub/pipeline'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../../env.ts'
import { GatewayError } from '../../http/problem.ts'

/** Takes up to `want` tokens of a tenant's shared budget. */
export type LeaseTokens = (tenantId: string, budget: RequestBudget, want: number) => Promise<RequestLease>

interface Allowance {
  /** Tokens this process holds. */
  tokens: number
  /** What the shared bucket had left at the last lease. */
  available: number
  /** Until when (ms) the shared budget is known to be spent. */
  spentUntil: number
  leasing: Promise<void> | undefined
}

/**
 * The rate-limit middleware (after authentication: it needs `c.get('caller')`).
 *
 * @example
 * ```ts
 * app.use('/v1/*', tenantRateLimit((tenantId, budget, want) => leaseRequestTokens(db, tenantId, budget, want), { requestsPerSecond: 100, burst: 200 }))
 * ```
 */
export function tenantRateLimit(lease: LeaseTokens, budget: RequestBudget, clock: () => number = Date.now) {
  const allowances = new Map<string, Allowance>()
  const leaseSize = Math.max(1, Math.min(budget.burst, Math.ceil(budget.requestsPerSecond / 20)))
  const refuse = (allowance: Allowance) => {
    const retryAfter = Math.max(1, Math.ceil((allowance.spentUntil - clock()) / 1000))
    return new GatewayError(429, 'RATE_LIMITED', `too many requests for this tenant; retry in ${retryAfter} s`, {
      headers: {
        'retry-after': String(retryAfter),
        'ratelimit-limit': String(budget.burst),
        'ratelimit-remaining': '0',
      },
    })
  }
  return createMiddleware<AppEnv>(async function tenantRateLimit(c, next) {
    const tenantId = c.get('caller').tenantId
    let allowance = allowances.get(tenantId)
    if (!allowance) {
      allowance = { tokens: 0, available: budget.burst, spentUntil: 0, leasing: undefined }
      allowances.set(tenantId, allowance)
    }
    while (allowance.tokens < 1) {
      if (clock() < allowance.spentUntil) throw refuse(allowance)
      // Requests waiting at once share one lease.
      const current = allowance
      current.leasing ??= lease(tenantId, budget, leaseSize)
        .then(({ granted, available }) => {
          current.tokens += granted
          current.available = available
          // Spent: nothing more until a whole token has refilled.
          if (granted === 0) current.spentUntil = clock() + ((1 - available) / budget.requestsPerSecond) * 1000
        })
        .finally(() => {
          current.leasing = undefined
        })
      await current.leasing
      if (current.tokens < 1 && clock() < current.spentUntil) throw refuse(current)
    }
    allowance.tokens -= 1
    // Set before the handler runs: a header set on a finished response makes Hono copy the response (through the
    // Node adapter's full web Response), ~25 µs of every request.
    c.header('ratelimit-limit', String(budget.burst))
    c.header('ratelimit-remaining', String(Math.max(0, Math.floor(allowance.available + allowance.tokens))))
    await next()
  })
}
