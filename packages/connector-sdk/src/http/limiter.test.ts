import { getEventListeners } from 'node:events'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ConnectorError } from '../errors.ts'
import { createLimiter } from './limiter.ts'

/** Whether a promise has settled after the pending callbacks ran (without waiting for timers). */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false
  promise.then(
    () => {
      done = true
    },
    () => {
      done = true
    },
  )
  for (let i = 0; i < 20; i++) await Promise.resolve()
  return done
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

afterEach(() => {
  vi.useRealTimers()
})

describe('requests per minute', () => {
  it('lets the limit through at once and refuses the next with the time until a slot frees', async () => {
    let t = 1_000_000
    const limiter = createLimiter({ requestsPerMinute: 3 }, 5_000, () => t)
    for (let i = 0; i < 3; i++) {
      ;(await limiter.acquire())()
      t += 10_000
    }
    // Stamps at 0, 10 s and 20 s; at 30 s the next slot frees at 60 s, 30 s away, over the 5 s bound.
    const error = await rejection(limiter.acquire())
    expect(error).toBeInstanceOf(ConnectorError)
    expect((error as ConnectorError).kind).toBe('rate_limit')
    expect((error as ConnectorError).retryAfterMs).toBe(30_000)
    expect((error as ConnectorError).message).toContain('3 requests a minute')
  })

  it('slides: a stamp a minute old no longer counts', async () => {
    let t = 0
    const limiter = createLimiter({ requestsPerMinute: 2 }, 0, () => t)
    ;(await limiter.acquire())()
    t = 10_000
    ;(await limiter.acquire())()
    t = 60_000
    // The first stamp (0) is exactly a minute old: out of the window.
    ;(await limiter.acquire())()
    const error = (await rejection(limiter.acquire())) as ConnectorError
    expect(error.retryAfterMs).toBe(10_000)
    t = 70_000
    ;(await limiter.acquire())()
  })

  it('waits out a slot within the bound, and not a moment less', async () => {
    vi.useFakeTimers({ now: 0 })
    const limiter = createLimiter({ requestsPerMinute: 1 }, 30_000, () => Date.now())
    ;(await limiter.acquire())()
    vi.setSystemTime(45_000)
    const waiting = limiter.acquire()
    await vi.advanceTimersByTimeAsync(14_999)
    expect(await settled(waiting)).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(typeof (await waiting)).toBe('function')
  })

  it('counts the whole wait against the bound, not each sleep', async () => {
    const t = 0
    const limiter = createLimiter({ requestsPerMinute: 1 }, 59_999, () => t)
    ;(await limiter.acquire())()
    const error = (await rejection(limiter.acquire())) as ConnectorError
    expect(error.retryAfterMs).toBe(60_000)
  })

  it('ends a wait when the signal aborts, and does not start one with an aborted signal', async () => {
    vi.useFakeTimers({ now: 0 })
    const limiter = createLimiter({ requestsPerMinute: 1 }, 60_000, () => Date.now())
    ;(await limiter.acquire())()
    const job = new AbortController()
    const waiting = limiter.acquire(job.signal)
    await vi.advanceTimersByTimeAsync(1_000)
    job.abort(new Error('shutdown'))
    expect(((await rejection(waiting)) as Error).message).toBe('shutdown')

    // Already aborted: rejected without sleeping the 59 s first.
    const aborted = limiter.acquire(AbortSignal.abort(new Error('gone')))
    expect(await settled(aborted)).toBe(true)
    expect(((await rejection(aborted)) as Error).message).toBe('gone')
  })

  it('leaves no listener on the job signal after a wait', async () => {
    vi.useFakeTimers({ now: 0 })
    const limiter = createLimiter({ requestsPerMinute: 1 }, 60_000, () => Date.now())
    const job = new AbortController()
    ;(await limiter.acquire(job.signal))()
    for (let i = 0; i < 12; i++) {
      const waiting = limiter.acquire(job.signal)
      expect(await settled(waiting)).toBe(false)
      await vi.advanceTimersByTimeAsync(60_000)
      ;(await waiting)()
    }
    // A long pull waits many times on one job signal: each wait left a listener (Node warns past 10).
    expect(getEventListeners(job.signal, 'abort')).toHaveLength(0)
  })
})

describe('concurrency', () => {
  it('holds the limit in flight and hands a released slot to the first waiter, not a newcomer', async () => {
    const limiter = createLimiter({ concurrent: 2 })
    const a = await limiter.acquire()
    const b = await limiter.acquire()
    const order: string[] = []
    const noted = (name: string) => (release: () => void) => {
      order.push(name)
      return release
    }
    const first = limiter.acquire().then(noted('first'))
    const second = limiter.acquire().then(noted('second'))
    expect(await settled(first)).toBe(false)
    a()
    // A newcomer asking right after the release must queue behind the waiters.
    const newcomer = limiter.acquire().then(noted('newcomer'))
    const releaseFirst = await first
    expect(await settled(second)).toBe(false)
    expect(await settled(newcomer)).toBe(false)
    b()
    const releaseSecond = await second
    expect(await settled(newcomer)).toBe(false)
    releaseFirst()
    ;(await newcomer)()
    releaseSecond()
    expect(order).toEqual(['first', 'second', 'newcomer'])
  })

  it('ignores a second release of the same slot', async () => {
    const limiter = createLimiter({ concurrent: 1 })
    const release = await limiter.acquire()
    const one = limiter.acquire()
    const two = limiter.acquire()
    release()
    release()
    await one
    expect(await settled(two)).toBe(false)
  })

  it('bounds the wait for a slot: a rate_limit error after maxWaitMs', async () => {
    vi.useFakeTimers({ now: 0 })
    const limiter = createLimiter({ concurrent: 1 }, 1_000, () => Date.now())
    const held = await limiter.acquire()
    const waiting = limiter.acquire()
    await vi.advanceTimersByTimeAsync(999)
    expect(await settled(waiting)).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    const error = (await rejection(waiting)) as ConnectorError
    expect(error.kind).toBe('rate_limit')
    expect(error.retryAfterMs).toBeGreaterThan(0)
    // The one that gave up holds nothing: the next release goes to a later waiter.
    const later = limiter.acquire()
    held()
    expect(typeof (await later)).toBe('function')
  })

  it('ends the wait for a slot when the signal aborts, and leaves the queue as it was', async () => {
    const limiter = createLimiter({ concurrent: 1 })
    const held = await limiter.acquire()
    const job = new AbortController()
    const waiting = limiter.acquire(job.signal)
    const next = limiter.acquire()
    job.abort(new Error('claim lost'))
    expect(((await rejection(waiting)) as Error).message).toBe('claim lost')
    held()
    expect(typeof (await next)).toBe('function')
  })

  it('gives the slot back when the minute limit refuses', async () => {
    let t = 0
    const limiter = createLimiter({ concurrent: 1, requestsPerMinute: 1 }, 0, () => t)
    ;(await limiter.acquire())()
    expect(((await rejection(limiter.acquire())) as ConnectorError).kind).toBe('rate_limit')
    t = 60_000
    // Had the refused call kept its slot, this one would wait for ever.
    const again = limiter.acquire()
    expect(await settled(again)).toBe(true)
  })
})

describe('without limits', () => {
  it('never waits', async () => {
    const limiter = createLimiter()
    const releases = await Promise.all(Array.from({ length: 1_000 }, () => limiter.acquire()))
    expect(releases).toHaveLength(1_000)
  })
})
