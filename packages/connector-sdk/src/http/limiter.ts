/**
 * A connection's rate limit in this process: at most `requestsPerMinute` in any 60 seconds (a sliding log) and
 * `concurrent` in flight. Waiting is bounded: a caller that would wait past `maxWaitMs` gets a `rate_limit` error,
 * so its job is deferred instead of holding a worker.
 *
 * @module
 */
import type { ConnectionLimits } from '../contract/definition.ts'
import { ConnectorError } from '../errors.ts'
import { sleep } from './sleep.ts'

const WINDOW_MS = 60_000

/** A connection's limiter. */
export interface Limiter {
  /** Waits for a slot; returns its release. */
  acquire(signal?: AbortSignal): Promise<() => void>
}

// An aborted signal ends the wait before it starts; a finished wait takes its listener off the job's signal (a
// long pull waits many times on one signal, and each wait left a listener behind).
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
      if (concurrent !== undefined && inFlight >= concurrent) await slot(signal)
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
  /**
   * Waits for a released slot. Bounded by `maxWaitMs` and ended by the signal, as the minute's wait is: it waited
   * for ever, deaf to the job's signal, while the module promises a bounded wait.
   */
  function slot(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason)
      const take = () => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', abort)
        resolve()
      }
      const leave = (error: unknown) => {
        // Out of the queue, so no release hands this caller a slot it will never give back.
        waiters.splice(waiters.indexOf(take), 1)
        signal?.removeEventListener('abort', abort)
        clearTimeout(timer)
        reject(error)
      }
      const abort = () => leave(signal?.reason)
      const timer = setTimeout(() => {
        // No slot freed within the bound: try again after as long.
        leave(
          new ConnectorError('rate_limit', `the connection's limit of ${concurrent} requests at once is reached`, {
            retryAfterMs: Math.max(maxWaitMs, 1),
          }),
        )
      }, maxWaitMs)
      signal?.addEventListener('abort', abort, { once: true })
      waiters.push(take)
    })
  }
  function release() {
    const next = waiters.shift()
    if (next) next()
    else inFlight--
  }
}
