/**
 * A fake system's clock: real time plus an offset a test can move, so token expiry, subscription expiry, a daily
 * limit's reset or webhook retries hours apart can be reached without waiting. Every time a fake states (a
 * record's last-modified time, a token's expiry, a delivery's timestamp) should come from one of these.
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
 * clock.advance(31 * 60 * 1000) // past an access token's 30 minutes
 * clock.set(new Date('2026-03-01T00:00:00Z')) // and on from there
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
