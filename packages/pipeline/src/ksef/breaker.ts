/**
 * "KSeF is down" versus "this invoice is wrong": a circuit breaker over transient failures, shared by every
 * worker through the database. While it is open, invoices wait in their queue (or go offline, by tenant policy)
 * instead of burning retries; after the cool-down one probe is let through.
 *
 * @module
 */
import { type Kysely, sql } from 'kysely'
import type { Database } from '../db/schema.ts'

/** Tuning of the breaker. */
export interface BreakerOptions {
  /** Consecutive transient failures that open it (default 5). */
  readonly threshold?: number
  /** First cool-down before a probe (default 30 s); it doubles on each failed probe up to `maxCooldownMs`. */
  readonly cooldownMs?: number
  /** Longest cool-down (default 10 min). */
  readonly maxCooldownMs?: number
}

/** What the breaker says about calling KSeF now. */
export type BreakerVerdict = { readonly allowed: true } | { readonly allowed: false; readonly retryAt: Date }

/**
 * A circuit breaker per KSeF endpoint scope (e.g. the API base URL).
 *
 * @example
 * ```ts
 * const verdict = await breaker.check(scope)
 * if (!verdict.allowed) return rescheduleAt(verdict.retryAt)
 * try { await send(); await breaker.success(scope) } catch (error) { if (transient) await breaker.failure(scope) }
 * ```
 */
export class CircuitBreaker {
  readonly #db: Kysely<Database>
  readonly #threshold: number
  readonly #cooldownMs: number
  readonly #maxCooldownMs: number
  readonly #now: () => Date

  constructor(db: Kysely<Database>, options: BreakerOptions = {}, now: () => Date = () => new Date()) {
    this.#db = db
    this.#threshold = options.threshold ?? 5
    this.#cooldownMs = options.cooldownMs ?? 30_000
    this.#maxCooldownMs = options.maxCooldownMs ?? 600_000
    this.#now = now
  }

  /** Whether a call may go out now; an open breaker past its cool-down lets exactly one probe through. */
  async check(scope: string): Promise<BreakerVerdict> {
    const now = this.#now()
    return this.#db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('breakers').selectAll().where('scope', '=', scope).forUpdate().executeTakeFirst()
      if (!row || row.state === 'closed') return { allowed: true }
      // While open, and while a probe is out (half-open until its own deadline), everyone else waits.
      if (row.retry_at && row.retry_at > now) return { allowed: false, retryAt: row.retry_at }
      await trx
        .updateTable('breakers')
        .set({
          state: 'half-open',
          retry_at: new Date(now.getTime() + Math.max(row.cooldown_ms, this.#cooldownMs)),
          updated_at: now,
        })
        .where('scope', '=', scope)
        .execute()
      return { allowed: true }
    })
  }

  /** Records a successful call: the breaker closes. */
  async success(scope: string): Promise<void> {
    await this.#db
      .updateTable('breakers')
      .set({ state: 'closed', failures: 0, cooldown_ms: 0, opened_at: null, retry_at: null, updated_at: this.#now() })
      .where('scope', '=', scope)
      .where((eb) => eb.or([eb('state', '<>', 'closed'), eb('failures', '>', 0)]))
      .execute()
  }

  /** Records a transient failure; returns the state after it. */
  async failure(scope: string): Promise<'closed' | 'open'> {
    const now = this.#now()
    return this.#db.transaction().execute(async (trx) => {
      await sql`insert into hub.breakers (scope, state, failures, cooldown_ms) values (${scope}, 'closed', 0, 0)
        on conflict (scope) do nothing`.execute(trx)
      const row = await trx
        .selectFrom('breakers')
        .selectAll()
        .where('scope', '=', scope)
        .forUpdate()
        .executeTakeFirstOrThrow()
      const failures = row.failures + 1
      const probeFailed = row.state === 'half-open'
      if (!probeFailed && failures < this.#threshold) {
        await trx.updateTable('breakers').set({ failures, updated_at: now }).where('scope', '=', scope).execute()
        return 'closed'
      }
      const cooldown = probeFailed
        ? Math.min(Math.max(row.cooldown_ms * 2, this.#cooldownMs), this.#maxCooldownMs)
        : this.#cooldownMs
      await trx
        .updateTable('breakers')
        .set({
          state: 'open',
          failures,
          cooldown_ms: cooldown,
          opened_at: row.opened_at ?? now,
          retry_at: new Date(now.getTime() + cooldown),
          updated_at: now,
        })
        .where('scope', '=', scope)
        .execute()
      return 'open'
    })
  }

  /** The breaker's state, for health and status pages. */
  async state(
    scope: string,
  ): Promise<{ state: 'closed' | 'open' | 'half-open'; retryAt: Date | null; failures: number }> {
    const row = await this.#db.selectFrom('breakers').selectAll().where('scope', '=', scope).executeTakeFirst()
    return { state: row?.state ?? 'closed', retryAt: row?.retry_at ?? null, failures: row?.failures ?? 0 }
  }
}
