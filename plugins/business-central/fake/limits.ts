/**
 * BC online's per-user limits on API calls (README (f)): at most 5 requests processed at once, up to 95 more
 * queued (then 429), a queued request given up after 8 minutes (503), and 6,000 requests in a 5-minute sliding
 * window (429). Configurable, so a test can reach each limit in a few calls. And the faults a test injects.
 *
 * @module
 */
import {
  type CommonFaultKind,
  type FakeClock,
  FaultQueue,
  type Fault as SdkFault,
} from '@ksef-hub/connector-sdk/testing'
import { BC_ERRORS } from './facts.ts'
import { BcError } from './http.ts'

export type { FaultMatch, FaultOptions } from '@ksef-hub/connector-sdk/testing'

/** The limits, per user (service principal). */
export interface LimitOptions {
  readonly maxConcurrent: number
  readonly maxQueued: number
  readonly queueTimeoutMs: number
  readonly windowRequests: number
  readonly windowMs: number
}

interface Waiter {
  readonly admit: () => void
}

interface Principal {
  readonly window: number[]
  active: number
  readonly queue: Waiter[]
}

/**
 * The per-user limiter.
 *
 * @example
 * ```ts
 * const release = await limiter.acquire(clientId, signal)
 * try { await handle() } finally { release() }
 * ```
 */
export class Limiter {
  readonly #options: LimitOptions
  readonly #clock: FakeClock
  readonly #principals = new Map<string, Principal>()

  constructor(options: LimitOptions, clock: FakeClock) {
    this.#options = options
    this.#clock = clock
  }

  /**
   * A slot to process one request; resolves when the request may run.
   *
   * @throws {BcError} 429 past the window or a full queue, 503 when the queue wait runs out
   */
  async acquire(name: string, signal: AbortSignal): Promise<() => void> {
    const principal = this.#principal(name)
    const now = this.#clock.now().getTime()
    while (principal.window.length > 0 && (principal.window[0] ?? 0) <= now - this.#options.windowMs) {
      principal.window.shift()
    }
    if (principal.window.length >= this.#options.windowRequests) {
      throw new BcError(BC_ERRORS.tooManyRequests(principal.window.length + 1, this.#options.windowRequests))
    }
    const capacity = this.#options.maxConcurrent + this.#options.maxQueued
    if (principal.active + principal.queue.length >= capacity) {
      throw new BcError(BC_ERRORS.tooManyRequests(principal.active + principal.queue.length + 1, capacity))
    }
    principal.window.push(now)
    if (principal.active >= this.#options.maxConcurrent) await this.#wait(principal, signal)
    else principal.active += 1
    let released = false
    return () => {
      if (released) return
      released = true
      principal.active -= 1
      principal.queue.shift()?.admit()
    }
  }

  #principal(name: string): Principal {
    let principal = this.#principals.get(name)
    if (!principal) {
      principal = { window: [], active: 0, queue: [] }
      this.#principals.set(name, principal)
    }
    return principal
  }

  #wait(principal: Principal, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const leave = () => {
        clearTimeout(timer)
        signal.removeEventListener('abort', abandoned)
        const index = principal.queue.indexOf(waiter)
        if (index >= 0) principal.queue.splice(index, 1)
      }
      const waiter: Waiter = {
        admit: () => {
          leave()
          principal.active += 1
          resolve()
        },
      }
      const timer = setTimeout(() => {
        leave()
        reject(new BcError(BC_ERRORS.unavailable()))
      }, this.#options.queueTimeoutMs)
      const abandoned = () => {
        leave()
        reject(new Error('the client left while its request was queued'))
      }
      signal.addEventListener('abort', abandoned, { once: true })
      principal.queue.push(waiter)
    })
  }
}

/**
 * A failure a test injects into the next calls: the SDK's common ones, and BC's 429 with a `Retry-After` (default
 * 1 s) or without one.
 */
export type FaultKind = CommonFaultKind | '429' | '429-no-retry-after'

/** A fault taken for one call. */
export type Fault = SdkFault<FaultKind>

/**
 * The injected faults, in the order they were asked for.
 *
 * @example
 * ```ts
 * faults.add('503', 2)
 * const fault = faults.take('GET', '/v2.0/.../companies', false)
 * ```
 */
export class Faults extends FaultQueue<FaultKind> {}
