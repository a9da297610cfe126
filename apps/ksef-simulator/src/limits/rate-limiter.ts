/**
 * Sliding-window rate limits per context and client IP (per IP on public endpoints), with the three windows of
 * KSeF (second, minute, hour) all in force. A request over a limit is refused with 429 and the seconds until the
 * window lets it through in `Retry-After`. PRD values come from the spec; "relaxed" multiplies them by ten
 * (the TEST documentation's 10x PRD); a context's values can be overridden through `/testdata/rate-limits`.
 *
 * @module
 */
import type { Clock } from '../core/clock.ts'
import type { SpecOperation } from '../http/openapi.ts'
import type { TestDataStore } from '../store/testdata-store.ts'
import {
  type GroupLimits,
  groupOf,
  operationLimits,
  prdGroupLimits,
  RATE_LIMIT_GROUPS,
  type RateLimitGroup,
} from './groups.ts'

/** The preset in force when a context has no override. */
export type RateLimitPreset = 'prd' | 'relaxed'

/** The outcome of a check: allowed, or refused with the seconds to wait and the window that refused. */
export type RateDecision =
  | { ok: true }
  | { ok: false; retryAfter: number; limit: number; window: 'second' | 'minute' | 'hour' }

const RELAXED_FACTOR = 10
const WINDOWS = [
  ['second', 1000, 'perSecond'],
  ['minute', 60_000, 'perMinute'],
  ['hour', 3_600_000, 'perHour'],
] as const

const SETTING = 'rate-limits'

function scale(limits: GroupLimits, factor: number): GroupLimits {
  return {
    perSecond: limits.perSecond * factor,
    perMinute: limits.perMinute * factor,
    perHour: limits.perHour * factor,
  }
}

/**
 * The limiter of one simulator.
 *
 * @example
 * ```ts
 * const decision = limiter.check(operation, 'Nip:5265877635', '127.0.0.1')
 * if (!decision.ok) throw ApiError.tooManyRequests(decision.retryAfter, message(decision))
 * ```
 */
export class RateLimiter {
  readonly #clock: Clock
  readonly #settings: TestDataStore
  readonly #preset: RateLimitPreset
  readonly #log = new Map<string, number[]>()

  constructor(clock: Clock, settings: TestDataStore, preset: RateLimitPreset) {
    this.#clock = clock
    this.#settings = settings
    this.#preset = preset
  }

  /** The effective limits of every group for a context (`GET /rate-limits`). */
  effective(context: string): Record<(typeof RATE_LIMIT_GROUPS)[number], GroupLimits> {
    const override = this.#settings.setting<Record<string, GroupLimits>>(context, SETTING)
    const factor = this.#preset === 'relaxed' ? RELAXED_FACTOR : 1
    const prd = prdGroupLimits()
    return Object.fromEntries(
      RATE_LIMIT_GROUPS.map((group) => [group, override?.[group] ?? scale(prd[group], factor)]),
    ) as Record<(typeof RATE_LIMIT_GROUPS)[number], GroupLimits>
  }

  /** Sets a context's limits (`POST /testdata/rate-limits`, or PRD values for `/production`). */
  override(context: string, limits: Record<string, GroupLimits> | 'production'): void {
    const values = limits === 'production' ? prdGroupLimits() : limits
    this.#settings.setSetting(context, SETTING, Object.fromEntries(RATE_LIMIT_GROUPS.map((g) => [g, values[g]])))
  }

  /** Back to the preset (`DELETE /testdata/rate-limits`). */
  reset(context: string): void {
    this.#settings.clearSetting(context, SETTING)
  }

  /** Counts a request if it is within the limits of its operation. */
  check(operation: SpecOperation, context: string | undefined, ip: string): RateDecision {
    const group = groupOf(operation)
    const limits = this.#limits(operation, group, context)
    const key = group === 'public' || !context ? `${operation.id}|${ip}` : `${group}|${context}|${ip}`
    const now = this.#clock.nowMs()
    const log = (this.#log.get(key) ?? []).filter((at) => at > now - 3_600_000)
    // Every window must let the request through; the answer names the one that blocks longest.
    let refusal: RateDecision | undefined
    for (const [window, length, field] of WINDOWS) {
      const limit = limits[field]
      if (!Number.isFinite(limit)) continue
      const inWindow = log.filter((at) => at > now - length)
      if (inWindow.length >= limit) {
        const oldest = inWindow[inWindow.length - limit] ?? now
        const retryAfter = Math.max(1, Math.ceil((oldest + length - now) / 1000))
        if (!refusal || (!refusal.ok && retryAfter > refusal.retryAfter))
          refusal = { ok: false, retryAfter, limit, window }
      }
    }
    if (refusal) {
      this.#log.set(key, log)
      return refusal
    }
    log.push(now)
    this.#log.set(key, log)
    return { ok: true }
  }

  #limits(operation: SpecOperation, group: RateLimitGroup, context: string | undefined): GroupLimits {
    const factor = this.#preset === 'relaxed' ? RELAXED_FACTOR : 1
    if (group === 'public' || !context) return scale(operationLimits(operation), factor)
    const override = this.#settings.setting<Record<string, GroupLimits>>(context, SETTING)
    return override?.[group] ?? scale(prdGroupLimits()[group], factor)
  }
}

/**
 * The 429 message KSeF words.
 *
 * @example
 * ```ts
 * rateLimitMessage({ ok: false, retryAfter: 30, limit: 20, window: 'minute' })
 * // 'Przekroczono limit 20 żądań na minutę. Spróbuj ponownie po 30 sekundach.'
 * ```
 */
export function rateLimitMessage(decision: {
  retryAfter: number
  limit: number
  window: 'second' | 'minute' | 'hour'
}): string {
  const per = { second: 'sekundę', minute: 'minutę', hour: 'godzinę' }[decision.window]
  return `Przekroczono limit ${decision.limit} żądań na ${per}. Spróbuj ponownie po ${decision.retryAfter} sekundach.`
}
