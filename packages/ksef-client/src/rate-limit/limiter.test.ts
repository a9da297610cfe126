import { describe, expect, it } from 'vitest'
import { KsefTransientError } from '../errors/ksef-error.ts'
import { RateLimiter } from './limiter.ts'
import { InMemoryRateLimitStore } from './store.ts'

describe('sliding windows', () => {
  it('admits perSecond requests, then says how long until the oldest leaves the window', async () => {
    const store = new InMemoryRateLimitStore()
    const windows = [{ sizeMs: 1000, limit: 3 }]
    for (const t of [0, 100, 200]) expect(await store.tryAcquire('k', windows, t)).toBe(0)
    expect(await store.tryAcquire('k', windows, 300)).toBe(701)
    expect(await store.tryAcquire('k', windows, 1001)).toBe(0)
  })

  it('applies every window: the minute budget binds after the second budget refills', async () => {
    const store = new InMemoryRateLimitStore()
    const windows = [
      { sizeMs: 1000, limit: 10 },
      { sizeMs: 60_000, limit: 12 },
    ]
    let t = 0
    for (let i = 0; i < 10; i += 1) expect(await store.tryAcquire('k', windows, t)).toBe(0)
    expect(await store.tryAcquire('k', windows, t)).toBeGreaterThan(0)
    t = 1500
    expect(await store.tryAcquire('k', windows, t)).toBe(0)
    expect(await store.tryAcquire('k', windows, t)).toBe(0)
    const wait = await store.tryAcquire('k', windows, t)
    expect(wait).toBe(60_000 - 1500 + 1)
  })

  it('keeps keys apart', async () => {
    const store = new InMemoryRateLimitStore()
    const windows = [{ sizeMs: 1000, limit: 1 }]
    expect(await store.tryAcquire('a', windows, 0)).toBe(0)
    expect(await store.tryAcquire('b', windows, 0)).toBe(0)
    expect(await store.tryAcquire('a', windows, 0)).toBeGreaterThan(0)
  })
})

describe('RateLimiter', () => {
  it('waits for a slot with the official per-second limit', async () => {
    const limiter = new RateLimiter({ limits: { invoiceSend: { perSecond: 2 } } })
    const started = Date.now()
    for (let i = 0; i < 3; i += 1) await limiter.acquire('ctx', 'invoiceSend')
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
  })

  it('fails fast with a transient RATE_LIMIT_WAIT when the wait exceeds maxWaitMs', async () => {
    const limiter = new RateLimiter({ maxWaitMs: 100 })
    for (let i = 0; i < 16; i += 1) await limiter.acquire('ctx', 'invoiceMetadata').catch(() => undefined)
    const error = await limiter.acquire('ctx', 'invoiceMetadata').catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(KsefTransientError)
    expect((error as KsefTransientError).code).toBe('RATE_LIMIT_WAIT')
    expect((error as KsefTransientError).retryAfterMs).toBeGreaterThan(100)
  })

  it('blocks a group after a 429 for Retry-After, and only that group', async () => {
    const limiter = new RateLimiter({ maxWaitMs: 50 })
    await limiter.penalize('ctx', 'invoiceSend', 5_000)
    await expect(limiter.acquire('ctx', 'invoiceSend')).rejects.toMatchObject({ code: 'RATE_LIMIT_WAIT' })
    await expect(limiter.acquire('ctx', 'sessionMisc')).resolves.toBeUndefined()
    await expect(limiter.acquire('other', 'invoiceSend')).resolves.toBeUndefined()
  })

  it('can be switched off', async () => {
    const limiter = new RateLimiter({ limits: 'off' })
    for (let i = 0; i < 100; i += 1) await limiter.acquire('ctx', 'invoiceMetadata')
    expect(limiter.limitsOf('invoiceMetadata')).toBeUndefined()
  })

  it('shares one budget through a shared store (N workers)', async () => {
    const store = new InMemoryRateLimitStore()
    const a = new RateLimiter({ store, maxWaitMs: 10, limits: { sessionList: { perSecond: 2 } } })
    const b = new RateLimiter({ store, maxWaitMs: 10, limits: { sessionList: { perSecond: 2 } } })
    await a.acquire('ctx', 'sessionList')
    await b.acquire('ctx', 'sessionList')
    await expect(a.acquire('ctx', 'sessionList')).rejects.toMatchObject({ code: 'RATE_LIMIT_WAIT' })
  })
})
