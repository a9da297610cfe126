/**
 * HubSpot's rate limits [N §4]: a burst limit per app over a rolling ten seconds (search exempt, as the index
 * marks it [I `rateLimitExemptions`]), a daily limit per portal that resets at the portal's midnight (private
 * apps; OAuth calls have none [D]), and search's own per-second limit. Each answers 429 with its policy's body and
 * the `X-HubSpot-RateLimit-*` headers, which successful answers carry too.
 *
 * @module
 */

import {
  type CommonFaultKind,
  type FakeClock,
  FaultQueue,
  type Fault as SdkFault,
} from '@ksef-hub/connector-sdk/testing'
import type { Principal } from './auth.ts'
import { HubSpotError, rateLimitBody } from './errors.ts'
import { LIMIT_HEADERS, POLICY, PORTAL_TIME_ZONE } from './facts.ts'

export type { FaultMatch, FaultOptions } from '@ksef-hub/connector-sdk/testing'

/** The limits (defaults in `facts.ts`: Free/Starter's 100 per 10 s, 250,000 a day, search 5/s). */
export interface LimitOptions {
  readonly burstRequests: number
  readonly burstWindowMs: number
  readonly dailyRequests: number
  readonly searchPerSecond: number
  /** Whether OAuth calls count against (and report) the daily limit. */
  readonly oauthDaily: boolean
  /** Whether the limiter's 429s carry `Retry-After`. */
  readonly retryAfterOnLimits: boolean
}

const dayOf = (ms: number) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: PORTAL_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(ms)

/** Milliseconds from `ms` to the next midnight in the portal's time zone (to the minute, enough for Retry-After). */
function untilMidnight(ms: number): number {
  const today = dayOf(ms)
  let probe = ms
  while (dayOf(probe) === today) probe += 60_000
  return probe - ms
}

/**
 * The limiter.
 *
 * @example
 * ```ts
 * const headers = limiter.admit(principal, false) // throws the 429 HubSpot answers past a limit
 * ```
 */
export class Limiter {
  readonly #options: LimitOptions
  readonly #clock: FakeClock
  readonly #burst = new Map<string, number[]>()
  readonly #search = new Map<string, number[]>()
  #daily = { day: '', count: 0 }

  constructor(options: LimitOptions, clock: FakeClock) {
    this.#options = options
    this.#clock = clock
  }

  /**
   * Admits one request of `principal`; returns the rate-limit headers to answer with.
   *
   * @throws {HubSpotError} 429 `TEN_SECONDLY_ROLLING`, `SECONDLY` or `DAILY`
   */
  admit(principal: Principal, search: boolean): Record<string, string> {
    const now = this.#clock.now().getTime()
    const daily = principal.kind === 'private' || this.#options.oauthDaily
    const headers: Record<string, string> = {}
    if (daily) {
      const day = dayOf(now)
      if (this.#daily.day !== day) this.#daily = { day, count: 0 }
      headers[LIMIT_HEADERS.daily] = String(this.#options.dailyRequests)
      headers[LIMIT_HEADERS.dailyRemaining] = String(Math.max(0, this.#options.dailyRequests - this.#daily.count))
      if (this.#daily.count >= this.#options.dailyRequests) {
        throw this.#refuse(POLICY.daily, headers, Math.ceil(untilMidnight(now) / 1000))
      }
    }
    if (search) {
      const window = this.#window(this.#search, principal.app, now, 1000)
      if (window.length >= this.#options.searchPerSecond) {
        throw this.#refuse(POLICY.search, headers, 1)
      }
      window.push(now)
    } else {
      const window = this.#window(this.#burst, principal.app, now, this.#options.burstWindowMs)
      headers[LIMIT_HEADERS.interval] = String(this.#options.burstWindowMs)
      headers[LIMIT_HEADERS.max] = String(this.#options.burstRequests)
      if (window.length >= this.#options.burstRequests) {
        headers[LIMIT_HEADERS.remaining] = '0'
        const wait = (window[0] ?? now) + this.#options.burstWindowMs - now
        throw this.#refuse(POLICY.burst, headers, Math.max(1, Math.ceil(wait / 1000)))
      }
      window.push(now)
      headers[LIMIT_HEADERS.remaining] = String(this.#options.burstRequests - window.length)
    }
    if (daily) {
      this.#daily.count += 1
      headers[LIMIT_HEADERS.dailyRemaining] = String(Math.max(0, this.#options.dailyRequests - this.#daily.count))
    }
    return headers
  }

  /** Uses up today's budget (a test's shortcut to the daily limit). */
  exhaustDaily(): void {
    this.#daily = { day: dayOf(this.#clock.now().getTime()), count: this.#options.dailyRequests }
  }

  #window(windows: Map<string, number[]>, key: string, now: number, span: number): number[] {
    const window = windows.get(key) ?? []
    while (window.length > 0 && (window[0] ?? 0) <= now - span) window.shift()
    windows.set(key, window)
    return window
  }

  #refuse(policy: string, headers: Record<string, string>, retryAfterSeconds: number): HubSpotError {
    const extra: Record<string, string> = this.#options.retryAfterOnLimits
      ? { 'retry-after': String(retryAfterSeconds) }
      : {}
    return new HubSpotError(429, rateLimitBody(policy), { ...headers, ...extra })
  }
}

/** A failure a test injects into the next calls: the SDK's common ones, and HubSpot's three 429s. */
export type FaultKind =
  | CommonFaultKind
  /** HubSpot's ten-secondly 429 (body `TEN_SECONDLY_ROLLING`). */
  | '429-burst'
  /** The daily 429 (body `DAILY`). */
  | '429-daily'
  /** Search's per-second 429 (body `SECONDLY`, "You have reached your secondly limit."). */
  | '429-search'

/** A fault taken for one call. An injected 429 has no `Retry-After` unless asked for, as HubSpot sends none (VERIFY). */
export type Fault = SdkFault<FaultKind>

/**
 * The injected faults, in the order they were asked for, and the 429 storm.
 *
 * @example
 * ```ts
 * faults.add('503', 2)
 * const fault = faults.take('GET', '/crm/v3/objects/invoices/1', false)
 * ```
 */
export class Faults extends FaultQueue<FaultKind> {
  #stormUntil = 0

  /** Every API call answers the burst 429 until `untilMs` (the fake's clock). */
  storm(untilMs: number): void {
    this.#stormUntil = untilMs
  }

  stormy(nowMs: number): boolean {
    return nowMs < this.#stormUntil
  }
}
