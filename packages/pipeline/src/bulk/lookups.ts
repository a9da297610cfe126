/**
 * Bulk intake's two lookups: which of a request's invoice numbers a live invoice of the tenant already holds, and
 * which of its documents the tenant already has (locked, as intake decides on them).
 *
 * Each key is looked up on its own through its unique index, in a lateral subquery that `limit 1` (each index is
 * unique) keeps from being flattened into a join. Given `= any(keys)`, or as a join, the planner read the tenant's
 * whole range of another index whenever the statistics lagged behind a fast-growing table (autovacuum analyses it
 * a minute later at best): each request's lookups grew with every invoice the tenant had, and at 300,000 invoices
 * the database spent seven times as much per invoice (bulk-cost.bench.ts, BENCH_PREFILL).
 *
 * @module
 */
import { type RawBuilder, sql } from 'kysely'

/** A live invoice holding one of the numbers looked up. */
export interface LiveNumber {
  readonly id: string
  readonly ksef_number: string | null
  readonly duplicate_key: string
}

/** A stored document, by its idempotency key. */
export interface StoredDocument {
  readonly id: string
  readonly state: string
  readonly content_hash: string
  readonly idempotency_key: string
}

/**
 * The tenant's live (not rejected) invoices with any of these KSeF duplicate keys.
 *
 * @example
 * ```ts
 * const { rows } = await liveNumbers('acme', ['5265877635|VAT|FV/1']).execute(trx)
 * ```
 */
export function liveNumbers(tenantId: string, duplicateKeys: readonly string[]): RawBuilder<LiveNumber> {
  return sql<LiveNumber>`
    select found.id, found.ksef_number, found.duplicate_key
    from unnest(${duplicateKeys}::text[]) as wanted(duplicate_key)
    cross join lateral (
      select id, ksef_number, duplicate_key from hub.invoices
      where tenant_id = ${tenantId} and duplicate_key = wanted.duplicate_key and state <> 'rejected'
      limit 1
    ) as found`
}

/**
 * The tenant's documents with any of these idempotency keys, locked for update. Pass the keys sorted: requests
 * with documents in common then lock them in one order, and do not deadlock.
 *
 * @example
 * ```ts
 * const { rows } = await storedDocuments('acme', keys.sort()).execute(trx)
 * ```
 */
export function storedDocuments(tenantId: string, idempotencyKeys: readonly string[]): RawBuilder<StoredDocument> {
  return sql<StoredDocument>`
    select found.id, found.state, found.content_hash, found.idempotency_key
    from unnest(${idempotencyKeys}::text[]) as wanted(idempotency_key)
    cross join lateral (
      select id, state, content_hash, idempotency_key from hub.invoices
      where tenant_id = ${tenantId} and idempotency_key = wanted.idempotency_key
      limit 1
      for update
    ) as found`
}
