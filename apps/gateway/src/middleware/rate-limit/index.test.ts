import type { RequestBudget } from '@ksef-hub/pipeline'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { AppEnv } from '../../env.ts'
import { GatewayError } from '../../http/problem.ts'
import { tenantRateLimit } from './index.ts'

/** A shared bucket kept in memory, as the database keeps it, counting the leases asked for. */
function bucket(budget: RequestBudget, clock: () => number) {
  let tokens = budget.burst
  let at = clock()
  const leases: number[] = []
  return {
    leases,
    async lease(_tenantId: string, _budget: RequestBudget, want: number) {
      leases.push(want)
      await new Promise((resolve) => setTimeout(resolve, 5))
      tokens = Math.min(budget.burst, tokens + ((clock() - at) / 1000) * budget.requestsPerSecond)
      at = clock()
      const granted = Math.max(0, Math.min(want, Math.floor(tokens)))
      tokens -= granted
      return { granted, available: tokens }
    },
  }
}

function app(limit: ReturnType<typeof tenantRateLimit>) {
  const hono = new Hono<AppEnv>()
  hono.onError((error) =>
    error instanceof GatewayError
      ? new Response(error.message, { status: error.status, headers: error.headers })
      : new Response(String(error), { status: 500 }),
  )
  hono.use(async (c, next) => {
    c.set('caller', { tenantId: c.req.header('x-tenant') ?? 'acme' } as never)
    await next()
  })
  hono.use(limit)
  hono.get('/', (c) => c.text('ok'))
  return hono
}

describe('the tenant rate limit', () => {
  it('leases a twentieth of a second at a time, and requests waiting at once share one lease', async () => {
    const budget = { requestsPerSecond: 100, burst: 200 }
    const shared = bucket(budget, Date.now)
    const hono = app(tenantRateLimit(shared.lease, budget))
    const answers = await Promise.all(Array.from({ length: 5 }, () => hono.request('/')))
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200])
    expect(shared.leases).toEqual([5])
    expect(answers[0]?.headers.get('ratelimit-limit')).toBe('200')
  })

  it('refuses from memory once the budget is spent, and leases again when a token has refilled', async () => {
    let now = 1_000_000
    const clock = () => now
    const budget = { requestsPerSecond: 1, burst: 3 }
    const shared = bucket(budget, clock)
    const hono = app(tenantRateLimit(shared.lease, budget, clock))
    const statuses = []
    for (let n = 0; n < 6; n++) statuses.push((await hono.request('/')).status)
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429])
    // One lease per request while tokens lasted, one that found the bucket empty, none while known spent.
    expect(shared.leases).toHaveLength(4)
    const refused = await hono.request('/')
    expect(refused.headers.get('retry-after')).toBe('1')
    now += 1_000
    expect((await hono.request('/')).status).toBe(200)
    expect(shared.leases).toHaveLength(5)
  })

  it('keeps tenants apart', async () => {
    const budget = { requestsPerSecond: 1, burst: 1 }
    const clock = () => 5_000
    const shared = { acme: bucket(budget, clock), other: bucket(budget, clock) }
    const hono = app(
      tenantRateLimit(
        (tenantId, b, want) => shared[tenantId as 'acme' | 'other'].lease(tenantId, b, want),
        budget,
        clock,
      ),
    )
    expect((await hono.request('/', { headers: { 'x-tenant': 'acme' } })).status).toBe(200)
    expect((await hono.request('/', { headers: { 'x-tenant': 'acme' } })).status).toBe(429)
    expect((await hono.request('/', { headers: { 'x-tenant': 'other' } })).status).toBe(200)
  })
})
