/**
 * Tenants' API keys. A key is `ksh_<12 chars id>_<32 chars secret>`; only its SHA-256 is stored, so a database
 * leak yields no usable key. The id part is public (safe to log and to show in listings).
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Kysely, Transaction } from 'kysely'
import { appendAudit } from '../audit/audit.ts'
import type { Database } from '../db/schema.ts'
import { PipelineError } from '../errors.ts'

type Db = Kysely<Database> | Transaction<Database>

const KEY_FORMAT = /^ksh_([A-Za-z0-9]{12})_[A-Za-z0-9]{32}$/
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

function randomText(length: number): string {
  // 62 symbols from bytes below 248 (4 x 62): no modulo bias.
  let text = ''
  while (text.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && text.length < length) text += ALPHABET[byte % 62]
    }
  }
  return text
}

/**
 * The stored hash of an API key.
 *
 * @example
 * ```ts
 * hashApiKey('ksh_abc...') // 64 hex characters
 * ```
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex')
}

/** A freshly issued key: the only moment the key itself exists outside its owner. */
export interface IssuedApiKey {
  /** The public id (`ksh_xxxxxxxxxxxx`). */
  readonly id: string
  /** The full key; show it once. */
  readonly apiKey: string
}

/**
 * Issues a new API key for a tenant.
 *
 * @example
 * ```ts
 * const { apiKey } = await issueApiKey(db, 'acme')
 * ```
 */
export async function issueApiKey(db: Db, tenantId: string, name = 'default'): Promise<IssuedApiKey> {
  const idPart = randomText(12)
  const apiKey = `ksh_${idPart}_${randomText(32)}`
  const id = `ksh_${idPart}`
  await db
    .insertInto('api_keys')
    .values({ id, tenant_id: tenantId, hash: hashApiKey(apiKey), name })
    .execute()
  await appendAudit(db, { tenantId, kind: 'api-key.issued', actor: 'system', details: { keyId: id, name } })
  return { id, apiKey }
}

/**
 * Rotates a tenant's keys: issues a new one and revokes every other (at once, or after `graceSeconds` so the
 * client can switch without downtime).
 *
 * @example
 * ```ts
 * const { apiKey } = await rotateApiKey(db, 'acme', { graceSeconds: 3600 })
 * ```
 */
export async function rotateApiKey(
  db: Kysely<Database>,
  tenantId: string,
  options: { graceSeconds?: number; now?: Date } = {},
): Promise<IssuedApiKey> {
  return db.transaction().execute(async (trx) => {
    const tenant = await trx.selectFrom('tenants').select('id').where('id', '=', tenantId).executeTakeFirst()
    if (!tenant) throw new PipelineError('NOT_FOUND', `tenant ${tenantId} does not exist`)
    const revokeAt = new Date((options.now ?? new Date()).getTime() + (options.graceSeconds ?? 0) * 1000)
    await trx
      .updateTable('api_keys')
      .set({ revoked_at: revokeAt })
      .where('tenant_id', '=', tenantId)
      .where((eb) => eb.or([eb('revoked_at', 'is', null), eb('revoked_at', '>', revokeAt)]))
      .execute()
    return issueApiKey(trx, tenantId)
  })
}

/** Who an API key belongs to. */
export interface ApiKeyOwner {
  readonly keyId: string
  readonly tenantId: string
}

/**
 * The tenant of an API key, or `null` for an unknown, malformed, revoked key or a disabled tenant.
 *
 * @example
 * ```ts
 * const owner = await verifyApiKey(db, bearerToken)
 * if (!owner) return unauthorized()
 * ```
 */
export async function verifyApiKey(db: Db, key: string, now: Date = new Date()): Promise<ApiKeyOwner | null> {
  if (!KEY_FORMAT.test(key)) return null
  // Looking up by the hash of the whole key compares nothing secret byte by byte: no timing oracle.
  const row = await db
    .selectFrom('api_keys')
    .innerJoin('tenants', 'tenants.id', 'api_keys.tenant_id')
    .select(['api_keys.id', 'api_keys.tenant_id', 'api_keys.revoked_at', 'tenants.disabled_at'])
    .where('api_keys.hash', '=', hashApiKey(key))
    .executeTakeFirst()
  if (!row || row.disabled_at !== null) return null
  if (row.revoked_at !== null && row.revoked_at.getTime() <= now.getTime()) return null
  return { keyId: row.id, tenantId: row.tenant_id }
}

/**
 * A tenant's keys (ids and dates, never the keys).
 *
 * @example
 * ```ts
 * const keys = await listApiKeys(db, 'acme')
 * ```
 */
export async function listApiKeys(
  db: Db,
  tenantId: string,
): Promise<{ id: string; name: string; createdAt: Date; revokedAt: Date | null }[]> {
  const rows = await db
    .selectFrom('api_keys')
    .select(['id', 'name', 'created_at', 'revoked_at'])
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at')
    .execute()
  return rows.map((row) => ({ id: row.id, name: row.name, createdAt: row.created_at, revokedAt: row.revoked_at }))
}
