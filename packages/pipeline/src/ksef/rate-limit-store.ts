/**
 * The KSeF client's rate-limit store backed by the database, so every worker process draws from one budget per
 * (context, endpoint group): N workers together still stay under KSeF's limits.
 *
 * @module
 */
import { type Kysely, sql } from 'kysely'
import type { Database } from '../db/schema.ts'

/** A sliding window (the client's `RateLimitWindow`). */
export interface Window {
  readonly sizeMs: number
  readonly limit: number
}

/**
 * How long to wait before one more request fits every window, given the request times in them (ascending).
 * Zero means it fits now.
 *
 * @example
 * ```ts
 * windowWait([0, 100, 200], [{ sizeMs: 1000, limit: 3 }], 500) // 501: the request at 0 must leave the window
 * ```
 */
export function windowWait(stamps: readonly number[], windows: readonly Window[], nowMs: number): number {
  let wait = 0
  for (const window of windows) {
    const inWindow = stamps.filter((stamp) => stamp > nowMs - window.sizeMs).length
    if (inWindow >= window.limit) {
      const blocking = stamps[stamps.length - window.limit] ?? nowMs
      wait = Math.max(wait, blocking + window.sizeMs - nowMs + 1)
    }
  }
  return wait
}

/**
 * A `RateLimitStore` on the hub's database. Each acquisition is one short transaction holding the key's row lock.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ store: new DatabaseRateLimitStore(db) })
 * ```
 */
export class DatabaseRateLimitStore {
  readonly #db: Kysely<Database>
  readonly #elapsed: () => number

  /**
   * @param options.monotonicMs a monotonic clock in ms, for the time spent waiting for the row (default
   *   `performance.now`; tests that pass their own `nowMs` freeze it)
   */
  constructor(db: Kysely<Database>, options: { monotonicMs?: () => number } = {}) {
    this.#db = db
    this.#elapsed = options.monotonicMs ?? (() => performance.now())
  }

  async tryAcquire(key: string, windows: readonly Window[], nowMs: number): Promise<number> {
    const longest = Math.max(0, ...windows.map((window) => window.sizeMs))
    const entered = this.#elapsed()
    return this.#db.transaction().execute(async (trx) => {
      await sql`insert into hub.rate_limits (key) values (${key}) on conflict (key) do nothing`.execute(trx)
      const row = await trx
        .selectFrom('rate_limits')
        .selectAll()
        .where('key', '=', key)
        .forUpdate()
        .executeTakeFirstOrThrow()
      // The moment the budget is decided is when this process holds the row, not when it asked: waiting for a
      // connection or for another worker's lock (hundreds of ms under load) would otherwise stamp the request
      // earlier than it leaves, and KSeF counts it when it arrives.
      nowMs += Math.floor(this.#elapsed() - entered)
      const blockedUntil = Number(row.blocked_until)
      if (blockedUntil > nowMs) return blockedUntil - nowMs
      const stamps = (row.stamps ?? []).map(Number).filter((stamp) => stamp > nowMs - longest)
      const wait = windowWait(stamps, windows, nowMs)
      if (wait === 0) stamps.push(nowMs)
      if (wait === 0 || stamps.length !== row.stamps.length) {
        await trx
          .updateTable('rate_limits')
          .set({ stamps: sql`${`{${stamps.join(',')}}`}::bigint[]` as never })
          .where('key', '=', key)
          .execute()
      }
      return wait
    })
  }

  async blockUntil(key: string, untilMs: number): Promise<void> {
    await sql`insert into hub.rate_limits (key, blocked_until) values (${key}, ${untilMs})
      on conflict (key) do update set blocked_until = greatest(hub.rate_limits.blocked_until, excluded.blocked_until)`.execute(
      this.#db,
    )
  }
}
