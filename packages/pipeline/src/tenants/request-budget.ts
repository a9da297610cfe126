/**
 * A tenant's request budget, shared by every gateway process through the database: a token bucket refilled at
 * `requestsPerSecond` up to `burst`, from which a process leases a few tokens at a time.
 *
 * @module
 */
import { type Kysely, sql } from 'kysely'
import type { Database } from '../db/schema.ts'

/** How many requests a tenant may make: a steady rate and a burst. */
export interface RequestBudget {
  readonly requestsPerSecond: number
  readonly burst: number
}

/** What a lease got. */
export interface RequestLease {
  /** Tokens granted to the caller (0 when the budget is spent). */
  readonly granted: number
  /** Tokens left in the shared bucket after this lease (may be fractional). */
  readonly available: number
}

/**
 * Takes up to `want` tokens from a tenant's shared bucket, refilling it first for the time since its last lease.
 *
 * @example
 * ```ts
 * const { granted } = await leaseRequestTokens(db, 'acme', { requestsPerSecond: 100, burst: 200 }, 5)
 * if (granted === 0) answer429()
 * ```
 */
export async function leaseRequestTokens(
  db: Kysely<Database>,
  tenantId: string,
  budget: RequestBudget,
  want: number,
): Promise<RequestLease> {
  const { rows } = await sql<RequestLease>`
    select granted, available
    from hub.lease_request_tokens(${tenantId}::text, ${budget.requestsPerSecond}::float8, ${budget.burst}::float8, ${want}::int)`.execute(
    db,
  )
  const row = rows[0]
  return { granted: Number(row?.granted ?? 0), available: Number(row?.available ?? 0) }
}
