/**
 * Where the limiter keeps its request log. The interface is small so that a pipeline can back it with its
 * database (one row per key, updated in a transaction) and share the budget between N workers.
 *
 * @module
 */

/** A sliding window: at most `limit` requests in any `sizeMs`. */
export interface RateLimitWindow {
  readonly sizeMs: number
  readonly limit: number
}

/**
 * The limiter's storage. Implementations must make {@link RateLimitStore.tryAcquire} atomic per key.
 *
 * @example
 * ```ts
 * const store: RateLimitStore = new InMemoryRateLimitStore()
 * const wait = await store.tryAcquire('Nip:5265877635|invoiceSend', [{ sizeMs: 1000, limit: 10 }], Date.now())
 * ```
 */
export interface RateLimitStore {
  /**
   * Records one request under `key` at `nowMs` if every window allows it and the key is not blocked; returns 0.
   * Otherwise records nothing and returns how many milliseconds to wait before the next try.
   */
  tryAcquire(key: string, windows: readonly RateLimitWindow[], nowMs: number): Promise<number>
  /** Blocks the key until `untilMs` (KSeF answered 429 with `Retry-After`). */
  blockUntil(key: string, untilMs: number): Promise<void>
}

interface KeyState {
  /** Request times, ascending. */
  stamps: number[]
  blockedUntil: number
}

/** Index of the first stamp greater than `value` (stamps ascending). */
function firstAfter(stamps: readonly number[], value: number): number {
  let low = 0
  let high = stamps.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if ((stamps[middle] ?? 0) > value) high = middle
    else low = middle + 1
  }
  return low
}

/**
 * The store for one process: a request log per key, pruned to the longest window.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ store: new InMemoryRateLimitStore() })
 * ```
 */
export class InMemoryRateLimitStore implements RateLimitStore {
  readonly #keys = new Map<string, KeyState>()

  async tryAcquire(key: string, windows: readonly RateLimitWindow[], nowMs: number): Promise<number> {
    const state = this.#keys.get(key) ?? { stamps: [], blockedUntil: 0 }
    this.#keys.set(key, state)
    if (state.blockedUntil > nowMs) return state.blockedUntil - nowMs
    const longest = Math.max(0, ...windows.map((window) => window.sizeMs))
    const keepFrom = firstAfter(state.stamps, nowMs - longest)
    if (keepFrom > 0) state.stamps.splice(0, keepFrom)
    let wait = 0
    for (const window of windows) {
      const inWindow = state.stamps.length - firstAfter(state.stamps, nowMs - window.sizeMs)
      if (inWindow >= window.limit) {
        // The request that must leave the window before one more fits.
        const blocking = state.stamps[state.stamps.length - window.limit] ?? nowMs
        wait = Math.max(wait, blocking + window.sizeMs - nowMs + 1)
      }
    }
    if (wait > 0) return wait
    state.stamps.push(nowMs)
    return 0
  }

  async blockUntil(key: string, untilMs: number): Promise<void> {
    const state = this.#keys.get(key) ?? { stamps: [], blockedUntil: 0 }
    state.blockedUntil = Math.max(state.blockedUntil, untilMs)
    this.#keys.set(key, state)
  }
}
