/**
 * The simulator's sense of time. Everything that expires (challenges, tokens, upload windows, pre-signed URLs)
 * asks this clock, so tests and the admin API can move time forward instead of waiting.
 *
 * @module
 */

/** A clock that can be moved forward (never backward, so stored timestamps stay ordered). */
export interface Clock {
  /** The current time. */
  now(): Date
  /** Milliseconds since the epoch. */
  nowMs(): number
  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void
}

/**
 * The system clock with an adjustable offset.
 *
 * @example
 * ```ts
 * const clock = systemClock()
 * clock.advance(11 * 60_000) // a challenge issued now has expired
 * ```
 */
export function systemClock(): Clock {
  let offset = 0
  return {
    now: () => new Date(Date.now() + offset),
    nowMs: () => Date.now() + offset,
    advance: (ms) => {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward')
      offset += ms
    },
  }
}
