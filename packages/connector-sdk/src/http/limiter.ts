/**
 * A connection's rate limit in this process: at most `requestsPerMinute` in any 60 seconds (a sliding log) and
 * `concurrent` in flight. Waiting is bounded: a caller that would wait past `maxWaitMs` gets a `rate_limit` error,
 * so its job is deferred instead of holding a worker.
 *
 * @module
 */
import type { ConnectionLimits } from '../contract/definition.ts'
import { ConnectorError } from '../errors.ts'

const WINDOW_MS = 60_000

/** A connection's limiter. */
export interface Limiter {
  /** Waits for a slot; returns its release. */
  acquire(signal?: AbortSignal): Promise<() => void>
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(signal.reason)
      },
      { once: true },
    )
  })

/**
 * Creates a limiter (no limits given: it never waits).
 *
 * @example
 * ```ts
 * const limiter = createLimiter({ requestsPerMinute: 60, concurrent: 5 })
 * const release = await limiter.acquire()
 * try { await call() } finally { release() }
 * ```
 */
export function createLimiter(limits: ConnectionLimits = {}, maxWaitMs = 30_000, now = () => Date.now()): Limiter {
  const stamps: number[] = []
  let inFlight = 0
  const waiters: (() => void)[] = []
  const perMinute = limits.requestsPerMinute
  const concurrent = limits.concurrent
  return {
    async acquire(signal) {
      const started = now()
      // A released slot is handed to the first waiter as it is, so a newcomer cannot take it in between.
      if (concurrent !== undefined && inFlight >= concurrent)
        await new Promise<void>((resolve) => waiters.push(resolve))
      else inFlight++
      try {
        if (perMinute !== undefined) {
          for (;;) {
            while (stamps.length && (stamps[0] as number) <= now() - WINDOW_MS) stamps.shift()
            if (stamps.length < perMinute) break
            const wait = (stamps[0] as number) + WINDOW_MS - now()
            if (now() + wait - started > maxWaitMs) {
              throw new ConnectorError(
                'rate_limit',
                `the connection's limit of ${perMinute} requests a minute is reached`,
                {
                  retryAfterMs: wait,
                },
              )
            }
            await sleep(wait, signal)
          }
          stamps.push(now())
        }
      } catch (error) {
        release()
        throw error
      }
      let released = false
      return () => {
        if (released) return
        released = true
        release()
      }
    },
  }
  function release() {
    const next = waiters.shift()
    if (next) next()
    else inFlight--
  }
}
