/**
 * HTTP idempotency keys, as Stripe has them: the first request with a key claims it and its response is stored;
 * a retry with the same key and the same request gets the stored response again; the same key with another
 * request is refused; a retry while the first is still running is told to come back later.
 *
 * The claim is its own short transaction, not part of the business transaction: the operations behind it
 * (submitInvoice, submitInvoicesBulk) are themselves idempotent per document, so a crash between claim and
 * completion is repaired by running the request again once the claim's lock has expired.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'

/** Keys live at least this long (Stripe prunes after 24 h). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600
/** A `processing` claim older than this is taken to be from a crashed request and may be taken over. */
export const IDEMPOTENCY_LOCK_SECONDS = 60

/** What the stored response looks like. */
export interface StoredResponse {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: Uint8Array
}

/** The outcome of a claim. */
export type ClaimOutcome =
  | { readonly kind: 'claimed' }
  | { readonly kind: 'replay'; readonly response: StoredResponse }
  | { readonly kind: 'in_progress' }
  | { readonly kind: 'mismatch' }

/** A claim request. */
export interface ClaimRequest {
  readonly tenantId: string
  readonly key: string
  readonly fingerprint: string
  readonly now?: Date
}

/**
 * The fingerprint of a request: its method, its target (whatever else tells requests apart: the actual path, the
 * query, the content type) and its body bytes.
 *
 * @example
 * ```ts
 * const fingerprint = requestFingerprint('POST', '/v1/invoices/0190…/retry?\napplication/json', bodyBytes)
 * ```
 */
export function requestFingerprint(method: string, target: string, body: Uint8Array): string {
  return createHash('sha256').update(`${method.toUpperCase()} ${target}\n`).update(body).digest('hex')
}

/**
 * Claims a key for a request, or says what to answer instead.
 *
 * @example
 * ```ts
 * const claim = await claimIdempotencyKey(db, { tenantId, key, fingerprint })
 * if (claim.kind === 'replay') return replay(claim.response)
 * ```
 */
export async function claimIdempotencyKey(db: Kysely<Database>, request: ClaimRequest): Promise<ClaimOutcome> {
  const now = request.now ?? new Date()
  const expiresAt = new Date(now.getTime() + IDEMPOTENCY_TTL_SECONDS * 1000)
  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted = await db
      .insertInto('idempotency_keys')
      .values({
        tenant_id: request.tenantId,
        key: request.key,
        fingerprint: request.fingerprint,
        state: 'processing',
        locked_at: now,
        expires_at: expiresAt,
      })
      .onConflict((conflict) => conflict.columns(['tenant_id', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst()
    if (inserted) return { kind: 'claimed' }
    const row = await db
      .selectFrom('idempotency_keys')
      .select([
        'fingerprint',
        'state',
        'response_status',
        'response_headers',
        'response_body',
        'locked_at',
        'expires_at',
      ])
      .where('tenant_id', '=', request.tenantId)
      .where('key', '=', request.key)
      .executeTakeFirst()
    if (!row) continue
    if (row.expires_at.getTime() <= now.getTime()) {
      // An expired key is a new key.
      await db
        .deleteFrom('idempotency_keys')
        .where('tenant_id', '=', request.tenantId)
        .where('key', '=', request.key)
        .where('expires_at', '<=', now)
        .execute()
      continue
    }
    if (row.fingerprint !== request.fingerprint) return { kind: 'mismatch' }
    if (row.state === 'completed') {
      return {
        kind: 'replay',
        response: {
          status: row.response_status ?? 200,
          headers: row.response_headers ?? {},
          body: new Uint8Array(row.response_body ?? Buffer.alloc(0)),
        },
      }
    }
    if (now.getTime() - row.locked_at.getTime() < IDEMPOTENCY_LOCK_SECONDS * 1000) return { kind: 'in_progress' }
    // A stale claim of a crashed request: take it over, unless another retry took it first.
    const taken = await db
      .updateTable('idempotency_keys')
      .set({ locked_at: now })
      .where('tenant_id', '=', request.tenantId)
      .where('key', '=', request.key)
      .where('state', '=', 'processing')
      .where('locked_at', '=', row.locked_at)
      .returning('key')
      .executeTakeFirst()
    return taken ? { kind: 'claimed' } : { kind: 'in_progress' }
  }
  return { kind: 'in_progress' }
}

/**
 * Stores the response of a claimed key; retries will get it replayed.
 *
 * @example
 * ```ts
 * await completeIdempotencyKey(db, tenantId, key, { status: 201, headers, body })
 * ```
 */
export async function completeIdempotencyKey(
  db: Kysely<Database>,
  tenantId: string,
  key: string,
  response: StoredResponse,
): Promise<void> {
  const { 'set-cookie': _cookie, ...headers } = response.headers
  await db
    .updateTable('idempotency_keys')
    .set({
      state: 'completed',
      response_status: response.status,
      response_headers: JSON.stringify(headers),
      response_body: Buffer.from(response.body),
    })
    .where('tenant_id', '=', tenantId)
    .where('key', '=', key)
    .execute()
}

/**
 * Gives a claimed key up (nothing stored): the next request with it runs afresh.
 *
 * @example
 * ```ts
 * await releaseIdempotencyKey(db, tenantId, key) // after a 5xx
 * ```
 */
export async function releaseIdempotencyKey(db: Kysely<Database>, tenantId: string, key: string): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('tenant_id', '=', tenantId)
    .where('key', '=', key)
    .where('state', '=', 'processing')
    .execute()
}

/**
 * Deletes expired keys.
 *
 * @returns how many were deleted
 * @example
 * ```ts
 * await purgeExpiredIdempotencyKeys(db)
 * ```
 */
export async function purgeExpiredIdempotencyKeys(db: Kysely<Database>, now: Date = new Date()): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst()
  return Number(result.numDeletedRows)
}
