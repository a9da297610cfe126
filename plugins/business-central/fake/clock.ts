/**
 * The fake's clock: real time plus an offset a test can move, so token expiry, subscription expiry and the
 * 36-hour retry window can be reached without waiting. Every time the fake states (`lastModifiedDateTime`,
 * `expirationDateTime`, token `exp`) comes from here.
 *
 * @module
 */

/** A clock a test moves. */
export interface FakeClock {
  /** Now, as the fake sees it. */
  now(): Date
  /** Moves the clock forward by `ms` (negative moves it back). */
  advance(ms: number): void
  /** Sets the clock to `instant` (it keeps running from there). */
  set(instant: Date): void
}

/**
 * A clock that runs with real time from `start` (default: now).
 *
 * @example
 * ```ts
 * const clock = createClock()
 * clock.advance(3 * 24 * 60 * 60 * 1000) // three days later: subscriptions have expired
 * ```
 */
export function createClock(start?: Date): FakeClock {
  let offset = start ? start.getTime() - Date.now() : 0
  return {
    now: () => new Date(Date.now() + offset),
    advance(ms) {
      offset += ms
    },
    set(instant) {
      offset = instant.getTime() - Date.now()
    },
  }
}
