/**
 * The client-side limiter: before each request it takes a slot in the (context, endpoint group) budget, waiting
 * when the budget is spent, so the hub does not hit 429 in normal running. After a 429 it blocks the group for
 * the `Retry-After` KSeF gave.
 *
 * @module
 */
import { KsefTransientError } from '../errors/ksef-error.ts'
import { abortableSleep } from '../util/sleep.ts'
import { InMemoryRateLimitStore, type RateLimitStore, type RateLimitWindow } from './store.ts'
import { OFFICIAL_RATE_LIMITS, type RateLimitGroup, type RateLimitTable, type RateLimitValues } from './table.ts'

/** How the limiter is set up. */
export interface RateLimiterOptions {
  /** Where the request log lives; in memory by default. */
  readonly store?: RateLimitStore
  /** `official` (default), `off`, or a table (e.g. from `GET /rate-limits`). Missing groups use the official value. */
  readonly limits?: 'official' | 'off' | Partial<Record<RateLimitGroup, RateLimitValues>>
  /** Longest wait for a slot before failing with a transient `RATE_LIMIT_WAIT` error; 60 s by default. */
  readonly maxWaitMs?: number
  /** The clock, for tests. */
  readonly now?: () => number
  /** Widening of every window for network jitter, in ms (default 150). */
  readonly marginMs?: number
}

// KSeF counts a request when it arrives, the limiter when it leaves: uneven network delay can squeeze a full
// window of requests into less than the window on KSeF's side. Each window is widened by this much to absorb it.
const DEFAULT_MARGIN_MS = 150

function windowsOf(values: RateLimitValues, marginMs: number): RateLimitWindow[] {
  const windows: RateLimitWindow[] = [{ sizeMs: 1_000 + marginMs, limit: values.perSecond }]
  if (values.perMinute !== undefined) windows.push({ sizeMs: 60_000 + marginMs, limit: values.perMinute })
  if (values.perHour !== undefined) windows.push({ sizeMs: 3_600_000 + marginMs, limit: values.perHour })
  return windows
}

/**
 * Sliding-window limiter per (context, group).
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ maxWaitMs: 5_000 })
 * await limiter.acquire('Nip:5265877635', 'invoiceSend')
 * ```
 */
export class RateLimiter {
  readonly #store: RateLimitStore
  #table: RateLimitTable | undefined
  readonly #maxWaitMs: number
  readonly #now: () => number
  readonly #marginMs: number

  constructor(options: RateLimiterOptions = {}) {
    this.#marginMs = options.marginMs ?? DEFAULT_MARGIN_MS
    this.#store = options.store ?? new InMemoryRateLimitStore()
    this.#maxWaitMs = options.maxWaitMs ?? 60_000
    this.#now = options.now ?? Date.now
    this.#table = undefined
    this.setLimits(options.limits ?? 'official')
  }

  /** Replaces the limits, e.g. with the effective values read from `GET /rate-limits`. */
  setLimits(limits: RateLimiterOptions['limits']): void {
    if (limits === 'off') this.#table = undefined
    else if (limits === 'official' || limits === undefined) this.#table = OFFICIAL_RATE_LIMITS
    else this.#table = { ...OFFICIAL_RATE_LIMITS, ...limits }
  }

  /** The limits in force for a group, or undefined when limiting is off. */
  limitsOf(group: RateLimitGroup): RateLimitValues | undefined {
    return this.#table?.[group]
  }

  /**
   * Waits for a slot. Throws a transient `RATE_LIMIT_WAIT` error (with `retryAfterMs`) when the wait would be
   * longer than `maxWaitMs`, and an abort error when the signal fires.
   */
  async acquire(contextKey: string, group: RateLimitGroup, signal?: AbortSignal): Promise<void> {
    const values = this.#table?.[group]
    const key = `${contextKey}|${group}`
    const windows = values ? windowsOf(values, this.#marginMs) : []
    const started = this.#now()
    for (;;) {
      signal?.throwIfAborted()
      const wait = await this.#store.tryAcquire(key, windows, this.#now())
      if (wait === 0) return
      const waited = this.#now() - started
      if (waited + wait > this.#maxWaitMs) {
        throw new KsefTransientError({
          code: 'RATE_LIMIT_WAIT',
          message: `the ${group} request budget is spent for ${Math.ceil(wait / 1000)} s more (client-side limiter)`,
          retryAfterMs: wait,
        })
      }
      await abortableSleep(wait, signal)
    }
  }

  /** Blocks a group after KSeF answered 429, for `retryAfterMs`. */
  async penalize(contextKey: string, group: RateLimitGroup, retryAfterMs: number): Promise<void> {
    await this.#store.blockUntil(`${contextKey}|${group}`, this.#now() + retryAfterMs)
  }
}
