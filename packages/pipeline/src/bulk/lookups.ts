/**
 * Bulk intake's lookups: which of a request's invoice numbers a live invoice of the tenant already holds, and
 * which of its documents the tenant already has. Either both in one statement without locks, for a write that only
 * inserts new invoices, or each in a statement of its own with the documents locked, for a transaction that
 * decides on stored documents (resubmissions).
 *
 * Each key is looked up on its own through its unique index, in a lateral subquery that `limit 1` (each index is
 * unique) keeps from being flattened into a join. Given `= any(keys)`, or as a join, the planner read the tenant's
 * whole range of another index whenever the statistics lagged behind a fast-growing table (autovacuum analyses it
 * a minute later at best): each request's lookups grew with every invoice the tenant had, and at 300,000 invoices
 * the database spent seven times as much per invoice (bulk-cost.bench.ts, BENCH_PREFILL).
 *
 * @module
 */
import { type QueryExecutorProvider, type RawBuilder, sql } from 'kysely'

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

/** What a request's documents and numbers are already known as: its stored documents and the live numbers. */
export interface KnownIdentities {
  readonly documents: StoredDocument[]
  readonly numbers: LiveNumber[]
}

/** A row of {@link knownIdentitiesQuery}. */
export type KnownRow =
  | {
      readonly kind: 'document'
      readonly id: string
      readonly state: string
      readonly key: string
      readonly content_hash: string
    }
  | { readonly kind: 'number'; readonly id: string; readonly ksef_number: string | null; readonly key: string }

/**
 * Both lookups in one statement, without locks: one round trip, and one snapshot for both (a document committed
 * meanwhile is seen by both or by neither). For writes that only insert new invoices, whose unique indexes then
 * settle any race; a decision on a stored document (a resubmission) takes {@link storedDocuments} with its lock.
 *
 * @example
 * ```ts
 * const { rows } = await knownIdentitiesQuery('acme', keys, duplicateKeys).execute(context.db)
 * ```
 */
export function knownIdentitiesQuery(
  tenantId: string,
  idempotencyKeys: readonly string[],
  duplicateKeys: readonly string[],
): RawBuilder<KnownRow> {
  return sql<KnownRow>`
    select 'document' as kind, found.id, found.state, null as ksef_number, found.content_hash,
      found.idempotency_key as key
    from unnest(${idempotencyKeys}::text[]) as wanted(idempotency_key)
    cross join lateral (
      select id, state, content_hash, idempotency_key from hub.invoices
      where tenant_id = ${tenantId} and idempotency_key = wanted.idempotency_key
      limit 1
    ) as found
    union all
    select 'number', found.id, null, found.ksef_number, null, found.duplicate_key
    from unnest(${duplicateKeys}::text[]) as wanted(duplicate_key)
    cross join lateral (
      select id, ksef_number, duplicate_key from hub.invoices
      where tenant_id = ${tenantId} and duplicate_key = wanted.duplicate_key and state <> 'rejected'
      limit 1
    ) as found`
}

/**
 * Runs {@link knownIdentitiesQuery} and sorts its rows into documents and numbers.
 *
 * @example
 * ```ts
 * const { documents, numbers } = await knownIdentities(context.db, 'acme', keys, duplicateKeys)
 * ```
 */
export async function knownIdentities(
  executor: QueryExecutorProvider,
  tenantId: string,
  idempotencyKeys: readonly string[],
  duplicateKeys: readonly string[],
): Promise<KnownIdentities> {
  const { rows } = await knownIdentitiesQuery(tenantId, idempotencyKeys, duplicateKeys).execute(executor)
  const known: KnownIdentities = { documents: [], numbers: [] }
  for (const row of rows) {
    if (row.kind === 'document') {
      known.documents.push({ id: row.id, state: row.state, content_hash: row.content_hash, idempotency_key: row.key })
    } else known.numbers.push({ id: row.id, ksef_number: row.ksef_number, duplicate_key: row.key })
  }
  return known
}
